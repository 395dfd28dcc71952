//! E.164 phone numbers: `+`, a country code and the subscriber number, 8 to 15 digits in all.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct E164(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "{0:?} is not an E.164 number: write + then the country code and number, digits only (e.g. +15551234567)"
)]
pub struct NotE164(pub String);

impl E164 {
    /// Parses a number, forgiving the spaces, dashes, dots and brackets people type.
    pub fn parse(raw: &str) -> Result<Self, NotE164> {
        let trimmed = raw.trim();
        let Some(rest) = trimmed.strip_prefix('+') else {
            return Err(NotE164(raw.to_owned()));
        };
        let digits: String = rest
            .chars()
            .filter(|c| !matches!(c, ' ' | '-' | '.' | '(' | ')'))
            .collect();
        let valid = (8..=15).contains(&digits.len())
            && digits.bytes().all(|b| b.is_ascii_digit())
            && !digits.starts_with('0');
        if valid {
            Ok(E164(format!("+{digits}")))
        } else {
            Err(NotE164(raw.to_owned()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether the number starts with any of `prefixes` (E.164 prefixes such as `+1`).
    pub fn matches_any(&self, prefixes: &[String]) -> bool {
        prefixes.iter().any(|p| self.0.starts_with(p.as_str()))
    }
}

impl fmt::Display for E164 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_what_people_type_and_refuses_the_rest() {
        assert_eq!(
            E164::parse("+1 (555) 123-4567").unwrap().as_str(),
            "+15551234567"
        );
        assert_eq!(
            E164::parse("+442071838750").unwrap().as_str(),
            "+442071838750"
        );
        for bad in [
            "5551234567",
            "+1555",
            "+0123456789",
            "+1555123456789012",
            "+1555abc4567",
            "",
        ] {
            assert!(E164::parse(bad).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn destination_prefixes_match_from_the_start() {
        let n = E164::parse("+15551234567").unwrap();
        assert!(n.matches_any(&["+44".into(), "+1".into()]));
        assert!(!n.matches_any(&["+44".into()]));
    }
}
