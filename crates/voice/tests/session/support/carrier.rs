//! A fake carrier: feeds caller frames to a session in real (paused) time, records what the
//! session sends, and plays it back like Twilio does, echoing each mark when the audio before
//! it has played and every pending mark at once on `clear`.

use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::Stream;
use switchboard_telephony::media::twilio::{CallerStream, Outbound};
use switchboard_voice::{CloseFrame, Session, SessionReport, StreamAuthenticator, WsIn, WsOut};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio::time::Instant;
use tokio_util::sync::PollSender;

use super::MS;

/// What the session sent, as the carrier saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sent {
    Media(Vec<u8>),
    Mark(String),
    Clear,
    Ping,
    Close(CloseFrame),
}

#[derive(Debug, Clone)]
pub struct Record {
    pub at: Instant,
    pub sent: Sent,
    /// Agent audio queued at the carrier (sent, not yet played) just after this message.
    pub ahead: Duration,
    /// Agent audio played so far in the whole call, at this message.
    pub played: Duration,
}

/// One call between the fake carrier and a session.
pub struct Call {
    pub to_session: mpsc::Sender<WsIn>,
    pub log: Arc<Mutex<Vec<Record>>>,
    pub session: JoinHandle<SessionReport>,
    pub carrier: JoinHandle<()>,
    caller: CallerStream,
    caller_ms: u64,
    buf: String,
}

/// The transport a session runs over: an mpsc receiver as the stream, an mpsc sender as the sink.
pub fn transport(
    capacity: usize,
) -> (
    mpsc::Sender<WsIn>,
    impl Stream<Item = WsIn> + Send + 'static,
    PollSender<WsOut>,
    mpsc::Receiver<WsOut>,
) {
    let (in_tx, in_rx) = mpsc::channel(capacity);
    let (out_tx, out_rx) = mpsc::channel(capacity);
    let stream =
        futures_util::stream::unfold(
            in_rx,
            |mut rx| async move { rx.recv().await.map(|m| (m, rx)) },
        );
    let sink = PollSender::new(out_tx);
    (in_tx, stream, sink, out_rx)
}

impl Call {
    /// Starts `session` over an in-memory socket with a fake Twilio on the other end.
    pub fn start<A: StreamAuthenticator + 'static>(session: Session<A>, echo_marks: bool) -> Call {
        let (to_session, stream, sink, from_session) = transport(64);
        let log = Arc::new(Mutex::new(Vec::new()));
        let session = tokio::spawn(session.run(stream, sink));
        let carrier = tokio::spawn(play_out(
            from_session,
            to_session.clone(),
            log.clone(),
            echo_marks,
        ));
        Call {
            to_session,
            log,
            session,
            carrier,
            caller: CallerStream::new(format!("MZ{}", "0".repeat(32)), "AC1", "CA1"),
            caller_ms: 0,
            buf: String::new(),
        }
    }

    pub async fn send(&self, message: WsIn) {
        self.to_session
            .send(message)
            .await
            .expect("session is reading");
    }

    pub async fn text(&self, text: impl Into<String>) {
        self.send(WsIn::Text(text.into())).await;
    }

    pub async fn connected(&mut self) {
        self.buf.clear();
        self.caller.connected(&mut self.buf);
        self.text(self.buf.clone()).await;
    }

    pub async fn start_stream(&mut self, token: &str) {
        self.buf.clear();
        let params = BTreeMap::from([("token".to_owned(), token.to_owned())]);
        self.caller.start(params, &mut self.buf);
        self.text(self.buf.clone()).await;
    }

    /// `connected` then `start` with a good token.
    pub async fn connect(&mut self) {
        self.connected().await;
        self.start_stream("good").await;
    }

    /// The caller's audio as 20 ms media frames in real time: each frame is sent when its
    /// last sample has been "spoken", as a carrier does. Returns the instant audio[0] began.
    pub async fn speak(&mut self, audio: &[u8]) -> Instant {
        let began = Instant::now();
        for frame in audio.chunks(160) {
            tokio::time::sleep(20 * MS).await;
            self.buf.clear();
            self.caller.media(self.caller_ms, frame, &mut self.buf);
            self.caller_ms += 20;
            // A session that ended has stopped reading; the rest of the audio goes nowhere.
            if self
                .to_session
                .send(WsIn::Text(self.buf.clone()))
                .await
                .is_err()
            {
                break;
            }
        }
        began
    }

    pub async fn dtmf(&mut self, digit: char) {
        self.buf.clear();
        self.caller.dtmf(digit, &mut self.buf);
        self.text(self.buf.clone()).await;
    }

    pub async fn mark_echo(&mut self, name: &str) {
        self.buf.clear();
        self.caller.mark(name, &mut self.buf);
        self.text(self.buf.clone()).await;
    }

    pub async fn stop(&mut self) {
        self.buf.clear();
        self.caller.stop(&mut self.buf);
        self.text(self.buf.clone()).await;
    }

    /// Waits for the session's report and checks that nothing it started is left: its end
    /// of the socket is dropped both ways and the carrier has seen the sink close.
    pub async fn finish(&mut self) -> SessionReport {
        let report = tokio::time::timeout(Duration::from_secs(60), &mut self.session)
            .await
            .expect("session ends")
            .expect("session did not panic");
        assert!(self.to_session.is_closed(), "inbound stream dropped");
        tokio::time::timeout(Duration::from_secs(5), &mut self.carrier)
            .await
            .expect("outbound sink dropped")
            .unwrap();
        report
    }

    pub fn records(&self) -> Vec<Record> {
        self.log.lock().unwrap().clone()
    }

    pub fn sent(&self) -> Vec<Sent> {
        self.records().into_iter().map(|r| r.sent).collect()
    }

    /// All agent audio received, in order.
    pub fn media_bytes(&self) -> Vec<u8> {
        self.sent()
            .into_iter()
            .filter_map(|s| match s {
                Sent::Media(bytes) => Some(bytes),
                _ => None,
            })
            .flatten()
            .collect()
    }

    /// The close frame the session sent, if any.
    pub fn close_frame(&self) -> Option<CloseFrame> {
        self.sent().into_iter().find_map(|s| match s {
            Sent::Close(frame) => Some(frame),
            _ => None,
        })
    }
}

