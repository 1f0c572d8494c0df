//! Bulk inserts for import and copy: one `INSERT … SELECT FROM UNNEST(arrays)`
//! per kind and chunk, so a million records cost hundreds of round trips,
//! not millions.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use modelreg_core::Result;
use modelreg_core::store::{Existing, Record, RecordKind};
use sqlx::{AssertSqlSafe, PgConnection};

use crate::error;

/// Records per statement.
const CHUNK: usize = 5000;

/// `INSERT INTO table (…) SELECT … FROM UNNEST($1::type[], …)` per kind.
fn base_sql(kind: RecordKind) -> &'static str {
    match kind {
        RecordKind::Team => {
            "INSERT INTO teams (id, name, department, cost_center, active, created_at)
             SELECT * FROM UNNEST($1::uuid[], $2::text[], $3::text[], $4::text[], $5::bool[], $6::timestamptz[])"
        }
        RecordKind::Tag => {
            "INSERT INTO tags (id, name, description, created_at)
             SELECT * FROM UNNEST($1::uuid[], $2::text[], $3::text[], $4::timestamptz[])"
        }
        RecordKind::Model => {
            "INSERT INTO models (id, name, description, use_case, team_id, risk_level, compliance_required, is_active,
                                 created_at, updated_at, name_folded)
             SELECT * FROM UNNEST($1::uuid[], $2::text[], $3::text[], $4::text[], $5::uuid[], $6::text[], $7::bool[],
                                  $8::bool[], $9::timestamptz[], $10::timestamptz[], $11::text[])"
        }
        RecordKind::ModelTag => {
            "INSERT INTO model_tags (model_id, tag_id, assigned_at)
             SELECT * FROM UNNEST($1::uuid[], $2::uuid[], $3::timestamptz[])"
        }
        RecordKind::ModelVersion => {
            "INSERT INTO model_versions (id, model_id, semver, artifact_uri, framework, framework_version, python_version,
                                         status, size_bytes, checksum_sha256, metadata, created_at, precedence)
             SELECT id, model_id, semver, artifact_uri, framework, framework_version, python_version, status,
                    size_bytes, checksum_sha256, metadata::jsonb, created_at, precedence
             FROM UNNEST($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
                         $9::int8[], $10::text[], $11::text[], $12::timestamptz[], $13::text[])
                  AS u(id, model_id, semver, artifact_uri, framework, framework_version, python_version, status,
                       size_bytes, checksum_sha256, metadata, created_at, precedence)"
        }
        RecordKind::TrainingRun => {
            "INSERT INTO training_runs (id, version_id, run_name, status, started_at, completed_at, duration_seconds,
                                        gpu_hours, cost_usd, dataset_name, dataset_version, hyperparameters, environment,
                                        created_by)
             SELECT id, version_id, run_name, status, started_at, completed_at, duration_seconds, gpu_hours, cost_usd,
                    dataset_name, dataset_version, hyperparameters::jsonb, environment::jsonb, created_by
             FROM UNNEST($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::timestamptz[], $6::timestamptz[],
                         $7::int8[], $8::float8[], $9::float8[], $10::text[], $11::text[], $12::text[], $13::text[],
                         $14::text[])
                  AS u(id, version_id, run_name, status, started_at, completed_at, duration_seconds, gpu_hours,
                       cost_usd, dataset_name, dataset_version, hyperparameters, environment, created_by)"
        }
        RecordKind::Metric => {
            "INSERT INTO metrics (id, version_id, name, value, split, recorded_at)
             SELECT * FROM UNNEST($1::uuid[], $2::uuid[], $3::text[], $4::float8[], $5::text[], $6::timestamptz[])"
        }
        RecordKind::Environment => {
            "INSERT INTO environments (id, name, kind, region, kubernetes_namespace, config, is_active, created_at)
             SELECT id, name, kind, region, kubernetes_namespace, config::jsonb, is_active, created_at
             FROM UNNEST($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::bool[],
                         $8::timestamptz[])
                  AS u(id, name, kind, region, kubernetes_namespace, config, is_active, created_at)"
        }
        RecordKind::Deployment => {
            "INSERT INTO deployments (id, version_id, environment_id, name, status, endpoint_url, replicas, cpu_request,
                                      memory_request, gpu_count, deployed_at, deployed_by, terminated_at)
             SELECT * FROM UNNEST($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::int4[],
                                  $8::text[], $9::text[], $10::int4[], $11::timestamptz[], $12::text[],
                                  $13::timestamptz[])"
        }
        RecordKind::AuditEvent => {
            "INSERT INTO audit_events (id, entity_type, entity_id, action, actor, changes, timestamp)
             SELECT id, entity_type, entity_id, action, actor, changes::jsonb, timestamp
             FROM UNNEST($1::uuid[], $2::text[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::timestamptz[])
                  AS u(id, entity_type, entity_id, action, actor, changes, timestamp)"
        }
    }
}

