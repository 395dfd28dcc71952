//! The first stage of the chunker: removes the markdown a TTS would read aloud and collapses
//! whitespace, as the text streams in.
//!
//! Every decision looks at a bounded amount of text ahead (at most three characters); when
//! that text has not arrived yet the stripper stops and resumes on the next push, so its output
//! does not depend on where the deltas were split.

/// Whitespace seen since the last written character; a run holding a line break is a line
/// break, which the chunker treats as the end of a sentence.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Gap {
    #[default]
    None,
    Space,
    Newline,
}

/// What starts a line.
enum LineMarker {
    /// Not enough text yet to tell.
    Undecided,
    /// Ordinary text.
    Plain,
    /// A heading's `#`s, a list bullet or a quote's `>`, this many bytes long: dropped.
    Strip(usize),
    /// A code fence: the whole line (with its language tag) is dropped.
    Fence,
}

#[derive(Debug, Default)]
pub(super) struct MarkdownStripper {
    /// Input not processed yet (a few characters at most between pushes).
    raw: String,
    /// Bytes of `raw` processed in the current pass.
    pos: usize,
    mid_line: bool,
    in_fence_line: bool,
    gap: Gap,
    wrote_any: bool,
    /// The last written character is a letter or digit: an `_` after it may be part of a word.
    after_word_char: bool,
}

impl MarkdownStripper {
    pub(super) fn push(&mut self, delta: &str) {
        self.raw.push_str(delta);
    }

    /// Writes the cleaned text to `out` as far as it can be decided; with `at_end`, all of it.
    /// A line break is written as `\n`, any other whitespace run as one space, and whitespace
    /// before the first character or after the last is dropped.
    pub(super) fn drain_into(&mut self, out: &mut String, at_end: bool) {
        while let Some(c) = self.raw[self.pos..].chars().next() {
            if !self.step(c, out, at_end) {
                break;
            }
        }
        self.raw.drain(..self.pos);
        self.pos = 0;
    }

    /// Handles the character at `pos`; false when it needs text that has not arrived.
    fn step(&mut self, c: char, out: &mut String, at_end: bool) -> bool {
        if c == '\n' {
            self.skip(c);
            self.gap = Gap::Newline;
            self.mid_line = false;
            self.in_fence_line = false;
            return true;
        }
        if self.in_fence_line {
            self.skip(c);
            return true;
        }
        if c.is_whitespace() {
            self.skip(c);
            self.gap = self.gap.max(Gap::Space);
            return true;
        }
        if !self.mid_line {
            match line_marker(&self.raw[self.pos..], at_end) {
                LineMarker::Undecided => return false,
                LineMarker::Fence => {
                    self.in_fence_line = true;
                    return true;
                }
                LineMarker::Strip(len) => {
                    self.pos += len;
                    self.mid_line = true;
                    return true;
                }
                LineMarker::Plain => self.mid_line = true,
            }
        }
        match c {
            '*' | '`' => self.skip(c),
            '_' => {
                let next = self.raw[self.pos + 1..].chars().next();
                if next.is_none() && !at_end {
                    return false;
                }
                // Kept inside a word (`snake_case`, `john_doe@...`), dropped as emphasis.
                let in_word = self.after_word_char
                    && self.gap == Gap::None
                    && next.is_some_and(char::is_alphanumeric);
                self.skip(c);
                if in_word {
                    self.write(c, out);
                }
            }
            _ => {
                self.skip(c);
                self.write(c, out);
            }
        }
        true
    }

    fn skip(&mut self, c: char) {
        self.pos += c.len_utf8();
    }

    fn write(&mut self, c: char, out: &mut String) {
        if self.wrote_any {
            match self.gap {
                Gap::None => {}
                Gap::Space => out.push(' '),
                Gap::Newline => out.push('\n'),
            }
        }
        self.gap = Gap::None;
        self.wrote_any = true;
        self.after_word_char = c.is_alphanumeric();
        out.push(c);
    }
}

/// Classifies the start of a line; `rest` starts at its first non-blank character.
fn line_marker(rest: &str, at_end: bool) -> LineMarker {
    if rest.starts_with("```") {
        return LineMarker::Fence;
    }
    if "``".starts_with(rest) && !at_end {
        return LineMarker::Undecided;
    }
    let hashes = rest.bytes().take_while(|&b| b == b'#').count();
    let marker_len = if hashes > 0 {
        hashes
    } else {
        match rest.chars().next() {
            Some(bullet @ ('-' | '*' | '+' | '•' | '>')) => bullet.len_utf8(),
            _ => return LineMarker::Plain,
        }
    };
    match rest[marker_len..].chars().next() {
        None if at_end => LineMarker::Strip(marker_len),
        None => LineMarker::Undecided,
        Some(next) if next.is_whitespace() => LineMarker::Strip(marker_len),
        Some(_) => LineMarker::Plain,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strip(text: &str) -> String {
        let mut stripper = MarkdownStripper::default();
        let mut out = String::new();
        stripper.push(text);
        stripper.drain_into(&mut out, true);
        out
    }

    #[test]
    fn emphasis_code_and_headings_are_dropped() {
        assert_eq!(
            strip("## Your **order**\nIt ships _today_ via `express`."),
            "Your order\nIt ships today via express."
        );
    }

    #[test]
    fn bullets_and_quotes_at_line_start_are_dropped_but_not_inside_a_line() {
        assert_eq!(
            strip("Options:\n- red\n* blue\n  + green\n> quoted\n-5 degrees, a - b"),
            "Options:\nred\nblue\ngreen\nquoted\n-5 degrees, a - b"
        );
    }

    #[test]
    fn underscores_inside_words_and_hashes_inside_lines_survive() {
        assert_eq!(
            strip("Email john_doe@example.com about #42 or C# __now__"),
            "Email john_doe@example.com about #42 or C# now"
        );
        assert_eq!(strip("#1 priority"), "#1 priority");
    }

    #[test]
    fn code_fence_lines_are_dropped_with_their_language_tag() {
        assert_eq!(
            strip("Run:\n```bash\nls -l\n```\nDone."),
            "Run:\nls -l\nDone."
        );
    }

    #[test]
    fn whitespace_collapses_and_edges_are_trimmed() {
        assert_eq!(
            strip("  \n Hello \t  there.\n\n\n  Bye.  \n"),
            "Hello there.\nBye."
        );
    }

    #[test]
    fn undecided_markers_wait_for_more_text() {
        let mut stripper = MarkdownStripper::default();
        let mut out = String::new();
        stripper.push("Hi\n-");
        stripper.drain_into(&mut out, false);
        assert_eq!(out, "Hi");
        stripper.push(" item_");
        stripper.drain_into(&mut out, false);
        assert_eq!(out, "Hi\nitem");
        stripper.push("x");
        stripper.drain_into(&mut out, true);
        assert_eq!(out, "Hi\nitem_x");
    }
}
