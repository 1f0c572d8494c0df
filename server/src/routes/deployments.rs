//! Deployments: a version deployed into an environment, then moved, scaled,
//! rolled back or terminated by id.

use axum::Json;
use axum::http::StatusCode;
use modelreg_core::deployments::{ActiveDeployment, Deployment, DeploymentFilter, DeploymentStatus, NewDeployment};
use modelreg_core::{Error, Ref};
use serde::Deserialize;
use utoipa::openapi::{RefOr, Schema};
use utoipa::{IntoParams, PartialSchema, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{Paging, created, page, parse_id, version_ref};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{Acting, Body, Path, Query};
use crate::state::AppState;

/// What to deploy where.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct DeployBody {
    /// The model's name or id
    model: String,
    /// The version's SemVer
    semver: String,
    /// The environment's name or id
    environment: String,
    #[serde(deserialize_with = "crate::body::object")]
    deployment: NewDeployment,
}

/// Which deployments: of an environment, or of a version.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct DeploymentQuery {
    /// Deployments in this environment (its name or id)
    environment: Option<String>,
    /// With `semver`: deployments of this version (the model's name or id)
    model: Option<String>,
    /// With `model`: deployments of this version
    semver: Option<String>,
    /// Only deployments of this status
    status: Option<DeploymentStatus>,
    /// Results to skip (default 0)
    #[param(maximum = 9223372036854775807_u64)]
    skip: Option<u64>,
    /// At most this many results, 1..=10000 (default 100)
    #[param(minimum = 1, maximum = 10000)]
    limit: Option<u32>,
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
    let version = version_ref(&body.model, &body.semver);
    let environment = Ref::parse(&body.environment);
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

/// Deployments in an environment or of a version, newest first.
#[utoipa::path(get, path = "/v1/deployments", tag = "deployments", params(DeploymentQuery),
    responses((status = 200, body = Vec<Deployment>), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn list_deployments(Acting(reg): Acting, Query(q): Query<DeploymentQuery>) -> ApiResult<Json<Vec<Deployment>>> {
    let filter = DeploymentFilter { status: q.status };
    let page = page(q.skip, q.limit)?;
    let found = match (&q.environment, &q.model, &q.semver) {
        (Some(env), None, None) => reg.deployments_in(&Ref::parse(env), filter, page).await?,
        (None, Some(model), Some(semver)) => {
            reg.deployments_of_version(&version_ref(model, semver), filter, page)
                .await?
        }
        _ => {
            return Err(Error::invalid("environment", "give environment=NAME, or model=NAME and semver=SEMVER").into());
        }
    };
    Ok(Json(found))
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
        .routes(routes!(active_deployments))
        .routes(routes!(get_deployment))
        .routes(routes!(set_deployment_status))
        .routes(routes!(scale_deployment))
        .routes(routes!(rollback))
        .routes(routes!(terminate))
}
