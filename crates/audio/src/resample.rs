//! Streaming sample-rate conversion by a rational factor (polyphase windowed-sinc FIR).
//!
//! Converting `from -> to` Hz upsamples by `L = to / g` and downsamples by `M = from / g`
//! (`g = gcd(from, to)`). Conceptually the input is zero-stuffed by `L`, low-pass filtered by a
//! prototype FIR at `L * from` Hz and every `M`-th sample kept; in practice only the taps that
//! meet non-zero input are evaluated: the prototype is split into `L` phases of `P` taps each,
//! and each output sample is one `P`-tap dot product over the input history. The table is
//! computed once in [`Resampler::new`]; processing never allocates.
//!
//! # Design and measured quality
//!
//! With `fl = min(from, to)` (the narrower of the two bands):
//!
//! * Kaiser-windowed sinc, cutoff `0.48 * fl`, beta 7.86 (designed for 80 dB).
//! * `2 * ZERO_CROSSINGS = 40` lobes of the sinc at `fl`, so the filter spans 5 ms at 8 kHz
//!   and every direction has the same time span relative to the narrower band.
//!   `P = 40 * from / fl` taps per output sample (rounded up to a multiple of 8): 40 for every
//!   upsampler, 80 for 16k->8k, 64 for 24k->16k, 120 for 24k->8k, 240 for 48k->8k.
//! * Passband to `0.425 * fl` (3.4 kHz at 8 kHz, the telephone band), stopband from
//!   `0.55 * fl` (4.4 kHz at 8 kHz). Energy between `0.5 fl` and `0.55 fl` folds back into
//!   `0.45 fl .. 0.5 fl` (3.6-4 kHz at 8 kHz), above the telephone band, where it is already
//!   14.5 dB down at `0.5 fl` and over 60 dB down from `0.54 fl`.
//! * Measured (test `reports_filter_quality`; the design scales with `fl`, so every pair
//!   behaves the same): passband ripple <= 0.025 dB up to `0.425 fl`, -0.2 dB at `0.4375 fl`
//!   (3.5 kHz for 8 kHz), stopband >= 81 dB. End to end (tests
//!   `downsampling_attenuates_what_would_alias`, `upsampling_rejects_images`): tones that
//!   would alias when going down to 8 or 16 kHz come out >= 80 dB below a 1 kHz tone of the
//!   same level; images when going up are >= 94 dB down. A 3.5 kHz tone is *not* aliasing
//!   when going 16k -> 8k (it is below the 4 kHz Nyquist) and passes at -0.2 dB.
//! * Latency (group delay, linear phase): `ZERO_CROSSINGS / fl` = 2.5 ms for every pair that
//!   involves 8 kHz, 1.25 ms for 16k<->24k/48k, 0.83 ms for 24k<->48k.
//! * Cost: one `P`-tap f32 dot product per output sample (eight accumulators, so it
//!   vectorises); per 20 ms frame on the reference machine 3.0 us for 8k->16k, 2.4 us for
//!   16k->8k, 3.1 us for 24k->8k, 5.9 us for 48k->8k (docs/BENCHMARKS.md).
//!
//! Trade-off: halving `ZERO_CROSSINGS` would halve latency and cost but double the transition
//! band (about 2 kHz wide at 8 kHz for the same 80 dB), cutting into the 3.4 kHz telephone
//! band. 2.5 ms is small next to a 20 ms frame and the network, so quality wins.
//!
//! # Streaming
//!
//! The resampler keeps the last `P - 1` input samples and its phase between calls; each output
//! sample is computed from the same inputs by the same arithmetic whatever the chunking, so
//! any split of the input gives output bit-identical to one-shot processing. The first outputs
//! are computed against zero history (the stream is taken to be preceded by silence).
//! Per 20 ms of input, exactly 20 ms of output is produced (all the call path's frame sizes
//! are multiples of `M`).

use std::fmt;

/// Sinc lobes on each side of the centre, counted at the narrower of the two rates.
pub const ZERO_CROSSINGS: usize = 20;
/// Cutoff as a fraction of the narrower sample rate (0.5 would be exactly Nyquist).
const CUTOFF: f64 = 0.48;
/// Kaiser beta for about 80 dB of stopband attenuation (0.1102 * (80 - 8.7)).
const KAISER_BETA: f64 = 7.857;
/// Largest prototype filter accepted (taps), bounding memory for awkward ratios.
const MAX_PROTOTYPE_TAPS: usize = 1 << 16;
/// Input samples copied into the history buffer at a time; bounds the buffer size.
const BLOCK: usize = 512;

