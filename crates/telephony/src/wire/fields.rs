//! Typed conversions from captured [`Json`] values, with field-path errors.

use std::borrow::Cow;
use std::collections::BTreeMap;

use super::json::{Json, Nested};
use crate::ParseError;

/// `field` is missing from an `event` message.
pub(crate) fn require<T>(
    v: Option<T>,
    field: &'static str,
    event: &'static str,
) -> Result<T, ParseError> {
    v.ok_or(ParseError::MissingField { field, event })
}

pub(crate) fn invalid(field: &'static str, expected: &'static str, got: &Json<'_>) -> ParseError {
    ParseError::InvalidField {
        field,
        expected,
        got: got.describe(),
    }
}

/// A JSON string.
pub(crate) fn string<'a>(v: Json<'a>, field: &'static str) -> Result<Cow<'a, str>, ParseError> {
    match v {
        Json::Str(s) => Ok(s),
        other => Err(invalid(field, "a string", &other)),
    }
}

/// A required JSON string: [`require`] then [`string`].
pub(crate) fn required_string<'a>(
    v: Option<Json<'a>>,
    field: &'static str,
    event: &'static str,
) -> Result<Cow<'a, str>, ParseError> {
    string(require(v, field, event)?, field)
}

/// A required nested object: [`require`] then [`Nested::object`].
pub(crate) fn required_object<T>(
    v: Option<Nested<'_, T>>,
    field: &'static str,
    event: &'static str,
) -> Result<T, ParseError> {
    require(v, field, event)?.object(field)
}

/// A JSON string, or `None` for an absent field. Lenient callers use it for optional text.
pub(crate) fn opt_string<'a>(
    v: Option<Json<'a>>,
    field: &'static str,
) -> Result<Option<Cow<'a, str>>, ParseError> {
    v.map(|v| string(v, field)).transpose()
}

/// Strict counter: a JSON string of ASCII digits that fits a `u64` (`"42"`).
///
/// `str::parse::<u64>` would also take `"+42"`; carriers never send that, so it is refused.
pub(crate) fn decimal_string(v: &Json<'_>, field: &'static str) -> Result<u64, ParseError> {
    const EXPECTED: &str = "a decimal string";
    match v {
        Json::Str(s) => parse_digits(s).ok_or_else(|| invalid(field, EXPECTED, v)),
        other => Err(invalid(field, EXPECTED, other)),
    }
}

/// Lenient counter: a decimal string or a non-negative JSON integer.
pub(crate) fn decimal_lenient(v: &Json<'_>, field: &'static str) -> Result<u64, ParseError> {
    match v {
        Json::Uint(n) => Ok(*n),
        other => decimal_string(other, field)
            .map_err(|_| invalid(field, "a decimal string or integer", other)),
    }
}

/// A lenient counter, or `None` for an absent field.
pub(crate) fn opt_decimal_lenient(
    v: Option<Json<'_>>,
    field: &'static str,
) -> Result<Option<u64>, ParseError> {
    v.map(|v| decimal_lenient(&v, field)).transpose()
}

fn parse_digits(s: &str) -> Option<u64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// Strict number: a non-negative JSON integer that fits `T`.
pub(crate) fn integer<T: TryFrom<u64>>(v: &Json<'_>, field: &'static str) -> Result<T, ParseError> {
    match v {
        Json::Uint(n) => T::try_from(*n).map_err(|_| invalid(field, "a smaller integer", v)),
        other => Err(invalid(field, "a non-negative integer", other)),
    }
}

/// Lenient number: a non-negative JSON integer or a decimal string that fits `T`.
pub(crate) fn integer_lenient<T: TryFrom<u64>>(
    v: &Json<'_>,
    field: &'static str,
) -> Result<T, ParseError> {
    let n = decimal_lenient(v, field)?;
    T::try_from(n).map_err(|_| invalid(field, "a smaller integer", v))
}

/// A JSON array of strings.
pub(crate) fn string_array<'a>(
    v: Json<'a>,
    field: &'static str,
) -> Result<Vec<Cow<'a, str>>, ParseError> {
    match v {
        Json::Array(items) => items
            .into_iter()
            .map(|item| match item {
                Json::Str(s) => Ok(s),
                other => Err(invalid(field, "an array of strings", &other)),
            })
            .collect(),
        other => Err(invalid(field, "an array of strings", &other)),
    }
}

/// A flat JSON object of string values (`customParameters`).
pub(crate) fn string_map(
    v: Json<'_>,
    field: &'static str,
) -> Result<BTreeMap<String, String>, ParseError> {
    match v {
        Json::Object(entries) => entries
            .into_iter()
            .map(|(k, v)| match v {
                Json::Str(s) => Ok((k.into_owned(), s.into_owned())),
                other => Err(invalid(field, "an object of string values", &other)),
            })
            .collect(),
        other => Err(invalid(field, "an object of string values", &other)),
    }
}

/// One DTMF key: `0`-`9`, `*`, `#` or `A`-`D` (normalised to upper case).
pub(crate) fn dtmf_digit(v: &Json<'_>, field: &'static str) -> Result<char, ParseError> {
    const EXPECTED: &str = "one of 0-9 * # A-D";
    let Json::Str(s) = v else {
        return Err(invalid(field, EXPECTED, v));
    };
    let mut chars = s.chars();
    match (chars.next(), chars.next()) {
        (Some(c @ ('0'..='9' | '*' | '#' | 'A'..='D')), None) => Ok(c),
        (Some(c @ 'a'..='d'), None) => Ok(c.to_ascii_uppercase()),
        _ => Err(invalid(field, EXPECTED, v)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn j(text: &str) -> Json<'_> {
        serde_json::from_str(text).unwrap()
    }

    #[test]
    fn decimal_strings_are_strict() {
        assert_eq!(decimal_string(&j(r#""42""#), "f").unwrap(), 42);
        for bad in [
            r#""+4""#,
            r#""""#,
            r#""-1""#,
            r#"" 1""#,
            r#""1.0""#,
            "4",
            r#""99999999999999999999""#,
        ] {
            assert!(decimal_string(&j(bad), "f").is_err(), "{bad}");
        }
        assert_eq!(
            decimal_string(&j(r#""x""#), "media.chunk")
                .unwrap_err()
                .to_string(),
            r#"media.chunk: expected a decimal string, got "x""#
        );
    }

    #[test]
    fn lenient_counters_take_numbers_too() {
        assert_eq!(decimal_lenient(&j("7"), "f").unwrap(), 7);
        assert_eq!(decimal_lenient(&j(r#""7""#), "f").unwrap(), 7);
        assert!(decimal_lenient(&j("-7"), "f").is_err());
        assert!(decimal_lenient(&j("7.5"), "f").is_err());
    }

    #[test]
    fn integers_must_fit() {
        assert_eq!(integer::<u16>(&j("1"), "f").unwrap(), 1);
        assert!(integer::<u16>(&j("70000"), "f").is_err());
        assert!(integer::<u32>(&j(r#""8000""#), "f").is_err());
        assert_eq!(integer_lenient::<u32>(&j(r#""8000""#), "f").unwrap(), 8000);
    }

    #[test]
    fn dtmf_digits() {
        assert_eq!(dtmf_digit(&j(r##""#""##), "d").unwrap(), '#');
        assert_eq!(dtmf_digit(&j(r#""b""#), "d").unwrap(), 'B');
        for bad in [r#""""#, r#""12""#, r#""E""#, "1"] {
            assert!(dtmf_digit(&j(bad), "d").is_err(), "{bad}");
        }
    }
}
