//! The storage traits a backend implements. A backend stores and reads; it
//! decides nothing: every rule lives in [`Registry`](crate::Registry).

use async_trait::async_trait;
use uuid::Uuid;

use crate::aliases::{Alias, AliasWithVersion};
use crate::analytics::{DeploymentStatusCounts, ModelSummary, Stats, TeamMetrics};
use crate::audit::AuditEvent;
use crate::deployments::{ActiveDeployment, Deployment, DeploymentFilter, Drift};
use crate::environments::{Environment, EnvironmentFilter};
use crate::error::{EntityKind, Error, Result};
use crate::history::{AliasChange, StatusChange};
use crate::metrics::{Metric, MetricFilter};
use crate::migrations::{AppliedMigration, Migration};
use crate::models::{Model, StoredModelFilter, Tag, TagUsage};
use crate::query::Compiled;
use crate::refs::Selector;
use crate::runs::{CostSummary, RunFilter, TrainingRun};
use crate::tables::Value;
use crate::teams::{Team, TeamFilter};
use crate::time::Timestamp;
use crate::versions::{ModelVersion, VersionFilter, VersionStatus, VersionWithModel};

pub use crate::record::{Existing, Record, RecordKey, RecordKind};

/// The page size of a listing that asks for none.
pub const DEFAULT_LIMIT: u32 = 100;
/// The largest page a listing returns at once.
pub const MAX_LIMIT: u32 = 10_000;

/// Which slice of a listing to return.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    /// How many items of the listing to skip (below 2^63).
    pub offset: u64,
    /// The most items to return, 1..=[`MAX_LIMIT`].
    pub limit: u32,
}

impl Default for Page {
    fn default() -> Self {
        Page {
            offset: 0,
            limit: DEFAULT_LIMIT,
        }
    }
}

impl Page {
    /// A checked page: limit 1..=[`MAX_LIMIT`], offset below 2^63.
    pub fn new(offset: u64, limit: u32) -> Result<Page> {
        if limit == 0 || limit > MAX_LIMIT {
            return Err(Error::invalid(
                "limit",
                format!("must be between 1 and {MAX_LIMIT} (got {limit})"),
            ));
        }
        if offset > i64::MAX as u64 {
            return Err(Error::invalid("offset", "is too large"));
        }
        Ok(Page { offset, limit })
    }

    /// The first `limit` items.
    pub fn first(limit: u32) -> Result<Page> {
        Page::new(0, limit)
    }
}

/// One write transaction. Dropping it without [`Tx::commit`] rolls it back.
/// Reads inside it see its own writes and are isolated from other writers
/// (a backend locks what the registry reads in it, or serializes writers).
#[async_trait]
pub trait Tx: Send {
    /// Inserts a new record. A unique violation is [`Error::Conflict`] (via [`Record::conflict`]).
    async fn insert(&mut self, record: Record) -> Result<()>;
    /// Replaces the stored record with the same id.
    async fn update(&mut self, record: Record) -> Result<()>;
    /// Deletes a record by id (and what cascades from it); false when it did not exist.
    async fn delete(&mut self, kind: RecordKind, id: Uuid) -> Result<bool>;
    /// Removes a tag from a model; false when the model did not carry it.
    async fn unlink_tag(&mut self, model_id: Uuid, tag_id: Uuid) -> Result<bool>;

    // Reads inside the transaction lock the rows they return where the
    // backend locks rows (PostgreSQL: `FOR NO KEY UPDATE`), so that two
    // operations deciding on the same rows take turns.

