//! `modelreg._modelreg`: the registry of `modelreg-core` inside a Python
//! process. A thin layer: it converts arguments and results at the edge
//! (`convert`, `records`), maps the typed error to exceptions (`errors`) and
//! calls [`modelreg_core::RegistryApi`] (`registry`), with the GIL released
//! while the registry works on one tokio runtime shared by the module.

use std::future::Future;
use std::sync::OnceLock;

use modelreg_core::Actor;
use pyo3::prelude::*;

mod convert;
mod errors;
mod records;
mod registry;

/// The runtime every call runs on; made on first use.
fn runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .thread_name("modelreg")
            .enable_all()
            .build()
            .expect("cannot start the tokio runtime of modelreg")
    })
}

/// Runs `future` to its end with the GIL released, so that other Python
/// threads run meanwhile; a registry error becomes its exception.
pub(crate) fn wait<T: Send>(
    py: Python<'_>,
    future: impl Future<Output = modelreg_core::Result<T>> + Send,
) -> PyResult<T> {
    py.detach(|| runtime().block_on(future)).map_err(errors::to_py)
}

/// Opens a registry.
///
/// With no URL, the default embedded registry, the one the `modelreg`
/// command uses (`$XDG_DATA_HOME/modelreg/registry.db`), created on first
/// use. Otherwise `sqlite:///path/registry.db` (an existing file, unless
/// `create=True`), `sqlite::memory:`, `postgres://user@host/db`, or
/// `https://registry.example` with `token`. Changes are recorded in the
/// audit trail as made by `actor` (default: the OS user name, as in the
/// CLI); through a server, as made by the token's name. No configuration
/// file or `MODELREG_*` variable is read: the arguments say it all.
#[pyfunction]
#[pyo3(signature = (url=None, *, token=None, actor=None, create=false))]
fn open(
    py: Python<'_>,
    url: Option<String>,
    token: Option<String>,
    actor: Option<String>,
    create: bool,
) -> PyResult<registry::Registry> {
    let (url, create) = match url {
        Some(url) => (url, create),
        None => (modelreg_client::defaults::database_url(), true),
    };
    let options = modelreg_client::Options {
        token,
        actor: Some(Actor::new(actor.unwrap_or_else(modelreg_client::defaults::actor)).map_err(errors::to_py)?),
        create,
        ..modelreg_client::Options::default()
    };
    let inner = wait(py, modelreg_client::open(&url, options))?;
    Ok(registry::Registry::new(inner, &url))
}

#[pymodule]
fn _modelreg(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add("__version__", env!("CARGO_PKG_VERSION"))?;
    module.add_function(wrap_pyfunction!(open, module)?)?;
    module.add_class::<registry::Registry>()?;
    errors::register(module)?;
    records::register(module)?;
    Ok(())
}