/// The statement for `kind`, with `ON CONFLICT … DO NOTHING` when existing records are skipped.
fn sql(kind: RecordKind, existing: Existing) -> &'static str {
    match existing {
        Existing::Fail => base_sql(kind),
        Existing::Skip => {
            static BUILT: OnceLock<Mutex<HashMap<RecordKind, &'static str>>> = OnceLock::new();
            let mut built = BUILT
                .get_or_init(Default::default)
                .lock()
                .unwrap_or_else(|p| p.into_inner());
            built.entry(kind).or_insert_with(|| {
                let target = if kind == RecordKind::ModelTag {
                    "(model_id, tag_id)"
                } else {
                    "(id)"
                };
                Box::leak(format!("{} ON CONFLICT {target} DO NOTHING", base_sql(kind)).into_boxed_str())
            })
        }
    }
}

fn json(value: &modelreg_core::validate::JsonObject) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "{}".to_owned())
}

/// Pulls one field of every record of a chunk into a column array.
macro_rules! column {
    ($records:expr, $variant:ident, |$x:ident| $field:expr) => {
        $records
            .iter()
            .filter_map(|r| match r {
                Record::$variant($x) => Some($field),
                _ => None,
            })
            .collect::<Vec<_>>()
    };
}

async fn insert_chunk(conn: &mut PgConnection, kind: RecordKind, chunk: &[Record], existing: Existing) -> Result<u64> {
    let query = sqlx::query(AssertSqlSafe(sql(kind, existing)));
    let query = match kind {
        RecordKind::Team => query
            .bind(column!(chunk, Team, |t| t.id))
            .bind(column!(chunk, Team, |t| t.name.clone()))
            .bind(column!(chunk, Team, |t| t.department.clone()))
            .bind(column!(chunk, Team, |t| t.cost_center.clone()))
            .bind(column!(chunk, Team, |t| t.active))
            .bind(column!(chunk, Team, |t| t.created_at)),
        RecordKind::Tag => query
            .bind(column!(chunk, Tag, |t| t.id))
            .bind(column!(chunk, Tag, |t| t.name.clone()))
            .bind(column!(chunk, Tag, |t| t.description.clone()))
            .bind(column!(chunk, Tag, |t| t.created_at)),
        RecordKind::Model => query
            .bind(column!(chunk, Model, |m| m.id))
            .bind(column!(chunk, Model, |m| m.name.clone()))
            .bind(column!(chunk, Model, |m| m.description.clone()))
            .bind(column!(chunk, Model, |m| m.use_case.clone()))
            .bind(column!(chunk, Model, |m| m.team_id))
            .bind(column!(chunk, Model, |m| m.risk_level.as_str()))
            .bind(column!(chunk, Model, |m| m.compliance_required))
            .bind(column!(chunk, Model, |m| m.is_active))
            .bind(column!(chunk, Model, |m| m.created_at))
            .bind(column!(chunk, Model, |m| m.updated_at))
            .bind(column!(chunk, Model, |m| m.search_key())),
        RecordKind::ModelTag => query
            .bind(column!(chunk, ModelTag, |l| l.model_id))
            .bind(column!(chunk, ModelTag, |l| l.tag_id))
            .bind(column!(chunk, ModelTag, |l| l.assigned_at)),
        RecordKind::ModelVersion => query
            .bind(column!(chunk, ModelVersion, |v| v.id))
            .bind(column!(chunk, ModelVersion, |v| v.model_id))
            .bind(column!(chunk, ModelVersion, |v| v.semver.clone()))
            .bind(column!(chunk, ModelVersion, |v| v.artifact_uri.clone()))
            .bind(column!(chunk, ModelVersion, |v| v.framework.as_str()))
            .bind(column!(chunk, ModelVersion, |v| v.framework_version.clone()))
            .bind(column!(chunk, ModelVersion, |v| v.python_version.clone()))
            .bind(column!(chunk, ModelVersion, |v| v.status.as_str()))
            .bind(column!(chunk, ModelVersion, |v| v.size_bytes))
            .bind(column!(chunk, ModelVersion, |v| v.checksum_sha256.clone()))
            .bind(column!(chunk, ModelVersion, |v| json(&v.metadata)))
            .bind(column!(chunk, ModelVersion, |v| v.created_at))
            .bind(column!(chunk, ModelVersion, |v| v.precedence_key())),
        RecordKind::TrainingRun => query
            .bind(column!(chunk, TrainingRun, |r| r.id))
            .bind(column!(chunk, TrainingRun, |r| r.version_id))
            .bind(column!(chunk, TrainingRun, |r| r.run_name.clone()))
            .bind(column!(chunk, TrainingRun, |r| r.status.as_str()))
            .bind(column!(chunk, TrainingRun, |r| r.started_at))
            .bind(column!(chunk, TrainingRun, |r| r.completed_at))
            .bind(column!(chunk, TrainingRun, |r| r.duration_seconds))
            .bind(column!(chunk, TrainingRun, |r| r.gpu_hours))
            .bind(column!(chunk, TrainingRun, |r| r.cost_usd))
            .bind(column!(chunk, TrainingRun, |r| r.dataset_name.clone()))
            .bind(column!(chunk, TrainingRun, |r| r.dataset_version.clone()))
            .bind(column!(chunk, TrainingRun, |r| json(&r.hyperparameters)))
            .bind(column!(chunk, TrainingRun, |r| json(&r.environment)))
            .bind(column!(chunk, TrainingRun, |r| r.created_by.clone())),
        RecordKind::Metric => query
            .bind(column!(chunk, Metric, |m| m.id))
            .bind(column!(chunk, Metric, |m| m.version_id))
            .bind(column!(chunk, Metric, |m| m.name.clone()))
            .bind(column!(chunk, Metric, |m| m.value))
            .bind(column!(chunk, Metric, |m| m.split.as_str()))
            .bind(column!(chunk, Metric, |m| m.recorded_at)),
        RecordKind::Environment => query
            .bind(column!(chunk, Environment, |e| e.id))
            .bind(column!(chunk, Environment, |e| e.name.clone()))
            .bind(column!(chunk, Environment, |e| e.kind.as_str()))
            .bind(column!(chunk, Environment, |e| e.region.clone()))
            .bind(column!(chunk, Environment, |e| e.kubernetes_namespace.clone()))
            .bind(column!(chunk, Environment, |e| json(&e.config)))
            .bind(column!(chunk, Environment, |e| e.is_active))
            .bind(column!(chunk, Environment, |e| e.created_at)),
        RecordKind::Deployment => query
            .bind(column!(chunk, Deployment, |d| d.id))
            .bind(column!(chunk, Deployment, |d| d.version_id))
            .bind(column!(chunk, Deployment, |d| d.environment_id))
            .bind(column!(chunk, Deployment, |d| d.name.clone()))
            .bind(column!(chunk, Deployment, |d| d.status.as_str()))
            .bind(column!(chunk, Deployment, |d| d.endpoint_url.clone()))
            .bind(column!(chunk, Deployment, |d| d.replicas))
            .bind(column!(chunk, Deployment, |d| d.cpu_request.clone()))
            .bind(column!(chunk, Deployment, |d| d.memory_request.clone()))
            .bind(column!(chunk, Deployment, |d| d.gpu_count))
            .bind(column!(chunk, Deployment, |d| d.deployed_at))
            .bind(column!(chunk, Deployment, |d| d.deployed_by.clone()))
            .bind(column!(chunk, Deployment, |d| d.terminated_at)),
        RecordKind::AuditEvent => query
            .bind(column!(chunk, AuditEvent, |a| a.id))
            .bind(column!(chunk, AuditEvent, |a| a.entity_type.as_str()))
            .bind(column!(chunk, AuditEvent, |a| a.entity_id))
            .bind(column!(chunk, AuditEvent, |a| a.action.as_str()))
            .bind(column!(chunk, AuditEvent, |a| a.actor.clone()))
            .bind(column!(chunk, AuditEvent, |a| json(&a.changes)))
            .bind(column!(chunk, AuditEvent, |a| a.timestamp)),
    };
    let done = query.execute(&mut *conn).await.map_err(|e| error::map_bulk(e, chunk))?;
    Ok(done.rows_affected())
}

/// Inserts `records`, consecutive runs of one kind at a time, in chunks; the rows written.
pub(crate) async fn insert_many(conn: &mut PgConnection, records: &[Record], existing: Existing) -> Result<u64> {
    let mut written = 0;
    let mut start = 0;
    while start < records.len() {
        let kind = records[start].record_kind();
        let run = records[start..].iter().take_while(|r| r.record_kind() == kind).count();
        let end = start + run.min(CHUNK);
        written += insert_chunk(conn, kind, &records[start..end], existing).await?;
        start = end;
    }
    Ok(written)
}
