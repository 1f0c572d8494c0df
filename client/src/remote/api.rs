//! Every registry operation as one request to `modelreg serve` (see the
//! server's OpenAPI document for the routes). References travel as text in
//! one path segment (`fraud@champion`, a name, an id) and are resolved by
//! the server inside the operation's transaction, as locally. Every name in
//! a path goes as `name:NAME`, so that no name (an empty one, `.`, one that
//! reads as an id or as a route) is read as anything else.

use std::io::Write;

use async_trait::async_trait;
use modelreg_core::aliases::{Alias, AliasWithVersion};
use modelreg_core::analytics::{DeploymentStatusCounts, ModelSummary, Stats, TeamMetrics};
use modelreg_core::audit::AuditEvent;
use modelreg_core::deployments::{
    ActiveDeployment, Deployment, DeploymentFilter, DeploymentStatus, Drift, NewDeployment,
};
use modelreg_core::environments::{Environment, EnvironmentFilter, EnvironmentUpdate, NewEnvironment};
use modelreg_core::history::HistoryEntry;
use modelreg_core::metrics::{Metric, MetricFilter, NewMetric};
use modelreg_core::models::{Model, ModelFilter, ModelUpdate, NewModel, Tag, TagUpdate, TagUsage};
use modelreg_core::query::{Listing, Query};
use modelreg_core::registry::Registered;
use modelreg_core::runs::{CostSummary, NewRun, RunFilter, RunFinish, TrainingRun};
use modelreg_core::teams::{NewTeam, Team, TeamFilter, TeamUpdate};
use modelreg_core::transfer::{Header, Progress};
use modelreg_core::versions::{
    ModelVersion, NewVersion, VersionFilter, VersionStatus, VersionUpdate, VersionWithModel,
};
use modelreg_core::{EntityKind, ModelWithVersions, Page, Ref, RegistryApi, Result, Timestamp, VersionRef};
use reqwest::Method;
use serde_json::json;
use uuid::Uuid;

use super::texts::{Added, Removed, SchemaVersion, instant, name_text, optional, query_params, version_text, with};
use super::{Params, RemoteRegistry, bodies, paging};

#[async_trait]
impl RegistryApi for RemoteRegistry {
    async fn create_team(&self, new: NewTeam) -> Result<Team> {
        self.with_body(Method::POST, &["v1", "teams"], &new).await
    }
    async fn team(&self, team: &Ref) -> Result<Team> {
        self.get(&["v1", "teams", &Ref::to_segment(team)], Params::new()).await
    }
    async fn list_teams(&self, filter: TeamFilter, page: Page) -> Result<Vec<Team>> {
        let params = with(paging(page), "active_only", filter.active_only.then_some(true));
        self.get(&["v1", "teams"], params).await
    }
    async fn update_team(&self, team: &Ref, update: TeamUpdate) -> Result<Team> {
        let body = bodies::team_update(&update)?;
        self.with_body(Method::PATCH, &["v1", "teams", &Ref::to_segment(team)], &body)
            .await
    }
    async fn deactivate_team(&self, team: &Ref) -> Result<Team> {
        self.bare(Method::POST, &["v1", "teams", &Ref::to_segment(team), "deactivate"])
            .await
    }
    async fn delete_team(&self, team: &Ref) -> Result<()> {
        self.delete(&["v1", "teams", &Ref::to_segment(team)]).await
    }
    async fn team_metrics(&self, team: &Ref) -> Result<TeamMetrics> {
        self.get(&["v1", "teams", &Ref::to_segment(team), "metrics"], Params::new())
            .await
    }

