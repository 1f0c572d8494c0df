//! The read traits on PostgreSQL: one statement per call, on a pooled connection.

use std::collections::BTreeMap;

use async_trait::async_trait;
use modelreg_core::analytics::{DeploymentStatusCounts, ModelSummary, Stats, TeamMetrics};
use modelreg_core::audit::AuditEvent;
use modelreg_core::deployments::{ActiveDeployment, Deployment, DeploymentFilter};
use modelreg_core::environments::{Environment, EnvironmentFilter};
use modelreg_core::metrics::{Metric, MetricFilter};
use modelreg_core::migrations::{self, AppliedMigration, Migration};
use modelreg_core::models::{Model, ModelFilter, ModelTag, Tag, TagUsage};
use modelreg_core::runs::{CostSummary, RunFilter, TrainingRun};
use modelreg_core::store::{
    AnalyticsReads, AuditReads, DeploymentReads, EnvironmentReads, MetricReads, ModelReads, Page, Record, RecordKey,
    RecordKind, RecordReads, RunReads, StoreInfo, TeamReads, VersionReads,
};
use modelreg_core::teams::{Team, TeamFilter};
use modelreg_core::time::Timestamp;
use modelreg_core::versions::{ModelVersion, VersionFilter, VersionWithModel};
use modelreg_core::{EntityKind, Result};
use sqlx::Row;
use sqlx::postgres::PgRow;
use uuid::Uuid;

use crate::error::db;
use crate::rows::{self, Db};
use crate::{PostgresStore, schema};

fn limit(page: Page) -> i64 {
    page.limit.into()
}

fn offset(page: Page) -> i64 {
    page.offset as i64
}

fn count(n: i64) -> u64 {
    n.max(0) as u64
}

type DbQuery<'q, T> = sqlx::query::QueryAs<'q, sqlx::Postgres, Db<T>, sqlx::postgres::PgArguments>;

impl PostgresStore {
    /// Runs a query answering at most one row.
    async fn optional<'q, T>(&self, query: DbQuery<'q, T>) -> Result<Option<T>>
    where
        T: Send + Unpin,
        Db<T>: for<'r> sqlx::FromRow<'r, PgRow> + Send + Unpin,
    {
        Ok(query.fetch_optional(&self.pool).await.map_err(db)?.map(|d| d.0))
    }

    /// Runs a query answering rows.
    async fn all<'q, T>(&self, query: DbQuery<'q, T>) -> Result<Vec<T>>
    where
        T: Send + Unpin,
        Db<T>: for<'r> sqlx::FromRow<'r, PgRow> + Send + Unpin,
    {
        Ok(query
            .fetch_all(&self.pool)
            .await
            .map_err(db)?
            .into_iter()
            .map(|d| d.0)
            .collect())
    }
}

#[async_trait]
impl TeamReads for PostgresStore {
    async fn team(&self, id: Uuid) -> Result<Option<Team>> {
        self.optional(
            sqlx::query_as::<_, Db<Team>>(concat!("SELECT ", team_columns!(), " FROM teams WHERE id = $1")).bind(id),
        )
        .await
    }

    async fn team_by_name(&self, name: &str) -> Result<Option<Team>> {
        self.optional(
            sqlx::query_as::<_, Db<Team>>(concat!("SELECT ", team_columns!(), " FROM teams WHERE name = $1"))
                .bind(name),
        )
        .await
    }

    async fn list_teams(&self, filter: TeamFilter, page: Page) -> Result<Vec<Team>> {
        self.all(
            sqlx::query_as::<_, Db<Team>>(concat!(
                "SELECT ",
                team_columns!(),
                " FROM teams WHERE (NOT $1 OR active) ORDER BY name LIMIT $2 OFFSET $3"
            ))
            .bind(filter.active_only)
            .bind(limit(page))
            .bind(offset(page)),
        )
        .await
    }
}

