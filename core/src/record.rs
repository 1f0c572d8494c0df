//! Records: every stored entity (and tag link) as one type, as written by a
//! transaction and as exported, with the facts each record knows of itself.

use uuid::Uuid;

use crate::aliases::Alias;
use crate::audit::AuditEvent;
use crate::deployments::Deployment;
use crate::environments::Environment;
use crate::error::{EntityKind, Error, Result};
use crate::history::{AliasChange, StatusChange};
use crate::metrics::Metric;
use crate::models::{Model, ModelTag, Tag};
use crate::runs::TrainingRun;
use crate::teams::Team;
use crate::validate;
use crate::versions::ModelVersion;

crate::string_enum!(
    /// The kinds of stored record, in dependency order: parents come first,
    /// so records written in this order never miss their parent.
    RecordKind, field = "kind" {
        Team => "team",
        Tag => "tag",
        Model => "model",
        ModelTag => "model_tag",
        ModelVersion => "model_version",
        ModelAlias => "model_alias",
        TrainingRun => "training_run",
        Metric => "metric",
        Environment => "environment",
        Deployment => "deployment",
        StatusChange => "status_change",
        AliasChange => "alias_change",
        AuditEvent => "audit_event",
    }
);

/// What a bulk insert does with a record whose id (or tag link) exists already.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Existing {
    /// Fail with [`Error::Conflict`].
    Fail,
    /// Keep the stored record and skip the new one. A record that takes
    /// another record's unique name still fails with [`Error::Conflict`].
    Skip,
}

/// Where a listing of records resumes: after this key (see [`Record::key`]).
pub type RecordKey = (Uuid, Uuid);

/// One stored entity (or tag link), as written by a transaction, and as
/// exported: `{"kind": "model_version", "record": {…}}`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "kind", content = "record", rename_all = "snake_case")]
pub enum Record {
    /// A team.
    Team(Team),
    /// A tag.
    Tag(Tag),
    /// A model.
    Model(Model),
    /// A tag's link to a model that carries it.
    ModelTag(ModelTag),
    /// A model version.
    ModelVersion(ModelVersion),
    /// A model's alias for one of its versions.
    ModelAlias(Alias),
    /// A training run.
    TrainingRun(TrainingRun),
    /// A metric value.
    Metric(Metric),
    /// An environment.
    Environment(Environment),
    /// A deployment.
    Deployment(Deployment),
    /// A history row: a version's status changed.
    StatusChange(StatusChange),
    /// A history row: an alias was set, moved or removed.
    AliasChange(AliasChange),
    /// An audit event.
    AuditEvent(AuditEvent),
}

impl RecordKind {
    /// The kind of record an entity of `kind` is stored as.
    pub fn of(kind: EntityKind) -> RecordKind {
        match kind {
            EntityKind::Team => RecordKind::Team,
            EntityKind::Tag => RecordKind::Tag,
            EntityKind::Model => RecordKind::Model,
            EntityKind::ModelVersion => RecordKind::ModelVersion,
            EntityKind::TrainingRun => RecordKind::TrainingRun,
            EntityKind::Metric => RecordKind::Metric,
            EntityKind::Environment => RecordKind::Environment,
            EntityKind::Deployment => RecordKind::Deployment,
            EntityKind::AuditEvent => RecordKind::AuditEvent,
        }
    }
}

impl Record {
    /// The kind of entity this record stores (a tag link counts as a model's).
    pub fn kind(&self) -> EntityKind {
        match self {
            Record::Team(_) => EntityKind::Team,
            Record::Tag(_) => EntityKind::Tag,
            Record::Model(_) | Record::ModelTag(_) | Record::ModelAlias(_) | Record::AliasChange(_) => {
                EntityKind::Model
            }
            Record::ModelVersion(_) | Record::StatusChange(_) => EntityKind::ModelVersion,
            Record::TrainingRun(_) => EntityKind::TrainingRun,
            Record::Metric(_) => EntityKind::Metric,
            Record::Environment(_) => EntityKind::Environment,
            Record::Deployment(_) => EntityKind::Deployment,
            Record::AuditEvent(_) => EntityKind::AuditEvent,
        }
    }

    /// The [`Error::Conflict`] for a unique violation of `field` by this record,
    /// so that every backend reports the same entity, field and value.
    pub fn conflict(&self, field: &'static str) -> Error {
        let value = match (self, field) {
            (Record::Team(t), _) => t.name.clone(),
            (Record::Tag(t), _) => t.name.clone(),
            (Record::Model(m), _) => m.name.clone(),
            (Record::ModelVersion(v), "semver") => v.semver.clone(),
            (Record::Environment(e), _) => e.name.clone(),
            (Record::ModelVersion(v), "status") => v.status.to_string(),
            (Record::ModelAlias(a), _) => a.name.clone(),
            (record, _) => record.id().to_string(),
        };
        Error::Conflict {
            entity: self.kind(),
            field,
            value,
        }
    }

