//! The read traits on SQLite: one statement per call, on a reader connection.

use std::collections::BTreeMap;

use async_trait::async_trait;
use modelreg_core::analytics::{DeploymentStatusCounts, ModelSummary, Stats, TeamMetrics};
use modelreg_core::audit::AuditEvent;
use modelreg_core::deployments::{ActiveDeployment, Deployment, DeploymentFilter};
use modelreg_core::environments::{Environment, EnvironmentFilter};
use modelreg_core::metrics::{Metric, MetricFilter};
use modelreg_core::migrations::{self, AppliedMigration, Migration};
use modelreg_core::models::{Model, ModelFilter, Tag, TagUsage};
use modelreg_core::runs::{CostSummary, RunFilter, TrainingRun};
use modelreg_core::store::{
    AnalyticsReads, AuditReads, DeploymentReads, EnvironmentReads, MetricReads, ModelReads, Page, Record, RecordKey,
    RecordKind, RecordReads, RunReads, StoreInfo, TeamReads, VersionReads,
};
use modelreg_core::teams::{Team, TeamFilter};
use modelreg_core::time::{self, Timestamp};
use modelreg_core::versions::{ModelVersion, VersionFilter, VersionWithModel};
use modelreg_core::{EntityKind, Result};
use rusqlite::types::Value;
use rusqlite::{OptionalExtension, Row, params_from_iter};
use uuid::Uuid;

use crate::error::db;
use crate::{SqliteStore, rows, schema};

fn id(id: Uuid) -> Value {
    Value::Text(id.to_string())
}

fn text(s: impl Into<String>) -> Value {
    Value::Text(s.into())
}

fn opt_text(s: Option<&str>) -> Value {
    s.map_or(Value::Null, |s| Value::Text(s.to_owned()))
}

fn limit(page: Page) -> Value {
    Value::Integer(page.limit.into())
}

fn offset(page: Page) -> Value {
    Value::Integer(page.offset as i64)
}

fn count(n: i64) -> u64 {
    n.max(0) as u64
}

