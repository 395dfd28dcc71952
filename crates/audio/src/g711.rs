//! ITU-T G.711 companding: mu-law (North America, Japan; what Twilio streams) and A-law (Europe).
//!
//! Bit-exact with the classic Sun Microsystems `g711.c` reference (`linear2ulaw`, `ulaw2linear`,
//! `linear2alaw`, `alaw2linear`), which is what sox, Asterisk and most carriers use:
//!
//! * mu-law encodes the top 14 bits of a 16-bit sample (`x >> 2`, arithmetic shift, so negative
//!   values round towards minus infinity *before* the magnitude is taken), adds a bias of 33,
//!   clips the biased magnitude at 8192 and stores `!(sign | segment << 4 | mantissa)`.
//!   Two codes decode to zero: `0xFF` (+0) and `0x7F` (-0); the encoder only produces `0xFF`.
//! * A-law encodes the top 13 bits (`x >> 3`); negative values use the one's complement
//!   magnitude (`-x - 1`), and the code is `(sign | segment << 4 | mantissa) ^ 0x55`.
//!   Every A-law code round-trips.
//!
//! Decoding goes through 256-entry tables computed at compile time. Encoding uses a branch-free
//! segment search (the segment is the bit length of the biased magnitude, found with
//! `leading_zeros`), so it needs no table and no loop.
//!
//! The slice functions write into caller buffers and never allocate, so they can run per 20 ms
//! frame on the media path.

/// mu-law bias (33) in the 14-bit domain.
const ULAW_BIAS: i32 = 0x21;
/// Largest 14-bit magnitude before the bias is added; anything above saturates.
const ULAW_CLIP: i32 = 8159;

/// The mu-law byte for digital silence (+0).
pub const ULAW_SILENCE: u8 = 0xFF;
/// The A-law byte for digital silence (the smallest positive step, decodes to +8).
pub const ALAW_SILENCE: u8 = 0xD5;

/// Which G.711 companding law a byte stream uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Law {
    /// mu-law (PCMU): Twilio, North America, Japan.
    Ulaw,
    /// A-law (PCMA): most of the rest of the world.
    Alaw,
}

impl Law {
    /// The byte for digital silence in this law.
    pub const fn silence(self) -> u8 {
        match self {
            Law::Ulaw => ULAW_SILENCE,
            Law::Alaw => ALAW_SILENCE,
        }
    }

    /// Decodes `input` into `out` (see [`decode_ulaw`]).
    pub fn decode(self, input: &[u8], out: &mut [i16]) {
        match self {
            Law::Ulaw => decode_ulaw(input, out),
            Law::Alaw => decode_alaw(input, out),
        }
    }

    /// Encodes `input` into `out` (see [`encode_ulaw`]).
    pub fn encode(self, input: &[i16], out: &mut [u8]) {
        match self {
            Law::Ulaw => encode_ulaw(input, out),
            Law::Alaw => encode_alaw(input, out),
        }
    }

    /// Decodes one byte.
    pub fn to_linear(self, code: u8) -> i16 {
        match self {
            Law::Ulaw => ulaw_to_linear(code),
            Law::Alaw => alaw_to_linear(code),
        }
    }
}

/// Decodes one mu-law byte with the reference arithmetic (used to build [`ULAW_TABLE`]).
const fn ulaw_to_linear_formula(code: u8) -> i16 {
    let u = !code;
    let exponent = ((u >> 4) & 0x07) as i32;
    let mantissa = (u & 0x0F) as i32;
    // ((mantissa << 3) + 0x84) << exponent, minus the 16-bit bias 0x84.
    let magnitude = (((mantissa << 3) + 0x84) << exponent) - 0x84;
    if u & 0x80 != 0 {
        -magnitude as i16
    } else {
        magnitude as i16
    }
}

/// Decodes one A-law byte with the reference arithmetic (used to build [`ALAW_TABLE`]).
const fn alaw_to_linear_formula(code: u8) -> i16 {
    let a = code ^ 0x55;
    let segment = ((a >> 4) & 0x07) as i32;
    let mantissa = ((a & 0x0F) as i32) << 4;
    let magnitude = match segment {
        0 => mantissa + 8,
        1 => mantissa + 0x108,
        _ => (mantissa + 0x108) << (segment - 1),
    };
    if a & 0x80 != 0 {
        magnitude as i16
    } else {
        -magnitude as i16
    }
}