/// Why a resampler could not be built or run.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ResampleError {
    /// A rate outside 1 kHz ..= 192 kHz.
    #[error("unsupported sample rate {0} Hz (expected 1000..=192000)")]
    UnsupportedRate(u32),
    /// The reduced ratio needs an unreasonably large filter table.
    #[error("rate ratio {from}:{to} needs too large a filter table")]
    RatioTooComplex {
        /// Input rate.
        from: u32,
        /// Output rate.
        to: u32,
    },
    /// The output buffer cannot hold what this input produces; nothing was consumed.
    #[error("output buffer holds {capacity} samples but {needed} are needed")]
    OutputTooSmall {
        /// Samples this call would produce.
        needed: usize,
        /// Length of the buffer given.
        capacity: usize,
    },
}

/// A streaming resampler for one direction of one call (`i16` mono in and out).
#[derive(Clone)]
pub struct Resampler {
    from: u32,
    to: u32,
    up: usize,
    down: usize,
    taps: usize,
    /// `up` phases of `taps` coefficients each, every phase reversed so that it lines up with
    /// the history in ascending time order.
    coeffs: Vec<f32>,
    /// Input history: at least `taps - 1` past samples, then fresh input.
    history: Vec<f32>,
    /// Index in `history` of the newest input sample the next output needs.
    pos: usize,
    /// Polyphase phase (0..up) of the next output.
    phase: usize,
}

impl fmt::Debug for Resampler {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Resampler")
            .field("from", &self.from)
            .field("to", &self.to)
            .field("up", &self.up)
            .field("down", &self.down)
            .field("taps", &self.taps)
            .finish_non_exhaustive()
    }
}

impl Resampler {
    /// Builds a resampler from `from` Hz to `to` Hz. Equal rates give an exact pass-through.
    pub fn new(from: u32, to: u32) -> Result<Self, ResampleError> {
        for rate in [from, to] {
            if !(1000..=192_000).contains(&rate) {
                return Err(ResampleError::UnsupportedRate(rate));
            }
        }
        let g = gcd(from, to);
        let up = (to / g) as usize;
        let down = (from / g) as usize;
        let (taps, coeffs) = if from == to {
            (1, vec![1.0])
        } else {
            let narrow = from.min(to) as usize;
            let taps = (2 * ZERO_CROSSINGS * from as usize)
                .div_ceil(narrow)
                .next_multiple_of(8);
            if taps * up > MAX_PROTOTYPE_TAPS {
                return Err(ResampleError::RatioTooComplex { from, to });
            }
            (
                taps,
                design(up, taps, CUTOFF * narrow as f64 / (up as f64 * from as f64)),
            )
        };
        let mut history = Vec::with_capacity(taps - 1 + BLOCK);
        history.resize(taps - 1, 0.0);
        Ok(Self {
            from,
            to,
            up,
            down,
            taps,
            coeffs,
            history,
            pos: taps - 1,
            phase: 0,
        })
    }

    /// Input rate in Hz.
    pub fn from_rate(&self) -> u32 {
        self.from
    }

    /// Output rate in Hz.
    pub fn to_rate(&self) -> u32 {
        self.to
    }

    /// Filter taps evaluated per output sample.
    pub fn taps_per_output(&self) -> usize {
        self.taps
    }

    /// Group delay of the filter in seconds (the latency this resampler adds).
    pub fn delay_seconds(&self) -> f64 {
        let prototype = (self.up * self.taps) as f64;
        (prototype - 1.0) / 2.0 / (self.up as f64 * f64::from(self.from))
    }

    /// Exactly how many samples [`process`](Self::process) will produce for `input_len` more
    /// input samples in the current state.
    pub fn output_len(&self, input_len: usize) -> usize {
        // Outputs k = 0, 1, ... need input index pos + (phase + k * down) / up; count those
        // that fall inside the history plus the new input.
        let available = self.history.len() + input_len;
        if available <= self.pos {
            return 0;
        }
        let span = (available - self.pos) * self.up - self.phase;
        span.div_ceil(self.down)
    }

    /// Resamples `input` into the front of `output` and returns how many samples were written.
    ///
    /// Fails without consuming anything if `output` is shorter than
    /// [`output_len(input.len())`](Self::output_len).
    pub fn process(&mut self, input: &[i16], output: &mut [i16]) -> Result<usize, ResampleError> {
        let needed = self.output_len(input.len());
        if output.len() < needed {
            return Err(ResampleError::OutputTooSmall {
                needed,
                capacity: output.len(),
            });
        }
        let mut written = 0;
        for block in input.chunks(BLOCK) {
            self.history.extend(block.iter().map(|&s| f32::from(s)));
            written += self.drain(&mut output[written..]);
            self.discard_consumed();
        }
        debug_assert_eq!(written, needed);
        Ok(written)
    }

