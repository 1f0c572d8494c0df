//! The registry service: every operation on the registry, with its rules, over
//! any [`Store`]. One file per concept; the write transaction with its audit
//! trail lives in `change`, and reference resolution in `resolve`.

mod aliases;
mod analytics;
mod audit;
mod change;
mod deployments;
mod environments;
mod history;
mod metrics;
mod models;
mod query;
mod resolve;
mod runs;
mod teams;
mod transfer;
mod versions;

use std::sync::Arc;

use crate::audit::Actor;
use crate::error::{EntityKind, Error, Result};
use crate::store::Store;

pub use models::ModelWithVersions;
pub use transfer::BulkLoad;
pub use versions::Registered;

/// The registry: validates, decides and audits; the store only keeps.
/// Every change it makes is recorded as made by its actor.
#[derive(Clone)]
pub struct Registry {
    store: Arc<dyn Store>,
    actor: Actor,
}

fn required<T>(found: Option<T>, entity: EntityKind, key: impl std::fmt::Display) -> Result<T> {
    found.ok_or_else(|| Error::not_found(entity, key))
}

impl Registry {
    /// A registry over `store` whose changes are made by `actor`.
    pub fn new(store: Arc<dyn Store>, actor: Actor) -> Registry {
        Registry { store, actor }
    }

    /// The same registry, making its changes as `actor`.
    pub fn with_actor(&self, actor: Actor) -> Registry {
        Registry {
            store: Arc::clone(&self.store),
            actor,
        }
    }

    /// Who this registry's changes are recorded as made by.
    pub fn actor(&self) -> &Actor {
        &self.actor
    }

    /// "sqlite" or "postgres".
    pub fn backend(&self) -> &'static str {
        self.store.backend()
    }

    /// Where the data lives, with any password masked.
    pub fn location(&self) -> String {
        self.store.location()
    }

    /// The schema version of the database.
    pub async fn schema_version(&self) -> Result<i64> {
        self.store.schema_version().await
    }

    /// Whether the registry can serve writes now (the database answers and
    /// accepts a write): what a readiness check asks.
    pub async fn check_ready(&self) -> Result<i64> {
        self.store.check_writable().await?;
        self.store.schema_version().await
    }

    /// The space the registry's data takes on disk, in bytes.
    pub async fn size_bytes(&self) -> Result<u64> {
        self.store.size_bytes().await
    }

    /// Closes the store's connections (on SQLite checkpointing the WAL).
    pub async fn close(&self) -> Result<()> {
        self.store.close().await
    }
}