    async fn create_model(&self, new: NewModel) -> Result<Model> {
        self.with_body(Method::POST, &["v1", "models"], &new).await
    }
    async fn model(&self, model: &Ref) -> Result<Model> {
        self.get(&["v1", "models", &Ref::to_segment(model)], Params::new())
            .await
    }
    async fn model_with_versions(&self, model: &Ref, page: Page) -> Result<ModelWithVersions> {
        self.get(&["v1", "models", &Ref::to_segment(model), "overview"], paging(page))
            .await
    }
    async fn list_models(&self, filter: ModelFilter, page: Page) -> Result<Vec<Model>> {
        let mut params = with(paging(page), "active_only", filter.active_only.then_some(true));
        params = with(params, "team", filter.team.as_ref().map(Ref::to_segment));
        params = with(params, "risk_level", filter.risk_level.map(|r| r.as_str()));
        self.get(&["v1", "models"], params).await
    }
    async fn search_models(&self, term: &str, page: Page) -> Result<Vec<Model>> {
        let params = with(paging(page), "q", Some(term));
        self.get(&["v1", "models", "search"], params).await
    }
    async fn update_model(&self, model: &Ref, update: ModelUpdate) -> Result<Model> {
        let body = bodies::model_update(&update)?;
        self.with_body(Method::PATCH, &["v1", "models", &Ref::to_segment(model)], &body)
            .await
    }
    async fn delete_model(&self, model: &Ref) -> Result<()> {
        self.delete(&["v1", "models", &Ref::to_segment(model)]).await
    }
    async fn add_tag(&self, model: &Ref, tag_name: &str) -> Result<bool> {
        let segments = ["v1", "models", &Ref::to_segment(model), "tags", &name_text(tag_name)];
        Ok(self.bare::<Added>(Method::PUT, &segments).await?.added)
    }
    async fn remove_tag(&self, model: &Ref, tag_name: &str) -> Result<bool> {
        let segments = ["v1", "models", &Ref::to_segment(model), "tags", &name_text(tag_name)];
        Ok(self.bare::<Removed>(Method::DELETE, &segments).await?.removed)
    }
    async fn update_tag(&self, name: &str, update: TagUpdate) -> Result<Tag> {
        let body = bodies::tag_update(&update)?;
        self.with_body(Method::PATCH, &["v1", "tags", &name_text(name)], &body)
            .await
    }
    async fn delete_tag(&self, name: &str) -> Result<()> {
        self.delete(&["v1", "tags", &name_text(name)]).await
    }
    async fn models_by_tag(&self, tag_name: &str, page: Page) -> Result<Vec<Model>> {
        self.get(&["v1", "tags", &name_text(tag_name), "models"], paging(page))
            .await
    }
    async fn tags_of_model(&self, model: &Ref, page: Page) -> Result<Vec<Tag>> {
        self.get(&["v1", "models", &Ref::to_segment(model), "tags"], paging(page))
            .await
    }
    async fn list_tags(&self, page: Page) -> Result<Vec<TagUsage>> {
        self.get(&["v1", "tags"], paging(page)).await
    }
    async fn model_summary(&self, model: &Ref) -> Result<ModelSummary> {
        self.get(&["v1", "models", &Ref::to_segment(model), "summary"], Params::new())
            .await
    }

