//! Error answers in each provider's shape, and a paced streaming body.

use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use futures_util::Stream;
use serde_json::{Value, json};

use super::shared::Shared;

pub(crate) fn json_error(status: u16, body: Value) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (
        status,
        [("content-type", "application/json")],
        body.to_string(),
    )
        .into_response()
}

/// ElevenLabs' `{"detail":{"status","message"}}`.
pub(crate) fn elevenlabs_error(status: u16, code: &str, message: &str) -> Response {
    json_error(
        status,
        json!({"detail": {"status": code, "message": message}}),
    )
}

/// FastAPI's 422 `{"detail":[{"loc","msg","type"}]}`.
pub(crate) fn validation_error(location: &[&str], message: &str) -> Response {
    json_error(
        422,
        json!({"detail": [{"loc": location, "msg": message, "type": "value_error"}]}),
    )
}

/// OpenAI's `{"error":{"message","type","param","code"}}`.
pub(crate) fn openai_error(
    status: u16,
    message: &str,
    param: Option<&str>,
    code: Option<&str>,
) -> Response {
    json_error(
        status,
        json!({"error": {"message": message, "type": "invalid_request_error", "param": param, "code": code}}),
    )
}

/// Deepgram's `{"err_code","err_msg","request_id"}`.
pub(crate) fn deepgram_error(status: u16, code: &str, message: &str) -> Response {
    json_error(
        status,
        json!({"err_code": code, "err_msg": message, "request_id": "00000000-fake-0000-0000-000000000000"}),
    )
}

/// A 200 whose body is `audio` cut in `chunk` bytes, paced by the faults: the first chunk
/// after exactly `first_byte`, the rest `per_chunk` apart; with `drop_after` the body breaks
/// off (the connection is reset) after that many chunks.
pub(crate) fn paced_body(
    shared: Arc<Shared>,
    faulty: bool,
    audio: Vec<u8>,
    chunk: usize,
    content_type: &'static str,
) -> Response {
    let faults = &shared.config.faults;
    let drop_after = faults.drop_after_chunks.filter(|_| faulty);
    let (first_byte, per_chunk) = (faults.first_byte, faults.per_chunk);
    let chunks: Vec<Bytes> = audio
        .chunks(chunk.max(1))
        .map(Bytes::copy_from_slice)
        .collect();
    let total = chunks.len();
    let stream = async_stream(chunks, first_byte, per_chunk, drop_after);
    let guard = AbortGuard {
        shared,
        inner: Box::pin(stream),
        done: false,
        total,
        sent: 0,
    };
    (
        StatusCode::OK,
        [("content-type", content_type)],
        Body::from_stream(guard),
    )
        .into_response()
}

type Chunks = Pin<Box<dyn Stream<Item = Result<Bytes, std::io::Error>> + Send>>;

fn async_stream(
    chunks: Vec<Bytes>,
    first_byte: Duration,
    per_chunk: Duration,
    drop_after: Option<usize>,
) -> Chunks {
    let state = (
        chunks.into_iter().enumerate(),
        first_byte,
        per_chunk,
        drop_after,
    );
    Box::pin(futures_util::stream::unfold(
        state,
        |(mut it, first_byte, per_chunk, drop_after)| async move {
            let (i, chunk) = it.next()?;
            if drop_after == Some(i) {
                return Some((
                    Err(std::io::Error::other("fault: dropped mid-stream")),
                    (it, first_byte, per_chunk, None),
                ));
            }
            tokio::time::sleep(if i == 0 { first_byte } else { per_chunk }).await;
            Some((Ok(chunk), (it, first_byte, per_chunk, drop_after)))
        },
    ))
}

/// Counts a body dropped before its end as an aborted stream (the client went away).
struct AbortGuard {
    shared: Arc<Shared>,
    inner: Chunks,
    done: bool,
    total: usize,
    sent: usize,
}

impl Stream for AbortGuard {
    type Item = Result<Bytes, std::io::Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let polled = self.inner.as_mut().poll_next(cx);
        match &polled {
            Poll::Ready(Some(Ok(_))) => self.sent += 1,
            Poll::Ready(Some(Err(_)) | None) => self.done = true,
            Poll::Pending => {}
        }
        if self.sent == self.total {
            self.done = true;
        }
        polled
    }
}

impl Drop for AbortGuard {
    fn drop(&mut self) {
        if !self.done {
            self.shared.aborted();
        }
    }
}