    /// Resamples `input` and appends the result to `output`. Reusing one `Vec` (cleared by the
    /// caller between frames) means no allocation once it has grown to a frame's size.
    pub fn process_into(&mut self, input: &[i16], output: &mut Vec<i16>) {
        let start = output.len();
        output.resize(start + self.output_len(input.len()), 0);
        let written = self
            .process(input, &mut output[start..])
            .expect("buffer was sized by output_len");
        output.truncate(start + written);
    }

    /// Forgets all history, as if newly built (for reuse on a new stream).
    pub fn reset(&mut self) {
        self.history.clear();
        self.history.resize(self.taps - 1, 0.0);
        self.pos = self.taps - 1;
        self.phase = 0;
    }

    /// Produces every output whose input is in the history; returns how many were written.
    fn drain(&mut self, output: &mut [i16]) -> usize {
        let mut n = 0;
        while self.pos < self.history.len() {
            let start = self.phase * self.taps;
            let window = &self.history[self.pos + 1 - self.taps..=self.pos];
            let y = dot(&self.coeffs[start..start + self.taps], window);
            output[n] = to_i16(y);
            n += 1;
            self.phase += self.down;
            self.pos += self.phase / self.up;
            self.phase %= self.up;
        }
        n
    }

    /// Drops history older than the next output's window (keeps the buffer bounded).
    fn discard_consumed(&mut self) {
        let oldest_needed = self.pos + 1 - self.taps;
        let drop = oldest_needed.min(self.history.len());
        self.history.drain(..drop);
        self.pos -= drop;
    }
}

fn gcd(mut a: u32, mut b: u32) -> u32 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

/// f32 dot product with eight independent accumulators, so the compiler can vectorise it
/// without reassociating (the summation order is fixed, which keeps output deterministic).
#[inline]
fn dot(a: &[f32], b: &[f32]) -> f32 {
    let mut acc = [0.0f32; 8];
    let ca = a.chunks_exact(8);
    let cb = b.chunks_exact(8);
    let mut tail = 0.0;
    for (x, y) in ca.remainder().iter().zip(cb.remainder()) {
        tail += x * y;
    }
    for (x, y) in ca.zip(cb) {
        for i in 0..8 {
            acc[i] += x[i] * y[i];
        }
    }
    ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7])) + tail
}

/// Rounds half away from zero and saturates to the i16 range.
#[inline]
fn to_i16(y: f32) -> i16 {
    let r = if y >= 0.0 { y + 0.5 } else { y - 0.5 };
    // `as` saturates (and maps NaN to 0), so the clamp is implicit.
    r as i16
}

/// Designs the polyphase table: a Kaiser-windowed sinc prototype of `up * taps` coefficients
/// with cutoff `fc` (cycles per prototype sample), split into `up` phases, each scaled to unit
/// DC gain (so a constant input gives a constant output on every phase) and reversed.
fn design(up: usize, taps: usize, fc: f64) -> Vec<f32> {
    let len = up * taps;
    let centre = (len as f64 - 1.0) / 2.0;
    let i0_beta = bessel_i0(KAISER_BETA);
    let prototype: Vec<f64> = (0..len)
        .map(|n| {
            let t = n as f64 - centre;
            let x = 2.0 * fc * t;
            let sinc = if x == 0.0 {
                1.0
            } else {
                (std::f64::consts::PI * x).sin() / (std::f64::consts::PI * x)
            };
            let r = t / centre;
            let window = bessel_i0(KAISER_BETA * (1.0 - r * r).max(0.0).sqrt()) / i0_beta;
            sinc * window
        })
        .collect();
    let mut table = vec![0.0f32; len];
    for phase in 0..up {
        let sum: f64 = (0..taps).map(|j| prototype[phase + j * up]).sum();
        for j in 0..taps {
            // Output phase `phase` uses prototype[phase + j * up] against input x[i - j].
            table[phase * taps + (taps - 1 - j)] = (prototype[phase + j * up] / sum) as f32;
        }
    }
    table
}

/// Modified Bessel function of the first kind, order zero (power series).
fn bessel_i0(x: f64) -> f64 {
    let half = x / 2.0;
    let mut term = 1.0;
    let mut sum = 1.0;
    for k in 1..64 {
        term *= half / k as f64;
        sum += term * term;
        if term * term < sum * 1e-17 {
            break;
        }
    }
    sum
}

#[cfg(test)]
mod tests;
