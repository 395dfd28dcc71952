//! The TTS clients against the wire-faithful fakes in `switchboard-testkit`, the fallback
//! chain, and contract tests proving the fakes refuse what the real services refuse.
//! Everything sits in `mod tts` so `cargo test -p switchboard-providers tts` selects it.

mod tts {
    mod contract;
    mod deepgram;
    mod elevenlabs;
    mod fallback;
    mod multi_stream;
    mod openai;
    mod support;
}
