//! Reading the audit trail.

use async_trait::async_trait;
use modelreg_core::audit::AuditEvent;
use modelreg_core::store::{AuditReads, Page, RecordKind};
use modelreg_core::{EntityKind, Result};
use rusqlite::{Connection, params};
use uuid::Uuid;

use super::{limit, offset};
use crate::SqliteStore;
use crate::row::{columns, entities, id, sql};

fn audit_columns() -> String {
    columns(RecordKind::AuditEvent, "", "")
}

fn of_entity(conn: &Connection, kind: EntityKind, entity: Uuid, page: Page) -> Result<Vec<AuditEvent>> {
    entities(
        conn,
        sql!(
            "SELECT {} FROM audit_events WHERE entity_type = ?1 AND entity_id = ?2
             ORDER BY timestamp DESC, id DESC LIMIT ?3 OFFSET ?4",
            audit_columns()
        ),
        params![kind.as_str(), id(entity), limit(page), offset(page)],
    )
}

fn by_actor(conn: &Connection, actor: &str, page: Page) -> Result<Vec<AuditEvent>> {
    entities(
        conn,
        sql!(
            "SELECT {} FROM audit_events WHERE actor = ?1 ORDER BY timestamp DESC, id DESC LIMIT ?2 OFFSET ?3",
            audit_columns()
        ),
        params![actor, limit(page), offset(page)],
    )
}

fn recent(conn: &Connection, page: Page) -> Result<Vec<AuditEvent>> {
    entities(
        conn,
        sql!(
            "SELECT {} FROM audit_events ORDER BY timestamp DESC, id DESC LIMIT ?1 OFFSET ?2",
            audit_columns()
        ),
        params![limit(page), offset(page)],
    )
}

#[async_trait]
impl AuditReads for SqliteStore {
    async fn audit_of_entity(&self, kind: EntityKind, entity: Uuid, page: Page) -> Result<Vec<AuditEvent>> {
        self.read(move |conn| of_entity(conn, kind, entity, page)).await
    }

    async fn audit_by_actor(&self, actor: &str, page: Page) -> Result<Vec<AuditEvent>> {
        let actor = actor.to_owned();
        self.read(move |conn| by_actor(conn, &actor, page)).await
    }

    async fn recent_audit(&self, page: Page) -> Result<Vec<AuditEvent>> {
        self.read(move |conn| recent(conn, page)).await
    }
}
