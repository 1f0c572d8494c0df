//! The HTTP API's routes under `/v1`, one per operation of the registry, and
//! the OpenAPI document generated from their types (`/openapi.json`).

use axum::extract::{Extension, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{get, post, put};
use axum::{Json, Router};
use modelreg_core::analytics::{ModelSummary, Stats, TeamMetrics};
use modelreg_core::audit::AuditEvent;
use modelreg_core::deployments::{ActiveDeployment, Deployment, DeploymentFilter, DeploymentStatus, NewDeployment};
use modelreg_core::environments::{Environment, EnvironmentFilter, EnvironmentKind, EnvironmentUpdate, NewEnvironment};
use modelreg_core::metrics::{Metric, MetricFilter, NewMetric, Split};
use modelreg_core::models::{Model, ModelFilter, ModelUpdate, NewModel, RiskLevel, Tag, TagUsage};
use modelreg_core::runs::{CostSummary, NewRun, RunFilter, RunFinish, RunStatus, TrainingRun};
use modelreg_core::teams::{NewTeam, Team, TeamFilter, TeamUpdate};
use modelreg_core::versions::{ModelVersion, NewVersion, VersionFilter, VersionStatus, VersionWithModel};
use modelreg_core::{EntityKind, Error, Page};
use serde::Deserialize;
use serde_json::{Value, json};
use utoipa::{IntoParams, OpenApi, ToSchema};
use uuid::Uuid;

use crate::serve::{ApiError, AppState, Body, Caller, ErrorBody, Path, Query};

type ApiResult<T> = Result<T, ApiError>;

/// Paging, as the reference API takes it.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct Paging {
    /// Results to skip (default 0)
    #[param(maximum = 9223372036854775807_u64)]
    skip: Option<u64>,
    /// At most this many results, 1..=10000 (default 100)
    #[param(minimum = 1, maximum = 10000)]
    limit: Option<u32>,
}

fn page(skip: Option<u64>, limit: Option<u32>) -> ApiResult<Page> {
    Ok(Page::new(
        skip.unwrap_or(0),
        limit.unwrap_or(modelreg_core::store::DEFAULT_LIMIT),
    )?)
}

fn not_found(entity: EntityKind, key: impl std::fmt::Display) -> ApiError {
    ApiError::from(Error::not_found(entity, key))
}

fn created<T: serde::Serialize>(value: T) -> impl IntoResponse {
    (StatusCode::CREATED, Json(value))
}

fn parse_id(text: &str) -> ApiResult<Uuid> {
    Uuid::parse_str(text).map_err(|_| ApiError::from(Error::invalid("id", format!("{text:?} is not a UUID"))))
}

// ----- health ---------------------------------------------------------

/// The process is up.
#[utoipa::path(get, path = "/healthz", tag = "health", security(()), responses((status = 200, description = "Alive")))]
pub async fn healthz() -> Json<Value> {
    Json(json!({"status": "ok"}))
}

/// The database answers.
#[utoipa::path(get, path = "/readyz", tag = "health", security(()), responses(
    (status = 200, description = "Ready"), (status = 503, description = "The database does not answer", body = ErrorBody)))]
pub async fn readyz(State(state): State<AppState>) -> ApiResult<Json<Value>> {
    let version = state.reg.store().schema_version().await?;
    Ok(Json(json!({"status": "ready", "schema_version": version})))
}

// ----- teams ----------------------------------------------------------

/// Filters of the team list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TeamQuery {
    /// Only active teams
    active_only: Option<bool>,
    #[param(maximum = 9223372036854775807_u64)]
    skip: Option<u64>,
    #[param(minimum = 1, maximum = 10000)]
    limit: Option<u32>,
}

/// Create a team.
#[utoipa::path(post, path = "/v1/teams", tag = "teams", request_body = NewTeam, responses(
    (status = 201, body = Team), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_team(
    State(s): State<AppState>,
    Extension(c): Extension<Caller>,
    Body(new): Body<NewTeam>,
) -> ApiResult<impl IntoResponse> {
    Ok(created(s.reg.create_team(new, &c.actor).await?))
}

/// List teams by name.
#[utoipa::path(get, path = "/v1/teams", tag = "teams", params(TeamQuery), responses((status = 200, body = Vec<Team>)))]
async fn list_teams(State(s): State<AppState>, Query(q): Query<TeamQuery>) -> ApiResult<Json<Vec<Team>>> {
    let filter = TeamFilter {
        active_only: q.active_only.unwrap_or(false),
    };
    Ok(Json(s.reg.list_teams(filter, page(q.skip, q.limit)?).await?))
}

/// A team by name.
#[utoipa::path(get, path = "/v1/teams/{name}", tag = "teams", params(("name" = String, Path)), responses(
    (status = 200, body = Team), (status = 404, body = ErrorBody)))]
async fn get_team(State(s): State<AppState>, Path(name): Path<String>) -> ApiResult<Json<Team>> {
    Ok(Json(s.reg.team_by_name(&name).await?))
}

/// Change a team (absent fields are kept, `null` clears).
#[utoipa::path(patch, path = "/v1/teams/{name}", tag = "teams", params(("name" = String, Path)), request_body = TeamUpdate,
    responses((status = 200, body = Team), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn update_team(
    State(s): State<AppState>,
    Extension(c): Extension<Caller>,
    Path(name): Path<String>,
    Body(update): Body<TeamUpdate>,
) -> ApiResult<Json<Team>> {
    let team = s.reg.team_by_name(&name).await?;
    Ok(Json(s.reg.update_team(team.id, update, &c.actor).await?))
}

/// Mark a team inactive.
#[utoipa::path(post, path = "/v1/teams/{name}/deactivate", tag = "teams", params(("name" = String, Path)),
    responses((status = 200, body = Team), (status = 404, body = ErrorBody)))]
