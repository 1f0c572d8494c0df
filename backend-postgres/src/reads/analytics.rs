//! Figures across entities.

use async_trait::async_trait;
use modelreg_core::Result;
use modelreg_core::analytics::{DeploymentStatusCounts, ModelSummary, Stats, TeamMetrics};
use modelreg_core::models::Model;
use modelreg_core::store::{AnalyticsReads, Page, RecordKind};
use modelreg_core::tables::table_counts;
use modelreg_core::time::Timestamp;
use modelreg_core::versions::latest_first;
use uuid::Uuid;

use crate::PostgresStore;
use crate::row::{all, columns, entities, get, one, sql};

#[async_trait]
impl AnalyticsReads for PostgresStore {
    async fn model_summary(&self, model: Uuid) -> Result<ModelSummary> {
        let query = sqlx::query(sql!(
            "WITH v AS (SELECT id, semver, status, precedence, created_at FROM model_versions WHERE model_id = $1),
                  r AS (SELECT gpu_hours, cost_usd FROM training_runs WHERE version_id IN (SELECT id FROM v))
             SELECT
                (SELECT count(*) FROM v) AS version_count,
                (SELECT count(*) FROM r) AS training_run_count,
                (SELECT count(*) FROM deployments WHERE version_id IN (SELECT id FROM v)) AS deployment_count,
                (SELECT semver FROM v ORDER BY {} LIMIT 1) AS latest_version,
                (SELECT semver FROM v WHERE status = 'production') AS production_version,
                (SELECT coalesce(sum(gpu_hours), 0)::float8 FROM r) AS total_gpu_hours,
                (SELECT coalesce(sum(cost_usd), 0)::float8 FROM r) AS total_cost_usd",
            latest_first("")
        ));
        one(&self.pool, query.bind(model)).await
    }

    async fn team_metrics(&self, team: Uuid) -> Result<TeamMetrics> {
        let query = sqlx::query(
            "WITH v AS (SELECT v.id FROM model_versions v JOIN models m ON m.id = v.model_id WHERE m.team_id = $1),
                  r AS (SELECT gpu_hours, cost_usd FROM training_runs WHERE version_id IN (SELECT id FROM v))
             SELECT
                (SELECT count(*) FROM models WHERE team_id = $1) AS model_count,
                (SELECT count(*) FROM v) AS version_count,
                (SELECT count(*) FROM r) AS training_run_count,
                (SELECT count(*) FROM deployments WHERE version_id IN (SELECT id FROM v)) AS deployment_count,
                (SELECT coalesce(sum(gpu_hours), 0)::float8 FROM r) AS total_gpu_hours,
                (SELECT coalesce(sum(cost_usd), 0)::float8 FROM r) AS total_cost_usd",
        );
        one(&self.pool, query.bind(team)).await
    }

    async fn deployment_status_counts(&self) -> Result<DeploymentStatusCounts> {
        let query = sqlx::query("SELECT status, count(*) AS deployments FROM deployments GROUP BY status");
        let counts = all(&self.pool, query, |row| {
            let deployments: i64 = get(row, "deployments")?;
            Ok((get::<String>(row, "status")?.parse()?, deployments.max(0) as u64))
        })
        .await?;
        Ok(counts.into_iter().collect())
    }

    async fn models_not_trained_since(&self, since: Timestamp, page: Page) -> Result<Vec<Model>> {
        let sql = sql!(
            "SELECT {} FROM models m WHERE m.is_active AND NOT EXISTS (
                 SELECT 1 FROM training_runs r JOIN model_versions v ON v.id = r.version_id
                 WHERE v.model_id = m.id AND r.started_at >= $1)
             ORDER BY m.name LIMIT $2 OFFSET $3",
            columns(RecordKind::Model, "m", "")
        );
        let query = sqlx::query(sql)
            .bind(since)
            .bind(super::limit(page))
            .bind(super::offset(page));
        entities(&self.pool, query).await
    }

    async fn stats(&self) -> Result<Stats> {
        one(&self.pool, sqlx::query(sql!("SELECT {}", table_counts()))).await
    }
}
