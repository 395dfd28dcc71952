//! `X-Twilio-Signature`: validating Twilio's webhooks and signing fake ones.
//!
//! The signed string is the full URL Twilio requested (scheme, host, optional
//! port, path and query, byte for byte) followed, for form POSTs, by every
//! body parameter as `name` + `value`, sorted by name and then by value.
//! A repeated name counts once per *distinct* value (twilio-python 9.13.0
//! sorts `set(values)`; the older library without the `set` disagreed only
//! when a form repeats a name with an identical value); empty values count.
//! The signature is base64(HMAC-SHA1(auth token, that string)).
//!
//! twilio-python 9.13.0 also knows webhooks signed with a SharedKey: the
//! request then carries `X-Twilio-Webhooks-Signature-Settings:
//! key=..,algorithm=HMAC_SHA256`, the HMAC is SHA-256 and the key is the
//! SharedKey secret. [`Algorithm::from_settings_header`] reads that header and
//! the `*_with` functions take the algorithm; the plain ones are HMAC-SHA1.
//!
//! Pitfalls handled here (digest §3.3):
//! - Twilio is inconsistent about ports, so validation accepts the signature
//!   over the URL without its port *or* with the scheme's default port added,
//!   as twilio-python does (`https`/`wss` → 443, `http`/`ws` → 80; twilio-python
//!   would add 80 for `wss`, which cannot be what Twilio signs);
//! - JSON webhooks put `bodySHA256=<hex sha256 of the body>` in the query and
//!   sign the URL alone: [`validate_json`] checks both;
//! - comparisons are constant-time.
//!
//! What this module cannot do for the caller: the URL must be the *public*
//! one Twilio used (from configuration, not from the socket behind a proxy),
//! its query string unchanged, and `params` the percent-decoded form fields
//! with none filtered out. For the media WebSocket handshake, sign the `wss://`
//! URL with no parameters.

use std::borrow::Cow;
use std::collections::BTreeSet;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::digest::KeyInit;
use hmac::{Hmac, Mac};
use sha1::Sha1;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// The request header carrying the signature.
pub const HEADER: &str = "X-Twilio-Signature";

/// The header naming a SharedKey and its algorithm (absent for auth-token signatures).
pub const SETTINGS_HEADER: &str = "X-Twilio-Webhooks-Signature-Settings";

/// Why a request failed validation.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("X-Twilio-Signature does not match")]
    Mismatch,
    #[error("the URL has no bodySHA256 query parameter")]
    MissingBodyHash,
    #[error("the body does not match bodySHA256")]
    BodyHashMismatch,
    #[error("unsupported webhook signature algorithm {0:?}")]
    UnsupportedAlgorithm(String),
}

/// The HMAC behind a signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Algorithm {
    /// Auth-token signatures: every webhook without a settings header.
    #[default]
    HmacSha1,
    /// SharedKey signatures that say `algorithm=HMAC_SHA256`.
    HmacSha256,
}

impl Algorithm {
    /// Reads `algorithm=` from an [`SETTINGS_HEADER`] value; a missing or
    /// empty header, or one without `algorithm=`, means HMAC-SHA1.
    pub fn from_settings_header(value: Option<&str>) -> Result<Self, SignatureError> {
        let named = value.unwrap_or("").split(',').find_map(|part| {
            let (name, value) = part.split_once('=')?;
            let value = value.trim();
            (name.trim() == "algorithm" && !value.is_empty()).then_some(value)
        });
        match named {
            None => Ok(Algorithm::HmacSha1),
            Some(a) if a.eq_ignore_ascii_case("HMAC_SHA1") => Ok(Algorithm::HmacSha1),
            Some(a) if a.eq_ignore_ascii_case("HMAC_SHA256") => Ok(Algorithm::HmacSha256),
            Some(other) => Err(SignatureError::UnsupportedAlgorithm(other.to_owned())),
        }
    }
}

/// The signature Twilio would send for `url` and the decoded form `params`
/// (HMAC-SHA1 with the auth token).
///
/// Order of `params` does not matter; pass GET requests and JSON bodies with
/// no parameters.
pub fn sign<I, K, V>(auth_token: &str, url: &str, params: I) -> String
where
    I: IntoIterator<Item = (K, V)>,
    K: AsRef<str>,
    V: AsRef<str>,
{
    sign_with(Algorithm::HmacSha1, auth_token, url, params)
}

