//! [`Carrier`] for [`VoipMsClient`]. Calls go over SIP, which the REST API does not drive.

use futures_util::future::BoxFuture;

use super::client::VoipMsClient;
use super::sms::SMS_SEGMENT_LIMIT;
use crate::carrier::{
    AvailableNumber, Carrier, CarrierError, CarrierKind, CarrierResult, NumberHooks, NumberSearch,
    OutboundSms, OwnedNumber, PlaceCall, PlacedCall, RecordingMedia, SentSms,
};

impl VoipMsClient {
    fn unsupported<T: Send + 'static>(
        &self,
        what: &'static str,
    ) -> BoxFuture<'static, CarrierResult<T>> {
        let carrier = self.inner.credentials.name.clone();
        Box::pin(async move { Err(CarrierError::Unsupported { carrier, what }) })
    }
}

impl Carrier for VoipMsClient {
    fn kind(&self) -> CarrierKind {
        CarrierKind::Voipms
    }

    fn name(&self) -> &str {
        &self.inner.credentials.name
    }

    fn sms_segment_limit(&self) -> usize {
        SMS_SEGMENT_LIMIT
    }

    fn place_call(&self, _call: PlaceCall) -> BoxFuture<'static, CarrierResult<PlacedCall>> {
        self.unsupported("placing calls over its REST API (voice needs SIP)")
    }

    fn hang_up(&self, _carrier_call_id: &str) -> BoxFuture<'static, CarrierResult<()>> {
        self.unsupported("hanging up calls over its REST API (voice needs SIP)")
    }

    fn transfer(
        &self,
        _carrier_call_id: &str,
        _to: &str,
        _caller_id: &str,
    ) -> BoxFuture<'static, CarrierResult<()>> {
        self.unsupported("transferring calls over its REST API (voice needs SIP)")
    }

    fn say_and_hang_up(
        &self,
        _carrier_call_id: &str,
        _text: &str,
    ) -> BoxFuture<'static, CarrierResult<()>> {
        self.unsupported("speaking on calls over its REST API (voice needs SIP)")
    }

    fn search_numbers(
        &self,
        search: NumberSearch,
    ) -> BoxFuture<'static, CarrierResult<Vec<AvailableNumber>>> {
        let inner = self.inner.clone();
        Box::pin(async move { inner.search_numbers(search).await })
    }

    fn provision_number(
        &self,
        phone_number: &str,
        hooks: NumberHooks,
    ) -> BoxFuture<'static, CarrierResult<OwnedNumber>> {
        let (inner, number) = (self.inner.clone(), phone_number.to_owned());
        Box::pin(async move { inner.provision_number(&number, &hooks).await })
    }

    fn import_number(
        &self,
        phone_number: &str,
        hooks: NumberHooks,
    ) -> BoxFuture<'static, CarrierResult<OwnedNumber>> {
        let (inner, number) = (self.inner.clone(), phone_number.to_owned());
        Box::pin(async move { inner.import_number(&number, &hooks).await })
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
        _recording_url: &str,
    ) -> BoxFuture<'static, CarrierResult<RecordingMedia>> {
        self.unsupported("call recordings")
    }
}
