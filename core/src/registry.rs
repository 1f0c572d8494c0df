//! The registry service: every operation of DESIGN.md, with its rules, over any [`Store`].

use std::sync::Arc;

use uuid::Uuid;

use crate::analytics::{DeploymentStatusCounts, ModelSummary, Stats, TeamMetrics};
use crate::audit::{self, Actor, AuditAction, AuditEvent};
use crate::deployments::{self, ActiveDeployment, Deployment, DeploymentFilter, DeploymentStatus, NewDeployment};
use crate::environments::{Environment, EnvironmentFilter, EnvironmentUpdate, NewEnvironment};
use crate::error::{EntityKind, Error, Result};
use crate::metrics::{Metric, MetricFilter, NewMetric};
use crate::models::{Model, ModelFilter, ModelTag, ModelUpdate, NewModel, Tag, TagUsage};
use crate::runs::{CostSummary, NewRun, RunFilter, RunFinish, RunStatus, TrainingRun};
use crate::store::{Page, Record, Store, Tx};
use crate::teams::{NewTeam, Team, TeamFilter, TeamUpdate};
use crate::time::{self, Timestamp};
use crate::validate;
use crate::versions::{self, ModelVersion, NewVersion, VersionFilter, VersionStatus, VersionWithModel};

/// A model with all of its versions (newest first).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ModelWithVersions {
    pub model: Model,
    pub versions: Vec<ModelVersion>,
}

/// The registry: validates, decides and audits; the store only keeps.
#[derive(Clone)]
pub struct Registry {
    store: Arc<dyn Store>,
}

fn required<T>(found: Option<T>, entity: EntityKind, key: impl std::fmt::Display) -> Result<T> {
    found.ok_or_else(|| Error::not_found(entity, key))
}

/// A write transaction that records an audit event with each change.
struct Change<'a> {
    tx: Box<dyn Tx + 'a>,
    actor: &'a Actor,
    now: Timestamp,
}

impl Change<'_> {
    async fn audit(
        &mut self,
        kind: EntityKind,
        id: Uuid,
        action: AuditAction,
        changes: validate::JsonObject,
    ) -> Result<()> {
        let event = AuditEvent::new(kind, id, action, self.actor, changes, self.now);
        self.tx.insert(Record::AuditEvent(event)).await
    }

    /// Inserts `record` with an audit event of `action` listing its fields.
    async fn create<T: serde::Serialize>(&mut self, entity: &T, record: Record, action: AuditAction) -> Result<()> {
        let (kind, id) = (record.kind(), record.id());
        self.tx.insert(record).await?;
        self.audit(kind, id, action, audit::snapshot(entity)).await
    }

    /// Replaces `old` by `new` with an `update` event of what differs.
    async fn update<T: serde::Serialize>(&mut self, old: &T, new: &T, record: Record) -> Result<()> {
        let (kind, id) = (record.kind(), record.id());
        let changes = audit::diff(old, new);
        self.tx.update(record).await?;
        self.audit(kind, id, AuditAction::Update, changes).await
    }

    /// Deletes an entity with a `delete` event holding its last fields.
    async fn delete<T: serde::Serialize>(&mut self, kind: EntityKind, id: Uuid, last: &T) -> Result<()> {
        self.tx.delete(kind, id).await?;
        self.audit(kind, id, AuditAction::Delete, audit::snapshot(last)).await
    }

    async fn commit(self) -> Result<()> {
        self.tx.commit().await
    }
}

impl Registry {
    /// A registry over `store`.
    pub fn new(store: Arc<dyn Store>) -> Registry {
        Registry { store }
    }

    /// The store this registry keeps its data in.
    pub fn store(&self) -> &dyn Store {
        self.store.as_ref()
    }

    /// A shared handle on the store.
    pub fn store_arc(&self) -> Arc<dyn Store> {
        Arc::clone(&self.store)
    }