#[async_trait]
impl ModelReads for PostgresStore {
    async fn model(&self, id: Uuid) -> Result<Option<Model>> {
        self.optional(
            sqlx::query_as::<_, Db<Model>>(concat!("SELECT ", model_columns!(), " FROM models WHERE id = $1")).bind(id),
        )
        .await
    }

    async fn model_by_name(&self, name: &str) -> Result<Option<Model>> {
        self.optional(
            sqlx::query_as::<_, Db<Model>>(concat!("SELECT ", model_columns!(), " FROM models WHERE name = $1"))
                .bind(name),
        )
        .await
    }

    async fn list_models(&self, filter: ModelFilter, page: Page) -> Result<Vec<Model>> {
        self.all(
            sqlx::query_as::<_, Db<Model>>(concat!(
                "SELECT ",
                model_columns!(),
                " FROM models WHERE (NOT $1 OR is_active) AND ($2::uuid IS NULL OR team_id = $2)
               AND ($3::text IS NULL OR risk_level = $3) ORDER BY name LIMIT $4 OFFSET $5"
            ))
            .bind(filter.active_only)
            .bind(filter.team_id)
            .bind(filter.risk_level.map(|r| r.as_str()))
            .bind(limit(page))
            .bind(offset(page)),
        )
        .await
    }

    async fn search_models(&self, term: &str, page: Page) -> Result<Vec<Model>> {
        self.all(
            sqlx::query_as::<_, Db<Model>>(concat!(
                "SELECT ",
                model_columns!(),
                " FROM models WHERE strpos(name_folded, $1) > 0 ORDER BY name LIMIT $2 OFFSET $3"
            ))
            .bind(term)
            .bind(limit(page))
            .bind(offset(page)),
        )
        .await
    }

    async fn models_by_tag(&self, tag: &str, page: Page) -> Result<Vec<Model>> {
        self.all(
            sqlx::query_as::<_, Db<Model>>(
                "SELECT m.id, m.name, m.description, m.use_case, m.team_id, m.risk_level, m.compliance_required,
                    m.is_active, m.created_at, m.updated_at
             FROM models m JOIN model_tags mt ON mt.model_id = m.id JOIN tags t ON t.id = mt.tag_id
             WHERE t.name = $1 ORDER BY m.name LIMIT $2 OFFSET $3",
            )
            .bind(tag)
            .bind(limit(page))
            .bind(offset(page)),
        )
        .await
    }

    async fn tags_of_model(&self, model_id: Uuid) -> Result<Vec<Tag>> {
        self.all(
            sqlx::query_as::<_, Db<Tag>>(
                "SELECT t.id, t.name, t.description, t.created_at FROM tags t
             JOIN model_tags mt ON mt.tag_id = t.id WHERE mt.model_id = $1 ORDER BY t.name",
            )
            .bind(model_id),
        )
        .await
    }

    async fn list_tags(&self) -> Result<Vec<TagUsage>> {
        let found = sqlx::query(
            "SELECT t.id, t.name, t.description, t.created_at,
                    (SELECT count(*) FROM model_tags mt WHERE mt.tag_id = t.id)
             FROM tags t ORDER BY t.name",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        found
            .iter()
            .map(|row| {
                Ok(TagUsage {
                    tag: rows::tag_at(row, 0)?,
                    model_count: count(row.try_get(4)?),
                })
            })
            .collect::<sqlx::Result<_>>()
            .map_err(db)
    }
}

#[async_trait]
impl VersionReads for PostgresStore {
    async fn version(&self, id: Uuid) -> Result<Option<ModelVersion>> {
        self.optional(
            sqlx::query_as::<_, Db<ModelVersion>>(concat!(
                "SELECT ",
                version_columns!(),
                " FROM model_versions WHERE id = $1"
            ))
            .bind(id),
        )
        .await
    }

