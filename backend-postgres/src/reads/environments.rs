//! Reading environments.

use async_trait::async_trait;
use modelreg_core::Result;
use modelreg_core::environments::{Environment, EnvironmentFilter};
use modelreg_core::store::{EnvironmentReads, Page, RecordKind};
use sqlx::PgExecutor;
use uuid::Uuid;

use super::{limit, offset};
use crate::PostgresStore;
use crate::row::{Lock, columns, entities, entity, select, sql};

fn environment_columns() -> String {
    columns(RecordKind::Environment, "", "")
}

pub(crate) async fn by_id(conn: impl PgExecutor<'_>, lock: Lock, environment: Uuid) -> Result<Option<Environment>> {
    let sql = select!(lock, "SELECT {} FROM environments WHERE id = $1", environment_columns());
    entity(conn, sqlx::query(sql).bind(environment)).await
}

pub(crate) async fn by_name(conn: impl PgExecutor<'_>, lock: Lock, name: &str) -> Result<Option<Environment>> {
    let sql = select!(
        lock,
        "SELECT {} FROM environments WHERE name = $1",
        environment_columns()
    );
    entity(conn, sqlx::query(sql).bind(name)).await
}

#[async_trait]
impl EnvironmentReads for PostgresStore {
    async fn environment(&self, environment: Uuid) -> Result<Option<Environment>> {
        by_id(&self.pool, Lock::None, environment).await
    }

    async fn environment_by_name(&self, name: &str) -> Result<Option<Environment>> {
        by_name(&self.pool, Lock::None, name).await
    }

    async fn list_environments(&self, filter: EnvironmentFilter, page: Page) -> Result<Vec<Environment>> {
        let sql = sql!(
            "SELECT {} FROM environments WHERE ($1::text IS NULL OR kind = $1) AND (NOT $2 OR is_active)
             ORDER BY name LIMIT $3 OFFSET $4",
            environment_columns()
        );
        let query = sqlx::query(sql)
            .bind(filter.kind.map(|k| k.as_str()))
            .bind(filter.active_only)
            .bind(limit(page))
            .bind(offset(page));
        entities(&self.pool, query).await
    }
}
