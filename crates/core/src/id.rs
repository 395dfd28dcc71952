//! Prefixed, sortable identifiers such as `ten_01jd3x...`.
//!
//! The suffix is a ULID in lowercase Crockford base32, so ids sort by creation time, which is
//! what cursor pagination relies on.

/// What an id names; the prefix tells a reader what kind of object an id belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdKind {
    Tenant,
    User,
    Session,
    ApiKey,
    Call,
}

impl IdKind {
    pub const fn prefix(self) -> &'static str {
        match self {
            IdKind::Tenant => "ten",
            IdKind::User => "usr",
            IdKind::Session => "ses",
            IdKind::ApiKey => "key",
            IdKind::Call => "call",
        }
    }
}

/// A new id of the given kind.
pub fn new_id(kind: IdKind) -> String {
    format!(
        "{}_{}",
        kind.prefix(),
        ulid::Ulid::new().to_string().to_lowercase()
    )
}

/// Whether `id` is shaped like an id of `kind` (used to reject garbage before a query).
pub fn looks_like(kind: IdKind, id: &str) -> bool {
    id.strip_prefix(kind.prefix())
        .and_then(|rest| rest.strip_prefix('_'))
        .is_some_and(|suffix| {
            suffix.len() == 26 && suffix.bytes().all(|b| b.is_ascii_alphanumeric())
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_carry_their_prefix_and_sort_by_creation() {
        let a = new_id(IdKind::Tenant);
        std::thread::sleep(std::time::Duration::from_millis(2));
        let b = new_id(IdKind::Tenant);
        assert!(a.starts_with("ten_"));
        assert!(a < b, "{a} should sort before {b}");
        assert!(looks_like(IdKind::Tenant, &a));
        assert!(!looks_like(IdKind::User, &a));
        assert!(!looks_like(IdKind::Tenant, "ten_short"));
    }
}
