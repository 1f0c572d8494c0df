//! Mapping between PostgreSQL rows and core types, in both directions. The
//! `Db<T>` wrapper carries a hand-written `FromRow`, so core stays free of sqlx.

use std::collections::HashMap;
use std::str::FromStr;
use std::sync::{Mutex, OnceLock};

use modelreg_core::audit::AuditEvent;
use modelreg_core::deployments::Deployment;
use modelreg_core::environments::Environment;
use modelreg_core::metrics::Metric;
use modelreg_core::models::{Model, Tag};
use modelreg_core::runs::TrainingRun;
use modelreg_core::teams::Team;
use modelreg_core::validate::JsonObject;
use modelreg_core::versions::ModelVersion;
use modelreg_core::{Record, Result};
use sqlx::postgres::PgRow;
use sqlx::types::Json;
use sqlx::{FromRow, PgConnection, Row};

use crate::error;

// The column lists of each table, in the order the row mappers read them
// (macros, so that `concat!` can build `&'static str` SQL from them).

macro_rules! team_columns {
    () => {
        "id, name, department, cost_center, active, created_at"
    };
}

macro_rules! tag_columns {
    () => {
        "id, name, description, created_at"
    };
}

macro_rules! model_columns {
    () => {
        "id, name, description, use_case, team_id, risk_level, compliance_required, is_active, created_at, updated_at"
    };
}

macro_rules! version_columns {
    () => {
        "id, model_id, semver, artifact_uri, framework, framework_version, python_version, status, size_bytes, checksum_sha256, metadata, created_at"
    };
}

macro_rules! run_columns {
    () => {
        "id, version_id, run_name, status, started_at, completed_at, duration_seconds, gpu_hours, cost_usd, dataset_name, dataset_version, hyperparameters, environment, created_by"
    };
}

macro_rules! metric_columns {
    () => {
        "id, version_id, name, value, split, recorded_at"
    };
}

macro_rules! environment_columns {
    () => {
        "id, name, kind, region, kubernetes_namespace, config, is_active, created_at"
    };
}

macro_rules! deployment_columns {
    () => {
        "id, version_id, environment_id, name, status, endpoint_url, replicas, cpu_request, memory_request, gpu_count, deployed_at, deployed_by, terminated_at"
    };
}

macro_rules! audit_columns {
    () => {
        "id, entity_type, entity_id, action, actor, changes, timestamp"
    };
}

/// A core type read from a row.
pub(crate) struct Db<T>(pub T);

fn parsed<T: FromStr<Err = modelreg_core::Error>>(row: &PgRow, idx: usize) -> sqlx::Result<T> {
    let text: String = row.try_get(idx)?;
    text.parse()
        .map_err(|e: modelreg_core::Error| sqlx::Error::Decode(Box::new(e)))
}

fn json(row: &PgRow, idx: usize) -> sqlx::Result<JsonObject> {
    Ok(row.try_get::<Json<JsonObject>, _>(idx)?.0)
}

pub(crate) fn team_at(row: &PgRow, o: usize) -> sqlx::Result<Team> {
    Ok(Team {
        id: row.try_get(o)?,
        name: row.try_get(o + 1)?,
        department: row.try_get(o + 2)?,
        cost_center: row.try_get(o + 3)?,
        active: row.try_get(o + 4)?,
        created_at: row.try_get(o + 5)?,
    })
}

pub(crate) fn tag_at(row: &PgRow, o: usize) -> sqlx::Result<Tag> {
    Ok(Tag {
        id: row.try_get(o)?,
        name: row.try_get(o + 1)?,
        description: row.try_get(o + 2)?,
        created_at: row.try_get(o + 3)?,
    })
}

pub(crate) fn model_at(row: &PgRow, o: usize) -> sqlx::Result<Model> {
    Ok(Model {
        id: row.try_get(o)?,
        name: row.try_get(o + 1)?,
        description: row.try_get(o + 2)?,
        use_case: row.try_get(o + 3)?,
        team_id: row.try_get(o + 4)?,
        risk_level: parsed(row, o + 5)?,
        compliance_required: row.try_get(o + 6)?,
        is_active: row.try_get(o + 7)?,
        created_at: row.try_get(o + 8)?,
        updated_at: row.try_get(o + 9)?,
    })
}

