//! Python values in, registry values out: the edge of the extension. Only
//! shapes are converted here; every rule about the values (names, lengths,
//! closed sets, JSON bounds) is core's, which answers with its own errors.

use std::str::FromStr;

use modelreg_core as mr;
use modelreg_core::Error as CoreError;
use pyo3::IntoPyObjectExt;
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDateTime, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use serde_json::{Map, Number, Value};
use uuid::Uuid;

use crate::errors;

/// Deeper Python containers than this are refused before core sees them
/// (core's own limit is far lower; this only bounds the recursion here).
const MAX_DEPTH: usize = 128;

/// A JSON value as a Python value: objects as dicts, arrays as lists.
pub fn json_to_py<'py>(py: Python<'py>, value: &Value) -> PyResult<Bound<'py, PyAny>> {
    match value {
        Value::Null => Ok(py.None().into_bound(py)),
        Value::Bool(b) => b.into_bound_py_any(py),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                i.into_bound_py_any(py)
            } else if let Some(u) = n.as_u64() {
                u.into_bound_py_any(py)
            } else {
                n.as_f64().unwrap_or(f64::NAN).into_bound_py_any(py)
            }
        }
        Value::String(s) => s.into_bound_py_any(py),
        Value::Array(items) => {
            let items = items.iter().map(|v| json_to_py(py, v)).collect::<PyResult<Vec<_>>>()?;
            Ok(PyList::new(py, items)?.into_any())
        }
        Value::Object(map) => Ok(json_object_to_py(py, map)?.into_any()),
    }
}

/// A JSON object as a Python dict.
pub fn json_object_to_py<'py>(py: Python<'py>, map: &Map<String, Value>) -> PyResult<Bound<'py, PyDict>> {
    let dict = PyDict::new(py);
    for (key, value) in map {
        dict.set_item(key, json_to_py(py, value)?)?;
    }
    Ok(dict)
}

fn invalid(field: &'static str, reason: impl Into<String>) -> PyErr {
    errors::to_py(CoreError::invalid(field, reason))
}

/// A Python dict (str keys; values None, bool, int, float, str, list, tuple,
/// dict) as a JSON object for `field`.
pub fn json_object(field: &'static str, value: &Bound<'_, PyAny>) -> PyResult<mr::validate::JsonObject> {
    match py_to_json(field, value, 0)? {
        Value::Object(map) => Ok(map),
        _ => Err(invalid(field, "must be a JSON object (a dict with str keys)")),
    }
}

/// An optional JSON object: absent stays absent.
pub fn opt_json_object(
    field: &'static str,
    value: Option<&Bound<'_, PyAny>>,
) -> PyResult<Option<mr::validate::JsonObject>> {
    value.map(|v| json_object(field, v)).transpose()
}

fn py_to_json(field: &'static str, value: &Bound<'_, PyAny>, depth: usize) -> PyResult<Value> {
    if depth > MAX_DEPTH {
        return Err(invalid(field, format!("nests deeper than {MAX_DEPTH} levels")));
    }
    if value.is_none() {
        return Ok(Value::Null);
    }
    if let Ok(b) = value.cast::<PyBool>() {
        return Ok(Value::Bool(b.is_true()));
    }
    if value.is_instance_of::<PyInt>() {
        if let Ok(i) = value.extract::<i64>() {
            return Ok(Value::from(i));
        }
        if let Ok(u) = value.extract::<u64>() {
            return Ok(Value::from(u));
        }
        return Err(invalid(field, format!("the integer {value} does not fit in 64 bits")));
    }
    if let Ok(f) = value.cast::<PyFloat>() {
        return Number::from_f64(f.value())
            .map(Value::Number)
            .ok_or_else(|| invalid(field, format!("{} is not a JSON number", f.value())));
    }
    if let Ok(s) = value.cast::<PyString>() {
        return Ok(Value::String(s.to_str()?.to_owned()));
    }
    if let Ok(dict) = value.cast::<PyDict>() {
        let mut map = Map::with_capacity(dict.len());
        for (key, item) in dict.iter() {
            let key = key
                .cast::<PyString>()
                .map_err(|_| {
                    invalid(
                        field,
                        format!(
                            "the key {} is not a str",
                            key.repr().map(|r| r.to_string()).unwrap_or_default()
                        ),
                    )
                })?
                .to_str()?
                .to_owned();
            map.insert(key, py_to_json(field, &item, depth + 1)?);
        }
        return Ok(Value::Object(map));
    }
    if value.is_instance_of::<PyList>() || value.is_instance_of::<PyTuple>() {
        let items = value
            .try_iter()?
            .map(|item| py_to_json(field, &item?, depth + 1))
            .collect::<PyResult<Vec<_>>>()?;
        return Ok(Value::Array(items));
    }
    Err(invalid(
        field,
        format!(
            "a {} is not JSON (use dict, list, str, int, float, bool or None)",
            value.get_type().name()?
        ),
    ))
}

/// A closed set's value (`"xgboost"`), read by core's own parser.
pub fn closed<T: FromStr<Err = CoreError>>(text: &str) -> PyResult<T> {
    T::from_str(text).map_err(errors::to_py)
}

/// An optional closed set's value.
pub fn opt_closed<T: FromStr<Err = CoreError>>(text: Option<&str>) -> PyResult<Option<T>> {
    text.map(closed).transpose()
}

