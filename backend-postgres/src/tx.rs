//! The write transaction: one pooled connection inside `BEGIN … COMMIT`.
//! Rows read through it are locked (`FOR NO KEY UPDATE`), so that two
//! operations deciding on the same rows take turns; for example concurrent
//! promotions of two versions of one model.

use async_trait::async_trait;
use modelreg_core::aliases::Alias;
use modelreg_core::deployments::Deployment;
use modelreg_core::environments::Environment;
use modelreg_core::models::{Model, Tag};
use modelreg_core::runs::TrainingRun;
use modelreg_core::store::{Existing, LastWrite, RecordKind, Transactional, Tx};
use modelreg_core::tables::{Table, Write};
use modelreg_core::teams::Team;
use modelreg_core::versions::{ModelVersion, VersionFilter};
use modelreg_core::{Error, Record, Result};
use sqlx::{Postgres, Transaction};
use uuid::Uuid;

use crate::reads::{deployments, environments, history, models, runs, teams, versions};
use crate::row::{Lock, PgCells, bind_values, columns, dollar, sql};
use crate::{PostgresStore, bulk, error, writes};

/// Inserts and updates are queued and sent together, in one statement,
/// before the next read or at the commit: a registry operation then costs
/// BEGIN, its reads, one write and COMMIT.
pub(crate) struct PgTx<'a> {
    tx: Transaction<'static, Postgres>,
    queued: Vec<(Record, Write)>,
    last_write: &'a LastWrite,
    /// Whether the transaction wrote (or queued) anything.
    wrote: bool,
    /// The indexes a bulk load set aside, to build again at its end (some: loading in bulk).
    set_aside: Option<Vec<String>>,
}

#[async_trait]
impl Transactional for PostgresStore {
    async fn begin(&self) -> Result<Box<dyn Tx + '_>> {
        Ok(Box::new(PgTx {
            tx: self.pool.begin().await.map_err(error::db)?,
            queued: Vec::new(),
            last_write: &self.last_write,
            wrote: false,
            set_aside: None,
        }))
    }
}

/// How often `tag_or_insert` tries before giving up on a tag that keeps
/// appearing and vanishing under it.
const TAG_ATTEMPTS: usize = 3;

impl PgTx<'_> {
    /// Notes a failed write's storage failure, for `check_writable`.
    fn noted<T>(&self, result: Result<T>) -> Result<T> {
        if let Err(e) = &result {
            self.last_write.failed(e);
        }
        result
    }

    /// Sends the queued writes.
    async fn flush(&mut self) -> Result<()> {
        let queued = std::mem::take(&mut self.queued);
        let result = writes::write_all(&mut self.tx, &queued).await;
        self.noted(result)
    }

    /// Inserts `tag` unless its name is taken; the inserted tag, if it was.
    async fn insert_tag(&mut self, tag: &Tag) -> Result<Option<Tag>> {
        let table = Table::of(RecordKind::Tag);
        let sql = sql!(
            "{} ON CONFLICT (name) DO NOTHING RETURNING {}",
            Table::of(RecordKind::Tag).write_sql(Write::Insert, dollar, 1),
            columns(RecordKind::Tag, "", "")
        );
        let record = Record::Tag(tag.clone());
        let query = bind_values(sqlx::query(sql), table, record.values()?)?;
        let inserted = query
            .fetch_optional(&mut *self.tx)
            .await
            .map_err(|e| error::map(e, Some(&record)));
        match self.noted(inserted)? {
            Some(row) => Ok(Some(modelreg_core::tables::FromRow::from_row(&PgCells(&row), "")?)),
            None => Ok(None),
        }
    }
}