async fn deactivate_team(
    State(s): State<AppState>,
    Extension(c): Extension<Caller>,
    Path(name): Path<String>,
) -> ApiResult<Json<Team>> {
    let team = s.reg.team_by_name(&name).await?;
    Ok(Json(s.reg.deactivate_team(team.id, &c.actor).await?))
}

/// Delete a team; its models stay, with no team.
#[utoipa::path(delete, path = "/v1/teams/{name}", tag = "teams", params(("name" = String, Path)),
    responses((status = 204, description = "Deleted"), (status = 404, body = ErrorBody)))]
async fn delete_team(
    State(s): State<AppState>,
    Extension(c): Extension<Caller>,
    Path(name): Path<String>,
) -> ApiResult<StatusCode> {
    let team = s.reg.team_by_name(&name).await?;
    s.reg.delete_team(team.id, &c.actor).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A team's models, versions, runs, deployments, GPU hours and cost.
#[utoipa::path(get, path = "/v1/teams/{name}/metrics", tag = "teams", params(("name" = String, Path)),
    responses((status = 200, body = TeamMetrics), (status = 404, body = ErrorBody)))]
async fn team_metrics(State(s): State<AppState>, Path(name): Path<String>) -> ApiResult<Json<TeamMetrics>> {
    let team = s.reg.team_by_name(&name).await?;
    Ok(Json(s.reg.team_metrics(team.id).await?))
}

// ----- models and tags ------------------------------------------------

/// Filters of the model list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ModelQuery {
    /// Only active models
    active_only: Option<bool>,
    /// Only models of this team (by name)
    team: Option<String>,
    risk_level: Option<RiskLevel>,
    #[param(maximum = 9223372036854775807_u64)]
    skip: Option<u64>,
    #[param(minimum = 1, maximum = 10000)]
    limit: Option<u32>,
}

/// Create a model.
#[utoipa::path(post, path = "/v1/models", tag = "models", request_body = NewModel, responses(
    (status = 201, body = Model), (status = 404, description = "Unknown team", body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_model(
    State(s): State<AppState>,
    Extension(c): Extension<Caller>,
    Body(new): Body<NewModel>,
) -> ApiResult<impl IntoResponse> {
    Ok(created(s.reg.create_model(new, &c.actor).await?))
}

/// List models by name, with filters.
#[utoipa::path(get, path = "/v1/models", tag = "models", params(ModelQuery), responses((status = 200, body = Vec<Model>), (status = 404, body = ErrorBody)))]
async fn list_models(State(s): State<AppState>, Query(q): Query<ModelQuery>) -> ApiResult<Json<Vec<Model>>> {
    let team_id = match &q.team {
        Some(name) => Some(s.reg.team_by_name(name).await?.id),
        None => None,
    };
    let filter = ModelFilter {
        active_only: q.active_only.unwrap_or(false),
        team_id,
        risk_level: q.risk_level,
    };
    Ok(Json(s.reg.list_models(filter, page(q.skip, q.limit)?).await?))
}

/// A search by name.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SearchQuery {
    /// Part of the name, any case; `%` and `_` match themselves
    q: String,
    #[param(maximum = 9223372036854775807_u64)]
    skip: Option<u64>,
    #[param(minimum = 1, maximum = 10000)]
    limit: Option<u32>,
}

/// Models whose name contains `q`.
#[utoipa::path(get, path = "/v1/models/search", tag = "models", params(SearchQuery), responses((status = 200, body = Vec<Model>)))]
async fn search_models(State(s): State<AppState>, Query(q): Query<SearchQuery>) -> ApiResult<Json<Vec<Model>>> {
    Ok(Json(s.reg.search_models(&q.q, page(q.skip, q.limit)?).await?))
}

/// A model by name.
#[utoipa::path(get, path = "/v1/models/{name}", tag = "models", params(("name" = String, Path)),
    responses((status = 200, body = Model), (status = 404, body = ErrorBody)))]
async fn get_model(State(s): State<AppState>, Path(name): Path<String>) -> ApiResult<Json<Model>> {
    Ok(Json(s.reg.model_by_name(&name).await?))
}

/// Change a model (absent fields are kept, `null` clears).
#[utoipa::path(patch, path = "/v1/models/{name}", tag = "models", params(("name" = String, Path)), request_body = ModelUpdate,
    responses((status = 200, body = Model), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn update_model(
    State(s): State<AppState>,
    Extension(c): Extension<Caller>,
    Path(name): Path<String>,
    Body(update): Body<ModelUpdate>,
) -> ApiResult<Json<Model>> {
    let model = s.reg.model_by_name(&name).await?;
    Ok(Json(s.reg.update_model(model.id, update, &c.actor).await?))
}

/// Delete a model with its versions, runs, metrics and deployments.
#[utoipa::path(delete, path = "/v1/models/{name}", tag = "models", params(("name" = String, Path)),
    responses((status = 204, description = "Deleted"), (status = 404, body = ErrorBody)))]
