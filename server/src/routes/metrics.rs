//! Metrics of a version: `/v1/versions/{version}/metrics`, and as the
//! reference API reaches them, `/v1/models/{name}/versions/{semver}/metrics`.

use axum::Json;
use axum::http::StatusCode;
use modelreg_core::Page;
use modelreg_core::metrics::{Metric, MetricFilter, NewMetric, Split};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{Paging, VERSION_PARAM, created, page, parse_version, version_ref};
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Acting, Body, Path, Query};
use crate::state::AppState;

/// Filters of a version's metrics.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct MetricQuery {
    /// Only metrics of this name
    name: Option<String>,
    /// Only metrics of this split
    split: Option<Split>,
    /// Results to skip (default 0)
    #[param(maximum = 9223372036854775807_u64)]
    skip: Option<u64>,
    /// At most this many results, 1..=10000 (default 100)
    #[param(minimum = 1, maximum = 10000)]
    limit: Option<u32>,
}

impl MetricQuery {
    /// The filter and the page these parameters ask for.
    fn wanted(self) -> ApiResult<(MetricFilter, Page)> {
        let page = page(self.skip, self.limit)?;
        let filter = MetricFilter {
            name: self.name,
            split: self.split,
        };
        Ok((filter, page))
    }
}

/// Record a metric of a version.
#[utoipa::path(post, path = "/v1/models/{name}/versions/{semver}/metrics", tag = "metrics",
    params(("name" = String, Path, description = "The model's name or id"), ("semver" = String, Path, description = "A SemVer, an alias, `latest` or `production`")),
    request_body = NewMetric,
    responses((status = 201, body = Metric), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn record_metric(
    Acting(reg): Acting,
    Path((name, semver)): Path<(String, String)>,
    Body(new): Body<NewMetric>,
) -> ApiResult<(StatusCode, Json<Metric>)> {
    Ok(created(reg.record_metric(&version_ref(&name, &semver), new).await?))
}

/// A version's metrics, newest first.
#[utoipa::path(get, path = "/v1/models/{name}/versions/{semver}/metrics", tag = "metrics",
    params(("name" = String, Path, description = "The model's name or id"), ("semver" = String, Path, description = "A SemVer, an alias, `latest` or `production`"), MetricQuery),
    responses((status = 200, body = Vec<Metric>), (status = 404, body = ErrorBody)))]
async fn list_metrics(
    Acting(reg): Acting,
    Path((name, semver)): Path<(String, String)>,
    Query(q): Query<MetricQuery>,
) -> ApiResult<Json<Vec<Metric>>> {
    let (filter, page) = q.wanted()?;
    Ok(Json(
        reg.metrics_of_version(&version_ref(&name, &semver), &filter, page)
            .await?,
    ))
}

/// The newest value of each metric of a version.
#[utoipa::path(get, path = "/v1/models/{name}/versions/{semver}/metrics/latest", tag = "metrics",
    params(("name" = String, Path, description = "The model's name or id"), ("semver" = String, Path, description = "A SemVer, an alias, `latest` or `production`"), Paging),
    responses((status = 200, body = Vec<Metric>), (status = 404, body = ErrorBody)))]
async fn latest_metrics(
    Acting(reg): Acting,
    Path((name, semver)): Path<(String, String)>,
    Query(p): Query<Paging>,
) -> ApiResult<Json<Vec<Metric>>> {
    Ok(Json(reg.latest_metrics(&version_ref(&name, &semver), p.page()?).await?))
}

/// Record a metric of a version.
#[utoipa::path(post, path = "/v1/versions/{version}/metrics", tag = "metrics",
    params(("version" = String, Path, description = VERSION_PARAM)), request_body = NewMetric,
    responses((status = 201, body = Metric), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn record_version_metric(
    Acting(reg): Acting,
    Path(version): Path<String>,
    Body(new): Body<NewMetric>,
) -> ApiResult<(StatusCode, Json<Metric>)> {
    Ok(created(reg.record_metric(&parse_version(&version)?, new).await?))
}

/// A version's metrics, newest first.
#[utoipa::path(get, path = "/v1/versions/{version}/metrics", tag = "metrics",
    params(("version" = String, Path, description = VERSION_PARAM), MetricQuery),
    responses((status = 200, body = Vec<Metric>), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn version_metrics(
    Acting(reg): Acting,
    Path(version): Path<String>,
    Query(q): Query<MetricQuery>,
) -> ApiResult<Json<Vec<Metric>>> {
    let (filter, page) = q.wanted()?;
    Ok(Json(
        reg.metrics_of_version(&parse_version(&version)?, &filter, page).await?,
    ))
}

/// The newest value of each metric of a version.
#[utoipa::path(get, path = "/v1/versions/{version}/metrics/latest", tag = "metrics",
    params(("version" = String, Path, description = VERSION_PARAM), Paging),
    responses((status = 200, body = Vec<Metric>), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn latest_version_metrics(
    Acting(reg): Acting,
    Path(version): Path<String>,
    Query(p): Query<Paging>,
) -> ApiResult<Json<Vec<Metric>>> {
    Ok(Json(reg.latest_metrics(&parse_version(&version)?, p.page()?).await?))
}

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::default()
        .routes(routes!(record_version_metric, version_metrics))
        .routes(routes!(latest_version_metrics))
        .routes(routes!(record_metric, list_metrics))
        .routes(routes!(latest_metrics))
}
