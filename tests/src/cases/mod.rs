//! The cases, one module per concept of the domain.

pub mod aliases;
pub mod analytics;
pub mod audit;
pub mod bad_input;
pub mod bulk;
pub mod concurrency;
pub mod constraints;
pub mod deployments;
pub mod edits;
pub mod environments;
pub mod history;
pub mod metrics;
pub mod models;
pub mod queries;
pub mod reference;
pub mod references;
pub mod round_trip;
pub mod runs;
pub mod snapshots;
pub mod teams;
pub mod transfer;
pub mod upgrades;
pub mod versions;