    async fn version_by_semver(&self, model_id: Uuid, semver: &str) -> Result<Option<ModelVersion>> {
        self.optional(
            sqlx::query_as::<_, Db<ModelVersion>>(concat!(
                "SELECT ",
                version_columns!(),
                " FROM model_versions WHERE model_id = $1 AND semver = $2"
            ))
            .bind(model_id)
            .bind(semver),
        )
        .await
    }

    async fn version_by_model_name(&self, model_name: &str, semver: &str) -> Result<Option<ModelVersion>> {
        self.optional(
            sqlx::query_as::<_, Db<ModelVersion>>(
                "SELECT v.id, v.model_id, v.semver, v.artifact_uri, v.framework, v.framework_version, v.python_version,
                    v.status, v.size_bytes, v.checksum_sha256, v.metadata, v.created_at
             FROM model_versions v JOIN models m ON m.id = v.model_id
             WHERE m.name = $1 AND v.semver = $2",
            )
            .bind(model_name)
            .bind(semver),
        )
        .await
    }

    async fn list_versions(&self, model_id: Uuid, filter: VersionFilter, page: Page) -> Result<Vec<ModelVersion>> {
        self.all(
            sqlx::query_as::<_, Db<ModelVersion>>(concat!(
                "SELECT ",
                version_columns!(),
                " FROM model_versions WHERE model_id = $1 AND ($2::text IS NULL OR status = $2)
               ORDER BY created_at DESC, id DESC LIMIT $3 OFFSET $4"
            ))
            .bind(model_id)
            .bind(filter.status.map(|s| s.as_str()))
            .bind(limit(page))
            .bind(offset(page)),
        )
        .await
    }

    async fn latest_version(&self, model_id: Uuid, filter: VersionFilter) -> Result<Option<ModelVersion>> {
        self.optional(
            sqlx::query_as::<_, Db<ModelVersion>>(concat!(
                "SELECT ",
                version_columns!(),
                " FROM model_versions WHERE model_id = $1 AND ($2::text IS NULL OR status = $2)
               ORDER BY precedence DESC, created_at DESC, id DESC LIMIT 1"
            ))
            .bind(model_id)
            .bind(filter.status.map(|s| s.as_str())),
        )
        .await
    }

    async fn production_versions(&self) -> Result<Vec<VersionWithModel>> {
        let found = sqlx::query(
            "SELECT v.id, v.model_id, v.semver, v.artifact_uri, v.framework, v.framework_version, v.python_version,
                    v.status, v.size_bytes, v.checksum_sha256, v.metadata, v.created_at,
                    m.id, m.name, m.description, m.use_case, m.team_id, m.risk_level, m.compliance_required,
                    m.is_active, m.created_at, m.updated_at
             FROM model_versions v JOIN models m ON m.id = v.model_id
             WHERE v.status = 'production' ORDER BY m.name",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        found
            .iter()
            .map(|row| {
                Ok(VersionWithModel {
                    version: rows::version_at(row, 0)?,
                    model: rows::model_at(row, 12)?,
                })
            })
            .collect::<sqlx::Result<_>>()
            .map_err(db)
    }
}

#[async_trait]
impl RunReads for PostgresStore {
    async fn run(&self, id: Uuid) -> Result<Option<TrainingRun>> {
        self.optional(
            sqlx::query_as::<_, Db<TrainingRun>>(concat!(
                "SELECT ",
                run_columns!(),
                " FROM training_runs WHERE id = $1"
            ))
            .bind(id),
        )
        .await
    }

    async fn runs_of_version(&self, version_id: Uuid, filter: RunFilter, page: Page) -> Result<Vec<TrainingRun>> {
        self.all(
            sqlx::query_as::<_, Db<TrainingRun>>(concat!(
                "SELECT ",
                run_columns!(),
                " FROM training_runs WHERE version_id = $1 AND ($2::text IS NULL OR status = $2)
               ORDER BY started_at DESC, id DESC LIMIT $3 OFFSET $4"
            ))
            .bind(version_id)
            .bind(filter.status.map(|s| s.as_str()))
            .bind(limit(page))
            .bind(offset(page)),
        )
        .await
    }