impl SqliteStore {
    async fn query_one<T, F>(&self, sql: &'static str, args: Vec<Value>, map: F) -> Result<Option<T>>
    where
        T: Send + 'static,
        F: FnOnce(&Row) -> rusqlite::Result<T> + Send + 'static,
    {
        self.read(move |conn| {
            conn.prepare_cached(sql)
                .and_then(|mut stmt| stmt.query_row(params_from_iter(args), map).optional())
                .map_err(db)
        })
        .await
    }

    async fn query_all<T, F>(&self, sql: &'static str, args: Vec<Value>, map: F) -> Result<Vec<T>>
    where
        T: Send + 'static,
        F: FnMut(&Row) -> rusqlite::Result<T> + Send + 'static,
    {
        self.read(move |conn| {
            let mut stmt = conn.prepare_cached(sql).map_err(db)?;
            let rows = stmt.query_map(params_from_iter(args), map).map_err(db)?;
            rows.collect::<rusqlite::Result<Vec<T>>>().map_err(db)
        })
        .await
    }
}

#[async_trait]
impl TeamReads for SqliteStore {
    async fn team(&self, team_id: Uuid) -> Result<Option<Team>> {
        self.query_one(
            concat!("SELECT ", team_columns!(), " FROM teams WHERE id = ?1"),
            vec![id(team_id)],
            rows::team,
        )
        .await
    }

    async fn team_by_name(&self, name: &str) -> Result<Option<Team>> {
        self.query_one(
            concat!("SELECT ", team_columns!(), " FROM teams WHERE name = ?1"),
            vec![text(name)],
            rows::team,
        )
        .await
    }

    async fn list_teams(&self, filter: TeamFilter, page: Page) -> Result<Vec<Team>> {
        self.query_all(
            concat!(
                "SELECT ",
                team_columns!(),
                " FROM teams WHERE (?1 = 0 OR active = 1) ORDER BY name LIMIT ?2 OFFSET ?3"
            ),
            vec![Value::Integer(filter.active_only.into()), limit(page), offset(page)],
            rows::team,
        )
        .await
    }
}

#[async_trait]
impl ModelReads for SqliteStore {
    async fn model(&self, model_id: Uuid) -> Result<Option<Model>> {
        self.query_one(
            concat!("SELECT ", model_columns!(), " FROM models WHERE id = ?1"),
            vec![id(model_id)],
            rows::model,
        )
        .await
    }

    async fn model_by_name(&self, name: &str) -> Result<Option<Model>> {
        self.query_one(
            concat!("SELECT ", model_columns!(), " FROM models WHERE name = ?1"),
            vec![text(name)],
            rows::model,
        )
        .await
    }

    async fn list_models(&self, filter: ModelFilter, page: Page) -> Result<Vec<Model>> {
        self.query_all(
            concat!(
                "SELECT ",
                model_columns!(),
                " FROM models WHERE (?1 = 0 OR is_active = 1) AND (?2 IS NULL OR team_id = ?2)
                   AND (?3 IS NULL OR risk_level = ?3) ORDER BY name LIMIT ?4 OFFSET ?5"
            ),
            vec![
                Value::Integer(filter.active_only.into()),
                filter.team_id.map_or(Value::Null, id),
                opt_text(filter.risk_level.map(|r| r.as_str())),
                limit(page),
                offset(page),
            ],
            rows::model,
        )
        .await
    }

    async fn search_models(&self, term: &str, page: Page) -> Result<Vec<Model>> {
        self.query_all(
            concat!(
                "SELECT ",
                model_columns!(),
                " FROM models WHERE instr(name_folded, ?1) > 0 ORDER BY name LIMIT ?2 OFFSET ?3"
            ),
            vec![text(term), limit(page), offset(page)],
            rows::model,
        )
        .await
    }

    async fn models_by_tag(&self, tag: &str, page: Page) -> Result<Vec<Model>> {
        self.query_all(
            "SELECT m.id, m.name, m.description, m.use_case, m.team_id, m.risk_level, m.compliance_required,
                    m.is_active, m.created_at, m.updated_at
             FROM models m JOIN model_tags mt ON mt.model_id = m.id JOIN tags t ON t.id = mt.tag_id
             WHERE t.name = ?1 ORDER BY m.name LIMIT ?2 OFFSET ?3",
            vec![text(tag), limit(page), offset(page)],
            rows::model,
        )
        .await
    }

    async fn tags_of_model(&self, model_id: Uuid) -> Result<Vec<Tag>> {
        self.query_all(
            "SELECT t.id, t.name, t.description, t.created_at FROM tags t
             JOIN model_tags mt ON mt.tag_id = t.id WHERE mt.model_id = ?1 ORDER BY t.name",
            vec![id(model_id)],
            rows::tag,
        )
        .await
    }

    async fn list_tags(&self) -> Result<Vec<TagUsage>> {
        self.query_all(
            "SELECT t.id, t.name, t.description, t.created_at,
                    (SELECT count(*) FROM model_tags mt WHERE mt.tag_id = t.id)
             FROM tags t ORDER BY t.name",
            vec![],
            |row| {
                Ok(TagUsage {
                    tag: rows::tag(row)?,
                    model_count: count(row.get(4)?),
                })
            },
        )
        .await
    }
}

#[async_trait]
impl VersionReads for SqliteStore {
    async fn version(&self, version_id: Uuid) -> Result<Option<ModelVersion>> {
        self.query_one(
            concat!("SELECT ", version_columns!(), " FROM model_versions WHERE id = ?1"),
            vec![id(version_id)],
            rows::version,
        )
        .await
    }

    async fn version_by_semver(&self, model_id: Uuid, semver: &str) -> Result<Option<ModelVersion>> {
        self.query_one(
            concat!(
                "SELECT ",
                version_columns!(),
                " FROM model_versions WHERE model_id = ?1 AND semver = ?2"
            ),
            vec![id(model_id), text(semver)],
            rows::version,
        )
        .await
    }

    async fn version_by_model_name(&self, model_name: &str, semver: &str) -> Result<Option<ModelVersion>> {
        self.query_one(
            "SELECT v.id, v.model_id, v.semver, v.artifact_uri, v.framework, v.framework_version, v.python_version,
                    v.status, v.size_bytes, v.checksum_sha256, v.metadata, v.created_at
             FROM model_versions v JOIN models m ON m.id = v.model_id
             WHERE m.name = ?1 AND v.semver = ?2",
            vec![text(model_name), text(semver)],
            rows::version,
        )
        .await
    }

    async fn list_versions(&self, model_id: Uuid, filter: VersionFilter, page: Page) -> Result<Vec<ModelVersion>> {
        self.query_all(
            concat!(
                "SELECT ",
                version_columns!(),
                " FROM model_versions WHERE model_id = ?1 AND (?2 IS NULL OR status = ?2)
                   ORDER BY created_at DESC, id DESC LIMIT ?3 OFFSET ?4"
            ),
            vec![
                id(model_id),
                opt_text(filter.status.map(|s| s.as_str())),
                limit(page),
                offset(page),
            ],
            rows::version,
        )
        .await
    }

    async fn latest_version(&self, model_id: Uuid, filter: VersionFilter) -> Result<Option<ModelVersion>> {
        self.query_one(
            concat!(
                "SELECT ",
                version_columns!(),
                " FROM model_versions WHERE model_id = ?1 AND (?2 IS NULL OR status = ?2)
                   ORDER BY precedence DESC, created_at DESC, id DESC LIMIT 1"
            ),
            vec![id(model_id), opt_text(filter.status.map(|s| s.as_str()))],
            rows::version,
        )
        .await
    }

    async fn production_versions(&self) -> Result<Vec<VersionWithModel>> {
        self.query_all(
            "SELECT v.id, v.model_id, v.semver, v.artifact_uri, v.framework, v.framework_version, v.python_version,
                    v.status, v.size_bytes, v.checksum_sha256, v.metadata, v.created_at,
                    m.id, m.name, m.description, m.use_case, m.team_id, m.risk_level, m.compliance_required,
                    m.is_active, m.created_at, m.updated_at
             FROM model_versions v JOIN models m ON m.id = v.model_id
             WHERE v.status = 'production' ORDER BY m.name",
            vec![],
            |row| {
                Ok(VersionWithModel {
                    version: rows::version_at(row, 0)?,
                    model: rows::model_at(row, 12)?,
                })
            },
        )
        .await
    }
}

#[async_trait]
impl RunReads for SqliteStore {
    async fn run(&self, run_id: Uuid) -> Result<Option<TrainingRun>> {
        self.query_one(
            concat!("SELECT ", run_columns!(), " FROM training_runs WHERE id = ?1"),
            vec![id(run_id)],
            rows::run,
        )
        .await
    }

    async fn runs_of_version(&self, version_id: Uuid, filter: RunFilter, page: Page) -> Result<Vec<TrainingRun>> {
        self.query_all(
            concat!(
                "SELECT ",
                run_columns!(),
                " FROM training_runs WHERE version_id = ?1 AND (?2 IS NULL OR status = ?2)
                   ORDER BY started_at DESC, id DESC LIMIT ?3 OFFSET ?4"
            ),
            vec![
                id(version_id),
                opt_text(filter.status.map(|s| s.as_str())),
                limit(page),
                offset(page),
            ],
            rows::run,
        )
        .await
    }

    async fn runs_of_model(&self, model_id: Uuid, filter: RunFilter, page: Page) -> Result<Vec<TrainingRun>> {
        self.query_all(
            "SELECT r.id, r.version_id, r.run_name, r.status, r.started_at, r.completed_at, r.duration_seconds,
                    r.gpu_hours, r.cost_usd, r.dataset_name, r.dataset_version, r.hyperparameters, r.environment,
                    r.created_by
             FROM training_runs r JOIN model_versions v ON v.id = r.version_id
             WHERE v.model_id = ?1 AND (?2 IS NULL OR r.status = ?2)
             ORDER BY r.started_at DESC, r.id DESC LIMIT ?3 OFFSET ?4",
            vec![
                id(model_id),
                opt_text(filter.status.map(|s| s.as_str())),
                limit(page),
                offset(page),
            ],
            rows::run,
        )
        .await
    }

    async fn cost_summary(&self, model_id: Option<Uuid>) -> Result<CostSummary> {
        let summary = self
            .query_one(
                "SELECT coalesce(sum(r.cost_usd), 0.0), coalesce(sum(r.gpu_hours), 0.0), count(r.id)
                 FROM training_runs r JOIN model_versions v ON v.id = r.version_id
                 WHERE ?1 IS NULL OR v.model_id = ?1",
                vec![model_id.map_or(Value::Null, id)],
                |row| {
                    Ok(CostSummary {
                        total_cost_usd: row.get(0)?,
                        total_gpu_hours: row.get(1)?,
                        run_count: count(row.get(2)?),
                    })
                },
            )
            .await?;
        Ok(summary.unwrap_or_default())
    }
}

#[async_trait]
impl MetricReads for SqliteStore {
    async fn metrics_of_version(&self, version_id: Uuid, filter: &MetricFilter, page: Page) -> Result<Vec<Metric>> {
        self.query_all(
            concat!(
                "SELECT ",
                metric_columns!(),
                " FROM metrics WHERE version_id = ?1 AND (?2 IS NULL OR name = ?2) AND (?3 IS NULL OR split = ?3)
                   ORDER BY recorded_at DESC, id DESC LIMIT ?4 OFFSET ?5"
            ),
            vec![
                id(version_id),
                opt_text(filter.name.as_deref()),
                opt_text(filter.split.map(|s| s.as_str())),
                limit(page),
                offset(page),
            ],
            rows::metric,
        )
        .await
    }

    async fn latest_metrics(&self, version_id: Uuid) -> Result<Vec<Metric>> {
        self.query_all(
            "SELECT id, version_id, name, value, split, recorded_at FROM (
                 SELECT *, row_number() OVER (PARTITION BY name ORDER BY recorded_at DESC, id DESC) AS rank
                 FROM metrics WHERE version_id = ?1
             ) WHERE rank = 1 ORDER BY name",
            vec![id(version_id)],
            rows::metric,
        )
        .await
    }
}

#[async_trait]
impl EnvironmentReads for SqliteStore {
    async fn environment(&self, env_id: Uuid) -> Result<Option<Environment>> {
        self.query_one(
            concat!("SELECT ", environment_columns!(), " FROM environments WHERE id = ?1"),
            vec![id(env_id)],
            rows::environment,
        )
        .await
    }

