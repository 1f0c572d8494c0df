//! The write transaction: `BEGIN IMMEDIATE` on the writer connection, held
//! for the whole registry operation. Inserts and updates are queued and sent
//! with the next statement or the commit, so that an operation costs as few
//! trips to the connection thread as possible.

use async_trait::async_trait;
use modelreg_core::deployments::Deployment;
use modelreg_core::environments::Environment;
use modelreg_core::models::{Model, Tag};
use modelreg_core::runs::TrainingRun;
use modelreg_core::store::{Existing, Transactional, Tx};
use modelreg_core::teams::Team;
use modelreg_core::versions::ModelVersion;
use modelreg_core::{EntityKind, Record, Result};
use rusqlite::{Connection, OptionalExtension, Row, params};
use tokio::sync::MutexGuard;
use uuid::Uuid;

use crate::SqliteStore;
use crate::error::db;
use crate::rows::{self, Write};
use crate::worker::Worker;

pub(crate) struct SqliteTx<'a> {
    writer: MutexGuard<'a, Worker>,
    queued: Vec<(Record, Write)>,
    began: bool,
    finished: bool,
    /// Rows written by the queued writes sent so far.
    written: u64,
}

#[async_trait]
impl Transactional for SqliteStore {
    async fn begin(&self) -> Result<Box<dyn Tx + '_>> {
        Ok(Box::new(SqliteTx {
            writer: self.writer.lock().await,
            queued: Vec::new(),
            began: false,
            finished: false,
            written: 0,
        }))
    }
}

/// Begins the transaction if needed and sends the queued writes; the rows they wrote.
fn apply(conn: &Connection, began: bool, queued: Vec<(Record, Write)>) -> Result<u64> {
    if !began {
        conn.execute_batch("BEGIN IMMEDIATE").map_err(db)?;
    }
    let mut written = 0;
    for (record, how) in &queued {
        written += rows::write(conn, record, *how)? as u64;
    }
    Ok(written)
}

impl SqliteTx<'_> {
    /// Sends the queued writes and then `job`, in one trip.
    async fn run<R, F>(&mut self, job: F) -> Result<R>
    where
        R: Send + 'static,
        F: FnOnce(&Connection) -> Result<R> + Send + 'static,
    {
        let queued = std::mem::take(&mut self.queued);
        let began = std::mem::replace(&mut self.began, true);
        let (written, answer) = self
            .writer
            .run(move |conn| {
                let written = apply(conn, began, queued)?;
                Ok((written, job(conn)?))
            })
            .await?;
        self.written += written;
        Ok(answer)
    }

    async fn one<T, F>(&mut self, sql: &'static str, key: String, map: F) -> Result<Option<T>>
    where
        T: Send + 'static,
        F: FnOnce(&Row) -> rusqlite::Result<T> + Send + 'static,
    {
        self.run(move |conn| {
            conn.prepare_cached(sql)
                .and_then(|mut stmt| stmt.query_row([key], map).optional())
                .map_err(db)
        })
        .await
    }
}

/// Queued single inserts are sent once this many wait, so a transaction
/// that inserts many records one by one keeps its memory flat.
const FLUSH_AT: usize = 2048;

impl SqliteTx<'_> {
    async fn flush_if_long(&mut self) -> Result<()> {
        if self.queued.len() >= FLUSH_AT {
            self.run(|_| Ok(())).await?;
        }
        Ok(())
    }
}

impl Drop for SqliteTx<'_> {
    fn drop(&mut self) {
        if self.began && !self.finished {
            // Queued before the lock is released, so it runs before the next transaction.
            let _ = self.writer.send(|conn| {
                if !conn.is_autocommit() {
                    let _ = conn.execute_batch("ROLLBACK");
                }
            });
        }
    }
}