async fn delete_model(
    State(s): State<AppState>,
    Extension(c): Extension<Caller>,
    Path(name): Path<String>,
) -> ApiResult<StatusCode> {
    let model = s.reg.model_by_name(&name).await?;
    s.reg.delete_model(model.id, &c.actor).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A model's counts, latest and production semver, GPU hours and cost.
#[utoipa::path(get, path = "/v1/models/{name}/summary", tag = "models", params(("name" = String, Path)),
    responses((status = 200, body = ModelSummary), (status = 404, body = ErrorBody)))]
async fn model_summary(State(s): State<AppState>, Path(name): Path<String>) -> ApiResult<Json<ModelSummary>> {
    let model = s.reg.model_by_name(&name).await?;
    Ok(Json(s.reg.model_summary(model.id).await?))
}

/// The tags of a model.
#[utoipa::path(get, path = "/v1/models/{name}/tags", tag = "models", params(("name" = String, Path)),
    responses((status = 200, body = Vec<Tag>), (status = 404, body = ErrorBody)))]
async fn model_tags(State(s): State<AppState>, Path(name): Path<String>) -> ApiResult<Json<Vec<Tag>>> {
    let model = s.reg.model_by_name(&name).await?;
    Ok(Json(s.reg.tags_of_model(model.id).await?))
}

/// Tag a model (the tag is created if new; tagging twice changes nothing).
#[utoipa::path(put, path = "/v1/models/{name}/tags/{tag}", tag = "models", params(("name" = String, Path), ("tag" = String, Path)),
    responses((status = 200, description = "`{\"added\": bool}`"), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn add_tag(
    State(s): State<AppState>,
    Extension(c): Extension<Caller>,
    Path((name, tag)): Path<(String, String)>,
) -> ApiResult<Json<Value>> {
    let model = s.reg.model_by_name(&name).await?;
    Ok(Json(json!({"added": s.reg.add_tag(model.id, &tag, &c.actor).await?})))
}

/// Remove a tag from a model.
#[utoipa::path(delete, path = "/v1/models/{name}/tags/{tag}", tag = "models", params(("name" = String, Path), ("tag" = String, Path)),
    responses((status = 200, description = "`{\"removed\": bool}`"), (status = 404, body = ErrorBody)))]
async fn remove_tag(
    State(s): State<AppState>,
    Extension(c): Extension<Caller>,
    Path((name, tag)): Path<(String, String)>,
) -> ApiResult<Json<Value>> {
    let model = s.reg.model_by_name(&name).await?;
    Ok(Json(
        json!({"removed": s.reg.remove_tag(model.id, &tag, &c.actor).await?}),
    ))
}

/// Every tag with the number of models carrying it.
#[utoipa::path(get, path = "/v1/tags", tag = "models", responses((status = 200, body = Vec<TagUsage>)))]
async fn list_tags(State(s): State<AppState>) -> ApiResult<Json<Vec<TagUsage>>> {
    Ok(Json(s.reg.list_tags().await?))
}

/// The models carrying a tag.
#[utoipa::path(get, path = "/v1/tags/{tag}/models", tag = "models", params(("tag" = String, Path), Paging), responses((status = 200, body = Vec<Model>)))]
async fn models_by_tag(
    State(s): State<AppState>,
    Path(tag): Path<String>,
    Query(p): Query<Paging>,
) -> ApiResult<Json<Vec<Model>>> {
    Ok(Json(s.reg.models_by_tag(&tag, page(p.skip, p.limit)?).await?))
}

// ----- versions -------------------------------------------------------

/// Filters by version status.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct VersionQuery {
    status: Option<VersionStatus>,
    #[param(maximum = 9223372036854775807_u64)]
    skip: Option<u64>,
    #[param(minimum = 1, maximum = 10000)]
    limit: Option<u32>,
}

/// Register a version of a model.
#[utoipa::path(post, path = "/v1/models/{name}/versions", tag = "versions", params(("name" = String, Path)), request_body = NewVersion,
    responses((status = 201, body = ModelVersion), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn register_version(
    State(s): State<AppState>,
    Extension(c): Extension<Caller>,
    Path(name): Path<String>,
    Body(new): Body<NewVersion>,
) -> ApiResult<impl IntoResponse> {
    let model = s.reg.model_by_name(&name).await?;
    Ok(created(s.reg.register_version(model.id, new, &c.actor).await?))
}

/// A model's versions, newest first.
#[utoipa::path(get, path = "/v1/models/{name}/versions", tag = "versions", params(("name" = String, Path), VersionQuery),
    responses((status = 200, body = Vec<ModelVersion>), (status = 404, body = ErrorBody)))]
async fn list_versions(
    State(s): State<AppState>,
    Path(name): Path<String>,
    Query(q): Query<VersionQuery>,
) -> ApiResult<Json<Vec<ModelVersion>>> {
    let model = s.reg.model_by_name(&name).await?;
    let filter = VersionFilter { status: q.status };
    Ok(Json(
        s.reg.list_versions(model.id, filter, page(q.skip, q.limit)?).await?,
    ))
}

/// A version by its model's name and semver.
#[utoipa::path(get, path = "/v1/models/{name}/versions/{semver}", tag = "versions", params(("name" = String, Path), ("semver" = String, Path)),
    responses((status = 200, body = ModelVersion), (status = 404, body = ErrorBody)))]