    async fn environment_by_name(&self, name: &str) -> Result<Option<Environment>> {
        self.query_one(
            concat!("SELECT ", environment_columns!(), " FROM environments WHERE name = ?1"),
            vec![text(name)],
            rows::environment,
        )
        .await
    }

    async fn list_environments(&self, filter: EnvironmentFilter, page: Page) -> Result<Vec<Environment>> {
        self.query_all(
            concat!(
                "SELECT ",
                environment_columns!(),
                " FROM environments WHERE (?1 IS NULL OR kind = ?1) AND (?2 = 0 OR is_active = 1)
                   ORDER BY name LIMIT ?3 OFFSET ?4"
            ),
            vec![
                opt_text(filter.kind.map(|k| k.as_str())),
                Value::Integer(filter.active_only.into()),
                limit(page),
                offset(page),
            ],
            rows::environment,
        )
        .await
    }
}

#[async_trait]
impl DeploymentReads for SqliteStore {
    async fn deployment(&self, deployment_id: Uuid) -> Result<Option<Deployment>> {
        self.query_one(
            concat!("SELECT ", deployment_columns!(), " FROM deployments WHERE id = ?1"),
            vec![id(deployment_id)],
            rows::deployment,
        )
        .await
    }

    async fn deployments_in(
        &self,
        environment_id: Uuid,
        filter: DeploymentFilter,
        page: Page,
    ) -> Result<Vec<Deployment>> {
        self.query_all(
            concat!(
                "SELECT ",
                deployment_columns!(),
                " FROM deployments WHERE environment_id = ?1 AND (?2 IS NULL OR status = ?2)
                   ORDER BY deployed_at DESC, id DESC LIMIT ?3 OFFSET ?4"
            ),
            vec![
                id(environment_id),
                opt_text(filter.status.map(|s| s.as_str())),
                limit(page),
                offset(page),
            ],
            rows::deployment,
        )
        .await
    }

