//! modelreg on one SQLite file (or in memory), via rusqlite.
//!
//! One writer connection and a few reader connections, each owned by its own
//! thread; the file is in WAL mode so readers never wait for the writer, and
//! every write transaction begins with `BEGIN IMMEDIATE` (waiting out a busy
//! timeout), so that several processes can share one file without
//! "database is locked". Rows are read and written through the table
//! declarations of `modelreg_core::tables`.

#[cfg(feature = "bench")]
pub mod baseline;
mod error;
mod group;
mod info;
mod query;
mod reads;
mod row;
mod schema;
mod snapshot;
mod tx;
mod worker;
mod writes;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use modelreg_core::migrations;
use modelreg_core::store::LastWrite;
use modelreg_core::{Actor, Error, Registry, Result};
use rusqlite::{Connection, OpenFlags};

pub use schema::MIGRATIONS;

use crate::error::db;
pub use crate::group::Counts as CommitCounts;
use crate::group::Shared;
use crate::worker::Worker;

/// Where the database lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// A file (created if missing, unless [`SqliteOptions::create`] says not to).
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
    /// Open an existing file for reading only: nothing is migrated or
    /// written, and every write fails with [`Error::Storage`].
    pub read_only: bool,
    /// Create a missing file (and its folders). Without it, a missing file
    /// is an [`Error::Invalid`] of `database_url` and nothing is created:
    /// no file, no `-wal` or `-shm`, no folder.
    pub create: bool,
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
            read_only: false,
            create: true,
        }
    }
}

/// The registry's storage in one SQLite database.
pub struct SqliteStore {
    /// The one connection that writes, taken in turns by transactions, which
    /// commit in groups (see `group`).
    writer: Shared,
    /// Connections that only read (none in memory, where the writer reads too).
    readers: Vec<Worker>,
    location: Location,
    options: SqliteOptions,
    /// The storage failure of the last write, for `check_writable`.
    last_write: LastWrite,
    /// Set by `close`: no snapshot opens after it.
    closed: AtomicBool,
}

/// How a connection opens its file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Access {
    /// Reads and writes, creating the file if missing.
    ReadWrite,
    /// Reads an existing file only.
    ReadOnly,
}

/// Opens one connection to `location`, set up as every modelreg connection is.
pub(crate) fn open_connection(location: &Location, options: &SqliteOptions, access: Access) -> Result<Connection> {
    let conn = match (location, access) {
        (Location::File(path), Access::ReadWrite) if options.create => {
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).map_err(|e| error::file(format!("cannot create {}", dir.display()), e))?;
            }
            create_private(path)?;
            let flags =
                OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
            Connection::open_with_flags(path, flags).map_err(|e| error::open(path, e))?
        }
        (Location::File(path), Access::ReadWrite) => {
            must_exist(path)?;
            let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
            Connection::open_with_flags(path, flags).map_err(|e| error::open(path, e))?
        }
        (Location::File(path), Access::ReadOnly) => {
            let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
            Connection::open_with_flags(path, flags).map_err(|e| error::open(path, e))?
        }
        (Location::Memory, _) => Connection::open_in_memory().map_err(db)?,
    };
    let synchronous = match options.synchronous {
        Synchronous::Full => "FULL",
        Synchronous::Normal => "NORMAL",
    };
    schema::configure(&conn, options.busy_timeout, synchronous)?;
    Ok(conn)
}

/// Refuses a missing file before SQLite is asked to open it.
fn must_exist(path: &Path) -> Result<()> {
    match path.try_exists() {
        Ok(true) => Ok(()),
        Ok(false) => Err(Error::invalid(
            "database_url",
            format!("{} does not exist", path.display()),
        )),
        Err(e) => Err(error::file(format!("cannot read {}", path.display()), e)),
    }
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
        Err(e) => Err(error::file(format!("cannot create {}", path.display()), e)),
    }
}

/// Opens the writer: checks the schema version before anything is written
/// (a newer file stays untouched), then switches to WAL and migrates.
fn open_writer(location: &Location, options: &SqliteOptions) -> Result<Connection> {
    let access = if options.read_only {
        Access::ReadOnly
    } else {
        Access::ReadWrite
    };
    let mut conn = open_connection(location, options, access)?;
    migrations::check_not_newer(schema::current_version(&conn)?, MIGRATIONS)?;
    if options.read_only {
        return Ok(conn);
    }
    if let Location::File(_) = location {
        conn.pragma_update(None, "journal_mode", "WAL").map_err(db)?;
    }
    if options.migrate {
        schema::migrate_to(&mut conn, migrations::latest(MIGRATIONS))?;
    }
    Ok(conn)
}

/// [`open_writer`], tried again after a short nap while another process
/// holds a lock that SQLite answers busy at once instead of waiting for
/// (processes creating, converting to WAL or migrating one new file
/// together), until the busy timeout has passed.
fn open_writer_waiting(location: &Location, options: &SqliteOptions) -> Result<Connection> {
    let start = std::time::Instant::now();
    loop {
        match open_writer(location, options) {
            Err(Error::Unavailable { .. }) if start.elapsed() < options.busy_timeout => {
                std::thread::sleep(std::time::Duration::from_millis(5));
            }
            opened => return opened,
        }
    }
}

/// Runs blocking work (opening files) off the async runtime.
pub(crate) async fn blocking<R: Send + 'static>(job: impl FnOnce() -> Result<R> + Send + 'static) -> Result<R> {
    tokio::task::spawn_blocking(job)
        .await
        .map_err(|e| Error::internal("a task opening the database stopped").with_source(e))?
}