async fn get_version(
    State(s): State<AppState>,
    Path((name, semver)): Path<(String, String)>,
) -> ApiResult<Json<ModelVersion>> {
    Ok(Json(s.reg.version_by_name(&name, &semver).await?))
}

/// A version status.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VersionStatusBody {
    status: VersionStatus,
}

/// Move a version to a status (production archives the previous production version).
#[utoipa::path(put, path = "/v1/models/{name}/versions/{semver}/status", tag = "versions", params(("name" = String, Path), ("semver" = String, Path)),
    request_body = VersionStatusBody, responses((status = 200, body = ModelVersion), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn set_version_status(
    State(s): State<AppState>,
    Extension(c): Extension<Caller>,
    Path((name, semver)): Path<(String, String)>,
    Body(body): Body<VersionStatusBody>,
) -> ApiResult<Json<ModelVersion>> {
    let version = s.reg.version_by_name(&name, &semver).await?;
    Ok(Json(s.reg.set_version_status(version.id, body.status, &c.actor).await?))
}

/// Delete a version with its runs, metrics and deployments.
#[utoipa::path(delete, path = "/v1/models/{name}/versions/{semver}", tag = "versions", params(("name" = String, Path), ("semver" = String, Path)),
    responses((status = 204, description = "Deleted"), (status = 404, body = ErrorBody)))]
async fn delete_version(
    State(s): State<AppState>,
    Extension(c): Extension<Caller>,
    Path((name, semver)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    let version = s.reg.version_by_name(&name, &semver).await?;
    s.reg.delete_version(version.id, &c.actor).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Filter of `latest`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct LatestQuery {
    /// Only versions of this status
    status: Option<VersionStatus>,
}

/// The version of highest SemVer precedence (releases above pre-releases).
#[utoipa::path(get, path = "/v1/models/{name}/latest", tag = "versions", params(("name" = String, Path), LatestQuery),
    responses((status = 200, body = ModelVersion), (status = 404, body = ErrorBody)))]
async fn latest_version(
    State(s): State<AppState>,
    Path(name): Path<String>,
    Query(q): Query<LatestQuery>,
) -> ApiResult<Json<ModelVersion>> {
    let model = s.reg.model_by_name(&name).await?;
    let latest = s.reg.latest_version(model.id, q.status).await?;
    latest
        .map(Json)
        .ok_or_else(|| not_found(EntityKind::ModelVersion, format_args!("{name}@latest")))
}

/// The production version of a model.
#[utoipa::path(get, path = "/v1/models/{name}/production", tag = "versions", params(("name" = String, Path)),
    responses((status = 200, body = ModelVersion), (status = 404, body = ErrorBody)))]
async fn production_version(State(s): State<AppState>, Path(name): Path<String>) -> ApiResult<Json<ModelVersion>> {
    let model = s.reg.model_by_name(&name).await?;
    let version = s.reg.production_version(model.id).await?;
    version
        .map(Json)
        .ok_or_else(|| not_found(EntityKind::ModelVersion, format_args!("{name}@production")))
}

/// Every production version with its model.
#[utoipa::path(get, path = "/v1/production", tag = "versions", responses((status = 200, body = Vec<VersionWithModel>)))]
async fn production_versions(State(s): State<AppState>) -> ApiResult<Json<Vec<VersionWithModel>>> {
    Ok(Json(s.reg.production_versions().await?))
}

// ----- runs and metrics -----------------------------------------------

/// Filters by run status.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct RunQuery {
    status: Option<RunStatus>,
    #[param(maximum = 9223372036854775807_u64)]
    skip: Option<u64>,
    #[param(minimum = 1, maximum = 10000)]
    limit: Option<u32>,
}

/// Start a training run of a version.
#[utoipa::path(post, path = "/v1/models/{name}/versions/{semver}/runs", tag = "runs", params(("name" = String, Path), ("semver" = String, Path)),
    request_body = NewRun, responses((status = 201, body = TrainingRun), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn start_run(
    State(s): State<AppState>,
    Extension(c): Extension<Caller>,
    Path((name, semver)): Path<(String, String)>,
    Body(new): Body<NewRun>,
) -> ApiResult<impl IntoResponse> {
    let version = s.reg.version_by_name(&name, &semver).await?;
    Ok(created(s.reg.start_run(version.id, new, &c.actor).await?))
}

/// Runs of a version, newest first.
#[utoipa::path(get, path = "/v1/models/{name}/versions/{semver}/runs", tag = "runs", params(("name" = String, Path), ("semver" = String, Path), RunQuery),
    responses((status = 200, body = Vec<TrainingRun>), (status = 404, body = ErrorBody)))]
async fn runs_of_version(
    State(s): State<AppState>,
    Path((name, semver)): Path<(String, String)>,
    Query(q): Query<RunQuery>,
) -> ApiResult<Json<Vec<TrainingRun>>> {
    let version = s.reg.version_by_name(&name, &semver).await?;
    Ok(Json(
        s.reg
            .runs_of_version(version.id, RunFilter { status: q.status }, page(q.skip, q.limit)?)
            .await?,
    ))
}

/// Runs of every version of a model, newest first.
#[utoipa::path(get, path = "/v1/models/{name}/runs", tag = "runs", params(("name" = String, Path), RunQuery),
    responses((status = 200, body = Vec<TrainingRun>), (status = 404, body = ErrorBody)))]
