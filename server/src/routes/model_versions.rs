//! A model's versions: `/v1/models/{name}/versions/{semver}` (the reference
//! API's routes; `{semver}` may also be an alias, `latest` or `production`)
//! and the latest and production versions of a model. The model is its name
//! or its id. Versions by reference are in `versions`.

use axum::Json;
use axum::http::StatusCode;
use modelreg_core::Ref;
use modelreg_core::versions::{ModelVersion, NewVersion, VersionFilter, VersionStatus, VersionWithModel};
use modelreg_core::{EntityKind, Error};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{Paging, page, version_ref};
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Acting, Body, Path, Query};
use crate::state::AppState;

/// Filters of a model's versions.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct VersionQuery {
    /// Only versions of this status
    status: Option<VersionStatus>,
    /// Results to skip (default 0)
    #[param(maximum = 9223372036854775807_u64)]
    skip: Option<u64>,
    /// At most this many results, 1..=10000 (default 100)
    #[param(minimum = 1, maximum = 10000)]
    limit: Option<u32>,
}

/// Filter of `latest`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct LatestQuery {
    /// Only versions of this status
    status: Option<VersionStatus>,
}

/// A version status.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct VersionStatusBody {
    pub(super) status: VersionStatus,
}

/// Register a version of a model. Registering the same semver again with
/// the same artifact URI, framework and checksum answers the version
/// registered before (200), so a retried step is safe; any difference is a
/// conflict naming the differing `fields`.
#[utoipa::path(post, path = "/v1/models/{name}/versions", tag = "versions",
    params(("name" = String, Path, description = "The model's name or id")), request_body = NewVersion,
    responses((status = 201, description = "Registered now", body = ModelVersion),
        (status = 200, description = "The same registration was made before: the version it made", body = ModelVersion),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn register_version(
    Acting(reg): Acting,
    Path(name): Path<String>,
    Body(new): Body<NewVersion>,
) -> ApiResult<(StatusCode, Json<ModelVersion>)> {
    let registered = reg.register(&Ref::from_segment(&name), new).await?;
    let status = if registered.created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(registered.version)))
}

/// A model's versions, newest first.
#[utoipa::path(get, path = "/v1/models/{name}/versions", tag = "versions",
    params(("name" = String, Path, description = "The model's name or id"), VersionQuery),
    responses((status = 200, body = Vec<ModelVersion>), (status = 404, body = ErrorBody)))]
async fn list_versions(
    Acting(reg): Acting,
    Path(name): Path<String>,
    Query(q): Query<VersionQuery>,
) -> ApiResult<Json<Vec<ModelVersion>>> {
    let filter = VersionFilter { status: q.status };
    Ok(Json(
        reg.list_versions(&Ref::from_segment(&name), filter, page(q.skip, q.limit)?)
            .await?,
    ))
}

/// A version by its model and semver.
#[utoipa::path(get, path = "/v1/models/{name}/versions/{semver}", tag = "versions",
    params(("name" = String, Path, description = "The model's name or id"), ("semver" = String, Path, description = "A SemVer, an alias, `latest` or `production`")),
    responses((status = 200, body = ModelVersion), (status = 404, body = ErrorBody)))]
async fn get_version(
    Acting(reg): Acting,
    Path((name, semver)): Path<(String, String)>,
) -> ApiResult<Json<ModelVersion>> {
    Ok(Json(reg.version(&version_ref(&name, &semver)).await?))
}

/// Delete a version with its runs, metrics and deployments.
#[utoipa::path(delete, path = "/v1/models/{name}/versions/{semver}", tag = "versions",
    params(("name" = String, Path, description = "The model's name or id"), ("semver" = String, Path, description = "A SemVer, an alias, `latest` or `production`")),
    responses((status = 204, description = "Deleted"), (status = 404, body = ErrorBody)))]
async fn delete_version(Acting(reg): Acting, Path((name, semver)): Path<(String, String)>) -> ApiResult<StatusCode> {
    reg.delete_version(&version_ref(&name, &semver)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Move a version to a status (production archives the previous production version).
#[utoipa::path(put, path = "/v1/models/{name}/versions/{semver}/status", tag = "versions",
    params(("name" = String, Path, description = "The model's name or id"), ("semver" = String, Path, description = "A SemVer, an alias, `latest` or `production`")),
    request_body = VersionStatusBody,
    responses((status = 200, body = ModelVersion), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn set_version_status(
    Acting(reg): Acting,
    Path((name, semver)): Path<(String, String)>,
    Body(body): Body<VersionStatusBody>,
) -> ApiResult<Json<ModelVersion>> {
    Ok(Json(
        reg.set_version_status(&version_ref(&name, &semver), body.status)
            .await?,
    ))
}

/// The version of highest SemVer precedence (releases above pre-releases).
#[utoipa::path(get, path = "/v1/models/{name}/latest", tag = "versions",
    params(("name" = String, Path, description = "The model's name or id"), LatestQuery),
    responses((status = 200, body = ModelVersion), (status = 404, body = ErrorBody)))]
async fn latest_version(
    Acting(reg): Acting,
    Path(name): Path<String>,
    Query(q): Query<LatestQuery>,
) -> ApiResult<Json<ModelVersion>> {
    match reg.latest_version(&Ref::from_segment(&name), q.status).await? {
        Some(version) => Ok(Json(version)),
        None => Err(Error::not_found(EntityKind::ModelVersion, format_args!("{name}@latest")).into()),
    }
}

/// The production version of a model.
#[utoipa::path(get, path = "/v1/models/{name}/production", tag = "versions",
    params(("name" = String, Path, description = "The model's name or id")),
    responses((status = 200, body = ModelVersion), (status = 404, body = ErrorBody)))]
async fn production_version(Acting(reg): Acting, Path(name): Path<String>) -> ApiResult<Json<ModelVersion>> {
    match reg.production_version(&Ref::from_segment(&name)).await? {
        Some(version) => Ok(Json(version)),
        None => Err(Error::not_found(EntityKind::ModelVersion, format_args!("{name}@production")).into()),
    }
}

/// Every production version with its model.
#[utoipa::path(get, path = "/v1/production", tag = "versions", params(Paging),
    responses((status = 200, body = Vec<VersionWithModel>)))]
async fn production_versions(Acting(reg): Acting, Query(p): Query<Paging>) -> ApiResult<Json<Vec<VersionWithModel>>> {
    Ok(Json(reg.production_versions(p.page()?).await?))
}

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::default()
        .routes(routes!(register_version, list_versions))
        .routes(routes!(get_version, delete_version))
        .routes(routes!(set_version_status))
        .routes(routes!(latest_version))
        .routes(routes!(production_version))
        .routes(routes!(production_versions))
}
