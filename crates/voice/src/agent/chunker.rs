//! Splits a streamed LLM reply into speakable chunks, so TTS can start on the first clause
//! while the model is still writing the rest.
//!
//! Boundaries, in the cleaned text (markdown stripped, whitespace collapsed):
//! * a sentence end — `.` `!` `?` `…` (runs of them, then any closing quotes or brackets)
//!   followed by whitespace — or a line break, always;
//! * a clause end — `,` `;` `:` followed by whitespace, or a spaced dash (` — `, ` – `,
//!   ` - `) — only for the first chunk once it holds
//!   [`min_first_chars`](ChunkerConfig::min_first_chars), or for any chunk past
//!   [`max_chars`](ChunkerConfig::max_chars);
//! * past [`hard_max_chars`](ChunkerConfig::hard_max_chars) with neither, the last space.
//!
//! A period is no sentence end after an abbreviation or an initial (`Dr.`, `e.g.`, `U.S.`,
//! `J.`), after a list item's number at the start of a line, or when the next word starts in
//! lower case (`Well... maybe`, `approx. five`). Decimals, thousands, times, URLs and e-mail
//! addresses never have whitespace right after their inner `.` `,` `:`. Nothing splits
//! inside parentheses or brackets, not even right before the closing one.
//!
//! Each decision needs at most two characters after the punctuation; until they arrive the
//! chunker waits, so the chunks are the same however the reply was split into deltas.

mod markdown;
mod words;

use markdown::MarkdownStripper;

/// Where the chunker splits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChunkerConfig {
    /// The first chunk may end at a clause boundary once it is this many characters long
    /// (default 20): early audio without a fragment too short to sound natural.
    pub min_first_chars: usize,
    /// Past this many characters a chunk ends at the next clause boundary (default 200).
    pub max_chars: usize,
    /// No chunk is longer than this (default 300; at least 1): past it, a chunk ends at its
    /// last space, or mid-word when it has none.
    pub hard_max_chars: usize,
}

impl Default for ChunkerConfig {
    fn default() -> Self {
        ChunkerConfig {
            min_first_chars: 20,
            max_chars: 200,
            hard_max_chars: 300,
        }
    }
}

/// Turns streamed text deltas into chunks ready for TTS; one per assistant reply.
///
/// ```
/// use switchboard_voice::agent::chunker::ClauseChunker;
///
/// let mut chunker = ClauseChunker::default();
/// let mut chunks: Vec<String> = Vec::new();
/// for delta in ["Sure, Dr", ". Smith is in", " today. **Want** me to book", " you?"] {
///     chunks.extend(chunker.push(delta));
/// }
/// chunks.extend(chunker.finish());
/// assert_eq!(chunks, ["Sure, Dr. Smith is in today.", "Want me to book you?"]);
/// ```
#[derive(Debug)]
pub struct ClauseChunker {
    config: ChunkerConfig,
    markdown: MarkdownStripper,
    /// Cleaned text of the chunk being built, and the few characters past it still undecided.
    text: String,
    /// Bytes of `text` known not to end a chunk.
    scan: usize,
    /// Characters in `text[..scan]`.
    scan_chars: usize,
    paren_depth: u32,
    emitted_any: bool,
    /// Chunks ready to hand out; reused between pushes.
    ready: Vec<String>,
}

/// What the character at the scan position means.
enum Decision {
    /// It does not end a chunk.
    Pass,
    /// The text after it has not arrived yet.
    Wait,
    /// The chunk is `text[..end]`; the next one starts at `resume`.
    Split { end: usize, resume: usize },
}

impl Default for ClauseChunker {
    fn default() -> Self {
        ClauseChunker::new(ChunkerConfig::default())
    }
}

impl ClauseChunker {
    pub fn new(config: ChunkerConfig) -> Self {
        ClauseChunker {
            config,
            markdown: MarkdownStripper::default(),
            text: String::new(),
            scan: 0,
            scan_chars: 0,
            paren_depth: 0,
            emitted_any: false,
            ready: Vec::new(),
        }
    }