const fn build_table(alaw: bool) -> [i16; 256] {
    let mut table = [0i16; 256];
    let mut i = 0;
    while i < 256 {
        table[i] = if alaw {
            alaw_to_linear_formula(i as u8)
        } else {
            ulaw_to_linear_formula(i as u8)
        };
        i += 1;
    }
    table
}

/// Linear value of every mu-law code, indexed by the code.
pub const ULAW_TABLE: [i16; 256] = build_table(false);
/// Linear value of every A-law code, indexed by the code.
pub const ALAW_TABLE: [i16; 256] = build_table(true);

/// Decodes one mu-law byte to a 16-bit linear sample.
#[inline]
pub fn ulaw_to_linear(code: u8) -> i16 {
    ULAW_TABLE[code as usize]
}

/// Decodes one A-law byte to a 16-bit linear sample.
#[inline]
pub fn alaw_to_linear(code: u8) -> i16 {
    ALAW_TABLE[code as usize]
}

/// Encodes one 16-bit linear sample to mu-law.
#[inline]
pub fn linear_to_ulaw(sample: i16) -> u8 {
    let x = (sample as i32) >> 2;
    // mask: 0xFF for non-negative (sign bit ends up set after inversion), 0x7F for negative.
    let negative = x < 0;
    let mask: u8 = if negative { 0x7F } else { 0xFF };
    let magnitude = x.unsigned_abs().min(ULAW_CLIP as u32) + ULAW_BIAS as u32;
    // Biased magnitude lies in 33..=8192. Segment s covers [64 << (s-1), 64 << s), i.e. the
    // segment is the bit length of (magnitude >> 6); 8192 gives 8, which saturates.
    let segment = 32 - (magnitude >> 6).leading_zeros();
    let code = if segment >= 8 {
        0x7F
    } else {
        ((segment << 4) | ((magnitude >> (segment + 1)) & 0x0F)) as u8
    };
    code ^ mask
}

/// Encodes one 16-bit linear sample to A-law.
#[inline]
pub fn linear_to_alaw(sample: i16) -> u8 {
    let x = (sample as i32) >> 3;
    let (magnitude, mask) = if x >= 0 {
        (x as u32, 0xD5u8)
    } else {
        ((-x - 1) as u32, 0x55u8)
    };
    // magnitude lies in 0..=4095; segment s covers [32 << (s-1), 32 << s), i.e. the bit
    // length of magnitude >> 5, which never exceeds 7. Segments 0 and 1 share step size 2.
    let segment = (32 - (magnitude >> 5).leading_zeros()).min(7);
    let shift = if segment < 2 { 1 } else { segment };
    let code = ((segment << 4) | ((magnitude >> shift) & 0x0F)) as u8;
    code ^ mask
}

/// Decodes mu-law bytes into `out`, sample for byte.
///
/// # Panics
/// If `out` is shorter than `input` (a programming error: size the buffer from the input).
pub fn decode_ulaw(input: &[u8], out: &mut [i16]) {
    let out = &mut out[..input.len()];
    for (o, &c) in out.iter_mut().zip(input) {
        *o = ULAW_TABLE[c as usize];
    }
}

/// Decodes A-law bytes into `out`, sample for byte.
///
/// # Panics
/// If `out` is shorter than `input`.
pub fn decode_alaw(input: &[u8], out: &mut [i16]) {
    let out = &mut out[..input.len()];
    for (o, &c) in out.iter_mut().zip(input) {
        *o = ALAW_TABLE[c as usize];
    }
}

/// Encodes linear samples into mu-law bytes in `out`.
///
/// # Panics
/// If `out` is shorter than `input`.
pub fn encode_ulaw(input: &[i16], out: &mut [u8]) {
    let out = &mut out[..input.len()];
    for (o, &s) in out.iter_mut().zip(input) {
        *o = linear_to_ulaw(s);
    }
}

