//! The write transaction of one registry operation: a SAVEPOINT on the
//! writer connection, inside the SQL transaction (`BEGIN IMMEDIATE`) of its
//! commit group (see `group`), held for the whole operation. Inserts and
//! updates are queued and sent with the next statement or the commit, so
//! that an operation costs as few trips to the connection thread as possible.

use async_trait::async_trait;
use modelreg_core::aliases::Alias;
use modelreg_core::deployments::Deployment;
use modelreg_core::environments::Environment;
use modelreg_core::models::{Model, Tag};
use modelreg_core::runs::TrainingRun;
use modelreg_core::store::{Existing, LastWrite, RecordKind, Transactional, Tx};
use modelreg_core::tables::Write;
use modelreg_core::teams::Team;
use modelreg_core::versions::{ModelVersion, VersionFilter};
use modelreg_core::{Record, Result};
use rusqlite::Connection;
use tokio::sync::OwnedMutexGuard;
use uuid::Uuid;

use crate::SqliteStore;
use crate::error::db;
use crate::group::{Shared, Writer};
use crate::reads::{deployments, environments, history, models, runs, teams, versions};
use crate::writes;

pub(crate) struct SqliteTx<'a> {
    /// The writer, taken for the whole operation (none once handed back).
    writer: Option<OwnedMutexGuard<Writer>>,
    shared: &'a Shared,
    last_write: &'a LastWrite,
    queued: Vec<(Record, Write)>,
    /// Whether the transaction wrote (or queued) anything.
    wrote: bool,
    /// Rows written by the queued writes sent so far.
    written: u64,
    /// The indexes a bulk load set aside, to build again at its end.
    set_aside: Vec<String>,
}

/// Drops the secondary indexes (not the unique ones, which are constraints)
/// of the registry's tables; answers how to build them again.
fn set_indexes_aside(conn: &Connection) -> Result<Vec<String>> {
    let mut stmt = conn
        .prepare(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL
             AND sql NOT LIKE 'CREATE UNIQUE%' AND tbl_name <> 'schema_migrations'",
        )
        .map_err(db)?;
    let indexes = stmt
        .query_map([], |row| Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?)))
        .map_err(db)?
        .collect::<rusqlite::Result<Vec<_>>>()
        .map_err(db)?;
    for (name, _) in &indexes {
        conn.execute_batch(&format!("DROP INDEX \"{name}\"")).map_err(db)?;
    }
    // A large page cache while many pages are written at once.
    conn.execute_batch("PRAGMA cache_size = -262144").map_err(db)?;
    Ok(indexes.into_iter().map(|(_, sql)| sql).collect())
}

#[async_trait]
impl Transactional for SqliteStore {
    /// Returns once the transaction holds the database's write lock, so that
    /// times read in it are in commit order, across processes too.
    async fn begin(&self) -> Result<Box<dyn Tx + '_>> {
        let writer = self.writer.for_change().await?;
        writer
            .run(|conn| conn.execute_batch("SAVEPOINT change").map_err(db))
            .await?;
        Ok(Box::new(SqliteTx {
            writer: Some(writer),
            shared: &self.writer,
            last_write: &self.last_write,
            queued: Vec::new(),
            wrote: false,
            written: 0,
            set_aside: Vec::new(),
        }))
    }
}

/// Sends the queued writes; the rows they wrote.
fn apply(conn: &Connection, queued: &[(Record, Write)]) -> Result<u64> {
    queued.iter().try_fold(0, |written, (record, how)| {
        Ok(written + writes::write(conn, record, *how)?)
    })
}

/// Queued single writes are sent once this many wait, so a transaction
/// that inserts many records one by one keeps its memory flat.
const FLUSH_AT: usize = 2048;

