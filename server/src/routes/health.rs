//! Health checks: never behind a token.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::state::AppState;

/// The process is up.
#[derive(Serialize, ToSchema)]
struct Alive {
    /// Always `ok`.
    status: &'static str,
}

/// The registry can serve writes.
#[derive(Serialize, ToSchema)]
struct Ready {
    /// Always `ready`.
    status: &'static str,
    schema_version: i64,
}

/// The process is up.
#[utoipa::path(get, path = "/healthz", tag = "health", security(()), responses((status = 200, description = "Alive", body = Alive)))]
async fn healthz() -> Json<Alive> {
    Json(Alive { status: "ok" })
}

/// The database answers and accepts a write.
#[utoipa::path(get, path = "/readyz", tag = "health", security(()), responses(
    (status = 200, description = "Ready", body = Ready),
    (status = 503, description = "The database does not answer or refuses writes", body = ErrorBody)))]
async fn readyz(State(state): State<AppState>) -> ApiResult<Json<Ready>> {
    match state.registry.check_ready().await {
        Ok(schema_version) => Ok(Json(Ready {
            status: "ready",
            schema_version,
        })),
        // Not ready, whatever the reason: the code still says which.
        Err(e) => Err(ApiError {
            status: StatusCode::SERVICE_UNAVAILABLE,
            ..ApiError::from(e)
        }),
    }
}

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::default()
        .routes(routes!(healthz))
        .routes(routes!(readyz))
}
