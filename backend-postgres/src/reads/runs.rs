//! Reading training runs and their cost.

use async_trait::async_trait;
use modelreg_core::Result;
use modelreg_core::runs::{CostSummary, RunFilter, TrainingRun};
use modelreg_core::store::{Page, RecordKind, RunReads};
use sqlx::PgExecutor;
use uuid::Uuid;

use super::{limit, offset};
use crate::PostgresStore;
use crate::row::{Lock, columns, entities, entity, one, select, sql};

pub(crate) async fn by_id(conn: impl PgExecutor<'_>, lock: Lock, run: Uuid) -> Result<Option<TrainingRun>> {
    let sql = select!(
        lock,
        "SELECT {} FROM training_runs WHERE id = $1",
        columns(RecordKind::TrainingRun, "", "")
    );
    entity(conn, sqlx::query(sql).bind(run)).await
}

#[async_trait]
impl RunReads for PostgresStore {
    async fn run(&self, run: Uuid) -> Result<Option<TrainingRun>> {
        by_id(&self.pool, Lock::None, run).await
    }

    async fn runs_of_version(&self, version: Uuid, filter: RunFilter, page: Page) -> Result<Vec<TrainingRun>> {
        let sql = sql!(
            "SELECT {} FROM training_runs WHERE version_id = $1 AND ($2::text IS NULL OR status = $2)
             ORDER BY started_at DESC, id DESC LIMIT $3 OFFSET $4",
            columns(RecordKind::TrainingRun, "", "")
        );
        let query = sqlx::query(sql)
            .bind(version)
            .bind(filter.status.map(|s| s.as_str()))
            .bind(limit(page))
            .bind(offset(page));
        entities(&self.pool, query).await
    }

    async fn runs_of_model(&self, model: Uuid, filter: RunFilter, page: Page) -> Result<Vec<TrainingRun>> {
        let sql = sql!(
            "SELECT {} FROM training_runs r JOIN model_versions v ON v.id = r.version_id
             WHERE v.model_id = $1 AND ($2::text IS NULL OR r.status = $2)
             ORDER BY r.started_at DESC, r.id DESC LIMIT $3 OFFSET $4",
            columns(RecordKind::TrainingRun, "r", "")
        );
        let query = sqlx::query(sql)
            .bind(model)
            .bind(filter.status.map(|s| s.as_str()))
            .bind(limit(page))
            .bind(offset(page));
        entities(&self.pool, query).await
    }

    async fn cost_summary(&self, model: Option<Uuid>) -> Result<CostSummary> {
        let query = sqlx::query(
            "SELECT coalesce(sum(r.cost_usd), 0)::float8 AS total_cost_usd,
                    coalesce(sum(r.gpu_hours), 0)::float8 AS total_gpu_hours, count(r.id) AS run_count
             FROM training_runs r JOIN model_versions v ON v.id = r.version_id
             WHERE $1::uuid IS NULL OR v.model_id = $1",
        );
        one(&self.pool, query.bind(model)).await
    }
}
