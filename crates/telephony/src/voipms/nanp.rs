//! VoIP.ms speaks 10-digit North American numbers; everything else here is E.164.

use crate::carrier::CarrierError;

/// `+15551234567` → `5551234567`; anything but `+1` and ten digits is refused here, before
/// asking VoIP.ms (HTTP status 0).
pub(super) fn to_did(carrier: &str, e164: &str) -> Result<String, CarrierError> {
    e164.strip_prefix("+1")
        .filter(|digits| is_ten_digits(digits))
        .map(str::to_owned)
        .ok_or_else(|| CarrierError::Rejected {
            carrier: carrier.to_owned(),
            status: 0,
            code: "not_nanp".into(),
            message: format!(
                "VoIP.ms handles only North American numbers (+1 and ten digits), not {e164:?}"
            ),
        })
}

/// `5551234567` (or `15551234567`, or already `+1…`) → `+15551234567`.
pub(super) fn to_e164(did: &str) -> Option<String> {
    let did = did.trim();
    let digits = did
        .strip_prefix("+1")
        .or_else(|| did.strip_prefix('1').filter(|rest| rest.len() == 10))
        .unwrap_or(did);
    is_ten_digits(digits).then(|| format!("+1{digits}"))
}

fn is_ten_digits(text: &str) -> bool {
    text.len() == 10 && text.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_both_ways_and_refuses_the_rest() {
        assert_eq!(to_did("v", "+15551234567").unwrap(), "5551234567");
        assert!(matches!(
            to_did("v", "+442071234567"),
            Err(CarrierError::Rejected { ref code, ref message, .. })
                if code == "not_nanp" && message.contains("+442071234567")
        ));
        assert!(to_did("v", "5551234567").is_err());
        assert_eq!(to_e164("5551234567").as_deref(), Some("+15551234567"));
        assert_eq!(to_e164("15551234567").as_deref(), Some("+15551234567"));
        assert_eq!(to_e164("+15551234567").as_deref(), Some("+15551234567"));
        assert_eq!(to_e164("555123456"), None);
        assert_eq!(to_e164("55512345678"), None);
    }
}