    async fn change<'a>(&'a self, actor: &'a Actor) -> Result<Change<'a>> {
        Ok(Change {
            tx: self.store.begin().await?,
            actor,
            now: time::now(),
        })
    }

    // ----- teams -------------------------------------------------------

    /// Creates a team.
    pub async fn create_team(&self, new: NewTeam, actor: &Actor) -> Result<Team> {
        let team = Team {
            id: Uuid::now_v7(),
            name: new.name,
            department: new.department,
            cost_center: new.cost_center,
            active: true,
            created_at: time::now(),
        };
        team.validate()?;
        let mut change = self.change(actor).await?;
        change
            .create(&team, Record::Team(team.clone()), AuditAction::Create)
            .await?;
        change.commit().await?;
        Ok(team)
    }

    /// The team with this id.
    pub async fn team(&self, id: Uuid) -> Result<Team> {
        required(self.store.team(id).await?, EntityKind::Team, id)
    }

    /// The team with this name.
    pub async fn team_by_name(&self, name: &str) -> Result<Team> {
        required(self.store.team_by_name(name).await?, EntityKind::Team, name)
    }

    /// Teams by name.
    pub async fn list_teams(&self, filter: TeamFilter, page: Page) -> Result<Vec<Team>> {
        self.store.list_teams(filter, page).await
    }

    /// Changes a team's fields.
    pub async fn update_team(&self, id: Uuid, update: TeamUpdate, actor: &Actor) -> Result<Team> {
        let mut change = self.change(actor).await?;
        let old = required(change.tx.team(id).await?, EntityKind::Team, id)?;
        let new = old.apply(update);
        new.validate()?;
        if new != old {
            change.update(&old, &new, Record::Team(new.clone())).await?;
            change.commit().await?;
        }
        Ok(new)
    }

    /// Marks a team inactive (a soft delete).
    pub async fn deactivate_team(&self, id: Uuid, actor: &Actor) -> Result<Team> {
        let update = TeamUpdate {
            active: Some(false),
            ..TeamUpdate::default()
        };
        self.update_team(id, update, actor).await
    }

    /// Deletes a team; its models stay, with no team.
    pub async fn delete_team(&self, id: Uuid, actor: &Actor) -> Result<()> {
        let mut change = self.change(actor).await?;
        let team = required(change.tx.team(id).await?, EntityKind::Team, id)?;
        change.delete(EntityKind::Team, id, &team).await?;
        change.commit().await
    }

    // ----- models and tags ---------------------------------------------

    /// Creates a model.
    pub async fn create_model(&self, new: NewModel, actor: &Actor) -> Result<Model> {
        let now = time::now();
        let model = Model {
            id: Uuid::now_v7(),
            name: new.name,
            description: new.description,
            use_case: new.use_case,
            team_id: new.team_id,
            risk_level: new.risk_level,
            compliance_required: new.compliance_required,
            is_active: true,
            created_at: now,
            updated_at: now,
        };
        model.validate()?;
        let mut change = self.change(actor).await?;
        if let Some(team_id) = model.team_id {
            required(change.tx.team(team_id).await?, EntityKind::Team, team_id)?;
        }
        change
            .create(&model, Record::Model(model.clone()), AuditAction::Create)
            .await?;
        change.commit().await?;
        Ok(model)
    }

    /// The model with this id.
    pub async fn model(&self, id: Uuid) -> Result<Model> {
        required(self.store.model(id).await?, EntityKind::Model, id)
    }

    /// The model with this name.
    pub async fn model_by_name(&self, name: &str) -> Result<Model> {
        required(self.store.model_by_name(name).await?, EntityKind::Model, name)
    }

