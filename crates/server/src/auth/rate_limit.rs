//! Limits on login and signup attempts, per client IP and per account, so passwords cannot be
//! guessed at speed. In memory: each replica limits on its own.

use std::net::IpAddr;
use std::num::NonZeroU32;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::config::AuthConfig;
use crate::http::ApiError;

pub struct AuthLimiter {
    per_ip: DefaultKeyedRateLimiter<IpAddr>,
    per_account: DefaultKeyedRateLimiter<String>,
}

impl AuthLimiter {
    pub fn new(config: &AuthConfig) -> Self {
        let quota = |per_minute: u32| {
            Quota::per_minute(NonZeroU32::new(per_minute).unwrap_or(NonZeroU32::MIN))
        };
        Self {
            per_ip: RateLimiter::keyed(quota(config.attempts_per_ip_per_minute)),
            per_account: RateLimiter::keyed(quota(config.attempts_per_account_per_minute)),
        }
    }

    pub fn check_ip(&self, ip: IpAddr) -> Result<(), ApiError> {
        self.per_ip.check_key(&ip).map_err(too_many)
    }

    pub fn check_account(&self, email: &str) -> Result<(), ApiError> {
        self.per_account
            .check_key(&email.to_owned())
            .map_err(too_many)
    }

    /// Forgets keys that have fully recovered, so memory does not grow with every IP seen.
    pub fn forget_idle(&self) {
        self.per_ip.retain_recent();
        self.per_account.retain_recent();
    }
}

fn too_many(not_until: governor::NotUntil<<DefaultClock as Clock>::Instant>) -> ApiError {
    let wait = not_until.wait_time_from(DefaultClock::default().now());
    ApiError::TooManyRequests {
        retry_after_secs: wait.as_secs() + u64::from(wait.subsec_nanos() > 0),
    }
}
