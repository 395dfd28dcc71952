//! Mono WAV (RIFF/WAVE) reading and writing: 16-bit PCM (format 1), A-law (6), mu-law (7).
//!
//! The parser works on a byte slice (this crate does no I/O) and is strict, because a file
//! that disagrees with itself is more likely corrupt than creatively written:
//!
//! * the RIFF size must match the slice exactly (shorter is [`WavError::Truncated`], longer is
//!   [`WavError::RiffSizeMismatch`]); the one tolerance is a missing pad byte after an
//!   odd-sized final chunk, which many writers omit;
//! * every chunk must fit inside the RIFF body; chunks other than `fmt ` and `data` (`LIST`,
//!   `fact`, `cue `, ...) are skipped; `fmt ` must come once and before `data`, `data` once;
//! * the format must be self-consistent (block align, byte rate, bits per sample for the
//!   encoding, `WAVE_FORMAT_EXTENSIBLE` with a known sub-format) and mono;
//! * the data must hold whole samples.
//!
//! The writer produces the canonical layout: a 16-byte `fmt ` for PCM; an 18-byte `fmt `
//! (`cbSize` 0) and a `fact` chunk for G.711, as the spec asks of non-PCM formats.

use crate::g711;

const FORMAT_PCM: u16 = 1;
const FORMAT_ALAW: u16 = 6;
const FORMAT_MULAW: u16 = 7;
const FORMAT_EXTENSIBLE: u16 = 0xFFFE;
/// Bytes 4..16 of the `KSDATAFORMAT_SUBTYPE_*` GUIDs for the classic format codes.
const SUBFORMAT_SUFFIX: [u8; 12] = [
    0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71,
];

/// How the samples in the `data` chunk are encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Encoding {
    /// Signed 16-bit little-endian linear PCM.
    Pcm16,
    /// G.711 mu-law, one byte per sample.
    Ulaw,
    /// G.711 A-law, one byte per sample.
    Alaw,
}

impl Encoding {
    /// Bytes per (mono) sample.
    pub fn bytes_per_sample(self) -> usize {
        match self {
            Encoding::Pcm16 => 2,
            Encoding::Ulaw | Encoding::Alaw => 1,
        }
    }

    fn format_tag(self) -> u16 {
        match self {
            Encoding::Pcm16 => FORMAT_PCM,
            Encoding::Ulaw => FORMAT_MULAW,
            Encoding::Alaw => FORMAT_ALAW,
        }
    }
}

/// Encoding and rate of a mono WAV file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct WavSpec {
    /// Sample encoding.
    pub encoding: Encoding,
    /// Samples per second.
    pub sample_rate: u32,
}

/// A parsed file: its format and a view of its sample bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Wav<'a> {
    /// Encoding and rate.
    pub spec: WavSpec,
    /// The `data` chunk's bytes (little-endian pairs for PCM16, one byte each for G.711).
    pub data: &'a [u8],
}

impl Wav<'_> {
    /// Number of samples.
    pub fn sample_count(&self) -> usize {
        self.data.len() / self.spec.encoding.bytes_per_sample()
    }

    /// Decodes (or copies) the samples to 16-bit linear PCM into `out`; returns the count.
    ///
    /// # Panics
    /// If `out` is shorter than [`sample_count`](Self::sample_count).
    pub fn decode_into(&self, out: &mut [i16]) -> usize {
        let n = self.sample_count();
        let out = &mut out[..n];
        match self.spec.encoding {
            Encoding::Pcm16 => {
                for (o, pair) in out.iter_mut().zip(self.data.chunks_exact(2)) {
                    *o = i16::from_le_bytes([pair[0], pair[1]]);
                }
            }
            Encoding::Ulaw => g711::decode_ulaw(self.data, out),
            Encoding::Alaw => g711::decode_alaw(self.data, out),
        }
        n
    }

    /// The samples as 16-bit linear PCM in a new `Vec` (for offline use).
    pub fn to_pcm16(&self) -> Vec<i16> {
        let mut out = vec![0; self.sample_count()];
        self.decode_into(&mut out);
        out
    }

    /// Duration in milliseconds (rounded down).
    pub fn duration_ms(&self) -> u64 {
        self.sample_count() as u64 * 1000 / u64::from(self.spec.sample_rate)
    }
}

