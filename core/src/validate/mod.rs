//! Field rules shared by every entity: lengths in characters; no control,
//! format (Cf) or line/paragraph separator characters; names in Unicode NFC
//! without surrounding whitespace; JSON objects of bounded size and depth
//! that every backend can store and read back.

use serde_json::{Map, Value};
use unicode_normalization::{UnicodeNormalization, is_nfc};
use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};

use crate::error::{Error, Result};

mod json;

pub use json::{
    JsonStep, MAX_JSON_BYTES, MAX_JSON_DEPTH, audit_changes, canonical_float, canonical_json, into_json_object,
    json_object, json_text, json_type, parse_json_object, wide_integer,
};

/// A JSON object as stored in `metadata`, `hyperparameters`, `environment`, `config`.
pub type JsonObject = Map<String, Value>;

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
