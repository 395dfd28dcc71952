//! Writing a streamed answer on the wire with exact timing: the role chunk and the first token
//! leave at `first_byte` after the request arrived, each later event `per_chunk` after the one
//! before (scheduled from the start, so delays do not drift). Headers go out at once.

use std::sync::Arc;
use std::time::Duration;

use futures_util::stream::{self, Stream};
use tokio::time::{Instant, sleep_until};

use super::Shared;

/// How a stream is framed and paced.
pub(super) struct Plan {
    pub payloads: Vec<String>,
    pub start: Instant,
    pub first_byte: Duration,
    pub per_chunk: Duration,
    /// Abort the connection before event number `n` (0-based), without `[DONE]`.
    pub drop_before: Option<usize>,
    pub crlf: bool,
    pub keepalive: bool,
    pub split: bool,
}

/// Counts a client hang-up: dropped by the server before the stream's end, the body was
/// abandoned by the client (the server's own drop fault marks itself finished first).
/// How long a drop fault waits so the events before it reach the client (hyper discards what it
/// has buffered when a body fails). Not part of any latency a benchmark measures.
const FLUSH_BEFORE_DROP: Duration = Duration::from_millis(20);

struct HangUpGuard {
    shared: Arc<Shared>,
    finished: bool,
}

impl Drop for HangUpGuard {
    fn drop(&mut self) {
        if !self.finished {
            self.shared.note_disconnect();
        }
    }
}

struct Emitter {
    plan: Plan,
    next: usize,
    second_half: Option<Vec<u8>>,
    guard: HangUpGuard,
}

impl Emitter {
    fn frame(&self, payload: &str) -> Vec<u8> {
        let mut text = String::new();
        if self.plan.keepalive {
            text.push_str(": ping\n\n");
        }
        text.push_str("data: ");
        text.push_str(payload);
        text.push_str("\n\n");
        if self.plan.crlf {
            text = text.replace('\n', "\r\n");
        }
        text.into_bytes()
    }

    async fn next_piece(&mut self) -> Option<Result<Vec<u8>, std::io::Error>> {
        if let Some(half) = self.second_half.take() {
            return Some(Ok(half));
        }
        if self.next >= self.plan.payloads.len() {
            self.guard.finished = true;
            return None;
        }
        if self.plan.drop_before == Some(self.next) {
            self.guard.finished = true;
            // Let the events already written leave the socket before it is torn down.
            tokio::time::sleep(FLUSH_BEFORE_DROP).await;
            return Some(Err(std::io::Error::other(
                "fake: dropping the connection mid-stream",
            )));
        }
        let gaps = self.next.saturating_sub(1) as u32;
        sleep_until(self.plan.start + self.plan.first_byte + self.plan.per_chunk * gaps).await;
        let mut bytes = self.frame(&self.plan.payloads[self.next]);
        self.next += 1;
        if self.plan.split {
            self.second_half = Some(bytes.split_off(bytes.len() / 2));
        }
        Some(Ok(bytes))
    }
}

pub(super) fn body_stream(
    plan: Plan,
    shared: Arc<Shared>,
) -> impl Stream<Item = Result<Vec<u8>, std::io::Error>> + Send {
    let emitter = Emitter {
        plan,
        next: 0,
        second_half: None,
        guard: HangUpGuard {
            shared,
            finished: false,
        },
    };
    stream::unfold(emitter, |mut emitter| async move {
        let piece = emitter.next_piece().await?;
        Some((piece, emitter))
    })
}
