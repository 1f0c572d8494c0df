//! Training runs: started on a version, read and finished by id, and what they cost.

use axum::Json;
use axum::http::StatusCode;
use modelreg_core::Page;
use modelreg_core::Ref;
use modelreg_core::runs::{CostSummary, NewRun, RunFilter, RunFinish, RunStatus, TrainingRun};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::listing::{Found, query_params};
use super::{VERSION_PARAM, created, page, parse_id, parse_version, version_ref};
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Acting, Body, Path, Query};
use crate::state::AppState;

/// Filters of a run listing.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct RunQuery {
    /// Only runs of this status
    status: Option<RunStatus>,
    /// Results to skip (default 0)
    #[param(maximum = 9223372036854775807_u64)]
    skip: Option<u64>,
    /// At most this many results, 1..=10000 (default 100)
    #[param(minimum = 1, maximum = 10000)]
    limit: Option<u32>,
}

impl RunQuery {
    /// The filter and the page these parameters ask for.
    fn wanted(self) -> ApiResult<(RunFilter, Page)> {
        Ok((RunFilter { status: self.status }, page(self.skip, self.limit)?))
    }
}

/// Which runs, and how to sort and page them.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct RunsQuery {
    /// Only the runs of this model's versions (its name or id)
    model: Option<String>,
    /// Only the runs of this version (a version reference)
    version: Option<String>,
    /// Only runs of this status
    status: Option<RunStatus>,
    /// A filter in the query language over the fields id, run_name, status, started_at, completed_at, duration_seconds, gpu_hours, cost_usd, dataset_name, dataset_version, created_by, version.semver, model.name, model.team, hyperparameters.PATH and environment.PATH (e.g. `model.team = 'fraud' and cost_usd > 100`)
    filter: Option<String>,
    /// A sort by any of the filter's fields, e.g. `cost_usd desc` (default `started_at desc`)
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

/// Whose cost.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct CostQuery {
    /// Only this model's runs (its name or id)
    model: Option<String>,
}

/// Start a training run of a version.
#[utoipa::path(post, path = "/v1/models/{name}/versions/{semver}/runs", tag = "runs",
    params(("name" = String, Path, description = "The model's name or id"), ("semver" = String, Path, description = "A SemVer, an alias, `latest` or `production`")),
    request_body = NewRun,
    responses((status = 201, body = TrainingRun), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn start_run(
    Acting(reg): Acting,
    Path((name, semver)): Path<(String, String)>,
    Body(new): Body<NewRun>,
) -> ApiResult<(StatusCode, Json<TrainingRun>)> {
    Ok(created(reg.start_run(&version_ref(&name, &semver), new).await?))
}

/// Runs of a version, newest first.
#[utoipa::path(get, path = "/v1/models/{name}/versions/{semver}/runs", tag = "runs",
    params(("name" = String, Path, description = "The model's name or id"), ("semver" = String, Path, description = "A SemVer, an alias, `latest` or `production`"), RunQuery),
    responses((status = 200, body = Vec<TrainingRun>), (status = 404, body = ErrorBody)))]
async fn runs_of_version(
    Acting(reg): Acting,
    Path((name, semver)): Path<(String, String)>,
    Query(q): Query<RunQuery>,
) -> ApiResult<Json<Vec<TrainingRun>>> {
    let version = version_ref(&name, &semver);
    let (filter, page) = q.wanted()?;
    Ok(Json(reg.runs_of_version(&version, filter, page).await?))
}

/// Runs of every version of a model, newest first.
#[utoipa::path(get, path = "/v1/models/{name}/runs", tag = "runs",
    params(("name" = String, Path, description = "The model's name or id"), RunQuery),
    responses((status = 200, body = Vec<TrainingRun>), (status = 404, body = ErrorBody)))]
