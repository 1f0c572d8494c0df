//! The registry's typed error as a small exception hierarchy:
//! `modelreg.Error` and one subclass per variant, with the variant's fields
//! as attributes.

use modelreg_core::Error as CoreError;
use pyo3::IntoPyObjectExt;
use pyo3::exceptions::PyException;
use pyo3::prelude::*;
use pyo3::{PyTypeInfo, create_exception};

create_exception!(
    modelreg,
    Error,
    PyException,
    "Base class of every error the registry raises."
);
create_exception!(
    modelreg,
    NotFound,
    Error,
    "The entity does not exist: .entity (its kind) and .key (what it was looked for by)."
);
create_exception!(
    modelreg,
    Conflict,
    Error,
    "A unique field already holds the value (.entity, .field, .value), or a registration \
     repeats a semver with a different artifact (.entity, .key and the differing .fields)."
);
create_exception!(
    modelreg,
    Invalid,
    Error,
    "Input, or a requested transition, breaks a rule: .field names the field at fault, .reason says why."
);
create_exception!(
    modelreg,
    Unavailable,
    Error,
    "The database or server cannot be reached or refuses work for now; trying again later may succeed."
);
create_exception!(
    modelreg,
    StorageFull,
    Error,
    "The disk under the database is full or read-only: writes fail until an operator frees or remounts it."
);
create_exception!(
    modelreg,
    SchemaTooNew,
    Error,
    "The database was migrated by a newer modelreg: .database and .supported are the two schema versions."
);
create_exception!(
    modelreg,
    Internal,
    Error,
    "A fault of modelreg or its database that retrying will not fix."
);

/// The Python exception of a registry error, its fields set as attributes.
pub fn to_py(error: CoreError) -> PyErr {
    Python::attach(|py| match build(py, &error) {
        Ok(err) => err,
        Err(err) => err,
    })
}

fn build(py: Python<'_>, error: &CoreError) -> PyResult<PyErr> {
    let message = error.to_string();
    let (class, attrs): (Bound<'_, pyo3::types::PyType>, Vec<(&str, Py<PyAny>)>) = match error {
        CoreError::NotFound { entity, key } => (
            NotFound::type_object(py),
            vec![
                ("entity", entity.as_str().into_py_any(py)?),
                ("key", key.into_py_any(py)?),
            ],
        ),
        CoreError::Conflict { entity, field, value } => (
            Conflict::type_object(py),
            vec![
                ("entity", entity.as_str().into_py_any(py)?),
                ("field", field.into_py_any(py)?),
                ("value", value.into_py_any(py)?),
                ("key", py.None()),
                ("fields", (*field,).into_py_any(py)?),
            ],
        ),
        CoreError::Mismatch { entity, key, fields } => (
            Conflict::type_object(py),
            vec![
                ("entity", entity.as_str().into_py_any(py)?),
                ("field", py.None()),
                ("value", py.None()),
                ("key", key.into_py_any(py)?),
                (
                    "fields",
                    pyo3::types::PyTuple::new(py, fields.iter().copied())?
                        .into_any()
                        .unbind(),
                ),
            ],
        ),
        CoreError::Invalid { field, reason } => (
            Invalid::type_object(py),
            vec![("field", field.into_py_any(py)?), ("reason", reason.into_py_any(py)?)],
        ),
        CoreError::SchemaTooNew { database, supported } => (
            SchemaTooNew::type_object(py),
            vec![
                ("database", database.into_py_any(py)?),
                ("supported", supported.into_py_any(py)?),
            ],
        ),
        CoreError::Unavailable { .. } => (Unavailable::type_object(py), vec![]),
        CoreError::Storage { .. } => (StorageFull::type_object(py), vec![]),
        CoreError::Internal { .. } => (Internal::type_object(py), vec![]),
    };
    let exception = class.call1((message,))?;
    for (name, value) in attrs {
        exception.setattr(name, value)?;
    }
    Ok(PyErr::from_value(exception))
}

/// Adds the exception classes to the module.
pub fn register(module: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = module.py();
    module.add("Error", py.get_type::<Error>())?;
    module.add("NotFound", py.get_type::<NotFound>())?;
    module.add("Conflict", py.get_type::<Conflict>())?;
    module.add("Invalid", py.get_type::<Invalid>())?;
    module.add("Unavailable", py.get_type::<Unavailable>())?;
    module.add("StorageFull", py.get_type::<StorageFull>())?;
    module.add("SchemaTooNew", py.get_type::<SchemaTooNew>())?;
    module.add("Internal", py.get_type::<Internal>())?;
    Ok(())
}
