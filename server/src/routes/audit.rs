//! The audit trail: `/v1/audit`.

use axum::Json;
use modelreg_core::audit::AuditEvent;
use modelreg_core::{EntityKind, Error};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::page;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Acting, Query};
use crate::state::AppState;

/// Which changes: of one entity, by one actor, or the most recent.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct AuditQuery {
    /// With `entity_id`: the changes of one entity
    entity_type: Option<EntityKind>,
    /// With `entity_type`: the changes of one entity
    entity_id: Option<Uuid>,
    /// The changes one actor made
    actor: Option<String>,
    /// Results to skip (default 0)
    #[param(maximum = 9223372036854775807_u64)]
    skip: Option<u64>,
    /// At most this many results, 1..=10000 (default 100)
    #[param(minimum = 1, maximum = 10000)]
    limit: Option<u32>,
}

/// The audit trail, newest first.
#[utoipa::path(get, path = "/v1/audit", tag = "audit", params(AuditQuery),
    responses((status = 200, body = Vec<AuditEvent>), (status = 422, body = ErrorBody)))]
async fn audit(Acting(reg): Acting, Query(q): Query<AuditQuery>) -> ApiResult<Json<Vec<AuditEvent>>> {
    let page = page(q.skip, q.limit)?;
    let events = match (q.entity_type, q.entity_id, &q.actor) {
        (Some(kind), Some(id), None) => reg.audit_of_entity(kind, id, page).await?,
        (None, None, Some(actor)) => reg.audit_by_actor(actor, page).await?,
        (None, None, None) => reg.recent_audit(page).await?,
        _ => {
            return Err(Error::invalid("entity_type", "give entity_type and entity_id, or actor, or neither").into());
        }
    };
    Ok(Json(events))
}

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::default().routes(routes!(audit))
}
