//! The values of columns, and conversions from the fields of records.

use uuid::Uuid;

use crate::time::Timestamp;
use crate::validate::JsonObject;

/// One value of a column, as it goes to and comes from a backend.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// No value (SQL NULL).
    Null,
    /// A boolean.
    Bool(bool),
    /// An integer (32-bit columns too).
    Int(i64),
    /// A 64-bit float.
    Float(f64),
    /// Text.
    Text(String),
    /// An id.
    Uuid(Uuid),
    /// A UTC instant, to the microsecond.
    Time(Timestamp),
    /// A JSON object.
    Json(JsonObject),
}

impl From<Option<&'static str>> for Value {
    fn from(v: Option<&'static str>) -> Value {
        v.map_or(Value::Null, |s| Value::Text(s.to_owned()))
    }
}

impl From<Option<String>> for Value {
    fn from(v: Option<String>) -> Value {
        v.map_or(Value::Null, Value::Text)
    }
}

impl From<String> for Value {
    fn from(v: String) -> Value {
        Value::Text(v)
    }
}

impl From<&str> for Value {
    fn from(v: &str) -> Value {
        Value::Text(v.to_owned())
    }
}

impl From<Uuid> for Value {
    fn from(v: Uuid) -> Value {
        Value::Uuid(v)
    }
}

impl From<Option<Uuid>> for Value {
    fn from(v: Option<Uuid>) -> Value {
        v.map_or(Value::Null, Value::Uuid)
    }
}

impl From<Timestamp> for Value {
    fn from(v: Timestamp) -> Value {
        Value::Time(v)
    }
}

impl From<Option<Timestamp>> for Value {
    fn from(v: Option<Timestamp>) -> Value {
        v.map_or(Value::Null, Value::Time)
    }
}

impl From<bool> for Value {
    fn from(v: bool) -> Value {
        Value::Bool(v)
    }
}

impl From<i64> for Value {
    fn from(v: i64) -> Value {
        Value::Int(v)
    }
}

impl From<i32> for Value {
    fn from(v: i32) -> Value {
        Value::Int(v.into())
    }
}

impl From<Option<i64>> for Value {
    fn from(v: Option<i64>) -> Value {
        v.map_or(Value::Null, Value::Int)
    }
}

impl From<f64> for Value {
    fn from(v: f64) -> Value {
        Value::Float(v)
    }
}

impl From<Option<f64>> for Value {
    fn from(v: Option<f64>) -> Value {
        v.map_or(Value::Null, Value::Float)
    }
}

impl From<JsonObject> for Value {
    fn from(v: JsonObject) -> Value {
        Value::Json(v)
    }
}
