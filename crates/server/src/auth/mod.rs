//! Credentials: password hashing, tokens and keys, and the attempt limiter.

pub mod password;
pub mod rate_limit;
pub mod token;
