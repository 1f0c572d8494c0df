//! The rules of JSON fields: objects every backend stores and reads back
//! exactly (bounded size and depth, no NUL, no integer beyond 64 bits), and
//! the one canonical form of the numbers they hold.

use serde_json::Value;

use super::JsonObject;
use crate::error::{Error, Result};

/// The largest serialized JSON object a field may hold.
pub const MAX_JSON_BYTES: usize = 64 * 1024;

/// The deepest a JSON field may nest (the object itself is level 1).
pub const MAX_JSON_DEPTH: usize = 32;

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

/// One step down a JSON document: a key of an object, or an index of an array.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JsonStep {
    /// The value of this key.
    Key(String),
    /// The item at this index.
    Index(usize),
}

impl std::fmt::Display for JsonStep {
    /// A key as itself, an index as `[index]`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            JsonStep::Key(key) => f.write_str(key),
            JsonStep::Index(index) => write!(f, "[{index}]"),
        }
    }
}

/// The first integer literal of JSON `text` outside the 64-bit range (which
/// parsing would turn into an inexact float), with the path of keys and
/// indexes leading to it. Strings are skipped; other errors are left to the
/// parser. Keys are decoded only for the path of a literal found.
pub fn wide_integer(text: &str) -> Option<(Vec<JsonStep>, String)> {
    enum Frame {
        /// An object, and the span of the key on the path (with its quotes).
        Object(Option<(usize, usize)>),
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
                    // A key that does not decode leaves the text to the parser.
                    serde_json::from_str::<serde::de::IgnoredAny>(text.get(start..=i)?).ok()?;
                    *key = Some((start, i));
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
                    let mut path = Vec::with_capacity(stack.len());
                    for frame in &stack {
                        path.push(match frame {
                            Frame::Object(Some((from, to))) => {
                                JsonStep::Key(serde_json::from_str(&text[*from..=*to]).ok()?)
                            }
                            Frame::Object(None) => JsonStep::Key(String::new()),
                            Frame::Array(index) => JsonStep::Index(*index),
                        });
                    }
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
                    .chain(path.iter().map(ToString::to_string))
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
