//! modelreg-core: what a model registry *is*. Domain types and their rules,
//! the storage traits a backend implements, the typed error, and the
//! [`Registry`] service that applies every rule once, for every backend.

mod enums;

pub mod analytics;
pub mod audit;
pub mod deployments;
pub mod environments;
pub mod error;
pub mod metrics;
pub mod migrations;
pub mod models;
pub mod registry;
pub mod runs;
pub mod sample;
pub mod store;
pub mod teams;
pub mod time;
pub mod transfer;
pub mod validate;
pub mod versions;

pub use audit::{Actor, AuditAction, AuditEvent};
pub use error::{EntityKind, Error, Result};
pub use registry::{ModelWithVersions, Registry};
pub use store::{Page, Record, Store, Tx};
pub use time::Timestamp;
