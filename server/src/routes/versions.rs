//! Versions by reference: `/v1/versions/{version}`, where `{version}` is
//! `MODEL@SEMVER`, `MODEL@ALIAS`, `MODEL@latest`, `MODEL@production` or a
//! version id (URL-encoded); every version of the registry through the query
//! language (`/v1/versions`); and versions by content (`/v1/checksums`).

use axum::Json;
use axum::http::StatusCode;
use modelreg_core::Ref;
use modelreg_core::Timestamp;
use modelreg_core::versions::{ModelVersion, VersionStatus, VersionUpdate, VersionWithModel};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::listing::{Found, query_params};
use super::model_versions::VersionStatusBody;
use super::{Paging, VERSION_PARAM, name_segment, parse_version};
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Acting, Body, Path, Query};
use crate::state::AppState;

/// Which versions, and how to sort and page them.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct VersionsQuery {
    /// Only the versions of this model (its name or id); every model's when absent
    model: Option<String>,
    /// Only versions of this status
    status: Option<VersionStatus>,
    /// A filter in the query language over the fields id, semver, status, framework, framework_version, python_version, artifact_uri, size_bytes, checksum_sha256, created_at, model.name, model.team, model.risk_level, alias and metadata.PATH (e.g. `framework = 'xgboost' and metadata.accuracy >= 0.9` or `alias = 'champion'`)
    filter: Option<String>,
    /// A sort by any of the filter's fields, e.g. `semver desc` (default `created_at desc`)
    sort: Option<String>,
    /// The `X-Next-Page-Token` of the previous page (not with `skip`)
    page_token: Option<String>,
    /// Results to skip (default 0)
    #[param(maximum = 9223372036854775807_u64)]
    skip: Option<u64>,
    /// At most this many results, 1..=10000 (default 100)
    #[param(minimum = 1, maximum = 10000)]
    limit: Option<u32>,
}

/// When to resolve a reference.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct AtQuery {
    /// What the reference meant at this instant (RFC 3339, e.g. `2026-05-01T12:00:00Z`): production and aliases from their history
    #[param(value_type = Option<String>, format = DateTime)]
    at: Option<Timestamp>,
}

/// The versions a query finds, across the registry or within one model.
#[utoipa::path(get, path = "/v1/versions", tag = "versions", params(VersionsQuery),
    responses((status = 200, body = Vec<ModelVersion>,
        headers(("X-Next-Page-Token" = String, description = "The `page_token` of the next page, absent on the last"))),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn find_versions(Acting(reg): Acting, Query(q): Query<VersionsQuery>) -> ApiResult<Found<ModelVersion>> {
    let params = query_params!(q);
    let query = params.query()?.and_equals("status", q.status.map(|s| s.as_str()));
    let model = q.model.as_deref().map(Ref::from_segment);
    Ok(Found::Page(reg.find_versions(model.as_ref(), &query).await?))
}

/// The version a reference means, now or (with `at`) at an instant.
#[utoipa::path(get, path = "/v1/versions/{version}", tag = "versions",
    params(("version" = String, Path, description = VERSION_PARAM), AtQuery),
    responses((status = 200, body = ModelVersion), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn resolve_version(
    Acting(reg): Acting,
    Path(version): Path<String>,
    Query(q): Query<AtQuery>,
) -> ApiResult<Json<ModelVersion>> {
    let version = parse_version(&version)?;
    Ok(Json(match q.at {
        Some(at) => reg.version_at(&version, at).await?,
        None => reg.version(&version).await?,
    }))
}

/// Change a version's description, metadata, framework and Python versions,
/// or fill in its size and checksum while unset (absent fields are kept,
/// `null` clears). Its model, semver, artifact URI and framework never change.
#[utoipa::path(patch, path = "/v1/versions/{version}", tag = "versions",
    params(("version" = String, Path, description = VERSION_PARAM)), request_body = VersionUpdate,
    responses((status = 200, body = ModelVersion), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn update_version(
    Acting(reg): Acting,
    Path(version): Path<String>,
    Body(update): Body<VersionUpdate>,
) -> ApiResult<Json<ModelVersion>> {
    Ok(Json(reg.update_version(&parse_version(&version)?, update).await?))
}

/// Delete a version with its runs, metrics, deployments and aliases.
#[utoipa::path(delete, path = "/v1/versions/{version}", tag = "versions",
    params(("version" = String, Path, description = VERSION_PARAM)),
    responses((status = 204, description = "Deleted"), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn delete_version_by_ref(Acting(reg): Acting, Path(version): Path<String>) -> ApiResult<StatusCode> {
    reg.delete_version(&parse_version(&version)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Move a version to a status (production archives the previous production version).
#[utoipa::path(put, path = "/v1/versions/{version}/status", tag = "versions",
    params(("version" = String, Path, description = VERSION_PARAM)), request_body = VersionStatusBody,
    responses((status = 200, body = ModelVersion), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn set_status_by_ref(
    Acting(reg): Acting,
    Path(version): Path<String>,
    Body(body): Body<VersionStatusBody>,
) -> ApiResult<Json<ModelVersion>> {
    Ok(Json(
        reg.set_version_status(&parse_version(&version)?, body.status).await?,
    ))
}

/// Every version whose artifact has this SHA-256, across models.
#[utoipa::path(get, path = "/v1/checksums/{sha256}/versions", tag = "versions",
    params(("sha256" = String, Path, description = "64 hexadecimal characters, any case"), Paging),
    responses((status = 200, body = Vec<VersionWithModel>), (status = 422, body = ErrorBody)))]
async fn versions_by_checksum(
    Acting(reg): Acting,
    Path(sha256): Path<String>,
    Query(p): Query<Paging>,
) -> ApiResult<Json<Vec<VersionWithModel>>> {
    Ok(Json(reg.versions_by_checksum(name_segment(&sha256), p.page()?).await?))
}

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::default()
        .routes(routes!(find_versions))
        .routes(routes!(resolve_version, update_version, delete_version_by_ref))
        .routes(routes!(set_status_by_ref))
        .routes(routes!(versions_by_checksum))
}