/// [`sign`] with a chosen algorithm (`key` is the auth token or SharedKey secret).
pub fn sign_with<I, K, V>(algorithm: Algorithm, key: &str, url: &str, params: I) -> String
where
    I: IntoIterator<Item = (K, V)>,
    K: AsRef<str>,
    V: AsRef<str>,
{
    let pairs: Vec<(K, V)> = params.into_iter().collect();
    // Sorted by name, then value; identical (name, value) pairs count once.
    let sorted: BTreeSet<(&str, &str)> = pairs
        .iter()
        .map(|(k, v)| (k.as_ref(), v.as_ref()))
        .collect();
    let parts = std::iter::once(url).chain(sorted.iter().flat_map(|(k, v)| [*k, *v]));
    let digest = match algorithm {
        Algorithm::HmacSha1 => hmac_of::<Hmac<Sha1>>(key, parts),
        Algorithm::HmacSha256 => hmac_of::<Hmac<Sha256>>(key, parts),
    };
    STANDARD.encode(digest)
}

fn hmac_of<'p, M: Mac + KeyInit>(key: &str, parts: impl Iterator<Item = &'p str>) -> Vec<u8> {
    let mut mac =
        <M as Mac>::new_from_slice(key.as_bytes()).expect("HMAC takes keys of any length");
    for part in parts {
        mac.update(part.as_bytes());
    }
    mac.finalize().into_bytes().to_vec()
}

/// Checks an auth-token `signature` for a form POST (or a GET with no parameters).
pub fn validate<I, K, V>(
    auth_token: &str,
    url: &str,
    params: I,
    signature: &str,
) -> Result<(), SignatureError>
where
    I: IntoIterator<Item = (K, V)>,
    K: AsRef<str>,
    V: AsRef<str>,
{
    validate_with(Algorithm::HmacSha1, auth_token, url, params, signature)
}

/// [`validate`] with a chosen algorithm.
pub fn validate_with<I, K, V>(
    algorithm: Algorithm,
    key: &str,
    url: &str,
    params: I,
    signature: &str,
) -> Result<(), SignatureError>
where
    I: IntoIterator<Item = (K, V)>,
    K: AsRef<str>,
    V: AsRef<str>,
{
    let pairs: Vec<(K, V)> = params.into_iter().collect();
    let as_refs = || pairs.iter().map(|(k, v)| (k.as_ref(), v.as_ref()));
    let (without_port, with_port) = port_variants(url);
    let a = matches(
        &sign_with(algorithm, key, &without_port, as_refs()),
        signature,
    );
    let b = matches(&sign_with(algorithm, key, &with_port, as_refs()), signature);
    if a | b {
        Ok(())
    } else {
        Err(SignatureError::Mismatch)
    }
}

/// Checks a JSON webhook: `url` carries `bodySHA256`, which must be the hex
/// SHA-256 of the raw `body`, and the signature covers the URL alone.
pub fn validate_json(
    auth_token: &str,
    url: &str,
    body: &[u8],
    signature: &str,
) -> Result<(), SignatureError> {
    validate_json_with(Algorithm::HmacSha1, auth_token, url, body, signature)
}

/// [`validate_json`] with a chosen algorithm.
pub fn validate_json_with(
    algorithm: Algorithm,
    key: &str,
    url: &str,
    body: &[u8],
    signature: &str,
) -> Result<(), SignatureError> {
    let claimed = query_param(url, "bodySHA256").ok_or(SignatureError::MissingBodyHash)?;
    let actual = sha256_hex(body);
    let no_params: [(&str, &str); 0] = [];
    validate_with(algorithm, key, url, no_params, signature)?;
    if bool::from(
        actual
            .as_bytes()
            .ct_eq(claimed.to_ascii_lowercase().as_bytes()),
    ) {
        Ok(())
    } else {
        Err(SignatureError::BodyHashMismatch)
    }
}

/// Appends `bodySHA256=<hex>` to `url` the way Twilio does for JSON bodies (for fakes).
pub fn url_with_body_hash(url: &str, body: &[u8]) -> String {
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}bodySHA256={}", sha256_hex(body))
}

/// Lower-case hex SHA-256.
fn sha256_hex(body: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let digest = Sha256::digest(body);
    let mut out = String::with_capacity(64);
    for b in digest {
        out.push(char::from(HEX[usize::from(b >> 4)]));
        out.push(char::from(HEX[usize::from(b & 0xf)]));
    }
    out
}