/// Encodes linear samples into A-law bytes in `out`.
///
/// # Panics
/// If `out` is shorter than `input`.
pub fn encode_alaw(input: &[i16], out: &mut [u8]) {
    let out = &mut out[..input.len()];
    for (o, &s) in out.iter_mut().zip(input) {
        *o = linear_to_alaw(s);
    }
}

/// Transcodes mu-law to A-law without a linear buffer (decode then encode, per byte).
///
/// # Panics
/// If `out` is shorter than `input`.
pub fn ulaw_to_alaw(input: &[u8], out: &mut [u8]) {
    let out = &mut out[..input.len()];
    for (o, &c) in out.iter_mut().zip(input) {
        *o = linear_to_alaw(ULAW_TABLE[c as usize]);
    }
}

/// Transcodes A-law to mu-law without a linear buffer.
///
/// # Panics
/// If `out` is shorter than `input`.
pub fn alaw_to_ulaw(input: &[u8], out: &mut [u8]) {
    let out = &mut out[..input.len()];
    for (o, &c) in out.iter_mut().zip(input) {
        *o = linear_to_ulaw(ALAW_TABLE[c as usize]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // ---- Independent references, written from the G.711 tables rather than from the code
    // above: a code is found by searching the decision interval that contains the input.

    /// mu-law: 14-bit magnitude m (after the encoder's `>> 2` and sign handling) falls in the
    /// interval of segment e, step k when ((32 + 2k) << e) - 33 <= m < ((34 + 2k) << e) - 33.
    fn ref_linear_to_ulaw(x: i16) -> u8 {
        let x14 = (x as i32).div_euclid(4); // floor division == arithmetic shift
        let positive = x14 >= 0;
        let m = x14.abs();
        for e in 0..8 {
            for k in 0..16 {
                let lo = ((32 + 2 * k) << e) - 33;
                let hi = ((34 + 2 * k) << e) - 33;
                if m >= lo && m < hi {
                    let raw = ((e << 4) | k) as u8 | if positive { 0 } else { 0x80 };
                    return !raw;
                }
            }
        }
        // Above the top decision level: saturate at the largest magnitude.
        if positive { 0x80 } else { 0x00 }
    }

    /// A-law: 13-bit magnitude m. Segment 0 has steps of 2 from 0; segment s >= 1 covers
    /// [(16 + k) << s, (17 + k) << s).
    fn ref_linear_to_alaw(x: i16) -> u8 {
        let x13 = (x as i32).div_euclid(8);
        let positive = x13 >= 0;
        let m = if positive { x13 } else { -x13 - 1 };
        for s in 0..8 {
            for k in 0..16 {
                let (lo, hi) = if s == 0 {
                    (2 * k, 2 * k + 2)
                } else {
                    ((16 + k) << s, (17 + k) << s)
                };
                if m >= lo && m < hi {
                    let raw = ((s << 4) | k) as u8 | if positive { 0x80 } else { 0 };
                    return raw ^ 0x55;
                }
            }
        }
        unreachable!("13-bit magnitude always has an A-law interval")
    }

    /// G.711 reconstruction values: mu-law 4 * (((2k + 33) << e) - 33); A-law 8 * (2k + 1)
    /// in segment 0 and 8 * ((2k + 33) << (s - 1)) above.
    fn ref_ulaw_value(code: u8) -> i32 {
        let raw = !code;
        let e = ((raw >> 4) & 7) as i32;
        let k = (raw & 15) as i32;
        let v = 4 * (((2 * k + 33) << e) - 33);
        if raw & 0x80 != 0 { -v } else { v }
    }

    fn ref_alaw_value(code: u8) -> i32 {
        let raw = code ^ 0x55;
        let s = ((raw >> 4) & 7) as i32;
        let k = (raw & 15) as i32;
        let v = if s == 0 {
            8 * (2 * k + 1)
        } else {
            8 * ((2 * k + 33) << (s - 1))
        };
        if raw & 0x80 != 0 { v } else { -v }
    }

    #[test]
    fn ulaw_decode_table_matches_reference_formula() {
        for c in 0..=255u8 {
            assert_eq!(ulaw_to_linear(c) as i32, ref_ulaw_value(c), "code {c:#04x}");
        }
        assert_eq!(ulaw_to_linear(0xFF), 0);
        assert_eq!(ulaw_to_linear(0x7F), 0);
        assert_eq!(ulaw_to_linear(0x80), 32124);
        assert_eq!(ulaw_to_linear(0x00), -32124);
    }

    #[test]
    fn alaw_decode_table_matches_reference_formula() {
        for c in 0..=255u8 {
            assert_eq!(alaw_to_linear(c) as i32, ref_alaw_value(c), "code {c:#04x}");
        }
        assert_eq!(alaw_to_linear(0xD5), 8);
        assert_eq!(alaw_to_linear(0x55), -8);
        assert_eq!(alaw_to_linear(0xAA), 32256);
        assert_eq!(alaw_to_linear(0x2A), -32256);
    }

    #[test]
    fn ulaw_round_trips_every_code_except_negative_zero() {
        for c in 0..=255u8 {
            let back = linear_to_ulaw(ulaw_to_linear(c));
            if c == 0x7F {
                // -0 and +0 both decode to 0, which encodes as +0.
                assert_eq!(back, 0xFF);
            } else {
                assert_eq!(back, c, "code {c:#04x}");
            }
        }
    }

    #[test]
    fn alaw_round_trips_every_code() {
        for c in 0..=255u8 {
            assert_eq!(linear_to_alaw(alaw_to_linear(c)), c, "code {c:#04x}");
        }
    }

    #[test]
    fn ulaw_encode_matches_reference_over_whole_i16_range() {
        for x in i16::MIN..=i16::MAX {
            assert_eq!(linear_to_ulaw(x), ref_linear_to_ulaw(x), "sample {x}");
        }
    }

    #[test]
    fn alaw_encode_matches_reference_over_whole_i16_range() {
        for x in i16::MIN..=i16::MAX {
            assert_eq!(linear_to_alaw(x), ref_linear_to_alaw(x), "sample {x}");
        }
    }

    #[test]
    fn encode_is_monotonic_in_decoded_value() {
        // Quantisation never reorders: a larger input never decodes smaller.
        let mut prev_u = i16::MIN;
        let mut prev_a = i16::MIN;
        for x in i16::MIN..=i16::MAX {
            let u = ulaw_to_linear(linear_to_ulaw(x));
            let a = alaw_to_linear(linear_to_alaw(x));
            assert!(u >= prev_u && a >= prev_a, "sample {x}");
            prev_u = u;
            prev_a = a;
        }
    }

    #[test]
    fn slice_apis_match_scalar() {
        let pcm: Vec<i16> = (0..1000)
            .map(|i| ((i * 977) % 65536 - 32768) as i16)
            .collect();
        let mut u = vec![0u8; pcm.len()];
        let mut a = vec![0u8; pcm.len()];
        encode_ulaw(&pcm, &mut u);
        encode_alaw(&pcm, &mut a);
        for (i, &x) in pcm.iter().enumerate() {
            assert_eq!(u[i], linear_to_ulaw(x));
            assert_eq!(a[i], linear_to_alaw(x));
        }
        let mut back = vec![0i16; pcm.len()];
        decode_ulaw(&u, &mut back);
        assert!(back.iter().zip(&u).all(|(&s, &c)| s == ulaw_to_linear(c)));
        decode_alaw(&a, &mut back);
        assert!(back.iter().zip(&a).all(|(&s, &c)| s == alaw_to_linear(c)));

        let mut t = vec![0u8; u.len()];
        ulaw_to_alaw(&u, &mut t);
        assert!(
            t.iter()
                .zip(&u)
                .all(|(&o, &c)| o == linear_to_alaw(ulaw_to_linear(c)))
        );
        alaw_to_ulaw(&a, &mut t);
        assert!(
            t.iter()
                .zip(&a)
                .all(|(&o, &c)| o == linear_to_ulaw(alaw_to_linear(c)))
        );
    }

    #[test]
    fn silence_constants_decode_quietly() {
        assert_eq!(ulaw_to_linear(ULAW_SILENCE), 0);
        assert_eq!(alaw_to_linear(ALAW_SILENCE), 8);
        assert_eq!(linear_to_ulaw(0), ULAW_SILENCE);
        assert_eq!(linear_to_alaw(0), ALAW_SILENCE);
    }
}