    async fn register(&self, model: &Ref, new: NewVersion) -> Result<Registered> {
        let (version, created) = self
            .create(&["v1", "models", &Ref::to_segment(model), "versions"], &new)
            .await?;
        Ok(Registered { version, created })
    }
    async fn register_version(&self, model: &Ref, new: NewVersion) -> Result<ModelVersion> {
        Ok(self.register(model, new).await?.version)
    }
    async fn version(&self, version: &VersionRef) -> Result<ModelVersion> {
        self.get(&["v1", "versions", &version_text(version)], Params::new())
            .await
    }
    async fn version_at(&self, version: &VersionRef, at: Timestamp) -> Result<ModelVersion> {
        let params = vec![("at", instant(at))];
        self.get(&["v1", "versions", &version_text(version)], params).await
    }
    async fn list_versions(&self, model: &Ref, filter: VersionFilter, page: Page) -> Result<Vec<ModelVersion>> {
        let params = with(paging(page), "status", filter.status.map(|s| s.as_str()));
        self.get(&["v1", "models", &Ref::to_segment(model), "versions"], params)
            .await
    }
    async fn latest_version(&self, model: &Ref, status: Option<VersionStatus>) -> Result<Option<ModelVersion>> {
        let params = with(Params::new(), "status", status.map(|s| s.as_str()));
        optional(
            self.get(&["v1", "models", &Ref::to_segment(model), "latest"], params)
                .await,
        )
    }
    async fn production_version(&self, model: &Ref) -> Result<Option<ModelVersion>> {
        let segments = ["v1", "models", &Ref::to_segment(model), "production"];
        optional(self.get(&segments, Params::new()).await)
    }
    async fn update_version(&self, version: &VersionRef, update: VersionUpdate) -> Result<ModelVersion> {
        let body = bodies::version_update(&update)?;
        self.with_body(Method::PATCH, &["v1", "versions", &version_text(version)], &body)
            .await
    }
    async fn set_version_status(&self, version: &VersionRef, status: VersionStatus) -> Result<ModelVersion> {
        let segments = ["v1", "versions", &version_text(version), "status"];
        self.with_body(Method::PUT, &segments, &json!({ "status": status }))
            .await
    }
    async fn production_versions(&self, page: Page) -> Result<Vec<VersionWithModel>> {
        self.get(&["v1", "production"], paging(page)).await
    }
    async fn delete_version(&self, version: &VersionRef) -> Result<()> {
        self.delete(&["v1", "versions", &version_text(version)]).await
    }
    async fn set_alias(&self, version: &VersionRef, name: &str) -> Result<Alias> {
        let segments = ["v1", "versions", &version_text(version), "aliases", &name_text(name)];
        self.bare(Method::PUT, &segments).await
    }
    async fn remove_alias(&self, model: &Ref, name: &str) -> Result<bool> {
        let segments = ["v1", "models", &Ref::to_segment(model), "aliases", &name_text(name)];
        Ok(self.bare::<Removed>(Method::DELETE, &segments).await?.removed)
    }
    async fn aliases_of_model(&self, model: &Ref, page: Page) -> Result<Vec<AliasWithVersion>> {
        self.get(&["v1", "models", &Ref::to_segment(model), "aliases"], paging(page))
            .await
    }
    async fn version_history(&self, model: &Ref, page: Page) -> Result<Vec<HistoryEntry>> {
        self.get(&["v1", "models", &Ref::to_segment(model), "history"], paging(page))
            .await
    }
    async fn versions_by_checksum(&self, checksum: &str, page: Page) -> Result<Vec<VersionWithModel>> {
        self.get(&["v1", "checksums", &name_text(checksum), "versions"], paging(page))
            .await
    }
    async fn drift(&self, model: Option<&Ref>, page: Page) -> Result<Vec<Drift>> {
        match model {
            Some(model) => {
                self.get(&["v1", "models", &Ref::to_segment(model), "drift"], paging(page))
                    .await
            }
            None => self.get(&["v1", "reports", "drift"], paging(page)).await,
        }
    }

    async fn start_run(&self, version: &VersionRef, new: NewRun) -> Result<TrainingRun> {
        bodies::check_new_run(&new)?;
        let segments = ["v1", "versions", &version_text(version), "runs"];
        self.with_body(Method::POST, &segments, &new).await
    }
    async fn run(&self, id: Uuid) -> Result<TrainingRun> {
        self.get(&["v1", "runs", &id.to_string()], Params::new()).await
    }
    async fn runs_of_version(&self, version: &VersionRef, filter: RunFilter, page: Page) -> Result<Vec<TrainingRun>> {
        let params = with(paging(page), "status", filter.status.map(|s| s.as_str()));
        self.get(&["v1", "versions", &version_text(version), "runs"], params)
            .await
    }
    async fn runs_of_model(&self, model: &Ref, filter: RunFilter, page: Page) -> Result<Vec<TrainingRun>> {
        let params = with(paging(page), "status", filter.status.map(|s| s.as_str()));
        self.get(&["v1", "models", &Ref::to_segment(model), "runs"], params)
            .await
    }
    async fn finish_run(&self, id: Uuid, finish: RunFinish) -> Result<TrainingRun> {
        bodies::check_finish(&finish)?;
        let segments = ["v1", "runs", &id.to_string(), "finish"];
        self.with_body(Method::POST, &segments, &finish).await
    }
    async fn cost_summary(&self, model: Option<&Ref>) -> Result<CostSummary> {
        self.get(
            &["v1", "cost"],
            with(Params::new(), "model", model.map(Ref::to_segment)),
        )
        .await
    }