    async fn deployments_of_version(
        &self,
        version_id: Uuid,
        filter: DeploymentFilter,
        page: Page,
    ) -> Result<Vec<Deployment>> {
        self.query_all(
            concat!(
                "SELECT ",
                deployment_columns!(),
                " FROM deployments WHERE version_id = ?1 AND (?2 IS NULL OR status = ?2)
                   ORDER BY deployed_at DESC, id DESC LIMIT ?3 OFFSET ?4"
            ),
            vec![
                id(version_id),
                opt_text(filter.status.map(|s| s.as_str())),
                limit(page),
                offset(page),
            ],
            rows::deployment,
        )
        .await
    }

    async fn active_deployments(&self) -> Result<Vec<ActiveDeployment>> {
        self.query_all(
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
            vec![],
            |row| {
                Ok(ActiveDeployment {
                    deployment: rows::deployment_at(row, 0)?,
                    version: rows::version_at(row, 13)?,
                    model: rows::model_at(row, 25)?,
                    environment: rows::environment_at(row, 35)?,
                })
            },
        )
        .await
    }
}

#[async_trait]
impl AuditReads for SqliteStore {
    async fn audit_of_entity(&self, kind: EntityKind, entity_id: Uuid, page: Page) -> Result<Vec<AuditEvent>> {
        self.query_all(
            concat!(
                "SELECT ",
                audit_columns!(),
                " FROM audit_events WHERE entity_type = ?1 AND entity_id = ?2
                   ORDER BY timestamp DESC, id DESC LIMIT ?3 OFFSET ?4"
            ),
            vec![text(kind.as_str()), id(entity_id), limit(page), offset(page)],
            rows::audit,
        )
        .await
    }

