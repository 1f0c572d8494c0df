//! Snapshots: one consistent, read-only view of every record, for export
//! and copy: one pooled connection in a `REPEATABLE READ READ ONLY`
//! transaction, unchanged by writes that commit while it is open, and
//! rolled back when dropped.

use std::collections::BTreeMap;

use async_trait::async_trait;
use modelreg_core::Result;
use modelreg_core::store::{Record, RecordKey, RecordKind, RecordReads, Snapshot, Snapshots};
use sqlx::{Postgres, Transaction};
use tokio::sync::Mutex;

use crate::error::db;
use crate::reads::records;
use crate::{PostgresStore, schema};

pub(crate) struct PgSnapshot {
    tx: Mutex<Transaction<'static, Postgres>>,
}

#[async_trait]
impl Snapshots for PostgresStore {
    async fn snapshot(&self) -> Result<Box<dyn Snapshot + '_>> {
        let mut tx = self
            .pool
            .begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            .await
            .map_err(db)?;
        // The view is taken at the first statement: take it now.
        schema::current_version(&mut tx).await?;
        Ok(Box::new(PgSnapshot { tx: Mutex::new(tx) }))
    }
}

#[async_trait]
impl RecordReads for PgSnapshot {
    async fn records(&self, kind: RecordKind, after: Option<RecordKey>, limit: u32) -> Result<Vec<Record>> {
        records::page(&mut **self.tx.lock().await, kind, after, limit).await
    }

    async fn record_counts(&self) -> Result<BTreeMap<RecordKind, u64>> {
        records::counts(&mut **self.tx.lock().await).await
    }
}

#[async_trait]
impl Snapshot for PgSnapshot {
    async fn schema_version(&self) -> Result<i64> {
        schema::current_version(&mut **self.tx.lock().await).await
    }
}