#[async_trait]
impl Tx for PgTx<'_> {
    async fn insert(&mut self, record: Record) -> Result<()> {
        self.wrote = true;
        self.queued.push((record, Write::Insert));
        Ok(())
    }

    async fn update(&mut self, record: Record) -> Result<()> {
        self.wrote = true;
        self.queued.push((record, Write::Update));
        Ok(())
    }

    async fn bulk_load(&mut self, on: bool) -> Result<()> {
        self.flush().await?;
        let result = if on {
            bulk::set_indexes_aside(&mut self.tx)
                .await
                .map(|sql| self.set_aside = Some(sql))
        } else {
            let indexes = self.set_aside.take().unwrap_or_default();
            bulk::build_indexes(&mut self.tx, &indexes).await
        };
        self.noted(result)
    }

    async fn insert_many(&mut self, records: Vec<Record>, existing: Existing) -> Result<u64> {
        self.flush().await?;
        self.wrote = true;
        let result = match (existing, &self.set_aside) {
            // Into a registry that held nothing, COPY: PostgreSQL's bulk path.
            (Existing::Fail, Some(_)) => bulk::copy_many(&mut self.tx, &records).await,
            _ => bulk::insert_many(&mut self.tx, &records, existing).await,
        };
        self.noted(result)
    }

    async fn delete(&mut self, kind: RecordKind, id: Uuid) -> Result<bool> {
        self.flush().await?;
        self.wrote = true;
        let result = writes::delete(&mut self.tx, kind, &[id]).await;
        self.noted(result)
    }

    async fn unlink_tag(&mut self, model_id: Uuid, tag_id: Uuid) -> Result<bool> {
        self.flush().await?;
        self.wrote = true;
        let result = writes::delete(&mut self.tx, RecordKind::ModelTag, &[model_id, tag_id]).await;
        self.noted(result)
    }

    async fn team(&mut self, id: Uuid) -> Result<Option<Team>> {
        self.flush().await?;
        teams::by_id(&mut *self.tx, Lock::Rows, id).await
    }

    async fn team_by_name(&mut self, name: &str) -> Result<Option<Team>> {
        self.flush().await?;
        teams::by_name(&mut *self.tx, Lock::Rows, name).await
    }

    async fn model(&mut self, id: Uuid) -> Result<Option<Model>> {
        self.flush().await?;
        models::by_id(&mut *self.tx, Lock::Rows, id).await
    }

    async fn model_by_name(&mut self, name: &str) -> Result<Option<Model>> {
        self.flush().await?;
        models::by_name(&mut *self.tx, Lock::Rows, name).await
    }

    async fn tag_by_name(&mut self, name: &str) -> Result<Option<Tag>> {
        self.flush().await?;
        models::tag_by_name(&mut *self.tx, name).await
    }

    /// `INSERT … ON CONFLICT (name) DO NOTHING` waits for a transaction
    /// inserting the same name and then skips; the `SELECT` after it (a new
    /// statement, so a new view) finds the tag that transaction committed.
    async fn tag_or_insert(&mut self, tag: Tag) -> Result<(Tag, bool)> {
        self.flush().await?;
        for _ in 0..TAG_ATTEMPTS {
            if let Some(inserted) = self.insert_tag(&tag).await? {
                self.wrote = true;
                return Ok((inserted, true));
            }
            if let Some(found) = models::tag_by_name(&mut *self.tx, &tag.name).await? {
                return Ok((found, false));
            }
        }
        Err(Error::unavailable(format!(
            "the tag {:?} was added and removed by others while this change ran; try again",
            tag.name
        )))
    }

    async fn has_tag(&mut self, model_id: Uuid, tag_id: Uuid) -> Result<bool> {
        self.flush().await?;
        models::has_tag(&mut *self.tx, model_id, tag_id).await
    }

    async fn models_tagged(&mut self, tag_id: Uuid) -> Result<Vec<Uuid>> {
        self.flush().await?;
        models::models_tagged(&mut *self.tx, tag_id).await
    }

    async fn version(&mut self, id: Uuid) -> Result<Option<ModelVersion>> {
        self.flush().await?;
        versions::by_id(&mut *self.tx, Lock::Rows, id).await
    }

    async fn version_by_semver(&mut self, model_id: Uuid, semver: &str) -> Result<Option<ModelVersion>> {
        self.flush().await?;
        versions::by_semver(&mut *self.tx, Lock::Rows, model_id, semver).await
    }

    async fn latest_version(&mut self, model_id: Uuid, filter: VersionFilter) -> Result<Option<ModelVersion>> {
        self.flush().await?;
        versions::latest(&mut *self.tx, Lock::Rows, model_id, filter).await
    }

    async fn production_version(&mut self, model_id: Uuid) -> Result<Option<ModelVersion>> {
        self.flush().await?;
        versions::in_production(&mut *self.tx, Lock::Rows, model_id).await
    }

    async fn run(&mut self, id: Uuid) -> Result<Option<TrainingRun>> {
        self.flush().await?;
        runs::by_id(&mut *self.tx, Lock::Rows, id).await
    }

    async fn environment(&mut self, id: Uuid) -> Result<Option<Environment>> {
        self.flush().await?;
        environments::by_id(&mut *self.tx, Lock::Rows, id).await
    }

    async fn environment_by_name(&mut self, name: &str) -> Result<Option<Environment>> {
        self.flush().await?;
        environments::by_name(&mut *self.tx, Lock::Rows, name).await
    }

    async fn deployment(&mut self, id: Uuid) -> Result<Option<Deployment>> {
        self.flush().await?;
        deployments::by_id(&mut *self.tx, Lock::Rows, id).await
    }

    async fn alias(&mut self, model_id: Uuid, name: &str) -> Result<Option<Alias>> {
        self.flush().await?;
        history::alias(&mut *self.tx, Lock::Rows, model_id, name).await
    }

    async fn aliases_of_version(&mut self, version_id: Uuid) -> Result<Vec<Alias>> {
        self.flush().await?;
        history::aliases_of_version(&mut *self.tx, version_id).await
    }

    async fn deployments_of_model_in(&mut self, model_id: Uuid, environment_id: Uuid) -> Result<Vec<Deployment>> {
        self.flush().await?;
        deployments::of_model_in(&mut *self.tx, model_id, environment_id).await
    }

    async fn commit(mut self: Box<Self>) -> Result<()> {
        self.flush().await?;
        let result = self.tx.commit().await.map_err(error::db);
        match &result {
            Ok(()) if self.wrote => self.last_write.succeeded(),
            Ok(()) => {}
            Err(e) => self.last_write.failed(e),
        }
        result
    }
}
