//! Session tokens and API keys: 256 random bits, shown once, stored only as a SHA-256 hash.
//! A fast hash is right here (unlike passwords): the input is already high-entropy.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

pub const SESSION_COOKIE: &str = "sb_session";
const SESSION_PREFIX: &str = "sbs_";
const API_KEY_PREFIX: &str = "sk_";
const STREAM_TOKEN_PREFIX: &str = "mst_";
/// How much of a key is kept for display, e.g. `sk_4fRt9x`.
const DISPLAY_PREFIX_LEN: usize = API_KEY_PREFIX.len() + 6;

pub fn new_session_token() -> String {
    format!("{SESSION_PREFIX}{}", random_part())
}

pub fn new_api_key() -> String {
    format!("{API_KEY_PREFIX}{}", random_part())
}

/// A one-time media-stream token (see `media::tokens`).
pub fn new_stream_token() -> String {
    format!("{STREAM_TOKEN_PREFIX}{}", random_part())
}

pub fn is_api_key(token: &str) -> bool {
    token.starts_with(API_KEY_PREFIX)
}

pub fn is_session_token(token: &str) -> bool {
    token.starts_with(SESSION_PREFIX)
}

/// The part of a key that may be shown again, to tell keys apart.
pub fn display_prefix(key: &str) -> &str {
    &key[..DISPLAY_PREFIX_LEN.min(key.len())]
}

pub fn hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

fn random_part() -> String {
    let bytes: [u8; 32] = rand::random();
    URL_SAFE_NO_PAD.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_distinct_typed_and_hash_stably() {
        let key = new_api_key();
        assert!(is_api_key(&key) && !is_session_token(&key));
        assert_eq!(key.len(), 3 + 43);
        assert_ne!(key, new_api_key());
        assert_eq!(hash(&key), hash(&key));
        assert_eq!(display_prefix(&key).len(), 9);
        assert!(is_session_token(&new_session_token()));
    }
}