    /// A model with all of its versions, newest first.
    pub async fn model_with_versions(&self, id: Uuid) -> Result<ModelWithVersions> {
        let model = self.model(id).await?;
        let mut versions = Vec::new();
        loop {
            let page = Page::new(versions.len() as u64, crate::store::MAX_LIMIT)?;
            let batch = self.store.list_versions(id, VersionFilter::default(), page).await?;
            let done = batch.len() < page.limit as usize;
            versions.extend(batch);
            if done {
                return Ok(ModelWithVersions { model, versions });
            }
        }
    }

    /// Models by name.
    pub async fn list_models(&self, filter: ModelFilter, page: Page) -> Result<Vec<Model>> {
        self.store.list_models(filter, page).await
    }

    /// Models whose name contains `term`, ignoring case; `%` and `_` match themselves.
    pub async fn search_models(&self, term: &str, page: Page) -> Result<Vec<Model>> {
        validate::text("term", term, 200)?;
        self.store.search_models(&crate::models::fold(term), page).await
    }

    /// Changes a model's fields; `updated_at` moves on every real change.
    pub async fn update_model(&self, id: Uuid, update: ModelUpdate, actor: &Actor) -> Result<Model> {
        let mut change = self.change(actor).await?;
        let old = required(change.tx.model(id).await?, EntityKind::Model, id)?;
        let new = old.apply(update, change.now);
        new.validate()?;
        if (Model {
            updated_at: old.updated_at,
            ..new.clone()
        }) == old
        {
            return Ok(old);
        }
        if let Some(team_id) = new.team_id.filter(|t| Some(*t) != old.team_id) {
            required(change.tx.team(team_id).await?, EntityKind::Team, team_id)?;
        }
        change.update(&old, &new, Record::Model(new.clone())).await?;
        change.commit().await?;
        Ok(new)
    }

    /// Deletes a model with its versions, runs, metrics and deployments.
    pub async fn delete_model(&self, id: Uuid, actor: &Actor) -> Result<()> {
        let mut change = self.change(actor).await?;
        let model = required(change.tx.model(id).await?, EntityKind::Model, id)?;
        change.delete(EntityKind::Model, id, &model).await?;
        change.commit().await
    }

    /// Tags a model, creating the tag if it is new. False when the model already had it.
    pub async fn add_tag(&self, model_id: Uuid, tag_name: &str, actor: &Actor) -> Result<bool> {
        validate::name("tag", tag_name, 50)?;
        let mut change = self.change(actor).await?;
        required(change.tx.model(model_id).await?, EntityKind::Model, model_id)?;
        let tag = match change.tx.tag_by_name(tag_name).await? {
            Some(tag) => tag,
            None => {
                let tag = Tag {
                    id: Uuid::now_v7(),
                    name: tag_name.to_owned(),
                    description: None,
                    created_at: change.now,
                };
                change
                    .create(&tag, Record::Tag(tag.clone()), AuditAction::Create)
                    .await?;
                tag
            }
        };
        if change.tx.has_tag(model_id, tag.id).await? {
            return Ok(false);
        }
        let link = ModelTag {
            model_id,
            tag_id: tag.id,
            assigned_at: change.now,
        };
        change.tx.insert(Record::ModelTag(link)).await?;
        let changes = serde_json::json!({"tags": {"added": tag.name}});
        change
            .audit(
                EntityKind::Model,
                model_id,
                AuditAction::Update,
                audit::snapshot(&changes),
            )
            .await?;
        change.commit().await?;
        Ok(true)
    }

    /// Removes a tag from a model. False when the model did not carry it.
    pub async fn remove_tag(&self, model_id: Uuid, tag_name: &str, actor: &Actor) -> Result<bool> {
        let mut change = self.change(actor).await?;
        required(change.tx.model(model_id).await?, EntityKind::Model, model_id)?;
        let Some(tag) = change.tx.tag_by_name(tag_name).await? else {
            return Ok(false);
        };
        if !change.tx.unlink_tag(model_id, tag.id).await? {
            return Ok(false);
        }
        let changes = serde_json::json!({"tags": {"removed": tag.name}});
        change
            .audit(
                EntityKind::Model,
                model_id,
                AuditAction::Update,
                audit::snapshot(&changes),
            )
            .await?;
        change.commit().await?;
        Ok(true)
    }

