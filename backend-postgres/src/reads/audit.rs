//! Reading the audit trail.

use async_trait::async_trait;
use modelreg_core::audit::AuditEvent;
use modelreg_core::store::{AuditReads, Page, RecordKind};
use modelreg_core::{EntityKind, Result};
use uuid::Uuid;

use super::{limit, offset};
use crate::PostgresStore;
use crate::row::{columns, entities, sql};

fn audit_columns() -> String {
    columns(RecordKind::AuditEvent, "", "")
}

#[async_trait]
impl AuditReads for PostgresStore {
    async fn audit_of_entity(&self, kind: EntityKind, entity: Uuid, page: Page) -> Result<Vec<AuditEvent>> {
        let sql = sql!(
            "SELECT {} FROM audit_events WHERE entity_type = $1 AND entity_id = $2
             ORDER BY timestamp DESC, id DESC LIMIT $3 OFFSET $4",
            audit_columns()
        );
        let query = sqlx::query(sql)
            .bind(kind.as_str())
            .bind(entity)
            .bind(limit(page))
            .bind(offset(page));
        entities(&self.pool, query).await
    }

    async fn audit_by_actor(&self, actor: &str, page: Page) -> Result<Vec<AuditEvent>> {
        let sql = sql!(
            "SELECT {} FROM audit_events WHERE actor = $1 ORDER BY timestamp DESC, id DESC LIMIT $2 OFFSET $3",
            audit_columns()
        );
        entities(
            &self.pool,
            sqlx::query(sql).bind(actor).bind(limit(page)).bind(offset(page)),
        )
        .await
    }

    async fn recent_audit(&self, page: Page) -> Result<Vec<AuditEvent>> {
        let sql = sql!(
            "SELECT {} FROM audit_events ORDER BY timestamp DESC, id DESC LIMIT $1 OFFSET $2",
            audit_columns()
        );
        entities(&self.pool, sqlx::query(sql).bind(limit(page)).bind(offset(page))).await
    }
}
