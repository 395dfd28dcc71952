//! A tenant's tool endpoint on 127.0.0.1 that records every request it gets.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};

/// One request as the endpoint received it.
#[derive(Debug, Clone)]
pub struct Hit {
    pub path: String,
    pub headers: HeaderMap,
    pub body: Bytes,
}

type Hits = Arc<Mutex<Vec<Hit>>>;

pub struct Endpoint {
    port: u16,
    hits: Hits,
}

impl Endpoint {
    /// Serves `/echo` (a JSON answer), `/slow` (never answers in time), `/fail` (500 with a
    /// long body), `/big` (100 KiB) and `/redirect` (302 to `/echo`).
    pub async fn start() -> Self {
        let hits = Hits::default();
        let app = Router::new().fallback(handle).with_state(hits.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        tokio::spawn(async move { axum::serve(listener, app).await });
        Endpoint { port, hits }
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    pub fn hits(&self) -> Vec<Hit> {
        self.hits.lock().unwrap().clone()
    }

    pub fn only_hit(&self) -> Hit {
        let hits = self.hits();
        assert_eq!(hits.len(), 1, "{hits:?}");
        hits.into_iter().next().unwrap()
    }

    /// Waits (up to 5 s) until the endpoint has seen `count` requests.
    pub async fn wait_for_hits(&self, count: usize) {
        for _ in 0..500 {
            if self.hits().len() >= count {
                return;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!(
            "the endpoint saw {} requests, not {count}",
            self.hits().len()
        );
    }
}

async fn handle(State(hits): State<Hits>, uri: Uri, headers: HeaderMap, body: Bytes) -> Response {
    let path = uri.path().to_owned();
    hits.lock().unwrap().push(Hit {
        path: path.clone(),
        headers,
        body,
    });
    match path.as_str() {
        "/echo" => (
            [(header::CONTENT_TYPE, "application/json")],
            r#"{"booked":true}"#,
        )
            .into_response(),
        "/slow" => {
            tokio::time::sleep(Duration::from_secs(60)).await;
            "too late".into_response()
        }
        "/fail" => (
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("database exploded:\n\n{}", "details ".repeat(500)),
        )
            .into_response(),
        "/big" => "x".repeat(100 * 1024).into_response(),
        "/redirect" => (StatusCode::FOUND, [(header::LOCATION, "/echo")]).into_response(),
        _ => StatusCode::NOT_FOUND.into_response(),
    }
}