    /// Models carrying a tag, by name.
    pub async fn models_by_tag(&self, tag_name: &str, page: Page) -> Result<Vec<Model>> {
        self.store.models_by_tag(tag_name, page).await
    }

    /// The tags of a model, by name.
    pub async fn tags_of_model(&self, model_id: Uuid) -> Result<Vec<Tag>> {
        self.model(model_id).await?;
        self.store.tags_of_model(model_id).await
    }

    /// Every tag with the number of models carrying it.
    pub async fn list_tags(&self) -> Result<Vec<TagUsage>> {
        self.store.list_tags().await
    }

    // ----- versions ----------------------------------------------------

    /// Registers a new version of a model (status registered).
    pub async fn register_version(&self, model_id: Uuid, new: NewVersion, actor: &Actor) -> Result<ModelVersion> {
        let version = ModelVersion {
            id: Uuid::now_v7(),
            model_id,
            semver: new.semver,
            artifact_uri: new.artifact_uri,
            framework: new.framework,
            framework_version: new.framework_version,
            python_version: new.python_version,
            status: VersionStatus::Registered,
            size_bytes: new.size_bytes,
            checksum_sha256: new
                .checksum_sha256
                .as_deref()
                .map(validate::checksum_sha256)
                .transpose()?,
            metadata: new.metadata,
            created_at: time::now(),
        };
        version.validate()?;
        let mut change = self.change(actor).await?;
        // A missing parent fails the insert's foreign key: NotFound, via Record::missing_parent.
        change
            .create(&version, Record::ModelVersion(version.clone()), AuditAction::Create)
            .await?;
        change.commit().await?;
        Ok(version)
    }

    /// The version with this id.
    pub async fn version(&self, id: Uuid) -> Result<ModelVersion> {
        required(self.store.version(id).await?, EntityKind::ModelVersion, id)
    }

    /// The version of a model with this semver.
    pub async fn version_by_semver(&self, model_id: Uuid, semver: &str) -> Result<ModelVersion> {
        let found = self.store.version_by_semver(model_id, semver).await?;
        required(found, EntityKind::ModelVersion, format_args!("{model_id}@{semver}"))
    }

    /// The version `semver` of the model named `model_name` (`MODEL@SEMVER`).
    pub async fn version_by_name(&self, model_name: &str, semver: &str) -> Result<ModelVersion> {
        if let Some(version) = self.store.version_by_model_name(model_name, semver).await? {
            return Ok(version);
        }
        // Say which part is missing: the model, or this version of it.
        self.model_by_name(model_name).await?;
        Err(Error::not_found(
            EntityKind::ModelVersion,
            format_args!("{model_name}@{semver}"),
        ))
    }

    /// Versions of a model, newest first.
    pub async fn list_versions(&self, model_id: Uuid, filter: VersionFilter, page: Page) -> Result<Vec<ModelVersion>> {
        self.model(model_id).await?;
        self.store.list_versions(model_id, filter, page).await
    }

    /// The version of highest SemVer precedence (optionally of one status).
    pub async fn latest_version(&self, model_id: Uuid, status: Option<VersionStatus>) -> Result<Option<ModelVersion>> {
        self.model(model_id).await?;
        self.store.latest_version(model_id, VersionFilter { status }).await
    }

    /// The production version of a model, if it has one.
    pub async fn production_version(&self, model_id: Uuid) -> Result<Option<ModelVersion>> {
        self.latest_version(model_id, Some(VersionStatus::Production)).await
    }

