//! The audit trail, and the export of the whole registry.

use std::io::Write;
use std::sync::{Arc, Mutex};

use modelreg_core as mr;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyString};

use super::{Answer, Any, Registry};
use crate::convert;
use crate::errors;
use crate::records::ToPy;
use crate::wait;

/// Writes into a Python file object (anything with `write(bytes)`).
struct PyWriter {
    file: Py<PyAny>,
    failure: Arc<Mutex<Option<PyErr>>>,
}

impl Write for PyWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        Python::attach(|py| {
            let bytes = PyBytes::new(py, buf);
            match self.file.call_method1(py, "write", (bytes,)) {
                Ok(_) => Ok(buf.len()),
                Err(err) => {
                    let message = err.to_string();
                    self.failure.lock().expect("poisoned").get_or_insert(err);
                    Err(std::io::Error::other(message))
                }
            }
        })
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Where an export goes: a file at a path (str or path-like), or a Python
/// file object whose failures are kept in `failure`.
fn destination_writer(destination: &Any<'_>, failure: &Arc<Mutex<Option<PyErr>>>) -> PyResult<Box<dyn Write + Send>> {
    const BUFFER: usize = 1 << 16;
    if destination.is_instance_of::<PyString>() || destination.hasattr("__fspath__")? {
        let path: std::path::PathBuf = destination.extract()?;
        let file = std::fs::File::create(&path).map_err(|e| {
            errors::to_py(mr::Error::invalid(
                "destination",
                format!("cannot create {}: {e}", path.display()),
            ))
        })?;
        return Ok(Box::new(std::io::BufWriter::with_capacity(BUFFER, file)));
    }
    let file = PyWriter {
        file: destination.clone().unbind(),
        failure: Arc::clone(failure),
    };
    Ok(Box::new(std::io::BufWriter::with_capacity(BUFFER, file)))
}

#[pymethods]
impl Registry {
    /// The audit trail of one entity: its kind ("model", "model_version",
    /// "team", …) and id, newest first.
    #[pyo3(signature = (entity_type, entity_id, *, offset=0, limit=None))]
    fn audit_of_entity<'py>(
        &self,
        py: Python<'py>,
        entity_type: &str,
        entity_id: &Any<'py>,
        offset: u64,
        limit: Option<u32>,
    ) -> Answer<'py> {
        let kind: mr::EntityKind = convert::closed(entity_type)?;
        let id = convert::id("entity_id", entity_id)?;
        let page = convert::page(offset, limit)?;
        self.ask(py, |api| async move { api.audit_of_entity(kind, id, page).await })
    }

    /// Everything an actor changed, newest first.
    #[pyo3(signature = (actor, *, offset=0, limit=None))]
    fn audit_by_actor<'py>(&self, py: Python<'py>, actor: String, offset: u64, limit: Option<u32>) -> Answer<'py> {
        let page = convert::page(offset, limit)?;
        self.ask(py, |api| async move { api.audit_by_actor(&actor, page).await })
    }

    /// The most recent changes, newest first.
    #[pyo3(signature = (*, offset=0, limit=None))]
    fn recent_audit<'py>(&self, py: Python<'py>, offset: u64, limit: Option<u32>) -> Answer<'py> {
        let page = convert::page(offset, limit)?;
        self.ask(py, |api| async move { api.recent_audit(page).await })
    }

    /// Writes one snapshot of the whole registry as JSON Lines (what `modelreg
    /// import` loads) to a path, or to a binary file object; progress, if
    /// given, is called with (records written, records in all).
    #[pyo3(signature = (destination, *, progress=None))]
    fn export<'py>(&self, py: Python<'py>, destination: &Any<'py>, progress: Option<Py<PyAny>>) -> Answer<'py> {
        let failure = Arc::new(Mutex::new(None::<PyErr>));
        let mut out = destination_writer(destination, &failure)?;
        let progress_failure = Arc::clone(&failure);
        let mut report = move |done: u64, total: u64| {
            if let Some(callback) = &progress {
                Python::attach(|py| {
                    if let Err(err) = callback.call1(py, (done, total)) {
                        progress_failure.lock().expect("poisoned").get_or_insert(err);
                    }
                });
            }
        };
        let api = Arc::clone(&self.inner);
        let written = wait(py, async move {
            let header = api.export(&mut *out, &mut report).await?;
            out.flush()
                .map_err(|e| mr::Error::internal(format!("cannot write the export: {e}")))?;
            Ok(header)
        });
        // A failure of the file object or of the callback is the one to raise.
        if let Some(err) = failure.lock().expect("poisoned").take() {
            return Err(err);
        }
        written?.into_py(py)
    }
}
