//! The Ed25519 key Telnyx signs webhooks with: `base64(sign("{timestamp}|{body}"))`.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use ring::signature::{Ed25519KeyPair, KeyPair};

/// A Telnyx account's webhook signing key. Tests give the server [`Self::public_key_base64`].
pub struct TelnyxSigner {
    keys: Ed25519KeyPair,
}

impl TelnyxSigner {
    /// The same seed gives the same key, so a test can also sign with a key of its own.
    pub fn from_seed(seed: [u8; 32]) -> Self {
        let keys = Ed25519KeyPair::from_seed_unchecked(&seed).expect("any 32 bytes are a seed");
        Self { keys }
    }

    /// What the portal shows as the account's public key.
    pub fn public_key_base64(&self) -> String {
        STANDARD.encode(self.keys.public_key().as_ref())
    }

    /// The `telnyx-signature-ed25519` value for `body` sent at `timestamp` (Unix seconds).
    pub fn sign(&self, timestamp: u64, body: &[u8]) -> String {
        let mut message = format!("{timestamp}|").into_bytes();
        message.extend_from_slice(body);
        STANDARD.encode(self.keys.sign(&message).as_ref())
    }
}

impl std::fmt::Debug for TelnyxSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TelnyxSigner")
            .field("public_key", &self.public_key_base64())
            .finish()
    }
}
