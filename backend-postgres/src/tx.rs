//! The write transaction: one pooled connection inside `BEGIN … COMMIT`.
//! Rows read through it are locked (`FOR NO KEY UPDATE`), so that two
//! operations deciding on the same rows take turns; for example concurrent
//! promotions of two versions of one model.

use async_trait::async_trait;
use modelreg_core::deployments::Deployment;
use modelreg_core::environments::Environment;
use modelreg_core::models::{Model, Tag};
use modelreg_core::runs::TrainingRun;
use modelreg_core::store::{Existing, Transactional, Tx};
use modelreg_core::teams::Team;
use modelreg_core::versions::ModelVersion;
use modelreg_core::{EntityKind, Record, Result};
use sqlx::{Postgres, Transaction};
use uuid::Uuid;

use crate::PostgresStore;
use crate::error::db;
use crate::rows::{self, Db, Write};

/// Inserts and updates are queued and sent together, in one statement,
/// before the next read or at the commit: a registry operation then costs
/// BEGIN, its reads, one write and COMMIT.
pub(crate) struct PgTx {
    tx: Transaction<'static, Postgres>,
    queued: Vec<(Record, Write)>,
}

#[async_trait]
impl Transactional for PostgresStore {
    async fn begin(&self) -> Result<Box<dyn Tx + '_>> {
        Ok(Box::new(PgTx {
            tx: self.pool.begin().await.map_err(db)?,
            queued: Vec::new(),
        }))
    }
}

impl PgTx {
    /// Sends the queued writes. Two writes of the same row cannot share a
    /// statement (its parts see one snapshot), so such a queue is split.
    async fn flush(&mut self) -> Result<()> {
        let queued = std::mem::take(&mut self.queued);
        let mut start = 0;
        for end in 1..=queued.len() {
            let next_repeats_a_row = queued.get(end).is_some_and(|(next, _)| {
                queued[start..end]
                    .iter()
                    .any(|(r, _)| r.kind() == next.kind() && r.id() == next.id() && !matches!(r, Record::ModelTag(_)))
            });
            if end == queued.len() || next_repeats_a_row {
                rows::write_all(&mut self.tx, &queued[start..end]).await?;
                start = end;
            }
        }
        Ok(())
    }

    async fn locked<T>(
        &mut self,
        sql: &'static str,
        key: impl for<'q> sqlx::Encode<'q, Postgres> + sqlx::Type<Postgres> + Send,
    ) -> Result<Option<T>>
    where
        Db<T>: for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow> + Send + Unpin,
    {
        self.flush().await?;
        let found = sqlx::query_as::<_, Db<T>>(sql)
            .bind(key)
            .fetch_optional(&mut *self.tx)
            .await
            .map_err(db)?;
        Ok(found.map(|d| d.0))
    }
}

#[async_trait]
impl Tx for PgTx {
    async fn insert(&mut self, record: Record) -> Result<()> {
        self.queued.push((record, Write::Insert));
        Ok(())
    }

    async fn update(&mut self, record: Record) -> Result<()> {
        self.queued.push((record, Write::Update));
        Ok(())
    }

    async fn insert_many(&mut self, records: Vec<Record>, existing: Existing) -> Result<u64> {
        self.flush().await?;
        crate::bulk::insert_many(&mut self.tx, &records, existing).await
    }

    async fn delete(&mut self, kind: EntityKind, id: Uuid) -> Result<bool> {
        let sql = match kind {
            EntityKind::Team => "DELETE FROM teams WHERE id = $1",
            EntityKind::Tag => "DELETE FROM tags WHERE id = $1",
            EntityKind::Model => "DELETE FROM models WHERE id = $1",
            EntityKind::ModelVersion => "DELETE FROM model_versions WHERE id = $1",
            EntityKind::TrainingRun => "DELETE FROM training_runs WHERE id = $1",
            EntityKind::Metric => "DELETE FROM metrics WHERE id = $1",
            EntityKind::Environment => "DELETE FROM environments WHERE id = $1",
            EntityKind::Deployment => "DELETE FROM deployments WHERE id = $1",
            EntityKind::AuditEvent => "DELETE FROM audit_events WHERE id = $1",
        };
        self.flush().await?;
        let done = sqlx::query(sql).bind(id).execute(&mut *self.tx).await.map_err(db)?;
        Ok(done.rows_affected() > 0)
    }