async fn runs_of_model(
    State(s): State<AppState>,
    Path(name): Path<String>,
    Query(q): Query<RunQuery>,
) -> ApiResult<Json<Vec<TrainingRun>>> {
    let model = s.reg.model_by_name(&name).await?;
    Ok(Json(
        s.reg
            .runs_of_model(model.id, RunFilter { status: q.status }, page(q.skip, q.limit)?)
            .await?,
    ))
}

/// A run by id.
#[utoipa::path(get, path = "/v1/runs/{id}", tag = "runs", params(("id" = Uuid, Path)),
    responses((status = 200, body = TrainingRun), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn get_run(State(s): State<AppState>, Path(id): Path<String>) -> ApiResult<Json<TrainingRun>> {
    Ok(Json(s.reg.run(parse_id(&id)?).await?))
}

/// End a running run.
#[utoipa::path(post, path = "/v1/runs/{id}/finish", tag = "runs", params(("id" = Uuid, Path)), request_body = RunFinish,
    responses((status = 200, body = TrainingRun), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn finish_run(
    State(s): State<AppState>,
    Extension(c): Extension<Caller>,
    Path(id): Path<String>,
    Body(finish): Body<RunFinish>,
) -> ApiResult<Json<TrainingRun>> {
    Ok(Json(s.reg.finish_run(parse_id(&id)?, finish, &c.actor).await?))
}

/// Whose cost.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CostQuery {
    /// Only this model's runs (by name)
    model: Option<String>,
}

/// Total cost, GPU hours and run count.
#[utoipa::path(get, path = "/v1/cost", tag = "runs", params(CostQuery), responses((status = 200, body = CostSummary), (status = 404, body = ErrorBody)))]
async fn cost(State(s): State<AppState>, Query(q): Query<CostQuery>) -> ApiResult<Json<CostSummary>> {
    let model_id = match &q.model {
        Some(name) => Some(s.reg.model_by_name(name).await?.id),
        None => None,
    };
    Ok(Json(s.reg.cost_summary(model_id).await?))
}

/// Filters of a version's metrics.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct MetricQuery {
    name: Option<String>,
    split: Option<Split>,
    #[param(maximum = 9223372036854775807_u64)]
    skip: Option<u64>,
    #[param(minimum = 1, maximum = 10000)]
    limit: Option<u32>,
}

/// Record a metric of a version.
#[utoipa::path(post, path = "/v1/models/{name}/versions/{semver}/metrics", tag = "metrics", params(("name" = String, Path), ("semver" = String, Path)),
    request_body = NewMetric, responses((status = 201, body = Metric), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn record_metric(
    State(s): State<AppState>,
    Extension(c): Extension<Caller>,
    Path((name, semver)): Path<(String, String)>,
    Body(new): Body<NewMetric>,
) -> ApiResult<impl IntoResponse> {
    let version = s.reg.version_by_name(&name, &semver).await?;
    Ok(created(s.reg.record_metric(version.id, new, &c.actor).await?))
}

/// A version's metrics, newest first.
#[utoipa::path(get, path = "/v1/models/{name}/versions/{semver}/metrics", tag = "metrics", params(("name" = String, Path), ("semver" = String, Path), MetricQuery),
    responses((status = 200, body = Vec<Metric>), (status = 404, body = ErrorBody)))]
async fn list_metrics(
    State(s): State<AppState>,
    Path((name, semver)): Path<(String, String)>,
    Query(q): Query<MetricQuery>,
) -> ApiResult<Json<Vec<Metric>>> {
    let version = s.reg.version_by_name(&name, &semver).await?;
    let filter = MetricFilter {
        name: q.name,
        split: q.split,
    };
    Ok(Json(
        s.reg
            .metrics_of_version(version.id, &filter, page(q.skip, q.limit)?)
            .await?,
    ))
}

/// The newest value of each metric of a version.
#[utoipa::path(get, path = "/v1/models/{name}/versions/{semver}/metrics/latest", tag = "metrics", params(("name" = String, Path), ("semver" = String, Path)),
    responses((status = 200, body = Vec<Metric>), (status = 404, body = ErrorBody)))]
async fn latest_metrics(
    State(s): State<AppState>,
    Path((name, semver)): Path<(String, String)>,
) -> ApiResult<Json<Vec<Metric>>> {
    let version = s.reg.version_by_name(&name, &semver).await?;
    Ok(Json(s.reg.latest_metrics(version.id).await?))
}

// ----- environments ---------------------------------------------------

/// Filters of the environment list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct EnvironmentQuery {
    kind: Option<EnvironmentKind>,
    /// Only active environments
    active_only: Option<bool>,
    #[param(maximum = 9223372036854775807_u64)]
    skip: Option<u64>,
    #[param(minimum = 1, maximum = 10000)]
    limit: Option<u32>,
}

/// Create an environment.
#[utoipa::path(post, path = "/v1/environments", tag = "environments", request_body = NewEnvironment,
    responses((status = 201, body = Environment), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_environment(
    State(s): State<AppState>,
    Extension(c): Extension<Caller>,
    Body(new): Body<NewEnvironment>,
) -> ApiResult<impl IntoResponse> {
    Ok(created(s.reg.create_environment(new, &c.actor).await?))
}

/// List environments by name.
#[utoipa::path(get, path = "/v1/environments", tag = "environments", params(EnvironmentQuery), responses((status = 200, body = Vec<Environment>)))]
async fn list_environments(
    State(s): State<AppState>,
    Query(q): Query<EnvironmentQuery>,
) -> ApiResult<Json<Vec<Environment>>> {
    let filter = EnvironmentFilter {
        kind: q.kind,
        active_only: q.active_only.unwrap_or(false),
    };
    Ok(Json(s.reg.list_environments(filter, page(q.skip, q.limit)?).await?))
}

/// An environment by name.
#[utoipa::path(get, path = "/v1/environments/{name}", tag = "environments", params(("name" = String, Path)),
    responses((status = 200, body = Environment), (status = 404, body = ErrorBody)))]