/// The carrier's side: records, plays out and echoes marks until the session drops its sink.
async fn play_out(
    mut from_session: mpsc::Receiver<WsOut>,
    to_session: mpsc::Sender<WsIn>,
    log: Arc<Mutex<Vec<Record>>>,
    echo_marks: bool,
) {
    let mut echoer = CallerStream::new("MZ-echo", "AC1", "CA1");
    let mut play_end: Option<Instant> = None;
    let mut sent_total = Duration::ZERO;
    let mut pending: VecDeque<(String, Instant)> = VecDeque::new();
    let mut buf = String::new();
    loop {
        let due = pending.front().map(|(_, at)| *at);
        let message = tokio::select! {
            message = from_session.recv() => match message {
                Some(message) => message,
                None => break,
            },
            () = tokio::time::sleep_until(due.unwrap_or_else(Instant::now)), if due.is_some() => {
                let (name, _) = pending.pop_front().unwrap();
                buf.clear();
                echoer.mark(&name, &mut buf);
                let _ = to_session.send(WsIn::Text(buf.clone())).await;
                continue;
            }
        };
        let now = Instant::now();
        let sent = match message {
            WsOut::Text(text) => {
                let outbound = Outbound::parse(&text).expect("session sends valid Twilio frames");
                match outbound {
                    Outbound::Media { .. } => {
                        let mut audio = Vec::new();
                        outbound.decode_audio_into(&mut audio).unwrap();
                        let length = MS * (audio.len() as u32 / 8);
                        play_end = Some(play_end.map_or(now, |end| end.max(now)) + length);
                        sent_total += length;
                        Sent::Media(audio)
                    }
                    Outbound::Mark { name, .. } => {
                        if echo_marks {
                            pending.push_back((
                                name.to_string(),
                                play_end.map_or(now, |e| e.max(now)),
                            ));
                        }
                        Sent::Mark(name.into_owned())
                    }
                    // Emptied below, once what was played is recorded.
                    Outbound::Clear { .. } => Sent::Clear,
                    Outbound::Unknown { event } => panic!("Twilio rejects event {event}"),
                }
            }
            WsOut::Ping(_) => Sent::Ping,
            WsOut::Close(frame) => Sent::Close(frame),
        };
        let ahead = play_end.map_or(Duration::ZERO, |end| end.saturating_duration_since(now));
        let played = sent_total.saturating_sub(ahead);
        if sent == Sent::Clear {
            // Twilio drops the queue: what was not played never will be.
            play_end = None;
            sent_total = played;
            // Pending marks come back at once.
            for (name, _) in pending.drain(..) {
                buf.clear();
                echoer.mark(&name, &mut buf);
                let _ = to_session.send(WsIn::Text(buf.clone())).await;
            }
        }
        log.lock().unwrap().push(Record {
            at: now,
            sent,
            ahead,
            played,
        });
    }
}
