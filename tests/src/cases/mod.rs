//! The cases, one module per concept of the domain.

pub mod analytics;
pub mod audit;
pub mod bulk;
pub mod concurrency;
pub mod constraints;
pub mod deployments;
pub mod environments;
pub mod metrics;
pub mod models;
pub mod reference;
pub mod references;
pub mod runs;
pub mod snapshots;
pub mod teams;
pub mod transfer;
pub mod versions;
