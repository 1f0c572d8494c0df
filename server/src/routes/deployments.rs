//! Deployments: a version deployed into an environment, then moved, scaled,
//! rolled back or terminated by id.

use axum::Json;
use axum::http::StatusCode;
use modelreg_core::Ref;
use modelreg_core::deployments::{ActiveDeployment, Deployment, DeploymentFilter, DeploymentStatus, NewDeployment};
use modelreg_core::{Error, VersionRef};
use serde::Deserialize;
use utoipa::openapi::{RefOr, Schema};
use utoipa::{IntoParams, PartialSchema, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::listing::{Found, query_params};
use super::{Paging, VERSION_PARAM, created, page, parse_id, parse_version, version_ref};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{Acting, Body, Path, Query};
use crate::state::AppState;

/// What to deploy where: the version as `version` (a reference), or as
/// `model` and `semver`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct DeployBody {
    /// With `semver`: the model's name or id
    model: Option<String>,
    /// With `model`: the version's SemVer (or an alias, `latest` or `production`)
    semver: Option<String>,
    /// Instead of `model` and `semver`: a version reference (MODEL@SEMVER, MODEL@ALIAS, MODEL@latest, MODEL@production or a version id)
    version: Option<String>,
    /// The environment's name or id
    environment: String,
    #[serde(deserialize_with = "crate::body::object")]
    deployment: NewDeployment,
}

/// Which deployments: in an environment, of a version, or (with neither) anywhere.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct DeploymentQuery {
    /// Deployments in this environment (its name or id)
    environment: Option<String>,
    /// Deployments of this version (a version reference)
    version: Option<String>,
    /// With `semver`: deployments of this version (the model's name or id)
    model: Option<String>,
    /// With `model`: deployments of this version
    semver: Option<String>,
    /// Only deployments of this status
    status: Option<DeploymentStatus>,
    /// A filter in the query language over the fields id, name, status, endpoint_url, replicas, gpu_count, cpu_request, memory_request, deployed_at, deployed_by, terminated_at, version.semver, model.name, model.team, environment.name and environment.kind (e.g. `environment.kind = 'production' and status != 'terminated'`)
    filter: Option<String>,
    /// A sort by any of the filter's fields, e.g. `deployed_at asc` (default `deployed_at desc`)
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

/// Filters of a version's deployments.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct StatusQuery {
    /// Only deployments of this status
    status: Option<DeploymentStatus>,
    /// Results to skip (default 0)
    #[param(maximum = 9223372036854775807_u64)]
    skip: Option<u64>,
    /// At most this many results, 1..=10000 (default 100)
    #[param(minimum = 1, maximum = 10000)]
    limit: Option<u32>,
}

/// The version `version`, or `model` and `semver`, name; none when none is given.
fn version_of(version: Option<&str>, model: Option<&str>, semver: Option<&str>) -> ApiResult<Option<VersionRef>> {
    match (version, model, semver) {
        (Some(version), None, None) => Ok(Some(parse_version(version)?)),
        (None, Some(model), Some(semver)) => Ok(Some(version_ref(model, semver))),
        (None, None, None) => Ok(None),
        _ => Err(Error::invalid("version", "give version=REF, or model=NAME and semver=SEMVER").into()),
    }
}

/// A deployment status.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct DeploymentStatusBody {
    status: DeploymentStatus,
}

/// A number of replicas.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct ReplicasBody {
    #[schema(minimum = 0)]
    replicas: i32,
}

