//! Audio primitives for the call path: pure (no I/O), allocation-free per frame, benchmarked.
//!
//! Carriers stream G.711 at 8 kHz in 20 ms frames (Twilio: 160 mu-law bytes, 50 frames/s each
//! way). What the media path uses, one concern per module:
//!
//! * [`g711`]: mu-law / A-law encode and decode, bit-exact with the Sun/CCITT reference;
//!   slice functions that write into caller buffers; [`g711::Law`] picks one at run time.
//! * [`resample`]: [`resample::Resampler`], a streaming polyphase windowed-sinc resampler for
//!   any pair of rates (8/16/24/48 kHz and the odd TTS rates), bit-identical whatever the
//!   chunking; 2.5 ms latency for pairs involving 8 kHz.
//! * [`frame`]: [`frame::G711Frame`] (160 bytes inline), [`frame::PcmFrame`] (up to 30 ms at
//!   48 kHz inline) and [`frame::G711Framer`], which cuts arbitrary TTS chunks into frames.
//! * [`level`]: RMS and peak dBFS of a frame, from PCM or straight from mu-law.
//! * [`vad`]: [`vad::Vad`], streaming voice-activity detection with onset/hangover and
//!   sample-accurate `SpeechStart` / `SpeechEnd` events; the module docs hold the evaluation
//!   that chose its detector.
//! * [`wav`]: strict mono WAV parsing (PCM16, mu-law, A-law) over a byte slice, and writing.
//!
//! Per-frame functions take `&[u8]` / `&[i16]` and write into `&mut [..]` or a reusable
//! buffer; the only allocations are at construction (resampler tables and history) and in
//! the WAV writer. Costs per 20 ms frame are in docs/BENCHMARKS.md ("Audio").

pub mod frame;
pub mod g711;
pub mod level;
pub mod resample;
pub mod vad;
pub mod wav;