pub(crate) fn version_at(row: &PgRow, o: usize) -> sqlx::Result<ModelVersion> {
    Ok(ModelVersion {
        id: row.try_get(o)?,
        model_id: row.try_get(o + 1)?,
        semver: row.try_get(o + 2)?,
        artifact_uri: row.try_get(o + 3)?,
        framework: parsed(row, o + 4)?,
        framework_version: row.try_get(o + 5)?,
        python_version: row.try_get(o + 6)?,
        status: parsed(row, o + 7)?,
        size_bytes: row.try_get(o + 8)?,
        checksum_sha256: row.try_get(o + 9)?,
        metadata: json(row, o + 10)?,
        created_at: row.try_get(o + 11)?,
    })
}

pub(crate) fn run_at(row: &PgRow, o: usize) -> sqlx::Result<TrainingRun> {
    Ok(TrainingRun {
        id: row.try_get(o)?,
        version_id: row.try_get(o + 1)?,
        run_name: row.try_get(o + 2)?,
        status: parsed(row, o + 3)?,
        started_at: row.try_get(o + 4)?,
        completed_at: row.try_get(o + 5)?,
        duration_seconds: row.try_get(o + 6)?,
        gpu_hours: row.try_get(o + 7)?,
        cost_usd: row.try_get(o + 8)?,
        dataset_name: row.try_get(o + 9)?,
        dataset_version: row.try_get(o + 10)?,
        hyperparameters: json(row, o + 11)?,
        environment: json(row, o + 12)?,
        created_by: row.try_get(o + 13)?,
    })
}

pub(crate) fn metric_at(row: &PgRow, o: usize) -> sqlx::Result<Metric> {
    Ok(Metric {
        id: row.try_get(o)?,
        version_id: row.try_get(o + 1)?,
        name: row.try_get(o + 2)?,
        value: row.try_get(o + 3)?,
        split: parsed(row, o + 4)?,
        recorded_at: row.try_get(o + 5)?,
    })
}

pub(crate) fn environment_at(row: &PgRow, o: usize) -> sqlx::Result<Environment> {
    Ok(Environment {
        id: row.try_get(o)?,
        name: row.try_get(o + 1)?,
        kind: parsed(row, o + 2)?,
        region: row.try_get(o + 3)?,
        kubernetes_namespace: row.try_get(o + 4)?,
        config: json(row, o + 5)?,
        is_active: row.try_get(o + 6)?,
        created_at: row.try_get(o + 7)?,
    })
}

pub(crate) fn deployment_at(row: &PgRow, o: usize) -> sqlx::Result<Deployment> {
    Ok(Deployment {
        id: row.try_get(o)?,
        version_id: row.try_get(o + 1)?,
        environment_id: row.try_get(o + 2)?,
        name: row.try_get(o + 3)?,
        status: parsed(row, o + 4)?,
        endpoint_url: row.try_get(o + 5)?,
        replicas: row.try_get(o + 6)?,
        cpu_request: row.try_get(o + 7)?,
        memory_request: row.try_get(o + 8)?,
        gpu_count: row.try_get(o + 9)?,
        deployed_at: row.try_get(o + 10)?,
        deployed_by: row.try_get(o + 11)?,
        terminated_at: row.try_get(o + 12)?,
    })
}

pub(crate) fn audit_at(row: &PgRow, o: usize) -> sqlx::Result<AuditEvent> {
    Ok(AuditEvent {
        id: row.try_get(o)?,
        entity_type: parsed(row, o + 1)?,
        entity_id: row.try_get(o + 2)?,
        action: parsed(row, o + 3)?,
        actor: row.try_get(o + 4)?,
        changes: json(row, o + 5)?,
        timestamp: row.try_get(o + 6)?,
    })
}

macro_rules! from_row {
    ($($ty:ty => $mapper:ident),* $(,)?) => {
        $(
            impl<'r> FromRow<'r, PgRow> for Db<$ty> {
                fn from_row(row: &'r PgRow) -> sqlx::Result<Self> {
                    $mapper(row, 0).map(Db)
                }
            }
        )*
    };
}