    async fn record_metric(&self, version: &VersionRef, new: NewMetric) -> Result<Metric> {
        bodies::check_metric(&new)?;
        let segments = ["v1", "versions", &version_text(version), "metrics"];
        self.with_body(Method::POST, &segments, &new).await
    }
    async fn metrics_of_version(&self, version: &VersionRef, filter: &MetricFilter, page: Page) -> Result<Vec<Metric>> {
        let params = with(paging(page), "name", filter.name.as_ref());
        let params = with(params, "split", filter.split.map(|s| s.as_str()));
        self.get(&["v1", "versions", &version_text(version), "metrics"], params)
            .await
    }
    async fn latest_metrics(&self, version: &VersionRef, page: Page) -> Result<Vec<Metric>> {
        let segments = ["v1", "versions", &version_text(version), "metrics", "latest"];
        self.get(&segments, paging(page)).await
    }

    async fn create_environment(&self, new: NewEnvironment) -> Result<Environment> {
        self.with_body(Method::POST, &["v1", "environments"], &new).await
    }
    async fn environment(&self, env: &Ref) -> Result<Environment> {
        self.get(&["v1", "environments", &Ref::to_segment(env)], Params::new())
            .await
    }
    async fn list_environments(&self, filter: EnvironmentFilter, page: Page) -> Result<Vec<Environment>> {
        let params = with(paging(page), "kind", filter.kind.map(|k| k.as_str()));
        let params = with(params, "active_only", filter.active_only.then_some(true));
        self.get(&["v1", "environments"], params).await
    }
    async fn update_environment(&self, env: &Ref, update: EnvironmentUpdate) -> Result<Environment> {
        let body = bodies::environment_update(&update)?;
        self.with_body(Method::PATCH, &["v1", "environments", &Ref::to_segment(env)], &body)
            .await
    }
    async fn deactivate_environment(&self, env: &Ref) -> Result<Environment> {
        let segments = ["v1", "environments", &Ref::to_segment(env), "deactivate"];
        self.bare(Method::POST, &segments).await
    }

    async fn deploy(&self, version: &VersionRef, environment: &Ref, new: NewDeployment) -> Result<Deployment> {
        let body = json!({
            "version": version_text(version),
            "environment": Ref::to_segment(environment),
            "deployment": new,
        });
        self.with_body(Method::POST, &["v1", "deployments"], &body).await
    }
    async fn deployment(&self, id: Uuid) -> Result<Deployment> {
        self.get(&["v1", "deployments", &id.to_string()], Params::new()).await
    }
    async fn deployments_in(&self, environment: &Ref, filter: DeploymentFilter, page: Page) -> Result<Vec<Deployment>> {
        let params = with(paging(page), "environment", Some(Ref::to_segment(environment)));
        let params = with(params, "status", filter.status.map(|s| s.as_str()));
        self.get(&["v1", "deployments"], params).await
    }
    async fn deployments_of_version(
        &self,
        version: &VersionRef,
        filter: DeploymentFilter,
        page: Page,
    ) -> Result<Vec<Deployment>> {
        let params = with(paging(page), "status", filter.status.map(|s| s.as_str()));
        let segments = ["v1", "versions", &version_text(version), "deployments"];
        self.get(&segments, params).await
    }
    async fn active_deployments(&self, page: Page) -> Result<Vec<ActiveDeployment>> {
        self.get(&["v1", "deployments", "active"], paging(page)).await
    }
    async fn set_deployment_status(&self, id: Uuid, status: DeploymentStatus) -> Result<Deployment> {
        let segments = ["v1", "deployments", &id.to_string(), "status"];
        self.with_body(Method::PUT, &segments, &json!({ "status": status }))
            .await
    }
    async fn terminate_deployment(&self, id: Uuid) -> Result<Deployment> {
        let segments = ["v1", "deployments", &id.to_string(), "terminate"];
        self.bare(Method::POST, &segments).await
    }
    async fn scale_deployment(&self, id: Uuid, replicas: i32) -> Result<Deployment> {
        let segments = ["v1", "deployments", &id.to_string(), "replicas"];
        self.with_body(Method::PUT, &segments, &json!({ "replicas": replicas }))
            .await
    }
    async fn rollback_deployment(&self, id: Uuid) -> Result<Deployment> {
        let segments = ["v1", "deployments", &id.to_string(), "rollback"];
        self.bare(Method::POST, &segments).await
    }

