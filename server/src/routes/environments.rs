//! Environments: `/v1/environments`. An environment in a path is its name or its id.

use axum::Json;
use axum::http::StatusCode;
use modelreg_core::Ref;
use modelreg_core::environments::{Environment, EnvironmentFilter, EnvironmentKind, EnvironmentUpdate, NewEnvironment};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{created, page};
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Acting, Body, Path, Query};
use crate::state::AppState;

/// Filters of the environment list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct EnvironmentQuery {
    /// Only environments of this kind
    kind: Option<EnvironmentKind>,
    /// Only active environments
    active_only: Option<bool>,
    /// Results to skip (default 0)
    #[param(maximum = 9223372036854775807_u64)]
    skip: Option<u64>,
    /// At most this many results, 1..=10000 (default 100)
    #[param(minimum = 1, maximum = 10000)]
    limit: Option<u32>,
}

/// Create an environment.
#[utoipa::path(post, path = "/v1/environments", tag = "environments", request_body = NewEnvironment,
    responses((status = 201, body = Environment), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_environment(
    Acting(reg): Acting,
    Body(new): Body<NewEnvironment>,
) -> ApiResult<(StatusCode, Json<Environment>)> {
    Ok(created(reg.create_environment(new).await?))
}

/// List environments by name.
#[utoipa::path(get, path = "/v1/environments", tag = "environments", params(EnvironmentQuery),
    responses((status = 200, body = Vec<Environment>)))]
async fn list_environments(
    Acting(reg): Acting,
    Query(q): Query<EnvironmentQuery>,
) -> ApiResult<Json<Vec<Environment>>> {
    let filter = EnvironmentFilter {
        kind: q.kind,
        active_only: q.active_only.unwrap_or(false),
    };
    Ok(Json(reg.list_environments(filter, page(q.skip, q.limit)?).await?))
}

/// An environment.
#[utoipa::path(get, path = "/v1/environments/{name}", tag = "environments",
    params(("name" = String, Path, description = "The environment's name or id")),
    responses((status = 200, body = Environment), (status = 404, body = ErrorBody)))]
async fn get_environment(Acting(reg): Acting, Path(name): Path<String>) -> ApiResult<Json<Environment>> {
    Ok(Json(reg.environment(&Ref::from_segment(&name)).await?))
}

/// Change an environment (absent fields are kept, `null` clears).
#[utoipa::path(patch, path = "/v1/environments/{name}", tag = "environments",
    params(("name" = String, Path, description = "The environment's name or id")), request_body = EnvironmentUpdate,
    responses((status = 200, body = Environment), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn update_environment(
    Acting(reg): Acting,
    Path(name): Path<String>,
    Body(update): Body<EnvironmentUpdate>,
) -> ApiResult<Json<Environment>> {
    Ok(Json(reg.update_environment(&Ref::from_segment(&name), update).await?))
}

/// Mark an environment inactive (it takes no new deployments).
#[utoipa::path(post, path = "/v1/environments/{name}/deactivate", tag = "environments",
    params(("name" = String, Path, description = "The environment's name or id")),
    responses((status = 200, body = Environment), (status = 404, body = ErrorBody)))]
async fn deactivate_environment(Acting(reg): Acting, Path(name): Path<String>) -> ApiResult<Json<Environment>> {
    Ok(Json(reg.deactivate_environment(&Ref::from_segment(&name)).await?))
}

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::default()
        .routes(routes!(create_environment, list_environments))
        .routes(routes!(get_environment, update_environment))
        .routes(routes!(deactivate_environment))
}
