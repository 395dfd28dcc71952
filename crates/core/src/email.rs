use crate::ValidationError;

/// An email address, trimmed and lowercased so that one mailbox is one account.
///
/// The check is deliberately simple (one `@`, a dotted domain, no spaces): the only real proof of
/// an address is mail that arrives.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(transparent)]
pub struct Email(String);

impl Email {
    pub fn parse(field: &str, raw: &str) -> Result<Self, ValidationError> {
        let value = raw.trim().to_lowercase();
        let invalid =
            |why: &str| ValidationError::new(field, format!("is not a valid email address: {why}"));
        if value.len() > 254 {
            return Err(invalid("longer than 254 characters"));
        }
        let Some((local, domain)) = value.split_once('@') else {
            return Err(invalid("it has no @"));
        };
        if local.is_empty() || domain.is_empty() {
            return Err(invalid("a part around the @ is empty"));
        }
        if domain.contains('@') {
            return Err(invalid("it has more than one @"));
        }
        if value.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(invalid("it contains spaces or control characters"));
        }
        if !domain.contains('.')
            || domain.starts_with('.')
            || domain.ends_with('.')
            || domain.contains("..")
        {
            return Err(invalid("the domain is not a dotted name"));
        }
        Ok(Self(value))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_case_and_space() {
        assert_eq!(
            Email::parse("email", "  Ada@Example.COM ")
                .unwrap()
                .as_str(),
            "ada@example.com"
        );
    }

    #[test]
    fn rejects_malformed_addresses() {
        for bad in [
            "",
            "ada",
            "ada@",
            "@example.com",
            "ada@example",
            "a b@example.com",
            "a@b@c.com",
            "ada@.com",
            "ada@x..com",
        ] {
            let err = Email::parse("email", bad).unwrap_err();
            assert_eq!(err.field, "email", "{bad}");
        }
    }
}