    /// Moves a version to `status`. Promoting to production archives the
    /// model's previous production version in the same transaction;
    /// deprecated is final.
    pub async fn set_version_status(&self, id: Uuid, status: VersionStatus, actor: &Actor) -> Result<ModelVersion> {
        let mut change = self.change(actor).await?;
        let old = required(change.tx.version(id).await?, EntityKind::ModelVersion, id)?;
        versions::check_transition(old.status, status)?;
        if old.status == status {
            return Ok(old);
        }
        if status == VersionStatus::Production {
            // Locks the model, so that concurrent promotions take turns.
            change.tx.model(old.model_id).await?;
            if let Some(previous) = change.tx.production_version(old.model_id).await? {
                let archived = ModelVersion {
                    status: VersionStatus::Archived,
                    ..previous.clone()
                };
                change
                    .update(&previous, &archived, Record::ModelVersion(archived.clone()))
                    .await?;
            }
        }
        let new = ModelVersion { status, ..old.clone() };
        change.update(&old, &new, Record::ModelVersion(new.clone())).await?;
        change.commit().await?;
        Ok(new)
    }

    /// Every production version with its model.
    pub async fn production_versions(&self) -> Result<Vec<VersionWithModel>> {
        self.store.production_versions().await
    }

    /// Deletes a version with its runs, metrics and deployments.
    pub async fn delete_version(&self, id: Uuid, actor: &Actor) -> Result<()> {
        let mut change = self.change(actor).await?;
        let version = required(change.tx.version(id).await?, EntityKind::ModelVersion, id)?;
        change.delete(EntityKind::ModelVersion, id, &version).await?;
        change.commit().await
    }

    // ----- training runs -----------------------------------------------

    /// Starts a training run of a version.
    pub async fn start_run(&self, version_id: Uuid, new: NewRun, actor: &Actor) -> Result<TrainingRun> {
        let run = TrainingRun {
            id: Uuid::now_v7(),
            version_id,
            run_name: new.run_name,
            status: RunStatus::Running,
            started_at: new.started_at.map(time::truncate).unwrap_or_else(time::now),
            completed_at: None,
            duration_seconds: None,
            gpu_hours: new.gpu_hours,
            cost_usd: new.cost_usd,
            dataset_name: new.dataset_name,
            dataset_version: new.dataset_version,
            hyperparameters: new.hyperparameters,
            environment: new.environment,
            created_by: new.created_by,
        };
        run.validate()?;
        let mut change = self.change(actor).await?;
        // A missing parent fails the insert's foreign key: NotFound, via Record::missing_parent.
        change
            .create(&run, Record::TrainingRun(run.clone()), AuditAction::Create)
            .await?;
        change.commit().await?;
        Ok(run)
    }

    /// The run with this id.
    pub async fn run(&self, id: Uuid) -> Result<TrainingRun> {
        required(self.store.run(id).await?, EntityKind::TrainingRun, id)
    }

    /// Runs of a version, newest first.
    pub async fn runs_of_version(&self, version_id: Uuid, filter: RunFilter, page: Page) -> Result<Vec<TrainingRun>> {
        self.version(version_id).await?;
        self.store.runs_of_version(version_id, filter, page).await
    }

    /// Runs of every version of a model, newest first.
    pub async fn runs_of_model(&self, model_id: Uuid, filter: RunFilter, page: Page) -> Result<Vec<TrainingRun>> {
        self.model(model_id).await?;
        self.store.runs_of_model(model_id, filter, page).await
    }

    /// Ends a running run.
    pub async fn finish_run(&self, id: Uuid, finish: RunFinish, actor: &Actor) -> Result<TrainingRun> {
        let mut change = self.change(actor).await?;
        let old = required(change.tx.run(id).await?, EntityKind::TrainingRun, id)?;
        let new = old.finished(finish, change.now)?;
        change.update(&old, &new, Record::TrainingRun(new.clone())).await?;
        change.commit().await?;
        Ok(new)
    }

    /// Total cost, GPU hours and run count: of every run, or of one model's.
    pub async fn cost_summary(&self, model_id: Option<Uuid>) -> Result<CostSummary> {
        if let Some(id) = model_id {
            self.model(id).await?;
        }
        self.store.cost_summary(model_id).await
    }