    /// Adds a delta of the reply; yields the chunks it completed, in order (often none).
    pub fn push(&mut self, delta: &str) -> std::vec::Drain<'_, String> {
        self.markdown.push(delta);
        self.advance(false);
        self.ready.drain(..)
    }

    /// Ends the reply; yields what is left, as one or more chunks.
    pub fn finish(mut self) -> std::vec::IntoIter<String> {
        self.advance(true);
        let end = self.text.len();
        self.split(end, end);
        self.ready.into_iter()
    }

    fn advance(&mut self, at_end: bool) {
        self.markdown.drain_into(&mut self.text, at_end);
        let hard_max = self.config.hard_max_chars.max(1);
        while let Some(c) = self.text[self.scan..].chars().next() {
            if self.scan_chars >= hard_max {
                self.split_hard();
                continue;
            }
            match self.decide(c, at_end) {
                Decision::Wait => break,
                Decision::Split { end, .. }
                    if end > self.scan
                        && self.scan_chars + self.text[self.scan..end].chars().count()
                            > hard_max =>
                {
                    self.split_hard();
                }
                Decision::Split { end, resume } => self.split(end, resume),
                Decision::Pass => {
                    self.scan += c.len_utf8();
                    self.scan_chars += 1;
                }
            }
        }
    }

    fn decide(&mut self, c: char, at_end: bool) -> Decision {
        let at = self.scan;
        match c {
            '\n' => Decision::Split {
                end: at,
                resume: at + 1,
            },
            '(' | '[' => {
                self.paren_depth += 1;
                Decision::Pass
            }
            ')' | ']' => {
                self.paren_depth = self.paren_depth.saturating_sub(1);
                Decision::Pass
            }
            '.' | '!' | '?' | '…' => self.sentence_end(at, at_end),
            ',' | ';' | ':' => self.clause_end(at + 1, at + 1, at_end),
            // A spaced dash: the chunk ends before the space, without the dash.
            '—' | '–' | '-' if self.text[..at].ends_with(' ') => {
                self.clause_end(at - 1, at + c.len_utf8(), at_end)
            }
            _ => Decision::Pass,
        }
    }

    /// `text[at]` starts a run of terminal punctuation.
    fn sentence_end(&self, at: usize, at_end: bool) -> Decision {
        let rest = &self.text[at..];
        let run = rest
            .find(|c| !matches!(c, '.' | '!' | '?' | '…'))
            .unwrap_or(rest.len());
        let closers = rest[run..]
            .find(|c| !matches!(c, '"' | '\'' | '”' | '’' | ')' | ']'))
            .unwrap_or(rest.len() - run);
        let end = at + run + closers;
        let Some(next) = self.text[end..].chars().next() else {
            return self.at_text_end(end, at_end);
        };
        if next != ' ' && next != '\n' {
            return Decision::Pass;
        }
        if self.paren_depth > 0 {
            return Decision::Pass;
        }
        let marks = &rest[..run];
        if marks == "." && self.period_after_short_form(at) {
            return Decision::Pass;
        }
        if next == ' ' && marks.contains(['.', '…']) {
            match self.text[end + 1..].chars().next() {
                None if !at_end => return Decision::Wait,
                Some(after) if after.is_lowercase() => return Decision::Pass,
                _ => {}
            }
        }
        Decision::Split {
            end,
            resume: end + 1,
        }
    }

    /// A clause mark at the scan position: the chunk would be `text[..end]`, and whitespace
    /// must follow at `after`, the byte past the mark.
    fn clause_end(&self, end: usize, after: usize, at_end: bool) -> Decision {
        let chars = self.scan_chars + 1;
        let wanted = (!self.emitted_any && chars >= self.config.min_first_chars)
            || chars > self.config.max_chars;
        if !wanted || self.paren_depth > 0 {
            return Decision::Pass;
        }
        match self.text[after..].chars().next() {
            None => self.at_text_end(end, at_end),
            Some(' ' | '\n') => Decision::Split {
                end,
                resume: after + 1,
            },
            Some(_) => Decision::Pass,
        }
    }

    fn at_text_end(&self, end: usize, at_end: bool) -> Decision {
        if at_end {
            Decision::Split { end, resume: end }
        } else {
            Decision::Wait
        }
    }

    /// The period at `dot` follows an abbreviation, an initial or a list item's number.
    fn period_after_short_form(&self, dot: usize) -> bool {
        let before = &self.text[..dot];
        let word = before
            .rsplit([' ', '(', '[', '"', '“', '\''])
            .next()
            .unwrap_or_default();
        words::is_abbreviation(word) || (word.len() == before.len() && words::is_list_number(word))
    }

    /// The chunk would grow past the hard limit: end it at its last space, or where it is.
    fn split_hard(&mut self) {
        match self.text[..self.scan].rfind(' ') {
            Some(space) if space > 0 => self.split(space, space + 1),
            _ => self.split(self.scan, self.scan),
        }
    }

    fn split(&mut self, end: usize, resume: usize) {
        let chunk = self.text[..end].trim();
        if chunk.chars().any(char::is_alphanumeric) {
            self.ready.push(chunk.to_owned());
            self.emitted_any = true;
        }
        self.text.drain(..resume);
        self.scan = 0;
        self.scan_chars = 0;
        self.paren_depth = 0;
    }
}

#[cfg(test)]
mod tests;