/// Why a WAV file was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WavError {
    /// The first four bytes are not `RIFF`.
    #[error("not a RIFF file")]
    NotRiff,
    /// The RIFF form type is not `WAVE`.
    #[error("RIFF form is not WAVE")]
    NotWave,
    /// The file ends before something it declares.
    #[error("truncated: {0}")]
    Truncated(&'static str),
    /// The RIFF header's size disagrees with the file length.
    #[error("RIFF size says {declared} bytes follow the header but {actual} do")]
    RiffSizeMismatch {
        /// Size in the header.
        declared: u32,
        /// Bytes actually after the 8-byte RIFF header.
        actual: usize,
    },
    /// A chunk's size runs past the end of the RIFF body.
    #[error("chunk {id:?} declares {size} bytes but only {remaining} remain")]
    ChunkOverrun {
        /// Chunk id, lossily as text.
        id: String,
        /// Declared size.
        size: u32,
        /// Bytes left in the body.
        remaining: usize,
    },
    /// A second `fmt ` or `data` chunk.
    #[error("duplicate {0:?} chunk")]
    DuplicateChunk(&'static str),
    /// `data` came before `fmt `.
    #[error("data chunk before fmt chunk")]
    DataBeforeFmt,
    /// No `fmt ` chunk.
    #[error("no fmt chunk")]
    MissingFmt,
    /// No `data` chunk.
    #[error("no data chunk")]
    MissingData,
    /// The `fmt ` chunk is too short for its format.
    #[error("fmt chunk of {0} bytes is too short")]
    FmtTooShort(u32),
    /// A format tag (or extensible sub-format) other than PCM, A-law, mu-law.
    #[error("unsupported format tag {0:#06x}")]
    UnsupportedFormat(u16),
    /// More than one channel (or zero).
    #[error("unsupported channel count {0} (only mono)")]
    UnsupportedChannels(u16),
    /// Bits per sample that do not fit the format (PCM needs 16, G.711 needs 8).
    #[error("format {format:#06x} with {bits} bits per sample is not supported")]
    UnsupportedBits {
        /// Format tag.
        format: u16,
        /// Bits per sample declared.
        bits: u16,
    },
    /// Block align or byte rate inconsistent with the rest of the header.
    #[error("inconsistent header: {0}")]
    Inconsistent(&'static str),
    /// A sample rate of zero.
    #[error("sample rate is zero")]
    ZeroSampleRate,
    /// The data does not hold a whole number of samples.
    #[error("data chunk of {0} bytes is not a whole number of samples")]
    PartialSample(usize),
    /// Too much data for a RIFF file (4 GiB).
    #[error("{0} bytes of data do not fit in a WAV file")]
    TooLarge(usize),
}

/// Parses a complete WAV file held in memory.
pub fn parse(bytes: &[u8]) -> Result<Wav<'_>, WavError> {
    if bytes.len() < 12 {
        return Err(if bytes.len() >= 4 && &bytes[..4] != b"RIFF" {
            WavError::NotRiff
        } else {
            WavError::Truncated("RIFF header")
        });
    }
    if &bytes[..4] != b"RIFF" {
        return Err(WavError::NotRiff);
    }
    let declared = u32_at(bytes, 4);
    if &bytes[8..12] != b"WAVE" {
        return Err(WavError::NotWave);
    }
    let actual = bytes.len() - 8;
    if (declared as usize) > actual {
        return Err(WavError::Truncated(
            "RIFF body shorter than its declared size",
        ));
    }
    if (declared as usize) < actual {
        return Err(WavError::RiffSizeMismatch { declared, actual });
    }

    let mut body = &bytes[12..];
    let mut spec = None;
    let mut data = None;
    while !body.is_empty() {
        if body.len() < 8 {
            return Err(WavError::Truncated("chunk header"));
        }
        let id: [u8; 4] = [body[0], body[1], body[2], body[3]];
        let size = u32_at(body, 4);
        let rest = &body[8..];
        if size as usize > rest.len() {
            return Err(WavError::ChunkOverrun {
                id: String::from_utf8_lossy(&id).into_owned(),
                size,
                remaining: rest.len(),
            });
        }
        let content = &rest[..size as usize];
        // Chunks are word aligned: an odd size is followed by a pad byte (tolerated missing
        // only at the very end).
        let padded = (size as usize + (size as usize & 1)).min(rest.len());
        body = &rest[padded..];
        match &id {
            b"fmt " => {
                if spec.is_some() {
                    return Err(WavError::DuplicateChunk("fmt "));
                }
                spec = Some(parse_fmt(content)?);
            }
            b"data" => {
                if data.is_some() {
                    return Err(WavError::DuplicateChunk("data"));
                }
                if spec.is_none() {
                    return Err(WavError::DataBeforeFmt);
                }
                data = Some(content);
            }
            _ => {}
        }
    }
    let spec = spec.ok_or(WavError::MissingFmt)?;
    let data = data.ok_or(WavError::MissingData)?;
    if !data.len().is_multiple_of(spec.encoding.bytes_per_sample()) {
        return Err(WavError::PartialSample(data.len()));
    }
    Ok(Wav { spec, data })
}

fn parse_fmt(fmt: &[u8]) -> Result<WavSpec, WavError> {
    if fmt.len() < 16 {
        return Err(WavError::FmtTooShort(fmt.len() as u32));
    }
    let mut format = u16_at(fmt, 0);
    let channels = u16_at(fmt, 2);
    let sample_rate = u32_at(fmt, 4);
    let byte_rate = u32_at(fmt, 8);
    let block_align = u16_at(fmt, 12);
    let bits = u16_at(fmt, 14);
    if format == FORMAT_EXTENSIBLE {
        // cbSize (2) + valid bits (2) + channel mask (4) + sub-format GUID (16).
        if fmt.len() < 40 || u16_at(fmt, 16) < 22 {
            return Err(WavError::FmtTooShort(fmt.len() as u32));
        }
        let sub = u32_at(fmt, 24);
        if fmt[28..40] != SUBFORMAT_SUFFIX || sub > u32::from(u16::MAX) {
            return Err(WavError::UnsupportedFormat(FORMAT_EXTENSIBLE));
        }
        format = sub as u16;
        if u16_at(fmt, 18) != bits {
            return Err(WavError::Inconsistent(
                "valid bits differ from container bits",
            ));
        }
    }
    let encoding = match format {
        FORMAT_PCM => Encoding::Pcm16,
        FORMAT_MULAW => Encoding::Ulaw,
        FORMAT_ALAW => Encoding::Alaw,
        other => return Err(WavError::UnsupportedFormat(other)),
    };
    if channels != 1 {
        return Err(WavError::UnsupportedChannels(channels));
    }
    if bits as usize != encoding.bytes_per_sample() * 8 {
        return Err(WavError::UnsupportedBits { format, bits });
    }
    if sample_rate == 0 {
        return Err(WavError::ZeroSampleRate);
    }
    if block_align as usize != encoding.bytes_per_sample() {
        return Err(WavError::Inconsistent("block align"));
    }
    if u64::from(byte_rate) != u64::from(sample_rate) * u64::from(block_align) {
        return Err(WavError::Inconsistent("byte rate"));
    }
    Ok(WavSpec {
        encoding,
        sample_rate,
    })
}

/// Appends a complete WAV file to `out`. `data` is the raw sample bytes in `spec.encoding`
/// (little-endian pairs for PCM16).
pub fn write(spec: WavSpec, data: &[u8], out: &mut Vec<u8>) -> Result<(), WavError> {
    let bps = spec.encoding.bytes_per_sample();
    if !data.len().is_multiple_of(bps) {
        return Err(WavError::PartialSample(data.len()));
    }
    if spec.sample_rate == 0 {
        return Err(WavError::ZeroSampleRate);
    }
    let pcm = spec.encoding == Encoding::Pcm16;
    let fmt_len: usize = if pcm { 16 } else { 18 };
    let fact_len: usize = if pcm { 0 } else { 12 };
    let pad = data.len() & 1;
    let riff_len = 4 + (8 + fmt_len) + fact_len + 8 + data.len() + pad;
    if riff_len > u32::MAX as usize || spec.sample_rate as u64 * bps as u64 > u64::from(u32::MAX) {
        return Err(WavError::TooLarge(data.len()));
    }
    out.reserve(8 + riff_len);
    out.extend_from_slice(b"RIFF");
    out.extend_from_slice(&(riff_len as u32).to_le_bytes());
    out.extend_from_slice(b"WAVE");
    out.extend_from_slice(b"fmt ");
    out.extend_from_slice(&(fmt_len as u32).to_le_bytes());
    out.extend_from_slice(&spec.encoding.format_tag().to_le_bytes());
    out.extend_from_slice(&1u16.to_le_bytes());
    out.extend_from_slice(&spec.sample_rate.to_le_bytes());
    out.extend_from_slice(&(spec.sample_rate * bps as u32).to_le_bytes());
    out.extend_from_slice(&(bps as u16).to_le_bytes());
    out.extend_from_slice(&(bps as u16 * 8).to_le_bytes());
    if !pcm {
        out.extend_from_slice(&0u16.to_le_bytes()); // cbSize
        out.extend_from_slice(b"fact");
        out.extend_from_slice(&4u32.to_le_bytes());
        out.extend_from_slice(&((data.len() / bps) as u32).to_le_bytes());
    }
    out.extend_from_slice(b"data");
    out.extend_from_slice(&(data.len() as u32).to_le_bytes());
    out.extend_from_slice(data);
    if pad == 1 {
        out.push(0);
    }
    Ok(())
}

/// Appends a 16-bit PCM WAV file of `samples` to `out`.
pub fn write_pcm16(sample_rate: u32, samples: &[i16], out: &mut Vec<u8>) -> Result<(), WavError> {
    let mut data = Vec::with_capacity(samples.len() * 2);
    for s in samples {
        data.extend_from_slice(&s.to_le_bytes());
    }
    let spec = WavSpec {
        encoding: Encoding::Pcm16,
        sample_rate,
    };
    write(spec, &data, out)
}

fn u16_at(b: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([b[at], b[at + 1]])
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

#[cfg(test)]
mod tests;