impl SqliteStore {
    /// Opens (creating and migrating if needed) the database at `location`.
    pub async fn open(location: Location, options: SqliteOptions) -> Result<SqliteStore> {
        let (opening, writer_options) = (location.clone(), options.clone());
        let writer = blocking(move || open_writer_waiting(&opening, &writer_options)).await?;
        let mut readers = Vec::new();
        if let Location::File(_) = location {
            for i in 0..options.readers {
                let (opening, reader_options) = (location.clone(), options.clone());
                let conn = blocking(move || {
                    let conn = open_connection(&opening, &reader_options, Access::ReadWrite)?;
                    conn.execute_batch("PRAGMA query_only = ON").map_err(db)?;
                    Ok(conn)
                })
                .await?;
                readers.push(Worker::spawn(
                    conn,
                    &format!("modelreg-sqlite-reader-{i}"),
                    options.busy_timeout,
                )?);
            }
        }
        Ok(SqliteStore {
            writer: Shared::new(Worker::spawn(writer, "modelreg-sqlite-writer", options.busy_timeout)?),
            readers,
            location,
            options,
            last_write: LastWrite::default(),
            closed: AtomicBool::new(false),
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

    /// A [`Registry`] over this store, whose changes are made by `actor`.
    pub fn into_registry(self, actor: Actor) -> Registry {
        Registry::new(Arc::new(self), actor)
    }

    /// Where this store keeps its data.
    pub fn location(&self) -> &Location {
        &self.location
    }

    /// Runs a read on a reader connection (or, in memory, on the writer).
    pub(crate) async fn read<R, F>(&self, job: F) -> Result<R>
    where
        R: Send + 'static,
        F: FnOnce(&Connection) -> Result<R> + Send + 'static,
    {
        // The first idle reader: a sequential caller keeps hitting the same
        // (still polling, so quickly answering) thread; concurrent ones spread out.
        match self.readers.iter().min_by_key(|r| r.load()) {
            Some(reader) => reader.run(move |conn| job(conn)).await,
            None => self.writer.settled().await?.run(move |conn| job(conn)).await,
        }
    }

    /// Runs `job` on the writer connection, outside any registry transaction.
    pub(crate) async fn on_writer<R, F>(&self, job: F) -> Result<R>
    where
        R: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<R> + Send + 'static,
    {
        self.writer.settled().await?.run(job).await
    }

    /// Writes a consistent copy of the whole database to `target`, a new
    /// file (0600 on Unix) that must not exist yet: `VACUUM INTO` in one
    /// read transaction of a connection of its own, so that it is one
    /// snapshot while writers go on writing, and complete on its own (no
    /// `-wal` beside it).
    pub async fn backup_to(&self, target: &Path) -> Result<()> {
        let name = target
            .to_str()
            .ok_or_else(|| Error::invalid("to", format!("{} is not a UTF-8 path", target.display())))?
            .to_owned();
        let mut create = std::fs::OpenOptions::new();
        create.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut create, 0o600);
        // Creating it here refuses an existing file, with no window for another to appear.
        create.open(target).map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => Error::invalid(
                "to",
                format!("{} already exists; a backup never overwrites a file", target.display()),
            ),
            _ => error::file(format!("cannot create {}", target.display()), e),
        })?;
        let vacuum = move |conn: &Connection| conn.execute("VACUUM INTO ?1", [name.as_str()]).map(drop).map_err(db);
        let copied = match &self.location {
            Location::File(_) => {
                let (location, options) = (self.location.clone(), self.options.clone());
                blocking(move || vacuum(&open_connection(&location, &options, Access::ReadOnly)?)).await
            }
            // In memory the writer is the only connection to the database.
            Location::Memory => self.on_writer(move |conn| vacuum(conn)).await,
        };
        if copied.is_err() {
            let _ = std::fs::remove_file(target);
        }
        copied
    }

    /// How many changes this store has made, and in how many commits: with
    /// concurrent writers, changes share commits (see the crate's group commit).
    pub async fn commit_counts(&self) -> CommitCounts {
        self.writer.counts().await
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

#[cfg(test)]
mod tests {
    use modelreg_core::store::StoreInfo;

    use super::*;

    #[tokio::test]
    async fn a_store_that_may_not_create_refuses_a_missing_file_and_creates_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub").join("typo.db");
        let options = SqliteOptions {
            create: false,
            ..SqliteOptions::default()
        };
        let refused = SqliteStore::open(Location::File(path.clone()), options.clone()).await;
        assert!(matches!(
            refused,
            Err(Error::Invalid {
                field: "database_url",
                ..
            })
        ));
        assert!(!dir.path().join("sub").exists(), "no folder, no file, no -wal or -shm");
        // An existing file opens as usual.
        SqliteStore::open_path(&path).await.unwrap().close().await.unwrap();
        SqliteStore::open(Location::File(path), options)
            .await
            .unwrap()
            .close()
            .await
            .unwrap();
    }

    #[tokio::test]
    async fn a_backup_is_a_sound_file_of_its_own_and_never_overwrites() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open_path(dir.path().join("registry.db")).await.unwrap();
        let target = dir.path().join("backup.db");
        store.backup_to(&target).await.unwrap();
        let copy = SqliteStore::open_path(&target).await.unwrap();
        assert_eq!(copy.integrity_check().await.unwrap(), "ok");
        let again = store.backup_to(&target).await;
        assert!(matches!(again, Err(Error::Invalid { field: "to", .. })), "{again:?}");
        copy.close().await.unwrap();
        store.close().await.unwrap();
    }
}
