//! Reading model versions.

use async_trait::async_trait;
use modelreg_core::store::{Page, RecordKind, VersionReads};
use modelreg_core::versions::{ModelVersion, VersionFilter, VersionWithModel, latest_first};
use modelreg_core::{Result, Selector};
use rusqlite::{Connection, params};
use uuid::Uuid;

use super::{limit, offset};
use crate::SqliteStore;
use crate::row::{columns, entities, entity, id, sql};

/// The version's columns as `v.column`, for queries joining it.
fn joined_columns() -> String {
    columns(RecordKind::ModelVersion, "v", "")
}

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

/// `MODEL@SELECTOR` by the model's name, in one query each.
fn in_named_model(conn: &Connection, model: &str, selector: &Selector) -> Result<Option<ModelVersion>> {
    match selector {
        Selector::Semver(semver) => entity(
            conn,
            sql!(
                "SELECT {} FROM model_versions v JOIN models m ON m.id = v.model_id WHERE m.name = ?1 AND v.semver = ?2",
                joined_columns()
            ),
            [model, semver.as_str()],
        ),
        Selector::Production => entity(
            conn,
            sql!(
                "SELECT {} FROM model_versions v JOIN models m ON m.id = v.model_id
                 WHERE m.name = ?1 AND v.status = 'production'",
                joined_columns()
            ),
            [model],
        ),
        Selector::Latest => entity(
            conn,
            sql!(
                "SELECT {} FROM model_versions v JOIN models m ON m.id = v.model_id WHERE m.name = ?1
                 ORDER BY {} LIMIT 1",
                joined_columns(),
                latest_first("v")
            ),
            [model],
        ),
        Selector::Alias(alias) => entity(
            conn,
            sql!(
                "SELECT {} FROM model_aliases a JOIN models m ON m.id = a.model_id
                 JOIN model_versions v ON v.id = a.version_id WHERE m.name = ?1 AND a.name = ?2",
                joined_columns()
            ),
            [model, alias.as_str()],
        ),
    }
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
             ORDER BY {} LIMIT 1",
            version_columns(),
            latest_first("")
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

    async fn version_in_named_model(&self, model: &str, selector: &Selector) -> Result<Option<ModelVersion>> {
        let (model, selector) = (model.to_owned(), selector.clone());
        self.read(move |conn| in_named_model(conn, &model, &selector)).await
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