async fn get_environment(State(s): State<AppState>, Path(name): Path<String>) -> ApiResult<Json<Environment>> {
    Ok(Json(s.reg.environment_by_name(&name).await?))
}

/// Change an environment (absent fields are kept, `null` clears).
#[utoipa::path(patch, path = "/v1/environments/{name}", tag = "environments", params(("name" = String, Path)), request_body = EnvironmentUpdate,
    responses((status = 200, body = Environment), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn update_environment(
    State(s): State<AppState>,
    Extension(c): Extension<Caller>,
    Path(name): Path<String>,
    Body(update): Body<EnvironmentUpdate>,
) -> ApiResult<Json<Environment>> {
    let env = s.reg.environment_by_name(&name).await?;
    Ok(Json(s.reg.update_environment(env.id, update, &c.actor).await?))
}

/// Mark an environment inactive (it takes no new deployments).
#[utoipa::path(post, path = "/v1/environments/{name}/deactivate", tag = "environments", params(("name" = String, Path)),
    responses((status = 200, body = Environment), (status = 404, body = ErrorBody)))]
async fn deactivate_environment(
    State(s): State<AppState>,
    Extension(c): Extension<Caller>,
    Path(name): Path<String>,
) -> ApiResult<Json<Environment>> {
    let env = s.reg.environment_by_name(&name).await?;
    Ok(Json(s.reg.deactivate_environment(env.id, &c.actor).await?))
}

// ----- deployments ----------------------------------------------------

/// What to deploy where.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeployBody {
    /// The model's name
    model: String,
    semver: String,
    /// The environment's name
    environment: String,
    deployment: NewDeployment,
}

/// Deploy a version into an environment.
#[utoipa::path(post, path = "/v1/deployments", tag = "deployments", request_body = DeployBody,
    responses((status = 201, body = Deployment), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn deploy(
    State(s): State<AppState>,
    Extension(c): Extension<Caller>,
    Body(body): Body<DeployBody>,
) -> ApiResult<impl IntoResponse> {
    let version = s.reg.version_by_name(&body.model, &body.semver).await?;
    let env = s.reg.environment_by_name(&body.environment).await?;
    Ok(created(
        s.reg.deploy(version.id, env.id, body.deployment, &c.actor).await?,
    ))
}

/// Which deployments: of an environment, or of a version.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DeploymentQuery {
    /// Deployments in this environment (by name)
    environment: Option<String>,
    /// With `semver`: deployments of this version
    model: Option<String>,
    semver: Option<String>,
    status: Option<DeploymentStatus>,
    #[param(maximum = 9223372036854775807_u64)]
    skip: Option<u64>,
    #[param(minimum = 1, maximum = 10000)]
    limit: Option<u32>,
}

