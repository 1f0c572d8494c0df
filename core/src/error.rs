//! The one error type of modelreg: every backend maps its failures onto it.

use std::fmt;

use serde::Serialize;

/// The kinds of entity a registry keeps; errors and audit events name them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum EntityKind {
    Team,
    Tag,
    Model,
    ModelVersion,
    TrainingRun,
    Metric,
    Environment,
    Deployment,
    AuditEvent,
}

impl EntityKind {
    /// Every kind, in dependency order (parents before children).
    pub const ALL: [EntityKind; 9] = [
        EntityKind::Team,
        EntityKind::Tag,
        EntityKind::Model,
        EntityKind::ModelVersion,
        EntityKind::TrainingRun,
        EntityKind::Metric,
        EntityKind::Environment,
        EntityKind::Deployment,
        EntityKind::AuditEvent,
    ];

    /// The snake_case name used in audit events, JSON and messages.
    pub fn as_str(self) -> &'static str {
        match self {
            EntityKind::Team => "team",
            EntityKind::Tag => "tag",
            EntityKind::Model => "model",
            EntityKind::ModelVersion => "model_version",
            EntityKind::TrainingRun => "training_run",
            EntityKind::Metric => "metric",
            EntityKind::Environment => "environment",
            EntityKind::Deployment => "deployment",
            EntityKind::AuditEvent => "audit_event",
        }
    }
}

impl std::str::FromStr for EntityKind {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        EntityKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| Error::invalid("entity_type", format!("unknown entity type {s:?}")))
    }
}

impl fmt::Display for EntityKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What went wrong, typed so that callers (and exit codes) can tell the cases apart.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Error {
    /// The entity with this key does not exist.
    #[error("{entity} {key} not found")]
    NotFound { entity: EntityKind, key: String },
    /// A unique field already holds this value.
    #[error("{entity} with {field} {value:?} already exists")]
    Conflict {
        entity: EntityKind,
        field: &'static str,
        value: String,
    },
    /// Input (or a requested transition) breaks a rule of the domain.
    #[error("invalid {field}: {reason}")]
    Invalid { field: &'static str, reason: String },
    /// The database was migrated by a newer modelreg than this one.
    #[error(
        "the database schema is at version {database}, but this modelreg only knows versions up to {supported}; upgrade modelreg to open it"
    )]
    SchemaTooNew { database: i64, supported: i64 },
    /// The database failed; the message never carries a connection string or password.
    #[error("database error: {0}")]
    Backend(String),
    /// An error about one line of an import file.
    #[error("line {line}: {error}")]
    AtLine { line: u64, error: Box<Error> },
}

impl Error {
    /// Shorthand for [`Error::Invalid`].
    pub fn invalid(field: &'static str, reason: impl Into<String>) -> Self {
        Error::Invalid {
            field,
            reason: reason.into(),
        }
    }

    /// Shorthand for [`Error::NotFound`].
    pub fn not_found(entity: EntityKind, key: impl fmt::Display) -> Self {
        Error::NotFound {
            entity,
            key: key.to_string(),
        }
    }

    /// The error itself, without the line of an import it happened at.
    pub fn root(&self) -> &Error {
        match self {
            Error::AtLine { error, .. } => error.root(),
            other => other,
        }
    }

    /// A backend failure, with anything that looks like a URL password blanked out.
    pub fn backend(message: impl fmt::Display) -> Self {
        Error::Backend(redact_passwords(&message.to_string()))
    }
}

/// Every field name a stored entity has, so that a backend can turn a
/// constraint name from the database into the `field` of [`Error::Invalid`].
pub const FIELDS: &[&str] = &[
    "name",
    "tag",
    "department",
    "cost_center",
    "active",
    "description",
    "use_case",
    "team_id",
    "risk_level",
    "compliance_required",
    "is_active",
    "semver",
    "artifact_uri",
    "framework",
    "framework_version",
    "python_version",
    "status",
    "size_bytes",
    "checksum_sha256",
    "metadata",
    "run_name",
    "started_at",
    "completed_at",
    "duration_seconds",
    "gpu_hours",
    "cost_usd",
    "dataset_name",
    "dataset_version",
    "hyperparameters",
    "environment",
    "created_by",
    "value",
    "split",
    "recorded_at",
    "kind",
    "region",
    "kubernetes_namespace",
    "config",
    "endpoint_url",
    "replicas",
    "cpu_request",
    "memory_request",
    "gpu_count",
    "deployed_by",
    "entity_type",
    "action",
    "actor",
    "changes",
    "model_id",
    "version_id",
    "environment_id",
];

/// The `'static` name of a known field, or `"record"` for anything else.
pub fn field_name(name: &str) -> &'static str {
    FIELDS.iter().find(|f| **f == name).copied().unwrap_or("record")
}

/// Result with the modelreg [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Blanks the password of every `scheme://user:password@host` in `text`.
pub fn redact_passwords(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(pos) = rest.find("://") {
        let (head, tail) = rest.split_at(pos + 3);
        out.push_str(head);
        let end = tail
            .find(|c: char| c.is_whitespace() || c == '/' || c == '"' || c == '\'')
            .unwrap_or(tail.len());
        let authority = &tail[..end];
        match (authority.rfind('@'), authority.find(':')) {
            (Some(at), Some(colon)) if colon < at => {
                out.push_str(&authority[..colon]);
                out.push_str(":****");
                out.push_str(&authority[at..]);
            }
            _ => out.push_str(authority),
        }
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_in_urls_are_blanked() {
        assert_eq!(
            redact_passwords("failed: postgres://app:s3cr3t@db:5432/reg (timeout)"),
            "failed: postgres://app:****@db:5432/reg (timeout)"
        );
        assert_eq!(redact_passwords("postgres://app@db/reg"), "postgres://app@db/reg");
        assert_eq!(redact_passwords("no url here"), "no url here");
    }
}
