//! Limits on an agent's name and description, and the name of a copy.

pub const MAX_AGENT_NAME_CHARS: usize = 100;
pub const MAX_AGENT_DESCRIPTION_CHARS: usize = 500;

const COPY_SUFFIX: &str = " (copy)";

/// "Brad" becomes "Brad (copy)", shortened first if the result would be too long.
pub fn copy_name(name: &str) -> String {
    let keep = MAX_AGENT_NAME_CHARS - COPY_SUFFIX.chars().count();
    let base: String = name.chars().take(keep).collect();
    format!("{}{COPY_SUFFIX}", base.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_copy_is_named_after_its_original_within_the_limit() {
        assert_eq!(copy_name("Brad"), "Brad (copy)");
        let long = "x".repeat(MAX_AGENT_NAME_CHARS);
        let copied = copy_name(&long);
        assert_eq!(copied.chars().count(), MAX_AGENT_NAME_CHARS);
        assert!(copied.ends_with(" (copy)"));
    }
}
