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
    CostEvent,
    Agent,
    Tool,
    PhoneNumber,
    Message,
    Conversation,
    UsageRecord,
}

impl IdKind {
    pub const fn prefix(self) -> &'static str {
        match self {
            IdKind::Tenant => "ten",
            IdKind::User => "usr",
            IdKind::Session => "ses",
            IdKind::ApiKey => "key",
            IdKind::Call => "call",
            IdKind::CostEvent => "cost",
            IdKind::Agent => "agt",
            IdKind::Tool => "tool",
            IdKind::PhoneNumber => "num",
            IdKind::Message => "msg",
            IdKind::Conversation => "conv",
            IdKind::UsageRecord => "use",
        }
    }
}

/// A new id of the given kind. Ids made in the same millisecond still sort in the order they
/// were made: the generator increments the random part instead of drawing a new one.
pub fn new_id(kind: IdKind) -> String {
    format!(
        "{}_{}",
        kind.prefix(),
        next_ulid().to_string().to_lowercase()
    )
}

fn next_ulid() -> ulid::Ulid {
    static GENERATOR: std::sync::Mutex<ulid::Generator> =
        std::sync::Mutex::new(ulid::Generator::new());
    // The lock is held for a few nanoseconds and never across an await.
    let mut generator = GENERATOR
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    // Overflow needs 2^80 ids in one millisecond; fall back to a fresh random one regardless.
    generator.generate().unwrap_or_else(|_| ulid::Ulid::new())
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
        assert_eq!(a.len(), "ten_".len() + 26);
        let burst: Vec<String> = (0..1000).map(|_| new_id(IdKind::User)).collect();
        assert!(
            burst.windows(2).all(|w| w[0] < w[1]),
            "ids made in one millisecond keep their order"
        );
    }
}
