//! `<Connect><Stream>`: the callee, as a simulated caller, on the server's media WebSocket.

use tokio_util::sync::CancellationToken;

use super::super::records::{CallEvent, StreamRecord};
use super::super::state::Source;
use super::super::twiml::StreamVerb;
use super::execute::Step;
use super::{Call, interrupt, time_limit};
use crate::caller::{CallEnd, CallerConfig, SimulatedCaller, random_sid};

impl Call {
    /// Runs the stream until the callee hangs up (the call ends), the server closes it
    /// (TwiML goes on), or the REST API or the time limit stops it.
    pub(super) async fn stream(&mut self, verb: StreamVerb) -> Step {
        let index = self
            .shared
            .state()
            .call(&self.spec.sid)
            .map_or(0, |e| e.record.streams.len());
        let dialled = self.dialled_url(&verb.url);
        self.shared.update_call(&self.spec.sid, |e| {
            e.record.streams.push(StreamRecord {
                url: verb.url.clone(),
                dialled: dialled.clone(),
                parameters: verb.parameters.clone(),
                report: None,
                error: None,
            });
            e.record.events.push(CallEvent::Streamed(index));
        });
        if let Err(reason) = check_stream_url(&verb.url) {
            return self.stream_failed(index, &verb, reason);
        }

        let config = &self.shared.config;
        let stop = CancellationToken::new();
        let mut caller = CallerConfig::new(dialled)
            .signed(&config.auth_token, &verb.url)
            .pace(config.caller_pace)
            .call_timeout(config.caller_timeout)
            .stop_on(stop.clone());
        caller.account_sid = config.account_sid.clone();
        caller.call_sid = self.spec.sid.clone();
        caller.stream_sid = random_sid("MZ");
        caller.custom_parameters = verb.parameters.clone();
        let mut task = tokio::spawn(SimulatedCaller::new(caller).run(self.spec.script()));

        let deadline = self.deadline;
        let (stopped_by, result) = tokio::select! {
            result = &mut task => (None, result),
            update = interrupt(&mut self.control) => {
                stop.cancel();
                (Some(self.interrupted(update)), task.await)
            }
            () = time_limit(deadline) => {
                stop.cancel();
                (Some(Step::Stop), task.await)
            }
        };
        let report = match result {
            Ok(Ok(report)) => report,
            Ok(Err(error)) => {
                let reason = format!("31920 Stream - WebSocket - Handshake Error: {error}");
                return stopped_by.unwrap_or_else(|| self.stream_failed(index, &verb, reason));
            }
            Err(panicked) => {
                let reason = format!("the simulated caller failed: {panicked}");
                return stopped_by.unwrap_or_else(|| self.stream_failed(index, &verb, reason));
            }
        };
        self.heard.extend_from_slice(report.recording.mulaw());
        let ended_by = report.ended_by.clone();
        self.shared.update_call(&self.spec.sid, |e| {
            if let Some(stream) = e.record.streams.get_mut(index) {
                stream.report = Some(report);
            }
        });
        if let Some(step) = stopped_by {
            return step;
        }
        match ended_by {
            // The person hung up: the whole call is over.
            CallEnd::HungUp | CallEnd::TimedOut => Step::Stop,
            CallEnd::ServerClosed | CallEnd::ConnectionLost(_) | CallEnd::Stopped => {
                after_stream(&verb)
            }
        }
    }

    /// Where the caller really connects: the rewrite's local URL, and `ws` since the
    /// simulated caller speaks no TLS.
    fn dialled_url(&self, url: &str) -> String {
        let local = self
            .shared
            .config
            .rewrite
            .as_ref()
            .and_then(|r| r.apply(url))
            .unwrap_or_else(|| url.to_owned());
        match local.strip_prefix("wss://") {
            Some(rest) => format!("ws://{rest}"),
            None => local,
        }
    }

    fn stream_failed(&self, index: usize, verb: &StreamVerb, reason: String) -> Step {
        self.shared.update_call(&self.spec.sid, |e| {
            if let Some(stream) = e.record.streams.get_mut(index) {
                stream.error = Some(reason.clone());
            }
            e.record.errors.push(reason);
        });
        after_stream(verb)
    }
}

/// After the stream: the `<Connect action>` TwiML, or the next verb.
fn after_stream(verb: &StreamVerb) -> Step {
    match &verb.action {
        Some(url) => Step::Load {
            source: Source::Url {
                url: url.clone(),
                method: verb.method.clone(),
            },
            extra: Vec::new(),
        },
        None => Step::Next,
    }
}

/// Twilio dials only `wss://` URLs without a query string (error 31920 otherwise). The fake
/// also takes `ws://` on loopback, where a server under test (or the in-process simulator)
/// has no TLS and no public URL.
fn check_stream_url(url: &str) -> Result<(), String> {
    let loopback = ["ws://127.0.0.1:", "ws://localhost:", "ws://[::1]:"]
        .iter()
        .any(|prefix| url.starts_with(prefix));
    if !url.starts_with("wss://") && !loopback {
        return Err(format!(
            "31920 Stream - WebSocket - Handshake Error: {url} is not a wss:// URL"
        ));
    }
    if url.contains('?') {
        return Err(format!(
            "31920 Stream - WebSocket - Handshake Error: {url} has a query string; use <Parameter>"
        ));
    }
    Ok(())
}
