//! Capture types that accept *any* JSON value, so type checks happen in our code.
//!
//! Deriving `Deserialize` straight into typed structs would make serde_json
//! produce errors such as ``invalid type: integer `5`, expected a string at
//! line 1 column 40``. The wire structs instead hold [`Json`] (a scalar or a
//! small tree, strings borrowed from the input when they have no escapes) and
//! [`Nested`] (an object decoded into a struct, or whatever else was there).
//! The conversion layer then reports `media.chunk: expected a decimal string,
//! got 5`. A media frame parses without allocating: its strings are borrowed
//! and only arrays and objects in leaf positions build vectors.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::de::value::MapAccessDeserializer;
use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

/// Any JSON value, strings borrowed when possible.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Json<'a> {
    Null,
    Bool(bool),
    /// A non-negative integer.
    Uint(u64),
    /// A negative integer.
    Int(i64),
    Float(f64),
    Str(Cow<'a, str>),
    Array(Vec<Json<'a>>),
    Object(Vec<(Cow<'a, str>, Json<'a>)>),
}

/// Longest string excerpt quoted in an error message.
const EXCERPT_CHARS: usize = 40;

impl Json<'_> {
    /// A short human description for error messages: `"x"`, `5`, `an array`.
    pub(crate) fn describe(&self) -> String {
        match self {
            Json::Null => "null".to_owned(),
            Json::Bool(b) => b.to_string(),
            Json::Uint(n) => n.to_string(),
            Json::Int(n) => n.to_string(),
            Json::Float(f) => f.to_string(),
            Json::Str(s) => excerpt(s),
            Json::Array(_) => "an array".to_owned(),
            Json::Object(_) => "an object".to_owned(),
        }
    }
}

/// `s` as a JSON string literal, cut to [`EXCERPT_CHARS`] characters.
pub(crate) fn excerpt(s: &str) -> String {
    let mut out = String::with_capacity(s.len().min(EXCERPT_CHARS * 2) + 8);
    let cut = s.char_indices().nth(EXCERPT_CHARS).map(|(i, _)| i);
    let shown = cut.map_or(s, |i| &s[..i]);
    super::write::push_str_literal(&mut out, shown);
    if cut.is_some() {
        out.push_str("...");
    }
    out
}

struct JsonVisitor;

impl<'de> Visitor<'de> for JsonVisitor {
    type Value = Json<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(Json::Null)
    }

    fn visit_none<E>(self) -> Result<Self::Value, E> {
        Ok(Json::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }

    fn visit_bool<E>(self, v: bool) -> Result<Self::Value, E> {
        Ok(Json::Bool(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Json::Uint(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
        Ok(if v >= 0 {
            Json::Uint(v.unsigned_abs())
        } else {
            Json::Int(v)
        })
    }

    fn visit_f64<E>(self, v: f64) -> Result<Self::Value, E> {
        Ok(Json::Float(v))
    }

    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Json::Str(Cow::Borrowed(v)))
    }

    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Json::Str(Cow::Owned(v.to_owned())))
    }

    fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
        Ok(Json::Str(Cow::Owned(v)))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Json<'de>>()? {
            items.push(item);
        }
        Ok(Json::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key::<Json<'de>>()? {
            let Json::Str(key) = key else {
                return Err(de::Error::custom("object key is not a string"));
            };
            entries.push((key, map.next_value::<Json<'de>>()?));
        }
        Ok(Json::Object(entries))
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Json<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(JsonVisitor)
    }
}

/// A JSON object decoded into `T`, or the value found where an object was expected.
#[derive(Debug)]
pub(crate) enum Nested<'a, T> {
    Obj(T),
    Not(Json<'a>),
}

impl<'a, T> Nested<'a, T> {
    /// The object, or [`ParseError::NotAnObject`](crate::ParseError::NotAnObject) naming `field`.
    pub(crate) fn object(self, field: &'static str) -> Result<T, crate::ParseError> {
        match self {
            Nested::Obj(t) => Ok(t),
            Nested::Not(v) => Err(crate::ParseError::NotAnObject {
                field,
                got: v.describe(),
            }),
        }
    }
}

struct NestedVisitor<T>(PhantomData<T>);

/// Forwards a scalar `visit_*` to [`JsonVisitor`] and wraps the result in [`Nested::Not`].
macro_rules! forward_scalar {
    ($($method:ident($ty:ty)),* $(,)?) => {$(
        fn $method<E: de::Error>(self, v: $ty) -> Result<Self::Value, E> {
            JsonVisitor.$method(v).map(Nested::Not)
        }
    )*};
}

impl<'de, T: Deserialize<'de>> Visitor<'de> for NestedVisitor<T> {
    type Value = Nested<'de, T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    forward_scalar!(
        visit_bool(bool),
        visit_u64(u64),
        visit_i64(i64),
        visit_f64(f64),
        visit_borrowed_str(&'de str),
        visit_str(&str),
        visit_string(String),
    );

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Nested::Not(Json::Null))
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Nested::Not(Json::Null))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        // Only the kind matters for the error message; skip the contents.
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Nested::Not(Json::Array(Vec::new())))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        T::deserialize(MapAccessDeserializer::new(map)).map(Nested::Obj)
    }
}

impl<'de: 'a, 'a, T: Deserialize<'de>> Deserialize<'de> for Nested<'a, T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // `Nested<'de, T>` coerces to `Nested<'a, T>`: `Json` is covariant.
        d.deserialize_any(NestedVisitor(PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_without_escapes_are_borrowed() {
        let v: Json<'_> = serde_json::from_str(r#""abc""#).unwrap();
        assert!(matches!(v, Json::Str(Cow::Borrowed("abc"))));
        let v: Json<'_> = serde_json::from_str(r#""a\/c""#).unwrap();
        assert!(matches!(v, Json::Str(Cow::Owned(ref s)) if s == "a/c"));
    }

    #[test]
    fn describes_values_briefly() {
        let long = format!("\"{}\"", "x".repeat(100));
        let v: Json<'_> = serde_json::from_str(&long).unwrap();
        let d = v.describe();
        assert!(d.len() < 50, "{d}");
        assert!(d.ends_with("..."));
        let v: Json<'_> = serde_json::from_str("[1,2]").unwrap();
        assert_eq!(v.describe(), "an array");
        let v: Json<'_> = serde_json::from_str("-3").unwrap();
        assert_eq!(v.describe(), "-3");
    }

    #[derive(serde::Deserialize, Debug)]
    struct Inner<'a> {
        #[serde(borrow)]
        x: Option<Json<'a>>,
    }

    #[test]
    fn nested_reports_what_it_found() {
        let n: Nested<'_, Inner<'_>> = serde_json::from_str(r#"{"x":"y","z":[1]}"#).unwrap();
        assert!(matches!(
            n,
            Nested::Obj(Inner {
                x: Some(Json::Str(_))
            })
        ));
        let n: Nested<'_, Inner<'_>> = serde_json::from_str(r#""y""#).unwrap();
        let err = n.object("media").unwrap_err().to_string();
        assert_eq!(err, r#"media: expected a JSON object, got "y""#);
    }
}
