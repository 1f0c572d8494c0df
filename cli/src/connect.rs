//! Opening the store a URL names: the one place that maps a scheme to a backend.

use std::sync::Arc;
use std::time::Duration;

use modelreg_core::error::redact_passwords;
use modelreg_core::{Error, Result, Store};
use modelreg_postgres::{PostgresOptions, PostgresStore};
use modelreg_sqlite::{Location, SqliteOptions, SqliteStore};

use crate::config::Config;

pub use modelreg_client::Backend;

/// The error of a command that works on a database itself, given a server's URL.
pub fn not_a_database(url: &str) -> Error {
    Error::invalid(
        "database_url",
        format!(
            "{} is a modelreg server; this command works on the database itself: \
             run it with --database-url sqlite://… or postgres://… where the server's database is",
            redact_passwords(url)
        ),
    )
}

/// What a command does with the database it opens.
#[derive(Debug, Clone, Copy)]
pub struct Access {
    /// Apply pending migrations first.
    pub migrate: bool,
    /// Create a missing SQLite file (and its folders).
    pub create: bool,
    /// Serve many requests at once (`serve`): the configured PostgreSQL pool,
    /// where any other command opens one connection.
    pub concurrent: bool,
}

impl Access {
    /// An existing database, as it is: not created, not migrated.
    pub const EXISTING: Access = Access {
        migrate: false,
        create: false,
        concurrent: false,
    };
}

/// How to open a store, whatever its backend.
#[derive(Debug, Clone)]
pub struct Options {
    /// Apply pending migrations first.
    pub migrate: bool,
    /// Create a missing SQLite file.
    pub create: bool,
    /// The most PostgreSQL connections.
    pub pool_size: u32,
    /// How long to wait for a free PostgreSQL connection.
    pub acquire_timeout: Duration,
    /// How long an SQLite writer waits for another process's lock.
    pub busy_timeout: Duration,
    /// The PostgreSQL schema to work in (the default one when `None`).
    pub pg_schema: Option<String>,
}

impl Options {
    /// The options the configuration sets for `access`.
    pub fn from_config(config: &Config, access: Access) -> Options {
        Options {
            migrate: access.migrate,
            create: access.create,
            // A command runs one statement at a time: one connection, opened once.
            pool_size: if access.concurrent {
                config.pg_pool_size.max(1)
            } else {
                1
            },
            acquire_timeout: Duration::from_secs(config.pg_acquire_timeout_secs),
            busy_timeout: Duration::from_secs(config.sqlite_busy_timeout_secs),
            pg_schema: None,
        }
    }

    /// The SQLite options these options give.
    pub fn sqlite(&self) -> SqliteOptions {
        SqliteOptions {
            busy_timeout: self.busy_timeout,
            migrate: self.migrate,
            create: self.create,
            ..SqliteOptions::default()
        }
    }
}

/// Refuses a missing SQLite file that this command may not create, naming
/// the commands that create one (and creating nothing).
pub fn check_exists(location: &Location, create: bool) -> Result<()> {
    match location {
        Location::File(path) if !create && !path.exists() => Err(Error::invalid(
            "database_url",
            format!(
                "{} does not exist; create it with `modelreg init` (or `seed`, `import`, `copy --to`)",
                path.display()
            ),
        )),
        _ => Ok(()),
    }
}

/// Opens the store of `backend`.
pub async fn open_backend(backend: &Backend, options: &Options) -> Result<Arc<dyn Store>> {
    match backend {
        Backend::Sqlite(location) => {
            check_exists(location, options.create)?;
            Ok(Arc::new(SqliteStore::open(location.clone(), options.sqlite()).await?))
        }
        Backend::Server(url) => Err(not_a_database(url)),
        Backend::Postgres(url) => {
            let postgres = PostgresOptions {
                max_connections: options.pool_size,
                acquire_timeout: options.acquire_timeout,
                migrate: options.migrate,
                schema: options.pg_schema.clone(),
                ..PostgresOptions::default()
            };
            Ok(Arc::new(PostgresStore::connect(url, postgres).await?))
        }
    }
}

/// Opens the configured database for `access`.
pub async fn open(config: &Config, access: Access) -> Result<Arc<dyn Store>> {
    open_backend(
        &Backend::of(&config.database_url)?,
        &Options::from_config(config, access),
    )
    .await
}
