//! Field rules shared by every entity: lengths in characters; no control,
//! format (Cf) or line/paragraph separator characters; names in Unicode NFC
//! without surrounding whitespace; JSON objects of bounded size and depth
//! that every backend can store and read back.

use serde_json::{Map, Value};
use unicode_normalization::{UnicodeNormalization, is_nfc};
use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};

use crate::error::{Error, Result};

/// A JSON object as stored in `metadata`, `hyperparameters`, `environment`, `config`.
pub type JsonObject = Map<String, Value>;

/// The largest serialized JSON object a field may hold.
pub const MAX_JSON_BYTES: usize = 64 * 1024;

/// The deepest a JSON field may nest (the object itself is level 1).
pub const MAX_JSON_DEPTH: usize = 32;

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

/// `name` in Unicode NFC, the one spelling a name is stored and looked up under.
pub fn nfc(name: &str) -> String {
    if is_nfc(name) {
        name.to_owned()
    } else {
        name.nfc().collect()
    }
}

/// A name: 1..=max characters, in NFC, no surrounding whitespace, none of the
/// characters [`text`] rejects.
pub fn name(field: &'static str, value: &str, max: usize) -> Result<()> {
    if value.is_empty() {
        return Err(Error::invalid(field, "must not be empty"));
    }
    if value.trim() != value {
        return Err(Error::invalid(field, "must not start or end with whitespace"));
    }
    text(field, value, max)?;
    if !is_nfc(value) {
        return Err(Error::invalid(
            field,
            "must be in Unicode normal form C (NFC); modelreg normalizes names it is given",
        ));
    }
    Ok(())
}

/// Why `c` may not appear in a text field, if it may not.
fn forbidden(c: char) -> Option<&'static str> {
    match c.general_category() {
        GeneralCategory::Control => Some("control characters"),
        GeneralCategory::Format => Some("invisible format characters (such as zero-width or bidirectional controls)"),
        GeneralCategory::LineSeparator | GeneralCategory::ParagraphSeparator => Some("line or paragraph separators"),
        _ => None,
    }
}

fn check_chars(field: &'static str, value: &str, allowed: &[char]) -> Result<()> {
    for c in value.chars() {
        if allowed.contains(&c) {
            continue;
        }
        if let Some(what) = forbidden(c) {
            return Err(Error::invalid(
                field,
                format!("must not contain {what} (found U+{:04X})", c as u32),
            ));
        }
    }
    Ok(())
}

fn check_length(field: &'static str, value: &str, max: usize) -> Result<()> {
    let len = value.chars().count();
    if len > max {
        return Err(Error::invalid(
            field,
            format!("must be at most {max} characters (got {len})"),
        ));
    }
    Ok(())
}

/// A free text on one line: at most max characters; no control, format,
/// or line/paragraph separator characters.
pub fn text(field: &'static str, value: &str, max: usize) -> Result<()> {
    check_chars(field, value, &[])?;
    check_length(field, value, max)
}

/// A description: like [`text`], but it may hold newlines and tabs.
pub fn description(field: &'static str, value: &str, max: usize) -> Result<()> {
    check_chars(field, value, &['\n', '\r', '\t'])?;
    check_length(field, value, max)
}