    // ----- metrics -----------------------------------------------------

    /// Records a metric of a version.
    pub async fn record_metric(&self, version_id: Uuid, new: NewMetric, actor: &Actor) -> Result<Metric> {
        let metric = Metric {
            id: Uuid::now_v7(),
            version_id,
            name: new.name,
            value: new.value,
            split: new.split,
            recorded_at: new.recorded_at.map(time::truncate).unwrap_or_else(time::now),
        };
        metric.validate()?;
        let mut change = self.change(actor).await?;
        // A missing parent fails the insert's foreign key: NotFound, via Record::missing_parent.
        change
            .create(&metric, Record::Metric(metric.clone()), AuditAction::Create)
            .await?;
        change.commit().await?;
        Ok(metric)
    }

    /// Metrics of a version, newest first.
    pub async fn metrics_of_version(&self, version_id: Uuid, filter: &MetricFilter, page: Page) -> Result<Vec<Metric>> {
        self.version(version_id).await?;
        self.store.metrics_of_version(version_id, filter, page).await
    }

    /// The newest value of each metric name of a version, by name.
    pub async fn latest_metrics(&self, version_id: Uuid) -> Result<Vec<Metric>> {
        self.version(version_id).await?;
        self.store.latest_metrics(version_id).await
    }

    // ----- environments ------------------------------------------------

    /// Creates an environment.
    pub async fn create_environment(&self, new: NewEnvironment, actor: &Actor) -> Result<Environment> {
        let env = Environment {
            id: Uuid::now_v7(),
            name: new.name,
            kind: new.kind,
            region: new.region,
            kubernetes_namespace: new.kubernetes_namespace,
            config: new.config,
            is_active: true,
            created_at: time::now(),
        };
        env.validate()?;
        let mut change = self.change(actor).await?;
        change
            .create(&env, Record::Environment(env.clone()), AuditAction::Create)
            .await?;
        change.commit().await?;
        Ok(env)
    }

    /// The environment with this id.
    pub async fn environment(&self, id: Uuid) -> Result<Environment> {
        required(self.store.environment(id).await?, EntityKind::Environment, id)
    }

    /// The environment with this name.
    pub async fn environment_by_name(&self, name: &str) -> Result<Environment> {
        required(
            self.store.environment_by_name(name).await?,
            EntityKind::Environment,
            name,
        )
    }

    /// Environments by name.
    pub async fn list_environments(&self, filter: EnvironmentFilter, page: Page) -> Result<Vec<Environment>> {
        self.store.list_environments(filter, page).await
    }

    /// Changes an environment's fields.
    pub async fn update_environment(&self, id: Uuid, update: EnvironmentUpdate, actor: &Actor) -> Result<Environment> {
        let mut change = self.change(actor).await?;
        let old = required(change.tx.environment(id).await?, EntityKind::Environment, id)?;
        let new = old.apply(update);
        new.validate()?;
        if new != old {
            change.update(&old, &new, Record::Environment(new.clone())).await?;
            change.commit().await?;
        }
        Ok(new)
    }

    /// Marks an environment inactive.
    pub async fn deactivate_environment(&self, id: Uuid, actor: &Actor) -> Result<Environment> {
        let update = EnvironmentUpdate {
            is_active: Some(false),
            ..EnvironmentUpdate::default()
        };
        self.update_environment(id, update, actor).await
    }

    // ----- deployments -------------------------------------------------

