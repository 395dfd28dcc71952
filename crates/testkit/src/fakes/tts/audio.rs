//! The audio the fakes "speak": a sine tone, encoded in the requested format.

use switchboard_audio::g711;

/// An output format name the real service does not know.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnknownFormat;

/// A raw output format a fake can produce.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AudioFormat {
    Ulaw8k,
    Alaw8k,
    /// 16-bit little-endian PCM at this rate.
    Pcm(u32),
}

impl AudioFormat {
    pub fn rate(self) -> u32 {
        match self {
            AudioFormat::Ulaw8k | AudioFormat::Alaw8k => 8_000,
            AudioFormat::Pcm(rate) => rate,
        }
    }

    /// Bytes per millisecond.
    pub fn bytes_per_ms(self) -> usize {
        match self {
            AudioFormat::Ulaw8k | AudioFormat::Alaw8k => 8,
            AudioFormat::Pcm(rate) => rate as usize / 1000 * 2,
        }
    }

    /// Reads an ElevenLabs `output_format`: `Ok(None)` for formats the real service has but
    /// the fake cannot encode (MP3, Opus), `Err` for names the real service does not know.
    pub fn from_elevenlabs(name: &str) -> Result<Option<Self>, UnknownFormat> {
        const PCM: [u32; 7] = [8_000, 16_000, 22_050, 24_000, 32_000, 44_100, 48_000];
        const COMPRESSED: [&str; 13] = [
            "mp3_22050_32",
            "mp3_24000_48",
            "mp3_44100_32",
            "mp3_44100_64",
            "mp3_44100_96",
            "mp3_44100_128",
            "mp3_44100_192",
            "opus_48000_32",
            "opus_48000_64",
            "opus_48000_96",
            "opus_48000_128",
            "opus_48000_192",
            "mp3_44100",
        ];
        match name {
            "ulaw_8000" => Ok(Some(AudioFormat::Ulaw8k)),
            "alaw_8000" => Ok(Some(AudioFormat::Alaw8k)),
            n if COMPRESSED.contains(&n) => Ok(None),
            n => match n.strip_prefix("pcm_").and_then(|r| r.parse::<u32>().ok()) {
                Some(rate) if PCM.contains(&rate) => Ok(Some(AudioFormat::Pcm(rate))),
                _ => Err(UnknownFormat),
            },
        }
    }

    /// `ms` of a tone at `hz`, -10 dBFS, in this format.
    pub fn render(self, ms: u32, hz: f32) -> Vec<u8> {
        let samples = tone(self.rate(), ms, hz);
        match self {
            AudioFormat::Ulaw8k => {
                let mut out = vec![0; samples.len()];
                g711::encode_ulaw(&samples, &mut out);
                out
            }
            AudioFormat::Alaw8k => {
                let mut out = vec![0; samples.len()];
                g711::encode_alaw(&samples, &mut out);
                out
            }
            AudioFormat::Pcm(_) => samples.iter().flat_map(|s| s.to_le_bytes()).collect(),
        }
    }
}

/// `ms` milliseconds of a sine tone at `hz`, sampled at `rate`, about -10 dBFS.
pub fn tone(rate: u32, ms: u32, hz: f32) -> Vec<i16> {
    let n = (u64::from(rate) * u64::from(ms) / 1000) as usize;
    let step = std::f64::consts::TAU * f64::from(hz) / f64::from(rate);
    (0..n)
        .map(|i| ((i as f64 * step).sin() * 10_000.0) as i16)
        .collect()
}
