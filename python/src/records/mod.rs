//! What the registry answers, as immutable Python objects: one frozen class
//! per result type of `modelreg-core`, with a typed attribute per field
//! (`datetime` in UTC, `uuid.UUID`, `dict` for JSON, closed sets as `str`)
//! and `to_dict()`. Each class names every field of its core type: a field
//! added in core and not here fails to compile.
//!
//! The classes are declared with `records!`, one file per group of nouns;
//! [`Page`] holds a page of a query's results.

use std::collections::BTreeMap;

use modelreg_core as mr;
use pyo3::IntoPyObjectExt;
use pyo3::prelude::*;
use pyo3::types::{IntoPyDict, PyList};

use crate::convert::json_object_to_py;

/// Declares result classes. Each wraps a core type, lists every one of its
/// fields with the field's doc (a typed getter each), and may carry a
/// constant `kind`; it gets `to_dict()`, `repr()`, `==`, and [`ToPy`] for
/// the core type. Also makes `register`, adding the classes to the module.
/// Paths are spelled out, so that a file declaring records needs only the
/// PyO3 prelude.
macro_rules! records {
    ($(
        $(#[doc = $doc:literal])*
        $name:ident = $($core:ident)::+ $([kind = $kind:literal])? {
            $( $field:ident: $field_doc:literal ),* $(,)?
        }
    )*) => {
        $(
            $(#[doc = $doc])*
            #[pyclass(frozen, eq, module = "modelreg")]
            #[derive(Clone, PartialEq)]
            pub struct $name(pub $($core)::+);

            impl $name {
                /// The fields of `record`, in declaration order (the kind first, when the class has one).
                fn fields<'py>(
                    record: &$($core)::+,
                    py: Python<'py>,
                    form: $crate::records::Form,
                ) -> PyResult<Vec<(&'static str, Bound<'py, PyAny>)>> {
                    use $crate::records::ToPy;
                    // Names every field of the core type, so that one added there
                    // and not here is a compile error.
                    let $($core)::+ { $($field),* } = record;
                    Ok(vec![
                        $( ("kind", pyo3::IntoPyObjectExt::into_bound_py_any($kind, py)?), )?
                        $( (stringify!($field), $field.to_py_as(py, form)?), )*
                    ])
                }

                /// `record` as a new dict; nested results become dicts too.
                fn dict<'py>(record: &$($core)::+, py: Python<'py>) -> PyResult<Bound<'py, pyo3::types::PyDict>> {
                    use pyo3::types::IntoPyDict;
                    Self::fields(record, py, $crate::records::Form::Dict)?.into_py_dict(py)
                }
            }

            #[pymethods]
            impl $name {
                $(
                    /// The kind of change: `"status"` or `"alias"`.
                    #[getter]
                    fn kind(&self) -> &'static str {
                        $kind
                    }
                )?

                $(
                    #[doc = $field_doc]
                    #[getter]
                    #[allow(clippy::wrong_self_convention)] // from_status and from_version_id are fields
                    fn $field<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
                        $crate::records::ToPy::to_py(&self.0.$field, py)
                    }
                )*

                /// The fields as a new dict; nested results become dicts too.
                fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, pyo3::types::PyDict>> {
                    Self::dict(&self.0, py)
                }

                fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
                    let fields = Self::fields(&self.0, py, $crate::records::Form::Class)?;
                    $crate::records::repr(stringify!($name), &fields)
                }
            }

            impl $crate::records::ToPy for $($core)::+ {
                fn to_py_as<'py>(&self, py: Python<'py>, form: $crate::records::Form) -> PyResult<Bound<'py, PyAny>> {
                    match form {
                        $crate::records::Form::Class => Ok(Bound::new(py, $name(self.clone()))?.into_any()),
                        $crate::records::Form::Dict => Ok($name::dict(self, py)?.into_any()),
                    }
                }

                fn into_py<'py>(self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
                    Ok(Bound::new(py, $name(self))?.into_any())
                }
            }
        )*

        /// Adds these result classes to the module.
        pub(super) fn register(module: &Bound<'_, PyModule>) -> PyResult<()> {
            $( module.add_class::<$name>()?; )*
            Ok(())
        }
    };
}

mod audit;
mod deployments;
mod models;
mod page;
mod runs;
mod versions;

pub use page::Page;

