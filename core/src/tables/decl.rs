//! The declaration of every table, and each record's mapping to its columns.

use super::{Cells, Column, ColumnType, Table, Value};
use crate::aliases::Alias;
use crate::audit::AuditEvent;
use crate::deployments::Deployment;
use crate::environments::Environment;
use crate::error::Result;
use crate::history::{AliasChange, StatusChange};
use crate::metrics::Metric;
use crate::models::{Model, ModelTag, Tag};
use crate::runs::TrainingRun;
use crate::store::{Record, RecordKind};
use crate::teams::Team;
use crate::versions::ModelVersion;

const fn col(name: &'static str, ty: ColumnType) -> Column {
    Column {
        name,
        ty,
        nullable: false,
        derived: false,
    }
}

const fn opt(name: &'static str, ty: ColumnType) -> Column {
    Column {
        name,
        ty,
        nullable: true,
        derived: false,
    }
}

const fn derived(name: &'static str, ty: ColumnType) -> Column {
    Column {
        name,
        ty,
        nullable: false,
        derived: true,
    }
}

use ColumnType::{Bool, Float, Int, Int32, Json, Text, Time, Uuid};

const ID: &[&str] = &["id"];

/// Every table, in dependency order (parents first).
pub static TABLES: &[Table] = &[
    Table {
        kind: RecordKind::Team,
        name: "teams",
        columns: &[
            col("id", Uuid),
            col("name", Text),
            opt("department", Text),
            opt("cost_center", Text),
            col("active", Bool),
            col("created_at", Time),
        ],
        key: ID,
    },
    Table {
        kind: RecordKind::Tag,
        name: "tags",
        columns: &[
            col("id", Uuid),
            col("name", Text),
            opt("description", Text),
            col("created_at", Time),
        ],
        key: ID,
    },
    Table {
        kind: RecordKind::Model,
        name: "models",
        columns: &[
            col("id", Uuid),
            col("name", Text),
            opt("description", Text),
            opt("use_case", Text),
            opt("team_id", Uuid),
            col("risk_level", Text),
            col("compliance_required", Bool),
            col("is_active", Bool),
            col("created_at", Time),
            col("updated_at", Time),
            // the folded name that case-insensitive search matches against
            derived("name_folded", Text),
        ],
        key: ID,
    },
    Table {
        kind: RecordKind::ModelTag,
        name: "model_tags",
        columns: &[col("model_id", Uuid), col("tag_id", Uuid), col("assigned_at", Time)],
        key: &["model_id", "tag_id"],
    },
    Table {
        kind: RecordKind::ModelVersion,
        name: "model_versions",
        columns: &[
            col("id", Uuid),
            col("model_id", Uuid),
            col("semver", Text),
            col("artifact_uri", Text),
            col("framework", Text),
            opt("framework_version", Text),
            opt("python_version", Text),
            col("status", Text),
            opt("size_bytes", Int),
            opt("checksum_sha256", Text),
            col("metadata", Json),
            col("created_at", Time),
            opt("description", Text),
            // the byte-sortable SemVer precedence that "latest" orders by
            derived("precedence", Text),
        ],
        key: ID,
    },
    Table {
        kind: RecordKind::ModelAlias,
        name: "model_aliases",
        columns: &[
            col("id", Uuid),
            col("model_id", Uuid),
            col("name", Text),
            col("version_id", Uuid),
            col("assigned_at", Time),
        ],
        key: ID,
    },
    Table {
        kind: RecordKind::TrainingRun,
        name: "training_runs",
        columns: &[
            col("id", Uuid),
            col("version_id", Uuid),
            col("run_name", Text),
            col("status", Text),
            col("started_at", Time),
            opt("completed_at", Time),
            opt("duration_seconds", Int),
            col("gpu_hours", Float),
            opt("cost_usd", Float),
            opt("dataset_name", Text),
            opt("dataset_version", Text),
            col("hyperparameters", Json),
            col("environment", Json),
            opt("created_by", Text),
        ],
        key: ID,
    },
    Table {
        kind: RecordKind::Metric,
        name: "metrics",
        columns: &[
            col("id", Uuid),
            col("version_id", Uuid),
            col("name", Text),
            col("value", Float),
            col("split", Text),
            col("recorded_at", Time),
        ],
        key: ID,
    },
    Table {
        kind: RecordKind::Environment,
        name: "environments",
        columns: &[
            col("id", Uuid),
            col("name", Text),
            col("kind", Text),
            opt("region", Text),
            opt("kubernetes_namespace", Text),
            col("config", Json),
            col("is_active", Bool),
            col("created_at", Time),
        ],
        key: ID,
    },
    Table {
        kind: RecordKind::Deployment,
        name: "deployments",
        columns: &[
            col("id", Uuid),
            col("version_id", Uuid),
            col("environment_id", Uuid),
            col("name", Text),
            col("status", Text),
            opt("endpoint_url", Text),
            col("replicas", Int32),
            opt("cpu_request", Text),
            opt("memory_request", Text),
            col("gpu_count", Int32),
            col("deployed_at", Time),
            opt("deployed_by", Text),
            opt("terminated_at", Time),
        ],
        key: ID,
    },
    Table {
        kind: RecordKind::StatusChange,
        name: "status_history",
        columns: &[
            col("id", Uuid),
            col("model_id", Uuid),
            col("version_id", Uuid),
            opt("from_status", Text),
            col("to_status", Text),
            col("actor", Text),
            col("changed_at", Time),
        ],
        key: ID,
    },
    Table {
        kind: RecordKind::AliasChange,
        name: "alias_history",
        columns: &[
            col("id", Uuid),
            col("model_id", Uuid),
            col("alias", Text),
            opt("from_version_id", Uuid),
            opt("to_version_id", Uuid),
            col("actor", Text),
            col("changed_at", Time),
        ],
        key: ID,
    },
    Table {
        kind: RecordKind::AuditEvent,
        name: "audit_events",
        columns: &[
            col("id", Uuid),
            col("entity_type", Text),
            col("entity_id", Uuid),
            col("action", Text),
            col("actor", Text),
            col("changes", Json),
            col("timestamp", Time),
        ],
        key: ID,
    },
];

