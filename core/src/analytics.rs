//! Figures computed across entities.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::deployments::DeploymentStatus;

/// What a model amounts to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ModelSummary {
    pub version_count: u64,
    pub training_run_count: u64,
    pub deployment_count: u64,
    /// The semver of highest precedence.
    pub latest_version: Option<String>,
    pub production_version: Option<String>,
    pub total_gpu_hours: f64,
    pub total_cost_usd: f64,
}

/// What a team amounts to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TeamMetrics {
    pub model_count: u64,
    pub version_count: u64,
    pub training_run_count: u64,
    pub deployment_count: u64,
    pub total_gpu_hours: f64,
    pub total_cost_usd: f64,
}

/// Deployments per status; statuses with none are present with 0.
pub type DeploymentStatusCounts = BTreeMap<DeploymentStatus, u64>;

/// How many of each entity the registry holds.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Stats {
    pub teams: u64,
    pub tags: u64,
    pub models: u64,
    pub model_versions: u64,
    pub training_runs: u64,
    pub metrics: u64,
    pub environments: u64,
    pub deployments: u64,
    pub audit_events: u64,
}
