//! Rows that are not one stored entity: figures computed by a query (counts,
//! sums, summaries), read by column name through [`Row`] like the entities,
//! so that no backend maps them by hand. Each query names its columns as
//! the fields read here.

use std::collections::BTreeMap;

use super::{Cells, FromRow, Row, TABLES, Table, undecodable};
use crate::aliases::AliasWithVersion;
use crate::analytics::{ModelSummary, Stats, TeamMetrics};
use crate::deployments::{ActiveDeployment, Deployment, Drift};
use crate::environments::Environment;
use crate::error::Result;
use crate::models::{Model, Tag, TagUsage};
use crate::runs::CostSummary;
use crate::store::RecordKind;
use crate::versions::{ModelVersion, VersionWithModel};

/// The select list of a join: each part's read columns, over its table
/// alias, named with its column prefix.
fn joined(parts: &[(RecordKind, &str, &str)]) -> String {
    parts
        .iter()
        .map(|(kind, alias, prefix)| Table::of(*kind).select_list(alias, prefix))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The parts of a [`VersionWithModel`] row: `model_versions v`, `models m`.
const VERSION_WITH_MODEL: [(RecordKind, &str, &str); 2] =
    [(RecordKind::ModelVersion, "v", ""), (RecordKind::Model, "m", "m_")];

/// The parts of an [`ActiveDeployment`] row: `deployments d`,
/// `model_versions v`, `models m`, `environments e`.
const ACTIVE_DEPLOYMENT: [(RecordKind, &str, &str); 4] = [
    (RecordKind::Deployment, "d", ""),
    (RecordKind::ModelVersion, "v", "v_"),
    (RecordKind::Model, "m", "m_"),
    (RecordKind::Environment, "e", "e_"),
];

impl VersionWithModel {
    /// The select list of a row read as this: `model_versions v` joined with `models m`.
    pub fn select_list() -> String {
        joined(&VERSION_WITH_MODEL)
    }
}

/// A version with its model, as [`VersionWithModel::select_list`] names them.
impl FromRow for VersionWithModel {
    fn from_row(row: &dyn Row, prefix: &str) -> Result<Self> {
        let [(_, _, version), (_, _, model)] = VERSION_WITH_MODEL;
        Ok(VersionWithModel {
            version: ModelVersion::from_row(row, &format!("{prefix}{version}"))?,
            model: Model::from_row(row, &format!("{prefix}{model}"))?,
        })
    }
}

impl ActiveDeployment {
    /// The select list of a row read as this: `deployments d` joined with
    /// `model_versions v`, `models m` and `environments e`.
    pub fn select_list() -> String {
        joined(&ACTIVE_DEPLOYMENT)
    }
}

/// A deployment with what it serves, as [`ActiveDeployment::select_list`] names them.
impl FromRow for ActiveDeployment {
    fn from_row(row: &dyn Row, prefix: &str) -> Result<Self> {
        let [(_, _, deployment), (_, _, version), (_, _, model), (_, _, environment)] = ACTIVE_DEPLOYMENT;
        Ok(ActiveDeployment {
            deployment: Deployment::from_row(row, &format!("{prefix}{deployment}"))?,
            version: ModelVersion::from_row(row, &format!("{prefix}{version}"))?,
            model: Model::from_row(row, &format!("{prefix}{model}"))?,
            environment: Environment::from_row(row, &format!("{prefix}{environment}"))?,
        })
    }
}

/// The parts of a [`Drift`] row: `deployments d`, `model_versions v` (the
/// deployed version), `models m`, `environments e`, and `model_versions p`
/// (the production version, absent when the model has none).
const DRIFT: [(RecordKind, &str, &str); 5] = [
    (RecordKind::Deployment, "d", ""),
    (RecordKind::ModelVersion, "v", "v_"),
    (RecordKind::Model, "m", "m_"),
    (RecordKind::Environment, "e", "e_"),
    (RecordKind::ModelVersion, "p", "p_"),
];

impl Drift {
    /// The select list of a row read as this: `deployments d` joined with
    /// `model_versions v` (deployed), `models m`, `environments e` and
    /// `model_versions p` (production, absent when the model has none).
    pub fn select_list() -> String {
        joined(&DRIFT)
    }
}

/// A drifting deployment, as [`Drift::select_list`] names its parts.
impl FromRow for Drift {
    fn from_row(row: &dyn Row, prefix: &str) -> Result<Self> {
        let [
            (_, _, deployment),
            (_, _, deployed),
            (_, _, model),
            (_, _, environment),
            (_, _, production),
        ] = DRIFT;
        let production_prefix = format!("{prefix}{production}");
        let has_production = Cells::new(row, &production_prefix).opt_uuid("id")?.is_some();
        Ok(Drift {
            deployment: Deployment::from_row(row, &format!("{prefix}{deployment}"))?,
            deployed: ModelVersion::from_row(row, &format!("{prefix}{deployed}"))?,
            model: Model::from_row(row, &format!("{prefix}{model}"))?,
            environment: Environment::from_row(row, &format!("{prefix}{environment}"))?,
            production: if has_production {
                Some(ModelVersion::from_row(row, &production_prefix)?)
            } else {
                None
            },
        })
    }
}

/// An alias with the semver of its version: `a` is `model_aliases`, `v` its version.
impl AliasWithVersion {
    /// The select list of a row read as this.
    pub fn select_list() -> &'static str {
        "a.name AS name, a.version_id AS version_id, v.semver AS semver, a.assigned_at AS assigned_at"
    }
}