    /// The team with this id, if any.
    async fn team(&mut self, id: Uuid) -> Result<Option<Team>>;
    /// The team with exactly this name, if any.
    async fn team_by_name(&mut self, name: &str) -> Result<Option<Team>>;
    /// The model with this id, if any.
    async fn model(&mut self, id: Uuid) -> Result<Option<Model>>;
    /// The model with exactly this name, if any.
    async fn model_by_name(&mut self, name: &str) -> Result<Option<Model>>;
    /// The tag with exactly this name, if any.
    async fn tag_by_name(&mut self, name: &str) -> Result<Option<Tag>>;
    /// Inserts `tag` unless a tag with its name exists; answers the stored tag
    /// and whether it was inserted. Two transactions adding the same new tag
    /// at once both succeed (one inserts, the other finds it).
    async fn tag_or_insert(&mut self, tag: Tag) -> Result<(Tag, bool)>;
    /// Whether the model carries the tag.
    async fn has_tag(&mut self, model_id: Uuid, tag_id: Uuid) -> Result<bool>;
    /// The ids of the models carrying a tag.
    async fn models_tagged(&mut self, tag_id: Uuid) -> Result<Vec<Uuid>>;
    /// The version with this id, if any.
    async fn version(&mut self, id: Uuid) -> Result<Option<ModelVersion>>;
    /// The model's version with exactly this semver, if any.
    async fn version_by_semver(&mut self, model_id: Uuid, semver: &str) -> Result<Option<ModelVersion>>;
    /// The version of highest SemVer precedence (ties: newest), optionally of one status.
    async fn latest_version(&mut self, model_id: Uuid, filter: VersionFilter) -> Result<Option<ModelVersion>>;
    /// The version of `model_id` in production, if any.
    async fn production_version(&mut self, model_id: Uuid) -> Result<Option<ModelVersion>>;
    /// The training run with this id, if any.
    async fn run(&mut self, id: Uuid) -> Result<Option<TrainingRun>>;
    /// The environment with this id, if any.
    async fn environment(&mut self, id: Uuid) -> Result<Option<Environment>>;
    /// The environment with exactly this name, if any.
    async fn environment_by_name(&mut self, name: &str) -> Result<Option<Environment>>;
    /// The deployment with this id, if any.
    async fn deployment(&mut self, id: Uuid) -> Result<Option<Deployment>>;
    /// The alias `name` of a model.
    async fn alias(&mut self, model_id: Uuid, name: &str) -> Result<Option<Alias>>;
    /// The aliases pointing at a version, by name.
    async fn aliases_of_version(&mut self, version_id: Uuid) -> Result<Vec<Alias>>;
    /// Deployments in `environment_id` of any version of `model_id`, newest first.
    async fn deployments_of_model_in(&mut self, model_id: Uuid, environment_id: Uuid) -> Result<Vec<Deployment>>;

    /// Begins (`true`) or ends (`false`) loading many records into a
    /// registry that held none, in this transaction: a backend may set its
    /// secondary indexes aside and build them once at the end, and use its
    /// bulk path. Ending it before the commit is the caller's duty. By
    /// default, nothing changes.
    async fn bulk_load(&mut self, on: bool) -> Result<()> {
        let _ = on;
        Ok(())
    }
    /// Inserts many records (in dependency order) efficiently, e.g. for an
    /// import; answers how many were written (the rest were skipped).
    async fn insert_many(&mut self, records: Vec<Record>, existing: Existing) -> Result<u64>;

    /// Makes every write of the transaction durable, all at once.
    async fn commit(self: Box<Self>) -> Result<()>;
}

/// Starting write transactions.
#[async_trait]
pub trait Transactional: Send + Sync {
    /// Begins a write transaction. It returns once the transaction holds
    /// whatever serializes writers as a whole on this backend (on SQLite the
    /// database's write lock), so that a time read after `begin` and after
    /// the transaction's locking reads is in commit order.
    async fn begin(&self) -> Result<Box<dyn Tx + '_>>;
}

/// One consistent, read-only view of every record, unchanged by writes that
/// commit while it is open: what an export or copy reads.
#[async_trait]
pub trait Snapshot: RecordReads {
    /// The schema version the snapshot was taken at.
    async fn schema_version(&self) -> Result<i64>;
}

/// Taking snapshots.
#[async_trait]
pub trait Snapshots: Send + Sync {
    /// Opens a read-only snapshot of the whole store (ended when dropped).
    async fn snapshot(&self) -> Result<Box<dyn Snapshot + '_>>;
}

/// Reading teams.
#[async_trait]
pub trait TeamReads: Send + Sync {
    /// The team with this id, if any.
    async fn team(&self, id: Uuid) -> Result<Option<Team>>;
    /// The team with exactly this name, if any.
    async fn team_by_name(&self, name: &str) -> Result<Option<Team>>;
    /// Teams by name.
    async fn list_teams(&self, filter: TeamFilter, page: Page) -> Result<Vec<Team>>;
}

