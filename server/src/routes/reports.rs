//! Reports and statistics across the registry.

use axum::Json;
use modelreg_core::Ref;
use modelreg_core::analytics::{DeploymentStatusCounts, Stats};
use modelreg_core::deployments::Drift;
use modelreg_core::models::Model;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{Paging, page};
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Acting, Path, Query};
use crate::state::AppState;

/// The schema version of the registry's database.
#[derive(Serialize, ToSchema)]
struct SchemaVersion {
    schema_version: i64,
}

/// The look-back of the stale-models report when none is given, in days.
const DEFAULT_STALE_DAYS: u32 = 90;

/// How stale, and which page.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct StaleQuery {
    /// Days without a training run (default 90)
    #[param(maximum = 36600)]
    days: Option<u32>,
    /// Results to skip (default 0)
    #[param(maximum = 9223372036854775807_u64)]
    skip: Option<u64>,
    /// At most this many results, 1..=10000 (default 100)
    #[param(minimum = 1, maximum = 10000)]
    limit: Option<u32>,
}

/// Deployments per status; every status is present, with 0 when it has none.
#[utoipa::path(get, path = "/v1/reports/deployments", tag = "reports",
    responses((status = 200, description = "`{status: count}` for every status", body = BTreeMap<String, u64>)))]
async fn deployment_report(Acting(reg): Acting) -> ApiResult<Json<DeploymentStatusCounts>> {
    Ok(Json(reg.deployment_status_counts().await?))
}

/// Active models with no training run started in the last `days` days, by name.
#[utoipa::path(get, path = "/v1/reports/stale", tag = "reports", params(StaleQuery),
    responses((status = 200, body = Vec<Model>), (status = 422, body = ErrorBody)))]
async fn stale_report(Acting(reg): Acting, Query(q): Query<StaleQuery>) -> ApiResult<Json<Vec<Model>>> {
    let page = page(q.skip, q.limit)?;
    Ok(Json(
        reg.stale_models(q.days.unwrap_or(DEFAULT_STALE_DAYS), page).await?,
    ))
}

/// How many of each entity the registry holds.
#[utoipa::path(get, path = "/v1/stats", tag = "reports", responses((status = 200, body = Stats)))]
async fn stats(Acting(reg): Acting) -> ApiResult<Json<Stats>> {
    Ok(Json(reg.stats().await?))
}

/// Healthy and degraded deployments that do not run their model's
/// production version (designation and reality differ), in every model.
#[utoipa::path(get, path = "/v1/reports/drift", tag = "reports", params(Paging),
    responses((status = 200, body = Vec<Drift>)))]
async fn drift_report(Acting(reg): Acting, Query(p): Query<Paging>) -> ApiResult<Json<Vec<Drift>>> {
    Ok(Json(reg.drift(None, p.page()?).await?))
}

/// A model's deployments that do not run its production version.
#[utoipa::path(get, path = "/v1/models/{name}/drift", tag = "reports",
    params(("name" = String, Path, description = "The model's name or id"), Paging),
    responses((status = 200, body = Vec<Drift>), (status = 404, body = ErrorBody)))]
async fn model_drift(
    Acting(reg): Acting,
    Path(name): Path<String>,
    Query(p): Query<Paging>,
) -> ApiResult<Json<Vec<Drift>>> {
    Ok(Json(reg.drift(Some(&Ref::from_segment(&name)), p.page()?).await?))
}

/// The schema version of the registry's database.
#[utoipa::path(get, path = "/v1/schema", tag = "reports", responses((status = 200, body = SchemaVersion)))]
async fn schema_version(Acting(reg): Acting) -> ApiResult<Json<SchemaVersion>> {
    Ok(Json(SchemaVersion {
        schema_version: reg.schema_version().await?,
    }))
}

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::default()
        .routes(routes!(deployment_report))
        .routes(routes!(stale_report))
        .routes(routes!(stats))
        .routes(routes!(drift_report))
        .routes(routes!(model_drift))
        .routes(routes!(schema_version))
}
