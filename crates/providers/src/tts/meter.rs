use crate::Usage;

/// Counts what a stream used: characters sent and mu-law bytes delivered (8 per ms).
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Meter {
    characters: u64,
    bytes: u64,
}

impl Meter {
    pub fn text(&mut self, text: &str) {
        self.characters += text.chars().count() as u64;
    }

    pub fn audio(&mut self, mulaw: &[u8]) {
        self.bytes += mulaw.len() as u64;
    }

    pub fn usage(&self) -> Usage {
        Usage {
            characters: self.characters,
            audio_ms: self.bytes / 8,
            ..Usage::default()
        }
    }
}
