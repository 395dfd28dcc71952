//! Exact pacing of a WebSocket fake's output: the first audio message leaves exactly
//! `first_byte` after the message that triggered generation, later ones `per_chunk` apart.

use std::collections::VecDeque;
use std::time::Duration;

use axum::extract::ws::Message;
use tokio::time::Instant;

#[derive(Debug)]
pub(crate) struct Pacer {
    first_byte: Duration,
    per_chunk: Duration,
    queue: VecDeque<(Message, bool)>,
    next_at: Option<Instant>,
    last_sent: Option<Instant>,
    audio_sent: usize,
}

impl Pacer {
    pub fn new(first_byte: Duration, per_chunk: Duration) -> Self {
        Self {
            first_byte,
            per_chunk,
            queue: VecDeque::new(),
            next_at: None,
            last_sent: None,
            audio_sent: 0,
        }
    }

    /// Queues a message; `audio` marks the ones `drop_after_chunks` counts.
    pub fn push(&mut self, message: Message, audio: bool) {
        if self.queue.is_empty() {
            let now = Instant::now();
            self.next_at = Some(match self.last_sent {
                None => now + self.first_byte,
                Some(last) => (last + self.per_chunk).max(now),
            });
        }
        self.queue.push_back((message, audio));
    }

    /// Waits until the next message is due (forever when none is queued).
    pub async fn due(&self) {
        match self.next_at {
            Some(at) if !self.queue.is_empty() => tokio::time::sleep_until(at).await,
            _ => std::future::pending().await,
        }
    }

    /// Takes the due message.
    pub fn pop(&mut self) -> Option<Message> {
        let (message, audio) = self.queue.pop_front()?;
        let now = Instant::now();
        self.last_sent = Some(now);
        self.audio_sent += usize::from(audio);
        self.next_at = (!self.queue.is_empty()).then_some(now + self.per_chunk);
        Some(message)
    }

    pub fn audio_sent(&self) -> usize {
        self.audio_sent
    }

    pub fn is_idle(&self) -> bool {
        self.queue.is_empty()
    }

    /// Drops everything queued (Deepgram `Clear`), returning how many were dropped.
    pub fn clear(&mut self) -> usize {
        let n = self.queue.len();
        self.queue.clear();
        self.next_at = None;
        n
    }
}