/// Deployments in an environment or of a version, newest first.
#[utoipa::path(get, path = "/v1/deployments", tag = "deployments", params(DeploymentQuery),
    responses((status = 200, body = Vec<Deployment>), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn list_deployments(
    State(s): State<AppState>,
    Query(q): Query<DeploymentQuery>,
) -> ApiResult<Json<Vec<Deployment>>> {
    let filter = DeploymentFilter { status: q.status };
    let page = page(q.skip, q.limit)?;
    match (&q.environment, &q.model, &q.semver) {
        (Some(env), None, None) => {
            let env = s.reg.environment_by_name(env).await?;
            Ok(Json(s.reg.deployments_in(env.id, filter, page).await?))
        }
        (None, Some(model), Some(semver)) => {
            let version = s.reg.version_by_name(model, semver).await?;
            Ok(Json(s.reg.deployments_of_version(version.id, filter, page).await?))
        }
        _ => Err(ApiError::from(Error::invalid(
            "environment",
            "give environment=NAME, or model=NAME and semver=SEMVER",
        ))),
    }
}

/// Healthy and degraded deployments with their version, model and environment.
#[utoipa::path(get, path = "/v1/deployments/active", tag = "deployments", responses((status = 200, body = Vec<ActiveDeployment>)))]
async fn active_deployments(State(s): State<AppState>) -> ApiResult<Json<Vec<ActiveDeployment>>> {
    Ok(Json(s.reg.active_deployments().await?))
}

/// A deployment by id.
#[utoipa::path(get, path = "/v1/deployments/{id}", tag = "deployments", params(("id" = Uuid, Path)),
    responses((status = 200, body = Deployment), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn get_deployment(State(s): State<AppState>, Path(id): Path<String>) -> ApiResult<Json<Deployment>> {
    Ok(Json(s.reg.deployment(parse_id(&id)?).await?))
}

/// A deployment status.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeploymentStatusBody {
    status: DeploymentStatus,
}

/// Move a deployment to a status (terminated is final).
#[utoipa::path(put, path = "/v1/deployments/{id}/status", tag = "deployments", params(("id" = Uuid, Path)), request_body = DeploymentStatusBody,
    responses((status = 200, body = Deployment), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn set_deployment_status(
    State(s): State<AppState>,
    Extension(c): Extension<Caller>,
    Path(id): Path<String>,
    Body(body): Body<DeploymentStatusBody>,
) -> ApiResult<Json<Deployment>> {
    Ok(Json(
        s.reg
            .set_deployment_status(parse_id(&id)?, body.status, &c.actor)
            .await?,
    ))
}

/// A number of replicas.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReplicasBody {
    replicas: i32,
}

/// Scale a deployment.
#[utoipa::path(put, path = "/v1/deployments/{id}/replicas", tag = "deployments", params(("id" = Uuid, Path)), request_body = ReplicasBody,
    responses((status = 200, body = Deployment), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn scale_deployment(
    State(s): State<AppState>,
    Extension(c): Extension<Caller>,
    Path(id): Path<String>,
    Body(body): Body<ReplicasBody>,
) -> ApiResult<Json<Deployment>> {
    Ok(Json(
        s.reg.scale_deployment(parse_id(&id)?, body.replicas, &c.actor).await?,
    ))
}

/// Terminate a deployment and redeploy the version that ran there before it.
#[utoipa::path(post, path = "/v1/deployments/{id}/rollback", tag = "deployments", params(("id" = Uuid, Path)),
    responses((status = 201, body = Deployment), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn rollback(
    State(s): State<AppState>,
    Extension(c): Extension<Caller>,
    Path(id): Path<String>,
) -> ApiResult<impl IntoResponse> {
    Ok(created(s.reg.rollback_deployment(parse_id(&id)?, &c.actor).await?))
}

/// Terminate a deployment.
#[utoipa::path(post, path = "/v1/deployments/{id}/terminate", tag = "deployments", params(("id" = Uuid, Path)),
    responses((status = 200, body = Deployment), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn terminate(
    State(s): State<AppState>,
    Extension(c): Extension<Caller>,
    Path(id): Path<String>,
) -> ApiResult<Json<Deployment>> {
    Ok(Json(s.reg.terminate_deployment(parse_id(&id)?, &c.actor).await?))
}

// ----- audit, reports, stats ------------------------------------------

/// Which changes: of one entity, by one actor, or the most recent.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// With `entity_id`: the changes of one entity
    entity_type: Option<EntityKind>,
    entity_id: Option<Uuid>,
    /// The changes one actor made
    actor: Option<String>,
    #[param(maximum = 9223372036854775807_u64)]
    skip: Option<u64>,
    #[param(minimum = 1, maximum = 10000)]
    limit: Option<u32>,
}

/// The audit trail, newest first.
#[utoipa::path(get, path = "/v1/audit", tag = "audit", params(AuditQuery), responses((status = 200, body = Vec<AuditEvent>), (status = 422, body = ErrorBody)))]
async fn audit(State(s): State<AppState>, Query(q): Query<AuditQuery>) -> ApiResult<Json<Vec<AuditEvent>>> {
    let page = page(q.skip, q.limit)?;
    let events = match (q.entity_type, q.entity_id, &q.actor) {
        (Some(kind), Some(id), None) => s.reg.audit_of_entity(kind, id, page).await?,
        (None, None, Some(actor)) => s.reg.audit_by_actor(actor, page).await?,
        (None, None, None) => s.reg.recent_audit(page).await?,
        _ => {
            return Err(ApiError::from(Error::invalid(
                "entity_type",
                "give entity_type and entity_id, or actor, or neither",
            )));
        }
    };
    Ok(Json(events))
}

/// Deployments per status.
#[utoipa::path(get, path = "/v1/reports/deployments", tag = "reports", responses((status = 200, description = "`{status: count}` for every status")))]
async fn deployment_report(State(s): State<AppState>) -> ApiResult<Json<Value>> {
    Ok(Json(
        serde_json::to_value(s.reg.deployment_status_counts().await?).map_err(Error::backend)?,
    ))
}

/// How stale.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct StaleQuery {
    /// Days without a training run (default 90)
    #[param(maximum = 36600)]
    days: Option<u32>,
}

/// Active models with no training run started in the last `days` days.
#[utoipa::path(get, path = "/v1/reports/stale", tag = "reports", params(StaleQuery), responses((status = 200, body = Vec<Model>)))]
async fn stale_report(State(s): State<AppState>, Query(q): Query<StaleQuery>) -> ApiResult<Json<Vec<Model>>> {
    Ok(Json(s.reg.stale_models(q.days.unwrap_or(90)).await?))
}

/// How many of each entity the registry holds.
#[utoipa::path(get, path = "/v1/stats", tag = "reports", responses((status = 200, body = Stats)))]
async fn stats(State(s): State<AppState>) -> ApiResult<Json<Stats>> {
    Ok(Json(s.reg.stats().await?))
}

/// The OpenAPI document of this API.
#[utoipa::path(get, path = "/openapi.json", tag = "health", responses((status = 200, description = "OpenAPI 3 document")))]
async fn openapi(State(s): State<AppState>) -> Json<utoipa::openapi::OpenApi> {
    Json(document(!s.tokens.is_empty()))
}

/// The document as this server answers: with bearer security when tokens are
/// configured, and the error responses every operation can give.
pub fn document(with_tokens: bool) -> utoipa::openapi::OpenApi {
    use utoipa::openapi::{Ref, RefOr, ResponseBuilder, content::ContentBuilder};
    let mut doc = ApiDoc::openapi();
    if !with_tokens {
        doc.security = None;
    }
    let error = |description: &str| {
        RefOr::T(
            ResponseBuilder::new()
                .description(description)
                .content(
                    "application/json",
                    ContentBuilder::new()
                        .schema(Some(Ref::from_schema_name("ErrorBody")))
                        .build(),
                )
                .build(),
        )
    };
    let mut common = vec![
        ("400", "Malformed JSON, query or path"),
        ("408", "The request took too long"),
        ("413", "The body is over 1 MiB"),
        ("422", "A value breaks a rule of the registry"),
        ("503", "The database does not answer"),
    ];
    if with_tokens {
        common.extend([
            ("401", "A missing or unknown token"),
            ("403", "A read-only token tried to change something"),
        ]);
    }
    for (path, item) in doc.paths.paths.iter_mut() {
        let public = matches!(path.as_str(), "/healthz" | "/readyz");
        let operations = [
            &mut item.get,
            &mut item.post,
            &mut item.put,
            &mut item.patch,
            &mut item.delete,
        ];
        for operation in operations.into_iter().flatten() {
            for (status, description) in &common {
                let auth = matches!(*status, "401" | "403");
                if !(public && auth) {
                    operation
                        .responses
                        .responses
                        .entry(status.to_string())
                        .or_insert_with(|| error(description));
                }
            }
        }
    }
    doc
}

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The OpenAPI document, generated from the handlers and the registry's types.
#[derive(OpenApi)]
#[openapi(
    info(title = "modelreg", description = "An ML model registry: models, versions, runs, metrics, environments, deployments and their audit trail."),
    paths(
        healthz, readyz, openapi,
        create_team, list_teams, get_team, update_team, deactivate_team, delete_team, team_metrics,
        create_model, list_models, search_models, get_model, update_model, delete_model, model_summary,
        model_tags, add_tag, remove_tag, list_tags, models_by_tag,
        register_version, list_versions, get_version, set_version_status, delete_version, latest_version,
        production_version, production_versions,
        start_run, runs_of_version, runs_of_model, get_run, finish_run, cost,
        record_metric, list_metrics, latest_metrics,
        create_environment, list_environments, get_environment, update_environment, deactivate_environment,
        deploy, list_deployments, active_deployments, get_deployment, set_deployment_status, scale_deployment, rollback, terminate,
        audit, deployment_report, stale_report, stats,
    ),
    components(schemas(ErrorBody)),
    modifiers(&BearerAuth),
    security(("bearer" = [])),
)]
pub struct ApiDoc;

