//! Snapshots: one consistent, read-only view of every record, for export
//! and copy, unchanged by writes that commit while it is open.

use std::collections::BTreeMap;

use async_trait::async_trait;
use modelreg_core::store::{Record, RecordKey, RecordKind, RecordReads, Snapshot, Snapshots};
use modelreg_core::{Error, Result};
use tokio::sync::OwnedMutexGuard;

use crate::group::Writer;

use crate::reads::records;
use crate::worker::Worker;
use crate::{Access, Location, SqliteStore, blocking, open_connection, schema};

/// Where a snapshot reads.
pub(crate) enum SqliteSnapshot<'a> {
    /// A read-only connection of its own, holding one read transaction: WAL
    /// keeps its view while other connections commit.
    Own(Worker),
    /// In memory there is one connection: the snapshot holds the writer, so
    /// that nothing writes while it is open.
    Writer(OwnedMutexGuard<Writer>, std::marker::PhantomData<&'a ()>),
}

impl SqliteSnapshot<'_> {
    fn worker(&self) -> &Worker {
        match self {
            SqliteSnapshot::Own(worker) => worker,
            SqliteSnapshot::Writer(writer, _) => writer,
        }
    }
}

#[async_trait]
impl Snapshots for SqliteStore {
    async fn snapshot(&self) -> Result<Box<dyn Snapshot + '_>> {
        if self.is_closed() {
            return Err(Error::unavailable("the SQLite database is closed"));
        }
        if let Location::Memory = self.location {
            return Ok(Box::new(SqliteSnapshot::Writer(
                self.writer.settled().await?,
                std::marker::PhantomData,
            )));
        }
        let (location, options) = (self.location.clone(), self.options.clone());
        let conn = blocking(move || open_connection(&location, &options, Access::ReadOnly)).await?;
        let worker = Worker::spawn(conn, "modelreg-sqlite-snapshot", self.options.busy_timeout)?;
        // A deferred transaction takes its view at its first read: read now.
        worker
            .run(|conn| {
                conn.execute_batch("BEGIN DEFERRED").map_err(crate::error::db)?;
                schema::current_version(conn)
            })
            .await?;
        Ok(Box::new(SqliteSnapshot::Own(worker)))
    }
}

#[async_trait]
impl RecordReads for SqliteSnapshot<'_> {
    async fn records(&self, kind: RecordKind, after: Option<RecordKey>, limit: u32) -> Result<Vec<Record>> {
        self.worker()
            .run(move |conn| records::page(conn, kind, after, limit))
            .await
    }

    async fn record_counts(&self) -> Result<BTreeMap<RecordKind, u64>> {
        self.worker().run(|conn| records::counts(conn)).await
    }
}

#[async_trait]
impl Snapshot for SqliteSnapshot<'_> {
    async fn schema_version(&self) -> Result<i64> {
        self.worker().run(|conn| schema::current_version(conn)).await
    }
}
