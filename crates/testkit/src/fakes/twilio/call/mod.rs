//! A call's life at the fake, as Twilio lives it: progress with its status callbacks,
//! answer (or not) by the callee, machine detection, TwiML, the end, the recording.

mod execute;
mod finish;
mod spec;
mod stream;

use std::sync::Arc;
use std::time::Duration;

use jiff::Timestamp;
use switchboard_telephony::twilio::callbacks::{AnsweredBy, CallStatus};
use tokio::sync::mpsc;
use tokio::time::{Instant, sleep, sleep_until};

pub(super) use spec::{CallSpec, Detection, Direction, Hook, StatusHook};

use super::config::Callee;
use super::outbox::{Callback, Outbox};
use super::records::{CallEvent, WebhookKind};
use super::state::{Interrupt, Shared};
use super::wire::{API_VERSION, rfc2822};

/// Starts the call in the background; `control` carries the REST API's updates.
pub(super) fn spawn(
    shared: Arc<Shared>,
    spec: CallSpec,
    control: mpsc::UnboundedReceiver<Interrupt>,
) {
    let outbox = Outbox::start(shared.clone(), spec.sid.clone());
    let call = Call {
        shared,
        spec,
        control,
        outbox,
        sequence: 0,
        answered: None,
        deadline: None,
        answered_by: None,
        heard: Vec::new(),
    };
    tokio::spawn(call.run());
}

struct Call {
    shared: Arc<Shared>,
    spec: CallSpec,
    control: mpsc::UnboundedReceiver<Interrupt>,
    outbox: Outbox,
    /// The next status callback's `SequenceNumber`.
    sequence: u64,
    answered: Option<Instant>,
    /// `TimeLimit` after the answer.
    deadline: Option<Instant>,
    /// Synchronous machine detection's verdict, sent with TwiML requests.
    answered_by: Option<AnsweredBy>,
    /// The agent's audio as the callee heard it, stream after stream: the recording.
    heard: Vec<u8>,
}

/// The next REST update; never resolves once nobody can send one.
async fn interrupt(control: &mut mpsc::UnboundedReceiver<Interrupt>) -> Interrupt {
    match control.recv().await {
        Some(interrupt) => interrupt,
        None => std::future::pending().await,
    }
}

/// Resolves at `deadline`, or never.
async fn time_limit(deadline: Option<Instant>) {
    match deadline {
        Some(at) => sleep_until(at).await,
        None => std::future::pending().await,
    }
}

impl Call {
    async fn run(mut self) {
        let status = match self.spec.direction {
            Direction::OutboundApi => self.outbound().await,
            Direction::Inbound => self.inbound().await,
        };
        self.finish(status).await;
    }

    async fn outbound(&mut self) -> CallStatus {
        self.progress(CallStatus::Initiated, Vec::new());
        self.progress(CallStatus::Ringing, Vec::new());
        let mut first = self.spec.first.clone();
        let rang = Instant::now() + self.shared.config.timing.ring;
        loop {
            tokio::select! {
                () = sleep_until(rang) => break,
                update = interrupt(&mut self.control) => match update {
                    Interrupt::End => return CallStatus::Canceled,
                    Interrupt::Replace(source) => first = source,
                },
            }
        }
        match self.spec.callee {
            Callee::Busy => return CallStatus::Busy,
            Callee::NoAnswer => return CallStatus::NoAnswer,
            Callee::Fail => return CallStatus::Failed,
            Callee::Answer(_) | Callee::Machine(_) => {}
        }
        self.answer();
        self.detect_machine().await;
        if let Some(document) = self.load(&first, None, Vec::new()).await {
            self.execute(document).await;
        }
        CallStatus::Completed
    }

    /// Twilio asks the number's voice URL while the phone rings, then answers to run the
    /// TwiML (a failed request is answered too, with Twilio's apology).
    async fn inbound(&mut self) -> CallStatus {
        let first = self.spec.first.clone();
        let document = self.load(&first, None, Vec::new()).await;
        self.answer();
        if let Some(document) = document {
            self.execute(document).await;
        }
        CallStatus::Completed
    }

    fn answer(&mut self) {
        let now = Instant::now();
        self.answered = Some(now);
        self.deadline = self.spec.time_limit.map(|limit| now + limit);
        self.shared
            .update_call(&self.spec.sid, |e| e.started = Some(Timestamp::now()));
        self.progress(CallStatus::InProgress, Vec::new());
    }

