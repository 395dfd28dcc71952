//! Streaming over request/response providers (OpenAI `/audio/speech`, ElevenLabs HTTP
//! streaming): text is buffered until a flush or the end of input, then each such *segment*
//! is one streaming request, run in order while more text keeps arriving. A segment's request
//! is retried only before it delivered audio.

use std::collections::VecDeque;
use std::sync::Arc;

use futures_util::StreamExt;
use futures_util::future::BoxFuture;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use crate::ProviderError;

use super::clock::{AudioClock, sleep_until};
use super::meter::Meter;
use super::stream::{DriverEnds, TextCommand, TtsStream, stream_pair};
use super::types::{AudioChunk, TtsEvent, VoiceConfig};
use super::{RetryPolicy, errors};
use crate::Timeouts;

/// Turns a provider's audio bytes into mu-law 8 kHz, across arbitrary chunk boundaries.
pub(crate) trait AudioDecoder: Send {
    fn push(&mut self, bytes: &[u8], out: &mut Vec<u8>);
    /// The end of all audio: whatever is still held back.
    fn finish(&mut self, out: &mut Vec<u8>);
}

/// For providers that already send mu-law 8 kHz.
pub(crate) struct PassThrough;

impl AudioDecoder for PassThrough {
    fn push(&mut self, bytes: &[u8], out: &mut Vec<u8>) {
        out.extend_from_slice(bytes);
    }
    fn finish(&mut self, _out: &mut Vec<u8>) {}
}

/// One request/response provider.
pub(crate) trait SegmentSource: Send + Sync + 'static {
    fn provider(&self) -> &'static str;
    /// Longest text one request accepts; longer segments are split at whitespace.
    fn max_chars(&self) -> usize;
    /// Sends one request for `text`; resolves once the answer is a success.
    /// `previous` is the text of the segment before, for providers that use it for prosody.
    fn request(
        &self,
        voice: &VoiceConfig,
        text: &str,
        previous: Option<&str>,
    ) -> BoxFuture<'static, Result<reqwest::Response, ProviderError>>;
    fn decoder(&self) -> Box<dyn AudioDecoder>;
    fn timeouts(&self) -> Timeouts;
    fn retry(&self) -> RetryPolicy;
}

/// Opens a stream driven by `source`.
pub(crate) fn open(source: Arc<dyn SegmentSource>, voice: VoiceConfig) -> TtsStream {
    let (stream, ends) = stream_pair();
    tokio::spawn(drive(source, voice, ends));
    stream
}

type Chunks = mpsc::Receiver<Result<Vec<u8>, ProviderError>>;

