//! Field rules shared by every entity: lengths in characters, no control
//! characters, names without surrounding whitespace, JSON objects of bounded size.

use serde_json::{Map, Value};

use crate::error::{Error, Result};

/// A JSON object as stored in `metadata`, `hyperparameters`, `environment`, `config`.
pub type JsonObject = Map<String, Value>;

/// The largest serialized JSON object a field may hold.
pub const MAX_JSON_BYTES: usize = 64 * 1024;

/// Deserializes a field that is present (even as `null`) as `Some`, so that
/// with `#[serde(default)]` an absent field is `None` ("leave it") and
/// `null` is `Some(None)` ("clear it").
pub fn present<'de, D, T>(deserializer: D) -> std::result::Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    T::deserialize(deserializer).map(Some)
}

/// A name: 1..=max characters, no control characters, no surrounding whitespace.
pub fn name(field: &'static str, value: &str, max: usize) -> Result<()> {
    if value.is_empty() {
        return Err(Error::invalid(field, "must not be empty"));
    }
    if value.trim() != value {
        return Err(Error::invalid(field, "must not start or end with whitespace"));
    }
    text(field, value, max)
}

/// A free text: at most max characters, no control characters.
pub fn text(field: &'static str, value: &str, max: usize) -> Result<()> {
    if let Some(c) = value.chars().find(|c| c.is_control()) {
        return Err(Error::invalid(
            field,
            format!("must not contain control characters (found U+{:04X})", c as u32),
        ));
    }
    let len = value.chars().count();
    if len > max {
        return Err(Error::invalid(
            field,
            format!("must be at most {max} characters (got {len})"),
        ));
    }
    Ok(())
}

/// An optional free text: checked as [`text`] when present.
pub fn opt_text(field: &'static str, value: Option<&str>, max: usize) -> Result<()> {
    value.map_or(Ok(()), |v| text(field, v, max))
}

/// A required free text of 1..=max characters.
pub fn required_text(field: &'static str, value: &str, max: usize) -> Result<()> {
    if value.is_empty() {
        return Err(Error::invalid(field, "must not be empty"));
    }
    text(field, value, max)
}

/// A float that is finite and not negative.
pub fn non_negative(field: &'static str, value: f64) -> Result<()> {
    finite(field, value)?;
    if value < 0.0 {
        return Err(Error::invalid(field, format!("must be 0 or more (got {value})")));
    }
    Ok(())
}

/// A finite float: NaN and the infinities are rejected.
pub fn finite(field: &'static str, value: f64) -> Result<()> {
    if !value.is_finite() {
        return Err(Error::invalid(field, format!("must be a finite number (got {value})")));
    }
    Ok(())
}

/// An integer that is not negative.
pub fn non_negative_int(field: &'static str, value: i64) -> Result<()> {
    if value < 0 {
        return Err(Error::invalid(field, format!("must be 0 or more (got {value})")));
    }
    Ok(())
}

/// A JSON object of at most [`MAX_JSON_BYTES`] when serialized.
pub fn json_object(field: &'static str, value: &JsonObject) -> Result<()> {
    let size = serde_json::to_string(value)
        .map_err(|e| Error::invalid(field, e.to_string()))?
        .len();
    if size > MAX_JSON_BYTES {
        return Err(Error::invalid(
            field,
            format!("must be at most {MAX_JSON_BYTES} bytes as JSON (got {size})"),
        ));
    }
    Ok(())
}

/// Parses JSON text that must be an object (of bounded size).
pub fn parse_json_object(field: &'static str, text: &str) -> Result<JsonObject> {
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(map)) => {
            json_object(field, &map)?;
            Ok(map)
        }
        Ok(other) => Err(Error::invalid(
            field,
            format!("must be a JSON object, not {}", json_type(&other)),
        )),
        Err(e) => Err(Error::invalid(field, format!("is not valid JSON: {e}"))),
    }
}

/// Turns any JSON value into an object, rejecting arrays and scalars.
pub fn into_json_object(field: &'static str, value: Value) -> Result<JsonObject> {
    match value {
        Value::Object(map) => {
            json_object(field, &map)?;
            Ok(map)
        }
        other => Err(Error::invalid(
            field,
            format!("must be a JSON object, not {}", json_type(&other)),
        )),
    }
}

fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// A SHA-256 checksum: exactly 64 hex digits, returned lower-case.
pub fn checksum_sha256(value: &str) -> Result<String> {
    const FIELD: &str = "checksum_sha256";
    if value.len() != 64 || !value.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(Error::invalid(FIELD, "must be exactly 64 hexadecimal characters"));
    }
    Ok(value.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_reject_padding_control_characters_and_excess_length() {
        assert!(name("name", "ok-name", 10).is_ok());
        assert!(name("name", " padded", 10).is_err());
        assert!(name("name", "nul\0", 10).is_err());
        assert!(name("name", "", 10).is_err());
        assert!(name("name", "ééééé", 5).is_ok(), "lengths count characters");
        assert!(name("name", "ééééé", 4).is_err());
    }

    #[test]
    fn json_must_be_an_object() {
        assert!(parse_json_object("metadata", "{}").is_ok());
        assert!(parse_json_object("metadata", "[1]").is_err());
        assert!(parse_json_object("metadata", "3").is_err());
        assert!(parse_json_object("metadata", "{").is_err());
    }
}