from_row!(
    Team => team_at,
    Tag => tag_at,
    Model => model_at,
    ModelVersion => version_at,
    TrainingRun => run_at,
    Metric => metric_at,
    Environment => environment_at,
    Deployment => deployment_at,
    AuditEvent => audit_at,
);

/// Whether [`write`] inserts a new row or replaces the row with the record's id.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Write {
    Insert,
    Update,
}

/// The table and column list (`id` first) a record is stored in.
fn layout(record: &Record) -> (&'static str, &'static str) {
    match record {
        Record::Team(_) => ("teams", team_columns!()),
        Record::Tag(_) => ("tags", tag_columns!()),
        Record::Model(_) => ("models", concat!(model_columns!(), ", name_folded")),
        Record::ModelTag(_) => ("model_tags", "model_id, tag_id, assigned_at"),
        Record::ModelVersion(_) => ("model_versions", concat!(version_columns!(), ", precedence")),
        Record::TrainingRun(_) => ("training_runs", run_columns!()),
        Record::Metric(_) => ("metrics", metric_columns!()),
        Record::Environment(_) => ("environments", environment_columns!()),
        Record::Deployment(_) => ("deployments", deployment_columns!()),
        Record::AuditEvent(_) => ("audit_events", audit_columns!()),
    }
}

/// The table a record is stored in.
pub(crate) fn table_of(record: &Record) -> &'static str {
    layout(record).0
}

/// `INSERT INTO table (columns) VALUES ($n, …) RETURNING 1` or
/// `UPDATE table SET c2 = $n+1, … WHERE id = $n RETURNING 1`, numbering the
/// placeholders from `first`.
fn write_sql(how: Write, table: &str, columns: &str, first: usize) -> String {
    let names: Vec<&str> = columns.split(',').map(str::trim).collect();
    match how {
        Write::Insert => {
            let marks: Vec<String> = (0..names.len()).map(|i| format!("${}", first + i)).collect();
            format!(
                "INSERT INTO {table} ({columns}) VALUES ({}) RETURNING 1",
                marks.join(", ")
            )
        }
        Write::Update => {
            let sets: Vec<String> = names
                .iter()
                .enumerate()
                .skip(1)
                .map(|(i, name)| format!("{name} = ${}", first + i))
                .collect();
            format!("UPDATE {table} SET {} WHERE id = ${first} RETURNING 1", sets.join(", "))
        }
    }
}

/// One statement storing all of `writes`: the statement itself for one
/// write, or data-modifying CTEs (`WITH w0 AS (…), w1 AS (…)`) for several,
/// answering how many rows each wrote. Built from constants only, once per
/// sequence of tables and kinds of write, and kept for the life of the process.
fn statement(writes: &[(Record, Write)]) -> &'static str {
    type Key = Vec<(&'static str, Write)>;
    static BUILT: OnceLock<Mutex<HashMap<Key, &'static str>>> = OnceLock::new();
    let key: Key = writes.iter().map(|(r, how)| (table_of(r), *how)).collect();
    let mut built = BUILT
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    built.entry(key).or_insert_with(|| {
        let mut first = 1;
        let mut parts = Vec::with_capacity(writes.len());
        for (record, how) in writes {
            let (table, columns) = layout(record);
            parts.push(write_sql(*how, table, columns, first));
            first += columns.split(',').count();
        }
        let sql = if let [only] = parts.as_slice() {
            only.clone()
        } else {
            let ctes: Vec<String> = parts
                .iter()
                .enumerate()
                .map(|(i, part)| format!("w{i} AS ({part})"))
                .collect();
            let counts: Vec<String> = (0..parts.len())
                .map(|i| format!("(SELECT count(*) FROM w{i})"))
                .collect();
            format!("WITH {} SELECT ARRAY[{}]::bigint[]", ctes.join(", "), counts.join(", "))
        };
        Box::leak(sql.into_boxed_str())
    })
}

type PgQuery<'q> = sqlx::query::Query<'q, sqlx::Postgres, sqlx::postgres::PgArguments>;

