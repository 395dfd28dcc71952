//! Our side of a webhook: a local HTTP server that records what a fake carrier sends and
//! answers with a chosen status and body.

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use switchboard_testkit::fakes::{FakeServer, Recorded, Recorder};

pub struct Receiver {
    server: FakeServer,
    recorder: Recorder,
    reply: Arc<Mutex<(u16, String)>>,
}

/// One request the receiver got.
pub struct Received {
    pub method: String,
    pub path: String,
    pub query: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Received {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The decoded query pairs.
    pub fn query_pairs(&self) -> Vec<(String, String)> {
        url::form_urlencoded::parse(self.query.as_bytes())
            .into_owned()
            .collect()
    }
}

type Shared = (Recorder, Arc<Mutex<(u16, String)>>);

async fn record(
    State((recorder, reply)): State<Shared>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> (StatusCode, String) {
    recorder.push(Recorded::http(method.as_str(), &uri, &headers, &body));
    let (status, body) = reply.lock().unwrap().clone();
    (StatusCode::from_u16(status).unwrap(), body)
}

impl Receiver {
    /// Answers `status` with `body` until told otherwise.
    pub async fn start(status: u16, body: &str) -> Self {
        let recorder = Recorder::default();
        let reply = Arc::new(Mutex::new((status, body.to_owned())));
        let router = Router::new()
            .fallback(record)
            .with_state((recorder.clone(), reply.clone()));
        let server = FakeServer::start(router, 0).await.unwrap();
        Self {
            server,
            recorder,
            reply,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.server.http_url())
    }

    pub fn reply_with(&self, status: u16, body: &str) {
        *self.reply.lock().unwrap() = (status, body.to_owned());
    }

    pub fn received(&self) -> Vec<Received> {
        self.recorder
            .all()
            .into_iter()
            .filter_map(|item| match item {
                Recorded::Http {
                    method,
                    path,
                    query,
                    headers,
                    body,
                } => Some(Received {
                    method,
                    path,
                    query,
                    headers,
                    body,
                }),
                _ => None,
            })
            .collect()
    }
}
