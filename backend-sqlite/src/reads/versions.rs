//! Reading model versions.

use async_trait::async_trait;
use modelreg_core::Result;
use modelreg_core::store::{Page, RecordKind, VersionReads};
use modelreg_core::versions::{ModelVersion, VersionFilter, VersionWithModel};
use rusqlite::{Connection, params};
use uuid::Uuid;

use super::{limit, offset};
use crate::SqliteStore;
use crate::row::{columns, entities, entity, id, sql};

fn version_columns() -> String {
    columns(RecordKind::ModelVersion, "", "")
}

pub(crate) fn by_id(conn: &Connection, version: Uuid) -> Result<Option<ModelVersion>> {
    entity(
        conn,
        sql!("SELECT {} FROM model_versions WHERE id = ?1", version_columns()),
        [id(version)],
    )
}

pub(crate) fn by_semver(conn: &Connection, model: Uuid, semver: &str) -> Result<Option<ModelVersion>> {
    entity(
        conn,
        sql!(
            "SELECT {} FROM model_versions WHERE model_id = ?1 AND semver = ?2",
            version_columns()
        ),
        params![id(model), semver],
    )
}

fn by_model_name(conn: &Connection, model: &str, semver: &str) -> Result<Option<ModelVersion>> {
    entity(
        conn,
        sql!(
            "SELECT {} FROM model_versions v JOIN models m ON m.id = v.model_id WHERE m.name = ?1 AND v.semver = ?2",
            columns(RecordKind::ModelVersion, "v", "")
        ),
        [model, semver],
    )
}

fn list(conn: &Connection, model: Uuid, filter: VersionFilter, page: Page) -> Result<Vec<ModelVersion>> {
    entities(
        conn,
        sql!(
            "SELECT {} FROM model_versions WHERE model_id = ?1 AND (?2 IS NULL OR status = ?2)
             ORDER BY created_at DESC, id DESC LIMIT ?3 OFFSET ?4",
            version_columns()
        ),
        params![id(model), filter.status.map(|s| s.as_str()), limit(page), offset(page)],
    )
}

pub(crate) fn latest(conn: &Connection, model: Uuid, filter: VersionFilter) -> Result<Option<ModelVersion>> {
    entity(
        conn,
        sql!(
            "SELECT {} FROM model_versions WHERE model_id = ?1 AND (?2 IS NULL OR status = ?2)
             ORDER BY precedence DESC, created_at DESC, id DESC LIMIT 1",
            version_columns()
        ),
        params![id(model), filter.status.map(|s| s.as_str())],
    )
}

pub(crate) fn in_production(conn: &Connection, model: Uuid) -> Result<Option<ModelVersion>> {
    entity(
        conn,
        sql!(
            "SELECT {} FROM model_versions WHERE model_id = ?1 AND status = 'production'",
            version_columns()
        ),
        [id(model)],
    )
}

fn every_production(conn: &Connection, page: Page) -> Result<Vec<VersionWithModel>> {
    entities(
        conn,
        sql!(
            "SELECT {} FROM model_versions v JOIN models m ON m.id = v.model_id
             WHERE v.status = 'production' ORDER BY m.name LIMIT ?1 OFFSET ?2",
            VersionWithModel::select_list()
        ),
        params![limit(page), offset(page)],
    )
}

#[async_trait]
impl VersionReads for SqliteStore {
    async fn version(&self, version: Uuid) -> Result<Option<ModelVersion>> {
        self.read(move |conn| by_id(conn, version)).await
    }

    async fn version_by_semver(&self, model: Uuid, semver: &str) -> Result<Option<ModelVersion>> {
        let semver = semver.to_owned();
        self.read(move |conn| by_semver(conn, model, &semver)).await
    }

    async fn version_by_model_name(&self, model: &str, semver: &str) -> Result<Option<ModelVersion>> {
        let (model, semver) = (model.to_owned(), semver.to_owned());
        self.read(move |conn| by_model_name(conn, &model, &semver)).await
    }

    async fn list_versions(&self, model: Uuid, filter: VersionFilter, page: Page) -> Result<Vec<ModelVersion>> {
        self.read(move |conn| list(conn, model, filter, page)).await
    }

    async fn latest_version(&self, model: Uuid, filter: VersionFilter) -> Result<Option<ModelVersion>> {
        self.read(move |conn| latest(conn, model, filter)).await
    }

    async fn production_versions(&self, page: Page) -> Result<Vec<VersionWithModel>> {
        self.read(move |conn| every_production(conn, page)).await
    }
}
