//! `modelreg.Page`: one page of a query's results.

use modelreg_core as mr;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyTuple, PyType};

use super::ToPy;

/// One page of a query's results, and the token of the next page.
///
/// Iterate it, index it or take `len()`; pass `next` as `page_token` to the
/// same query for the rows after these (it is None on the last page).
#[pyclass(frozen, sequence, module = "modelreg")]
pub struct Page {
    items: Py<PyTuple>,
    next: Option<String>,
}

impl Page {
    /// The page of a listing.
    pub fn of<T: ToPy>(py: Python<'_>, listing: mr::query::Listing<T>) -> PyResult<Page> {
        let items = listing
            .items
            .into_iter()
            .map(|item| item.into_py(py))
            .collect::<PyResult<Vec<_>>>()?;
        Ok(Page {
            items: PyTuple::new(py, items)?.unbind(),
            next: listing.next,
        })
    }
}

#[pymethods]
impl Page {
    /// The results of this page, in the query's order (a new list).
    #[getter]
    fn items<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        PyList::new(py, self.items.bind(py).iter())
    }

    /// The token of the next page, or None when this is the last.
    #[getter]
    fn next(&self) -> Option<&str> {
        self.next.as_deref()
    }

    fn __len__(&self, py: Python<'_>) -> usize {
        self.items.bind(py).len()
    }

    fn __getitem__<'py>(&self, py: Python<'py>, index: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        self.items.bind(py).as_any().get_item(index)
    }

    fn __iter__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(self.items.bind(py).as_any().try_iter()?.into_any())
    }

    /// `{"items": [dict, …], "next": str | None}`.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let items = self
            .items
            .bind(py)
            .iter()
            .map(|item| item.call_method0("to_dict"))
            .collect::<PyResult<Vec<_>>>()?;
        let dict = PyDict::new(py);
        dict.set_item("items", PyList::new(py, items)?)?;
        dict.set_item("next", self.next.as_deref())?;
        Ok(dict)
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        format!("Page({} items, next={:?})", self.items.bind(py).len(), self.next)
    }

    /// `Page[ModelVersion]` in annotations.
    #[classmethod]
    #[pyo3(signature = (item, /))]
    fn __class_getitem__<'py>(cls: &Bound<'py, PyType>, item: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        let py = cls.py();
        py.import("types")?.getattr("GenericAlias")?.call1((cls, item))
    }
}
