//! Figures computed across entities.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::deployments::DeploymentStatus;

/// What a model amounts to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ModelSummary {
    /// How many versions the model has.
    pub version_count: u64,
    /// How many training runs its versions have.
    pub training_run_count: u64,
    /// How many deployments its versions have, in any status.
    pub deployment_count: u64,
    /// The semver of highest precedence.
    pub latest_version: Option<String>,
    /// The semver of the version in production; absent when none is.
    pub production_version: Option<String>,
    /// The GPU hours of all its runs.
    pub total_gpu_hours: f64,
    /// The known cost of all its runs, in US dollars.
    pub total_cost_usd: f64,
}

/// What a team amounts to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TeamMetrics {
    /// How many models the team owns.
    pub model_count: u64,
    /// How many versions those models have.
    pub version_count: u64,
    /// How many training runs those versions have.
    pub training_run_count: u64,
    /// How many deployments those versions have, in any status.
    pub deployment_count: u64,
    /// The GPU hours of all those runs.
    pub total_gpu_hours: f64,
    /// The known cost of all those runs, in US dollars.
    pub total_cost_usd: f64,
}

/// Deployments per status; statuses with none are present with 0.
pub type DeploymentStatusCounts = BTreeMap<DeploymentStatus, u64>;

/// How many of each entity the registry holds.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Stats {
    /// Teams, active or not.
    pub teams: u64,
    /// Tags.
    pub tags: u64,
    /// Models, active or not.
    pub models: u64,
    /// Model versions, in any status.
    pub model_versions: u64,
    /// Training runs.
    pub training_runs: u64,
    /// Recorded metric values.
    pub metrics: u64,
    /// Environments, active or not.
    pub environments: u64,
    /// Deployments, terminated ones included.
    pub deployments: u64,
    /// Audit events.
    pub audit_events: u64,
}
