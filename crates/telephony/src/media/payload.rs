//! Base64 media payloads decoded into caller-owned buffers.

use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::{DecodePaddingMode, Engine as _};
use base64::{DecodeSliceError, alphabet};

use crate::ParseError;

/// Standard alphabet, padding optional: carriers pad, but a missing `=` is no
/// reason to drop 20 ms of audio.
const DECODER: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

const FIELD: &str = "media.payload";

/// Decodes `payload` into `out`, replacing its contents and reusing its capacity.
///
/// On error `out` is left empty.
pub fn decode_payload(payload: &str, out: &mut Vec<u8>) -> Result<(), ParseError> {
    out.clear();
    DECODER.decode_vec(payload, out).map_err(|source| {
        out.clear();
        ParseError::Base64 {
            field: FIELD,
            source,
        }
    })
}

/// Decodes `payload` into the front of `out` and returns the number of bytes written.
///
/// A buffer of [`decoded_len_upper_bound`] bytes always suffices; one of the
/// exact decoded length (160 bytes for a 20 ms frame) does too.
pub fn decode_payload_into_slice(payload: &str, out: &mut [u8]) -> Result<usize, ParseError> {
    DECODER.decode_slice(payload, out).map_err(|e| match e {
        DecodeSliceError::DecodeError(source) => ParseError::Base64 {
            field: FIELD,
            source,
        },
        DecodeSliceError::OutputSliceTooSmall => ParseError::BufferTooSmall {
            capacity: out.len(),
        },
    })
}

/// Most bytes a base64 text of `encoded_len` characters can decode to.
pub const fn decoded_len_upper_bound(encoded_len: usize) -> usize {
    encoded_len.div_ceil(4) * 3
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::write::push_base64_literal;

    fn b64(bytes: &[u8]) -> String {
        let mut s = String::new();
        push_base64_literal(&mut s, bytes);
        s.trim_matches('"').to_owned()
    }

    #[test]
    fn decodes_into_a_reused_vec() {
        let frame: Vec<u8> = (0..160).map(|i| i as u8).collect();
        let text = b64(&frame);
        let mut buf = Vec::with_capacity(160);
        let ptr = buf.as_ptr();
        for _ in 0..3 {
            decode_payload(&text, &mut buf).unwrap();
            assert_eq!(buf, frame);
        }
        assert_eq!(buf.as_ptr(), ptr, "no reallocation");
    }

    #[test]
    fn decodes_into_an_exact_slice() {
        let frame = [0xffu8; 160];
        let text = b64(&frame);
        assert_eq!(text.len(), 216);
        let mut out = [0u8; 160];
        assert_eq!(decode_payload_into_slice(&text, &mut out).unwrap(), 160);
        assert_eq!(out, frame);
        let mut small = [0u8; 100];
        assert!(matches!(
            decode_payload_into_slice(&text, &mut small),
            Err(ParseError::BufferTooSmall { capacity: 100 })
        ));
    }

    #[test]
    fn accepts_missing_padding_and_rejects_junk() {
        let mut buf = Vec::new();
        decode_payload("/w", &mut buf).unwrap();
        assert_eq!(buf, [0xff]);
        let err = decode_payload("not base64!", &mut buf).unwrap_err();
        assert!(
            err.to_string().starts_with("media.payload: invalid base64"),
            "{err}"
        );
        assert!(buf.is_empty());
    }
}
