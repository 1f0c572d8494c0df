//! modelreg on PostgreSQL, via sqlx: a connection pool (with TLS for
//! `sslmode=require` URLs), JSONB, TIMESTAMPTZ and UUID columns, and every
//! write operation in one transaction that locks the rows it reads. Rows are
//! read and written through the table declarations of `modelreg_core::tables`.

#[cfg(feature = "bench")]
pub mod baseline;
mod bulk;
mod error;
mod info;
mod query;
mod reads;
mod row;
mod schema;
#[cfg(feature = "bench")]
pub mod scratch;
mod snapshot;
#[cfg(feature = "testing")]
pub mod testing;
mod tx;
mod writes;

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use modelreg_core::error::redact_passwords;
use modelreg_core::store::LastWrite;
use modelreg_core::{Actor, Error, Registry, Result};
use sqlx::pool::PoolConnection;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{Connection, PgConnection, PgPool, Postgres};

pub use schema::MIGRATIONS;

/// How to connect to PostgreSQL.
#[derive(Debug, Clone)]
pub struct PostgresOptions {
    /// The most connections the pool opens.
    pub max_connections: u32,
    /// How long a caller waits for a free connection before failing.
    pub acquire_timeout: Duration,
    /// How long an unused connection stays open (`None`: until the pool closes).
    pub idle_timeout: Option<Duration>,
    /// Apply pending migrations on open (otherwise the schema must be current).
    pub migrate: bool,
    /// Keep the registry in this schema (`search_path`) instead of the default one.
    pub schema: Option<String>,
}

impl Default for PostgresOptions {
    fn default() -> Self {
        PostgresOptions {
            max_connections: 10,
            acquire_timeout: Duration::from_secs(30),
            idle_timeout: Some(Duration::from_secs(600)),
            migrate: true,
            schema: None,
        }
    }
}

/// Connection options for `url`, working in `schema` when given.
pub(crate) fn connect_options(url: &str, schema: Option<&str>) -> Result<PgConnectOptions> {
    let options = PgConnectOptions::from_str(url).map_err(|e| {
        Error::invalid(
            "database_url",
            format!("{} is not a PostgreSQL URL: {e}", redact_passwords(url)),
        )
    })?;
    Ok(match schema {
        Some(schema) => options.options([("search_path", schema)]),
        None => options,
    })
}

/// The registry's storage in a PostgreSQL database.
pub struct PostgresStore {
    pool: PgPool,
    /// The URL with its password masked.
    location: String,
    /// The storage failure of the last write, for `check_writable`.
    last_write: LastWrite,
}

/// How long the pool's first connection may take before one direct attempt
/// asks the server why: the pool retries a refused connection until its
/// acquire timeout, a direct attempt fails at once with the reason.
const DIAGNOSE_AFTER: Duration = Duration::from_millis(200);

/// The pool's first connection; when it is slow to come, one direct attempt
/// tells a refused or failing server from a slow one.
async fn first_connection(
    pool: &PgPool,
    connect: &PgConnectOptions,
    location: &str,
    timeout: Duration,
) -> Result<PoolConnection<Postgres>> {
    let mut acquire = Box::pin(pool.acquire());
    if let Ok(acquired) = tokio::time::timeout(DIAGNOSE_AFTER, &mut acquire).await {
        return acquired.map_err(|e| error::connect(location, e));
    }
    let probe = tokio::time::timeout(timeout, PgConnection::connect_with(connect))
        .await
        .map_err(|_| Error::unavailable(format!("cannot connect to {location}: timed out")))?
        .map_err(|e| error::connect(location, e))?;
    let _ = probe.close().await;
    acquire.await.map_err(|e| error::connect(location, e))
}

impl PostgresStore {
    /// Connects to `url` (`postgres://` or `postgresql://`), checks the schema
    /// version and applies pending migrations. The check runs on the pool's
    /// first connection, so that a store with a pool of one (a command-line
    /// process) opens exactly one connection, once.
    pub async fn connect(url: &str, options: PostgresOptions) -> Result<PostgresStore> {
        let location = redact_passwords(url);
        let connect = connect_options(url, options.schema.as_deref())?;
        let pool = PgPoolOptions::new()
            .max_connections(options.max_connections)
            .acquire_timeout(options.acquire_timeout)
            .idle_timeout(options.idle_timeout)
            .connect_lazy_with(connect.clone());
        // The pool's first connection, back into the pool for the schema check.
        drop(first_connection(&pool, &connect, &location, options.acquire_timeout).await?);
        if options.migrate {
            // Refuses a newer schema under the migration lock, then migrates.
            schema::migrate_to(&pool, modelreg_core::migrations::latest(MIGRATIONS)).await?;
        } else {
            schema::check_not_newer(&pool).await?;
        }
        Ok(PostgresStore {
            pool,
            location,
            last_write: LastWrite::default(),
        })
    }

    /// A [`Registry`] over this store, whose changes are made by `actor`.
    pub fn into_registry(self, actor: Actor) -> Registry {
        Registry::new(Arc::new(self), actor)
    }

    /// The connection pool.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }
}
