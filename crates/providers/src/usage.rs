/// What one provider use consumed, for metering and cost events. Units are integers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Usage {
    /// Audio processed or produced, in milliseconds.
    pub audio_ms: u64,
    pub input_tokens: u64,
    pub output_tokens: u64,
    /// Characters of text synthesised.
    pub characters: u64,
}

impl std::ops::AddAssign for Usage {
    fn add_assign(&mut self, other: Self) {
        self.audio_ms += other.audio_ms;
        self.input_tokens += other.input_tokens;
        self.output_tokens += other.output_tokens;
        self.characters += other.characters;
    }
}
