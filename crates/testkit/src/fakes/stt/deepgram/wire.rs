//! The fake's server messages, shaped as in digest §1.3.

use serde_json::{Value, json};

/// Seconds with millisecond precision, as Deepgram writes them.
pub(crate) fn secs(samples: u64, rate: u32) -> f64 {
    (samples as f64 / f64::from(rate) * 1000.0).round() / 1000.0
}

/// A `Results` message. Words are spread evenly over `[start, start + duration)`.
pub(crate) struct ResultsMsg<'a> {
    pub text: &'a str,
    pub start: f64,
    pub duration: f64,
    pub is_final: bool,
    pub speech_final: bool,
    pub from_finalize: bool,
    pub channels: u32,
    pub request_id: &'a str,
}

impl ResultsMsg<'_> {
    pub(crate) fn to_json(&self) -> Value {
        let words: Vec<&str> = self.text.split_whitespace().collect();
        let step = if words.is_empty() {
            0.0
        } else {
            self.duration / words.len() as f64
        };
        let words: Vec<Value> = words
            .iter()
            .enumerate()
            .map(|(i, w)| {
                let start = self.start + step * i as f64;
                json!({
                    "word": w.trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase(),
                    "start": round(start),
                    "end": round(start + step),
                    "confidence": 0.98,
                    "punctuated_word": w,
                })
            })
            .collect();
        json!({
            "type": "Results",
            "channel_index": [0, self.channels],
            "start": round(self.start),
            "duration": round(self.duration),
            "is_final": self.is_final,
            "speech_final": self.speech_final,
            "from_finalize": self.from_finalize,
            "channel": {"alternatives": [{
                "transcript": self.text,
                "confidence": if self.text.is_empty() { 0.0 } else { 0.98 },
                "words": words,
            }]},
            "metadata": {
                "request_id": self.request_id,
                "model_uuid": "00000000-0000-0000-0000-000000000000",
                "model_info": {"name": "general-nova-3", "version": "fake", "arch": "nova-3"},
            },
        })
    }
}

pub(crate) fn speech_started(timestamp: f64) -> Value {
    json!({"type": "SpeechStarted", "channel": [0], "timestamp": round(timestamp)})
}

pub(crate) fn utterance_end(last_word_end: f64, channels: u32) -> Value {
    json!({"type": "UtteranceEnd", "channel": [0, channels], "last_word_end": round(last_word_end)})
}

pub(crate) fn metadata(request_id: &str, sha256: &str, duration: f64, channels: u32) -> Value {
    json!({
        "type": "Metadata",
        "transaction_key": "deprecated",
        "request_id": request_id,
        "sha256": sha256,
        "created": now_iso(),
        "duration": round(duration),
        "channels": channels,
        "models": ["00000000-0000-0000-0000-000000000000"],
    })
}

fn round(v: f64) -> f64 {
    (v * 1000.0).round() / 1000.0
}

/// The current UTC time as `YYYY-MM-DDTHH:MM:SS.mmmZ`.
pub(crate) fn now_iso() -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    let secs = now.as_secs();
    let (days, rest) = ((secs / 86_400) as i64, secs % 86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        rest / 3600,
        rest / 60 % 60,
        rest % 60,
        now.subsec_millis()
    )
}