    async fn unlink_tag(&mut self, model_id: Uuid, tag_id: Uuid) -> Result<bool> {
        self.flush().await?;
        let done = sqlx::query("DELETE FROM model_tags WHERE model_id = $1 AND tag_id = $2")
            .bind(model_id)
            .bind(tag_id)
            .execute(&mut *self.tx)
            .await
            .map_err(db)?;
        Ok(done.rows_affected() > 0)
    }

    async fn team(&mut self, id: Uuid) -> Result<Option<Team>> {
        self.locked(
            concat!(
                "SELECT ",
                team_columns!(),
                " FROM teams WHERE id = $1 FOR NO KEY UPDATE"
            ),
            id,
        )
        .await
    }

    async fn model(&mut self, id: Uuid) -> Result<Option<Model>> {
        self.locked(
            concat!(
                "SELECT ",
                model_columns!(),
                " FROM models WHERE id = $1 FOR NO KEY UPDATE"
            ),
            id,
        )
        .await
    }

    async fn model_by_name(&mut self, name: &str) -> Result<Option<Model>> {
        self.locked(
            concat!(
                "SELECT ",
                model_columns!(),
                " FROM models WHERE name = $1 FOR NO KEY UPDATE"
            ),
            name.to_owned(),
        )
        .await
    }

    async fn tag_by_name(&mut self, name: &str) -> Result<Option<Tag>> {
        self.locked(
            concat!("SELECT ", tag_columns!(), " FROM tags WHERE name = $1"),
            name.to_owned(),
        )
        .await
    }

    async fn has_tag(&mut self, model_id: Uuid, tag_id: Uuid) -> Result<bool> {
        self.flush().await?;
        sqlx::query_scalar::<_, bool>("SELECT EXISTS (SELECT 1 FROM model_tags WHERE model_id = $1 AND tag_id = $2)")
            .bind(model_id)
            .bind(tag_id)
            .fetch_one(&mut *self.tx)
            .await
            .map_err(db)
    }

    async fn version(&mut self, id: Uuid) -> Result<Option<ModelVersion>> {
        self.locked(
            concat!(
                "SELECT ",
                version_columns!(),
                " FROM model_versions WHERE id = $1 FOR NO KEY UPDATE"
            ),
            id,
        )
        .await
    }

    async fn production_version(&mut self, model_id: Uuid) -> Result<Option<ModelVersion>> {
        self.locked(
            concat!(
                "SELECT ",
                version_columns!(),
                " FROM model_versions WHERE model_id = $1 AND status = 'production' FOR NO KEY UPDATE"
            ),
            model_id,
        )
        .await
    }

    async fn run(&mut self, id: Uuid) -> Result<Option<TrainingRun>> {
        self.locked(
            concat!(
                "SELECT ",
                run_columns!(),
                " FROM training_runs WHERE id = $1 FOR NO KEY UPDATE"
            ),
            id,
        )
        .await
    }

    async fn environment(&mut self, id: Uuid) -> Result<Option<Environment>> {
        self.locked(
            concat!(
                "SELECT ",
                environment_columns!(),
                " FROM environments WHERE id = $1 FOR NO KEY UPDATE"
            ),
            id,
        )
        .await
    }

    async fn deployment(&mut self, id: Uuid) -> Result<Option<Deployment>> {
        self.locked(
            concat!(
                "SELECT ",
                deployment_columns!(),
                " FROM deployments WHERE id = $1 FOR NO KEY UPDATE"
            ),
            id,
        )
        .await
    }

    async fn deployments_of_model_in(&mut self, model_id: Uuid, environment_id: Uuid) -> Result<Vec<Deployment>> {
        self.flush().await?;
        let found = sqlx::query_as::<_, Db<Deployment>>(
            "SELECT d.id, d.version_id, d.environment_id, d.name, d.status, d.endpoint_url, d.replicas, d.cpu_request,
                    d.memory_request, d.gpu_count, d.deployed_at, d.deployed_by, d.terminated_at
             FROM deployments d JOIN model_versions v ON v.id = d.version_id
             WHERE v.model_id = $1 AND d.environment_id = $2
             ORDER BY d.deployed_at DESC, d.id DESC",
        )
        .bind(model_id)
        .bind(environment_id)
        .fetch_all(&mut *self.tx)
        .await
        .map_err(db)?;
        Ok(found.into_iter().map(|d| d.0).collect())
    }

    async fn commit(mut self: Box<Self>) -> Result<()> {
        self.flush().await?;
        self.tx.commit().await.map_err(db)
    }
}