    async fn runs_of_model(&self, model_id: Uuid, filter: RunFilter, page: Page) -> Result<Vec<TrainingRun>> {
        self.all(
            sqlx::query_as::<_, Db<TrainingRun>>(
                "SELECT r.id, r.version_id, r.run_name, r.status, r.started_at, r.completed_at, r.duration_seconds,
                    r.gpu_hours, r.cost_usd, r.dataset_name, r.dataset_version, r.hyperparameters, r.environment,
                    r.created_by
             FROM training_runs r JOIN model_versions v ON v.id = r.version_id
             WHERE v.model_id = $1 AND ($2::text IS NULL OR r.status = $2)
             ORDER BY r.started_at DESC, r.id DESC LIMIT $3 OFFSET $4",
            )
            .bind(model_id)
            .bind(filter.status.map(|s| s.as_str()))
            .bind(limit(page))
            .bind(offset(page)),
        )
        .await
    }

    async fn cost_summary(&self, model_id: Option<Uuid>) -> Result<CostSummary> {
        let row = sqlx::query(
            "SELECT coalesce(sum(r.cost_usd), 0)::float8, coalesce(sum(r.gpu_hours), 0)::float8, count(r.id)
             FROM training_runs r JOIN model_versions v ON v.id = r.version_id
             WHERE $1::uuid IS NULL OR v.model_id = $1",
        )
        .bind(model_id)
        .fetch_one(&self.pool)
        .await
        .map_err(db)?;
        let summary = (|| -> sqlx::Result<CostSummary> {
            Ok(CostSummary {
                total_cost_usd: row.try_get(0)?,
                total_gpu_hours: row.try_get(1)?,
                run_count: count(row.try_get(2)?),
            })
        })();
        summary.map_err(db)
    }
}

#[async_trait]
impl MetricReads for PostgresStore {
    async fn metrics_of_version(&self, version_id: Uuid, filter: &MetricFilter, page: Page) -> Result<Vec<Metric>> {
        self.all(sqlx::query_as::<_, Db<Metric>>(concat!(
            "SELECT ",
            metric_columns!(),
            " FROM metrics WHERE version_id = $1 AND ($2::text IS NULL OR name = $2) AND ($3::text IS NULL OR split = $3)
               ORDER BY recorded_at DESC, id DESC LIMIT $4 OFFSET $5"
        ))
        .bind(version_id)
        .bind(filter.name.as_deref())
        .bind(filter.split.map(|s| s.as_str()))
        .bind(limit(page))
        .bind(offset(page))).await
    }

    async fn latest_metrics(&self, version_id: Uuid) -> Result<Vec<Metric>> {
        self.all(
            sqlx::query_as::<_, Db<Metric>>(
                "SELECT DISTINCT ON (name) id, version_id, name, value, split, recorded_at
             FROM metrics WHERE version_id = $1
             ORDER BY name, recorded_at DESC, id DESC",
            )
            .bind(version_id),
        )
        .await
    }
}

#[async_trait]
impl EnvironmentReads for PostgresStore {
    async fn environment(&self, id: Uuid) -> Result<Option<Environment>> {
        self.optional(
            sqlx::query_as::<_, Db<Environment>>(concat!(
                "SELECT ",
                environment_columns!(),
                " FROM environments WHERE id = $1"
            ))
            .bind(id),
        )
        .await
    }

    async fn environment_by_name(&self, name: &str) -> Result<Option<Environment>> {
        self.optional(
            sqlx::query_as::<_, Db<Environment>>(concat!(
                "SELECT ",
                environment_columns!(),
                " FROM environments WHERE name = $1"
            ))
            .bind(name),
        )
        .await
    }

