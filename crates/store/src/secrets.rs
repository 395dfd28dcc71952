//! Secrets at rest: tenants' tool secrets (and anything else that must be read back, unlike
//! passwords and API keys, which are hashed) are stored encrypted with the operator's
//! [`SecretsKey`].
//!
//! XChaCha20-Poly1305 with a random 24-byte nonce per value; stored as `v1:` followed by
//! base64 of nonce and ciphertext. The associated data binds a value to the row it belongs to
//! (tenant and object id), so a ciphertext copied into another row does not decrypt.

use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};

use crate::StoreError;

const VERSION_PREFIX: &str = "v1:";
const NONCE_LEN: usize = 24;

/// The operator's 32-byte key for secrets at rest (the `secrets.key` setting). `Debug` never
/// shows it.
#[derive(Clone)]
pub struct SecretsKey([u8; SecretsKey::LEN]);

impl SecretsKey {
    pub const LEN: usize = 32;

    /// A new random key.
    pub fn generate() -> Self {
        SecretsKey(rand::random())
    }

    /// A key from its standard base64 form (44 characters); `None` unless it decodes to
    /// exactly 32 bytes.
    pub fn from_base64(text: &str) -> Option<Self> {
        let bytes = STANDARD.decode(text.trim()).ok()?;
        bytes.try_into().ok().map(SecretsKey)
    }

    /// The key's standard base64 form, as `secrets.key` and the key file hold it.
    pub fn to_base64(&self) -> String {
        STANDARD.encode(self.0)
    }

    /// Encrypts `plaintext` for the row `associated_data` names; a fresh nonce every time.
    pub fn encrypt(&self, plaintext: &str, associated_data: &[u8]) -> String {
        let nonce: [u8; NONCE_LEN] = rand::random();
        let ciphertext = self
            .cipher()
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: plaintext.as_bytes(),
                    aad: associated_data,
                },
            )
            .expect("XChaCha20-Poly1305 encrypts any message that fits in memory");
        let mut sealed = nonce.to_vec();
        sealed.extend_from_slice(&ciphertext);
        format!("{VERSION_PREFIX}{}", STANDARD.encode(sealed))
    }

    /// Decrypts what [`encrypt`](Self::encrypt) produced with the same key and associated
    /// data. Anything else (another key, another row, a damaged value) is
    /// [`StoreError::Undecryptable`].
    pub fn decrypt(&self, stored: &str, associated_data: &[u8]) -> Result<String, StoreError> {
        let sealed = stored
            .strip_prefix(VERSION_PREFIX)
            .and_then(|encoded| STANDARD.decode(encoded).ok())
            .filter(|sealed| sealed.len() > NONCE_LEN)
            .ok_or(StoreError::Undecryptable)?;
        let (nonce, ciphertext) = sealed.split_at(NONCE_LEN);
        let plaintext = self
            .cipher()
            .decrypt(
                XNonce::from_slice(nonce),
                Payload {
                    msg: ciphertext,
                    aad: associated_data,
                },
            )
            .map_err(|_| StoreError::Undecryptable)?;
        String::from_utf8(plaintext).map_err(|_| StoreError::Undecryptable)
    }

    fn cipher(&self) -> XChaCha20Poly1305 {
        XChaCha20Poly1305::new(&self.0.into())
    }
}

impl fmt::Debug for SecretsKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretsKey(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_round_trips_and_its_ciphertext_hides_it() {
        let key = SecretsKey::generate();
        let stored = key.encrypt("whsec_round_trip", b"ten_a/tool_1");
        assert!(stored.starts_with("v1:"), "{stored}");
        assert!(!stored.contains("whsec_round_trip"));
        assert_eq!(
            key.decrypt(&stored, b"ten_a/tool_1").unwrap(),
            "whsec_round_trip"
        );
        assert_eq!(key.encrypt("", b"x").len(), key.encrypt("", b"y").len());
        assert_eq!(key.decrypt(&key.encrypt("", b"x"), b"x").unwrap(), "");
    }

    #[test]
    fn another_key_or_another_row_cannot_decrypt() {
        let key = SecretsKey::generate();
        let stored = key.encrypt("whsec_1", b"ten_a/tool_1");
        let other = SecretsKey::generate();
        assert!(matches!(
            other.decrypt(&stored, b"ten_a/tool_1"),
            Err(StoreError::Undecryptable)
        ));
        for moved in [&b"ten_b/tool_1"[..], b"ten_a/tool_2", b""] {
            assert!(matches!(
                key.decrypt(&stored, moved),
                Err(StoreError::Undecryptable)
            ));
        }
    }

    #[test]
    fn damaged_or_foreign_values_are_refused() {
        let key = SecretsKey::generate();
        let stored = key.encrypt("whsec_1", b"row");
        let mut flipped = stored.clone().into_bytes();
        let last = flipped.len() - 3;
        flipped[last] = if flipped[last] == b'A' { b'B' } else { b'A' };
        let flipped = String::from_utf8(flipped).unwrap();
        for bad in [
            flipped.as_str(),
            &stored["v1:".len()..],
            "v1:",
            "v1:not base64!",
            "v2:AAAA",
            "plaintext",
        ] {
            assert!(
                matches!(key.decrypt(bad, b"row"), Err(StoreError::Undecryptable)),
                "{bad}"
            );
        }
    }

    #[test]
    fn every_encryption_draws_a_new_nonce() {
        let key = SecretsKey::generate();
        let a = key.encrypt("same", b"row");
        let b = key.encrypt("same", b"row");
        assert_ne!(a, b);
        let nonce = |stored: &str| STANDARD.decode(&stored[3..]).unwrap()[..NONCE_LEN].to_vec();
        assert_ne!(nonce(&a), nonce(&b));
    }

    #[test]
    fn keys_read_back_from_base64_and_stay_out_of_debug() {
        let key = SecretsKey::generate();
        let text = key.to_base64();
        assert_eq!(text.len(), 44);
        let again = SecretsKey::from_base64(&format!("{text}\n")).unwrap();
        let stored = key.encrypt("whsec_1", b"row");
        assert_eq!(again.decrypt(&stored, b"row").unwrap(), "whsec_1");
        assert!(SecretsKey::from_base64("c2hvcnQ=").is_none());
        assert!(SecretsKey::from_base64("not base64").is_none());
        assert!(!format!("{key:?}").contains(&text));
    }
}
