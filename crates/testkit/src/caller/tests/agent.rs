//! Tiny WebSocket servers standing in for Switchboard in the caller's tests.

use std::future::Future;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use futures_util::{SinkExt, StreamExt};
use serde_json::Value;
use switchboard_audio::level::measure_ulaw;
use switchboard_telephony::media::twilio::{
    write_outbound_clear, write_outbound_mark, write_outbound_media,
};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::handshake::server::{ErrorResponse, Request, Response};
use tokio_tungstenite::tungstenite::http::{HeaderMap, StatusCode};
use tokio_tungstenite::{WebSocketStream, accept_hdr_async};

pub(super) type Ws = WebSocketStream<TcpStream>;

/// A caller frame as the server received it.
#[derive(Debug, Clone)]
pub(super) struct Received {
    pub at: Instant,
    pub json: Value,
}

impl Received {
    pub fn event(&self) -> &str {
        self.json["event"].as_str().unwrap_or("")
    }

    /// The decoded audio of a `media` frame.
    pub fn audio(&self) -> Vec<u8> {
        let payload = self.json["media"]["payload"].as_str().unwrap();
        STANDARD.decode(payload).unwrap()
    }
}

/// What the upgrade request carried.
pub(super) struct Upgrade {
    pub path: String,
    pub headers: HeaderMap,
}

/// Listens on 127.0.0.1:0, accepts one call and runs `handler` on it. Returns the URL to dial
/// and the handler's task.
pub(super) async fn serve<F, Fut, T>(handler: F) -> (String, JoinHandle<T>)
where
    F: FnOnce(Ws, Upgrade) -> Fut + Send + 'static,
    Fut: Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    let (listener, url) = listen().await;
    let task = tokio::spawn(async move {
        let (tcp, _) = listener.accept().await.unwrap();
        let mut upgrade = Upgrade {
            path: String::new(),
            headers: HeaderMap::new(),
        };
        #[allow(clippy::result_large_err)] // the signature tungstenite asks for
        let callback = |request: &Request, response: Response| {
            upgrade.path = request.uri().path().to_owned();
            upgrade.headers = request.headers().clone();
            Ok(response)
        };
        let ws = accept_hdr_async(tcp, callback).await.expect("upgrade");
        handler(ws, upgrade).await
    });
    (url, task)
}

/// Listens on 127.0.0.1:0 and answers one upgrade with `status`.
pub(super) async fn refuse(status: StatusCode) -> String {
    let (listener, url) = listen().await;
    tokio::spawn(async move {
        let (tcp, _) = listener.accept().await.unwrap();
        #[allow(clippy::result_large_err)]
        let callback = |_: &Request, _: Response| {
            let mut refusal = ErrorResponse::new(Some("refused".into()));
            *refusal.status_mut() = status;
            Err(refusal)
        };
        let refused = accept_hdr_async(tcp, callback).await;
        assert!(refused.is_err());
    });
    url
}

async fn listen() -> (TcpListener, String) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("ws://{}/media/twilio", listener.local_addr().unwrap());
    (listener, url)
}

/// The next text frame, or `None` once the caller has closed (its close is answered).
pub(super) async fn next_json(ws: &mut Ws) -> Option<Received> {
    loop {
        match ws.next().await? {
            Ok(Message::Text(text)) => {
                return Some(Received {
                    at: Instant::now(),
                    json: serde_json::from_str(&text).expect("caller frames are JSON"),
                });
            }
            Ok(_) => continue,
            Err(_) => return None,
        }
    }
}

/// Reads `connected` and `start`; returns them and the stream sid.
pub(super) async fn handshake(ws: &mut Ws) -> (Received, Received, String) {
    let connected = next_json(ws).await.expect("connected");
    let start = next_json(ws).await.expect("start");
    let sid = start.json["streamSid"].as_str().unwrap().to_owned();
    (connected, start, sid)
}

/// Records every frame until the caller closes.
pub(super) async fn record_all(mut ws: Ws) -> Vec<Received> {
    let mut seen = Vec::new();
    while let Some(frame) = next_json(&mut ws).await {
        seen.push(frame);
    }
    seen
}

pub(super) async fn send_media(ws: &mut Ws, sid: &str, audio: &[u8]) {
    let mut text = String::new();
    write_outbound_media(&mut text, sid, audio);
    ws.send(Message::text(text)).await.unwrap();
}

pub(super) async fn send_mark(ws: &mut Ws, sid: &str, name: &str) {
    let mut text = String::new();
    write_outbound_mark(&mut text, sid, name);
    ws.send(Message::text(text)).await.unwrap();
}

pub(super) async fn send_clear(ws: &mut Ws, sid: &str) {
    let mut text = String::new();
    write_outbound_clear(&mut text, sid);
    ws.send(Message::text(text)).await.unwrap();
}

/// A trivial agent: repeats each caller utterance once 100 ms of silence (five frames) has
/// followed it, as one burst of 20 ms frames and a mark `reply-N`; sends `clear` when the
/// caller speaks while a reply's mark is outstanding. Returns every frame it received.
pub(super) async fn echo_agent(mut ws: Ws) -> Vec<Received> {
    let mut seen = Vec::new();
    let mut sid = String::new();
    let mut speech = Vec::new();
    let mut quiet_frames = 0;
    let mut replies = 0;
    let mut outstanding: Option<String> = None;
    let mut cleared = false;
    while let Some(frame) = next_json(&mut ws).await {
        match frame.event() {
            "start" => sid = frame.json["streamSid"].as_str().unwrap().to_owned(),
            "media" => {
                let audio = frame.audio();
                if measure_ulaw(&audio).rms_dbfs > -45.0 {
                    if outstanding.is_some() && !cleared {
                        send_clear(&mut ws, &sid).await;
                        cleared = true;
                    }
                    speech.extend_from_slice(&audio);
                    quiet_frames = 0;
                } else if !speech.is_empty() {
                    quiet_frames += 1;
                    if quiet_frames == 5 {
                        replies += 1;
                        for chunk in speech.chunks(160) {
                            send_media(&mut ws, &sid, chunk).await;
                        }
                        let name = format!("reply-{replies}");
                        send_mark(&mut ws, &sid, &name).await;
                        outstanding = Some(name);
                        cleared = false;
                        speech.clear();
                    }
                }
            }
            "mark" if outstanding.as_deref() == frame.json["mark"]["name"].as_str() => {
                outstanding = None;
            }
            _ => {}
        }
        seen.push(frame);
    }
    seen
}
