//! Reading teams.

use async_trait::async_trait;
use modelreg_core::Result;
use modelreg_core::store::{Page, RecordKind, TeamReads};
use modelreg_core::teams::{Team, TeamFilter};
use rusqlite::{Connection, params};
use uuid::Uuid;

use super::{limit, offset};
use crate::SqliteStore;
use crate::row::{columns, entities, entity, id, sql};

fn team_columns() -> String {
    columns(RecordKind::Team, "", "")
}

pub(crate) fn by_id(conn: &Connection, team: Uuid) -> Result<Option<Team>> {
    entity(
        conn,
        sql!("SELECT {} FROM teams WHERE id = ?1", team_columns()),
        [id(team)],
    )
}

pub(crate) fn by_name(conn: &Connection, name: &str) -> Result<Option<Team>> {
    entity(
        conn,
        sql!("SELECT {} FROM teams WHERE name = ?1", team_columns()),
        [name],
    )
}

fn list(conn: &Connection, filter: TeamFilter, page: Page) -> Result<Vec<Team>> {
    entities(
        conn,
        sql!(
            "SELECT {} FROM teams WHERE (?1 = 0 OR active = 1) ORDER BY name LIMIT ?2 OFFSET ?3",
            team_columns()
        ),
        params![filter.active_only, limit(page), offset(page)],
    )
}

#[async_trait]
impl TeamReads for SqliteStore {
    async fn team(&self, team: Uuid) -> Result<Option<Team>> {
        self.read(move |conn| by_id(conn, team)).await
    }

    async fn team_by_name(&self, name: &str) -> Result<Option<Team>> {
        let name = name.to_owned();
        self.read(move |conn| by_name(conn, &name)).await
    }

    async fn list_teams(&self, filter: TeamFilter, page: Page) -> Result<Vec<Team>> {
        self.read(move |conn| list(conn, filter, page)).await
    }
}
