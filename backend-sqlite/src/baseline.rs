//! The raw baseline of `modelreg bench`: single-row INSERT + COMMIT into a
//! scratch table, on a connection set up like the store's, so that the
//! registry's write rate can be read as a fraction of what SQLite itself
//! does on this machine.

use modelreg_core::Result;
use rusqlite::params;

use crate::error::db;
use crate::worker::Worker;
use crate::{Access, Location, SqliteOptions, open_connection};

/// One writer connection of the baseline.
pub struct RawWriter {
    worker: Worker,
}

impl RawWriter {
    /// Opens its own connection to `location` and creates the scratch table.
    pub async fn open(location: &Location, options: &SqliteOptions) -> Result<RawWriter> {
        let conn = open_connection(location, options, Access::ReadWrite)?;
        conn.execute_batch(
            "CREATE TABLE IF NOT EXISTS bench_baseline (
                 id TEXT PRIMARY KEY NOT NULL,
                 payload TEXT NOT NULL,
                 created_at INTEGER NOT NULL
             )",
        )
        .map_err(db)?;
        Ok(RawWriter {
            worker: Worker::spawn(conn, "modelreg-sqlite-baseline", options.busy_timeout)?,
        })
    }

    /// Inserts one row in a transaction of its own (`BEGIN IMMEDIATE`, as the store's writes).
    pub async fn insert(&self, payload: String) -> Result<()> {
        self.worker
            .run(move |conn| {
                let tx = conn
                    .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
                    .map_err(db)?;
                tx.prepare_cached("INSERT INTO bench_baseline (id, payload, created_at) VALUES (?1, ?2, ?3)")
                    .and_then(|mut stmt| {
                        stmt.execute(params![
                            uuid::Uuid::now_v7().to_string(),
                            payload,
                            modelreg_core::time::to_micros(&modelreg_core::time::now())
                        ])
                    })
                    .map_err(db)?;
                tx.commit().map_err(db)
            })
            .await
    }
}
