//! An incremental Server-Sent Events decoder: bytes in, the `data` of each event out. Handles
//! LF, CRLF and CR line ends, split anywhere (even inside a UTF-8 character or between CR and
//! LF), multi-line `data`, and ignores comments (`: ping`), `event:`, `id:` and `retry:`.

/// One line longer than this is refused, so a broken server cannot grow memory without bound.
const MAX_LINE: usize = 4 * 1024 * 1024;

#[derive(Debug, Default)]
pub(super) struct SseDecoder {
    line: Vec<u8>,
    data: String,
    has_data: bool,
    /// The last byte seen was a CR: an LF right after it belongs to the same line end.
    after_cr: bool,
}

#[derive(Debug, PartialEq, Eq)]
pub(super) enum SseError {
    LineTooLong,
    NotUtf8,
}

impl SseDecoder {
    /// Feeds bytes; pushes the data of every event completed by them onto `out`.
    pub fn feed(&mut self, bytes: &[u8], out: &mut Vec<String>) -> Result<(), SseError> {
        for &byte in bytes {
            let after_cr = std::mem::replace(&mut self.after_cr, false);
            match byte {
                b'\n' if after_cr => {}
                b'\n' => self.end_line(out)?,
                b'\r' => {
                    self.after_cr = true;
                    self.end_line(out)?;
                }
                _ => {
                    if self.line.len() >= MAX_LINE {
                        return Err(SseError::LineTooLong);
                    }
                    self.line.push(byte);
                }
            }
        }
        Ok(())
    }

    /// At the end of the body: an event without its closing blank line is still delivered
    /// (lenient; the SSE spec would drop it).
    pub fn finish(&mut self, out: &mut Vec<String>) -> Result<(), SseError> {
        if !self.line.is_empty() {
            self.end_line(out)?;
        }
        self.dispatch(out);
        Ok(())
    }

    fn end_line(&mut self, out: &mut Vec<String>) -> Result<(), SseError> {
        if self.line.is_empty() {
            self.dispatch(out);
            return Ok(());
        }
        let line = std::str::from_utf8(&self.line).map_err(|_| SseError::NotUtf8)?;
        let (field, value) = match line.find(':') {
            Some(0) => ("", ""), // a comment
            Some(at) => {
                let value = &line[at + 1..];
                (&line[..at], value.strip_prefix(' ').unwrap_or(value))
            }
            None => (line, ""),
        };
        if field == "data" {
            if self.has_data {
                self.data.push('\n');
            }
            self.data.push_str(value);
            self.has_data = true;
        }
        self.line.clear();
        Ok(())
    }

    fn dispatch(&mut self, out: &mut Vec<String>) {
        if self.has_data {
            out.push(std::mem::take(&mut self.data));
            self.has_data = false;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode_in_pieces(input: &[u8], split: usize) -> Vec<String> {
        let mut decoder = SseDecoder::default();
        let mut out = Vec::new();
        for piece in input.chunks(split.max(1)) {
            decoder.feed(piece, &mut out).unwrap();
        }
        decoder.finish(&mut out).unwrap();
        out
    }

    #[test]
    fn every_split_and_line_end_gives_the_same_events() {
        let text = ": ping\nevent: message\nid: 4\nretry: 10\ndata: {\"a\":\"é\"}\n\ndata: one\ndata: two\n\ndata: [DONE]\n\n";
        let expected = vec![
            "{\"a\":\"é\"}".to_string(),
            "one\ntwo".into(),
            "[DONE]".into(),
        ];
        for ending in ["\n", "\r\n", "\r"] {
            let input = text.replace('\n', ending);
            for split in 1..input.len() {
                assert_eq!(
                    decode_in_pieces(input.as_bytes(), split),
                    expected,
                    "ending {ending:?} split {split}"
                );
            }
        }
    }

    #[test]
    fn data_without_space_and_unterminated_tail() {
        assert_eq!(
            decode_in_pieces(b"data:x\n\ndata: y", 3),
            vec!["x".to_string(), "y".into()]
        );
    }

    #[test]
    fn comments_alone_dispatch_nothing() {
        assert!(decode_in_pieces(b": keep-alive\n\n:\n\n", 2).is_empty());
    }
}
