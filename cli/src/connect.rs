//! Opening the store a URL names: the one place that maps a scheme to a backend.

use std::sync::Arc;
use std::time::Duration;

use modelreg_core::{Error, Result, Store};
use modelreg_postgres::{PostgresOptions, PostgresStore};
use modelreg_sqlite::{Location, SqliteOptions, SqliteStore};

use crate::config::Config;

/// Opens the configured database; `migrate` applies pending migrations first.
pub async fn open(config: &Config, migrate: bool) -> Result<Arc<dyn Store>> {
    let url = config.database_url.as_str();
    if url.starts_with("sqlite:") {
        let options = SqliteOptions {
            busy_timeout: Duration::from_secs(config.sqlite_busy_timeout_secs),
            migrate,
            ..SqliteOptions::default()
        };
        Ok(Arc::new(SqliteStore::open(Location::from_url(url)?, options).await?))
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        let options = PostgresOptions {
            max_connections: config.pg_pool_size.max(1),
            acquire_timeout: Duration::from_secs(config.pg_acquire_timeout_secs),
            migrate,
            ..PostgresOptions::default()
        };
        Ok(Arc::new(PostgresStore::connect(url, options).await?))
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
