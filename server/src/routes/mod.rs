//! The routes, one file per resource. Each handler is declared once (its
//! `#[utoipa::path]`), and registered with `routes!`, which adds it to the
//! router and to the OpenAPI document together. Handlers only translate:
//! path text into references, the registry's answer into JSON.

mod audit;
mod deployments;
mod environments;
mod health;
mod metrics;
mod models;
mod reports;
mod runs;
mod tags;
mod teams;
mod versions;

use axum::Json;
use axum::http::StatusCode;
use modelreg_core::store::DEFAULT_LIMIT;
use modelreg_core::{Error, Page, Ref, VersionRef};
use utoipa_axum::router::OpenApiRouter;
use uuid::Uuid;

use crate::error::ApiResult;
use crate::state::AppState;

/// The routes: `(public, guarded)`. Public ones (the health checks) never
/// ask for a token; guarded ones do when tokens are configured.
pub(crate) fn api() -> (OpenApiRouter<AppState>, OpenApiRouter<AppState>) {
    let guarded = OpenApiRouter::default()
        .merge(crate::openapi::router())
        .merge(teams::router())
        .merge(models::router())
        .merge(tags::router())
        .merge(versions::router())
        .merge(runs::router())
        .merge(metrics::router())
        .merge(environments::router())
        .merge(deployments::router())
        .merge(audit::router())
        .merge(reports::router());
    (health::router(), guarded)
}

/// Paging, as the reference API takes it.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(crate) struct Paging {
    /// Results to skip (default 0)
    #[param(maximum = 9223372036854775807_u64)]
    pub(crate) skip: Option<u64>,
    /// At most this many results, 1..=10000 (default 100)
    #[param(minimum = 1, maximum = 10000)]
    pub(crate) limit: Option<u32>,
}

impl Paging {
    /// The page these parameters ask for.
    pub(crate) fn page(&self) -> ApiResult<Page> {
        page(self.skip, self.limit)
    }
}

/// A 201 with the created entity.
fn created<T>(value: T) -> (StatusCode, Json<T>) {
    (StatusCode::CREATED, Json(value))
}

/// The page `skip`/`limit` ask for (defaults: 0 and 100); a refusal names
/// the parameter as the API documents it.
fn page(skip: Option<u64>, limit: Option<u32>) -> ApiResult<Page> {
    let skip = skip.unwrap_or(0);
    if skip > MAX_SKIP {
        return Err(Error::invalid("skip", format!("must be at most {MAX_SKIP} (got {skip})")).into());
    }
    Ok(Page::new(skip, limit.unwrap_or(DEFAULT_LIMIT))?)
}

/// The largest `skip` (the registry counts in signed 64 bits).
const MAX_SKIP: u64 = i64::MAX as u64;

/// The id in a path, or 422 naming `id`.
fn parse_id(text: &str) -> ApiResult<Uuid> {
    Uuid::parse_str(text).map_err(|_| Error::invalid("id", format!("{text:?} is not a UUID")).into())
}

/// The version `{name}/versions/{semver}` means: a model by name or id, and a SemVer.
fn version_ref(model: &str, semver: &str) -> VersionRef {
    VersionRef::semver(Ref::parse(model), semver)
}