impl SqliteTx<'_> {
    /// Sends the queued writes and then `job`, in one trip.
    async fn on_writer<R, F>(&mut self, job: F) -> Result<R>
    where
        R: Send + 'static,
        F: FnOnce(&Connection) -> Result<R> + Send + 'static,
    {
        let queued = std::mem::take(&mut self.queued);
        let outcome = self
            .writer()?
            .run(move |conn| {
                let written = apply(conn, &queued)?;
                Ok((written, job(conn)?))
            })
            .await;
        match outcome {
            Ok((written, answer)) => {
                self.written += written;
                Ok(answer)
            }
            Err(e) => {
                self.last_write.failed(&e);
                Err(e)
            }
        }
    }

    /// Runs a write now (with the queued ones before it).
    async fn write_now<R, F>(&mut self, job: F) -> Result<R>
    where
        R: Send + 'static,
        F: FnOnce(&Connection) -> Result<R> + Send + 'static,
    {
        self.wrote = true;
        self.on_writer(job).await
    }

    async fn queue(&mut self, record: Record, how: Write) -> Result<()> {
        self.wrote = true;
        self.queued.push((record, how));
        if self.queued.len() >= FLUSH_AT {
            self.on_writer(|_| Ok(())).await?;
        }
        Ok(())
    }
}

impl SqliteTx<'_> {
    fn writer(&self) -> Result<&Writer> {
        self.writer
            .as_deref()
            .ok_or_else(|| modelreg_core::Error::internal("a finished SQLite transaction was used again"))
    }

    /// Undoes this change alone (the group's earlier changes stay) and hands
    /// the writer on; a group left with changes to commit is flushed.
    fn abandon(&mut self) {
        if let Some(mut writer) = self.writer.take() {
            // Queued before the lock is released, so it runs before the next change.
            let others = writer.abandon(true);
            drop(writer);
            if others && let Ok(runtime) = tokio::runtime::Handle::try_current() {
                let shared = self.shared.clone();
                runtime.spawn(async move {
                    let _ = shared.settled().await;
                });
            }
        }
    }
}

impl Drop for SqliteTx<'_> {
    /// A change neither committed nor undone yet (it still holds the writer) is undone.
    fn drop(&mut self) {
        self.abandon();
    }
}

