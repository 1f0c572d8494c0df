//! The registry's operations as one trait, [`RegistryApi`]: what a program
//! calls, whether the registry lives in-process over a store ([`Registry`])
//! or behind `modelreg serve` (the client crate's remote registry). The
//! operations are declared once, below; the declaration makes both the
//! trait and its implementation for the local registry, so the two cannot
//! drift.

use std::io::Write;

use async_trait::async_trait;
use uuid::Uuid;

use crate::aliases::{Alias, AliasWithVersion};
use crate::analytics::{DeploymentStatusCounts, ModelSummary, Stats, TeamMetrics};
use crate::audit::AuditEvent;
use crate::deployments::{ActiveDeployment, Deployment, DeploymentFilter, DeploymentStatus, Drift, NewDeployment};
use crate::environments::{Environment, EnvironmentFilter, EnvironmentUpdate, NewEnvironment};
use crate::error::{EntityKind, Result};
use crate::history::HistoryEntry;
use crate::metrics::{Metric, MetricFilter, NewMetric};
use crate::models::{Model, ModelFilter, ModelUpdate, NewModel, Tag, TagUpdate, TagUsage};
use crate::query::{Listing, Query};
use crate::refs::{Ref, VersionRef};
use crate::registry::{ModelWithVersions, Registered, Registry};
use crate::runs::{CostSummary, NewRun, RunFilter, RunFinish, TrainingRun};
use crate::store::Page;
use crate::teams::{NewTeam, Team, TeamFilter, TeamUpdate};
use crate::time::Timestamp;
use crate::transfer::{Header, Progress};
use crate::versions::{ModelVersion, NewVersion, VersionFilter, VersionStatus, VersionUpdate, VersionWithModel};