    /// The [`Error::NotFound`] for a record whose parent is missing (a
    /// foreign-key violation), naming the parent.
    pub fn missing_parent(&self) -> Error {
        let (entity, key) = match self {
            Record::Model(m) => (EntityKind::Team, m.team_id.map(|t| t.to_string()).unwrap_or_default()),
            Record::ModelTag(l) => (EntityKind::Model, l.model_id.to_string()),
            Record::ModelVersion(v) => (EntityKind::Model, v.model_id.to_string()),
            Record::TrainingRun(r) => (EntityKind::ModelVersion, r.version_id.to_string()),
            Record::Metric(m) => (EntityKind::ModelVersion, m.version_id.to_string()),
            Record::Deployment(d) => (EntityKind::ModelVersion, d.version_id.to_string()),
            Record::ModelAlias(a) => (EntityKind::ModelVersion, a.version_id.to_string()),
            Record::StatusChange(c) => (EntityKind::Model, c.model_id.to_string()),
            Record::AliasChange(c) => (EntityKind::Model, c.model_id.to_string()),
            other => (other.kind(), other.id().to_string()),
        };
        Error::NotFound { entity, key }
    }

    /// The kind of record (a tag link is its own kind here).
    pub fn record_kind(&self) -> RecordKind {
        match self {
            Record::Team(_) => RecordKind::Team,
            Record::Tag(_) => RecordKind::Tag,
            Record::Model(_) => RecordKind::Model,
            Record::ModelTag(_) => RecordKind::ModelTag,
            Record::ModelVersion(_) => RecordKind::ModelVersion,
            Record::ModelAlias(_) => RecordKind::ModelAlias,
            Record::TrainingRun(_) => RecordKind::TrainingRun,
            Record::Metric(_) => RecordKind::Metric,
            Record::Environment(_) => RecordKind::Environment,
            Record::Deployment(_) => RecordKind::Deployment,
            Record::StatusChange(_) => RecordKind::StatusChange,
            Record::AliasChange(_) => RecordKind::AliasChange,
            Record::AuditEvent(_) => RecordKind::AuditEvent,
        }
    }

    /// The record's position in a listing of its kind: `(id, nil)`, or
    /// `(model_id, tag_id)` for a tag link.
    pub fn key(&self) -> RecordKey {
        match self {
            Record::ModelTag(l) => (l.model_id, l.tag_id),
            other => (other.id(), Uuid::nil()),
        }
    }

    /// Checks the record as a new one of its kind would be checked; a stored
    /// checksum must also be lower-case already.
    pub fn validate(&self) -> Result<()> {
        for (column, value) in self.table().columns.iter().zip(self.values()?) {
            if let crate::tables::Value::Time(t) = value {
                validate::timestamp(crate::error::field_name(column.name), &t)?;
            }
        }
        match self {
            Record::Team(x) => x.validate(),
            Record::Tag(x) => x.validate(),
            Record::Model(x) => x.validate(),
            Record::ModelTag(_) => Ok(()),
            Record::ModelVersion(x) => {
                x.validate()?;
                match &x.checksum_sha256 {
                    Some(c) if validate::checksum_sha256(c)? != *c => {
                        Err(Error::invalid("checksum_sha256", "must be lower-case hexadecimal"))
                    }
                    _ => Ok(()),
                }
            }
            Record::TrainingRun(x) => x.validate(),
            Record::Metric(x) => x.validate(),
            Record::Environment(x) => x.validate(),
            Record::Deployment(x) => x.validate(),
            Record::ModelAlias(x) => x.validate(),
            Record::StatusChange(x) => validate::name("actor", &x.actor, 100),
            Record::AliasChange(x) => {
                crate::aliases::check_name(&x.alias)?;
                validate::name("actor", &x.actor, 100)
            }
            Record::AuditEvent(x) => {
                validate::name("actor", &x.actor, 100)?;
                validate::audit_changes(&x.changes)
            }
        }
    }

    /// Rewrites the record's floats and JSON into the one form every backend
    /// stores and reads back the same (see [`validate::canonical_json`]).
    pub fn canonicalize(&mut self) {
        match self {
            Record::ModelVersion(v) => v.canonicalize(),
            Record::TrainingRun(r) => r.canonicalize(),
            Record::Metric(m) => m.value = validate::canonical_float(m.value),
            Record::Environment(e) => validate::canonical_json(&mut e.config),
            Record::AuditEvent(a) => validate::canonical_json(&mut a.changes),
            _ => {}
        }
    }

