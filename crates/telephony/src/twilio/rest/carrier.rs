//! [`Carrier`] for [`TwilioClient`]: each method clones the shared client into a `'static`
//! future.

use std::future::Future;
use std::sync::Arc;

use futures_util::future::BoxFuture;

use super::client::{Inner, TwilioClient};
use super::messages::SEGMENT_LIMIT;
use crate::carrier::{
    AvailableNumber, Carrier, CarrierKind, CarrierResult, NumberHooks, NumberSearch, OutboundSms,
    OwnedNumber, PlaceCall, PlacedCall, RecordingMedia, SentSms,
};

impl TwilioClient {
    fn run<T, F, Fut>(&self, body: F) -> BoxFuture<'static, CarrierResult<T>>
    where
        F: FnOnce(Arc<Inner>) -> Fut,
        Fut: Future<Output = CarrierResult<T>> + Send + 'static,
    {
        Box::pin(body(self.inner.clone()))
    }
}

impl Carrier for TwilioClient {
    fn kind(&self) -> CarrierKind {
        self.inner.kind
    }

    fn name(&self) -> &str {
        self.inner.name()
    }

    fn sms_segment_limit(&self) -> usize {
        SEGMENT_LIMIT
    }

    fn place_call(&self, call: PlaceCall) -> BoxFuture<'static, CarrierResult<PlacedCall>> {
        self.run(|twilio| async move { twilio.place_call(call).await })
    }

    fn hang_up(&self, carrier_call_id: &str) -> BoxFuture<'static, CarrierResult<()>> {
        let sid = carrier_call_id.to_owned();
        self.run(|twilio| async move { twilio.hang_up(&sid).await })
    }

    fn transfer(
        &self,
        carrier_call_id: &str,
        to: &str,
        caller_id: &str,
    ) -> BoxFuture<'static, CarrierResult<()>> {
        let (sid, to, caller_id) = (
            carrier_call_id.to_owned(),
            to.to_owned(),
            caller_id.to_owned(),
        );
        self.run(|twilio| async move { twilio.transfer(&sid, &to, &caller_id).await })
    }

    fn say_and_hang_up(
        &self,
        carrier_call_id: &str,
        text: &str,
    ) -> BoxFuture<'static, CarrierResult<()>> {
        let (sid, text) = (carrier_call_id.to_owned(), text.to_owned());
        self.run(|twilio| async move { twilio.say_and_hang_up(&sid, &text).await })
    }

    fn search_numbers(
        &self,
        search: NumberSearch,
    ) -> BoxFuture<'static, CarrierResult<Vec<AvailableNumber>>> {
        self.run(|twilio| async move { twilio.search_numbers(search).await })
    }

    fn provision_number(
        &self,
        phone_number: &str,
        hooks: NumberHooks,
    ) -> BoxFuture<'static, CarrierResult<OwnedNumber>> {
        let number = phone_number.to_owned();
        self.run(|twilio| async move { twilio.provision_number(&number, hooks).await })
    }

    fn import_number(
        &self,
        phone_number: &str,
        hooks: NumberHooks,
    ) -> BoxFuture<'static, CarrierResult<OwnedNumber>> {
        let number = phone_number.to_owned();
        self.run(|twilio| async move { twilio.import_number(&number, hooks).await })
    }

    fn release_number(&self, number: &OwnedNumber) -> BoxFuture<'static, CarrierResult<()>> {
        let number = number.clone();
        self.run(|twilio| async move { twilio.release_number(&number).await })
    }

    fn send_sms(&self, sms: OutboundSms) -> BoxFuture<'static, CarrierResult<SentSms>> {
        self.run(|twilio| async move { twilio.send_sms(sms).await })
    }

    fn fetch_recording(
        &self,
        recording_url: &str,
    ) -> BoxFuture<'static, CarrierResult<RecordingMedia>> {
        let url = recording_url.to_owned();
        self.run(|twilio| async move { twilio.fetch_recording(&url).await })
    }
}