    /// Decides human or machine after listening; asynchronous detection reports on its
    /// own callback while the TwiML runs.
    async fn detect_machine(&mut self) {
        let Some(detection) = self.spec.detection.clone() else {
            return;
        };
        let verdict = match (&self.spec.callee, detection.end_of_message) {
            (Callee::Machine(_), true) => AnsweredBy::MachineEndBeep,
            (Callee::Machine(_), false) => AnsweredBy::MachineStart,
            _ => AnsweredBy::Human,
        };
        let listened = self.shared.config.timing.machine_detection;
        self.shared
            .update_call(&self.spec.sid, |e| e.record.answered_by = Some(verdict));
        let Some(hook) = detection.callback else {
            sleep(listened).await;
            self.answered_by = Some(verdict);
            return;
        };
        let mut params = self.params();
        params.push(("AnsweredBy".into(), verdict.as_str().into()));
        params.push((
            "MachineDetectionDuration".into(),
            listened.as_millis().to_string(),
        ));
        let callback = Callback {
            kind: WebhookKind::MachineDetection,
            url: hook.url,
            method: hook.method,
            params,
        };
        let later = self.outbox.sender();
        tokio::spawn(async move {
            sleep(listened).await;
            let _ = later.send(callback);
        });
    }

    /// Moves the call to `status` and posts its callback if one was asked for (the final
    /// one always is).
    fn progress(&mut self, status: CallStatus, extra: Vec<(String, String)>) {
        self.shared.update_call(&self.spec.sid, |e| {
            e.record.status = status;
            e.record.status_history.push(status);
        });
        let Some(hook) = &self.spec.status else {
            return;
        };
        let event = match status {
            CallStatus::Initiated => "initiated",
            CallStatus::Ringing => "ringing",
            CallStatus::InProgress => "answered",
            final_status if final_status.is_final() => "completed",
            _ => return,
        };
        if event != "completed" && !hook.events.iter().any(|e| e == event) {
            return;
        }
        let (url, method) = (hook.hook.url.clone(), hook.hook.method.clone());
        let mut params = self.params();
        params.push(("CallbackSource".into(), "call-progress-events".into()));
        params.push(("SequenceNumber".into(), self.sequence.to_string()));
        params.push(("Timestamp".into(), rfc2822(Timestamp::now())));
        params.extend(extra);
        self.sequence += 1;
        self.outbox.send(Callback {
            kind: WebhookKind::CallStatus,
            url,
            method,
            params,
        });
    }

    /// The standard call parameters, as of now.
    fn params(&self) -> Vec<(String, String)> {
        let status = self
            .shared
            .state()
            .call(&self.spec.sid)
            .map_or(CallStatus::Queued, |e| e.record.status);
        let spec = &self.spec;
        let mut params: Vec<(String, String)> = [
            ("AccountSid", self.shared.config.account_sid.as_str()),
            ("ApiVersion", API_VERSION),
            ("CallSid", spec.sid.as_str()),
            ("CallStatus", status.as_str()),
            ("Direction", spec.direction.as_str()),
            ("From", spec.from.as_str()),
            ("To", spec.to.as_str()),
            ("Caller", spec.from.as_str()),
            ("Called", spec.to.as_str()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        // Twilio's geographic fields: present, mostly empty; all signed.
        for party in ["From", "To", "Caller", "Called"] {
            for (field, value) in [("City", ""), ("State", ""), ("Zip", ""), ("Country", "US")] {
                params.push((format!("{party}{field}"), value.to_owned()));
            }
        }
        if let Some(verdict) = self.answered_by {
            params.push(("AnsweredBy".into(), verdict.as_str().into()));
        }
        params
    }

    fn event(&self, event: CallEvent) {
        self.shared
            .update_call(&self.spec.sid, |e| e.record.events.push(event));
    }

    /// A Twilio debugger notification.
    fn error(&self, message: String) {
        self.shared
            .update_call(&self.spec.sid, |e| e.record.errors.push(message));
    }

    fn elapsed_since_answer(&self) -> Option<Duration> {
        self.answered.map(|at| at.elapsed())
    }
}
