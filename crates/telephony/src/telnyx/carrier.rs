//! [`Carrier`] for [`TelnyxClient`].

use futures_util::future::BoxFuture;

use super::client::TelnyxClient;
use crate::carrier::{
    AvailableNumber, Carrier, CarrierError, CarrierKind, CarrierResult, NumberHooks, NumberSearch,
    OutboundSms, OwnedNumber, PlaceCall, PlacedCall, RecordingMedia, SentSms,
};

/// Telnyx splits longer texts itself, up to 10 parts of 160 GSM-7 characters \[I\]; we send at
/// most this much at once.
const SMS_SEGMENT_LIMIT: usize = 1600;

impl Carrier for TelnyxClient {
    fn kind(&self) -> CarrierKind {
        CarrierKind::Telnyx
    }

    fn name(&self) -> &str {
        &self.inner.credentials.name
    }

    fn sms_segment_limit(&self) -> usize {
        SMS_SEGMENT_LIMIT
    }

    fn place_call(&self, call: PlaceCall) -> BoxFuture<'static, CarrierResult<PlacedCall>> {
        let inner = self.inner.clone();
        Box::pin(async move { inner.dial(call).await })
    }

    fn hang_up(&self, carrier_call_id: &str) -> BoxFuture<'static, CarrierResult<()>> {
        let (inner, id) = (self.inner.clone(), carrier_call_id.to_owned());
        Box::pin(async move { inner.hang_up(&id).await })
    }

    fn transfer(
        &self,
        carrier_call_id: &str,
        to: &str,
        caller_id: &str,
    ) -> BoxFuture<'static, CarrierResult<()>> {
        let inner = self.inner.clone();
        let (id, to, caller_id) = (
            carrier_call_id.to_owned(),
            to.to_owned(),
            caller_id.to_owned(),
        );
        Box::pin(async move { inner.transfer(&id, &to, &caller_id).await })
    }

    /// Telnyx speaks with `speak` and reports `call.speak.ended` later; hanging up at once
    /// would cut the message off, so voicemail drops are not offered on Telnyx yet.
    fn say_and_hang_up(
        &self,
        _carrier_call_id: &str,
        _text: &str,
    ) -> BoxFuture<'static, CarrierResult<()>> {
        let carrier = self.inner.credentials.name.clone();
        Box::pin(async move {
            Err(CarrierError::Unsupported {
                carrier,
                what: "leaving a voicemail message",
            })
        })
    }

    fn search_numbers(
        &self,
        search: NumberSearch,
    ) -> BoxFuture<'static, CarrierResult<Vec<AvailableNumber>>> {
        let inner = self.inner.clone();
        Box::pin(async move { inner.search_numbers(search).await })
    }

    /// `hooks` are not sent: see [`super::numbers`].
    fn provision_number(
        &self,
        phone_number: &str,
        _hooks: NumberHooks,
    ) -> BoxFuture<'static, CarrierResult<OwnedNumber>> {
        let (inner, number) = (self.inner.clone(), phone_number.to_owned());
        Box::pin(async move { inner.provision_number(&number).await })
    }

    /// `hooks` are not sent: see [`super::numbers`].
    fn import_number(
        &self,
        phone_number: &str,
        _hooks: NumberHooks,
    ) -> BoxFuture<'static, CarrierResult<OwnedNumber>> {
        let (inner, number) = (self.inner.clone(), phone_number.to_owned());
        Box::pin(async move { inner.import_number(&number).await })
    }

    fn release_number(&self, number: &OwnedNumber) -> BoxFuture<'static, CarrierResult<()>> {
        let (inner, number) = (self.inner.clone(), number.clone());
        Box::pin(async move { inner.release_number(&number).await })
    }

    fn send_sms(&self, sms: OutboundSms) -> BoxFuture<'static, CarrierResult<SentSms>> {
        let inner = self.inner.clone();
        Box::pin(async move { inner.send_sms(sms).await })
    }

    fn fetch_recording(
        &self,
        recording_url: &str,
    ) -> BoxFuture<'static, CarrierResult<RecordingMedia>> {
        let (inner, url) = (self.inner.clone(), recording_url.to_owned());
        Box::pin(async move { inner.fetch_recording(&url).await })
    }
}
