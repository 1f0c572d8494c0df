//! modelreg-core: what a model registry *is*. Domain types and their rules,
//! the storage traits a backend implements, the typed error, and the
//! [`Registry`] service that applies every rule once, for every backend.

#![warn(missing_docs)]

mod enums;

pub mod aliases;
pub mod api;

pub mod analytics;
pub mod audit;
pub mod deployments;
pub mod environments;
pub mod error;
pub mod history;
pub mod metrics;
pub mod migrations;
pub mod models;
pub mod query;
pub mod record;
pub mod refs;
pub mod registry;
pub mod runs;
pub mod store;
pub mod tables;
pub mod teams;
pub mod time;
pub mod transfer;
pub mod validate;
pub mod versions;

pub use api::RegistryApi;
pub use audit::{Actor, AuditAction, AuditEvent};
pub use error::{EntityKind, Error, Result};
pub use refs::{Ref, Selector, VersionRef};
pub use registry::{BulkLoad, ModelWithVersions, Registry};
pub use store::{Page, Record, RecordKind, Store, Tx};
pub use time::Timestamp;
pub use transfer::TransferError;

#[cfg(test)]
mod tests {
    use serde_json::json;

    /// The text of every closed set's value is what serde writes and reads.
    #[test]
    fn enum_texts_are_their_serde_names() {
        macro_rules! check {
            ($($ty:ty),*) => {$(
                for value in <$ty>::ALL {
                    assert_eq!(serde_json::to_value(value).unwrap(), json!(value.as_str()));
                    assert_eq!(serde_json::from_value::<$ty>(json!(value.as_str())).unwrap(), *value);
                }
            )*};
        }
        check!(
            crate::models::RiskLevel,
            crate::versions::Framework,
            crate::versions::VersionStatus,
            crate::runs::RunStatus,
            crate::metrics::Split,
            crate::environments::EnvironmentKind,
            crate::deployments::DeploymentStatus,
            crate::audit::AuditAction,
            crate::store::RecordKind
        );
    }
}