/// Binds the record's values in the order of its [`layout`].
fn bind<'q>(query: PgQuery<'q>, record: &'q Record) -> PgQuery<'q> {
    match record {
        Record::Team(t) => query
            .bind(t.id)
            .bind(&t.name)
            .bind(&t.department)
            .bind(&t.cost_center)
            .bind(t.active)
            .bind(t.created_at),
        Record::Tag(t) => query.bind(t.id).bind(&t.name).bind(&t.description).bind(t.created_at),
        Record::Model(m) => query
            .bind(m.id)
            .bind(&m.name)
            .bind(&m.description)
            .bind(&m.use_case)
            .bind(m.team_id)
            .bind(m.risk_level.as_str())
            .bind(m.compliance_required)
            .bind(m.is_active)
            .bind(m.created_at)
            .bind(m.updated_at)
            .bind(m.search_key()),
        Record::ModelTag(l) => query.bind(l.model_id).bind(l.tag_id).bind(l.assigned_at),
        Record::ModelVersion(v) => query
            .bind(v.id)
            .bind(v.model_id)
            .bind(&v.semver)
            .bind(&v.artifact_uri)
            .bind(v.framework.as_str())
            .bind(&v.framework_version)
            .bind(&v.python_version)
            .bind(v.status.as_str())
            .bind(v.size_bytes)
            .bind(&v.checksum_sha256)
            .bind(Json(&v.metadata))
            .bind(v.created_at)
            .bind(v.precedence_key()),
        Record::TrainingRun(r) => query
            .bind(r.id)
            .bind(r.version_id)
            .bind(&r.run_name)
            .bind(r.status.as_str())
            .bind(r.started_at)
            .bind(r.completed_at)
            .bind(r.duration_seconds)
            .bind(r.gpu_hours)
            .bind(r.cost_usd)
            .bind(&r.dataset_name)
            .bind(&r.dataset_version)
            .bind(Json(&r.hyperparameters))
            .bind(Json(&r.environment))
            .bind(&r.created_by),
        Record::Metric(m) => query
            .bind(m.id)
            .bind(m.version_id)
            .bind(&m.name)
            .bind(m.value)
            .bind(m.split.as_str())
            .bind(m.recorded_at),
        Record::Environment(e) => query
            .bind(e.id)
            .bind(&e.name)
            .bind(e.kind.as_str())
            .bind(&e.region)
            .bind(&e.kubernetes_namespace)
            .bind(Json(&e.config))
            .bind(e.is_active)
            .bind(e.created_at),
        Record::Deployment(d) => query
            .bind(d.id)
            .bind(d.version_id)
            .bind(d.environment_id)
            .bind(&d.name)
            .bind(d.status.as_str())
            .bind(&d.endpoint_url)
            .bind(d.replicas)
            .bind(&d.cpu_request)
            .bind(&d.memory_request)
            .bind(d.gpu_count)
            .bind(d.deployed_at)
            .bind(&d.deployed_by)
            .bind(d.terminated_at),
        Record::AuditEvent(a) => query
            .bind(a.id)
            .bind(a.entity_type.as_str())
            .bind(a.entity_id)
            .bind(a.action.as_str())
            .bind(&a.actor)
            .bind(Json(&a.changes))
            .bind(a.timestamp),
    }
}

/// Stores every queued write in one statement (one round trip). A write
/// that changed no row (an update of a vanished id) is `NotFound`.
pub(crate) async fn write_all(conn: &mut PgConnection, writes: &[(Record, Write)]) -> Result<()> {
    if writes.is_empty() {
        return Ok(());
    }
    let query = writes
        .iter()
        .fold(sqlx::query(statement(writes)), |q, (record, _)| bind(q, record));
    let counts: Vec<i64> = match writes {
        [_] => {
            let done = query.execute(&mut *conn).await;
            vec![
                done.map(|d| d.rows_affected() as i64)
                    .map_err(|e| error::map_batch(e, writes))?,
            ]
        }
        _ => {
            let row = query
                .fetch_one(&mut *conn)
                .await
                .map_err(|e| error::map_batch(e, writes))?;
            row.try_get(0).map_err(error::db)?
        }
    };
    match writes.iter().zip(counts).find(|(_, n)| *n == 0) {
        Some(((record, _), _)) => Err(modelreg_core::Error::not_found(record.kind(), record.id())),
        None => Ok(()),
    }
}