/// How a record shows in Python.
#[derive(Clone, Copy)]
pub enum Form {
    /// As its class: an answer, or an attribute of one.
    Class,
    /// As a dict, inside `to_dict()`.
    Dict,
}

/// A value of the registry as Python sees it.
pub trait ToPy {
    /// The value, its records (nested ones too) in `form`.
    fn to_py_as<'py>(&self, py: Python<'py>, form: Form) -> PyResult<Bound<'py, PyAny>>;

    /// As an answer or an attribute of a result: records as their classes.
    fn to_py<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.to_py_as(py, Form::Class)
    }

    /// As [`ToPy::to_py`], taking the value: an answer's records move into
    /// their classes instead of being copied.
    fn into_py<'py>(self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>>
    where
        Self: Sized,
    {
        self.to_py(py)
    }
}

/// Values that are one Python scalar in either form: converted by PyO3
/// (`clone`) or, for closed sets, as their text (`as_str`).
macro_rules! scalars {
    ($convert:ident: $($ty:ty),* $(,)?) => {$(
        impl ToPy for $ty {
            fn to_py_as<'py>(&self, py: Python<'py>, _: Form) -> PyResult<Bound<'py, PyAny>> {
                self.$convert().into_bound_py_any(py)
            }
        }
    )*};
}

scalars!(clone: String, bool, i32, i64, u32, u64, f64, uuid::Uuid, mr::Timestamp);

scalars!(
    as_str: mr::models::RiskLevel,
    mr::versions::Framework,
    mr::versions::VersionStatus,
    mr::runs::RunStatus,
    mr::metrics::Split,
    mr::environments::EnvironmentKind,
    mr::deployments::DeploymentStatus,
    mr::AuditAction,
    mr::EntityKind,
    mr::RecordKind,
);

impl<T: ToPy> ToPy for Option<T> {
    fn to_py_as<'py>(&self, py: Python<'py>, form: Form) -> PyResult<Bound<'py, PyAny>> {
        match self {
            Some(value) => value.to_py_as(py, form),
            None => Ok(py.None().into_bound(py)),
        }
    }

    fn into_py<'py>(self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        match self {
            Some(value) => value.into_py(py),
            None => Ok(py.None().into_bound(py)),
        }
    }
}

impl<T: ToPy> ToPy for Vec<T> {
    fn to_py_as<'py>(&self, py: Python<'py>, form: Form) -> PyResult<Bound<'py, PyAny>> {
        let items = self
            .iter()
            .map(|item| item.to_py_as(py, form))
            .collect::<PyResult<Vec<_>>>()?;
        Ok(PyList::new(py, items)?.into_any())
    }

    fn into_py<'py>(self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let items = self
            .into_iter()
            .map(|item| item.into_py(py))
            .collect::<PyResult<Vec<_>>>()?;
        Ok(PyList::new(py, items)?.into_any())
    }
}

impl<K: ToPy, V: ToPy> ToPy for BTreeMap<K, V> {
    fn to_py_as<'py>(&self, py: Python<'py>, form: Form) -> PyResult<Bound<'py, PyAny>> {
        let entries = self
            .iter()
            .map(|(key, value)| Ok((key.to_py(py)?, value.to_py_as(py, form)?)))
            .collect::<PyResult<Vec<_>>>()?;
        Ok(entries.into_py_dict(py)?.into_any())
    }
}

impl ToPy for mr::validate::JsonObject {
    fn to_py_as<'py>(&self, py: Python<'py>, _: Form) -> PyResult<Bound<'py, PyAny>> {
        Ok(json_object_to_py(py, self)?.into_any())
    }
}

/// `repr()` of a result: `Name(field=value, …)`.
fn repr(class: &str, fields: &[(&str, Bound<'_, PyAny>)]) -> PyResult<String> {
    let parts = fields
        .iter()
        .map(|(name, value)| Ok(format!("{name}={}", value.repr()?)))
        .collect::<PyResult<Vec<_>>>()?;
    Ok(format!("{class}({})", parts.join(", ")))
}

/// Adds the result classes and [`Page`] to the module.
pub fn register(module: &Bound<'_, PyModule>) -> PyResult<()> {
    models::register(module)?;
    versions::register(module)?;
    runs::register(module)?;
    deployments::register(module)?;
    audit::register(module)?;
    module.add_class::<Page>()
}
