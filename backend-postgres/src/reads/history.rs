//! Reading aliases, the history of statuses and aliases, versions by
//! checksum, and deployments that drift from production.

use async_trait::async_trait;
use modelreg_core::Result;
use modelreg_core::aliases::{Alias, AliasWithVersion};
use modelreg_core::deployments::Drift;
use modelreg_core::history::{AliasChange, StatusChange};
use modelreg_core::store::{HistoryReads, Page, RecordKind};
use modelreg_core::time::Timestamp;
use modelreg_core::versions::{VersionStatus, VersionWithModel};
use sqlx::PgExecutor;
use uuid::Uuid;

use super::{limit, offset};
use crate::PostgresStore;
use crate::row::{Lock, columns, entities, entity, select, sql};

pub(crate) async fn alias(conn: impl PgExecutor<'_>, lock: Lock, model: Uuid, name: &str) -> Result<Option<Alias>> {
    let sql = select!(
        lock,
        "SELECT {} FROM model_aliases WHERE model_id = $1 AND name = $2",
        columns(RecordKind::ModelAlias, "", "")
    );
    entity(conn, sqlx::query(sql).bind(model).bind(name)).await
}

pub(crate) async fn aliases_of_version(conn: impl PgExecutor<'_>, version: Uuid) -> Result<Vec<Alias>> {
    let sql = sql!(
        "SELECT {} FROM model_aliases WHERE version_id = $1 ORDER BY name FOR NO KEY UPDATE",
        columns(RecordKind::ModelAlias, "", "")
    );
    entities(conn, sqlx::query(sql).bind(version)).await
}

fn status_columns() -> String {
    columns(RecordKind::StatusChange, "", "")
}

fn alias_change_columns() -> String {
    columns(RecordKind::AliasChange, "", "")
}

#[async_trait]
impl HistoryReads for PostgresStore {
    async fn alias(&self, model: Uuid, name: &str) -> Result<Option<Alias>> {
        alias(&self.pool, Lock::None, model, name).await
    }

    async fn aliases_of_model(&self, model: Uuid, page: Page) -> Result<Vec<AliasWithVersion>> {
        let sql = sql!(
            "SELECT {} FROM model_aliases a JOIN model_versions v ON v.id = a.version_id
             WHERE a.model_id = $1 ORDER BY a.name COLLATE \"C\" LIMIT $2 OFFSET $3",
            AliasWithVersion::select_list()
        );
        entities(
            &self.pool,
            sqlx::query(sql).bind(model).bind(limit(page)).bind(offset(page)),
        )
        .await
    }

    async fn last_change_to(&self, model: Uuid, status: VersionStatus, at: Timestamp) -> Result<Option<StatusChange>> {
        let sql = sql!(
            "SELECT {} FROM status_history WHERE model_id = $1 AND to_status = $2 AND changed_at <= $3
             ORDER BY changed_at DESC, id DESC LIMIT 1",
            status_columns()
        );
        entity(&self.pool, sqlx::query(sql).bind(model).bind(status.as_str()).bind(at)).await
    }

    async fn last_change_of(&self, version: Uuid, at: Timestamp) -> Result<Option<StatusChange>> {
        let sql = sql!(
            "SELECT {} FROM status_history WHERE version_id = $1 AND changed_at <= $2
             ORDER BY changed_at DESC, id DESC LIMIT 1",
            status_columns()
        );
        entity(&self.pool, sqlx::query(sql).bind(version).bind(at)).await
    }

    async fn last_alias_change(&self, model: Uuid, alias: &str, at: Timestamp) -> Result<Option<AliasChange>> {
        let sql = sql!(
            "SELECT {} FROM alias_history WHERE model_id = $1 AND alias = $2 AND changed_at <= $3
             ORDER BY changed_at DESC, id DESC LIMIT 1",
            alias_change_columns()
        );
        entity(&self.pool, sqlx::query(sql).bind(model).bind(alias).bind(at)).await
    }

    async fn status_changes(&self, model: Uuid, page: Page) -> Result<Vec<StatusChange>> {
        let sql = sql!(
            "SELECT {} FROM status_history WHERE model_id = $1 ORDER BY changed_at DESC, id DESC LIMIT $2 OFFSET $3",
            status_columns()
        );
        entities(
            &self.pool,
            sqlx::query(sql).bind(model).bind(limit(page)).bind(offset(page)),
        )
        .await
    }

    async fn alias_changes(&self, model: Uuid, page: Page) -> Result<Vec<AliasChange>> {
        let sql = sql!(
            "SELECT {} FROM alias_history WHERE model_id = $1 ORDER BY changed_at DESC, id DESC LIMIT $2 OFFSET $3",
            alias_change_columns()
        );
        entities(
            &self.pool,
            sqlx::query(sql).bind(model).bind(limit(page)).bind(offset(page)),
        )
        .await
    }

    async fn versions_by_checksum(&self, checksum: &str, page: Page) -> Result<Vec<VersionWithModel>> {
        let sql = sql!(
            "SELECT {} FROM model_versions v JOIN models m ON m.id = v.model_id
             WHERE v.checksum_sha256 = $1 ORDER BY v.created_at DESC, v.id DESC LIMIT $2 OFFSET $3",
            VersionWithModel::select_list()
        );
        entities(
            &self.pool,
            sqlx::query(sql).bind(checksum).bind(limit(page)).bind(offset(page)),
        )
        .await
    }

    async fn drift(&self, model: Option<Uuid>, page: Page) -> Result<Vec<Drift>> {
        let sql = sql!(
            "SELECT {} FROM deployments d JOIN model_versions v ON v.id = d.version_id
             JOIN models m ON m.id = v.model_id JOIN environments e ON e.id = d.environment_id
             LEFT JOIN model_versions p ON p.model_id = m.id AND p.status = 'production'
             WHERE d.status IN ('healthy', 'degraded') AND (p.id IS NULL OR p.id <> d.version_id)
               AND ($1::uuid IS NULL OR m.id = $1)
             ORDER BY e.name COLLATE \"C\", m.name COLLATE \"C\", d.deployed_at DESC, d.id DESC LIMIT $2 OFFSET $3",
            Drift::select_list()
        );
        entities(
            &self.pool,
            sqlx::query(sql).bind(model).bind(limit(page)).bind(offset(page)),
        )
        .await
    }
}