    async fn list_environments(&self, filter: EnvironmentFilter, page: Page) -> Result<Vec<Environment>> {
        self.all(
            sqlx::query_as::<_, Db<Environment>>(concat!(
                "SELECT ",
                environment_columns!(),
                " FROM environments WHERE ($1::text IS NULL OR kind = $1) AND (NOT $2 OR is_active)
               ORDER BY name LIMIT $3 OFFSET $4"
            ))
            .bind(filter.kind.map(|k| k.as_str()))
            .bind(filter.active_only)
            .bind(limit(page))
            .bind(offset(page)),
        )
        .await
    }
}

fn active_deployment(row: &PgRow) -> sqlx::Result<ActiveDeployment> {
    Ok(ActiveDeployment {
        deployment: rows::deployment_at(row, 0)?,
        version: rows::version_at(row, 13)?,
        model: rows::model_at(row, 25)?,
        environment: rows::environment_at(row, 35)?,
    })
}

#[async_trait]
impl DeploymentReads for PostgresStore {
    async fn deployment(&self, id: Uuid) -> Result<Option<Deployment>> {
        self.optional(
            sqlx::query_as::<_, Db<Deployment>>(concat!(
                "SELECT ",
                deployment_columns!(),
                " FROM deployments WHERE id = $1"
            ))
            .bind(id),
        )
        .await
    }

    async fn deployments_in(
        &self,
        environment_id: Uuid,
        filter: DeploymentFilter,
        page: Page,
    ) -> Result<Vec<Deployment>> {
        self.all(
            sqlx::query_as::<_, Db<Deployment>>(concat!(
                "SELECT ",
                deployment_columns!(),
                " FROM deployments WHERE environment_id = $1 AND ($2::text IS NULL OR status = $2)
               ORDER BY deployed_at DESC, id DESC LIMIT $3 OFFSET $4"
            ))
            .bind(environment_id)
            .bind(filter.status.map(|s| s.as_str()))
            .bind(limit(page))
            .bind(offset(page)),
        )
        .await
    }

    async fn deployments_of_version(
        &self,
        version_id: Uuid,
        filter: DeploymentFilter,
        page: Page,
    ) -> Result<Vec<Deployment>> {
        self.all(
            sqlx::query_as::<_, Db<Deployment>>(concat!(
                "SELECT ",
                deployment_columns!(),
                " FROM deployments WHERE version_id = $1 AND ($2::text IS NULL OR status = $2)
               ORDER BY deployed_at DESC, id DESC LIMIT $3 OFFSET $4"
            ))
            .bind(version_id)
            .bind(filter.status.map(|s| s.as_str()))
            .bind(limit(page))
            .bind(offset(page)),
        )
        .await
    }

    async fn active_deployments(&self) -> Result<Vec<ActiveDeployment>> {
        let found = sqlx::query(
            "SELECT d.id, d.version_id, d.environment_id, d.name, d.status, d.endpoint_url, d.replicas, d.cpu_request,
                    d.memory_request, d.gpu_count, d.deployed_at, d.deployed_by, d.terminated_at,
                    v.id, v.model_id, v.semver, v.artifact_uri, v.framework, v.framework_version, v.python_version,
                    v.status, v.size_bytes, v.checksum_sha256, v.metadata, v.created_at,
                    m.id, m.name, m.description, m.use_case, m.team_id, m.risk_level, m.compliance_required,
                    m.is_active, m.created_at, m.updated_at,
                    e.id, e.name, e.kind, e.region, e.kubernetes_namespace, e.config, e.is_active, e.created_at
             FROM deployments d
             JOIN model_versions v ON v.id = d.version_id
             JOIN models m ON m.id = v.model_id
             JOIN environments e ON e.id = d.environment_id
             WHERE d.status IN ('healthy', 'degraded')
             ORDER BY d.deployed_at DESC, d.id DESC",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        found
            .iter()
            .map(active_deployment)
            .collect::<sqlx::Result<_>>()
            .map_err(db)
    }
}

#[async_trait]
impl AuditReads for PostgresStore {
    async fn audit_of_entity(&self, kind: EntityKind, id: Uuid, page: Page) -> Result<Vec<AuditEvent>> {
        self.all(
            sqlx::query_as::<_, Db<AuditEvent>>(concat!(
                "SELECT ",
                audit_columns!(),
                " FROM audit_events WHERE entity_type = $1 AND entity_id = $2
               ORDER BY timestamp DESC, id DESC LIMIT $3 OFFSET $4"
            ))
            .bind(kind.as_str())
            .bind(id)
            .bind(limit(page))
            .bind(offset(page)),
        )
        .await
    }