/// Reading models and tags.
#[async_trait]
pub trait ModelReads: Send + Sync {
    /// The model with this id, if any.
    async fn model(&self, id: Uuid) -> Result<Option<Model>>;
    /// The model with exactly this name, if any.
    async fn model_by_name(&self, name: &str) -> Result<Option<Model>>;
    /// Models by name.
    async fn list_models(&self, filter: StoredModelFilter, page: Page) -> Result<Vec<Model>>;
    /// Models whose [`Model::search_key`] contains `term`'s, literally (no wildcards); by name.
    async fn search_models(&self, term: &str, page: Page) -> Result<Vec<Model>>;
    /// Models carrying the tag, by name.
    async fn models_by_tag(&self, tag: &str, page: Page) -> Result<Vec<Model>>;
    /// The tags of a model, by name.
    async fn tags_of_model(&self, model_id: Uuid, page: Page) -> Result<Vec<Tag>>;
    /// Tags with their model counts, by name.
    async fn list_tags(&self, page: Page) -> Result<Vec<TagUsage>>;
}

/// Reading versions.
#[async_trait]
pub trait VersionReads: Send + Sync {
    /// The version with this id, if any.
    async fn version(&self, id: Uuid) -> Result<Option<ModelVersion>>;
    /// The model's version with exactly this semver, if any.
    async fn version_by_semver(&self, model_id: Uuid, semver: &str) -> Result<Option<ModelVersion>>;
    /// The version a selector means in the model named `model_name`, in one
    /// query (what `MODEL@SEMVER`, `@latest`, `@production` and `@ALIAS` read).
    async fn version_in_named_model(&self, model_name: &str, selector: &Selector) -> Result<Option<ModelVersion>>;
    /// Versions of a model, newest first.
    async fn list_versions(&self, model_id: Uuid, filter: VersionFilter, page: Page) -> Result<Vec<ModelVersion>>;
    /// The version of highest SemVer precedence (ties: newest), optionally of one status.
    async fn latest_version(&self, model_id: Uuid, filter: VersionFilter) -> Result<Option<ModelVersion>>;
    /// Every production version with its model, by model name.
    async fn production_versions(&self, page: Page) -> Result<Vec<VersionWithModel>>;
}

/// Reading training runs.
#[async_trait]
pub trait RunReads: Send + Sync {
    /// The training run with this id, if any.
    async fn run(&self, id: Uuid) -> Result<Option<TrainingRun>>;
    /// Runs of a version, newest first.
    async fn runs_of_version(&self, version_id: Uuid, filter: RunFilter, page: Page) -> Result<Vec<TrainingRun>>;
    /// Runs of every version of a model, newest first.
    async fn runs_of_model(&self, model_id: Uuid, filter: RunFilter, page: Page) -> Result<Vec<TrainingRun>>;
    /// Cost of every run, or of one model's runs.
    async fn cost_summary(&self, model_id: Option<Uuid>) -> Result<CostSummary>;
}

/// Reading metrics.
#[async_trait]
pub trait MetricReads: Send + Sync {
    /// Metrics of a version, newest first.
    async fn metrics_of_version(&self, version_id: Uuid, filter: &MetricFilter, page: Page) -> Result<Vec<Metric>>;
    /// The newest metric of each name (any split) of a version, by name.
    async fn latest_metrics(&self, version_id: Uuid, page: Page) -> Result<Vec<Metric>>;
}

/// Reading environments.
#[async_trait]
pub trait EnvironmentReads: Send + Sync {
    /// The environment with this id, if any.
    async fn environment(&self, id: Uuid) -> Result<Option<Environment>>;
    /// The environment with exactly this name, if any.
    async fn environment_by_name(&self, name: &str) -> Result<Option<Environment>>;
    /// Environments by name.
    async fn list_environments(&self, filter: EnvironmentFilter, page: Page) -> Result<Vec<Environment>>;
}

/// Reading deployments.
#[async_trait]
pub trait DeploymentReads: Send + Sync {
    /// The deployment with this id, if any.
    async fn deployment(&self, id: Uuid) -> Result<Option<Deployment>>;
    /// Deployments in an environment, newest first.
    async fn deployments_in(
        &self,
        environment_id: Uuid,
        filter: DeploymentFilter,
        page: Page,
    ) -> Result<Vec<Deployment>>;
    /// Deployments of a version, newest first.
    async fn deployments_of_version(
        &self,
        version_id: Uuid,
        filter: DeploymentFilter,
        page: Page,
    ) -> Result<Vec<Deployment>>;
    /// Healthy and degraded deployments with what they serve, newest first.
    async fn active_deployments(&self, page: Page) -> Result<Vec<ActiveDeployment>>;
}