/// The values of `record`, in its table's column order.
pub(super) fn values(record: &Record) -> Result<Vec<Value>> {
    Ok(match record {
        Record::Team(t) => vec![
            t.id.into(),
            t.name.clone().into(),
            t.department.clone().into(),
            t.cost_center.clone().into(),
            t.active.into(),
            t.created_at.into(),
        ],
        Record::Tag(t) => vec![
            t.id.into(),
            t.name.clone().into(),
            t.description.clone().into(),
            t.created_at.into(),
        ],
        Record::Model(m) => vec![
            m.id.into(),
            m.name.clone().into(),
            m.description.clone().into(),
            m.use_case.clone().into(),
            m.team_id.into(),
            m.risk_level.as_str().into(),
            m.compliance_required.into(),
            m.is_active.into(),
            m.created_at.into(),
            m.updated_at.into(),
            m.search_key().into(),
        ],
        Record::ModelTag(l) => vec![l.model_id.into(), l.tag_id.into(), l.assigned_at.into()],
        Record::ModelVersion(v) => vec![
            v.id.into(),
            v.model_id.into(),
            v.semver.clone().into(),
            v.artifact_uri.clone().into(),
            v.framework.as_str().into(),
            v.framework_version.clone().into(),
            v.python_version.clone().into(),
            v.status.as_str().into(),
            v.size_bytes.into(),
            v.checksum_sha256.clone().into(),
            v.metadata.clone().into(),
            v.created_at.into(),
            v.description.clone().into(),
            v.precedence_key()?.into(),
        ],
        Record::ModelAlias(a) => vec![
            a.id.into(),
            a.model_id.into(),
            a.name.clone().into(),
            a.version_id.into(),
            a.assigned_at.into(),
        ],
        Record::StatusChange(c) => vec![
            c.id.into(),
            c.model_id.into(),
            c.version_id.into(),
            c.from_status.map(|s| s.as_str()).into(),
            c.to_status.as_str().into(),
            c.actor.clone().into(),
            c.changed_at.into(),
        ],
        Record::AliasChange(c) => vec![
            c.id.into(),
            c.model_id.into(),
            c.alias.clone().into(),
            c.from_version_id.into(),
            c.to_version_id.into(),
            c.actor.clone().into(),
            c.changed_at.into(),
        ],
        Record::TrainingRun(r) => vec![
            r.id.into(),
            r.version_id.into(),
            r.run_name.clone().into(),
            r.status.as_str().into(),
            r.started_at.into(),
            r.completed_at.into(),
            r.duration_seconds.into(),
            r.gpu_hours.into(),
            r.cost_usd.into(),
            r.dataset_name.clone().into(),
            r.dataset_version.clone().into(),
            r.hyperparameters.clone().into(),
            r.environment.clone().into(),
            r.created_by.clone().into(),
        ],
        Record::Metric(m) => vec![
            m.id.into(),
            m.version_id.into(),
            m.name.clone().into(),
            m.value.into(),
            m.split.as_str().into(),
            m.recorded_at.into(),
        ],
        Record::Environment(e) => vec![
            e.id.into(),
            e.name.clone().into(),
            e.kind.as_str().into(),
            e.region.clone().into(),
            e.kubernetes_namespace.clone().into(),
            e.config.clone().into(),
            e.is_active.into(),
            e.created_at.into(),
        ],
        Record::Deployment(d) => vec![
            d.id.into(),
            d.version_id.into(),
            d.environment_id.into(),
            d.name.clone().into(),
            d.status.as_str().into(),
            d.endpoint_url.clone().into(),
            d.replicas.into(),
            d.cpu_request.clone().into(),
            d.memory_request.clone().into(),
            d.gpu_count.into(),
            d.deployed_at.into(),
            d.deployed_by.clone().into(),
            d.terminated_at.into(),
        ],
        Record::AuditEvent(a) => vec![
            a.id.into(),
            a.entity_type.as_str().into(),
            a.entity_id.into(),
            a.action.as_str().into(),
            a.actor.clone().into(),
            a.changes.clone().into(),
            a.timestamp.into(),
        ],
    })
}