/// Every route that needs a token (when tokens are configured).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/openapi.json", get(openapi))
        .route("/v1/teams", post(create_team).get(list_teams))
        .route("/v1/teams/{name}", get(get_team).patch(update_team).delete(delete_team))
        .route("/v1/teams/{name}/deactivate", post(deactivate_team))
        .route("/v1/teams/{name}/metrics", get(team_metrics))
        .route("/v1/models", post(create_model).get(list_models))
        .route("/v1/models/search", get(search_models))
        .route(
            "/v1/models/{name}",
            get(get_model).patch(update_model).delete(delete_model),
        )
        .route("/v1/models/{name}/summary", get(model_summary))
        .route("/v1/models/{name}/tags", get(model_tags))
        .route("/v1/models/{name}/tags/{tag}", put(add_tag).delete(remove_tag))
        .route("/v1/tags", get(list_tags))
        .route("/v1/tags/{tag}/models", get(models_by_tag))
        .route("/v1/models/{name}/versions", post(register_version).get(list_versions))
        .route(
            "/v1/models/{name}/versions/{semver}",
            get(get_version).delete(delete_version),
        )
        .route("/v1/models/{name}/versions/{semver}/status", put(set_version_status))
        .route("/v1/models/{name}/latest", get(latest_version))
        .route("/v1/models/{name}/production", get(production_version))
        .route("/v1/production", get(production_versions))
        .route(
            "/v1/models/{name}/versions/{semver}/runs",
            post(start_run).get(runs_of_version),
        )
        .route("/v1/models/{name}/runs", get(runs_of_model))
        .route("/v1/runs/{id}", get(get_run))
        .route("/v1/runs/{id}/finish", post(finish_run))
        .route("/v1/cost", get(cost))
        .route(
            "/v1/models/{name}/versions/{semver}/metrics",
            post(record_metric).get(list_metrics),
        )
        .route(
            "/v1/models/{name}/versions/{semver}/metrics/latest",
            get(latest_metrics),
        )
        .route("/v1/environments", post(create_environment).get(list_environments))
        .route(
            "/v1/environments/{name}",
            get(get_environment).patch(update_environment),
        )
        .route("/v1/environments/{name}/deactivate", post(deactivate_environment))
        .route("/v1/deployments", post(deploy).get(list_deployments))
        .route("/v1/deployments/active", get(active_deployments))
        .route("/v1/deployments/{id}", get(get_deployment))
        .route("/v1/deployments/{id}/status", put(set_deployment_status))
        .route("/v1/deployments/{id}/replicas", put(scale_deployment))
        .route("/v1/deployments/{id}/rollback", post(rollback))
        .route("/v1/deployments/{id}/terminate", post(terminate))
        .route("/v1/audit", get(audit))
        .route("/v1/reports/deployments", get(deployment_report))
        .route("/v1/reports/stale", get(stale_report))
        .route("/v1/stats", get(stats))
}
