//! Reading model versions.

use async_trait::async_trait;
use modelreg_core::store::{Page, RecordKind, VersionReads};
use modelreg_core::versions::{ModelVersion, VersionFilter, VersionWithModel, latest_first};
use modelreg_core::{Result, Selector};
use sqlx::PgExecutor;
use uuid::Uuid;

use super::{limit, offset};
use crate::PostgresStore;
use crate::row::{Lock, columns, entities, entity, select, sql};

/// The version's columns as `v.column`, for queries joining it.
fn joined_columns() -> String {
    columns(RecordKind::ModelVersion, "v", "")
}

fn version_columns() -> String {
    columns(RecordKind::ModelVersion, "", "")
}

pub(crate) async fn by_id(conn: impl PgExecutor<'_>, lock: Lock, version: Uuid) -> Result<Option<ModelVersion>> {
    let sql = select!(lock, "SELECT {} FROM model_versions WHERE id = $1", version_columns());
    entity(conn, sqlx::query(sql).bind(version)).await
}

pub(crate) async fn by_semver(
    conn: impl PgExecutor<'_>,
    lock: Lock,
    model: Uuid,
    semver: &str,
) -> Result<Option<ModelVersion>> {
    let sql = select!(
        lock,
        "SELECT {} FROM model_versions WHERE model_id = $1 AND semver = $2",
        version_columns()
    );
    entity(conn, sqlx::query(sql).bind(model).bind(semver)).await
}

pub(crate) async fn latest(
    conn: impl PgExecutor<'_>,
    lock: Lock,
    model: Uuid,
    filter: VersionFilter,
) -> Result<Option<ModelVersion>> {
    let sql = select!(
        lock,
        "SELECT {} FROM model_versions WHERE model_id = $1 AND ($2::text IS NULL OR status = $2)
         ORDER BY {} LIMIT 1",
        version_columns(),
        latest_first("")
    );
    entity(
        conn,
        sqlx::query(sql).bind(model).bind(filter.status.map(|s| s.as_str())),
    )
    .await
}

pub(crate) async fn in_production(conn: impl PgExecutor<'_>, lock: Lock, model: Uuid) -> Result<Option<ModelVersion>> {
    let sql = select!(
        lock,
        "SELECT {} FROM model_versions WHERE model_id = $1 AND status = 'production'",
        version_columns()
    );
    entity(conn, sqlx::query(sql).bind(model)).await
}

#[async_trait]
impl VersionReads for PostgresStore {
    async fn version(&self, version: Uuid) -> Result<Option<ModelVersion>> {
        by_id(&self.pool, Lock::None, version).await
    }

    async fn version_by_semver(&self, model: Uuid, semver: &str) -> Result<Option<ModelVersion>> {
        by_semver(&self.pool, Lock::None, model, semver).await
    }

    async fn version_in_named_model(&self, model: &str, selector: &Selector) -> Result<Option<ModelVersion>> {
        // The model's id first, as its own step: the versions are then read
        // by an index on the model whatever the statistics say (after a
        // load with no production version, the planner took `status =
        // 'production'` for rare and read every production version instead).
        let query = match selector {
            Selector::Semver(semver) => sqlx::query(sql!(
                "SELECT {} FROM model_versions v JOIN models m ON m.id = v.model_id
                 WHERE m.id = (SELECT id FROM models WHERE name = $1) AND v.semver = $2",
                joined_columns()
            ))
            .bind(model)
            .bind(semver.as_str()),
            Selector::Production => sqlx::query(sql!(
                "SELECT {} FROM model_versions v JOIN models m ON m.id = v.model_id
                 WHERE m.id = (SELECT id FROM models WHERE name = $1) AND v.status = 'production'",
                joined_columns()
            ))
            .bind(model),
            Selector::Latest => sqlx::query(sql!(
                "SELECT {} FROM model_versions v JOIN models m ON m.id = v.model_id
                 WHERE m.id = (SELECT id FROM models WHERE name = $1)
                 ORDER BY {} LIMIT 1",
                joined_columns(),
                latest_first("v")
            ))
            .bind(model),
            Selector::Alias(alias) => sqlx::query(sql!(
                "SELECT {} FROM model_aliases a JOIN models m ON m.id = a.model_id
                 JOIN model_versions v ON v.id = a.version_id
                 WHERE m.id = (SELECT id FROM models WHERE name = $1) AND a.name = $2",
                joined_columns()
            ))
            .bind(model)
            .bind(alias.as_str()),
        };
        entity(&self.pool, query).await
    }

    async fn list_versions(&self, model: Uuid, filter: VersionFilter, page: Page) -> Result<Vec<ModelVersion>> {
        let sql = sql!(
            "SELECT {} FROM model_versions WHERE model_id = $1 AND ($2::text IS NULL OR status = $2)
             ORDER BY created_at DESC, id DESC LIMIT $3 OFFSET $4",
            version_columns()
        );
        let query = sqlx::query(sql)
            .bind(model)
            .bind(filter.status.map(|s| s.as_str()))
            .bind(limit(page))
            .bind(offset(page));
        entities(&self.pool, query).await
    }

    async fn latest_version(&self, model: Uuid, filter: VersionFilter) -> Result<Option<ModelVersion>> {
        latest(&self.pool, Lock::None, model, filter).await
    }

    async fn production_versions(&self, page: Page) -> Result<Vec<VersionWithModel>> {
        let sql = sql!(
            "SELECT {} FROM model_versions v JOIN models m ON m.id = v.model_id
             WHERE v.status = 'production' ORDER BY m.name LIMIT $1 OFFSET $2",
            VersionWithModel::select_list()
        );
        entities(&self.pool, sqlx::query(sql).bind(limit(page)).bind(offset(page))).await
    }
}
