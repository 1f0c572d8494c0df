//! Reading training runs.

use async_trait::async_trait;
use modelreg_core::Result;
use modelreg_core::runs::{CostSummary, RunFilter, TrainingRun};
use modelreg_core::store::{Page, RecordKind, RunReads};
use rusqlite::{Connection, params};
use uuid::Uuid;

use super::{limit, offset};
use crate::SqliteStore;
use crate::row::{columns, count, entities, entity, first, get, id, sql};

pub(crate) fn by_id(conn: &Connection, run: Uuid) -> Result<Option<TrainingRun>> {
    entity(
        conn,
        sql!(
            "SELECT {} FROM training_runs WHERE id = ?1",
            columns(RecordKind::TrainingRun, "", "")
        ),
        [id(run)],
    )
}

fn of_version(conn: &Connection, version: Uuid, filter: RunFilter, page: Page) -> Result<Vec<TrainingRun>> {
    entities(
        conn,
        sql!(
            "SELECT {} FROM training_runs WHERE version_id = ?1 AND (?2 IS NULL OR status = ?2)
             ORDER BY started_at DESC, id DESC LIMIT ?3 OFFSET ?4",
            columns(RecordKind::TrainingRun, "", "")
        ),
        params![
            id(version),
            filter.status.map(|s| s.as_str()),
            limit(page),
            offset(page)
        ],
    )
}

fn of_model(conn: &Connection, model: Uuid, filter: RunFilter, page: Page) -> Result<Vec<TrainingRun>> {
    entities(
        conn,
        sql!(
            "SELECT {} FROM training_runs r JOIN model_versions v ON v.id = r.version_id
             WHERE v.model_id = ?1 AND (?2 IS NULL OR r.status = ?2)
             ORDER BY r.started_at DESC, r.id DESC LIMIT ?3 OFFSET ?4",
            columns(RecordKind::TrainingRun, "r", "")
        ),
        params![id(model), filter.status.map(|s| s.as_str()), limit(page), offset(page)],
    )
}

fn cost(conn: &Connection, model: Option<Uuid>) -> Result<CostSummary> {
    let summary = first(
        conn,
        "SELECT coalesce(sum(r.cost_usd), 0.0) AS cost, coalesce(sum(r.gpu_hours), 0.0) AS gpu_hours,
                count(r.id) AS runs
         FROM training_runs r JOIN model_versions v ON v.id = r.version_id
         WHERE ?1 IS NULL OR v.model_id = ?1",
        [model.map(id)],
        |row| {
            Ok(CostSummary {
                total_cost_usd: get(row, "cost")?,
                total_gpu_hours: get(row, "gpu_hours")?,
                run_count: count(row, "runs")?,
            })
        },
    )?;
    Ok(summary.unwrap_or_default())
}

#[async_trait]
impl RunReads for SqliteStore {
    async fn run(&self, run: Uuid) -> Result<Option<TrainingRun>> {
        self.read(move |conn| by_id(conn, run)).await
    }

    async fn runs_of_version(&self, version: Uuid, filter: RunFilter, page: Page) -> Result<Vec<TrainingRun>> {
        self.read(move |conn| of_version(conn, version, filter, page)).await
    }

    async fn runs_of_model(&self, model: Uuid, filter: RunFilter, page: Page) -> Result<Vec<TrainingRun>> {
        self.read(move |conn| of_model(conn, model, filter, page)).await
    }

    async fn cost_summary(&self, model: Option<Uuid>) -> Result<CostSummary> {
        self.read(move |conn| cost(conn, model)).await
    }
}
