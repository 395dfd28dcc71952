//! Downloading a recording a `call.recording.saved` webhook announced.

use reqwest::Method;
use reqwest::header::CONTENT_TYPE;
use url::Url;

use super::client::Inner;
use crate::carrier::{self, CarrierError, CarrierResult, RecordingMedia};

impl Inner {
    /// The key goes along only when the URL is on the API's own host: Telnyx's recording
    /// URLs are usually pre-signed storage links \[I\], and the key must not travel elsewhere.
    pub async fn fetch_recording(&self, recording_url: &str) -> CarrierResult<RecordingMedia> {
        // Status 0: refused here, before any request.
        let url = Url::parse(recording_url).map_err(|_| CarrierError::Rejected {
            carrier: self.name().to_owned(),
            status: 0,
            code: "invalid_url".into(),
            message: "the recording URL is not an absolute URL".into(),
        })?;
        let request = if self.is_api_origin(&url) {
            self.request(Method::GET, url)
        } else {
            self.http().get(url)
        };
        let response = request
            .timeout(self.download_timeout)
            .send()
            .await
            .map_err(|e| carrier::transport_error(self.name(), e))?;
        let status = response.status().as_u16();
        match status {
            200..=299 => {}
            401 | 403 => {
                return Err(CarrierError::Unauthorized {
                    carrier: self.name().to_owned(),
                });
            }
            404 | 410 => {
                return Err(CarrierError::NotFound {
                    carrier: self.name().to_owned(),
                    what: "the recording".into(),
                });
            }
            400..=499 => {
                return Err(CarrierError::Rejected {
                    carrier: self.name().to_owned(),
                    status,
                    code: String::new(),
                    message: "the recording download was refused".into(),
                });
            }
            _ => {
                return Err(CarrierError::Unavailable {
                    carrier: self.name().to_owned(),
                    reason: format!("recording download answered HTTP {status}"),
                });
            }
        }
        let content_type = response
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("application/octet-stream")
            .to_owned();
        let bytes = response
            .bytes()
            .await
            .map_err(|e| carrier::transport_error(self.name(), e))?;
        Ok(RecordingMedia {
            content_type,
            bytes: bytes.to_vec(),
        })
    }
}