    /// Deploys a version into an active environment (audited as `deploy`).
    pub async fn deploy(
        &self,
        version_id: Uuid,
        environment_id: Uuid,
        new: NewDeployment,
        actor: &Actor,
    ) -> Result<Deployment> {
        let deployment = Deployment {
            id: Uuid::now_v7(),
            version_id,
            environment_id,
            name: new.name,
            status: new.status,
            endpoint_url: new.endpoint_url,
            replicas: new.replicas,
            cpu_request: new.cpu_request,
            memory_request: new.memory_request,
            gpu_count: new.gpu_count,
            deployed_at: time::now(),
            deployed_by: Some(actor.as_str().to_owned()),
            terminated_at: None,
        };
        deployment.validate()?;
        if deployment.status == DeploymentStatus::Terminated {
            return Err(Error::invalid("status", "a new deployment cannot start terminated"));
        }
        let mut change = self.change(actor).await?;
        required(
            change.tx.version(version_id).await?,
            EntityKind::ModelVersion,
            version_id,
        )?;
        let env = required(
            change.tx.environment(environment_id).await?,
            EntityKind::Environment,
            environment_id,
        )?;
        if !env.is_active {
            return Err(Error::invalid(
                "environment",
                format!("environment {} is inactive; reactivate it or choose another", env.name),
            ));
        }
        change
            .create(&deployment, Record::Deployment(deployment.clone()), AuditAction::Deploy)
            .await?;
        change.commit().await?;
        Ok(deployment)
    }

    /// The deployment with this id.
    pub async fn deployment(&self, id: Uuid) -> Result<Deployment> {
        required(self.store.deployment(id).await?, EntityKind::Deployment, id)
    }

    /// Deployments in an environment, newest first.
    pub async fn deployments_in(
        &self,
        environment_id: Uuid,
        filter: DeploymentFilter,
        page: Page,
    ) -> Result<Vec<Deployment>> {
        self.environment(environment_id).await?;
        self.store.deployments_in(environment_id, filter, page).await
    }

    /// Deployments of a version, newest first.
    pub async fn deployments_of_version(
        &self,
        version_id: Uuid,
        filter: DeploymentFilter,
        page: Page,
    ) -> Result<Vec<Deployment>> {
        self.version(version_id).await?;
        self.store.deployments_of_version(version_id, filter, page).await
    }

    /// Healthy and degraded deployments with their version, model and environment.
    pub async fn active_deployments(&self) -> Result<Vec<ActiveDeployment>> {
        self.store.active_deployments().await
    }

    /// Moves a deployment to `status`; terminated stamps `terminated_at` and is final.
    pub async fn set_deployment_status(&self, id: Uuid, status: DeploymentStatus, actor: &Actor) -> Result<Deployment> {
        let mut change = self.change(actor).await?;
        let old = required(change.tx.deployment(id).await?, EntityKind::Deployment, id)?;
        let new = old.with_status(status, change.now)?;
        if new != old {
            change.update(&old, &new, Record::Deployment(new.clone())).await?;
            change.commit().await?;
        }
        Ok(new)
    }

    /// Terminates a deployment.
    pub async fn terminate_deployment(&self, id: Uuid, actor: &Actor) -> Result<Deployment> {
        self.set_deployment_status(id, DeploymentStatus::Terminated, actor)
            .await
    }

    /// Sets the number of replicas of a deployment.
    pub async fn scale_deployment(&self, id: Uuid, replicas: i32, actor: &Actor) -> Result<Deployment> {
        let mut change = self.change(actor).await?;
        let old = required(change.tx.deployment(id).await?, EntityKind::Deployment, id)?;
        let new = old.scaled(replicas)?;
        if new != old {
            change.update(&old, &new, Record::Deployment(new.clone())).await?;
            change.commit().await?;
        }
        Ok(new)
    }

