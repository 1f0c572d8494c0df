//! JSON request bodies: parsed in three steps so that every refusal names
//! what is at fault. Malformed JSON is 400 with field `body`; an integer
//! literal beyond 64 bits (which parsing would silently turn into an inexact
//! float) is 422 naming its field; a value that does not fit the request
//! type (a float beyond `f64` included) is 422 naming its field path
//! (`deployment.status`, `metadata`), found with serde_path_to_error. A
//! body, and every nested request object, must be a JSON object (serde would
//! otherwise read a struct from an array).

use std::fmt;
use std::marker::PhantomData;

use axum::http::StatusCode;
use serde::de::value::MapAccessDeserializer;
use serde::de::{Deserialize, DeserializeOwned, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde_path_to_error::Segment;
use utoipa::openapi::Components;

use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::json_path::{self, Step};

/// Parses `bytes` as a `T`, the request schema named `schema` among `components`.
pub(crate) fn parse<T: DeserializeOwned>(bytes: &[u8], components: Option<&Components>, schema: &str) -> ApiResult<T> {
    // Checks the syntax only: numbers are skipped, not parsed (a float
    // beyond `f64` is refused below, naming its field).
    if let Err(e) = serde_json::from_slice::<IgnoredAny>(bytes) {
        return Err(malformed(&e));
    }
    let Ok(text) = std::str::from_utf8(bytes) else {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            ErrorCode::Invalid,
            "the body is not UTF-8",
            Some("body"),
        ));
    };
    if let Some(refusal) = wide_integer(text, components, schema) {
        return Err(refusal);
    }
    let mut deserializer = serde_json::Deserializer::from_str(text);
    serde_path_to_error::deserialize::<_, Object<T>>(&mut deserializer)
        .map(|Object(value)| value)
        .map_err(|e| {
            // The JSON is well-formed (checked above), so whatever serde_json
            // calls this error (a number where an enum goes is a "syntax"
            // error to it), a value does not fit the type.
            let mut path: Vec<Step> = e.path().iter().map(step).collect();
            let message = without_position(e.inner());
            // A missing field is noticed at the end of its object, whose path this is.
            if let Some(name) = quoted_after(&message, "missing field `") {
                path.push(Step::Key(name.to_owned()));
            }
            let (field, inner) = json_path::documented_field(components, schema, &path);
            match inner {
                Some(inner) => invalid(&field, format!("at {inner}: {message}")),
                None => invalid(&field, message),
            }
        })
}

/// 422 naming the field of the first integer literal of `text` beyond 64
/// bits, when there is one.
fn wide_integer(text: &str, components: Option<&Components>, schema: &str) -> Option<ApiError> {
    let (path, literal) = modelreg_core::validate::wide_integer(text)?;
    let (field, inner) = json_path::documented_field(components, schema, &path);
    let at = inner.map(|inner| format!("at {inner}: ")).unwrap_or_default();
    Some(invalid(
        &field,
        format!("{at}the integer {literal} is outside the 64-bit range and would lose precision; store it as a string"),
    ))
}

/// 400: the body is not JSON at all.
fn malformed(e: &serde_json::Error) -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        ErrorCode::Invalid,
        format!("the body is not valid JSON: {e}"),
        Some("body"),
    )
}

/// 422 naming `field`.
fn invalid(field: &str, message: String) -> ApiError {
    ApiError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        ErrorCode::Invalid,
        message,
        Some(field),
    )
}

fn step(segment: &Segment) -> Step {
    match segment {
        Segment::Seq { index } => Step::Index(*index),
        Segment::Map { key } => Step::Key(key.clone()),
        Segment::Enum { variant } => Step::Key(variant.clone()),
        Segment::Unknown => Step::Key("?".to_owned()),
    }
}

/// serde_json's message without its ` at line L column C` (the field is named instead).
fn without_position(e: &serde_json::Error) -> String {
    let message = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    message.strip_suffix(&suffix).unwrap_or(&message).to_owned()
}

/// The text between `prefix` and the next backtick, when `message` starts with `prefix`.
fn quoted_after<'a>(message: &'a str, prefix: &str) -> Option<&'a str> {
    message.strip_prefix(prefix)?.split('`').next()
}

