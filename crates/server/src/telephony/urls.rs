//! The URLs carriers call us back on, all under the public URL (so they work behind a
//! reverse proxy with a path prefix). Each names the call or number it is about; signatures
//! (Twilio, Telnyx) or a per-number secret (VoIP.ms) prove the sender.

/// Builds webhook URLs under one public base such as `https://sb.example/prefix`.
#[derive(Debug, Clone)]
pub struct WebhookUrls {
    base: String,
}

impl WebhookUrls {
    pub fn new(public_base: &str) -> Self {
        Self {
            base: public_base.trim_end_matches('/').to_owned(),
        }
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    /// The URL a request to `path_and_query` (as our router saw it, without the proxy's
    /// prefix) was sent to: what Twilio signed.
    pub fn public(&self, path_and_query: &str) -> String {
        format!("{}{path_and_query}", self.base)
    }

    pub fn twilio_call_voice(&self, call_id: &str) -> String {
        format!("{}/webhooks/twilio/voice?call_id={call_id}", self.base)
    }

    /// Where Twilio asks what to do once a call's media stream has ended.
    pub fn twilio_after_stream(&self, call_id: &str) -> String {
        format!(
            "{}/webhooks/twilio/after-stream?call_id={call_id}",
            self.base
        )
    }

    pub fn twilio_call_status(&self, call_id: &str) -> String {
        format!("{}/webhooks/twilio/status?call_id={call_id}", self.base)
    }

    pub fn twilio_recording(&self, call_id: &str) -> String {
        format!("{}/webhooks/twilio/recording?call_id={call_id}", self.base)
    }

    pub fn twilio_machine_detection(&self, call_id: &str) -> String {
        format!("{}/webhooks/twilio/amd?call_id={call_id}", self.base)
    }

    pub fn twilio_number_voice(&self, number_id: &str) -> String {
        format!("{}/webhooks/twilio/voice?number_id={number_id}", self.base)
    }

    pub fn twilio_number_status(&self, number_id: &str) -> String {
        format!("{}/webhooks/twilio/status?number_id={number_id}", self.base)
    }

    pub fn twilio_sms(&self, number_id: &str) -> String {
        format!("{}/webhooks/twilio/sms?number_id={number_id}", self.base)
    }

    /// Telnyx sends every event of a call (or of a number's calls) to one URL.
    pub fn telnyx_call(&self, call_id: &str) -> String {
        format!("{}/webhooks/telnyx/call?call_id={call_id}", self.base)
    }

    pub fn telnyx_number(&self, number_id: &str) -> String {
        format!("{}/webhooks/telnyx/call?number_id={number_id}", self.base)
    }

    pub fn telnyx_messaging(&self) -> String {
        format!("{}/webhooks/telnyx/messaging", self.base)
    }

    /// VoIP.ms fills the placeholders and sends a GET; it signs nothing, so the URL carries
    /// the number's secret.
    pub fn voipms_sms_template(&self, number_id: &str, secret: &str) -> String {
        format!(
            "{}/webhooks/voipms/sms?number_id={number_id}&secret={secret}\
             &from={{FROM}}&to={{TO}}&message={{MESSAGE}}&id={{ID}}&date={{DATE}}",
            self.base
        )
    }

    /// The media WebSocket URL for `path` (`/media/twilio`, `/media/telnyx`).
    pub fn media(&self, path: &str) -> String {
        let ws = self
            .base
            .replacen("https://", "wss://", 1)
            .replacen("http://", "ws://", 1);
        format!("{ws}{path}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_keep_the_public_prefix_and_switch_the_media_scheme() {
        let urls = WebhookUrls::new("https://sb.example/prefix/");
        assert_eq!(
            urls.twilio_call_voice("call_1"),
            "https://sb.example/prefix/webhooks/twilio/voice?call_id=call_1"
        );
        assert_eq!(
            urls.media("/media/twilio"),
            "wss://sb.example/prefix/media/twilio"
        );
        assert_eq!(
            urls.public("/webhooks/twilio/sms?number_id=num_1"),
            "https://sb.example/prefix/webhooks/twilio/sms?number_id=num_1"
        );
        assert!(
            urls.voipms_sms_template("num_1", "s3")
                .contains("&from={FROM}&to={TO}")
        );
    }
}