    /// The record's id (a tag link answers with its model's).
    pub fn id(&self) -> Uuid {
        match self {
            Record::Team(x) => x.id,
            Record::Tag(x) => x.id,
            Record::Model(x) => x.id,
            Record::ModelTag(x) => x.model_id,
            Record::ModelVersion(x) => x.id,
            Record::TrainingRun(x) => x.id,
            Record::Metric(x) => x.id,
            Record::Environment(x) => x.id,
            Record::Deployment(x) => x.id,
            Record::ModelAlias(x) => x.id,
            Record::StatusChange(x) => x.id,
            Record::AliasChange(x) => x.id,
            Record::AuditEvent(x) => x.id,
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use serde_json::json;

    use super::*;
    use crate::audit::AuditAction;
    use crate::deployments::DeploymentStatus;
    use crate::environments::EnvironmentKind;
    use crate::metrics::Split;
    use crate::models::RiskLevel;
    use crate::runs::RunStatus;
    use crate::versions::{Framework, VersionStatus};

    /// One record of each kind, with every optional field filled.
    pub(crate) fn one_record_of_each_kind() -> Vec<Record> {
        let now = crate::time::now();
        let id = Uuid::now_v7;
        let object = |v: serde_json::Value| v.as_object().cloned().unwrap_or_default();
        vec![
            Record::Team(Team {
                id: id(),
                name: "research".into(),
                department: Some("R&D".into()),
                cost_center: Some("CC-1".into()),
                active: true,
                created_at: now,
            }),
            Record::Tag(Tag {
                id: id(),
                name: "nlp".into(),
                description: Some("language".into()),
                created_at: now,
            }),
            Record::Model(Model {
                id: id(),
                name: "Fraud".into(),
                description: Some("d".into()),
                use_case: Some("u".into()),
                team_id: Some(id()),
                risk_level: RiskLevel::High,
                compliance_required: true,
                is_active: false,
                created_at: now,
                updated_at: now,
            }),
            Record::ModelTag(ModelTag {
                model_id: id(),
                tag_id: id(),
                assigned_at: now,
            }),
            Record::ModelVersion(ModelVersion {
                id: id(),
                model_id: id(),
                semver: "1.2.3-rc.1".into(),
                artifact_uri: "s3://a".into(),
                framework: Framework::Onnx,
                framework_version: Some("1.0".into()),
                python_version: Some("3.11".into()),
                status: VersionStatus::Validated,
                size_bytes: Some(5_000_000_000),
                checksum_sha256: Some("a".repeat(64)),
                metadata: object(json!({"auc": 0.9})),
                created_at: now,
                description: Some("line one\nline two".into()),
            }),
            Record::ModelAlias(crate::aliases::Alias {
                id: id(),
                model_id: id(),
                name: "champion".into(),
                version_id: id(),
                assigned_at: now,
            }),
            Record::TrainingRun(TrainingRun {
                id: id(),
                version_id: id(),
                run_name: "r".into(),
                status: RunStatus::Succeeded,
                started_at: now,
                completed_at: Some(now),
                duration_seconds: Some(3),
                gpu_hours: 1.5,
                cost_usd: Some(2.5),
                dataset_name: Some("ds".into()),
                dataset_version: Some("v1".into()),
                hyperparameters: object(json!({"lr": 0.1})),
                environment: object(json!({"gpu": "a100"})),
                created_by: Some("alice".into()),
            }),
            Record::Metric(Metric {
                id: id(),
                version_id: id(),
                name: "auc".into(),
                value: 0.5,
                split: Split::Test,
                recorded_at: now,
            }),
            Record::Environment(Environment {
                id: id(),
                name: "prod".into(),
                kind: EnvironmentKind::Production,
                region: Some("eu".into()),
                kubernetes_namespace: Some("ns".into()),
                config: object(json!({"a": 1})),
                is_active: true,
                created_at: now,
            }),
            Record::Deployment(Deployment {
                id: id(),
                version_id: id(),
                environment_id: id(),
                name: "d".into(),
                status: DeploymentStatus::Terminated,
                endpoint_url: Some("http://x".into()),
                replicas: 3,
                cpu_request: Some("2".into()),
                memory_request: Some("4Gi".into()),
                gpu_count: 1,
                deployed_at: now,
                deployed_by: Some("bob".into()),
                terminated_at: Some(now),
            }),
            Record::StatusChange(crate::history::StatusChange {
                id: id(),
                model_id: id(),
                version_id: id(),
                from_status: Some(VersionStatus::Registered),
                to_status: VersionStatus::Production,
                actor: "alice".into(),
                changed_at: now,
            }),
            Record::AliasChange(crate::history::AliasChange {
                id: id(),
                model_id: id(),
                alias: "shadow".into(),
                from_version_id: None,
                to_version_id: Some(id()),
                actor: "alice".into(),
                changed_at: now,
            }),
            Record::AuditEvent(AuditEvent {
                id: id(),
                entity_type: EntityKind::Model,
                entity_id: id(),
                action: AuditAction::Update,
                actor: "alice".into(),
                changes: object(json!({"name": {"old": "a", "new": "b"}})),
                timestamp: now,
            }),
        ]
    }
}
