//! Reading environments.

use async_trait::async_trait;
use modelreg_core::Result;
use modelreg_core::environments::{Environment, EnvironmentFilter};
use modelreg_core::store::{EnvironmentReads, Page, RecordKind};
use rusqlite::{Connection, params};
use uuid::Uuid;

use super::{limit, offset};
use crate::SqliteStore;
use crate::row::{columns, entities, entity, id, sql};

fn environment_columns() -> String {
    columns(RecordKind::Environment, "", "")
}

pub(crate) fn by_id(conn: &Connection, environment: Uuid) -> Result<Option<Environment>> {
    entity(
        conn,
        sql!("SELECT {} FROM environments WHERE id = ?1", environment_columns()),
        [id(environment)],
    )
}

pub(crate) fn by_name(conn: &Connection, name: &str) -> Result<Option<Environment>> {
    entity(
        conn,
        sql!("SELECT {} FROM environments WHERE name = ?1", environment_columns()),
        [name],
    )
}

fn list(conn: &Connection, filter: EnvironmentFilter, page: Page) -> Result<Vec<Environment>> {
    entities(
        conn,
        sql!(
            "SELECT {} FROM environments WHERE (?1 IS NULL OR kind = ?1) AND (?2 = 0 OR is_active = 1)
             ORDER BY name LIMIT ?3 OFFSET ?4",
            environment_columns()
        ),
        params![
            filter.kind.map(|k| k.as_str()),
            filter.active_only,
            limit(page),
            offset(page)
        ],
    )
}

#[async_trait]
impl EnvironmentReads for SqliteStore {
    async fn environment(&self, environment: Uuid) -> Result<Option<Environment>> {
        self.read(move |conn| by_id(conn, environment)).await
    }

    async fn environment_by_name(&self, name: &str) -> Result<Option<Environment>> {
        let name = name.to_owned();
        self.read(move |conn| by_name(conn, &name)).await
    }

    async fn list_environments(&self, filter: EnvironmentFilter, page: Page) -> Result<Vec<Environment>> {
        self.read(move |conn| list(conn, filter, page)).await
    }
}
