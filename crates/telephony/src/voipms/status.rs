//! VoIP.ms answers HTTP 200 with a `status`; anything but `success` and the `no_*` empty
//! results is an error (digest §5.1, §5.2).

use crate::carrier::CarrierError;

/// `Ok` for `success` and `no_*`; the matching [`CarrierError`] otherwise.
pub(super) fn check(carrier: &str, method: &str, status: &str) -> Result<(), CarrierError> {
    let carrier = carrier.to_owned();
    match status {
        "success" => Ok(()),
        empty if empty.starts_with("no_") => Ok(()),
        "invalid_credentials" | "missing_credentials" | "ip_not_enabled" | "api_not_enabled" => {
            Err(CarrierError::Unauthorized { carrier })
        }
        "api_limit_exceeded" => Err(CarrierError::RateLimited {
            carrier,
            retry_after: None,
        }),
        other => Err(CarrierError::Rejected {
            carrier,
            status: 200,
            code: other.to_owned(),
            message: format!("{method}: {}", describe(other)),
        }),
    }
}

fn describe(status: &str) -> &'static str {
    match status {
        "sms_toolong" => "the message is longer than 160 characters",
        "sms_failed" => "the message could not be sent",
        "limit_reached" => "the daily SMS limit is reached",
        "invalid_did" | "missing_did" => "the DID is not valid on this account",
        "invalid_dst" => "the destination is not valid",
        "did_in_use" => "the DID is no longer available",
        "non_sufficient_funds" => "the account balance is too low",
        "did_limit_reached" => "the account holds as many DIDs as it may",
        _ => "VoIP.ms refused the request",
    }
}