fn matches(expected: &str, given: &str) -> bool {
    expected.as_bytes().ct_eq(given.trim().as_bytes()).into()
}

/// The raw value of the first query parameter `name` (no percent-decoding:
/// the one caller reads a hex digest).
fn query_param<'u>(url: &'u str, name: &str) -> Option<&'u str> {
    let query = url.split_once('?')?.1;
    let query = query.split_once('#').map_or(query, |(q, _)| q);
    query
        .split('&')
        .find_map(|pair| pair.strip_prefix(name)?.strip_prefix('='))
}

/// `url` without an explicit port, and with one (its own, or the scheme's default).
///
/// Anything that does not look like `scheme://authority...` is returned unchanged twice.
fn port_variants(url: &str) -> (Cow<'_, str>, Cow<'_, str>) {
    let unchanged = (Cow::Borrowed(url), Cow::Borrowed(url));
    let Some(scheme_end) = url.find("://") else {
        return unchanged;
    };
    let authority_start = scheme_end + 3;
    let authority_end = url[authority_start..]
        .find(['/', '?', '#'])
        .map_or(url.len(), |i| authority_start + i);
    let authority = &url[authority_start..authority_end];
    let host_start = authority.rfind('@').map_or(0, |i| i + 1);
    let host_port = &authority[host_start..];
    // The last ':' after any IPv6 literal's closing ']' starts the port.
    let port_colon = match host_port.rfind(']') {
        Some(bracket) => host_port[bracket..].find(':').map(|i| bracket + i),
        None => host_port.find(':'),
    };
    let host_end = authority_start + host_start + port_colon.unwrap_or(host_port.len());
    if let Some(colon) = port_colon {
        let port = &host_port[colon + 1..];
        if port.is_empty() || !port.bytes().all(|b| b.is_ascii_digit()) {
            return unchanged;
        }
        let without = format!("{}{}", &url[..host_end], &url[authority_end..]);
        return (Cow::Owned(without), Cow::Borrowed(url));
    }
    let default_port = match url[..scheme_end].to_ascii_lowercase().as_str() {
        "https" | "wss" => "443",
        "http" | "ws" => "80",
        _ => return unchanged,
    };
    let with = format!("{}:{default_port}{}", &url[..host_end], &url[host_end..]);
    (Cow::Borrowed(url), Cow::Owned(with))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn port_variants_cover_the_usual_shapes() {
        let v = |u| {
            let (a, b) = port_variants(u);
            (a.into_owned(), b.into_owned())
        };
        assert_eq!(
            v("https://h.com/p?x=1"),
            (
                "https://h.com/p?x=1".into(),
                "https://h.com:443/p?x=1".into()
            )
        );
        assert_eq!(
            v("https://h.com:443/p"),
            ("https://h.com/p".into(), "https://h.com:443/p".into())
        );
        assert_eq!(
            v("http://h.com"),
            ("http://h.com".into(), "http://h.com:80".into())
        );
        assert_eq!(
            v("wss://h.com/media"),
            ("wss://h.com/media".into(), "wss://h.com:443/media".into())
        );
        assert_eq!(
            v("https://u:p@h.com:8443/x"),
            (
                "https://u:p@h.com/x".into(),
                "https://u:p@h.com:8443/x".into()
            )
        );
        assert_eq!(
            v("http://[::1]:8080/x"),
            ("http://[::1]/x".into(), "http://[::1]:8080/x".into())
        );
        assert_eq!(
            v("http://[::1]/x"),
            ("http://[::1]/x".into(), "http://[::1]:80/x".into())
        );
        assert_eq!(v("not a url"), ("not a url".into(), "not a url".into()));
        assert_eq!(
            v("ftp://h.com/x"),
            ("ftp://h.com/x".into(), "ftp://h.com/x".into())
        );
    }

    #[test]
    fn query_param_reads_the_raw_value() {
        assert_eq!(
            query_param("https://x/p?a=1&bodySHA256=ab#f", "bodySHA256"),
            Some("ab")
        );
        assert_eq!(
            query_param("https://x/p?xbodySHA256=ab", "bodySHA256"),
            None
        );
        assert_eq!(query_param("https://x/p", "bodySHA256"), None);
    }
}
