//! Reading fields out of a decoded form.

use std::str::FromStr;

/// Why a callback form could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CallbackError {
    #[error("the callback has no {0} field")]
    Missing(&'static str),
    #[error("the callback's {field} is {value:?}, which is not {expected}")]
    Invalid {
        field: &'static str,
        value: String,
        expected: &'static str,
    },
}

/// A form as `(name, value)` pairs.
pub(super) struct Form<'a>(pub &'a [(String, String)]);

impl<'a> Form<'a> {
    /// The first value of `name`, if present and not empty.
    pub fn get(&self, name: &str) -> Option<&'a str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.is_empty())
    }

    pub fn required(&self, name: &'static str) -> Result<&'a str, CallbackError> {
        self.get(name).ok_or(CallbackError::Missing(name))
    }

    pub fn string(&self, name: &str) -> String {
        self.get(name).unwrap_or_default().to_owned()
    }

    pub fn optional(&self, name: &str) -> Option<String> {
        self.get(name).map(str::to_owned)
    }

    /// A non-negative whole number, if present.
    pub fn number<T: FromStr>(&self, name: &'static str) -> Result<Option<T>, CallbackError> {
        self.get(name)
            .map(|value| {
                value.trim().parse().map_err(|_| CallbackError::Invalid {
                    field: name,
                    value: value.to_owned(),
                    expected: "a whole number",
                })
            })
            .transpose()
    }
}