/// Reading the audit trail; every listing is newest first.
#[async_trait]
pub trait AuditReads: Send + Sync {
    /// The events of one entity.
    async fn audit_of_entity(&self, kind: EntityKind, id: Uuid, page: Page) -> Result<Vec<AuditEvent>>;
    /// The events of changes made by `actor`.
    async fn audit_by_actor(&self, actor: &str, page: Page) -> Result<Vec<AuditEvent>>;
    /// Every event.
    async fn recent_audit(&self, page: Page) -> Result<Vec<AuditEvent>>;
}

/// Reading aliases, the history of statuses and aliases, and what runs
/// where against what should.
#[async_trait]
pub trait HistoryReads: Send + Sync {
    /// The alias `name` of a model.
    async fn alias(&self, model_id: Uuid, name: &str) -> Result<Option<Alias>>;
    /// A model's aliases with the semvers they point to, by name.
    async fn aliases_of_model(&self, model_id: Uuid, page: Page) -> Result<Vec<AliasWithVersion>>;
    /// The model's last status change into `status` at or before `at` (ties: the newest id).
    async fn last_change_to(
        &self,
        model_id: Uuid,
        status: VersionStatus,
        at: Timestamp,
    ) -> Result<Option<StatusChange>>;
    /// The version's last status change at or before `at`.
    async fn last_change_of(&self, version_id: Uuid, at: Timestamp) -> Result<Option<StatusChange>>;
    /// The alias's last change at or before `at`.
    async fn last_alias_change(&self, model_id: Uuid, alias: &str, at: Timestamp) -> Result<Option<AliasChange>>;
    /// A model's status changes, newest first.
    async fn status_changes(&self, model_id: Uuid, page: Page) -> Result<Vec<StatusChange>>;
    /// A model's alias changes, newest first.
    async fn alias_changes(&self, model_id: Uuid, page: Page) -> Result<Vec<AliasChange>>;
    /// Versions whose artifact has this checksum, across models, newest first.
    async fn versions_by_checksum(&self, checksum: &str, page: Page) -> Result<Vec<VersionWithModel>>;
    /// Healthy and degraded deployments whose version is not their model's
    /// production version (of one model, or of all), by environment and model name.
    async fn drift(&self, model_id: Option<Uuid>, page: Page) -> Result<Vec<Drift>>;
}

/// Running queries of the query language ([`crate::query`]).
#[async_trait]
pub trait QueryReads: Send + Sync {
    /// The rows `query` keeps, in its order, each with the values of its sort keys.
    async fn query(&self, query: &Compiled) -> Result<Vec<(Record, Vec<Value>)>>;
}

/// Figures across entities.
#[async_trait]
pub trait AnalyticsReads: Send + Sync {
    /// What a model amounts to: its versions, runs, deployments and their cost.
    async fn model_summary(&self, model_id: Uuid) -> Result<ModelSummary>;
    /// What a team amounts to: its models, their versions, runs, deployments and cost.
    async fn team_metrics(&self, team_id: Uuid) -> Result<TeamMetrics>;
    /// Deployments per status (statuses with none may be left out).
    async fn deployment_status_counts(&self) -> Result<DeploymentStatusCounts>;
    /// Active models with no training run started at or after `since`, by name.
    async fn models_not_trained_since(&self, since: Timestamp, page: Page) -> Result<Vec<Model>>;
    /// How many of each entity the store holds.
    async fn stats(&self) -> Result<Stats>;
}

/// Reading every record, kind by kind (through a [`Snapshot`] for export and copy).
#[async_trait]
pub trait RecordReads: Send + Sync {
    /// Up to `limit` records of `kind` with keys after `after`, in key order.
    async fn records(&self, kind: RecordKind, after: Option<RecordKey>, limit: u32) -> Result<Vec<Record>>;
    /// How many records of each kind the store holds.
    async fn record_counts(&self) -> Result<std::collections::BTreeMap<RecordKind, u64>>;
}

