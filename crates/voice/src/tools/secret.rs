use std::fmt;

/// The key a tool's requests are signed with, shared with the tenant's endpoint. `Debug`
/// never shows it, so a definition logged by mistake leaks nothing.
#[derive(Clone, PartialEq, Eq)]
pub struct ToolSecret(String);

impl ToolSecret {
    pub fn new(secret: impl Into<String>) -> Self {
        ToolSecret(secret.into())
    }

    /// The secret itself, for signing.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ToolSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ToolSecret([redacted])")
    }
}
