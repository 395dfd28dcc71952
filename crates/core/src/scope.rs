use serde::{Deserialize, Serialize};

/// What an API key may do. `write` includes `read`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    Read,
    Write,
}

impl Scope {
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Read => "read",
            Scope::Write => "write",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        match raw.trim() {
            "read" => Some(Scope::Read),
            "write" => Some(Scope::Write),
            _ => None,
        }
    }
}

/// A set of scopes, stored as a comma-separated list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Scopes {
    read: bool,
    write: bool,
}

impl Scopes {
    pub fn from_list(scopes: &[Scope]) -> Self {
        let mut set = Scopes::default();
        for scope in scopes {
            match scope {
                Scope::Read => set.read = true,
                Scope::Write => set.write = true,
            }
        }
        set
    }

    /// Parses the stored form; unknown words are ignored so an old key never locks up a row.
    pub fn from_stored(stored: &str) -> Self {
        let list: Vec<Scope> = stored.split(',').filter_map(Scope::parse).collect();
        Self::from_list(&list)
    }

    pub fn to_stored(self) -> String {
        self.to_list()
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(",")
    }

    pub fn to_list(self) -> Vec<Scope> {
        let mut list = Vec::new();
        if self.read {
            list.push(Scope::Read);
        }
        if self.write {
            list.push(Scope::Write);
        }
        list
    }

    pub fn is_empty(self) -> bool {
        !self.read && !self.write
    }

    pub fn allows(self, needed: Scope) -> bool {
        match needed {
            Scope::Read => self.read || self.write,
            Scope::Write => self.write,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn write_implies_read_but_not_the_reverse() {
        let read_only = Scopes::from_list(&[Scope::Read]);
        assert!(read_only.allows(Scope::Read));
        assert!(!read_only.allows(Scope::Write));
        let write = Scopes::from_list(&[Scope::Write]);
        assert!(write.allows(Scope::Read));
        assert!(write.allows(Scope::Write));
    }

    #[test]
    fn stored_form_round_trips() {
        let both = Scopes::from_list(&[Scope::Write, Scope::Read]);
        assert_eq!(both.to_stored(), "read,write");
        assert_eq!(Scopes::from_stored("read,write"), both);
        assert_eq!(
            Scopes::from_stored("read,bogus"),
            Scopes::from_list(&[Scope::Read])
        );
    }
}