/// An optional description: checked as [`description`] when present.
pub fn opt_description(field: &'static str, value: Option<&str>, max: usize) -> Result<()> {
    value.map_or(Ok(()), |v| description(field, v, max))
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

/// A float in `0..=max`: bounded so that totals over any number of rows stay finite.
pub fn bounded(field: &'static str, value: f64, max: f64) -> Result<()> {
    non_negative(field, value)?;
    if value > max {
        return Err(Error::invalid(field, format!("must be at most {max} (got {value})")));
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

/// A JSON object every backend stores and reads back exactly: at most
/// [`MAX_JSON_BYTES`] when serialized, nested at most [`MAX_JSON_DEPTH`]
/// levels, and no U+0000 in any key or string. The error names the path.
pub fn json_object(field: &'static str, value: &JsonObject) -> Result<()> {
    check_json(field, &mut field.to_owned(), value.iter(), 1, MAX_JSON_DEPTH)?;
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

/// The `changes` of an audit event: what [`json_object`] asks of a field,
/// two levels deeper (an update wraps a value in `{"field": {"old", "new"}}`)
/// and without the size bound (it holds a field's old and new value).
pub fn audit_changes(value: &JsonObject) -> Result<()> {
    check_json(
        "changes",
        &mut "changes".to_owned(),
        value.iter(),
        1,
        MAX_JSON_DEPTH + 2,
    )
}

/// Walks the members of one object at `depth`, with `path` naming it.
fn check_json<'a>(
    field: &'static str,
    path: &mut String,
    members: impl Iterator<Item = (&'a String, &'a Value)>,
    depth: usize,
    max: usize,
) -> Result<()> {
    if depth > max {
        return Err(Error::invalid(
            field,
            format!("at {path}: nests deeper than {max} levels"),
        ));
    }
    for (key, value) in members {
        if key.contains('\0') {
            return Err(Error::invalid(field, format!("at {path}: a key holds U+0000")));
        }
        let len = path.len();
        path.push('.');
        path.push_str(key);
        check_json_value(field, path, value, depth, max)?;
        path.truncate(len);
    }
    Ok(())
}

fn check_json_value(field: &'static str, path: &mut String, value: &Value, depth: usize, max: usize) -> Result<()> {
    match value {
        Value::String(s) if s.contains('\0') => Err(Error::invalid(field, format!("at {path}: a string holds U+0000"))),
        Value::Object(map) => check_json(field, path, map.iter(), depth + 1, max),
        Value::Array(items) => {
            if depth + 1 > max {
                return Err(Error::invalid(
                    field,
                    format!("at {path}: nests deeper than {max} levels"),
                ));
            }
            for (i, item) in items.iter().enumerate() {
                let len = path.len();
                path.push_str(&format!("[{i}]"));
                check_json_value(field, path, item, depth + 1, max)?;
                path.truncate(len);
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

/// The first integer literal of JSON `text` outside the 64-bit range (which
/// parsing would turn into an inexact float), with the path of keys and
/// `[index]`es leading to it. Strings are skipped; other errors are left to the parser.
pub fn wide_integer(text: &str) -> Option<(Vec<String>, String)> {
    enum Frame {
        Object(Option<String>),
        Array(usize),
    }
    let bytes = text.as_bytes();
    let mut stack: Vec<Frame> = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'{' => stack.push(Frame::Object(None)),
            b'[' => stack.push(Frame::Array(0)),
            b'}' | b']' => {
                stack.pop();
            }
            b',' => match stack.last_mut() {
                Some(Frame::Array(index)) => *index += 1,
                Some(Frame::Object(key)) => *key = None,
                None => {}
            },
            b'"' => {
                let start = i;
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                let rest = text.get(i + 1..).unwrap_or("").trim_start();
                if let Some(Frame::Object(key @ None)) = stack.last_mut()
                    && rest.starts_with(':')
                {
                    *key = Some(serde_json::from_str(text.get(start..=i)?).ok()?);
                }
            }
            b'-' | b'0'..=b'9' => {
                let start = i;
                while i + 1 < bytes.len() && matches!(bytes[i + 1], b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9') {
                    i += 1;
                }
                let literal = &text[start..=i];
                let integral = !literal.contains(['.', 'e', 'E']);
                if integral && literal.parse::<i64>().is_err() && literal.parse::<u64>().is_err() {
                    let path = stack
                        .iter()
                        .map(|frame| match frame {
                            Frame::Object(key) => key.clone().unwrap_or_default(),
                            Frame::Array(index) => format!("[{index}]"),
                        })
                        .collect();
                    return Some((path, literal.to_owned()));
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// Checks JSON text before it is parsed, for what parsing would lose
/// silently: an integer literal outside the 64-bit range (which would
/// become an inexact float). The error names `field` and the literal's path.
pub fn json_text(field: &'static str, text: &str) -> Result<()> {
    match wide_integer(text) {
        None => Ok(()),
        Some((path, literal)) => Err(Error::invalid(
            field,
            format!(
                "at {}: the integer {literal} is outside the 64-bit range and would lose precision; store it as a string",
                std::iter::once(field.to_owned())
                    .chain(path)
                    .collect::<Vec<_>>()
                    .join(".")
            ),
        )),
    }
}

/// Parses JSON text that must be an object (of bounded size and depth).
pub fn parse_json_object(field: &'static str, text: &str) -> Result<JsonObject> {
    json_text(field, text)?;
    match serde_json::from_str::<Value>(text) {
        Ok(value) => into_json_object(field, value),
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

/// "a string", "an array", …: how an error names the JSON type it got.
pub fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// The one form of a float every backend stores and reads back the same:
/// negative zero is zero (SQLite and PostgreSQL's NUMERIC keep no sign on it).
pub fn canonical_float(value: f64) -> f64 {
    value + 0.0
}

/// Rewrites a JSON object into the one form every backend stores and reads
/// back the same. Two floats change: one whose value is a whole number of
/// at least 1e16 that fits 64 bits becomes that integer (it is written as
/// `1e16`, which PostgreSQL's JSONB keeps as `10000000000000000`, an integer
/// when read back), and negative zero becomes zero (NUMERIC has no sign on
/// it). Every other number is kept as it is; numbers still compare as numbers.
pub fn canonical_json(object: &mut JsonObject) {
    fn canonical(value: &mut Value) {
        match value {
            Value::Number(n) => {
                if let Some(f) = n.as_f64().filter(|_| n.is_f64()) {
                    if f == 0.0 && f.is_sign_negative() {
                        *value = Value::from(0.0);
                    } else if f.fract() == 0.0 && f.abs() >= 1e16 {
                        if (-9_223_372_036_854_775_808.0..9_223_372_036_854_775_808.0).contains(&f) {
                            *value = Value::from(f as i64);
                        } else if (0.0..18_446_744_073_709_551_616.0).contains(&f) {
                            *value = Value::from(f as u64);
                        }
                    }
                }
            }
            Value::Array(items) => items.iter_mut().for_each(canonical),
            Value::Object(map) => map.values_mut().for_each(canonical),
            _ => {}
        }
    }
    object.values_mut().for_each(canonical);
}

/// An instant RFC 3339 can write and every backend can store: years 1 to 9999.
pub fn timestamp(field: &'static str, value: &crate::time::Timestamp) -> Result<()> {
    use chrono::Datelike;
    if !(1..=9999).contains(&value.year()) {
        return Err(Error::invalid(
            field,
            format!("must be between the years 1 and 9999 (got {value})"),
        ));
    }
    Ok(())
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
    use serde_json::json;

    use super::*;

    fn reason(result: Result<()>) -> String {
        match result {
            Err(Error::Invalid { reason, .. }) => reason,
            other => panic!("expected Invalid, got {other:?}"),
        }
    }

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
    fn format_characters_and_separators_are_named_by_code_point() {
        for (c, code) in [
            ('\u{202E}', "U+202E"),
            ('\u{200B}', "U+200B"),
            ('\u{FEFF}', "U+FEFF"),
            ('\u{2028}', "U+2028"),
            ('\u{2029}', "U+2029"),
            ('\u{00AD}', "U+00AD"),
        ] {
            let value = format!("a{c}b");
            assert!(reason(name("name", &value, 10)).contains(code), "{code}");
            assert!(reason(text("description", &value, 10)).contains(code), "{code}");
            assert!(reason(description("description", &value, 10)).contains(code), "{code}");
        }
    }

    #[test]
    fn descriptions_alone_may_hold_newlines_and_tabs() {
        assert!(description("description", "line one\n\tline two\r\n", 100).is_ok());
        assert!(text("use_case", "line one\nline two", 100).is_err());
        assert!(description("description", "bell\u{7}", 100).is_err());
    }

    #[test]
    fn names_must_be_nfc_and_nfc_makes_look_alikes_one_name() {
        let decomposed = "e\u{301}t\u{e9}";
        assert!(reason(name("name", decomposed, 10)).contains("NFC"));
        assert_eq!(nfc(decomposed), "\u{e9}t\u{e9}");
        assert!(name("name", &nfc(decomposed), 10).is_ok());
    }

    #[test]
    fn json_must_be_an_object() {
        assert!(parse_json_object("metadata", "{}").is_ok());
        assert!(parse_json_object("metadata", "[1]").is_err());
        assert!(parse_json_object("metadata", "3").is_err());
        assert!(parse_json_object("metadata", "{").is_err());
    }

    fn nested(depth: usize) -> Value {
        (1..depth).fold(json!({}), |inner, _| json!({ "a": inner }))
    }

    #[test]
    fn json_nests_at_most_32_levels_and_the_error_names_the_path() {
        let ok = nested(MAX_JSON_DEPTH);
        assert!(into_json_object("metadata", ok).is_ok());
        let deep = nested(MAX_JSON_DEPTH + 1);
        let why = match into_json_object("metadata", deep) {
            Err(Error::Invalid { reason, .. }) => reason,
            other => panic!("{other:?}"),
        };
        assert!(
            why.contains("deeper than 32") && why.starts_with("at metadata.a.a"),
            "{why}"
        );
        let arrays = (1..=MAX_JSON_DEPTH).fold(json!(1), |inner, _| json!([inner]));
        assert!(into_json_object("metadata", json!({ "x": arrays })).is_err());
    }

    #[test]
    fn json_strings_and_keys_may_not_hold_nul() {
        assert!(into_json_object("metadata", json!({"a": "x\u{0}y"})).is_err());
        assert!(into_json_object("metadata", json!({"a\u{0}": 1})).is_err());
        assert!(into_json_object("metadata", json!({"a": ["ok", {"b": "\u{0}"}]})).is_err());
        assert!(into_json_object("metadata", json!({"a": "\\u0000 as text is fine"})).is_ok());
    }

    #[test]
    fn canonical_json_keeps_values_and_writes_large_whole_floats_as_integers() {
        let mut object = json!({"a": 1e18, "b": -0.0, "c": 2.5, "d": [3.0, {"e": 1.5e300}], "f": "1e18", "g": 18446744073709551615u64})
            .as_object()
            .cloned()
            .unwrap();
        canonical_json(&mut object);
        assert_eq!(
            serde_json::to_string(&object).unwrap(),
            r#"{"a":1000000000000000000,"b":0.0,"c":2.5,"d":[3.0,{"e":1.5e+300}],"f":"1e18","g":18446744073709551615}"#
        );
        assert!(canonical_float(-0.0).is_sign_positive());
    }

    #[test]
    fn integers_beyond_64_bits_are_refused_before_they_become_floats() {
        assert!(parse_json_object("metadata", r#"{"a": 18446744073709551615}"#).is_ok());
        assert!(parse_json_object("metadata", r#"{"a": -9223372036854775808}"#).is_ok());
        assert!(parse_json_object("metadata", r#"{"a": 18446744073709551616}"#).is_err());
        assert!(parse_json_object("metadata", r#"{"a": -9223372036854775809}"#).is_err());
        assert!(parse_json_object("metadata", r#"{"a": 1e400}"#).is_err(), "not finite");
        assert!(parse_json_object("metadata", r#"{"a": 1.5e300, "b": "123456789012345678901234"}"#).is_ok());
        assert!(parse_json_object("metadata", r#"{"a\"9": 99999999999999999999999}"#).is_err());
    }
}