#[async_trait]
impl Tx for SqliteTx<'_> {
    async fn insert(&mut self, record: Record) -> Result<()> {
        self.queued.push((record, Write::Insert));
        self.flush_if_long().await
    }

    async fn insert_many(&mut self, records: Vec<Record>, existing: Existing) -> Result<u64> {
        let how = match existing {
            Existing::Fail => Write::Insert,
            Existing::Skip => Write::InsertOrSkip,
        };
        // Earlier writes first, so that the count and any error are this batch's;
        // then the whole batch in one trip (the caller sizes its batches).
        self.run(|_| Ok(())).await?;
        let before = self.written;
        self.queued.extend(records.into_iter().map(|record| (record, how)));
        self.run(|_| Ok(())).await?;
        Ok(self.written - before)
    }

    async fn update(&mut self, record: Record) -> Result<()> {
        self.queued.push((record, Write::Update));
        Ok(())
    }

    async fn delete(&mut self, kind: EntityKind, id: Uuid) -> Result<bool> {
        let sql = match kind {
            EntityKind::Team => "DELETE FROM teams WHERE id = ?1",
            EntityKind::Tag => "DELETE FROM tags WHERE id = ?1",
            EntityKind::Model => "DELETE FROM models WHERE id = ?1",
            EntityKind::ModelVersion => "DELETE FROM model_versions WHERE id = ?1",
            EntityKind::TrainingRun => "DELETE FROM training_runs WHERE id = ?1",
            EntityKind::Metric => "DELETE FROM metrics WHERE id = ?1",
            EntityKind::Environment => "DELETE FROM environments WHERE id = ?1",
            EntityKind::Deployment => "DELETE FROM deployments WHERE id = ?1",
            EntityKind::AuditEvent => "DELETE FROM audit_events WHERE id = ?1",
        };
        self.run(move |conn| {
            conn.prepare_cached(sql)
                .and_then(|mut stmt| stmt.execute([id.to_string()]))
                .map(|n| n > 0)
                .map_err(db)
        })
        .await
    }

    async fn unlink_tag(&mut self, model_id: Uuid, tag_id: Uuid) -> Result<bool> {
        self.run(move |conn| {
            conn.prepare_cached("DELETE FROM model_tags WHERE model_id = ?1 AND tag_id = ?2")
                .and_then(|mut stmt| stmt.execute(params![model_id.to_string(), tag_id.to_string()]))
                .map(|n| n > 0)
                .map_err(db)
        })
        .await
    }

    async fn team(&mut self, id: Uuid) -> Result<Option<Team>> {
        self.one(
            concat!("SELECT ", team_columns!(), " FROM teams WHERE id = ?1"),
            id.to_string(),
            rows::team,
        )
        .await
    }

    async fn model(&mut self, id: Uuid) -> Result<Option<Model>> {
        self.one(
            concat!("SELECT ", model_columns!(), " FROM models WHERE id = ?1"),
            id.to_string(),
            rows::model,
        )
        .await
    }

    async fn model_by_name(&mut self, name: &str) -> Result<Option<Model>> {
        self.one(
            concat!("SELECT ", model_columns!(), " FROM models WHERE name = ?1"),
            name.to_owned(),
            rows::model,
        )
        .await
    }

    async fn tag_by_name(&mut self, name: &str) -> Result<Option<Tag>> {
        self.one(
            concat!("SELECT ", tag_columns!(), " FROM tags WHERE name = ?1"),
            name.to_owned(),
            rows::tag,
        )
        .await
    }

    async fn has_tag(&mut self, model_id: Uuid, tag_id: Uuid) -> Result<bool> {
        self.run(move |conn| {
            conn.prepare_cached("SELECT 1 FROM model_tags WHERE model_id = ?1 AND tag_id = ?2")
                .and_then(|mut stmt| stmt.exists(params![model_id.to_string(), tag_id.to_string()]))
                .map_err(db)
        })
        .await
    }

    async fn version(&mut self, id: Uuid) -> Result<Option<ModelVersion>> {
        self.one(
            concat!("SELECT ", version_columns!(), " FROM model_versions WHERE id = ?1"),
            id.to_string(),
            rows::version,
        )
        .await
    }

    async fn production_version(&mut self, model_id: Uuid) -> Result<Option<ModelVersion>> {
        self.one(
            concat!(
                "SELECT ",
                version_columns!(),
                " FROM model_versions WHERE model_id = ?1 AND status = 'production'"
            ),
            model_id.to_string(),
            rows::version,
        )
        .await
    }

    async fn run(&mut self, id: Uuid) -> Result<Option<TrainingRun>> {
        self.one(
            concat!("SELECT ", run_columns!(), " FROM training_runs WHERE id = ?1"),
            id.to_string(),
            rows::run,
        )
        .await
    }

    async fn environment(&mut self, id: Uuid) -> Result<Option<Environment>> {
        self.one(
            concat!("SELECT ", environment_columns!(), " FROM environments WHERE id = ?1"),
            id.to_string(),
            rows::environment,
        )
        .await
    }

    async fn deployment(&mut self, id: Uuid) -> Result<Option<Deployment>> {
        self.one(
            concat!("SELECT ", deployment_columns!(), " FROM deployments WHERE id = ?1"),
            id.to_string(),
            rows::deployment,
        )
        .await
    }

    async fn deployments_of_model_in(&mut self, model_id: Uuid, environment_id: Uuid) -> Result<Vec<Deployment>> {
        self.run(move |conn| {
            let mut stmt = conn
                .prepare_cached(
                    "SELECT d.id, d.version_id, d.environment_id, d.name, d.status, d.endpoint_url, d.replicas, d.cpu_request, d.memory_request, d.gpu_count, d.deployed_at, d.deployed_by, d.terminated_at
                     FROM deployments d JOIN model_versions v ON v.id = d.version_id
                     WHERE v.model_id = ?1 AND d.environment_id = ?2
                     ORDER BY d.deployed_at DESC, d.id DESC",
                )
                .map_err(db)?;
            let rows = stmt
                .query_map(params![model_id.to_string(), environment_id.to_string()], rows::deployment)
                .map_err(db)?;
            rows.collect::<rusqlite::Result<Vec<_>>>().map_err(db)
        })
        .await
    }

    async fn commit(mut self: Box<Self>) -> Result<()> {
        if !self.began && self.queued.is_empty() {
            self.finished = true;
            return Ok(());
        }
        let queued = std::mem::take(&mut self.queued);
        let began = std::mem::replace(&mut self.began, true);
        let result = self
            .writer
            .run(move |conn| {
                let result = apply(conn, began, queued).and_then(|_| conn.execute_batch("COMMIT").map_err(db));
                if result.is_err() && !conn.is_autocommit() {
                    let _ = conn.execute_batch("ROLLBACK");
                }
                result
            })
            .await;
        self.finished = true;
        result
    }
}
