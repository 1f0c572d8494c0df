//! The declaration of every table: its name, columns, derived columns and
//! conflict targets (the mapping of records to rows is in `rows`).

use super::{Column, ColumnType, Table};
use crate::store::RecordKind;

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