/// The id of a result object (anything with an `id` attribute that is a UUID).
fn id_of(value: &Bound<'_, PyAny>) -> Option<Uuid> {
    if value.is_instance_of::<PyString>() {
        return None;
    }
    value.extract::<Uuid>().ok().or_else(|| {
        value
            .getattr(pyo3::intern!(value.py(), "id"))
            .ok()
            .and_then(|id| id.extract::<Uuid>().ok())
    })
}

/// A team, model, tag or environment: a name, an id (`uuid.UUID` or its
/// text), or a result object (by its id).
pub fn entity_ref(field: &'static str, value: &Bound<'_, PyAny>) -> PyResult<mr::Ref> {
    if let Ok(text) = value.cast::<PyString>() {
        return Ok(mr::Ref::parse(text.to_str()?));
    }
    id_of(value)
        .map(mr::Ref::Id)
        .ok_or_else(|| type_error(field, "a name, a uuid.UUID or a result object", value))
}

/// An optional entity reference.
pub fn opt_entity_ref(field: &'static str, value: Option<&Bound<'_, PyAny>>) -> PyResult<Option<mr::Ref>> {
    value.map(|v| entity_ref(field, v)).transpose()
}

/// A version: `"MODEL@SEMVER"`, `"MODEL@ALIAS"`, `"MODEL@latest"`,
/// `"MODEL@production"`, an id, or a ModelVersion (by its id).
pub fn version_ref(value: &Bound<'_, PyAny>) -> PyResult<mr::VersionRef> {
    if let Ok(text) = value.cast::<PyString>() {
        return mr::VersionRef::parse(text.to_str()?).map_err(errors::to_py);
    }
    id_of(value)
        .map(mr::VersionRef::Id)
        .ok_or_else(|| type_error("version", "\"MODEL@SEMVER\", a uuid.UUID or a ModelVersion", value))
}

/// An optional version reference.
pub fn opt_version_ref(value: Option<&Bound<'_, PyAny>>) -> PyResult<Option<mr::VersionRef>> {
    value.map(version_ref).transpose()
}

/// The id of a run or deployment: a `uuid.UUID`, its text, or the result object.
pub fn id(field: &'static str, value: &Bound<'_, PyAny>) -> PyResult<Uuid> {
    if let Ok(text) = value.cast::<PyString>() {
        let text = text.to_str()?;
        return Uuid::try_parse(text).map_err(|_| invalid(field, format!("{text:?} is not an id (a UUID)")));
    }
    id_of(value).ok_or_else(|| type_error(field, "a uuid.UUID, its text or a result object", value))
}

fn type_error(field: &str, expected: &str, value: &Bound<'_, PyAny>) -> PyErr {
    let got = value.get_type().name().map(|n| n.to_string()).unwrap_or_default();
    PyTypeError::new_err(format!("{field} must be {expected}, not {got}"))
}

/// A moment: a timezone-aware `datetime` (any zone), as UTC.
pub fn timestamp(field: &'static str, value: &Bound<'_, PyAny>) -> PyResult<mr::Timestamp> {
    let py = value.py();
    let datetime = value
        .cast::<PyDateTime>()
        .map_err(|_| type_error(field, "a datetime", value))?;
    if datetime.getattr("tzinfo")?.is_none() || datetime.call_method0("utcoffset")?.is_none() {
        return Err(invalid(
            field,
            "must be timezone-aware, such as datetime.now(timezone.utc)",
        ));
    }
    let utc = py.import("datetime")?.getattr("timezone")?.getattr("utc")?;
    datetime.call_method1("astimezone", (utc,))?.extract::<mr::Timestamp>()
}

/// An optional moment.
pub fn opt_timestamp(field: &'static str, value: Option<&Bound<'_, PyAny>>) -> PyResult<Option<mr::Timestamp>> {
    value.map(|v| timestamp(field, v)).transpose()
}

/// A checked page of an offset listing; no limit means core's default.
pub fn page(offset: u64, limit: Option<u32>) -> PyResult<mr::Page> {
    mr::Page::new(offset, limit.unwrap_or(mr::store::DEFAULT_LIMIT)).map_err(errors::to_py)
}

/// A change to a field that may be cleared: left out, it stays; `None`
/// clears it; any other value sets it.
pub enum Change<T> {
    /// The argument was not given.
    Keep,
    /// The argument was `None`.
    Clear,
    /// The argument's value.
    Set(T),
}

impl<T> Change<T> {
    /// Core's form: `None` keeps, `Some(None)` clears, `Some(Some(v))` sets.
    pub fn into_update(self) -> Option<Option<T>> {
        match self {
            Change::Keep => None,
            Change::Clear => Some(None),
            Change::Set(value) => Some(Some(value)),
        }
    }

    /// The change with its value converted.
    pub fn try_map<U>(self, f: impl FnOnce(T) -> PyResult<U>) -> PyResult<Change<U>> {
        Ok(match self {
            Change::Keep => Change::Keep,
            Change::Clear => Change::Clear,
            Change::Set(value) => Change::Set(f(value)?),
        })
    }
}

impl<'a, 'py, T: FromPyObject<'a, 'py>> FromPyObject<'a, 'py> for Change<T> {
    type Error = T::Error;

    fn extract(value: Borrowed<'a, 'py, PyAny>) -> Result<Self, Self::Error> {
        if value.is_none() {
            Ok(Change::Clear)
        } else {
            T::extract(value).map(Change::Set)
        }
    }
}