    async fn audit_by_actor(&self, actor: &str, page: Page) -> Result<Vec<AuditEvent>> {
        self.query_all(
            concat!(
                "SELECT ",
                audit_columns!(),
                " FROM audit_events WHERE actor = ?1 ORDER BY timestamp DESC, id DESC LIMIT ?2 OFFSET ?3"
            ),
            vec![text(actor), limit(page), offset(page)],
            rows::audit,
        )
        .await
    }

    async fn recent_audit(&self, page: Page) -> Result<Vec<AuditEvent>> {
        self.query_all(
            concat!(
                "SELECT ",
                audit_columns!(),
                " FROM audit_events ORDER BY timestamp DESC, id DESC LIMIT ?1 OFFSET ?2"
            ),
            vec![limit(page), offset(page)],
            rows::audit,
        )
        .await
    }
}

#[async_trait]
impl AnalyticsReads for SqliteStore {
    async fn model_summary(&self, model_id: Uuid) -> Result<ModelSummary> {
        let summary = self
            .query_one(
                "SELECT
                    (SELECT count(*) FROM model_versions WHERE model_id = ?1),
                    (SELECT count(*) FROM training_runs r JOIN model_versions v ON v.id = r.version_id WHERE v.model_id = ?1),
                    (SELECT count(*) FROM deployments d JOIN model_versions v ON v.id = d.version_id WHERE v.model_id = ?1),
                    (SELECT semver FROM model_versions WHERE model_id = ?1 ORDER BY precedence DESC, created_at DESC, id DESC LIMIT 1),
                    (SELECT semver FROM model_versions WHERE model_id = ?1 AND status = 'production'),
                    (SELECT coalesce(sum(r.gpu_hours), 0.0) FROM training_runs r JOIN model_versions v ON v.id = r.version_id WHERE v.model_id = ?1),
                    (SELECT coalesce(sum(r.cost_usd), 0.0) FROM training_runs r JOIN model_versions v ON v.id = r.version_id WHERE v.model_id = ?1)",
                vec![id(model_id)],
                |row| {
                    Ok(ModelSummary {
                        version_count: count(row.get(0)?),
                        training_run_count: count(row.get(1)?),
                        deployment_count: count(row.get(2)?),
                        latest_version: row.get(3)?,
                        production_version: row.get(4)?,
                        total_gpu_hours: row.get(5)?,
                        total_cost_usd: row.get(6)?,
                    })
                },
            )
            .await?;
        summary.ok_or_else(|| modelreg_core::Error::backend("the model summary query returned no row"))
    }

