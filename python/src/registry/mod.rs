//! `modelreg.Registry`: every operation of [`RegistryApi`] as a method with
//! Python names and keyword arguments. Each method converts its arguments,
//! calls the trait with the GIL released, and converts the answer; what an
//! operation means, and every rule it keeps, is core's.
//!
//! One file per group of nouns, each with its own `#[pymethods]` block
//! (PyO3's `multiple-pymethods`). The calling is [`Registry::call`] and the
//! two helpers built on it; methods that share a signature are written once,
//! by a macro (`listings!` here, `registrations!` and `queries!` in their
//! files).

use std::future::Future;
use std::sync::Arc;

use modelreg_core as mr;
use modelreg_core::RegistryApi;
use modelreg_core::query::Listing;
use pyo3::prelude::*;
use pyo3::types::PyTuple;

use crate::records::{Page, ToPy};
use crate::wait;

/// Methods listing what belongs to one entity, a page at a time: `(owner, *,
/// offset=0, limit=None)`, with `status=None` before the page where a status
/// filter is named. Each says how its owner is read: a `convert` function and
/// the field it names.
macro_rules! listings {
    ($(
        $(#[doc = $doc:literal])*
        fn $method:ident($owner:ident = $read:ident($($field:literal)?) $(, $status:ident: $filter:ident)?);
    )*) => {
        #[pymethods]
        impl Registry {$(
            $(#[doc = $doc])*
            #[pyo3(signature = ($owner, *, $($status=None,)? offset=0, limit=None))]
            fn $method<'py>(
                &self,
                py: Python<'py>,
                $owner: &Any<'py>,
                $($status: Option<&str>,)?
                offset: u64,
                limit: Option<u32>,
            ) -> Answer<'py> {
                let $owner = convert::$read($($field,)? $owner)?;
                $(let $status = $filter { status: convert::opt_closed($status)? };)?
                let page = convert::page(offset, limit)?;
                self.ask(py, |api| async move { api.$method(&$owner, $($status,)? page).await })
            }
        )*}
    };
}

mod audit;
mod deployments;
mod models;
mod queries;
mod runs;
mod versions;

/// A model registry, embedded (SQLite, PostgreSQL) or behind a server.
///
/// Made by `modelreg.open()`. Safe to share between threads: each call
/// releases the GIL while the registry works. A context manager: `with
/// modelreg.open(...) as reg:` closes it at the end.
#[pyclass(frozen, module = "modelreg")]
pub struct Registry {
    inner: Api,
    url: String,
}

type Api = Arc<dyn RegistryApi>;
type Any<'py> = Bound<'py, PyAny>;
type Answer<'py> = PyResult<Any<'py>>;

impl Registry {
    /// The registry opened from `url`.
    pub fn new(inner: Api, url: &str) -> Registry {
        Registry {
            inner,
            url: mr::error::redact_passwords(url),
        }
    }

    /// Runs one call of the registry (`|api| async move { api.op(…).await }`)
    /// with the GIL released; a registry error becomes its exception.
    fn call<T, F>(&self, py: Python<'_>, call: impl FnOnce(Api) -> F) -> PyResult<T>
    where
        T: Send,
        F: Future<Output = mr::Result<T>> + Send,
    {
        wait(py, call(Arc::clone(&self.inner)))
    }

    /// A call whose answer Python sees as result objects.
    fn ask<'py, T, F>(&self, py: Python<'py>, call: impl FnOnce(Api) -> F) -> Answer<'py>
    where
        T: ToPy + Send,
        F: Future<Output = mr::Result<T>> + Send,
    {
        self.call(py, call)?.into_py(py)
    }

    /// A query's call, answering a [`Page`] with the token of the next.
    fn find<T, F>(&self, py: Python<'_>, call: impl FnOnce(Api) -> F) -> PyResult<Page>
    where
        T: ToPy + Send,
        F: Future<Output = mr::Result<Listing<T>>> + Send,
    {
        Page::of(py, self.call(py, call)?)
    }
}

#[pymethods]
impl Registry {
    fn __repr__(&self) -> String {
        format!("<modelreg.Registry {}>", self.url)
    }

    /// The URL the registry was opened with, any password masked.
    #[getter]
    fn url(&self) -> &str {
        &self.url
    }

    fn __enter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    #[pyo3(signature = (*_exc))]
    fn __exit__(&self, py: Python<'_>, _exc: &Bound<'_, PyTuple>) -> PyResult<()> {
        self.close(py)
    }

    /// The schema version of the registry's database.
    fn schema_version(&self, py: Python<'_>) -> PyResult<i64> {
        self.call(py, |api| async move { api.schema_version().await })
    }

    /// Checks that the registry can serve writes now; answers its schema version.
    fn check_ready(&self, py: Python<'_>) -> PyResult<i64> {
        self.call(py, |api| async move { api.check_ready().await })
    }

    /// Ends the use of the registry: closes its connections (on SQLite,
    /// checkpointing the write-ahead log into the file).
    fn close(&self, py: Python<'_>) -> PyResult<()> {
        self.call(py, |api| async move { api.close().await })
    }

    /// How many of each entity the registry holds.
    fn stats<'py>(&self, py: Python<'py>) -> Answer<'py> {
        self.ask(py, |api| async move { api.stats().await })
    }
}