    async fn audit_by_actor(&self, actor: &str, page: Page) -> Result<Vec<AuditEvent>> {
        self.all(
            sqlx::query_as::<_, Db<AuditEvent>>(concat!(
                "SELECT ",
                audit_columns!(),
                " FROM audit_events WHERE actor = $1 ORDER BY timestamp DESC, id DESC LIMIT $2 OFFSET $3"
            ))
            .bind(actor)
            .bind(limit(page))
            .bind(offset(page)),
        )
        .await
    }

    async fn recent_audit(&self, page: Page) -> Result<Vec<AuditEvent>> {
        self.all(
            sqlx::query_as::<_, Db<AuditEvent>>(concat!(
                "SELECT ",
                audit_columns!(),
                " FROM audit_events ORDER BY timestamp DESC, id DESC LIMIT $1 OFFSET $2"
            ))
            .bind(limit(page))
            .bind(offset(page)),
        )
        .await
    }
}

#[async_trait]
impl AnalyticsReads for PostgresStore {
    async fn model_summary(&self, model_id: Uuid) -> Result<ModelSummary> {
        let row = sqlx::query(
            "SELECT
                (SELECT count(*) FROM model_versions WHERE model_id = $1),
                (SELECT count(*) FROM training_runs r JOIN model_versions v ON v.id = r.version_id WHERE v.model_id = $1),
                (SELECT count(*) FROM deployments d JOIN model_versions v ON v.id = d.version_id WHERE v.model_id = $1),
                (SELECT semver FROM model_versions WHERE model_id = $1 ORDER BY precedence DESC, created_at DESC, id DESC LIMIT 1),
                (SELECT semver FROM model_versions WHERE model_id = $1 AND status = 'production'),
                (SELECT coalesce(sum(r.gpu_hours), 0)::float8 FROM training_runs r JOIN model_versions v ON v.id = r.version_id WHERE v.model_id = $1),
                (SELECT coalesce(sum(r.cost_usd), 0)::float8 FROM training_runs r JOIN model_versions v ON v.id = r.version_id WHERE v.model_id = $1)",
        )
        .bind(model_id)
        .fetch_one(&self.pool)
        .await
        .map_err(db)?;
        let summary = (|| -> sqlx::Result<ModelSummary> {
            Ok(ModelSummary {
                version_count: count(row.try_get(0)?),
                training_run_count: count(row.try_get(1)?),
                deployment_count: count(row.try_get(2)?),
                latest_version: row.try_get(3)?,
                production_version: row.try_get(4)?,
                total_gpu_hours: row.try_get(5)?,
                total_cost_usd: row.try_get(6)?,
            })
        })();
        summary.map_err(db)
    }

