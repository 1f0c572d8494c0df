//! The routes, one file per resource. Each handler is declared once (its
//! `#[utoipa::path]`), and registered with `routes!`, which adds it to the
//! router and to the OpenAPI document together. Handlers only translate:
//! path text into references, the registry's answer into JSON.
//!
//! A `{version}` segment is a version reference (`MODEL@SEMVER`,
//! `MODEL@ALIAS`, `MODEL@latest`, `MODEL@production` or an id); a model,
//! team or environment segment is a name or an id; `name:NAME` is always
//! the name NAME, so that every reference the library can make can be sent
//! (see [`Ref::from_segment`]).

mod aliases;
mod audit;
mod deployments;
mod environments;
mod export;
mod health;
mod history;
mod listing;
mod metrics;
mod model_versions;
mod models;
mod reports;
mod runs;
mod tags;
mod teams;
mod versions;

use axum::Json;
use axum::http::StatusCode;
use modelreg_core::store::DEFAULT_LIMIT;
use modelreg_core::{Error, Page, Ref, Selector, VersionRef};
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
        .merge(model_versions::router())
        .merge(versions::router())
        .merge(aliases::router())
        .merge(history::router())
        .merge(runs::router())
        .merge(metrics::router())
        .merge(environments::router())
        .merge(deployments::router())
        .merge(audit::router())
        .merge(reports::router())
        .merge(export::router());
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
    Ok(Page::new(checked_skip(skip)?, limit.unwrap_or(DEFAULT_LIMIT))?)
}

/// `skip` (default 0), refused beyond [`MAX_SKIP`] naming the parameter.
fn checked_skip(skip: Option<u64>) -> ApiResult<u64> {
    let skip = skip.unwrap_or(0);
    if skip > MAX_SKIP {
        return Err(Error::invalid("skip", format!("must be at most {MAX_SKIP} (got {skip})")).into());
    }
    Ok(skip)
}

/// The largest `skip` (the registry counts in signed 64 bits).
const MAX_SKIP: u64 = i64::MAX as u64;

/// The id in a path, or 422 naming `id`.
fn parse_id(text: &str) -> ApiResult<Uuid> {
    Uuid::parse_str(text).map_err(|_| Error::invalid("id", format!("{text:?} is not a UUID")).into())
}

/// The name a `{tag}`, `{alias}` or `{sha256}` segment holds: `name:NAME`
/// is NAME, as for a model (so that any name, the empty one included, can
/// be a path segment); any other text is the name as it stands.
pub(crate) fn name_segment(text: &str) -> &str {
    text.strip_prefix(modelreg_core::refs::NAME_PREFIX).unwrap_or(text)
}

/// The version `{name}/versions/{semver}` means: a model by name or id, and a
/// SemVer, an alias, `latest` or `production`. Text that is none of these is
/// looked up as a SemVer (and not found), as before aliases existed.
fn version_ref(model: &str, selector: &str) -> VersionRef {
    let selector = Selector::parse(selector).unwrap_or_else(|_| Selector::Semver(selector.to_owned()));
    VersionRef::of(Ref::from_segment(model), selector)
}

/// The version a `{version}` segment (or parameter) names, or 422 naming
/// `version`. Its model part is read as [`Ref::from_segment`] reads a model.
fn parse_version(text: &str) -> ApiResult<VersionRef> {
    Ok(VersionRef::parse_with(text, Ref::from_segment)?)
}

/// The description of a `{version}` path parameter.
const VERSION_PARAM: &str = "A version reference: MODEL@SEMVER, MODEL@ALIAS, MODEL@latest, MODEL@production (MODEL a name or an id; `name:NAME` is always a name), or a version id";
