//! Figures across entities.

use async_trait::async_trait;
use modelreg_core::analytics::{DeploymentStatusCounts, ModelSummary, Stats, TeamMetrics};
use modelreg_core::models::Model;
use modelreg_core::store::{AnalyticsReads, Page, RecordKind};
use modelreg_core::tables::{FromRow, table_counts};
use modelreg_core::time::{self, Timestamp};
use modelreg_core::versions::latest_first;
use modelreg_core::{Error, Result};
use rusqlite::Connection;
use uuid::Uuid;

use crate::SqliteStore;
use crate::row::{all, columns, count, entities, first, get, id, sql};

/// The one row an aggregate query answers.
pub(crate) fn one<T: FromRow>(conn: &Connection, sql: &str, params: impl rusqlite::Params) -> Result<T> {
    first(conn, sql, params, |row| T::from_row(row, ""))?
        .ok_or_else(|| Error::internal("an aggregate query answered no row"))
}

fn model_summary(conn: &Connection, model: Uuid) -> Result<ModelSummary> {
    one(
        conn,
        sql!(
            "SELECT
            (SELECT count(*) FROM model_versions WHERE model_id = ?1) AS version_count,
            (SELECT count(*) FROM training_runs r JOIN model_versions v ON v.id = r.version_id
                WHERE v.model_id = ?1) AS training_run_count,
            (SELECT count(*) FROM deployments d JOIN model_versions v ON v.id = d.version_id
                WHERE v.model_id = ?1) AS deployment_count,
            (SELECT semver FROM model_versions WHERE model_id = ?1
                ORDER BY {} LIMIT 1) AS latest_version,
            (SELECT semver FROM model_versions WHERE model_id = ?1 AND status = 'production') AS production_version,
            (SELECT coalesce(sum(r.gpu_hours), 0.0) FROM training_runs r JOIN model_versions v ON v.id = r.version_id
                WHERE v.model_id = ?1) AS total_gpu_hours,
            (SELECT coalesce(sum(r.cost_usd), 0.0) FROM training_runs r JOIN model_versions v ON v.id = r.version_id
                WHERE v.model_id = ?1) AS total_cost_usd",
            latest_first("")
        ),
        [id(model)],
    )
}

fn team_metrics(conn: &Connection, team: Uuid) -> Result<TeamMetrics> {
    one(
        conn,
        "WITH v AS (SELECT v.id FROM model_versions v JOIN models m ON m.id = v.model_id WHERE m.team_id = ?1),
              r AS (SELECT r.gpu_hours, r.cost_usd FROM training_runs r WHERE r.version_id IN (SELECT id FROM v))
         SELECT
            (SELECT count(*) FROM models WHERE team_id = ?1) AS model_count,
            (SELECT count(*) FROM v) AS version_count,
            (SELECT count(*) FROM r) AS training_run_count,
            (SELECT count(*) FROM deployments WHERE version_id IN (SELECT id FROM v)) AS deployment_count,
            (SELECT coalesce(sum(gpu_hours), 0.0) FROM r) AS total_gpu_hours,
            (SELECT coalesce(sum(cost_usd), 0.0) FROM r) AS total_cost_usd",
        [id(team)],
    )
}

fn status_counts(conn: &Connection) -> Result<DeploymentStatusCounts> {
    all(
        conn,
        "SELECT status, count(*) AS deployments FROM deployments GROUP BY status",
        [],
        |row| Ok((get::<String>(row, "status")?.parse()?, count(row, "deployments")?)),
    )
    .map(|counts| counts.into_iter().collect())
}

fn not_trained_since(conn: &Connection, since: Timestamp, page: Page) -> Result<Vec<Model>> {
    entities(
        conn,
        sql!(
            "SELECT {} FROM models m WHERE m.is_active = 1 AND NOT EXISTS (
                 SELECT 1 FROM training_runs r JOIN model_versions v ON v.id = r.version_id
                 WHERE v.model_id = m.id AND r.started_at >= ?1)
             ORDER BY m.name LIMIT ?2 OFFSET ?3",
            columns(RecordKind::Model, "m", "")
        ),
        rusqlite::params![time::to_micros(&since), super::limit(page), super::offset(page)],
    )
}

#[async_trait]
impl AnalyticsReads for SqliteStore {
    async fn model_summary(&self, model: Uuid) -> Result<ModelSummary> {
        self.read(move |conn| model_summary(conn, model)).await
    }

    async fn team_metrics(&self, team: Uuid) -> Result<TeamMetrics> {
        self.read(move |conn| team_metrics(conn, team)).await
    }

    async fn deployment_status_counts(&self) -> Result<DeploymentStatusCounts> {
        self.read(status_counts).await
    }

    async fn models_not_trained_since(&self, since: Timestamp, page: Page) -> Result<Vec<Model>> {
        self.read(move |conn| not_trained_since(conn, since, page)).await
    }

    async fn stats(&self) -> Result<Stats> {
        self.read(|conn| one(conn, sql!("SELECT {}", table_counts()), [])).await
    }
}
