//! Telnyx webhook signatures: Ed25519 over `"{telnyx-timestamp}|{raw body}"`, checked with
//! the account's public key (base64 of the 32-byte key, from the portal's "Public Key").
//! The signature header is base64 of the 64-byte signature; the timestamp is Unix seconds.
//! Verified against Telnyx's webhook docs and the official SDKs' verifiers.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use ring::signature::{ED25519, UnparsedPublicKey};

pub const SIGNATURE_HEADER: &str = "telnyx-signature-ed25519";
pub const TIMESTAMP_HEADER: &str = "telnyx-timestamp";

/// How far a timestamp may be from our clock, either way: Telnyx's SDKs use five minutes.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(300);

/// Why a webhook is not accepted as Telnyx's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    #[error("the {SIGNATURE_HEADER} header is missing")]
    MissingSignature,
    #[error("the {TIMESTAMP_HEADER} header is missing")]
    MissingTimestamp,
    #[error("the configured Telnyx public key is not base64 of 32 bytes")]
    BadPublicKey,
    #[error("the {SIGNATURE_HEADER} header is not base64 of 64 bytes")]
    BadSignatureEncoding,
    #[error("the {TIMESTAMP_HEADER} header is not Unix seconds")]
    BadTimestamp,
    #[error("the signature does not match the body")]
    Mismatch,
    #[error("the timestamp is {skew_secs} s away from our clock")]
    Stale { skew_secs: u64 },
}

/// Checks one webhook. `body` must be the raw bytes received, not re-serialized JSON.
pub fn verify(
    public_key_base64: &str,
    signature: Option<&str>,
    timestamp: Option<&str>,
    body: &[u8],
    now: SystemTime,
    tolerance: Duration,
) -> Result<(), VerifyError> {
    let signature = signature.ok_or(VerifyError::MissingSignature)?;
    let timestamp = timestamp.ok_or(VerifyError::MissingTimestamp)?.trim();
    let key = STANDARD
        .decode(public_key_base64.trim())
        .ok()
        .filter(|key| key.len() == 32)
        .ok_or(VerifyError::BadPublicKey)?;
    let signature = STANDARD
        .decode(signature.trim())
        .ok()
        .filter(|signature| signature.len() == 64)
        .ok_or(VerifyError::BadSignatureEncoding)?;
    let signed_at: u64 = timestamp.parse().map_err(|_| VerifyError::BadTimestamp)?;

    let mut message = Vec::with_capacity(timestamp.len() + 1 + body.len());
    message.extend_from_slice(timestamp.as_bytes());
    message.push(b'|');
    message.extend_from_slice(body);
    UnparsedPublicKey::new(&ED25519, &key)
        .verify(&message, &signature)
        .map_err(|_| VerifyError::Mismatch)?;

    let now = now.duration_since(UNIX_EPOCH).unwrap_or_default().as_secs();
    let skew_secs = now.abs_diff(signed_at);
    if skew_secs > tolerance.as_secs() {
        return Err(VerifyError::Stale { skew_secs });
    }
    Ok(())
}
