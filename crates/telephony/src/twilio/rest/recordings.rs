//! Recording media (digest §4.3).

use reqwest::header::CONTENT_TYPE;
use url::Url;

use super::client::Inner;
use crate::carrier::{CarrierError, CarrierResult, RecordingMedia};

impl Inner {
    /// Downloads `recording_url` as announced by a recording callback: Twilio's URL has no
    /// extension and `.wav` picks the format. Only URLs on the API host get our
    /// credentials: a forged callback must not make us send them elsewhere.
    pub async fn fetch_recording(&self, recording_url: &str) -> CarrierResult<RecordingMedia> {
        let rejected = |reason: String| CarrierError::Protocol {
            carrier: self.name().to_owned(),
            reason,
        };
        let mut url = Url::parse(recording_url)
            .map_err(|e| rejected(format!("recording URL {recording_url:?}: {e}")))?;
        if !self.is_api_url(&url) {
            return Err(rejected(format!(
                "recording URL {recording_url:?} is not on the Twilio API host"
            )));
        }
        let last = url
            .path_segments()
            .and_then(|mut s| s.next_back())
            .unwrap_or("")
            .to_owned();
        if !last.is_empty() && !last.contains('.') {
            let path = format!("{}.wav", url.path());
            url.set_path(&path);
        }
        let what = format!("recording {last}");
        let response = self.send(self.download(url), &what).await?;
        let content_type = response
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("audio/x-wav")
            .to_owned();
        let bytes = response
            .bytes()
            .await
            .map_err(|e| CarrierError::Unavailable {
                carrier: self.name().to_owned(),
                reason: format!("reading {what}: {}", e.without_url()),
            })?;
        Ok(RecordingMedia {
            content_type,
            bytes: bytes.to_vec(),
        })
    }
}
