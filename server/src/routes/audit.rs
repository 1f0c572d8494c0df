//! The audit trail: `/v1/audit`.

use modelreg_core::audit::AuditEvent;
use modelreg_core::{EntityKind, Error};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::listing::{Found, query_params};
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
    /// A filter in the query language over the fields id, entity_type, entity_id, action, actor, timestamp and changes.PATH (e.g. `actor = 'alice' and timestamp >= 2026-05-01`)
    filter: Option<String>,
    /// A sort by any of the filter's fields, e.g. `timestamp asc` (default `timestamp desc`)
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

/// The audit trail, newest first: of one entity, by one actor, or all; or,
/// with `filter`, `sort` or `page_token`, the events a query finds.
#[utoipa::path(get, path = "/v1/audit", tag = "audit", params(AuditQuery),
    responses((status = 200, body = Vec<AuditEvent>,
        headers(("X-Next-Page-Token" = String, description = "With the query language: the `page_token` of the next page, absent on the last"))),
        (status = 422, body = ErrorBody)))]
async fn audit(Acting(reg): Acting, Query(q): Query<AuditQuery>) -> ApiResult<Found<AuditEvent>> {
    let params = query_params!(q);
    let entity = match (q.entity_type, q.entity_id) {
        (Some(kind), Some(id)) => Some((kind, id)),
        (None, None) => None,
        _ => return Err(Error::invalid("entity_type", "give entity_type and entity_id together").into()),
    };
    if !params.given() {
        let page = page(params.skip, params.limit)?;
        let events = match (entity, &q.actor) {
            (Some((kind, id)), None) => reg.audit_of_entity(kind, id, page).await?,
            (None, Some(actor)) => reg.audit_by_actor(actor, page).await?,
            (None, None) => reg.recent_audit(page).await?,
            (Some(_), Some(_)) => {
                return Err(Error::invalid(
                    "entity_type",
                    "give entity_type and entity_id, or actor, or neither (or use filter)",
                )
                .into());
            }
        };
        return Ok(Found::Rows(events));
    }
    let mut query = params.query()?;
    if let Some((kind, id)) = entity {
        query = query.and_equals("entity_type", Some(kind.as_str()));
        query = query.and_equals("entity_id", Some(&id.to_string()));
    }
    if let Some(actor) = &q.actor {
        query = query.and_equals("actor", Some(actor));
    }
    Ok(Found::Page(reg.find_audit(&query).await?))
}

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::default().routes(routes!(audit))
}
