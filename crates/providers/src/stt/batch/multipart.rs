//! A `multipart/form-data` body (RFC 7578), built by hand: the parts are few and fixed, and
//! owning the bytes keeps the request exactly as the digest describes.

use std::time::{SystemTime, UNIX_EPOCH};

/// A form under construction.
pub(crate) struct Form {
    boundary: String,
    body: Vec<u8>,
}

impl Form {
    /// A form whose boundary does not occur in `file` (the only part that could hold it).
    pub(crate) fn new(file: &[u8]) -> Self {
        let seed = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let mut n = 0u32;
        loop {
            let boundary = format!("switchboard-{seed:x}-{n}");
            if !contains(file, boundary.as_bytes()) {
                return Self {
                    boundary,
                    body: Vec::with_capacity(file.len() + 1024),
                };
            }
            n += 1;
        }
    }

    /// `multipart/form-data; boundary=…`
    pub(crate) fn content_type(&self) -> String {
        format!("multipart/form-data; boundary={}", self.boundary)
    }

    pub(crate) fn text(&mut self, name: &str, value: &str) {
        self.head(name);
        self.body.extend_from_slice(b"\r\n\r\n");
        self.body.extend_from_slice(value.as_bytes());
        self.body.extend_from_slice(b"\r\n");
    }

    pub(crate) fn file(&mut self, name: &str, filename: &str, content_type: &str, data: &[u8]) {
        self.head(name);
        self.body.extend_from_slice(
            format!("; filename=\"{filename}\"\r\nContent-Type: {content_type}\r\n\r\n").as_bytes(),
        );
        self.body.extend_from_slice(data);
        self.body.extend_from_slice(b"\r\n");
    }

    pub(crate) fn finish(mut self) -> Vec<u8> {
        self.body
            .extend_from_slice(format!("--{}--\r\n", self.boundary).as_bytes());
        self.body
    }

    fn head(&mut self, name: &str) {
        self.body.extend_from_slice(
            format!(
                "--{}\r\nContent-Disposition: form-data; name=\"{name}\"",
                self.boundary
            )
            .as_bytes(),
        );
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}
