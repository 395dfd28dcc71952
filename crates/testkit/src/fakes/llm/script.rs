//! What the fake answers: a queue of scripted [`Reply`]s, one per request.

use std::time::Duration;

use serde_json::{Value, json};

/// How a tool call's fragments are streamed (§3.2, §3.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ToolFraming {
    /// OpenAI: id and name in the first fragment, then the arguments in
    /// [`Reply::argument_pieces`] pieces.
    #[default]
    Fragmented,
    /// Ollama-style: the whole call, arguments included, in one delta.
    Whole,
    /// Id and name repeated in every fragment (some providers do).
    Repeated,
}

/// Where usage appears in a stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum UsageMode {
    /// OpenAI: a final chunk with `choices: []`, only when the request asked with
    /// `stream_options.include_usage`.
    #[default]
    FinalChunk,
    /// A running total on every chunk, asked for or not.
    EveryChunk,
    /// Groq-style `x_groq.usage` on the last chunk \[M\].
    XGroq,
    /// Never.
    Omitted,
}

/// A tool call the fake should make.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScriptedCall {
    pub id: String,
    pub name: String,
    pub arguments: String,
}

/// An HTTP error answer: status, the OpenAI error object and extra headers.
#[derive(Debug, Clone, PartialEq)]
pub struct ScriptedError {
    pub status: u16,
    pub body: Value,
    pub headers: Vec<(String, String)>,
}

/// One scripted answer. Build with [`Reply::text`], [`Reply::tokens`], [`Reply::tool_call`] or
/// [`Reply::error`], then adjust.
#[derive(Debug, Clone, PartialEq)]
pub struct Reply {
    pub tokens: Vec<String>,
    pub tool_calls: Vec<ScriptedCall>,
    /// Defaults to `tool_calls` when there are calls, `stop` otherwise.
    pub finish_reason: Option<String>,
    /// Prompt and completion tokens; defaults to (request bytes / 4, number of tokens).
    pub usage: Option<(u64, u64)>,
    pub usage_mode: UsageMode,
    pub tool_framing: ToolFraming,
    /// Pieces the arguments of each call are split into when fragmented.
    pub argument_pieces: usize,
    /// Answer this error instead.
    pub error: Option<ScriptedError>,
    /// After this many events, send `data: {"error": …}` with this object and end.
    pub error_mid_stream: Option<(usize, Value)>,
    /// Overrides `Faults::drop_after_chunks` for this reply.
    pub drop_after_events: Option<usize>,
    /// Overrides `Faults::first_byte` / `per_chunk` for this reply.
    pub first_byte: Option<Duration>,
    pub per_chunk: Option<Duration>,
    /// Use CRLF line ends.
    pub crlf: bool,
    /// Put a `: ping` comment before every event.
    pub keepalive: bool,
    /// Write each event in two halves (split mid-JSON) so the client sees ragged reads.
    pub split_events: bool,
    /// Leave out the final `data: [DONE]`.
    pub omit_done: bool,
    /// Add llama.cpp-style `timings` and `reasoning_content` noise to deltas.
    pub extra_fields: bool,
}

impl Default for Reply {
    fn default() -> Self {
        Self {
            tokens: Vec::new(),
            tool_calls: Vec::new(),
            finish_reason: None,
            usage: None,
            usage_mode: UsageMode::default(),
            tool_framing: ToolFraming::default(),
            argument_pieces: 3,
            error: None,
            error_mid_stream: None,
            drop_after_events: None,
            first_byte: None,
            per_chunk: None,
            crlf: false,
            keepalive: false,
            split_events: false,
            omit_done: false,
            extra_fields: false,
        }
    }
}

/// Splits text into word-like tokens that keep their leading space ("Sure," " I" " can").
pub fn tokenize(text: &str) -> Vec<String> {
    let mut tokens: Vec<String> = Vec::new();
    for (i, word) in text.split(' ').enumerate() {
        let token = if i == 0 {
            word.to_owned()
        } else {
            format!(" {word}")
        };
        if !token.is_empty() {
            tokens.push(token);
        }
    }
    tokens
}

