//! Models: `/v1/models`. A model in a path is its name or its id.

use axum::Json;
use axum::http::StatusCode;
use modelreg_core::ModelWithVersions;
use modelreg_core::Ref;
use modelreg_core::analytics::ModelSummary;
use modelreg_core::models::{Model, ModelFilter, ModelUpdate, NewModel, RiskLevel};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::listing::{Found, query_params};
use super::{Paging, created, page};
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Acting, Body, Path, Query};
use crate::state::AppState;

/// Filters of the model list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct ModelQuery {
    /// Only active models
    active_only: Option<bool>,
    /// Only models of this team (its name or id)
    team: Option<String>,
    risk_level: Option<RiskLevel>,
    /// A filter in the query language over the fields id, name, description, use_case, risk_level, compliance_required, is_active, created_at, updated_at, team and tag (e.g. `risk_level in ('high', 'critical') and tag = 'payments'`); an empty one keeps every model
    filter: Option<String>,
    /// A sort by any of the filter's fields, e.g. `updated_at desc, name` (default `name asc`)
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

/// A search by name.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct SearchQuery {
    /// Part of the name, any case; `%` and `_` match themselves
    q: String,
    /// Results to skip (default 0)
    #[param(maximum = 9223372036854775807_u64)]
    skip: Option<u64>,
    /// At most this many results, 1..=10000 (default 100)
    #[param(minimum = 1, maximum = 10000)]
    limit: Option<u32>,
}

/// Create a model.
#[utoipa::path(post, path = "/v1/models", tag = "models", request_body = NewModel, responses(
    (status = 201, body = Model), (status = 404, description = "Unknown team", body = ErrorBody),
    (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_model(Acting(reg): Acting, Body(new): Body<NewModel>) -> ApiResult<(StatusCode, Json<Model>)> {
    Ok(created(reg.create_model(new).await?))
}

/// List models by name, with filters; or, with `filter`, `sort` or
/// `page_token`, the models a query finds.
#[utoipa::path(get, path = "/v1/models", tag = "models", params(ModelQuery),
    responses((status = 200, body = Vec<Model>,
        headers(("X-Next-Page-Token" = String, description = "With the query language: the `page_token` of the next page, absent on the last"))),
        (status = 404, description = "Unknown team", body = ErrorBody)))]
async fn list_models(Acting(reg): Acting, Query(q): Query<ModelQuery>) -> ApiResult<Found<Model>> {
    let filter = ModelFilter {
        active_only: q.active_only.unwrap_or(false),
        team: q.team.as_deref().map(Ref::from_segment),
        risk_level: q.risk_level,
    };
    let params = query_params!(q);
    if !params.given() {
        return Ok(Found::Rows(reg.list_models(filter, page(q.skip, q.limit)?).await?));
    }
    let query = filter.narrow(&reg, params.query()?).await?;
    Ok(Found::Page(reg.find_models(&query).await?))
}

/// Models whose name contains `q`.
#[utoipa::path(get, path = "/v1/models/search", tag = "models", params(SearchQuery),
    responses((status = 200, body = Vec<Model>)))]
async fn search_models(Acting(reg): Acting, Query(q): Query<SearchQuery>) -> ApiResult<Json<Vec<Model>>> {
    Ok(Json(reg.search_models(&q.q, page(q.skip, q.limit)?).await?))
}

/// A model.
#[utoipa::path(get, path = "/v1/models/{name}", tag = "models",
    params(("name" = String, Path, description = "The model's name or id")),
    responses((status = 200, body = Model), (status = 404, body = ErrorBody)))]
async fn get_model(Acting(reg): Acting, Path(name): Path<String>) -> ApiResult<Json<Model>> {
    Ok(Json(reg.model(&Ref::from_segment(&name)).await?))
}

/// Change a model (absent fields are kept, `null` clears).
#[utoipa::path(patch, path = "/v1/models/{name}", tag = "models",
    params(("name" = String, Path, description = "The model's name or id")), request_body = ModelUpdate,
    responses((status = 200, body = Model), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn update_model(
    Acting(reg): Acting,
    Path(name): Path<String>,
    Body(update): Body<ModelUpdate>,
) -> ApiResult<Json<Model>> {
    Ok(Json(reg.update_model(&Ref::from_segment(&name), update).await?))
}

/// Delete a model with its versions, runs, metrics and deployments.
#[utoipa::path(delete, path = "/v1/models/{name}", tag = "models",
    params(("name" = String, Path, description = "The model's name or id")),
    responses((status = 204, description = "Deleted"), (status = 404, body = ErrorBody)))]
async fn delete_model(Acting(reg): Acting, Path(name): Path<String>) -> ApiResult<StatusCode> {
    reg.delete_model(&Ref::from_segment(&name)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A model's counts, latest and production semver, GPU hours and cost.
#[utoipa::path(get, path = "/v1/models/{name}/summary", tag = "models",
    params(("name" = String, Path, description = "The model's name or id")),
    responses((status = 200, body = ModelSummary), (status = 404, body = ErrorBody)))]
async fn model_summary(Acting(reg): Acting, Path(name): Path<String>) -> ApiResult<Json<ModelSummary>> {
    Ok(Json(reg.model_summary(&Ref::from_segment(&name)).await?))
}

/// A model with a page of its versions (newest first) and how many it has.
#[utoipa::path(get, path = "/v1/models/{name}/overview", tag = "models",
    params(("name" = String, Path, description = "The model's name or id"), Paging),
    responses((status = 200, body = ModelWithVersions), (status = 404, body = ErrorBody)))]
async fn model_overview(
    Acting(reg): Acting,
    Path(name): Path<String>,
    Query(p): Query<Paging>,
) -> ApiResult<Json<ModelWithVersions>> {
    Ok(Json(
        reg.model_with_versions(&Ref::from_segment(&name), p.page()?).await?,
    ))
}

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::default()
        .routes(routes!(create_model, list_models))
        .routes(routes!(search_models))
        .routes(routes!(get_model, update_model, delete_model))
        .routes(routes!(model_summary))
        .routes(routes!(model_overview))
}