    async fn team_metrics(&self, team_id: Uuid) -> Result<TeamMetrics> {
        let row = sqlx::query(
            "SELECT
                (SELECT count(*) FROM models WHERE team_id = $1),
                (SELECT count(*) FROM model_versions v JOIN models m ON m.id = v.model_id WHERE m.team_id = $1),
                (SELECT count(*) FROM training_runs r JOIN model_versions v ON v.id = r.version_id
                    JOIN models m ON m.id = v.model_id WHERE m.team_id = $1),
                (SELECT count(*) FROM deployments d JOIN model_versions v ON v.id = d.version_id
                    JOIN models m ON m.id = v.model_id WHERE m.team_id = $1),
                (SELECT coalesce(sum(r.gpu_hours), 0)::float8 FROM training_runs r JOIN model_versions v ON v.id = r.version_id
                    JOIN models m ON m.id = v.model_id WHERE m.team_id = $1),
                (SELECT coalesce(sum(r.cost_usd), 0)::float8 FROM training_runs r JOIN model_versions v ON v.id = r.version_id
                    JOIN models m ON m.id = v.model_id WHERE m.team_id = $1)",
        )
        .bind(team_id)
        .fetch_one(&self.pool)
        .await
        .map_err(db)?;
        let metrics = (|| -> sqlx::Result<TeamMetrics> {
            Ok(TeamMetrics {
                model_count: count(row.try_get(0)?),
                version_count: count(row.try_get(1)?),
                training_run_count: count(row.try_get(2)?),
                deployment_count: count(row.try_get(3)?),
                total_gpu_hours: row.try_get(4)?,
                total_cost_usd: row.try_get(5)?,
            })
        })();
        metrics.map_err(db)
    }

    async fn deployment_status_counts(&self) -> Result<DeploymentStatusCounts> {
        let found: Vec<(String, i64)> = sqlx::query_as("SELECT status, count(*) FROM deployments GROUP BY status")
            .fetch_all(&self.pool)
            .await
            .map_err(db)?;
        found
            .into_iter()
            .map(|(status, n)| Ok((status.parse()?, count(n))))
            .collect()
    }

    async fn models_not_trained_since(&self, since: Timestamp) -> Result<Vec<Model>> {
        self.all(
            sqlx::query_as::<_, Db<Model>>(concat!(
                "SELECT ",
                model_columns!(),
                " FROM models m WHERE is_active AND NOT EXISTS (
                 SELECT 1 FROM training_runs r JOIN model_versions v ON v.id = r.version_id
                 WHERE v.model_id = m.id AND r.started_at >= $1)
               ORDER BY name"
            ))
            .bind(since),
        )
        .await
    }