    /// Terminates a deployment and deploys, in the same environment, the
    /// version of the same model that ran there before it. Returns the new
    /// deployment; fails and changes nothing when there is no earlier version.
    pub async fn rollback_deployment(&self, id: Uuid, actor: &Actor) -> Result<Deployment> {
        let mut change = self.change(actor).await?;
        let current = required(change.tx.deployment(id).await?, EntityKind::Deployment, id)?;
        if current.status == DeploymentStatus::Terminated {
            return Err(Error::invalid(
                "deployment",
                format!("deployment {id} is already terminated; roll back the deployment that replaced it"),
            ));
        }
        let version = required(
            change.tx.version(current.version_id).await?,
            EntityKind::ModelVersion,
            current.version_id,
        )?;
        let history = change
            .tx
            .deployments_of_model_in(version.model_id, current.environment_id)
            .await?;
        let Some(target) = deployments::rollback_target(&current, &history) else {
            return Err(Error::invalid(
                "deployment",
                format!(
                    "no earlier version of this model was deployed in this environment before {} {}; nothing to roll back to",
                    version.semver, current.name
                ),
            ));
        };
        let restored = Deployment {
            id: Uuid::now_v7(),
            version_id: target.version_id,
            status: DeploymentStatus::Deploying,
            deployed_at: time::now(),
            deployed_by: Some(actor.as_str().to_owned()),
            terminated_at: None,
            ..current.clone()
        };
        restored.validate()?;
        let terminated = current.with_status(DeploymentStatus::Terminated, change.now)?;
        change
            .update(&current, &terminated, Record::Deployment(terminated.clone()))
            .await?;
        let mut changes = audit::snapshot(&restored);
        changes.insert("rolled_back_deployment_id".into(), current.id.to_string().into());
        changes.insert("rolled_back_version_id".into(), current.version_id.to_string().into());
        change.tx.insert(Record::Deployment(restored.clone())).await?;
        change
            .audit(EntityKind::Deployment, restored.id, AuditAction::Rollback, changes)
            .await?;
        change.commit().await?;
        Ok(restored)
    }

    // ----- audit -------------------------------------------------------

    /// The audit trail of one entity, newest first.
    pub async fn audit_of_entity(&self, kind: EntityKind, id: Uuid, page: Page) -> Result<Vec<AuditEvent>> {
        self.store.audit_of_entity(kind, id, page).await
    }

    /// Everything an actor changed, newest first.
    pub async fn audit_by_actor(&self, actor: &str, page: Page) -> Result<Vec<AuditEvent>> {
        self.store.audit_by_actor(actor, page).await
    }

    /// The most recent changes.
    pub async fn recent_audit(&self, page: Page) -> Result<Vec<AuditEvent>> {
        self.store.recent_audit(page).await
    }

    // ----- analytics ---------------------------------------------------

    /// Version, run and deployment counts, latest and production semver, GPU hours and cost of a model.
    pub async fn model_summary(&self, model_id: Uuid) -> Result<ModelSummary> {
        self.model(model_id).await?;
        self.store.model_summary(model_id).await
    }

    /// Model, version, run and deployment counts, GPU hours and cost of a team.
    pub async fn team_metrics(&self, team_id: Uuid) -> Result<TeamMetrics> {
        self.team(team_id).await?;
        self.store.team_metrics(team_id).await
    }

    /// Deployments per status; every status is present, with 0 when it has none.
    pub async fn deployment_status_counts(&self) -> Result<DeploymentStatusCounts> {
        let mut counts: DeploymentStatusCounts = DeploymentStatus::ALL.iter().map(|s| (*s, 0)).collect();
        counts.extend(self.store.deployment_status_counts().await?);
        Ok(counts)
    }

    /// Active models with no training run started in the last `days` days.
    pub async fn stale_models(&self, days: u32) -> Result<Vec<Model>> {
        const MAX_DAYS: u32 = 100 * 366;
        if days > MAX_DAYS {
            return Err(Error::invalid(
                "days",
                format!("must be at most {MAX_DAYS} (got {days})"),
            ));
        }
        let since = time::now() - chrono::Duration::days(days.into());
        self.store.models_not_trained_since(since).await
    }

    /// How many of each entity the registry holds.
    pub async fn stats(&self) -> Result<Stats> {
        self.store.stats().await
    }
}
