//! Mapping between SQLite rows and core types, in both directions.

use std::collections::HashMap;
use std::str::FromStr;
use std::sync::{Mutex, OnceLock};

use modelreg_core::audit::AuditEvent;
use modelreg_core::deployments::Deployment;
use modelreg_core::environments::Environment;
use modelreg_core::metrics::Metric;
use modelreg_core::models::{Model, ModelTag, Tag};
use modelreg_core::runs::TrainingRun;
use modelreg_core::teams::Team;
use modelreg_core::time::{self, Timestamp};
use modelreg_core::validate::JsonObject;
use modelreg_core::versions::ModelVersion;
use modelreg_core::{Record, Result};
use rusqlite::types::Type;
use rusqlite::{Connection, Row, ToSql, params};
use uuid::Uuid;

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

fn conversion(idx: usize, ty: Type, err: impl std::error::Error + Send + Sync + 'static) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(idx, ty, Box::new(err))
}

fn uuid(row: &Row, idx: usize) -> rusqlite::Result<Uuid> {
    let text: String = row.get(idx)?;
    Uuid::parse_str(&text).map_err(|e| conversion(idx, Type::Text, e))
}

fn opt_uuid(row: &Row, idx: usize) -> rusqlite::Result<Option<Uuid>> {
    let text: Option<String> = row.get(idx)?;
    text.map(|t| Uuid::parse_str(&t).map_err(|e| conversion(idx, Type::Text, e)))
        .transpose()
}

fn ts(row: &Row, idx: usize) -> rusqlite::Result<Timestamp> {
    let micros: i64 = row.get(idx)?;
    time::from_micros(micros).map_err(|e| conversion(idx, Type::Integer, e))
}

fn opt_ts(row: &Row, idx: usize) -> rusqlite::Result<Option<Timestamp>> {
    let micros: Option<i64> = row.get(idx)?;
    micros
        .map(|m| time::from_micros(m).map_err(|e| conversion(idx, Type::Integer, e)))
        .transpose()
}

fn json(row: &Row, idx: usize) -> rusqlite::Result<JsonObject> {
    let text: String = row.get(idx)?;
    serde_json::from_str(&text).map_err(|e| conversion(idx, Type::Text, e))
}

fn parsed<T: FromStr<Err = modelreg_core::Error>>(row: &Row, idx: usize) -> rusqlite::Result<T> {
    let text: String = row.get(idx)?;
    text.parse().map_err(|e| conversion(idx, Type::Text, e))
}

pub(crate) fn team(row: &Row) -> rusqlite::Result<Team> {
    Ok(Team {
        id: uuid(row, 0)?,
        name: row.get(1)?,
        department: row.get(2)?,
        cost_center: row.get(3)?,
        active: row.get(4)?,
        created_at: ts(row, 5)?,
    })
}

pub(crate) fn tag(row: &Row) -> rusqlite::Result<Tag> {
    Ok(Tag {
        id: uuid(row, 0)?,
        name: row.get(1)?,
        description: row.get(2)?,
        created_at: ts(row, 3)?,
    })
}

pub(crate) fn model_tag(row: &Row) -> rusqlite::Result<ModelTag> {
    Ok(ModelTag {
        model_id: uuid(row, 0)?,
        tag_id: uuid(row, 1)?,
        assigned_at: ts(row, 2)?,
    })
}

pub(crate) fn model(row: &Row) -> rusqlite::Result<Model> {
    model_at(row, 0)
}

/// A model whose columns start at `offset` in the row.
pub(crate) fn model_at(row: &Row, offset: usize) -> rusqlite::Result<Model> {
    Ok(Model {
        id: uuid(row, offset)?,
        name: row.get(offset + 1)?,
        description: row.get(offset + 2)?,
        use_case: row.get(offset + 3)?,
        team_id: opt_uuid(row, offset + 4)?,
        risk_level: parsed(row, offset + 5)?,
        compliance_required: row.get(offset + 6)?,
        is_active: row.get(offset + 7)?,
        created_at: ts(row, offset + 8)?,
        updated_at: ts(row, offset + 9)?,
    })
}

pub(crate) fn version(row: &Row) -> rusqlite::Result<ModelVersion> {
    version_at(row, 0)
}

/// A version whose columns start at `offset` in the row.
pub(crate) fn version_at(row: &Row, o: usize) -> rusqlite::Result<ModelVersion> {
    Ok(ModelVersion {
        id: uuid(row, o)?,
        model_id: uuid(row, o + 1)?,
        semver: row.get(o + 2)?,
        artifact_uri: row.get(o + 3)?,
        framework: parsed(row, o + 4)?,
        framework_version: row.get(o + 5)?,
        python_version: row.get(o + 6)?,
        status: parsed(row, o + 7)?,
        size_bytes: row.get(o + 8)?,
        checksum_sha256: row.get(o + 9)?,
        metadata: json(row, o + 10)?,
        created_at: ts(row, o + 11)?,
    })
}