/// Facts about the store itself, and its schema.
#[async_trait]
pub trait StoreInfo: Send + Sync {
    /// "sqlite" or "postgres".
    fn backend(&self) -> &'static str;
    /// Where the data lives, with any password masked.
    fn location(&self) -> String;
    /// Every migration this build knows for this backend, oldest first.
    fn known_migrations(&self) -> &'static [Migration];
    /// Migrations applied to the database, oldest first.
    async fn applied_migrations(&self) -> Result<Vec<AppliedMigration>>;
    /// The schema version the database is at (0 when empty).
    async fn schema_version(&self) -> Result<i64> {
        Ok(self.applied_migrations().await?.last().map_or(0, |m| m.version))
    }
    /// The space the registry's data takes on disk, in bytes.
    async fn size_bytes(&self) -> Result<u64>;
    /// Applies pending migrations up to `target` (all when `None`).
    async fn upgrade(&self, target: Option<i64>) -> Result<()>;
    /// Reverts migrations down to `target`; 0 removes every table.
    async fn downgrade(&self, target: i64) -> Result<()>;
    /// Whether a write can be made now: the database answers and accepts a
    /// write (a disk that is full or read-only fails this).
    async fn check_writable(&self) -> Result<()>;
    /// Closes every connection (on SQLite checkpointing the WAL into the
    /// file); later calls fail with [`Error::Unavailable`].
    async fn close(&self) -> Result<()>;
}

/// The storage failure ([`Error::Storage`]: disk full, read-only) of a
/// store's last write, kept until a later write succeeds, so that
/// [`StoreInfo::check_writable`] reports it.
#[derive(Debug, Default)]
pub struct LastWrite(std::sync::Mutex<Option<Error>>);

impl LastWrite {
    fn kept(&self) -> std::sync::MutexGuard<'_, Option<Error>> {
        self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Notes a failed write: a storage failure is kept, any other is not.
    pub fn failed(&self, error: &Error) {
        if matches!(error, Error::Storage { .. }) {
            *self.kept() = Some(error.clone());
        }
    }

    /// Notes a write that succeeded (a commit): any kept failure is forgotten.
    pub fn succeeded(&self) {
        *self.kept() = None;
    }

    /// The kept failure, if any.
    pub fn check(&self) -> Result<()> {
        self.kept().clone().map_or(Ok(()), Err)
    }
}

/// `error` as a step of a larger task: an [`Error::Internal`] says which
/// task (`what`, e.g. "migration 2 (aliases) failed") it broke; the other
/// kinds speak for themselves.
pub fn failed_while(what: &str, error: Error) -> Error {
    match error {
        Error::Internal { message, source } => Error::Internal {
            message: format!("{what}: {message}"),
            source,
        },
        other => other,
    }
}

/// Everything a backend provides: the registry is built on this.
pub trait Store:
    Transactional
    + TeamReads
    + ModelReads
    + VersionReads
    + RunReads
    + MetricReads
    + EnvironmentReads
    + DeploymentReads
    + AuditReads
    + AnalyticsReads
    + HistoryReads
    + QueryReads
    + RecordReads
    + Snapshots
    + StoreInfo
{
}

impl<T> Store for T where
    T: Transactional
        + Snapshots
        + TeamReads
        + ModelReads
        + VersionReads
        + RunReads
        + MetricReads
        + EnvironmentReads
        + DeploymentReads
        + AuditReads
        + AnalyticsReads
        + HistoryReads
        + QueryReads
        + RecordReads
        + StoreInfo
{
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_storage_failure_is_kept_until_a_write_succeeds() {
        let last = LastWrite::default();
        last.failed(&Error::invalid("name", "bad"));
        assert!(last.check().is_ok(), "only storage failures are kept");
        let full = Error::storage("disk full");
        last.failed(&full);
        assert_eq!(last.check(), Err(full));
        last.succeeded();
        assert!(last.check().is_ok());
    }

    #[test]
    fn failed_while_names_the_task_of_an_internal_error_only() {
        let internal = failed_while("migration 2 (x) failed", Error::internal("SQLite failed"));
        assert_eq!(
            internal.to_string(),
            "internal error: migration 2 (x) failed: SQLite failed"
        );
        let busy = failed_while("migration 2 (x) failed", Error::unavailable("busy"));
        assert_eq!(busy, Error::unavailable("busy"));
    }
}