/// A `T` read only from a JSON object (never from an array, as serde's
/// derived structs otherwise allow).
struct Object<T>(T);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Object<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        object(deserializer).map(Object)
    }
}

/// For `#[serde(deserialize_with)]` on a nested request object: refuses
/// anything but a JSON object.
pub(crate) fn object<'de, D: Deserializer<'de>, T: Deserialize<'de>>(deserializer: D) -> Result<T, D::Error> {
    deserializer.deserialize_map(ObjectVisitor(PhantomData))
}

struct ObjectVisitor<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for ObjectVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
        T::deserialize(MapAccessDeserializer::new(map))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Inner {
        status: modelreg_core::deployments::DeploymentStatus,
        #[serde(default)]
        replicas: i32,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Outer {
        name: String,
        #[serde(default)]
        metadata: modelreg_core::validate::JsonObject,
        #[serde(default)]
        value: f64,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Nesting {
        #[serde(deserialize_with = "object")]
        inner: Inner,
    }

    /// The status, field and message of refusing `body` as an `Outer` (or a
    /// `Nesting` when it mentions `inner`), with no schema known.
    fn refusal(body: &str) -> (u16, String, String) {
        let e = if body.contains("inner") {
            parse::<Nesting>(body.as_bytes(), None, "Nesting").unwrap_err()
        } else {
            parse::<Outer>(body.as_bytes(), None, "Outer").unwrap_err()
        };
        (e.status.as_u16(), e.detail.field.unwrap_or_default(), e.detail.message)
    }

    #[test]
    fn each_refusal_names_the_field_at_fault() {
        let cases = [
            (r#"{"name": 7}"#, 422, "name"),
            (r#"{"name": "a", "metadata": [1]}"#, 422, "metadata"),
            (r#"{"name": "a", "value": "0.5"}"#, 422, "value"),
            (r#"{"name": "a", "colour": 1}"#, 422, "colour"),
            (r#"{}"#, 422, "name"),
            (r#"{"inner": {"status": "bogus"}}"#, 422, "inner.status"),
            (r#"{"inner": {"replicas": 1}}"#, 422, "inner.status"),
            (r#"{"inner": {"status": "healthy", "x": 1}}"#, 422, "inner.x"),
            (r#"{"inner": ["healthy"]}"#, 422, "inner"),
            (r#"["a"]"#, 422, "body"),
            (r#"null"#, 422, "body"),
            (r#"{"name": "a", "value": 123456789012345678901}"#, 422, "value"),
            (r#"{"name": "a", "value": 1e999}"#, 422, "value"),
            // (With no schema known, every step is taken to be a field.)
            (r#"{"name": "a", "metadata": {"a": [-1.5e400]}}"#, 422, "metadata.a[0]"),
            (r#"{"name": "a", "value": 1e999, "x": }"#, 400, "body"),
            (r#"{"inner": {"status": 7}}"#, 422, "inner.status"),
            (
                r#"{"inner": {"status": "healthy", "replicas": "2"}}"#,
                422,
                "inner.replicas",
            ),
            (r#"{"name": "a""#, 400, "body"),
            (r#"{"name": "a"} x"#, 400, "body"),
            ("", 400, "body"),
        ];
        for (body, status, field) in cases {
            let (got_status, got_field, message) = refusal(body);
            assert_eq!((got_status, got_field.as_str()), (status, field), "{body}: {message}");
            assert!(!message.is_empty());
        }
    }

    #[test]
    fn a_data_error_names_no_position_but_a_syntax_error_does() {
        let (_, _, message) = refusal(r#"{"name": "a", "value": "x"}"#);
        assert_eq!(message, r#"invalid type: string "x", expected f64"#);
        let (_, _, message) = refusal(r#"{"name": "#);
        assert!(message.contains("line 1 column"), "{message}");
    }

    #[test]
    fn integers_within_64_bits_and_floats_are_accepted() {
        let body =
            r#"{"name": "a", "metadata": {"big": 18446744073709551615, "small": -9223372036854775808, "f": 1e300}}"#;
        assert!(parse::<Outer>(body.as_bytes(), None, "Outer").is_ok());
    }
}
