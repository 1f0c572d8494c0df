//! Queries: filter, sort and cursor pages in the query language, over
//! models, versions, training runs, deployments and audit events.

use modelreg_core::query::Query;
use pyo3::prelude::*;

use super::{Any, Registry};
use crate::convert;
use crate::records::Page;

/// The query methods end in the same five arguments (`filter`, `sort`,
/// `limit`, `offset`, `page_token`). Each names what scopes it before them,
/// every scope optional and read by a `convert` function (with the field it
/// names), and the finder of [`modelreg_core::RegistryApi`] it calls.
macro_rules! queries {
    ($(
        $(#[doc = $doc:literal])*
        fn $method:ident(
            $($before:ident = $read_before:ident($($field_before:literal)?),)*
            *
            $(, $after:ident = $read_after:ident($($field_after:literal)?))*
        ) => $find:ident;
    )*) => {
        #[pymethods]
        impl Registry {$(
            $(#[doc = $doc])*
            #[pyo3(signature = (
                $($before=None,)* *, $($after=None,)* filter=None, sort=None, limit=None, offset=0, page_token=None
            ))]
            #[allow(clippy::too_many_arguments)]
            fn $method(
                &self,
                py: Python<'_>,
                $($before: Option<&Any<'_>>,)*
                $($after: Option<&Any<'_>>,)*
                filter: Option<String>,
                sort: Option<String>,
                limit: Option<u32>,
                offset: u64,
                page_token: Option<String>,
            ) -> PyResult<Page> {
                $(let $before = convert::$read_before($($field_before,)? $before)?;)*
                $(let $after = convert::$read_after($($field_after,)? $after)?;)*
                let query = Query { filter, sort, page_token, offset, limit };
                self.find(py, |api| async move {
                    api.$find($($before.as_ref(),)* $($after.as_ref(),)* &query).await
                })
            }
        )*}
    };
}

queries! {
    /// Models matching a query: filter ("risk_level = 'high' and tag =
    /// 'fraud'"), sort ("name asc"), limit, and page_token (a page's next) or offset.
    fn models(*) => find_models;

    /// Versions matching a query, of one model or of all: filter
    /// ("metadata.auc > 0.9 and status = 'validated'"), sort ("created_at
    /// desc"), limit, and page_token (a page's next) or offset.
    fn versions(model = opt_entity_ref("model"), *) => find_versions;

    /// Training runs matching a query, of one model, one version or all.
    fn runs(*, model = opt_entity_ref("model"), version = opt_version_ref()) => find_runs;

    /// Deployments matching a query, in one environment, of one version, or all.
    fn deployments(*, environment = opt_entity_ref("environment"), version = opt_version_ref()) => find_deployments;

    /// Audit events matching a query ("actor = 'ci' and action = 'update'").
    fn audit(*) => find_audit;
}
