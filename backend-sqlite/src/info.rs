//! Facts about the store, its schema, whether it can write, and closing it.

use std::sync::atomic::Ordering;

use async_trait::async_trait;
use modelreg_core::migrations::{self, AppliedMigration, Migration};
use modelreg_core::store::StoreInfo;
use modelreg_core::{Error, Result};
use rusqlite::MAIN_DB;

use crate::error::db;
use crate::{Location, SqliteStore, schema};

impl SqliteStore {
    /// Whether [`StoreInfo::close`] was called.
    pub(crate) fn is_closed(&self) -> bool {
        self.closed.load(Ordering::Relaxed)
    }
}

#[async_trait]
impl StoreInfo for SqliteStore {
    fn backend(&self) -> &'static str {
        "sqlite"
    }

    fn location(&self) -> String {
        match self.location() {
            Location::File(path) => format!("sqlite://{}", path.display()),
            Location::Memory => "sqlite::memory:".to_owned(),
        }
    }

    fn known_migrations(&self) -> &'static [Migration] {
        schema::MIGRATIONS
    }

    async fn applied_migrations(&self) -> Result<Vec<AppliedMigration>> {
        self.on_writer(|conn| schema::history(conn)).await
    }

    async fn size_bytes(&self) -> Result<u64> {
        let pages: i64 = self
            .read(|conn| {
                conn.query_row(
                    "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()",
                    [],
                    |row| row.get(0),
                )
                .map_err(db)
            })
            .await?;
        let wal = match self.location() {
            Location::File(path) => {
                let mut wal = path.clone().into_os_string();
                wal.push("-wal");
                std::fs::metadata(wal).map_or(0, |m| m.len())
            }
            Location::Memory => 0,
        };
        Ok(pages.max(0) as u64 + wal)
    }

    async fn upgrade(&self, target: Option<i64>) -> Result<()> {
        let target = target.unwrap_or_else(|| migrations::latest(schema::MIGRATIONS));
        self.on_writer(move |conn| schema::migrate_to(conn, target)).await
    }

    async fn downgrade(&self, target: i64) -> Result<()> {
        self.on_writer(move |conn| schema::downgrade_to(conn, target)).await
    }

    /// The last write's storage failure, if no write succeeded since; else
    /// whether the writer can take the write lock now.
    async fn check_writable(&self) -> Result<()> {
        self.last_write.check()?;
        self.on_writer(|conn| {
            if conn.is_readonly(MAIN_DB).map_err(db)? {
                return Err(Error::storage("the SQLite database is open for reading only"));
            }
            conn.execute_batch("BEGIN IMMEDIATE").map_err(db)?;
            conn.execute_batch("ROLLBACK").map_err(db)
        })
        .await
    }

    /// Closes the readers, folds the WAL into the file, and closes the
    /// writer once any transaction in progress has ended.
    async fn close(&self) -> Result<()> {
        self.closed.store(true, Ordering::Relaxed);
        for reader in &self.readers {
            reader.close().await;
        }
        let writer = self.writer.settled().await?;
        // Closing the last connection checkpoints too; doing it first also
        // truncates the WAL. A busy file (another process reading) or a
        // store closed before is no failure of this close.
        let checkpoint = match self.location {
            Location::File(_) if !self.options.read_only => writer
                .run(|conn| {
                    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
                        .map_err(db)
                })
                .await
                .or_else(|e| match e {
                    Error::Unavailable { .. } => Ok(()),
                    other => Err(other),
                }),
            _ => Ok(()),
        };
        writer.close().await;
        checkpoint
    }
}
