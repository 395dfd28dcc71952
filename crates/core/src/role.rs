use serde::{Deserialize, Serialize};

/// A user's role inside its tenant. Operators (platform admins) are a separate flag on the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Member,
    Admin,
    Owner,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Admin => "admin",
            Role::Member => "member",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "owner" => Some(Role::Owner),
            "admin" => Some(Role::Admin),
            "member" => Some(Role::Member),
            _ => None,
        }
    }

    /// Whether this role may change the tenant's settings and its members.
    pub fn can_manage_tenant(self) -> bool {
        self >= Role::Admin
    }

    /// Whether this role may give `target` to someone, or act on someone who holds `target`.
    /// Admins manage admins and members; only owners touch owners.
    pub fn can_assign(self, target: Role) -> bool {
        self.can_manage_tenant() && (self == Role::Owner || target != Role::Owner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_owners_touch_owners() {
        assert!(Role::Owner.can_assign(Role::Owner));
        assert!(Role::Admin.can_assign(Role::Admin));
        assert!(!Role::Admin.can_assign(Role::Owner));
        assert!(!Role::Member.can_assign(Role::Member));
    }

    #[test]
    fn parse_round_trips() {
        for role in [Role::Owner, Role::Admin, Role::Member] {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("root"), None);
    }
}