impl FromRow for AliasWithVersion {
    fn from_row(row: &dyn Row, prefix: &str) -> Result<Self> {
        let c = Cells::new(row, prefix);
        Ok(AliasWithVersion {
            name: c.text("name")?,
            version_id: c.uuid("version_id")?,
            semver: c.text("semver")?,
            assigned_at: c.time("assigned_at")?,
        })
    }
}

impl Cells<'_> {
    /// A non-negative count.
    pub fn count(&self, column: &str) -> Result<u64> {
        u64::try_from(self.int(column)?).map_err(|e| undecodable(column, e))
    }
}

/// A tag with `model_count`.
impl FromRow for TagUsage {
    fn from_row(row: &dyn Row, prefix: &str) -> Result<Self> {
        Ok(TagUsage {
            tag: Tag::from_row(row, prefix)?,
            model_count: Cells::new(row, prefix).count("model_count")?,
        })
    }
}

/// `total_cost_usd`, `total_gpu_hours` and `run_count`.
impl FromRow for CostSummary {
    fn from_row(row: &dyn Row, prefix: &str) -> Result<Self> {
        let c = Cells::new(row, prefix);
        Ok(CostSummary {
            total_cost_usd: c.float("total_cost_usd")?,
            total_gpu_hours: c.float("total_gpu_hours")?,
            run_count: c.count("run_count")?,
        })
    }
}

/// Every field of [`ModelSummary`], by its name.
impl FromRow for ModelSummary {
    fn from_row(row: &dyn Row, prefix: &str) -> Result<Self> {
        let c = Cells::new(row, prefix);
        Ok(ModelSummary {
            version_count: c.count("version_count")?,
            training_run_count: c.count("training_run_count")?,
            deployment_count: c.count("deployment_count")?,
            latest_version: c.opt_text("latest_version")?,
            production_version: c.opt_text("production_version")?,
            total_gpu_hours: c.float("total_gpu_hours")?,
            total_cost_usd: c.float("total_cost_usd")?,
        })
    }
}

/// Every field of [`TeamMetrics`], by its name.
impl FromRow for TeamMetrics {
    fn from_row(row: &dyn Row, prefix: &str) -> Result<Self> {
        let c = Cells::new(row, prefix);
        Ok(TeamMetrics {
            model_count: c.count("model_count")?,
            version_count: c.count("version_count")?,
            training_run_count: c.count("training_run_count")?,
            deployment_count: c.count("deployment_count")?,
            total_gpu_hours: c.float("total_gpu_hours")?,
            total_cost_usd: c.float("total_cost_usd")?,
        })
    }
}

/// The rows of every table, each in a column named as the table (see [`table_counts`]).
pub fn record_counts(row: &dyn Row) -> Result<BTreeMap<RecordKind, u64>> {
    let c = Cells::new(row, "");
    TABLES.iter().map(|t| Ok((t.kind, c.count(t.name)?))).collect()
}

/// The columns of a query answering [`record_counts`]: `(SELECT count(*) FROM t) AS t, …`.
pub fn table_counts() -> String {
    TABLES
        .iter()
        .map(|t| format!("(SELECT count(*) FROM {0}) AS {0}", t.name))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The entities of a [`table_counts`] row (tag links are not counted).
impl FromRow for Stats {
    fn from_row(row: &dyn Row, _prefix: &str) -> Result<Self> {
        let counts = record_counts(row)?;
        let n = |kind| counts.get(&kind).copied().unwrap_or(0);
        Ok(Stats {
            teams: n(RecordKind::Team),
            tags: n(RecordKind::Tag),
            models: n(RecordKind::Model),
            model_versions: n(RecordKind::ModelVersion),
            training_runs: n(RecordKind::TrainingRun),
            metrics: n(RecordKind::Metric),
            environments: n(RecordKind::Environment),
            deployments: n(RecordKind::Deployment),
            audit_events: n(RecordKind::AuditEvent),
        })
    }
}
