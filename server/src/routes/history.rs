//! A model's history: every status change of its versions and every alias
//! move, newest first (`/v1/models/{name}/history`). What a reference meant
//! at an instant is `GET /v1/versions/{version}?at=`.

use axum::Json;
use modelreg_core::Ref;
use modelreg_core::history::HistoryEntry;
use modelreg_core::store::{DEFAULT_LIMIT, MAX_LIMIT};
use modelreg_core::{Error, Page};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Acting, Path, Query};
use crate::state::AppState;

/// Paging within the newest 10,000 entries of a history.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct HistoryPaging {
    /// Entries to skip (default 0); `skip + limit` may not exceed 10000
    #[param(maximum = 9999)]
    skip: Option<u64>,
    /// At most this many entries, 1..=10000 (default 100, or what is left of the newest 10000)
    #[param(minimum = 1, maximum = 10000)]
    limit: Option<u32>,
}

impl HistoryPaging {
    /// The page asked for; without a limit, the page ends at the 10,000th entry at the latest.
    fn page(&self) -> ApiResult<Page> {
        let skip = self.skip.unwrap_or(0);
        let max = u64::from(MAX_LIMIT);
        if skip >= max {
            return Err(Error::invalid("skip", format!("must be below {max} (got {skip})")).into());
        }
        // Below MAX_LIMIT, so the difference fits.
        let left = u32::try_from(max - skip).unwrap_or(1);
        Ok(Page::new(skip, self.limit.unwrap_or(DEFAULT_LIMIT.min(left)))?)
    }
}

/// A model's timeline, newest first: who changed which version's status or
/// moved which alias, when, from what to what.
#[utoipa::path(get, path = "/v1/models/{name}/history", tag = "versions",
    params(("name" = String, Path, description = "The model's name or id"), HistoryPaging),
    responses((status = 200, body = Vec<HistoryEntry>), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn model_history(
    Acting(reg): Acting,
    Path(name): Path<String>,
    Query(p): Query<HistoryPaging>,
) -> ApiResult<Json<Vec<HistoryEntry>>> {
    Ok(Json(reg.version_history(&Ref::from_segment(&name), p.page()?).await?))
}

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::default().routes(routes!(model_history))
}
