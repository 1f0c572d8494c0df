//! Reading teams.

use async_trait::async_trait;
use modelreg_core::Result;
use modelreg_core::store::{Page, RecordKind, TeamReads};
use modelreg_core::teams::{Team, TeamFilter};
use sqlx::PgExecutor;
use uuid::Uuid;

use super::{limit, offset};
use crate::PostgresStore;
use crate::row::{Lock, columns, entities, entity, select, sql};

fn team_columns() -> String {
    columns(RecordKind::Team, "", "")
}

pub(crate) async fn by_id(conn: impl PgExecutor<'_>, lock: Lock, team: Uuid) -> Result<Option<Team>> {
    let sql = select!(lock, "SELECT {} FROM teams WHERE id = $1", team_columns());
    entity(conn, sqlx::query(sql).bind(team)).await
}

pub(crate) async fn by_name(conn: impl PgExecutor<'_>, lock: Lock, name: &str) -> Result<Option<Team>> {
    let sql = select!(lock, "SELECT {} FROM teams WHERE name = $1", team_columns());
    entity(conn, sqlx::query(sql).bind(name)).await
}

#[async_trait]
impl TeamReads for PostgresStore {
    async fn team(&self, team: Uuid) -> Result<Option<Team>> {
        by_id(&self.pool, Lock::None, team).await
    }

    async fn team_by_name(&self, name: &str) -> Result<Option<Team>> {
        by_name(&self.pool, Lock::None, name).await
    }

    async fn list_teams(&self, filter: TeamFilter, page: Page) -> Result<Vec<Team>> {
        let sql = sql!(
            "SELECT {} FROM teams WHERE (NOT $1 OR active) ORDER BY name LIMIT $2 OFFSET $3",
            team_columns()
        );
        let query = sqlx::query(sql)
            .bind(filter.active_only)
            .bind(limit(page))
            .bind(offset(page));
        entities(&self.pool, query).await
    }
}