pub(crate) fn run(row: &Row) -> rusqlite::Result<TrainingRun> {
    Ok(TrainingRun {
        id: uuid(row, 0)?,
        version_id: uuid(row, 1)?,
        run_name: row.get(2)?,
        status: parsed(row, 3)?,
        started_at: ts(row, 4)?,
        completed_at: opt_ts(row, 5)?,
        duration_seconds: row.get(6)?,
        gpu_hours: row.get(7)?,
        cost_usd: row.get(8)?,
        dataset_name: row.get(9)?,
        dataset_version: row.get(10)?,
        hyperparameters: json(row, 11)?,
        environment: json(row, 12)?,
        created_by: row.get(13)?,
    })
}

pub(crate) fn metric(row: &Row) -> rusqlite::Result<Metric> {
    Ok(Metric {
        id: uuid(row, 0)?,
        version_id: uuid(row, 1)?,
        name: row.get(2)?,
        value: row.get(3)?,
        split: parsed(row, 4)?,
        recorded_at: ts(row, 5)?,
    })
}

pub(crate) fn environment(row: &Row) -> rusqlite::Result<Environment> {
    environment_at(row, 0)
}

/// An environment whose columns start at `offset` in the row.
pub(crate) fn environment_at(row: &Row, o: usize) -> rusqlite::Result<Environment> {
    Ok(Environment {
        id: uuid(row, o)?,
        name: row.get(o + 1)?,
        kind: parsed(row, o + 2)?,
        region: row.get(o + 3)?,
        kubernetes_namespace: row.get(o + 4)?,
        config: json(row, o + 5)?,
        is_active: row.get(o + 6)?,
        created_at: ts(row, o + 7)?,
    })
}

pub(crate) fn deployment(row: &Row) -> rusqlite::Result<Deployment> {
    deployment_at(row, 0)
}

/// A deployment whose columns start at `offset` in the row.
pub(crate) fn deployment_at(row: &Row, o: usize) -> rusqlite::Result<Deployment> {
    Ok(Deployment {
        id: uuid(row, o)?,
        version_id: uuid(row, o + 1)?,
        environment_id: uuid(row, o + 2)?,
        name: row.get(o + 3)?,
        status: parsed(row, o + 4)?,
        endpoint_url: row.get(o + 5)?,
        replicas: row.get(o + 6)?,
        cpu_request: row.get(o + 7)?,
        memory_request: row.get(o + 8)?,
        gpu_count: row.get(o + 9)?,
        deployed_at: ts(row, o + 10)?,
        deployed_by: row.get(o + 11)?,
        terminated_at: opt_ts(row, o + 12)?,
    })
}

pub(crate) fn audit(row: &Row) -> rusqlite::Result<AuditEvent> {
    Ok(AuditEvent {
        id: uuid(row, 0)?,
        entity_type: parsed(row, 1)?,
        entity_id: uuid(row, 2)?,
        action: parsed(row, 3)?,
        actor: row.get(4)?,
        changes: json(row, 5)?,
        timestamp: ts(row, 6)?,
    })
}

/// Whether [`write`] inserts a new row or replaces the row with the record's id.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Write {
    Insert,
    /// Insert, unless a row with the same id (or tag link) exists.
    InsertOrSkip,
    Update,
}

fn text(value: &JsonObject) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "{}".to_owned())
}

fn micros(t: &Timestamp) -> i64 {
    time::to_micros(t)
}

fn opt_micros(t: &Option<Timestamp>) -> Option<i64> {
    t.as_ref().map(micros)
}