/// Deploy a version into an environment.
#[utoipa::path(post, path = "/v1/deployments", tag = "deployments", request_body = DeployBody,
    responses((status = 201, body = Deployment), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn deploy(Acting(reg): Acting, Body(body): Body<DeployBody>) -> ApiResult<(StatusCode, Json<Deployment>)> {
    let Some(version) = version_of(body.version.as_deref(), body.model.as_deref(), body.semver.as_deref())? else {
        return Err(Error::invalid("version", "give version=REF, or model=NAME and semver=SEMVER").into());
    };
    let environment = Ref::from_segment(&body.environment);
    match reg.deploy(&version, &environment, body.deployment).await {
        Ok(deployment) => Ok(created(deployment)),
        Err(error) => Err(nested_in_deployment(error)),
    }
}

/// A refusal naming a field of the nested `deployment`, named as the body nests it
/// (`deployment.name`); the fields are the ones its schema documents.
fn nested_in_deployment(error: Error) -> ApiError {
    let mut refusal = ApiError::from(error);
    if let Some(field) = &refusal.detail.field
        && let RefOr::T(Schema::Object(schema)) = NewDeployment::schema()
        && schema.properties.contains_key(field)
    {
        refusal.detail.field = Some(format!("deployment.{field}"));
    }
    refusal
}

/// Deployments in an environment or of a version, newest first; or, with
/// `filter`, `sort` or `page_token` (or with neither an environment nor a
/// version), the deployments a query finds.
#[utoipa::path(get, path = "/v1/deployments", tag = "deployments", params(DeploymentQuery),
    responses((status = 200, body = Vec<Deployment>,
        headers(("X-Next-Page-Token" = String, description = "With the query language: the `page_token` of the next page, absent on the last"))),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn list_deployments(Acting(reg): Acting, Query(q): Query<DeploymentQuery>) -> ApiResult<Found<Deployment>> {
    let version = version_of(q.version.as_deref(), q.model.as_deref(), q.semver.as_deref())?;
    let environment = q.environment.as_deref().map(Ref::from_segment);
    let params = query_params!(q);
    let filter = DeploymentFilter { status: q.status };
    if !params.given() {
        match (&environment, &version) {
            (Some(env), None) => {
                let page = page(params.skip, params.limit)?;
                return Ok(Found::Rows(reg.deployments_in(env, filter, page).await?));
            }
            (None, Some(version)) => {
                let page = page(params.skip, params.limit)?;
                return Ok(Found::Rows(reg.deployments_of_version(version, filter, page).await?));
            }
            _ => {}
        }
    }
    let query = params.query()?.and_equals("status", q.status.map(|s| s.as_str()));
    Ok(Found::Page(
        reg.find_deployments(environment.as_ref(), version.as_ref(), &query)
            .await?,
    ))
}

/// Deployments of a version, newest first.
#[utoipa::path(get, path = "/v1/versions/{version}/deployments", tag = "deployments",
    params(("version" = String, Path, description = VERSION_PARAM), StatusQuery),
    responses((status = 200, body = Vec<Deployment>), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn version_deployments(
    Acting(reg): Acting,
    Path(version): Path<String>,
    Query(q): Query<StatusQuery>,
) -> ApiResult<Json<Vec<Deployment>>> {
    let filter = DeploymentFilter { status: q.status };
    Ok(Json(
        reg.deployments_of_version(&parse_version(&version)?, filter, page(q.skip, q.limit)?)
            .await?,
    ))
}

/// Healthy and degraded deployments with their version, model and environment.
#[utoipa::path(get, path = "/v1/deployments/active", tag = "deployments", params(Paging),
    responses((status = 200, body = Vec<ActiveDeployment>)))]
async fn active_deployments(Acting(reg): Acting, Query(p): Query<Paging>) -> ApiResult<Json<Vec<ActiveDeployment>>> {
    Ok(Json(reg.active_deployments(p.page()?).await?))
}

/// A deployment by id.
#[utoipa::path(get, path = "/v1/deployments/{id}", tag = "deployments", params(("id" = Uuid, Path)),
    responses((status = 200, body = Deployment), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn get_deployment(Acting(reg): Acting, Path(id): Path<String>) -> ApiResult<Json<Deployment>> {
    Ok(Json(reg.deployment(parse_id(&id)?).await?))
}

/// Move a deployment to a status (terminated is final).
#[utoipa::path(put, path = "/v1/deployments/{id}/status", tag = "deployments", params(("id" = Uuid, Path)),
    request_body = DeploymentStatusBody,
    responses((status = 200, body = Deployment), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn set_deployment_status(
    Acting(reg): Acting,
    Path(id): Path<String>,
    Body(body): Body<DeploymentStatusBody>,
) -> ApiResult<Json<Deployment>> {
    Ok(Json(reg.set_deployment_status(parse_id(&id)?, body.status).await?))
}

/// Scale a deployment.
#[utoipa::path(put, path = "/v1/deployments/{id}/replicas", tag = "deployments", params(("id" = Uuid, Path)),
    request_body = ReplicasBody,
    responses((status = 200, body = Deployment), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn scale_deployment(
    Acting(reg): Acting,
    Path(id): Path<String>,
    Body(body): Body<ReplicasBody>,
) -> ApiResult<Json<Deployment>> {
    Ok(Json(reg.scale_deployment(parse_id(&id)?, body.replicas).await?))
}

/// Terminate a deployment and redeploy the version that ran there before it.
#[utoipa::path(post, path = "/v1/deployments/{id}/rollback", tag = "deployments", params(("id" = Uuid, Path)),
    responses((status = 201, body = Deployment), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn rollback(Acting(reg): Acting, Path(id): Path<String>) -> ApiResult<(StatusCode, Json<Deployment>)> {
    Ok(created(reg.rollback_deployment(parse_id(&id)?).await?))
}

/// Terminate a deployment.
#[utoipa::path(post, path = "/v1/deployments/{id}/terminate", tag = "deployments", params(("id" = Uuid, Path)),
    responses((status = 200, body = Deployment), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn terminate(Acting(reg): Acting, Path(id): Path<String>) -> ApiResult<Json<Deployment>> {
    Ok(Json(reg.terminate_deployment(parse_id(&id)?).await?))
}

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::default()
        .routes(routes!(deploy, list_deployments))
        .routes(routes!(version_deployments))
        .routes(routes!(active_deployments))
        .routes(routes!(get_deployment))
        .routes(routes!(set_deployment_status))
        .routes(routes!(scale_deployment))
        .routes(routes!(rollback))
        .routes(routes!(terminate))
}