impl Reply {
    /// Streams `text` as word tokens.
    pub fn text(text: &str) -> Self {
        Self {
            tokens: tokenize(text),
            ..Self::default()
        }
    }

    /// Streams exactly these tokens.
    pub fn tokens<S: Into<String>>(tokens: impl IntoIterator<Item = S>) -> Self {
        Self {
            tokens: tokens.into_iter().map(Into::into).collect(),
            ..Self::default()
        }
    }

    /// A reply that calls one tool (add more with [`Reply::and_tool_call`]).
    pub fn tool_call(id: &str, name: &str, arguments: &str) -> Self {
        Self::default().and_tool_call(id, name, arguments)
    }

    pub fn and_tool_call(mut self, id: &str, name: &str, arguments: &str) -> Self {
        self.tool_calls.push(ScriptedCall {
            id: id.into(),
            name: name.into(),
            arguments: arguments.into(),
        });
        self
    }

    /// An HTTP error with OpenAI's body shape.
    pub fn error(status: u16, message: &str, kind: &str, code: Option<&str>) -> Self {
        let body =
            json!({"error": {"message": message, "type": kind, "param": null, "code": code}});
        Self {
            error: Some(ScriptedError {
                status,
                body,
                headers: Vec::new(),
            }),
            ..Self::default()
        }
    }

    /// Groq's 429 \[D\]: `retry-after` in whole seconds plus the rate-limit headers.
    pub fn rate_limited(retry_after_secs: u32) -> Self {
        let message =
            format!("Rate limit reached for model `m`. Please try again in {retry_after_secs}s.");
        Self::error(429, &message, "tokens", Some("rate_limit_exceeded"))
            .header("retry-after", &retry_after_secs.to_string())
            .header("x-ratelimit-limit-requests", "14400")
            .header("x-ratelimit-remaining-requests", "14399")
            .header("x-ratelimit-reset-requests", "6s")
            .header("x-ratelimit-limit-tokens", "6000")
            .header("x-ratelimit-remaining-tokens", "0")
            .header("x-ratelimit-reset-tokens", &format!("{retry_after_secs}s"))
    }

    /// A 5xx `server_error`.
    pub fn server_error(status: u16) -> Self {
        Self::error(
            status,
            "The server had an error while processing your request. Sorry about that!",
            "server_error",
            None,
        )
    }

    /// Adds a header to an error answer.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        if let Some(error) = self.error.as_mut() {
            error.headers.push((name.into(), value.into()));
        }
        self
    }

    pub fn finish_reason(mut self, reason: &str) -> Self {
        self.finish_reason = Some(reason.into());
        self
    }

    pub fn usage(mut self, prompt: u64, completion: u64) -> Self {
        self.usage = Some((prompt, completion));
        self
    }

    pub fn usage_mode(mut self, mode: UsageMode) -> Self {
        self.usage_mode = mode;
        self
    }

    pub fn tool_framing(mut self, framing: ToolFraming) -> Self {
        self.tool_framing = framing;
        self
    }

    pub fn error_mid_stream(mut self, after_events: usize, message: &str) -> Self {
        let error =
            json!({"message": message, "type": "server_error", "param": null, "code": null});
        self.error_mid_stream = Some((after_events, error));
        self
    }

    pub fn drop_after(mut self, events: usize) -> Self {
        self.drop_after_events = Some(events);
        self
    }

    pub fn first_byte(mut self, delay: Duration) -> Self {
        self.first_byte = Some(delay);
        self
    }

    pub fn per_chunk(mut self, delay: Duration) -> Self {
        self.per_chunk = Some(delay);
        self
    }

    /// CRLF line ends, keep-alive comments and ragged writes all at once.
    pub fn awkward_framing(mut self) -> Self {
        self.crlf = true;
        self.keepalive = true;
        self.split_events = true;
        self
    }

    pub fn omit_done(mut self) -> Self {
        self.omit_done = true;
        self
    }

    pub fn extra_fields(mut self) -> Self {
        self.extra_fields = true;
        self
    }

    pub(super) fn finish(&self) -> String {
        self.finish_reason.clone().unwrap_or_else(|| {
            if self.tool_calls.is_empty() {
                "stop"
            } else {
                "tool_calls"
            }
            .into()
        })
    }
}
