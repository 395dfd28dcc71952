//! Test support: a fake carrier over in-memory channels, scripted brains, fixture audio.

pub mod brains;
pub mod carrier;

use std::path::PathBuf;
use std::time::Duration;

use switchboard_audio::wav::{self, Encoding};

pub use brains::{Recorder, ScriptBrain, TestAuth};
pub use carrier::{Call, Sent};

pub const MS: Duration = Duration::from_millis(1);

/// A committed 8 kHz mu-law fixture from the audio crate, as raw mu-law bytes.
pub fn ulaw_fixture(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../audio/fixtures")
        .join(name);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let parsed = wav::parse(&bytes).unwrap();
    assert_eq!(
        (parsed.spec.encoding, parsed.spec.sample_rate),
        (Encoding::Ulaw, 8000)
    );
    parsed.data.to_vec()
}

/// The speech fixture: utterances at 500-3758, 4758-5616 and 6616-8836 ms over line hiss.
pub fn speech() -> Vec<u8> {
    ulaw_fixture("speech_8k_ulaw.wav")
}

/// `ms` of mu-law digital silence.
pub fn silence(ms: usize) -> Vec<u8> {
    vec![0xFF; ms * 8]
}

/// `ms` of a recognisable agent "voice": a byte ramp, so dropped or reordered audio shows.
pub fn agent_audio(ms: usize, seed: u8) -> Vec<u8> {
    (0..ms * 8).map(|i| (i as u8).wrapping_add(seed)).collect()
}