/// The request in flight: its body chunks and the task reading them (aborted on cancel, which
/// drops the response and so closes the connection).
struct InFlight {
    chunks: Chunks,
    task: JoinHandle<()>,
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn drive(source: Arc<dyn SegmentSource>, voice: VoiceConfig, mut ends: DriverEnds) {
    let provider = source.provider();
    let mut clock = AudioClock::new(source.timeouts());
    let mut meter = Meter::default();
    let mut decoder = source.decoder();
    let mut pending = String::new();
    let mut queue: VecDeque<String> = VecDeque::new();
    let mut previous: Option<String> = None;
    let mut current: Option<InFlight> = None;
    let mut input_open = true;
    let mut out = Vec::new();
    loop {
        if current.is_none() {
            if let Some(text) = queue.pop_front() {
                clock.requested();
                meter.text(&text);
                current = Some(start(
                    source.clone(),
                    &voice,
                    text.clone(),
                    previous.replace(text),
                ));
            } else if !input_open {
                decoder.finish(&mut out);
                if !out.is_empty() {
                    meter.audio(&out);
                    let chunk = AudioChunk {
                        mulaw: std::mem::take(&mut out),
                        alignment: None,
                    };
                    if !ends.emit(Ok(TtsEvent::Audio(chunk))).await {
                        return;
                    }
                }
                let _ = ends
                    .emit(Ok(TtsEvent::Final {
                        usage: meter.usage(),
                    }))
                    .await;
                return;
            }
        }
        tokio::select! {
            biased;
            () = ends.cancel.cancelled() => return,
            command = ends.commands.recv(), if input_open => match command {
                Some(TextCommand::Text(text)) => pending.push_str(&text),
                Some(TextCommand::Flush) => split_into(&mut queue, std::mem::take(&mut pending), source.max_chars()),
                Some(TextCommand::Close) | None => {
                    input_open = false;
                    split_into(&mut queue, std::mem::take(&mut pending), source.max_chars());
                }
            },
            chunk = next_chunk(&mut current) => match chunk {
                Some(Ok(bytes)) => {
                    decoder.push(&bytes, &mut out);
                    if out.is_empty() {
                        continue;
                    }
                    clock.audio();
                    meter.audio(&out);
                    let chunk = AudioChunk { mulaw: std::mem::take(&mut out), alignment: None };
                    if !ends.emit(Ok(TtsEvent::Audio(chunk))).await {
                        return;
                    }
                }
                Some(Err(error)) => {
                    let _ = ends.emit(Err(error)).await;
                    return;
                }
                None => {
                    current = None;
                    clock.settled();
                }
            },
            phase = sleep_until(clock.deadline()) => {
                let _ = ends.emit(Err(clock.timeout_error(provider, phase))).await;
                return;
            }
        }
    }
}

/// The next body chunk of the request in flight; pends forever when there is none.
async fn next_chunk(current: &mut Option<InFlight>) -> Option<Result<Vec<u8>, ProviderError>> {
    match current {
        Some(in_flight) => in_flight.chunks.recv().await,
        None => std::future::pending().await,
    }
}

fn start(
    source: Arc<dyn SegmentSource>,
    voice: &VoiceConfig,
    text: String,
    previous: Option<String>,
) -> InFlight {
    let (tx, chunks) = mpsc::channel(8);
    let voice = voice.clone();
    let task = tokio::spawn(async move {
        let provider = source.provider();
        let response = source
            .retry()
            .run(|| source.request(&voice, &text, previous.as_deref()))
            .await;
        let mut body = match response {
            Ok(response) => response.bytes_stream(),
            Err(error) => {
                let _ = tx.send(Err(error)).await;
                return;
            }
        };
        while let Some(item) = body.next().await {
            let item = item
                .map(|b| b.to_vec())
                .map_err(|e| errors::from_reqwest(provider, &e));
            let failed = item.is_err();
            if tx.send(item).await.is_err() || failed {
                return;
            }
        }
    });
    InFlight { chunks, task }
}

/// Queues `text` as one or more requests of at most `max` characters, cut at whitespace.
fn split_into(queue: &mut VecDeque<String>, text: String, max: usize) {
    let mut rest = text.trim();
    while !rest.is_empty() {
        if rest.chars().count() <= max {
            queue.push_back(rest.to_owned());
            return;
        }
        let limit = rest.char_indices().nth(max).map_or(rest.len(), |(i, _)| i);
        let cut = rest[..limit]
            .rfind(char::is_whitespace)
            .filter(|&i| i > 0)
            .unwrap_or(limit);
        queue.push_back(rest[..cut].trim_end().to_owned());
        rest = rest[cut..].trim_start();
    }
}

/// A client whose connect phase is bounded; the drivers bound the first byte and the gaps.
pub(crate) fn http_client(timeouts: &Timeouts) -> reqwest::Client {
    reqwest::Client::builder()
        .connect_timeout(timeouts.connect)
        .build()
        .expect("a reqwest client with rustls/ring builds")
}

/// Maps a non-success response to an error, reading its body for the provider's message.
pub(crate) async fn check(
    provider: &'static str,
    response: reqwest::Response,
    key: &super::ApiKey,
) -> Result<reqwest::Response, ProviderError> {
    let status = response.status();
    if status.is_success() {
        return Ok(response);
    }
    let headers = response.headers().clone();
    let body = response.bytes().await.unwrap_or_default();
    Err(errors::from_status(
        provider,
        status.as_u16(),
        &headers,
        &body,
        key,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_text_is_cut_at_whitespace() {
        let mut queue = VecDeque::new();
        split_into(&mut queue, "aaa bbb ccc".into(), 5);
        assert_eq!(queue, ["aaa", "bbb", "ccc"]);
        split_into(&mut queue, "  ".into(), 5);
        assert_eq!(queue.len(), 3);
        queue.clear();
        split_into(&mut queue, "abcdefgh".into(), 3);
        assert_eq!(queue, ["abc", "def", "gh"]);
    }
}