    async fn team_metrics(&self, team_id: Uuid) -> Result<TeamMetrics> {
        let metrics = self
            .query_one(
                "SELECT
                    (SELECT count(*) FROM models WHERE team_id = ?1),
                    (SELECT count(*) FROM model_versions v JOIN models m ON m.id = v.model_id WHERE m.team_id = ?1),
                    (SELECT count(*) FROM training_runs r JOIN model_versions v ON v.id = r.version_id
                        JOIN models m ON m.id = v.model_id WHERE m.team_id = ?1),
                    (SELECT count(*) FROM deployments d JOIN model_versions v ON v.id = d.version_id
                        JOIN models m ON m.id = v.model_id WHERE m.team_id = ?1),
                    (SELECT coalesce(sum(r.gpu_hours), 0.0) FROM training_runs r JOIN model_versions v ON v.id = r.version_id
                        JOIN models m ON m.id = v.model_id WHERE m.team_id = ?1),
                    (SELECT coalesce(sum(r.cost_usd), 0.0) FROM training_runs r JOIN model_versions v ON v.id = r.version_id
                        JOIN models m ON m.id = v.model_id WHERE m.team_id = ?1)",
                vec![id(team_id)],
                |row| {
                    Ok(TeamMetrics {
                        model_count: count(row.get(0)?),
                        version_count: count(row.get(1)?),
                        training_run_count: count(row.get(2)?),
                        deployment_count: count(row.get(3)?),
                        total_gpu_hours: row.get(4)?,
                        total_cost_usd: row.get(5)?,
                    })
                },
            )
            .await?;
        metrics.ok_or_else(|| modelreg_core::Error::backend("the team metrics query returned no row"))
    }

    async fn deployment_status_counts(&self) -> Result<DeploymentStatusCounts> {
        let found = self
            .query_all(
                "SELECT status, count(*) FROM deployments GROUP BY status",
                vec![],
                |row| Ok((row.get::<_, String>(0)?, row.get::<_, i64>(1)?)),
            )
            .await?;
        found
            .into_iter()
            .map(|(status, n)| Ok((status.parse()?, count(n))))
            .collect()
    }

    async fn models_not_trained_since(&self, since: Timestamp) -> Result<Vec<Model>> {
        self.query_all(
            concat!(
                "SELECT ",
                model_columns!(),
                " FROM models m WHERE is_active = 1 AND NOT EXISTS (
                     SELECT 1 FROM training_runs r JOIN model_versions v ON v.id = r.version_id
                     WHERE v.model_id = m.id AND r.started_at >= ?1)
                   ORDER BY name"
            ),
            vec![Value::Integer(time::to_micros(&since))],
            rows::model,
        )
        .await
    }

    async fn stats(&self) -> Result<Stats> {
        let stats = self
            .query_one(
                "SELECT (SELECT count(*) FROM teams), (SELECT count(*) FROM tags), (SELECT count(*) FROM models),
                        (SELECT count(*) FROM model_versions), (SELECT count(*) FROM training_runs),
                        (SELECT count(*) FROM metrics), (SELECT count(*) FROM environments),
                        (SELECT count(*) FROM deployments), (SELECT count(*) FROM audit_events)",
                vec![],
                |row| {
                    Ok(Stats {
                        teams: count(row.get(0)?),
                        tags: count(row.get(1)?),
                        models: count(row.get(2)?),
                        model_versions: count(row.get(3)?),
                        training_runs: count(row.get(4)?),
                        metrics: count(row.get(5)?),
                        environments: count(row.get(6)?),
                        deployments: count(row.get(7)?),
                        audit_events: count(row.get(8)?),
                    })
                },
            )
            .await?;
        Ok(stats.unwrap_or_default())
    }
}

fn after_text(after: Option<RecordKey>) -> (Value, Value) {
    match after {
        Some((first, second)) => (id(first), id(second)),
        // Every UUID's text sorts after the empty string.
        None => (text(""), text("")),
    }
}