async fn runs_of_model(
    Acting(reg): Acting,
    Path(name): Path<String>,
    Query(q): Query<RunQuery>,
) -> ApiResult<Json<Vec<TrainingRun>>> {
    let (filter, page) = q.wanted()?;
    Ok(Json(reg.runs_of_model(&Ref::from_segment(&name), filter, page).await?))
}

/// A run by id.
#[utoipa::path(get, path = "/v1/runs/{id}", tag = "runs", params(("id" = Uuid, Path)),
    responses((status = 200, body = TrainingRun), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn get_run(Acting(reg): Acting, Path(id): Path<String>) -> ApiResult<Json<TrainingRun>> {
    Ok(Json(reg.run(parse_id(&id)?).await?))
}

/// End a running run.
#[utoipa::path(post, path = "/v1/runs/{id}/finish", tag = "runs", params(("id" = Uuid, Path)), request_body = RunFinish,
    responses((status = 200, body = TrainingRun), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn finish_run(
    Acting(reg): Acting,
    Path(id): Path<String>,
    Body(finish): Body<RunFinish>,
) -> ApiResult<Json<TrainingRun>> {
    Ok(Json(reg.finish_run(parse_id(&id)?, finish).await?))
}

/// Total cost, GPU hours and run count.
#[utoipa::path(get, path = "/v1/cost", tag = "runs", params(CostQuery),
    responses((status = 200, body = CostSummary), (status = 404, body = ErrorBody)))]
async fn cost(Acting(reg): Acting, Query(q): Query<CostQuery>) -> ApiResult<Json<CostSummary>> {
    let model = q.model.as_deref().map(Ref::from_segment);
    Ok(Json(reg.cost_summary(model.as_ref()).await?))
}

/// Start a training run of a version.
#[utoipa::path(post, path = "/v1/versions/{version}/runs", tag = "runs",
    params(("version" = String, Path, description = VERSION_PARAM)), request_body = NewRun,
    responses((status = 201, body = TrainingRun), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn start_version_run(
    Acting(reg): Acting,
    Path(version): Path<String>,
    Body(new): Body<NewRun>,
) -> ApiResult<(StatusCode, Json<TrainingRun>)> {
    Ok(created(reg.start_run(&parse_version(&version)?, new).await?))
}

/// Runs of a version, newest first.
#[utoipa::path(get, path = "/v1/versions/{version}/runs", tag = "runs",
    params(("version" = String, Path, description = VERSION_PARAM), RunQuery),
    responses((status = 200, body = Vec<TrainingRun>), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn version_runs(
    Acting(reg): Acting,
    Path(version): Path<String>,
    Query(q): Query<RunQuery>,
) -> ApiResult<Json<Vec<TrainingRun>>> {
    let version = parse_version(&version)?;
    let (filter, page) = q.wanted()?;
    Ok(Json(reg.runs_of_version(&version, filter, page).await?))
}

/// The runs a query finds: across the registry, of one model or of one version.
#[utoipa::path(get, path = "/v1/runs", tag = "runs", params(RunsQuery),
    responses((status = 200, body = Vec<TrainingRun>,
        headers(("X-Next-Page-Token" = String, description = "The `page_token` of the next page, absent on the last"))),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn find_runs(Acting(reg): Acting, Query(q): Query<RunsQuery>) -> ApiResult<Found<TrainingRun>> {
    let params = query_params!(q);
    let query = params.query()?.and_equals("status", q.status.map(|s| s.as_str()));
    let model = q.model.as_deref().map(Ref::from_segment);
    let version = q.version.as_deref().map(parse_version).transpose()?;
    Ok(Found::Page(
        reg.find_runs(model.as_ref(), version.as_ref(), &query).await?,
    ))
}

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::default()
        .routes(routes!(find_runs))
        .routes(routes!(start_version_run, version_runs))
        .routes(routes!(start_run, runs_of_version))
        .routes(routes!(runs_of_model))
        .routes(routes!(get_run))
        .routes(routes!(finish_run))
        .routes(routes!(cost))
}