    async fn audit_of_entity(&self, kind: EntityKind, id: Uuid, page: Page) -> Result<Vec<AuditEvent>> {
        let params = with(paging(page), "entity_type", Some(kind));
        self.get(&["v1", "audit"], with(params, "entity_id", Some(id))).await
    }
    async fn audit_by_actor(&self, actor: &str, page: Page) -> Result<Vec<AuditEvent>> {
        self.get(&["v1", "audit"], with(paging(page), "actor", Some(actor)))
            .await
    }
    async fn recent_audit(&self, page: Page) -> Result<Vec<AuditEvent>> {
        self.get(&["v1", "audit"], paging(page)).await
    }

    async fn deployment_status_counts(&self) -> Result<DeploymentStatusCounts> {
        self.get(&["v1", "reports", "deployments"], Params::new()).await
    }
    async fn stale_models(&self, days: u32, page: Page) -> Result<Vec<Model>> {
        self.get(&["v1", "reports", "stale"], with(paging(page), "days", Some(days)))
            .await
    }
    async fn stats(&self) -> Result<Stats> {
        self.get(&["v1", "stats"], Params::new()).await
    }

    async fn find_models(&self, query: &Query) -> Result<Listing<Model>> {
        self.listing(&["v1", "models"], query_params(query)).await
    }
    async fn find_versions(&self, model: Option<&Ref>, query: &Query) -> Result<Listing<ModelVersion>> {
        self.listing(
            &["v1", "versions"],
            with(query_params(query), "model", model.map(Ref::to_segment)),
        )
        .await
    }
    async fn find_runs(
        &self,
        model: Option<&Ref>,
        version: Option<&VersionRef>,
        query: &Query,
    ) -> Result<Listing<TrainingRun>> {
        let params = with(query_params(query), "model", model.map(Ref::to_segment));
        self.listing(&["v1", "runs"], with(params, "version", version.map(version_text)))
            .await
    }
    async fn find_deployments(
        &self,
        environment: Option<&Ref>,
        version: Option<&VersionRef>,
        query: &Query,
    ) -> Result<Listing<Deployment>> {
        let params = with(query_params(query), "environment", environment.map(Ref::to_segment));
        self.listing(
            &["v1", "deployments"],
            with(params, "version", version.map(version_text)),
        )
        .await
    }
    async fn find_audit(&self, query: &Query) -> Result<Listing<AuditEvent>> {
        self.listing(&["v1", "audit"], query_params(query)).await
    }

    async fn export(&self, out: &mut (dyn Write + Send), progress: Progress<'_>) -> Result<Header> {
        self.export_to(out, progress).await
    }
    async fn schema_version(&self) -> Result<i64> {
        let answer: SchemaVersion = self.get(&["v1", "schema"], Params::new()).await?;
        Ok(answer.schema_version)
    }
    async fn check_ready(&self) -> Result<i64> {
        let answer: SchemaVersion = self.get(&["readyz"], Params::new()).await?;
        Ok(answer.schema_version)
    }
    async fn close(&self) -> Result<()> {
        // Pooled connections close when the last clone of the client is dropped.
        Ok(())
    }
}