#[async_trait]
impl RecordReads for SqliteStore {
    async fn records(&self, kind: RecordKind, after: Option<RecordKey>, limit: u32) -> Result<Vec<Record>> {
        let (first, second) = after_text(after);
        let limit = Value::Integer(limit.into());
        // One keyset-paged query per kind of record, read by its row mapper.
        macro_rules! page {
            ($columns:ident, $table:literal, $map:path, $variant:ident) => {
                self.query_all(
                    concat!(
                        "SELECT ",
                        $columns!(),
                        " FROM ",
                        $table,
                        " WHERE id > ?1 ORDER BY id LIMIT ?2"
                    ),
                    vec![first, limit],
                    |r| $map(r).map(Record::$variant),
                )
                .await
            };
        }
        match kind {
            RecordKind::Team => page!(team_columns, "teams", rows::team, Team),
            RecordKind::Tag => page!(tag_columns, "tags", rows::tag, Tag),
            RecordKind::Model => page!(model_columns, "models", rows::model, Model),
            RecordKind::ModelTag => {
                let sql = "SELECT model_id, tag_id, assigned_at FROM model_tags
                           WHERE (model_id, tag_id) > (?1, ?2) ORDER BY model_id, tag_id LIMIT ?3";
                self.query_all(sql, vec![first, second, limit], |r| {
                    rows::model_tag(r).map(Record::ModelTag)
                })
                .await
            }
            RecordKind::ModelVersion => page!(version_columns, "model_versions", rows::version, ModelVersion),
            RecordKind::TrainingRun => page!(run_columns, "training_runs", rows::run, TrainingRun),
            RecordKind::Metric => page!(metric_columns, "metrics", rows::metric, Metric),
            RecordKind::Environment => page!(environment_columns, "environments", rows::environment, Environment),
            RecordKind::Deployment => page!(deployment_columns, "deployments", rows::deployment, Deployment),
            RecordKind::AuditEvent => page!(audit_columns, "audit_events", rows::audit, AuditEvent),
        }
    }

    async fn record_counts(&self) -> Result<BTreeMap<RecordKind, u64>> {
        let counts: Vec<i64> = self
            .read(|conn| {
                conn.query_row(
                    "SELECT (SELECT count(*) FROM teams), (SELECT count(*) FROM tags), (SELECT count(*) FROM models),
                            (SELECT count(*) FROM model_tags), (SELECT count(*) FROM model_versions),
                            (SELECT count(*) FROM training_runs), (SELECT count(*) FROM metrics),
                            (SELECT count(*) FROM environments), (SELECT count(*) FROM deployments),
                            (SELECT count(*) FROM audit_events)",
                    [],
                    |row| (0..10).map(|i| row.get(i)).collect(),
                )
                .map_err(db)
            })
            .await?;
        Ok(RecordKind::ALL
            .iter()
            .copied()
            .zip(counts.into_iter().map(count))
            .collect())
    }
}

#[async_trait]
impl StoreInfo for SqliteStore {
    fn backend(&self) -> &'static str {
        "sqlite"
    }

    fn location(&self) -> String {
        match self.location() {
            crate::Location::File(path) => format!("sqlite://{}", path.display()),
            crate::Location::Memory => "sqlite::memory:".to_owned(),
        }
    }

    fn known_migrations(&self) -> &'static [Migration] {
        schema::MIGRATIONS
    }

    async fn applied_migrations(&self) -> Result<Vec<AppliedMigration>> {
        self.on_writer(|conn| schema::history(conn)).await
    }

    async fn size_bytes(&self) -> Result<u64> {
        let pages: i64 = self
            .read(|conn| {
                conn.query_row(
                    "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()",
                    [],
                    |row| row.get(0),
                )
                .map_err(db)
            })
            .await?;
        let wal = match self.location() {
            crate::Location::File(path) => {
                let mut wal = path.clone().into_os_string();
                wal.push("-wal");
                std::fs::metadata(wal).map_or(0, |m| m.len())
            }
            crate::Location::Memory => 0,
        };
        Ok(count(pages) + wal)
    }

    async fn upgrade(&self, target: Option<i64>) -> Result<()> {
        let target = target.unwrap_or_else(|| migrations::latest(schema::MIGRATIONS));
        self.on_writer(move |conn| schema::migrate_to(conn, target)).await
    }

    async fn downgrade(&self, target: i64) -> Result<()> {
        self.on_writer(move |conn| schema::downgrade_to(conn, target)).await
    }
}