macro_rules! operations {
    ($( $(#[$doc:meta])* fn $name:ident(&self $(, $arg:ident: $ty:ty)* $(,)?) -> $ret:ty; )*) => {
        /// Every operation of a registry, wherever it lives. Each means
        /// what [`Registry`]'s method of the same name means.
        #[async_trait]
        pub trait RegistryApi: Send + Sync {
            $( $(#[$doc])* async fn $name(&self $(, $arg: $ty)*) -> Result<$ret>; )*
        }

        #[async_trait]
        impl RegistryApi for Registry {
            $( async fn $name(&self $(, $arg: $ty)*) -> Result<$ret> { Registry::$name(self $(, $arg)*).await } )*
        }
    };
}

operations! {
    /// Creates a team.
    fn create_team(&self, new: NewTeam) -> Team;
    /// The team with this id or name.
    fn team(&self, team: &Ref) -> Team;
    /// Teams by name.
    fn list_teams(&self, filter: TeamFilter, page: Page) -> Vec<Team>;
    /// Changes a team's fields.
    fn update_team(&self, team: &Ref, update: TeamUpdate) -> Team;
    /// Marks a team inactive.
    fn deactivate_team(&self, team: &Ref) -> Team;
    /// Deletes a team; its models stay, with no team.
    fn delete_team(&self, team: &Ref) -> ();
    /// Counts and cost of a team.
    fn team_metrics(&self, team: &Ref) -> TeamMetrics;

    /// Creates a model.
    fn create_model(&self, new: NewModel) -> Model;
    /// The model with this id or name.
    fn model(&self, model: &Ref) -> Model;
    /// A model with a page of its versions and their number.
    fn model_with_versions(&self, model: &Ref, page: Page) -> ModelWithVersions;
    /// Models by name.
    fn list_models(&self, filter: ModelFilter, page: Page) -> Vec<Model>;
    /// Models whose name contains a term, ignoring case.
    fn search_models(&self, term: &str, page: Page) -> Vec<Model>;
    /// Changes a model's fields.
    fn update_model(&self, model: &Ref, update: ModelUpdate) -> Model;
    /// Deletes a model with everything below it.
    fn delete_model(&self, model: &Ref) -> ();
    /// Tags a model; false when it had the tag already.
    fn add_tag(&self, model: &Ref, tag_name: &str) -> bool;
    /// Untags a model; false when it did not carry the tag.
    fn remove_tag(&self, model: &Ref, tag_name: &str) -> bool;
    /// Changes a tag's description.
    fn update_tag(&self, name: &str, update: TagUpdate) -> Tag;
    /// Deletes a tag from every model and the registry.
    fn delete_tag(&self, name: &str) -> ();
    /// Models carrying a tag.
    fn models_by_tag(&self, tag_name: &str, page: Page) -> Vec<Model>;
    /// The tags of a model.
    fn tags_of_model(&self, model: &Ref, page: Page) -> Vec<Tag>;
    /// Tags with their model counts.
    fn list_tags(&self, page: Page) -> Vec<TagUsage>;
    /// Counts, latest and production semver and cost of a model.
    fn model_summary(&self, model: &Ref) -> ModelSummary;

    /// Registers a version, or answers the same registration made before.
    fn register(&self, model: &Ref, new: NewVersion) -> Registered;
    /// Registers a version and answers it.
    fn register_version(&self, model: &Ref, new: NewVersion) -> ModelVersion;
    /// The version a reference means.
    fn version(&self, version: &VersionRef) -> ModelVersion;
    /// The version a reference meant at an instant.
    fn version_at(&self, version: &VersionRef, at: Timestamp) -> ModelVersion;
    /// Versions of a model, newest first.
    fn list_versions(&self, model: &Ref, filter: VersionFilter, page: Page) -> Vec<ModelVersion>;
    /// The version of highest precedence (optionally of one status).
    fn latest_version(&self, model: &Ref, status: Option<VersionStatus>) -> Option<ModelVersion>;
    /// The production version of a model.
    fn production_version(&self, model: &Ref) -> Option<ModelVersion>;
    /// Changes a version's editable fields.
    fn update_version(&self, version: &VersionRef, update: VersionUpdate) -> ModelVersion;
    /// Moves a version to a status.
    fn set_version_status(&self, version: &VersionRef, status: VersionStatus) -> ModelVersion;
    /// Every production version with its model.
    fn production_versions(&self, page: Page) -> Vec<VersionWithModel>;
    /// Deletes a version with everything below it.
    fn delete_version(&self, version: &VersionRef) -> ();
    /// Points an alias at a version.
    fn set_alias(&self, version: &VersionRef, name: &str) -> Alias;
    /// Removes an alias; false when the model has no such alias.
    fn remove_alias(&self, model: &Ref, name: &str) -> bool;
    /// A model's aliases.
    fn aliases_of_model(&self, model: &Ref, page: Page) -> Vec<AliasWithVersion>;
    /// A model's timeline of status changes and alias moves.
    fn version_history(&self, model: &Ref, page: Page) -> Vec<HistoryEntry>;
    /// Versions whose artifact has this checksum.
    fn versions_by_checksum(&self, checksum: &str, page: Page) -> Vec<VersionWithModel>;
    /// Deployments that do not run their model's production version.
    fn drift(&self, model: Option<&Ref>, page: Page) -> Vec<Drift>;

    /// Starts a training run.
    fn start_run(&self, version: &VersionRef, new: NewRun) -> TrainingRun;
    /// The run with this id.
    fn run(&self, id: Uuid) -> TrainingRun;
    /// Runs of a version.
    fn runs_of_version(&self, version: &VersionRef, filter: RunFilter, page: Page) -> Vec<TrainingRun>;
    /// Runs of a model.
    fn runs_of_model(&self, model: &Ref, filter: RunFilter, page: Page) -> Vec<TrainingRun>;
    /// Ends a running run.
    fn finish_run(&self, id: Uuid, finish: RunFinish) -> TrainingRun;
    /// Cost of every run, or of one model's.
    fn cost_summary(&self, model: Option<&Ref>) -> CostSummary;

    /// Records a metric.
    fn record_metric(&self, version: &VersionRef, new: NewMetric) -> Metric;
    /// Metrics of a version.
    fn metrics_of_version(&self, version: &VersionRef, filter: &MetricFilter, page: Page) -> Vec<Metric>;
    /// The newest value of each metric of a version.
    fn latest_metrics(&self, version: &VersionRef, page: Page) -> Vec<Metric>;

    /// Creates an environment.
    fn create_environment(&self, new: NewEnvironment) -> Environment;
    /// The environment with this id or name.
    fn environment(&self, env: &Ref) -> Environment;
    /// Environments by name.
    fn list_environments(&self, filter: EnvironmentFilter, page: Page) -> Vec<Environment>;
    /// Changes an environment's fields.
    fn update_environment(&self, env: &Ref, update: EnvironmentUpdate) -> Environment;
    /// Marks an environment inactive.
    fn deactivate_environment(&self, env: &Ref) -> Environment;

    /// Deploys a version into an environment.
    fn deploy(&self, version: &VersionRef, environment: &Ref, new: NewDeployment) -> Deployment;
    /// The deployment with this id.
    fn deployment(&self, id: Uuid) -> Deployment;
    /// Deployments in an environment.
    fn deployments_in(&self, environment: &Ref, filter: DeploymentFilter, page: Page) -> Vec<Deployment>;
    /// Deployments of a version.
    fn deployments_of_version(&self, version: &VersionRef, filter: DeploymentFilter, page: Page) -> Vec<Deployment>;
    /// Healthy and degraded deployments with their context.
    fn active_deployments(&self, page: Page) -> Vec<ActiveDeployment>;
    /// Moves a deployment to a status.
    fn set_deployment_status(&self, id: Uuid, status: DeploymentStatus) -> Deployment;
    /// Terminates a deployment.
    fn terminate_deployment(&self, id: Uuid) -> Deployment;
    /// Sets a deployment's replicas.
    fn scale_deployment(&self, id: Uuid, replicas: i32) -> Deployment;
    /// Rolls a deployment back to the version that ran there before.
    fn rollback_deployment(&self, id: Uuid) -> Deployment;

    /// The audit trail of one entity.
    fn audit_of_entity(&self, kind: EntityKind, id: Uuid, page: Page) -> Vec<AuditEvent>;
    /// Everything an actor changed.
    fn audit_by_actor(&self, actor: &str, page: Page) -> Vec<AuditEvent>;
    /// The most recent changes.
    fn recent_audit(&self, page: Page) -> Vec<AuditEvent>;

    /// Deployments per status.
    fn deployment_status_counts(&self) -> DeploymentStatusCounts;
    /// Active models with no recent training run.
    fn stale_models(&self, days: u32, page: Page) -> Vec<Model>;
    /// How many of each entity the registry holds.
    fn stats(&self) -> Stats;

    /// Models matching a query.
    fn find_models(&self, query: &Query) -> Listing<Model>;
    /// Versions matching a query.
    fn find_versions(&self, model: Option<&Ref>, query: &Query) -> Listing<ModelVersion>;
    /// Runs matching a query.
    fn find_runs(&self, model: Option<&Ref>, version: Option<&VersionRef>, query: &Query) -> Listing<TrainingRun>;
    /// Deployments matching a query.
    fn find_deployments(&self, environment: Option<&Ref>, version: Option<&VersionRef>, query: &Query) -> Listing<Deployment>;
    /// Audit events matching a query.
    fn find_audit(&self, query: &Query) -> Listing<AuditEvent>;

    /// Writes one snapshot of the whole registry as JSON Lines.
    fn export(&self, out: &mut (dyn Write + Send), progress: Progress<'_>) -> Header;
    /// The schema version of the registry's database.
    fn schema_version(&self) -> i64;
    /// Whether the registry can serve writes now; its schema version.
    fn check_ready(&self) -> i64;
    /// Ends the use of the registry (closes its connections).
    fn close(&self) -> ();
}
