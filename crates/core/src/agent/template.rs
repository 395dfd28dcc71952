//! `{{ name }}` placeholders in prompts and messages.
//!
//! A placeholder is `{{`, optional spaces, a variable name, optional spaces, `}}`. Anything else
//! between braces is ordinary text, so a prompt may mention `{{` without breaking. Values are
//! inserted as they are: a value that itself contains `{{x}}` is not expanded again, so a caller's
//! name cannot smuggle in another variable.

use std::collections::BTreeMap;

/// Placeholders that had no value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("no value for the template variable(s): {}", missing.join(", "))]
pub struct TemplateError {
    /// Every missing variable, once each, in the order they first appear.
    pub missing: Vec<String>,
}

/// Fills every placeholder from `vars`, or names every variable that has no value.
pub fn render(template: &str, vars: &BTreeMap<String, String>) -> Result<String, TemplateError> {
    let mut out = String::with_capacity(template.len());
    let mut missing: Vec<String> = Vec::new();
    for piece in pieces(template) {
        match piece {
            Piece::Text(text) => out.push_str(text),
            Piece::Variable(name) => match vars.get(name) {
                Some(value) => out.push_str(value),
                None if !missing.iter().any(|m| m == name) => missing.push(name.to_owned()),
                None => {}
            },
        }
    }
    if missing.is_empty() {
        Ok(out)
    } else {
        Err(TemplateError { missing })
    }
}

/// The variables a template uses, once each, in the order they first appear.
pub fn variables_in(template: &str) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for piece in pieces(template) {
        if let Piece::Variable(name) = piece
            && !names.iter().any(|n| n == name)
        {
            names.push(name.to_owned());
        }
    }
    names
}

/// `^[A-Za-z_][A-Za-z0-9_]{0,63}$`
pub fn is_variable_name(name: &str) -> bool {
    let mut bytes = name.bytes();
    bytes
        .next()
        .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
        && name.len() <= 64
        && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

#[derive(Debug, PartialEq, Eq)]
enum Piece<'a> {
    Text(&'a str),
    Variable(&'a str),
}

fn pieces(template: &str) -> Vec<Piece<'_>> {
    let mut pieces = Vec::new();
    let mut text_start = 0;
    let mut at = 0;
    while let Some(offset) = template[at..].find("{{") {
        let open = at + offset;
        match placeholder_at(&template[open..]) {
            Some((name, len)) => {
                if open > text_start {
                    pieces.push(Piece::Text(&template[text_start..open]));
                }
                pieces.push(Piece::Variable(name));
                at = open + len;
                text_start = at;
            }
            // Not a placeholder: keep the first brace as text and look again from the next one,
            // so `{{{name}}}` still finds `{{name}}`.
            None => at = open + 1,
        }
    }
    if text_start < template.len() {
        pieces.push(Piece::Text(&template[text_start..]));
    }
    pieces
}

/// The variable name and the length of a placeholder at the start of `text`, if there is one.
fn placeholder_at(text: &str) -> Option<(&str, usize)> {
    let inner_start = 2;
    let close = text[inner_start..].find("}}")? + inner_start;
    let name = text[inner_start..close].trim_matches(|c| c == ' ' || c == '\t');
    is_variable_name(name).then_some((name, close + 2))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn fills_placeholders_with_or_without_spaces() {
        let out = render(
            "Hi {{name}}, you are {{ age }} and live in {{\tcity }}.",
            &vars(&[("name", "Ada"), ("age", "36"), ("city", "London")]),
        )
        .unwrap();
        assert_eq!(out, "Hi Ada, you are 36 and live in London.");
    }

    #[test]
    fn names_every_missing_variable_once() {
        let err = render("{{a}} {{b}} {{a}} {{c}}", &vars(&[("b", "x")])).unwrap_err();
        assert_eq!(err.missing, vec!["a", "c"]);
        assert_eq!(
            err.to_string(),
            "no value for the template variable(s): a, c"
        );
    }

    #[test]
    fn text_that_is_not_a_placeholder_is_kept() {
        let none = vars(&[]);
        for text in [
            "a {{ not a name }} b",
            "open {{ but never closed",
            "{{}}",
            "{{1st}}",
            "json: {\"a\": {\"b\": 1}}",
            "",
        ] {
            assert_eq!(render(text, &none).unwrap(), text);
        }
        assert_eq!(render("{{{x}}}", &vars(&[("x", "1")])).unwrap(), "{1}");
    }

    #[test]
    fn values_are_not_expanded_again() {
        let out = render(
            "Hello {{name}}",
            &vars(&[("name", "{{secret}}"), ("secret", "leak")]),
        )
        .unwrap();
        assert_eq!(out, "Hello {{secret}}");
    }

    #[test]
    fn lists_the_variables_a_template_uses() {
        assert_eq!(
            variables_in("{{ b }} {{a}} {{b}} {{ not valid }} {{_c1}}"),
            vec!["b", "a", "_c1"]
        );
        assert!(variables_in("no placeholders").is_empty());
    }

    #[test]
    fn handles_text_beyond_ascii() {
        let out = render("¡Hola {{nombre}}! 👋", &vars(&[("nombre", "Zoë")])).unwrap();
        assert_eq!(out, "¡Hola Zoë! 👋");
    }
}