/// The record of `kind` in the row `c`.
pub(super) fn read(kind: RecordKind, c: &Cells) -> Result<Record> {
    Ok(match kind {
        RecordKind::Team => Record::Team(Team {
            id: c.uuid("id")?,
            name: c.text("name")?,
            department: c.opt_text("department")?,
            cost_center: c.opt_text("cost_center")?,
            active: c.bool("active")?,
            created_at: c.time("created_at")?,
        }),
        RecordKind::Tag => Record::Tag(Tag {
            id: c.uuid("id")?,
            name: c.text("name")?,
            description: c.opt_text("description")?,
            created_at: c.time("created_at")?,
        }),
        RecordKind::Model => Record::Model(Model {
            id: c.uuid("id")?,
            name: c.text("name")?,
            description: c.opt_text("description")?,
            use_case: c.opt_text("use_case")?,
            team_id: c.opt_uuid("team_id")?,
            risk_level: c.parsed("risk_level")?,
            compliance_required: c.bool("compliance_required")?,
            is_active: c.bool("is_active")?,
            created_at: c.time("created_at")?,
            updated_at: c.time("updated_at")?,
        }),
        RecordKind::ModelTag => Record::ModelTag(ModelTag {
            model_id: c.uuid("model_id")?,
            tag_id: c.uuid("tag_id")?,
            assigned_at: c.time("assigned_at")?,
        }),
        RecordKind::ModelVersion => Record::ModelVersion(ModelVersion {
            id: c.uuid("id")?,
            model_id: c.uuid("model_id")?,
            semver: c.text("semver")?,
            artifact_uri: c.text("artifact_uri")?,
            framework: c.parsed("framework")?,
            framework_version: c.opt_text("framework_version")?,
            python_version: c.opt_text("python_version")?,
            status: c.parsed("status")?,
            size_bytes: c.opt_int("size_bytes")?,
            checksum_sha256: c.opt_text("checksum_sha256")?,
            metadata: c.json("metadata")?,
            created_at: c.time("created_at")?,
            description: c.opt_text("description")?,
        }),
        RecordKind::ModelAlias => Record::ModelAlias(Alias {
            id: c.uuid("id")?,
            model_id: c.uuid("model_id")?,
            name: c.text("name")?,
            version_id: c.uuid("version_id")?,
            assigned_at: c.time("assigned_at")?,
        }),
        RecordKind::StatusChange => Record::StatusChange(StatusChange {
            id: c.uuid("id")?,
            model_id: c.uuid("model_id")?,
            version_id: c.uuid("version_id")?,
            from_status: c.opt_parsed("from_status")?,
            to_status: c.parsed("to_status")?,
            actor: c.text("actor")?,
            changed_at: c.time("changed_at")?,
        }),
        RecordKind::AliasChange => Record::AliasChange(AliasChange {
            id: c.uuid("id")?,
            model_id: c.uuid("model_id")?,
            alias: c.text("alias")?,
            from_version_id: c.opt_uuid("from_version_id")?,
            to_version_id: c.opt_uuid("to_version_id")?,
            actor: c.text("actor")?,
            changed_at: c.time("changed_at")?,
        }),
        RecordKind::TrainingRun => Record::TrainingRun(TrainingRun {
            id: c.uuid("id")?,
            version_id: c.uuid("version_id")?,
            run_name: c.text("run_name")?,
            status: c.parsed("status")?,
            started_at: c.time("started_at")?,
            completed_at: c.opt_time("completed_at")?,
            duration_seconds: c.opt_int("duration_seconds")?,
            gpu_hours: c.float("gpu_hours")?,
            cost_usd: c.opt_float("cost_usd")?,
            dataset_name: c.opt_text("dataset_name")?,
            dataset_version: c.opt_text("dataset_version")?,
            hyperparameters: c.json("hyperparameters")?,
            environment: c.json("environment")?,
            created_by: c.opt_text("created_by")?,
        }),
        RecordKind::Metric => Record::Metric(Metric {
            id: c.uuid("id")?,
            version_id: c.uuid("version_id")?,
            name: c.text("name")?,
            value: c.float("value")?,
            split: c.parsed("split")?,
            recorded_at: c.time("recorded_at")?,
        }),
        RecordKind::Environment => Record::Environment(Environment {
            id: c.uuid("id")?,
            name: c.text("name")?,
            kind: c.parsed("kind")?,
            region: c.opt_text("region")?,
            kubernetes_namespace: c.opt_text("kubernetes_namespace")?,
            config: c.json("config")?,
            is_active: c.bool("is_active")?,
            created_at: c.time("created_at")?,
        }),
        RecordKind::Deployment => Record::Deployment(Deployment {
            id: c.uuid("id")?,
            version_id: c.uuid("version_id")?,
            environment_id: c.uuid("environment_id")?,
            name: c.text("name")?,
            status: c.parsed("status")?,
            endpoint_url: c.opt_text("endpoint_url")?,
            replicas: c.int32("replicas")?,
            cpu_request: c.opt_text("cpu_request")?,
            memory_request: c.opt_text("memory_request")?,
            gpu_count: c.int32("gpu_count")?,
            deployed_at: c.time("deployed_at")?,
            deployed_by: c.opt_text("deployed_by")?,
            terminated_at: c.opt_time("terminated_at")?,
        }),
        RecordKind::AuditEvent => Record::AuditEvent(AuditEvent {
            id: c.uuid("id")?,
            entity_type: c.parsed("entity_type")?,
            entity_id: c.uuid("entity_id")?,
            action: c.parsed("action")?,
            actor: c.text("actor")?,
            changes: c.json("changes")?,
            timestamp: c.time("timestamp")?,
        }),
    })
}