    async fn stats(&self) -> Result<Stats> {
        let row = sqlx::query(
            "SELECT (SELECT count(*) FROM teams), (SELECT count(*) FROM tags), (SELECT count(*) FROM models),
                    (SELECT count(*) FROM model_versions), (SELECT count(*) FROM training_runs),
                    (SELECT count(*) FROM metrics), (SELECT count(*) FROM environments),
                    (SELECT count(*) FROM deployments), (SELECT count(*) FROM audit_events)",
        )
        .fetch_one(&self.pool)
        .await
        .map_err(db)?;
        let stats = (|| -> sqlx::Result<Stats> {
            Ok(Stats {
                teams: count(row.try_get(0)?),
                tags: count(row.try_get(1)?),
                models: count(row.try_get(2)?),
                model_versions: count(row.try_get(3)?),
                training_runs: count(row.try_get(4)?),
                metrics: count(row.try_get(5)?),
                environments: count(row.try_get(6)?),
                deployments: count(row.try_get(7)?),
                audit_events: count(row.try_get(8)?),
            })
        })();
        stats.map_err(db)
    }
}

#[async_trait]
impl RecordReads for PostgresStore {
    async fn records(&self, kind: RecordKind, after: Option<RecordKey>, limit: u32) -> Result<Vec<Record>> {
        // Every UUID sorts after the nil one.
        let (first, second) = after.unwrap_or((Uuid::nil(), Uuid::nil()));
        let inclusive = after.is_none();
        let limit = i64::from(limit);
        // One keyset-paged query per kind of record, read by its row mapper.
        macro_rules! page {
            ($columns:ident, $table:literal, $ty:ident) => {{
                let sql = concat!(
                    "SELECT ",
                    $columns!(),
                    " FROM ",
                    $table,
                    " WHERE id > $1 OR ($3 AND id = $1) ORDER BY id LIMIT $2"
                );
                let found = sqlx::query_as::<_, Db<$ty>>(sql)
                    .bind(first)
                    .bind(limit)
                    .bind(inclusive)
                    .fetch_all(&self.pool)
                    .await
                    .map_err(db)?;
                Ok(found.into_iter().map(|d| Record::$ty(d.0)).collect())
            }};
        }
        match kind {
            RecordKind::Team => page!(team_columns, "teams", Team),
            RecordKind::Tag => page!(tag_columns, "tags", Tag),
            RecordKind::Model => page!(model_columns, "models", Model),
            RecordKind::ModelTag => {
                let found = sqlx::query(
                    "SELECT model_id, tag_id, assigned_at FROM model_tags
                     WHERE (model_id, tag_id) > ($1, $2) OR ($4 AND (model_id, tag_id) = ($1, $2))
                     ORDER BY model_id, tag_id LIMIT $3",
                )
                .bind(first)
                .bind(second)
                .bind(limit)
                .bind(inclusive)
                .fetch_all(&self.pool)
                .await
                .map_err(db)?;
                found
                    .iter()
                    .map(|row| {
                        Ok(Record::ModelTag(ModelTag {
                            model_id: row.try_get(0)?,
                            tag_id: row.try_get(1)?,
                            assigned_at: row.try_get(2)?,
                        }))
                    })
                    .collect::<sqlx::Result<_>>()
                    .map_err(db)
            }
            RecordKind::ModelVersion => page!(version_columns, "model_versions", ModelVersion),
            RecordKind::TrainingRun => page!(run_columns, "training_runs", TrainingRun),
            RecordKind::Metric => page!(metric_columns, "metrics", Metric),
            RecordKind::Environment => page!(environment_columns, "environments", Environment),
            RecordKind::Deployment => page!(deployment_columns, "deployments", Deployment),
            RecordKind::AuditEvent => page!(audit_columns, "audit_events", AuditEvent),
        }
    }

    async fn record_counts(&self) -> Result<BTreeMap<RecordKind, u64>> {
        let row = sqlx::query(
            "SELECT (SELECT count(*) FROM teams), (SELECT count(*) FROM tags), (SELECT count(*) FROM models),
                    (SELECT count(*) FROM model_tags), (SELECT count(*) FROM model_versions),
                    (SELECT count(*) FROM training_runs), (SELECT count(*) FROM metrics),
                    (SELECT count(*) FROM environments), (SELECT count(*) FROM deployments),
                    (SELECT count(*) FROM audit_events)",
        )
        .fetch_one(&self.pool)
        .await
        .map_err(db)?;
        RecordKind::ALL
            .iter()
            .enumerate()
            .map(|(i, kind)| Ok((*kind, count(row.try_get(i)?))))
            .collect::<sqlx::Result<_>>()
            .map_err(db)
    }
}

#[async_trait]
impl StoreInfo for PostgresStore {
    fn backend(&self) -> &'static str {
        "postgres"
    }

    fn location(&self) -> String {
        self.location.clone()
    }

    fn known_migrations(&self) -> &'static [Migration] {
        schema::MIGRATIONS
    }

    async fn applied_migrations(&self) -> Result<Vec<AppliedMigration>> {
        schema::history(&self.pool).await
    }

    async fn size_bytes(&self) -> Result<u64> {
        let size: i64 = sqlx::query_scalar(
            "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0)::bigint FROM pg_class c
             JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = current_schema() AND c.relkind = 'r'",
        )
        .fetch_one(&self.pool)
        .await
        .map_err(db)?;
        Ok(count(size))
    }

    async fn upgrade(&self, target: Option<i64>) -> Result<()> {
        let target = target.unwrap_or_else(|| migrations::latest(schema::MIGRATIONS));
        schema::migrate_to(&self.pool, target).await
    }

    async fn downgrade(&self, target: i64) -> Result<()> {
        schema::downgrade_to(&self.pool, target).await
    }
}
