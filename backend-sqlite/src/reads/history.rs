//! Reading aliases, the history of statuses and aliases, versions by
//! checksum, and deployments that drift from production.

use async_trait::async_trait;
use modelreg_core::Result;
use modelreg_core::aliases::{Alias, AliasWithVersion};
use modelreg_core::deployments::Drift;
use modelreg_core::history::{AliasChange, StatusChange};
use modelreg_core::store::{HistoryReads, Page, RecordKind};
use modelreg_core::time::{self, Timestamp};
use modelreg_core::versions::{VersionStatus, VersionWithModel};
use rusqlite::{Connection, params};
use uuid::Uuid;

use super::{limit, offset};
use crate::SqliteStore;
use crate::row::{columns, entities, entity, id, sql};

pub(crate) fn alias(conn: &Connection, model: Uuid, name: &str) -> Result<Option<Alias>> {
    entity(
        conn,
        sql!(
            "SELECT {} FROM model_aliases WHERE model_id = ?1 AND name = ?2",
            columns(RecordKind::ModelAlias, "", "")
        ),
        params![id(model), name],
    )
}

pub(crate) fn aliases_of_version(conn: &Connection, version: Uuid) -> Result<Vec<Alias>> {
    entities(
        conn,
        sql!(
            "SELECT {} FROM model_aliases WHERE version_id = ?1 ORDER BY name",
            columns(RecordKind::ModelAlias, "", "")
        ),
        [id(version)],
    )
}

fn aliases_of_model(conn: &Connection, model: Uuid, page: Page) -> Result<Vec<AliasWithVersion>> {
    entities(
        conn,
        sql!(
            "SELECT {} FROM model_aliases a JOIN model_versions v ON v.id = a.version_id
             WHERE a.model_id = ?1 ORDER BY a.name LIMIT ?2 OFFSET ?3",
            AliasWithVersion::select_list()
        ),
        params![id(model), limit(page), offset(page)],
    )
}

fn status_columns() -> String {
    columns(RecordKind::StatusChange, "", "")
}

fn alias_change_columns() -> String {
    columns(RecordKind::AliasChange, "", "")
}

fn last_change_to(
    conn: &Connection,
    model: Uuid,
    status: VersionStatus,
    at: Timestamp,
) -> Result<Option<StatusChange>> {
    entity(
        conn,
        sql!(
            "SELECT {} FROM status_history WHERE model_id = ?1 AND to_status = ?2 AND changed_at <= ?3
             ORDER BY changed_at DESC, id DESC LIMIT 1",
            status_columns()
        ),
        params![id(model), status.as_str(), time::to_micros(&at)],
    )
}

fn last_change_of(conn: &Connection, version: Uuid, at: Timestamp) -> Result<Option<StatusChange>> {
    entity(
        conn,
        sql!(
            "SELECT {} FROM status_history WHERE version_id = ?1 AND changed_at <= ?2
             ORDER BY changed_at DESC, id DESC LIMIT 1",
            status_columns()
        ),
        params![id(version), time::to_micros(&at)],
    )
}

fn last_alias_change(conn: &Connection, model: Uuid, alias: &str, at: Timestamp) -> Result<Option<AliasChange>> {
    entity(
        conn,
        sql!(
            "SELECT {} FROM alias_history WHERE model_id = ?1 AND alias = ?2 AND changed_at <= ?3
             ORDER BY changed_at DESC, id DESC LIMIT 1",
            alias_change_columns()
        ),
        params![id(model), alias, time::to_micros(&at)],
    )
}

fn status_changes(conn: &Connection, model: Uuid, page: Page) -> Result<Vec<StatusChange>> {
    entities(
        conn,
        sql!(
            "SELECT {} FROM status_history WHERE model_id = ?1 ORDER BY changed_at DESC, id DESC LIMIT ?2 OFFSET ?3",
            status_columns()
        ),
        params![id(model), limit(page), offset(page)],
    )
}

fn alias_changes(conn: &Connection, model: Uuid, page: Page) -> Result<Vec<AliasChange>> {
    entities(
        conn,
        sql!(
            "SELECT {} FROM alias_history WHERE model_id = ?1 ORDER BY changed_at DESC, id DESC LIMIT ?2 OFFSET ?3",
            alias_change_columns()
        ),
        params![id(model), limit(page), offset(page)],
    )
}

fn by_checksum(conn: &Connection, checksum: &str, page: Page) -> Result<Vec<VersionWithModel>> {
    entities(
        conn,
        sql!(
            "SELECT {} FROM model_versions v JOIN models m ON m.id = v.model_id
             WHERE v.checksum_sha256 = ?1 ORDER BY v.created_at DESC, v.id DESC LIMIT ?2 OFFSET ?3",
            VersionWithModel::select_list()
        ),
        params![checksum, limit(page), offset(page)],
    )
}

fn drift(conn: &Connection, model: Option<Uuid>, page: Page) -> Result<Vec<Drift>> {
    entities(
        conn,
        sql!(
            "SELECT {} FROM deployments d JOIN model_versions v ON v.id = d.version_id
             JOIN models m ON m.id = v.model_id JOIN environments e ON e.id = d.environment_id
             LEFT JOIN model_versions p ON p.model_id = m.id AND p.status = 'production'
             WHERE d.status IN ('healthy', 'degraded') AND (p.id IS NULL OR p.id <> d.version_id)
               AND (?1 IS NULL OR m.id = ?1)
             ORDER BY e.name, m.name, d.deployed_at DESC, d.id DESC LIMIT ?2 OFFSET ?3",
            Drift::select_list()
        ),
        params![model.map(id), limit(page), offset(page)],
    )
}

#[async_trait]
impl HistoryReads for SqliteStore {
    async fn alias(&self, model: Uuid, name: &str) -> Result<Option<Alias>> {
        let name = name.to_owned();
        self.read(move |conn| alias(conn, model, &name)).await
    }

    async fn aliases_of_model(&self, model: Uuid, page: Page) -> Result<Vec<AliasWithVersion>> {
        self.read(move |conn| aliases_of_model(conn, model, page)).await
    }

    async fn last_change_to(&self, model: Uuid, status: VersionStatus, at: Timestamp) -> Result<Option<StatusChange>> {
        self.read(move |conn| last_change_to(conn, model, status, at)).await
    }

    async fn last_change_of(&self, version: Uuid, at: Timestamp) -> Result<Option<StatusChange>> {
        self.read(move |conn| last_change_of(conn, version, at)).await
    }

    async fn last_alias_change(&self, model: Uuid, alias: &str, at: Timestamp) -> Result<Option<AliasChange>> {
        let alias = alias.to_owned();
        self.read(move |conn| last_alias_change(conn, model, &alias, at)).await
    }

    async fn status_changes(&self, model: Uuid, page: Page) -> Result<Vec<StatusChange>> {
        self.read(move |conn| status_changes(conn, model, page)).await
    }

    async fn alias_changes(&self, model: Uuid, page: Page) -> Result<Vec<AliasChange>> {
        self.read(move |conn| alias_changes(conn, model, page)).await
    }

    async fn versions_by_checksum(&self, checksum: &str, page: Page) -> Result<Vec<VersionWithModel>> {
        let checksum = checksum.to_owned();
        self.read(move |conn| by_checksum(conn, &checksum, page)).await
    }

    async fn drift(&self, model: Option<Uuid>, page: Page) -> Result<Vec<Drift>> {
        self.read(move |conn| drift(conn, model, page)).await
    }
}