#[async_trait]
impl Tx for SqliteTx<'_> {
    async fn insert(&mut self, record: Record) -> Result<()> {
        self.queue(record, Write::Insert).await
    }

    async fn update(&mut self, record: Record) -> Result<()> {
        self.queue(record, Write::Update).await
    }

    async fn delete(&mut self, kind: RecordKind, id: Uuid) -> Result<bool> {
        self.write_now(move |conn| writes::delete(conn, kind, &[id])).await
    }

    async fn unlink_tag(&mut self, model_id: Uuid, tag_id: Uuid) -> Result<bool> {
        self.write_now(move |conn| writes::delete(conn, RecordKind::ModelTag, &[model_id, tag_id]))
            .await
    }

    async fn bulk_load(&mut self, on: bool) -> Result<()> {
        if on {
            self.set_aside = self.write_now(set_indexes_aside).await?;
            return Ok(());
        }
        let indexes = std::mem::take(&mut self.set_aside);
        self.write_now(move |conn| {
            for sql in &indexes {
                conn.execute_batch(sql).map_err(db)?;
            }
            conn.execute_batch("PRAGMA cache_size = -2000").map_err(db)
        })
        .await
    }

    async fn insert_many(&mut self, records: Vec<Record>, existing: Existing) -> Result<u64> {
        let how = match existing {
            Existing::Fail => Write::Insert,
            Existing::Skip => Write::InsertOrSkip,
        };
        // Earlier writes first, so that the count and any error are this batch's;
        // then the whole batch in one trip (the caller sizes its batches).
        self.on_writer(|_| Ok(())).await?;
        let before = self.written;
        self.wrote = true;
        self.queued.extend(records.into_iter().map(|record| (record, how)));
        self.on_writer(|_| Ok(())).await?;
        Ok(self.written - before)
    }

    async fn team(&mut self, id: Uuid) -> Result<Option<Team>> {
        self.on_writer(move |conn| teams::by_id(conn, id)).await
    }

    async fn team_by_name(&mut self, name: &str) -> Result<Option<Team>> {
        let name = name.to_owned();
        self.on_writer(move |conn| teams::by_name(conn, &name)).await
    }

    async fn model(&mut self, id: Uuid) -> Result<Option<Model>> {
        self.on_writer(move |conn| models::by_id(conn, id)).await
    }

    async fn model_by_name(&mut self, name: &str) -> Result<Option<Model>> {
        let name = name.to_owned();
        self.on_writer(move |conn| models::by_name(conn, &name)).await
    }

    async fn tag_by_name(&mut self, name: &str) -> Result<Option<Tag>> {
        let name = name.to_owned();
        self.on_writer(move |conn| models::tag_by_name(conn, &name)).await
    }

    /// One writer at a time: the tag found by name cannot appear before the insert.
    async fn tag_or_insert(&mut self, tag: Tag) -> Result<(Tag, bool)> {
        let (tag, inserted) = self
            .on_writer(move |conn| match models::tag_by_name(conn, &tag.name)? {
                Some(found) => Ok((found, false)),
                None => {
                    writes::write(conn, &Record::Tag(tag.clone()), Write::Insert)?;
                    Ok((tag, true))
                }
            })
            .await?;
        self.wrote |= inserted;
        Ok((tag, inserted))
    }

    async fn has_tag(&mut self, model_id: Uuid, tag_id: Uuid) -> Result<bool> {
        self.on_writer(move |conn| models::has_tag(conn, model_id, tag_id))
            .await
    }

    async fn models_tagged(&mut self, tag_id: Uuid) -> Result<Vec<Uuid>> {
        self.on_writer(move |conn| models::models_tagged(conn, tag_id)).await
    }

    async fn version(&mut self, id: Uuid) -> Result<Option<ModelVersion>> {
        self.on_writer(move |conn| versions::by_id(conn, id)).await
    }

    async fn version_by_semver(&mut self, model_id: Uuid, semver: &str) -> Result<Option<ModelVersion>> {
        let semver = semver.to_owned();
        self.on_writer(move |conn| versions::by_semver(conn, model_id, &semver))
            .await
    }

    async fn latest_version(&mut self, model_id: Uuid, filter: VersionFilter) -> Result<Option<ModelVersion>> {
        self.on_writer(move |conn| versions::latest(conn, model_id, filter))
            .await
    }

    async fn production_version(&mut self, model_id: Uuid) -> Result<Option<ModelVersion>> {
        self.on_writer(move |conn| versions::in_production(conn, model_id))
            .await
    }

    async fn run(&mut self, id: Uuid) -> Result<Option<TrainingRun>> {
        self.on_writer(move |conn| runs::by_id(conn, id)).await
    }

    async fn environment(&mut self, id: Uuid) -> Result<Option<Environment>> {
        self.on_writer(move |conn| environments::by_id(conn, id)).await
    }

    async fn environment_by_name(&mut self, name: &str) -> Result<Option<Environment>> {
        let name = name.to_owned();
        self.on_writer(move |conn| environments::by_name(conn, &name)).await
    }

    async fn deployment(&mut self, id: Uuid) -> Result<Option<Deployment>> {
        self.on_writer(move |conn| deployments::by_id(conn, id)).await
    }

    async fn alias(&mut self, model_id: Uuid, name: &str) -> Result<Option<Alias>> {
        let name = name.to_owned();
        self.on_writer(move |conn| history::alias(conn, model_id, &name)).await
    }

    async fn aliases_of_version(&mut self, version_id: Uuid) -> Result<Vec<Alias>> {
        self.on_writer(move |conn| history::aliases_of_version(conn, version_id))
            .await
    }

    async fn deployments_of_model_in(&mut self, model_id: Uuid, environment_id: Uuid) -> Result<Vec<Deployment>> {
        self.on_writer(move |conn| deployments::of_model_in(conn, model_id, environment_id))
            .await
    }

    async fn commit(mut self: Box<Self>) -> Result<()> {
        let queued = std::mem::take(&mut self.queued);
        let released = self
            .writer()?
            .run(move |conn| {
                apply(conn, &queued)?;
                conn.execute_batch("RELEASE change").map_err(db)
            })
            .await;
        let result = match released {
            // The change is in the group: it is acknowledged once the group commits.
            Ok(()) => match self.writer.take() {
                Some(writer) => self.shared.done(writer).await,
                None => Ok(()),
            },
            Err(e) => {
                self.abandon();
                Err(e)
            }
        };
        match &result {
            Ok(()) if self.wrote => self.last_write.succeeded(),
            Ok(()) => {}
            Err(e) => self.last_write.failed(e),
        }
        result
    }
}
