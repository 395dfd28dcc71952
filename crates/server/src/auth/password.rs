//! Passwords are hashed with argon2id (the `argon2` crate's defaults, OWASP's recommended
//! m=19 MiB, t=2, p=1). Hashing is deliberately slow, so it runs on the blocking pool — and at
//! most two per core at a time: each run holds 19 MiB, and a burst of logins must not turn into
//! hundreds of them (the blocking pool alone would allow 512).

use std::sync::LazyLock;
use std::time::Duration;

use argon2::Argon2;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use switchboard_core::ValidationError;
use tokio::sync::Semaphore;

pub const MIN_LENGTH: usize = 8;
/// Bounded so a megabyte "password" cannot tie up a core.
pub const MAX_BYTES: usize = 1024;

/// Any characters are allowed; only the length is checked.
pub fn check_policy(field: &str, password: &str) -> Result<(), ValidationError> {
    if password.chars().count() < MIN_LENGTH {
        return Err(ValidationError::new(
            field,
            format!("must be at least {MIN_LENGTH} characters"),
        ));
    }
    if password.len() > MAX_BYTES {
        return Err(ValidationError::new(
            field,
            format!("must be at most {MAX_BYTES} bytes"),
        ));
    }
    Ok(())
}

#[derive(Debug, thiserror::Error)]
pub enum PasswordError {
    /// Every hashing slot stayed busy for the whole wait: the server is overloaded.
    #[error("too many password checks at once")]
    Busy,
    #[error(transparent)]
    Failed(#[from] anyhow::Error),
}

static SLOTS: LazyLock<Semaphore> = LazyLock::new(|| {
    Semaphore::new(std::thread::available_parallelism().map_or(2, |n| n.get() * 2))
});
/// How long a request waits for a hashing slot before it is told to come back later.
const SLOT_WAIT: Duration = Duration::from_secs(5);

/// Runs `work` on the blocking pool once a hashing slot is free.
async fn in_slot<T: Send + 'static>(
    work: impl FnOnce() -> anyhow::Result<T> + Send + 'static,
) -> Result<T, PasswordError> {
    let _slot = tokio::time::timeout(SLOT_WAIT, SLOTS.acquire())
        .await
        .map_err(|_| PasswordError::Busy)?
        .map_err(|_| PasswordError::Busy)?;
    let result = tokio::task::spawn_blocking(work)
        .await
        .map_err(anyhow::Error::from)??;
    Ok(result)
}

pub async fn hash(password: String) -> Result<String, PasswordError> {
    in_slot(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| anyhow::anyhow!("hashing a password failed: {e}"))
    })
    .await
}

/// Verifies in constant time against `stored`. When the account does not exist, pass `None`:
/// a dummy hash is verified anyway so response times do not reveal which emails have accounts.
pub async fn verify(password: String, stored: Option<String>) -> Result<bool, PasswordError> {
    in_slot(move || {
        let stored = stored.unwrap_or_else(|| DUMMY_HASH.clone());
        let parsed = PasswordHash::new(&stored)
            .map_err(|e| anyhow::anyhow!("a stored password hash is malformed: {e}"))?;
        Ok(Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok())
    })
    .await
}

static DUMMY_HASH: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(b"no such account", &salt)
        .expect("hashing a constant")
        .to_string()
});

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn every_character_survives_hash_and_verify() {
        let password = "p@ss!wörd \"q\" \\ ;".to_owned();
        let stored = hash(password.clone()).await.unwrap();
        assert!(stored.starts_with("$argon2id$"));
        assert!(verify(password, Some(stored.clone())).await.unwrap());
        assert!(
            !verify("p@ss!word \"q\" \\ ;".into(), Some(stored))
                .await
                .unwrap()
        );
        assert!(!verify("anything".into(), None).await.unwrap());
    }

    #[test]
    fn policy_counts_characters_not_bytes() {
        assert!(check_policy("password", "wördwör").is_err());
        assert!(check_policy("password", "wördwörd").is_ok());
        assert!(check_policy("password", &"x".repeat(MAX_BYTES + 1)).is_err());
    }
}
