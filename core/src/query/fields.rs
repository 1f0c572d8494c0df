//! The fields each listable entity can be filtered and sorted by, with
//! their types and where their values come from.

use crate::audit::AuditAction;
use crate::deployments::DeploymentStatus;
use crate::environments::EnvironmentKind;
use crate::error::EntityKind;
use crate::models::RiskLevel;
use crate::runs::RunStatus;
use crate::versions::{Framework, VersionStatus};

/// An entity a query lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Entity {
    /// Models.
    Models,
    /// Model versions.
    Versions,
    /// Training runs.
    Runs,
    /// Deployments.
    Deployments,
    /// Audit events.
    AuditEvents,
}

impl Entity {
    /// Every listable entity.
    pub const ALL: [Entity; 5] = [
        Entity::Models,
        Entity::Versions,
        Entity::Runs,
        Entity::Deployments,
        Entity::AuditEvents,
    ];

    /// How errors name the entity.
    pub fn as_str(self) -> &'static str {
        match self {
            Entity::Models => "models",
            Entity::Versions => "versions",
            Entity::Runs => "runs",
            Entity::Deployments => "deployments",
            Entity::AuditEvents => "audit events",
        }
    }

    /// The kind of record a listing of this entity answers with.
    pub fn kind(self) -> EntityKind {
        match self {
            Entity::Models => EntityKind::Model,
            Entity::Versions => EntityKind::ModelVersion,
            Entity::Runs => EntityKind::TrainingRun,
            Entity::Deployments => EntityKind::Deployment,
            Entity::AuditEvents => EntityKind::AuditEvent,
        }
    }

    /// The fields a query of this entity may use.
    pub fn fields(self) -> &'static [Field] {
        match self {
            Entity::Models => MODELS,
            Entity::Versions => VERSIONS,
            Entity::Runs => RUNS,
            Entity::Deployments => DEPLOYMENTS,
            Entity::AuditEvents => AUDIT_EVENTS,
        }
    }

    /// The order of a listing when the query gives none.
    pub fn default_sort(self) -> &'static str {
        match self {
            Entity::Models => "name asc",
            Entity::Versions => "created_at desc",
            Entity::Runs => "started_at desc",
            Entity::Deployments => "deployed_at desc",
            Entity::AuditEvents => "timestamp desc",
        }
    }
}

/// The type of a field's values, which decides the literals it accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldType {
    /// Text, compared by bytes.
    Text,
    /// Text from a closed set.
    Enum(&'static [&'static str]),
    /// A 64-bit integer.
    Int,
    /// A 64-bit float.
    Float,
    /// `true` or `false`.
    Bool,
    /// An instant: RFC 3339, or a date meaning midnight UTC.
    Time,
    /// An id, quoted.
    Uuid,
    /// A SemVer, compared by precedence (the order "latest" uses).
    Semver,
    /// A JSON object; the field is used with a path (`metadata.a.b`).
    Json,
}

/// A row related to the listed one, whose columns a field may read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Relation {
    /// The listed row itself.
    Own,
    /// The model (of a version, or of a run's or deployment's version).
    Model,
    /// The team of the model (of a model: its own team); may be absent.
    Team,
    /// The version (of a run or deployment).
    Version,
    /// The environment (of a deployment).
    Environment,
}

/// Values a row has any number of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Multi {
    /// The names of a model's tags.
    Tag,
    /// The names of a version's aliases.
    Alias,
}

/// Where a field's value comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// A column of the listed row or of a related one.
    Column(Relation, &'static str),
    /// A JSON column of the listed row, read at the path the query gives.
    Json(&'static str),
    /// Any of a row's many values: a comparison matches when one of them does.
    Any(Multi),
}

/// One field of a query.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    /// What a query calls it (`name`, `team`, `metadata`).
    pub name: &'static str,
    /// The type of its values.
    pub ty: FieldType,
    /// Where its values come from.
    pub source: Source,
}

const fn own(name: &'static str, ty: FieldType) -> Field {
    Field {
        name,
        ty,
        source: Source::Column(Relation::Own, name),
    }
}

const fn related(name: &'static str, ty: FieldType, relation: Relation, column: &'static str) -> Field {
    Field {
        name,
        ty,
        source: Source::Column(relation, column),
    }
}

const fn json(name: &'static str) -> Field {
    Field {
        name,
        ty: FieldType::Json,
        source: Source::Json(name),
    }
}

macro_rules! texts {
    ($ty:ty) => {{
        const TEXTS: &[&str] = &{
            let mut out = [""; <$ty>::ALL.len()];
            let mut i = 0;
            while i < out.len() {
                out[i] = <$ty>::ALL[i].as_str();
                i += 1;
            }
            out
        };
        FieldType::Enum(TEXTS)
    }};
}

use FieldType::{Bool, Float, Int, Semver, Text, Time, Uuid};
use Relation::{Environment, Model, Team, Version};