/// Runs the INSERT (or UPDATE by id) that stores `record`; the rows it wrote.
pub(crate) fn write(conn: &Connection, record: &Record, how: Write) -> Result<usize> {
    let result = match record {
        Record::Team(t) => store(
            conn,
            how,
            "teams",
            team_columns!(),
            params![
                t.id.to_string(),
                t.name,
                t.department,
                t.cost_center,
                t.active,
                micros(&t.created_at)
            ],
        ),
        Record::Tag(t) => store(
            conn,
            how,
            "tags",
            tag_columns!(),
            params![t.id.to_string(), t.name, t.description, micros(&t.created_at)],
        ),
        Record::Model(m) => store(
            conn,
            how,
            "models",
            "id, name, description, use_case, team_id, risk_level, compliance_required, is_active, created_at, updated_at, name_folded",
            params![
                m.id.to_string(),
                m.name,
                m.description,
                m.use_case,
                m.team_id.map(|t| t.to_string()),
                m.risk_level.as_str(),
                m.compliance_required,
                m.is_active,
                micros(&m.created_at),
                micros(&m.updated_at),
                m.search_key(),
            ],
        ),
        Record::ModelTag(l) => store(
            conn,
            how,
            "model_tags",
            "model_id, tag_id, assigned_at",
            params![l.model_id.to_string(), l.tag_id.to_string(), micros(&l.assigned_at)],
        ),
        Record::ModelVersion(v) => store(
            conn,
            how,
            "model_versions",
            "id, model_id, semver, artifact_uri, framework, framework_version, python_version, status, size_bytes, checksum_sha256, metadata, created_at, precedence",
            params![
                v.id.to_string(),
                v.model_id.to_string(),
                v.semver,
                v.artifact_uri,
                v.framework.as_str(),
                v.framework_version,
                v.python_version,
                v.status.as_str(),
                v.size_bytes,
                v.checksum_sha256,
                text(&v.metadata),
                micros(&v.created_at),
                v.precedence_key(),
            ],
        ),
        Record::TrainingRun(r) => store(
            conn,
            how,
            "training_runs",
            run_columns!(),
            params![
                r.id.to_string(),
                r.version_id.to_string(),
                r.run_name,
                r.status.as_str(),
                micros(&r.started_at),
                opt_micros(&r.completed_at),
                r.duration_seconds,
                r.gpu_hours,
                r.cost_usd,
                r.dataset_name,
                r.dataset_version,
                text(&r.hyperparameters),
                text(&r.environment),
                r.created_by,
            ],
        ),
        Record::Metric(m) => store(
            conn,
            how,
            "metrics",
            metric_columns!(),
            params![
                m.id.to_string(),
                m.version_id.to_string(),
                m.name,
                m.value,
                m.split.as_str(),
                micros(&m.recorded_at)
            ],
        ),
        Record::Environment(e) => store(
            conn,
            how,
            "environments",
            environment_columns!(),
            params![
                e.id.to_string(),
                e.name,
                e.kind.as_str(),
                e.region,
                e.kubernetes_namespace,
                text(&e.config),
                e.is_active,
                micros(&e.created_at)
            ],
        ),
        Record::Deployment(d) => store(
            conn,
            how,
            "deployments",
            deployment_columns!(),
            params![
                d.id.to_string(),
                d.version_id.to_string(),
                d.environment_id.to_string(),
                d.name,
                d.status.as_str(),
                d.endpoint_url,
                d.replicas,
                d.cpu_request,
                d.memory_request,
                d.gpu_count,
                micros(&d.deployed_at),
                d.deployed_by,
                opt_micros(&d.terminated_at),
            ],
        ),
        Record::AuditEvent(a) => store(
            conn,
            how,
            "audit_events",
            audit_columns!(),
            params![
                a.id.to_string(),
                a.entity_type.as_str(),
                a.entity_id.to_string(),
                a.action.as_str(),
                a.actor,
                text(&a.changes),
                micros(&a.timestamp)
            ],
        ),
    };
    match result {
        Ok(0) if how == Write::Update => Err(modelreg_core::Error::not_found(record.kind(), record.id())),
        Ok(n) => Ok(n),
        Err(e) => Err(error::map(e, Some(record))),
    }
}

/// `INSERT INTO table (columns) VALUES (?1, …)` or `UPDATE table SET c2 = ?2, … WHERE id = ?1`,
/// from a column list whose first column is `id`. Built from constants only,
/// once per table and kind of write, and kept for the life of the process.
fn statement(how: Write, table: &'static str, columns: &'static str) -> &'static str {
    static BUILT: OnceLock<Mutex<HashMap<(&'static str, Write), &'static str>>> = OnceLock::new();
    let mut built = BUILT
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    built.entry((table, how)).or_insert_with(|| {
        let names: Vec<&str> = columns.split(',').map(str::trim).collect();
        let sql = match how {
            Write::Insert | Write::InsertOrSkip => {
                let marks: Vec<String> = (1..=names.len()).map(|i| format!("?{i}")).collect();
                let insert = format!("INSERT INTO {table} ({columns}) VALUES ({})", marks.join(", "));
                match (how, table) {
                    (Write::InsertOrSkip, "model_tags") => {
                        format!("{insert} ON CONFLICT (model_id, tag_id) DO NOTHING")
                    }
                    (Write::InsertOrSkip, _) => format!("{insert} ON CONFLICT (id) DO NOTHING"),
                    _ => insert,
                }
            }
            Write::Update => {
                let sets: Vec<String> = names
                    .iter()
                    .enumerate()
                    .skip(1)
                    .map(|(i, name)| format!("{name} = ?{}", i + 1))
                    .collect();
                format!("UPDATE {table} SET {} WHERE id = ?1", sets.join(", "))
            }
        };
        Box::leak(sql.into_boxed_str())
    })
}

/// Runs the prepared (cached) statement; the number of rows it changed.
fn store(
    conn: &Connection,
    how: Write,
    table: &'static str,
    columns: &'static str,
    values: &[&dyn ToSql],
) -> rusqlite::Result<usize> {
    conn.prepare_cached(statement(how, table, columns))?.execute(values)
}
