//! modelreg on one SQLite file (or in memory), via rusqlite.
//!
//! One writer connection and a few reader connections, each owned by its own
//! thread; the file is in WAL mode so readers never wait for the writer, and
//! every write transaction is `BEGIN IMMEDIATE` with a busy timeout, so that
//! several processes can share one file without "database is locked".

#[macro_use]
mod rows;
pub mod baseline;
mod error;
mod reads;
mod schema;
mod tx;
mod worker;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use modelreg_core::migrations;
use modelreg_core::{Error, Registry, Result};
use rusqlite::{Connection, OpenFlags};
use tokio::sync::Mutex;

pub use schema::MIGRATIONS;

use crate::error::db;
use crate::worker::Worker;

/// Where the database lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// A file, created if missing.
    File(PathBuf),
    /// A private in-memory database that vanishes with the store.
    Memory,
}

impl Location {
    /// Parses `sqlite://PATH`, `sqlite:PATH` or `sqlite::memory:`.
    pub fn from_url(url: &str) -> Result<Location> {
        let rest = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
            .ok_or_else(|| Error::invalid("database_url", format!("{url:?} is not a sqlite:// URL")))?;
        let path = rest.split('?').next().unwrap_or(rest);
        match path {
            ":memory:" => Ok(Location::Memory),
            "" => Err(Error::invalid(
                "database_url",
                "the sqlite URL names no file; use sqlite://PATH",
            )),
            path => Ok(Location::File(PathBuf::from(path))),
        }
    }
}

/// How to open an SQLite store.
#[derive(Debug, Clone)]
pub struct SqliteOptions {
    /// How long a writer waits for another process's write lock before failing.
    pub busy_timeout: Duration,
    /// Reader connections besides the writer (files only).
    pub readers: usize,
    /// `PRAGMA synchronous`: FULL survives power loss, NORMAL only crashes.
    pub synchronous: Synchronous,
    /// Apply pending migrations on open (otherwise the schema must be current).
    pub migrate: bool,
}

/// The durability of a commit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Synchronous {
    /// Every commit is on disk before it is acknowledged.
    Full,
    /// Commits survive a crash of the process, not a power loss (faster).
    Normal,
}

impl Default for SqliteOptions {
    fn default() -> Self {
        SqliteOptions {
            busy_timeout: Duration::from_secs(30),
            readers: 2,
            synchronous: Synchronous::Full,
            migrate: true,
        }
    }
}

/// The registry's storage in one SQLite database.
pub struct SqliteStore {
    writer: Mutex<Worker>,
    readers: Vec<Worker>,
    location: Location,
}

pub(crate) fn open_connection(location: &Location, options: &SqliteOptions) -> Result<Connection> {
    let conn = match location {
        Location::File(path) => {
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir)
                    .map_err(|e| Error::backend(format!("cannot create the directory {}: {e}", dir.display())))?;
            }
            create_private(path)?;
            Connection::open_with_flags(
                path,
                OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
            )
            .map_err(|e| Error::backend(format!("cannot open {}: {e}", path.display())))?
        }
        Location::Memory => Connection::open_in_memory().map_err(db)?,
    };
    let synchronous = match options.synchronous {
        Synchronous::Full => "FULL",
        Synchronous::Normal => "NORMAL",
    };
    schema::configure(&conn, options.busy_timeout, synchronous)?;
    Ok(conn)
}

/// Creates a missing database file readable by its owner only (0600 on Unix);
/// SQLite gives the WAL and shared-memory files the same permissions.
fn create_private(path: &Path) -> Result<()> {
    if path.exists() {
        return Ok(());
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(path) {
        Ok(_) => Ok(()),
        // Another process created it first: fine.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(Error::backend(format!("cannot create {}: {e}", path.display()))),
    }
}

impl SqliteStore {
    /// Opens (creating and migrating if needed) the database at `location`.
    pub async fn open(location: Location, options: SqliteOptions) -> Result<SqliteStore> {
        let opening = location.clone();
        let worker_options = options.clone();
        let writer = tokio::task::spawn_blocking(move || -> Result<Connection> {
            let mut conn = open_connection(&opening, &worker_options)?;
            // The guard reads before anything is written: a newer file stays untouched.
            migrations::check_not_newer(schema::current_version(&conn)?, MIGRATIONS)?;
            if let Location::File(_) = opening {
                conn.pragma_update(None, "journal_mode", "WAL").map_err(db)?;
            }
            if worker_options.migrate {
                schema::migrate_to(&mut conn, migrations::latest(MIGRATIONS))?;
            }
            Ok(conn)
        })
        .await
        .map_err(|e| Error::backend(format!("opening the database failed: {e}")))??;
        let mut readers = Vec::new();
        if let Location::File(_) = location {
            for i in 0..options.readers {
                let conn = open_connection(&location, &options)?;
                conn.execute_batch("PRAGMA query_only = ON").map_err(db)?;
                readers.push(Worker::spawn(conn, &format!("modelreg-sqlite-reader-{i}"))?);
            }
        }
        Ok(SqliteStore {
            writer: Mutex::new(Worker::spawn(writer, "modelreg-sqlite-writer")?),
            readers,
            location,
        })
    }

    /// Opens a file with default options.
    pub async fn open_path(path: impl AsRef<Path>) -> Result<SqliteStore> {
        SqliteStore::open(Location::File(path.as_ref().to_owned()), SqliteOptions::default()).await
    }

    /// A fresh private in-memory database.
    pub async fn memory() -> Result<SqliteStore> {
        SqliteStore::open(Location::Memory, SqliteOptions::default()).await
    }

    /// A [`Registry`] over this store.
    pub fn into_registry(self) -> Registry {
        Registry::new(Arc::new(self))
    }

    /// Where this store keeps its data.
    pub fn location(&self) -> &Location {
        &self.location
    }

    /// Runs a read on a reader connection (or, in memory, on the writer).
    pub(crate) async fn read<R, F>(&self, job: F) -> Result<R>
    where
        R: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<R> + Send + 'static,
    {
        if self.readers.is_empty() {
            return self.writer.lock().await.run(job).await;
        }
        // The first idle reader: a sequential caller keeps hitting the same
        // (still polling, so quickly answering) thread; concurrent ones spread out.
        let reader = self.readers.iter().min_by_key(|r| r.load()).unwrap_or(&self.readers[0]);
        reader.run(job).await
    }

    /// Runs `job` on the writer connection, outside any registry transaction.
    pub(crate) async fn on_writer<R, F>(&self, job: F) -> Result<R>
    where
        R: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<R> + Send + 'static,
    {
        self.writer.lock().await.run(job).await
    }

    /// Closes every connection (checkpointing the WAL) and waits until they are closed.
    pub async fn close(self) -> Result<()> {
        let SqliteStore { writer, readers, .. } = self;
        tokio::task::spawn_blocking(move || {
            for reader in readers {
                reader.close();
            }
            writer.into_inner().close();
        })
        .await
        .map_err(|e| Error::backend(format!("closing the database failed: {e}")))
    }

    /// Runs `PRAGMA integrity_check` and returns its verdict ("ok" when sound).
    pub async fn integrity_check(&self) -> Result<String> {
        self.on_writer(|conn| {
            conn.query_row("PRAGMA integrity_check", [], |row| row.get(0))
                .map_err(db)
        })
        .await
    }
}
