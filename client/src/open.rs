//! One URL, wherever the registry lives: the scheme chooses an in-process
//! store (SQLite or PostgreSQL) or a server.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use modelreg_core::error::redact_passwords;
use modelreg_core::{Actor, Error, Registry, RegistryApi, Result, Store};
use modelreg_postgres::{PostgresOptions, PostgresStore};
use modelreg_sqlite::{Location, SqliteOptions, SqliteStore};

use crate::remote::RemoteRegistry;

/// How to reach a registry. The defaults suit both kinds.
#[derive(Clone)]
pub struct Options {
    /// The API token of a server (sent as `Authorization: Bearer TOKEN`);
    /// ignored by an in-process registry.
    pub token: Option<String>,
    /// Who an in-process registry records changes as (default `modelreg`);
    /// a server records them as the token's name instead.
    pub actor: Option<Actor>,
    /// How long to wait for a connection to a server (default 10 s).
    pub connect_timeout: Duration,
    /// How long one request to a server may take, and the longest pause
    /// within a streamed export (default 60 s).
    pub request_timeout: Duration,
    /// How many times a read (GET) is retried after a connection failure or
    /// a 503 (default 3); writes are never retried.
    pub retries: u32,
    /// Create a missing SQLite file (default true).
    pub create: bool,
    /// Apply pending migrations to a database opened in-process (default true).
    pub migrate: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            token: None,
            actor: None,
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(60),
            retries: 3,
            create: true,
            migrate: true,
        }
    }
}

impl Options {
    /// These options with a server's token.
    pub fn token(mut self, token: impl Into<String>) -> Options {
        self.token = Some(token.into());
        self
    }

    /// These options with the actor of an in-process registry.
    pub fn actor(mut self, actor: Actor) -> Options {
        self.actor = Some(actor);
        self
    }
}

impl fmt::Debug for Options {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Options")
            .field("token", &self.token.as_ref().map(|_| "****"))
            .field("actor", &self.actor.as_ref().map(Actor::as_str))
            .field("connect_timeout", &self.connect_timeout)
            .field("request_timeout", &self.request_timeout)
            .field("retries", &self.retries)
            .field("create", &self.create)
            .field("migrate", &self.migrate)
            .finish()
    }
}

/// The actor of an in-process registry when none is given.
const DEFAULT_ACTOR: &str = "modelreg";

/// The backend a registry URL names.
pub enum Backend {
    /// `sqlite://PATH` or `sqlite::memory:`.
    Sqlite(Location),
    /// `postgres://…` or `postgresql://…` (the URL itself).
    Postgres(String),
    /// `http://…` or `https://…`: a `modelreg serve` (the URL itself).
    Server(String),
}

impl Backend {
    /// The backend of `url`; an unknown scheme is an error naming the known
    /// ones and the URL (its password masked).
    pub fn of(url: &str) -> Result<Backend> {
        if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite(Location::from_url(url)?))
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Backend::Postgres(url.to_owned()))
        } else if url.starts_with("http://") || url.starts_with("https://") {
            Ok(Backend::Server(url.to_owned()))
        } else {
            Err(Error::invalid(
                "database_url",
                format!(
                    "{:?} has an unknown scheme; use sqlite://PATH, sqlite::memory:, postgres://USER@HOST/DB \
                     or http(s)://HOST:PORT (a modelreg server)",
                    redact_passwords(url)
                ),
            ))
        }
    }
}

/// The registry `url` names: in-process for `sqlite://PATH`,
/// `sqlite::memory:`, `postgres://…` and `postgresql://…`; the server's
/// for `http://…` and `https://…`. Another scheme is an error naming the
/// URL (its password masked).
pub async fn open(url: &str, options: Options) -> Result<Arc<dyn RegistryApi>> {
    let store: Arc<dyn Store> = match Backend::of(url)? {
        Backend::Server(url) => return Ok(Arc::new(RemoteRegistry::connect(&url, &options)?)),
        Backend::Sqlite(location) => {
            let sqlite = SqliteOptions {
                migrate: options.migrate,
                create: options.create,
                ..SqliteOptions::default()
            };
            Arc::new(SqliteStore::open(location, sqlite).await?)
        }
        Backend::Postgres(url) => {
            let postgres = PostgresOptions {
                migrate: options.migrate,
                ..PostgresOptions::default()
            };
            Arc::new(PostgresStore::connect(&url, postgres).await?)
        }
    };
    let actor = match options.actor {
        Some(actor) => actor,
        None => Actor::new(DEFAULT_ACTOR)?,
    };
    Ok(Arc::new(Registry::new(store, actor)))
}
