//! Teams: `/v1/teams`. A team in a path is its name or its id.

use axum::Json;
use axum::http::StatusCode;
use modelreg_core::Ref;
use modelreg_core::analytics::TeamMetrics;
use modelreg_core::teams::{NewTeam, Team, TeamFilter, TeamUpdate};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{created, page};
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Acting, Body, Path, Query};
use crate::state::AppState;

/// Filters of the team list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct TeamQuery {
    /// Only active teams
    active_only: Option<bool>,
    /// Results to skip (default 0)
    #[param(maximum = 9223372036854775807_u64)]
    skip: Option<u64>,
    /// At most this many results, 1..=10000 (default 100)
    #[param(minimum = 1, maximum = 10000)]
    limit: Option<u32>,
}

/// Create a team.
#[utoipa::path(post, path = "/v1/teams", tag = "teams", request_body = NewTeam, responses(
    (status = 201, body = Team), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_team(Acting(reg): Acting, Body(new): Body<NewTeam>) -> ApiResult<(StatusCode, Json<Team>)> {
    Ok(created(reg.create_team(new).await?))
}

/// List teams by name.
#[utoipa::path(get, path = "/v1/teams", tag = "teams", params(TeamQuery), responses((status = 200, body = Vec<Team>)))]
async fn list_teams(Acting(reg): Acting, Query(q): Query<TeamQuery>) -> ApiResult<Json<Vec<Team>>> {
    let filter = TeamFilter {
        active_only: q.active_only.unwrap_or(false),
    };
    Ok(Json(reg.list_teams(filter, page(q.skip, q.limit)?).await?))
}

/// A team.
#[utoipa::path(get, path = "/v1/teams/{name}", tag = "teams",
    params(("name" = String, Path, description = "The team's name or id")),
    responses((status = 200, body = Team), (status = 404, body = ErrorBody)))]
async fn get_team(Acting(reg): Acting, Path(name): Path<String>) -> ApiResult<Json<Team>> {
    Ok(Json(reg.team(&Ref::from_segment(&name)).await?))
}

/// Change a team (absent fields are kept, `null` clears).
#[utoipa::path(patch, path = "/v1/teams/{name}", tag = "teams",
    params(("name" = String, Path, description = "The team's name or id")), request_body = TeamUpdate,
    responses((status = 200, body = Team), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn update_team(
    Acting(reg): Acting,
    Path(name): Path<String>,
    Body(update): Body<TeamUpdate>,
) -> ApiResult<Json<Team>> {
    Ok(Json(reg.update_team(&Ref::from_segment(&name), update).await?))
}

/// Delete a team; its models stay, with no team.
#[utoipa::path(delete, path = "/v1/teams/{name}", tag = "teams",
    params(("name" = String, Path, description = "The team's name or id")),
    responses((status = 204, description = "Deleted"), (status = 404, body = ErrorBody)))]
async fn delete_team(Acting(reg): Acting, Path(name): Path<String>) -> ApiResult<StatusCode> {
    reg.delete_team(&Ref::from_segment(&name)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Mark a team inactive.
#[utoipa::path(post, path = "/v1/teams/{name}/deactivate", tag = "teams",
    params(("name" = String, Path, description = "The team's name or id")),
    responses((status = 200, body = Team), (status = 404, body = ErrorBody)))]
async fn deactivate_team(Acting(reg): Acting, Path(name): Path<String>) -> ApiResult<Json<Team>> {
    Ok(Json(reg.deactivate_team(&Ref::from_segment(&name)).await?))
}

/// A team's models, versions, runs, deployments, GPU hours and cost.
#[utoipa::path(get, path = "/v1/teams/{name}/metrics", tag = "teams",
    params(("name" = String, Path, description = "The team's name or id")),
    responses((status = 200, body = TeamMetrics), (status = 404, body = ErrorBody)))]
async fn team_metrics(Acting(reg): Acting, Path(name): Path<String>) -> ApiResult<Json<TeamMetrics>> {
    Ok(Json(reg.team_metrics(&Ref::from_segment(&name)).await?))
}

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::default()
        .routes(routes!(create_team, list_teams))
        .routes(routes!(get_team, update_team, delete_team))
        .routes(routes!(deactivate_team))
        .routes(routes!(team_metrics))
}
