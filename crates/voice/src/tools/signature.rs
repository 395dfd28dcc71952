//! Request signatures: `v1=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>`.

use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

fn mac(secret: &str, timestamp: &str, body: &[u8]) -> HmacSha256 {
    let mut mac =
        HmacSha256::new_from_slice(secret.as_bytes()).expect("HMAC accepts keys of any length");
    mac.update(timestamp.as_bytes());
    mac.update(b".");
    mac.update(body);
    mac
}

/// The `X-Switchboard-Signature` value for a request sent at `timestamp` (unix seconds, as
/// sent in `X-Switchboard-Timestamp`) with this raw body.
pub fn sign(secret: &str, timestamp: &str, body: &[u8]) -> String {
    format!(
        "v1={}",
        hex::encode(mac(secret, timestamp, body).finalize().into_bytes())
    )
}

/// Whether `header` (the `X-Switchboard-Signature` value) signs `body` sent at `timestamp`
/// with `secret`. Compares in constant time. Checking that `timestamp` is recent is up to
/// the receiver.
pub fn verify_signature(secret: &str, timestamp: &str, body: &[u8], header: &str) -> bool {
    let Some(Ok(signature)) = header.trim().strip_prefix("v1=").map(hex::decode) else {
        return false;
    };
    mac(secret, timestamp, body)
        .verify_slice(&signature)
        .is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_verifies_only_with_the_same_secret_timestamp_and_body() {
        let header = sign("s3cret", "1700000000", br#"{"tool":"x"}"#);
        assert!(header.starts_with("v1=") && header.len() == 3 + 64);
        assert!(verify_signature(
            "s3cret",
            "1700000000",
            br#"{"tool":"x"}"#,
            &header
        ));
        assert!(!verify_signature(
            "other",
            "1700000000",
            br#"{"tool":"x"}"#,
            &header
        ));
        assert!(!verify_signature(
            "s3cret",
            "1700000001",
            br#"{"tool":"x"}"#,
            &header
        ));
        assert!(!verify_signature(
            "s3cret",
            "1700000000",
            br#"{"tool":"y"}"#,
            &header
        ));
        assert!(!verify_signature(
            "s3cret",
            "1700000000",
            br#"{"tool":"x"}"#,
            &header[3..]
        ));
        assert!(!verify_signature(
            "s3cret",
            "1700000000",
            br#"{"tool":"x"}"#,
            "v1=zz"
        ));
    }

    #[test]
    fn matches_a_reference_computed_with_python_hmac() {
        // python3: hmac.new(b"s3cret", b'1700000000.{"tool":"x"}', hashlib.sha256).hexdigest()
        assert_eq!(
            sign("s3cret", "1700000000", br#"{"tool":"x"}"#),
            "v1=bdeefcda169e0d286fae2eef37dba2834c0ca7e5533766ee13eb718a848a7274"
        );
    }
}
