//! A tiny stand-in for Switchboard's Twilio endpoints: it answers the voice webhook with
//! the TwiML a test sets, records every webhook with its headers, and runs a small agent
//! on the media WebSocket that greets the caller with known audio.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{OriginalUri, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::Value;
use switchboard_telephony::media::twilio::{write_outbound_mark, write_outbound_media};
use switchboard_telephony::twilio::signature;
use switchboard_testkit::fakes::FakeServer;
use tokio::sync::Notify;

/// The agent's greeting: 200 ms of a fixed, non-silent mu-law pattern.
pub fn greeting() -> Vec<u8> {
    (0..1600).map(|i| 0x10 + (i % 40) as u8).collect()
}

/// One webhook as the stand-in received it.
#[derive(Debug, Clone)]
pub struct Hit {
    pub path: String,
    pub signature: String,
    pub form: Vec<(String, String)>,
}

impl Hit {
    pub fn param(&self, name: &str) -> Option<&str> {
        self.form
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Checks the signature against the public URL Twilio would have used.
    pub fn signed_for(&self, token: &str, public_url: &str) -> bool {
        signature::validate(
            token,
            public_url,
            self.form.iter().map(|(k, v)| (k, v)),
            &self.signature,
        )
        .is_ok()
    }
}

/// A media stream the agent served.
#[derive(Debug, Clone, Default)]
pub struct StreamSeen {
    pub path: String,
    pub signature: String,
    pub start: Option<Value>,
    /// Every event the caller sent, in order (media collapsed to one entry per run).
    pub events: Vec<String>,
}

#[derive(Default)]
struct Shared {
    hits: Mutex<Vec<Hit>>,
    /// TwiML per path.
    twiml: Mutex<HashMap<String, String>>,
    streams: Mutex<Vec<StreamSeen>>,
    /// The agent closes the socket this long after greeting (else it waits for `stop`).
    close_after: Mutex<Option<Duration>>,
    stream_started: Notify,
}

pub struct Standin {
    server: FakeServer,
    shared: Arc<Shared>,
}

impl Standin {
    pub async fn start() -> Self {
        let shared = Arc::new(Shared::default());
        let router = Router::new()
            .route("/media/twilio", get(media))
            .route("/{*path}", post(webhook))
            .with_state(shared.clone());
        let server = FakeServer::start(router, 0).await.unwrap();
        Standin { server, shared }
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base(&self) -> String {
        self.server.http_url()
    }

    /// `wss://127.0.0.1:PORT/media/twilio`: what TwiML names (the fake dials `ws`).
    pub fn stream_url(&self) -> String {
        format!("wss://{}/media/twilio", self.server.addr())
    }

    /// What `POST path` answers with (`text/xml`); unset paths answer an empty 200.
    pub fn answer(&self, path: &str, twiml: impl Into<String>) {
        self.shared
            .twiml
            .lock()
            .unwrap()
            .insert(path.to_owned(), twiml.into());
    }

    pub fn close_after(&self, after: Duration) {
        *self.shared.close_after.lock().unwrap() = Some(after);
    }

    pub fn hits(&self, path: &str) -> Vec<Hit> {
        self.shared
            .hits
            .lock()
            .unwrap()
            .iter()
            .filter(|h| h.path == path)
            .cloned()
            .collect()
    }

    pub fn streams(&self) -> Vec<StreamSeen> {
        self.shared.streams.lock().unwrap().clone()
    }

    /// Waits until a stream's `start` arrived.
    pub async fn stream_started(&self) {
        let wait = async {
            loop {
                let started = self.shared.stream_started.notified();
                if self.streams().iter().any(|s| s.start.is_some()) {
                    return;
                }
                started.await;
            }
        };
        tokio::time::timeout(Duration::from_secs(5), wait)
            .await
            .expect("a stream started");
    }
}

async fn webhook(
    State(shared): State<Arc<Shared>>,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = uri.path().to_owned();
    shared.hits.lock().unwrap().push(Hit {
        path: path.clone(),
        signature: signature_of(&headers),
        form: url::form_urlencoded::parse(&body).into_owned().collect(),
    });
    match shared.twiml.lock().unwrap().get(&path) {
        Some(twiml) => ([("content-type", "text/xml")], twiml.clone()).into_response(),
        None => "".into_response(),
    }
}

fn signature_of(headers: &HeaderMap) -> String {
    headers
        .get(signature::HEADER)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

async fn media(
    State(shared): State<Arc<Shared>>,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    upgrade: WebSocketUpgrade,
) -> Response {
    let index = {
        let mut streams = shared.streams.lock().unwrap();
        streams.push(StreamSeen {
            path: uri.path().to_owned(),
            signature: signature_of(&headers),
            ..StreamSeen::default()
        });
        streams.len() - 1
    };
    upgrade.on_upgrade(move |socket| agent(socket, shared, index))
}

/// Greets on `start` with [`greeting`] and a mark, then listens until `stop` (or closes
/// after the configured delay).
async fn agent(mut socket: WebSocket, shared: Arc<Shared>, index: usize) {
    let note = |event: &str| {
        let mut streams = shared.streams.lock().unwrap();
        let events = &mut streams[index].events;
        if !(event == "media" && events.last().is_some_and(|e| e == "media")) {
            events.push(event.to_owned());
        }
    };
    while let Some(Ok(message)) = socket.recv().await {
        let Message::Text(text) = message else {
            continue;
        };
        let json: Value = serde_json::from_str(&text).unwrap();
        let event = json["event"].as_str().unwrap_or_default().to_owned();
        note(&event);
        match event.as_str() {
            "start" => {
                shared.streams.lock().unwrap()[index].start = Some(json.clone());
                shared.stream_started.notify_waiters();
                let sid = json["streamSid"].as_str().unwrap_or_default().to_owned();
                for chunk in greeting().chunks(160) {
                    let mut out = String::new();
                    write_outbound_media(&mut out, &sid, chunk);
                    let _ = socket.send(Message::text(out)).await;
                }
                let mut out = String::new();
                write_outbound_mark(&mut out, &sid, "greeting");
                let _ = socket.send(Message::text(out)).await;
                let close_after = *shared.close_after.lock().unwrap();
                if let Some(after) = close_after {
                    tokio::time::sleep(after).await;
                    let _ = socket.send(Message::Close(None)).await;
                    // Drain until the caller answers the close.
                    while let Some(Ok(_)) = socket.recv().await {}
                    return;
                }
            }
            "stop" => return,
            _ => {}
        }
    }
}
