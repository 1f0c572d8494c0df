//! Opening the store a URL names: the one place that maps a scheme to a backend.

use std::sync::Arc;
use std::time::Duration;

use modelreg_core::{Error, Result, Store};
use modelreg_postgres::{PostgresOptions, PostgresStore};
use modelreg_sqlite::{Location, SqliteOptions, SqliteStore};

use crate::config::Config;

/// The backend a database URL names.
pub enum Backend {
    /// `sqlite://PATH` or `sqlite::memory:`.
    Sqlite(Location),
    /// `postgres://…` or `postgresql://…` (the URL itself).
    Postgres(String),
}

impl Backend {
    /// The backend of `url`; an unknown scheme is an error naming the known ones.
    pub fn of(url: &str) -> Result<Backend> {
        if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite(Location::from_url(url)?))
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Backend::Postgres(url.to_owned()))
        } else {
            Err(Error::invalid(
                "database_url",
                format!(
                    "{:?} has an unknown scheme; use sqlite://PATH, sqlite::memory: or postgres://USER@HOST/DB",
                    modelreg_core::error::redact_passwords(url)
                ),
            ))
        }
    }
}

/// How to open a store, whatever its backend.
#[derive(Debug, Clone)]
pub struct Options {
    /// Apply pending migrations first.
    pub migrate: bool,
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
    /// The options the configuration sets.
    pub fn from_config(config: &Config, migrate: bool) -> Options {
        Options {
            migrate,
            pool_size: config.pg_pool_size.max(1),
            acquire_timeout: Duration::from_secs(config.pg_acquire_timeout_secs),
            busy_timeout: Duration::from_secs(config.sqlite_busy_timeout_secs),
            pg_schema: None,
        }
    }
}

/// Opens the store of `backend`.
pub async fn open_backend(backend: &Backend, options: &Options) -> Result<Arc<dyn Store>> {
    match backend {
        Backend::Sqlite(location) => {
            let sqlite = SqliteOptions {
                busy_timeout: options.busy_timeout,
                migrate: options.migrate,
                ..SqliteOptions::default()
            };
            Ok(Arc::new(SqliteStore::open(location.clone(), sqlite).await?))
        }
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

/// Opens the configured database; `migrate` applies pending migrations first.
pub async fn open(config: &Config, migrate: bool) -> Result<Arc<dyn Store>> {
    open_backend(
        &Backend::of(&config.database_url)?,
        &Options::from_config(config, migrate),
    )
    .await
}
