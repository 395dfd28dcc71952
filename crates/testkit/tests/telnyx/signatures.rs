//! `telnyx-signature-ed25519`: Ed25519 over "{timestamp}|{body}".

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use switchboard_telephony::telnyx::webhook::{DEFAULT_TOLERANCE, VerifyError, verify};
use switchboard_testkit::fakes::telnyx::TelnyxSigner;

const BODY: &[u8] = br#"{"data":{"event_type":"call.answered","id":"0ccc7b54-4df3-4bca-a65a-3da1ecc777f0","payload":{"call_control_id":"v3:abc"},"record_type":"event"},"meta":{"attempt":1}}"#;

fn at(seconds: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(seconds)
}

fn check(
    key: &str,
    signature: &str,
    timestamp: &str,
    body: &[u8],
    now: u64,
) -> Result<(), VerifyError> {
    verify(
        key,
        Some(signature),
        Some(timestamp),
        body,
        at(now),
        DEFAULT_TOLERANCE,
    )
}

#[test]
fn a_good_signature_verifies() {
    let signer = TelnyxSigner::from_seed([1; 32]);
    let signature = signer.sign(1_700_000_000, BODY);
    let key = signer.public_key_base64();
    assert_eq!(
        check(&key, &signature, "1700000000", BODY, 1_700_000_010),
        Ok(())
    );
    assert_eq!(
        check(&key, &signature, "1700000000", BODY, 1_700_000_000 + 300),
        Ok(()),
        "exactly at the tolerance"
    );
}

#[test]
fn a_tampered_body_or_timestamp_fails() {
    let signer = TelnyxSigner::from_seed([1; 32]);
    let signature = signer.sign(1_700_000_000, BODY);
    let key = signer.public_key_base64();
    let tampered = String::from_utf8_lossy(BODY).replace("call.answered", "call.hangup");
    assert_eq!(
        check(
            &key,
            &signature,
            "1700000000",
            tampered.as_bytes(),
            1_700_000_000
        ),
        Err(VerifyError::Mismatch)
    );
    assert_eq!(
        check(&key, &signature, "1700000001", BODY, 1_700_000_000),
        Err(VerifyError::Mismatch)
    );
}

#[test]
fn a_stale_or_future_timestamp_fails() {
    let signer = TelnyxSigner::from_seed([1; 32]);
    let signature = signer.sign(1_700_000_000, BODY);
    let key = signer.public_key_base64();
    assert_eq!(
        check(&key, &signature, "1700000000", BODY, 1_700_000_301),
        Err(VerifyError::Stale { skew_secs: 301 })
    );
    assert_eq!(
        check(&key, &signature, "1700000000", BODY, 1_699_999_000),
        Err(VerifyError::Stale { skew_secs: 1000 })
    );
}

#[test]
fn another_accounts_key_fails() {
    let signer = TelnyxSigner::from_seed([1; 32]);
    let other = TelnyxSigner::from_seed([2; 32]).public_key_base64();
    let signature = signer.sign(1_700_000_000, BODY);
    assert_eq!(
        check(&other, &signature, "1700000000", BODY, 1_700_000_000),
        Err(VerifyError::Mismatch)
    );
}

#[test]
fn malformed_inputs_say_what_is_wrong() {
    let signer = TelnyxSigner::from_seed([1; 32]);
    let key = signer.public_key_base64();
    let signature = signer.sign(1_700_000_000, BODY);
    let now = at(1_700_000_000);
    assert_eq!(
        verify(&key, None, Some("1700000000"), BODY, now, DEFAULT_TOLERANCE),
        Err(VerifyError::MissingSignature)
    );
    assert_eq!(
        verify(&key, Some(&signature), None, BODY, now, DEFAULT_TOLERANCE),
        Err(VerifyError::MissingTimestamp)
    );
    assert_eq!(
        check(&key, "not base64!", "1700000000", BODY, 1_700_000_000),
        Err(VerifyError::BadSignatureEncoding)
    );
    assert_eq!(
        check(&key, "c2hvcnQ=", "1700000000", BODY, 1_700_000_000),
        Err(VerifyError::BadSignatureEncoding),
        "base64 of too few bytes"
    );
    assert_eq!(
        check("c2hvcnQ=", &signature, "1700000000", BODY, 1_700_000_000),
        Err(VerifyError::BadPublicKey)
    );
    assert_eq!(
        check(&key, &signature, "yesterday", BODY, 1_700_000_000),
        Err(VerifyError::BadTimestamp)
    );
}