const RISK: FieldType = texts!(RiskLevel);
const VERSION_STATUS: FieldType = texts!(VersionStatus);
const FRAMEWORK: FieldType = texts!(Framework);
const RUN_STATUS: FieldType = texts!(RunStatus);
const DEPLOYMENT_STATUS: FieldType = texts!(DeploymentStatus);
const ENV_KIND: FieldType = texts!(EnvironmentKind);
const ACTION: FieldType = texts!(AuditAction);
const ENTITY_TYPE: FieldType = FieldType::Enum(&[
    "team",
    "tag",
    "model",
    "model_version",
    "training_run",
    "metric",
    "environment",
    "deployment",
    "audit_event",
]);

static MODELS: &[Field] = &[
    own("id", Uuid),
    own("name", Text),
    own("description", Text),
    own("use_case", Text),
    own("risk_level", RISK),
    own("compliance_required", Bool),
    own("is_active", Bool),
    own("created_at", Time),
    own("updated_at", Time),
    related("team", Text, Team, "name"),
    Field {
        name: "tag",
        ty: Text,
        source: Source::Any(Multi::Tag),
    },
];

static VERSIONS: &[Field] = &[
    own("id", Uuid),
    own("semver", Semver),
    own("status", VERSION_STATUS),
    own("framework", FRAMEWORK),
    own("framework_version", Text),
    own("python_version", Text),
    own("artifact_uri", Text),
    own("size_bytes", Int),
    own("checksum_sha256", Text),
    own("created_at", Time),
    related("model.name", Text, Model, "name"),
    related("model.team", Text, Team, "name"),
    related("model.risk_level", RISK, Model, "risk_level"),
    Field {
        name: "alias",
        ty: Text,
        source: Source::Any(Multi::Alias),
    },
    json("metadata"),
];

static RUNS: &[Field] = &[
    own("id", Uuid),
    own("run_name", Text),
    own("status", RUN_STATUS),
    own("started_at", Time),
    own("completed_at", Time),
    own("duration_seconds", Int),
    own("gpu_hours", Float),
    own("cost_usd", Float),
    own("dataset_name", Text),
    own("dataset_version", Text),
    own("created_by", Text),
    related("version.semver", Semver, Version, "semver"),
    related("model.name", Text, Model, "name"),
    related("model.team", Text, Team, "name"),
    json("hyperparameters"),
    json("environment"),
];

static DEPLOYMENTS: &[Field] = &[
    own("id", Uuid),
    own("name", Text),
    own("status", DEPLOYMENT_STATUS),
    own("endpoint_url", Text),
    own("replicas", Int),
    own("gpu_count", Int),
    own("cpu_request", Text),
    own("memory_request", Text),
    own("deployed_at", Time),
    own("deployed_by", Text),
    own("terminated_at", Time),
    related("version.semver", Semver, Version, "semver"),
    related("model.name", Text, Model, "name"),
    related("model.team", Text, Team, "name"),
    related("environment.name", Text, Environment, "name"),
    related("environment.kind", ENV_KIND, Environment, "kind"),
];

static AUDIT_EVENTS: &[Field] = &[
    own("id", Uuid),
    own("entity_type", ENTITY_TYPE),
    own("entity_id", Uuid),
    own("action", ACTION),
    own("actor", Text),
    own("timestamp", Time),
    json("changes"),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tables::Table;

    /// Every own or related column a field names exists in the declared table.
    #[test]
    fn fields_name_declared_columns() {
        use crate::store::RecordKind as K;
        for entity in Entity::ALL {
            let own_table = match entity {
                Entity::Models => K::Model,
                Entity::Versions => K::ModelVersion,
                Entity::Runs => K::TrainingRun,
                Entity::Deployments => K::Deployment,
                Entity::AuditEvents => K::AuditEvent,
            };
            for field in entity.fields() {
                let (kind, column) = match field.source {
                    Source::Column(Relation::Own, c) | Source::Json(c) => (own_table, c),
                    Source::Column(Relation::Model, c) => (K::Model, c),
                    Source::Column(Relation::Team, c) => (K::Team, c),
                    Source::Column(Relation::Version, c) => (K::ModelVersion, c),
                    Source::Column(Relation::Environment, c) => (K::Environment, c),
                    Source::Any(_) => continue,
                };
                assert!(
                    Table::of(kind).column(column).is_some(),
                    "{}.{} reads {column}",
                    entity.as_str(),
                    field.name
                );
            }
        }
    }

    #[test]
    fn enum_fields_list_every_value() {
        assert_eq!(
            VERSION_STATUS,
            FieldType::Enum(&["registered", "validated", "production", "archived", "deprecated"])
        );
        let FieldType::Enum(kinds) = ENTITY_TYPE else {
            panic!("entity_type is an enum")
        };
        assert_eq!(
            kinds.to_vec(),
            crate::error::EntityKind::ALL.map(|k| k.as_str()).to_vec()
        );
    }
}
