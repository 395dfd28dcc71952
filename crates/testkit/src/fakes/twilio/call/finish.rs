//! The end of a call: final status and its callback, the recording, and the wait for every
//! callback to go out.

use jiff::Timestamp;
use switchboard_audio::g711::ULAW_SILENCE;
use switchboard_audio::wav::{self, Encoding, WavSpec};
use switchboard_telephony::twilio::callbacks::CallStatus;

use super::super::outbox::Callback;
use super::super::records::WebhookKind;
use super::super::state::RecordingEntry;
use super::super::wire::{rfc2822, whole_seconds};
use super::Call;
use crate::caller::random_sid;

/// mu-law samples per second.
const RATE: usize = 8000;

impl Call {
    pub(super) async fn finish(mut self, status: CallStatus) {
        let duration = self.elapsed_since_answer().map_or(0, whole_seconds);
        let mut extra = vec![
            ("CallDuration".to_owned(), duration.to_string()),
            // Billed minutes.
            ("Duration".to_owned(), duration.div_ceil(60).to_string()),
        ];
        if let Some(code) = sip_response_code(status) {
            extra.push(("SipResponseCode".into(), code.into()));
        }
        let answered_by = self
            .shared
            .state()
            .call(&self.spec.sid)
            .and_then(|e| e.record.answered_by);
        if let (Some(verdict), None) = (answered_by, self.answered_by) {
            extra.push(("AnsweredBy".into(), verdict.as_str().into()));
        }
        let recording = self.record(duration);
        if let Some((sid, url, seconds)) = &recording {
            extra.push(("RecordingSid".into(), sid.clone()));
            extra.push(("RecordingUrl".into(), url.clone()));
            extra.push(("RecordingDuration".into(), seconds.to_string()));
        }
        let answered = self.answered.is_some();
        self.shared.update_call(&self.spec.sid, |e| {
            e.ended = Some(Timestamp::now());
            e.control = None;
            e.record.duration = answered.then_some(duration);
            e.record.recording_sid = recording.as_ref().map(|(sid, _, _)| sid.clone());
        });
        self.progress(status, extra);
        if let (Some((sid, url, seconds)), Some(Some(hook))) = (recording, self.spec.record.clone())
        {
            let mut params = vec![
                ("AccountSid", self.shared.config.account_sid.clone()),
                ("CallSid", self.spec.sid.clone()),
                ("RecordingSid", sid),
                ("RecordingUrl", url),
                ("RecordingStatus", "completed".to_owned()),
                ("RecordingDuration", seconds.to_string()),
                ("RecordingChannels", "1".to_owned()),
                ("RecordingSource", "OutboundAPI".to_owned()),
                ("RecordingTrack", "both".to_owned()),
            ];
            let started = self
                .shared
                .state()
                .call(&self.spec.sid)
                .and_then(|e| e.started);
            if let Some(started) = started {
                params.push(("RecordingStartTime", rfc2822(started)));
            }
            self.outbox.send(Callback {
                kind: WebhookKind::Recording,
                url: hook.url,
                method: hook.method,
                params: params.into_iter().map(|(k, v)| (k.to_owned(), v)).collect(),
            });
        }
        self.outbox.finish().await;
        self.shared
            .update_call(&self.spec.sid, |e| e.record.finished = true);
    }

    /// Stores the recording of an answered, recorded call: the agent's audio as the callee
    /// heard it, or silence as long as the call when no stream ran. Its sid, URL and seconds.
    fn record(&mut self, duration: u64) -> Option<(String, String, u64)> {
        if self.spec.record.is_none() || self.answered.is_none() {
            return None;
        }
        let mut audio = std::mem::take(&mut self.heard);
        if audio.is_empty() {
            audio = vec![ULAW_SILENCE; duration as usize * RATE];
        }
        let spec = WavSpec {
            encoding: Encoding::Ulaw,
            sample_rate: RATE as u32,
        };
        let mut file = Vec::with_capacity(audio.len() + 64);
        if wav::write(spec, &audio, &mut file).is_err() {
            self.error("the recording is too long for a WAV file".into());
            return None;
        }
        let seconds = audio.len().div_ceil(RATE) as u64;
        let sid = random_sid("RE");
        let url = format!(
            "{}{}/Recordings/{sid}",
            self.shared.base_url(),
            self.shared.account_path()
        );
        self.shared.state().recordings.insert(
            sid.clone(),
            RecordingEntry {
                call_sid: self.spec.sid.clone(),
                wav: file,
                duration: seconds,
                created: Timestamp::now(),
            },
        );
        Some((sid, url, seconds))
    }
}

fn sip_response_code(status: CallStatus) -> Option<&'static str> {
    match status {
        CallStatus::Busy => Some("486"),
        CallStatus::NoAnswer | CallStatus::Canceled => Some("487"),
        CallStatus::Failed => Some("500"),
        _ => None,
    }
}
