//! The one error type of modelreg: every backend maps its failures onto it.

use std::fmt;

use serde::Serialize;

/// The kinds of entity a registry keeps; errors and audit events name them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum EntityKind {
    /// A [`Team`](crate::teams::Team) (`team`).
    Team,
    /// A [`Tag`](crate::models::Tag) (`tag`).
    Tag,
    /// A [`Model`](crate::models::Model) (`model`).
    Model,
    /// A [`ModelVersion`](crate::versions::ModelVersion) (`model_version`).
    ModelVersion,
    /// A [`TrainingRun`](crate::runs::TrainingRun) (`training_run`).
    TrainingRun,
    /// A [`Metric`](crate::metrics::Metric) (`metric`).
    Metric,
    /// An [`Environment`](crate::environments::Environment) (`environment`).
    Environment,
    /// A [`Deployment`](crate::deployments::Deployment) (`deployment`).
    Deployment,
    /// An [`AuditEvent`](crate::audit::AuditEvent) (`audit_event`).
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
#[derive(Debug, Clone, thiserror::Error)]
pub enum Error {
    /// The entity with this key does not exist.
    #[error("{entity} {key} not found")]
    NotFound {
        /// The kind of entity looked for.
        entity: EntityKind,
        /// What it was looked for by: an id, a name, or `MODEL@SELECTOR` for a version.
        key: String,
    },
    /// A unique field already holds this value.
    #[error("{entity} with {field} {value:?} already exists")]
    Conflict {
        /// The kind of entity whose unique field clashes.
        entity: EntityKind,
        /// The unique field (`name`, `semver`; `status` for a second production version).
        field: &'static str,
        /// The value another entity already holds.
        value: String,
    },
    /// An entity with this key exists, but differs from what was given in
    /// `fields`: a retried registration must repeat them exactly.
    #[error(
        "{entity} {key} already exists with a different {}; a retry must repeat them exactly, and a new artifact needs a new version",
        fields.join(", ")
    )]
    Mismatch {
        /// The kind of entity found.
        entity: EntityKind,
        /// The key it was found by (`MODEL@SEMVER`).
        key: String,
        /// The fields that differ (`artifact_uri`, `framework`, `checksum_sha256`).
        fields: Vec<&'static str>,
    },
    /// Input (or a requested transition) breaks a rule of the domain.
    #[error("invalid {field}: {reason}")]
    Invalid {
        /// The field (or query part) at fault, as the caller names it.
        field: &'static str,
        /// What is wrong with it, in words for a person.
        reason: String,
    },
    /// The database was migrated by a newer modelreg than this one.
    #[error(
        "the database schema is at version {database}, but this modelreg only knows versions up to {supported}; upgrade modelreg to open it"
    )]
    SchemaTooNew {
        /// The schema version the database is at.
        database: i64,
        /// The newest schema version this modelreg knows.
        supported: i64,
    },
    /// The database cannot be reached or refuses work for now (down, busy,
    /// locked past the timeout, out of connections); trying again later may succeed.
    #[error("database unavailable: {message}")]
    Unavailable {
        /// What failed; the constructors blank out any password in a URL.
        message: String,
        /// The underlying error, when there is one.
        #[source]
        source: Option<Source>,
    },
    /// The disk under the database is full or read-only: writes fail until an operator frees or remounts it.
    #[error("storage full or read-only: {message}")]
    Storage {
        /// What failed; the constructors blank out any password in a URL.
        message: String,
        /// The underlying error, when there is one.
        #[source]
        source: Option<Source>,
    },
    /// A fault of modelreg or its database that retrying will not fix
    /// (a stored value that does not decode, a broken invariant).
    #[error("internal error: {message}")]
    Internal {
        /// What failed; the constructors blank out any password in a URL.
        message: String,
        /// The underlying error, when there is one.
        #[source]
        source: Option<Source>,
    },
}

/// The underlying cause of an [`Error`], kept for logs and `source()` chains.
pub type Source = std::sync::Arc<dyn std::error::Error + Send + Sync>;

impl PartialEq for Error {
    /// Errors are equal when they say the same thing; their sources are not compared.
    fn eq(&self, other: &Error) -> bool {
        use Error::*;
        match (self, other) {
            (NotFound { entity: a, key: b }, NotFound { entity: c, key: d }) => a == c && b == d,
            (
                Conflict {
                    entity: a,
                    field: b,
                    value: c,
                },
                Conflict {
                    entity: d,
                    field: e,
                    value: f,
                },
            ) => a == d && b == e && c == f,
            (Invalid { field: a, reason: b }, Invalid { field: c, reason: d }) => a == c && b == d,
            (
                Mismatch {
                    entity: a,
                    key: b,
                    fields: c,
                },
                Mismatch {
                    entity: d,
                    key: e,
                    fields: f,
                },
            ) => a == d && b == e && c == f,
            (
                SchemaTooNew {
                    database: a,
                    supported: b,
                },
                SchemaTooNew {
                    database: c,
                    supported: d,
                },
            ) => a == c && b == d,
            (Unavailable { message: a, .. }, Unavailable { message: b, .. })
            | (Storage { message: a, .. }, Storage { message: b, .. })
            | (Internal { message: a, .. }, Internal { message: b, .. }) => a == b,
            _ => false,
        }
    }
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

    /// An [`Error::Unavailable`], with anything that looks like a URL password blanked out.
    pub fn unavailable(message: impl fmt::Display) -> Self {
        Error::Unavailable {
            message: redact_passwords(&message.to_string()),
            source: None,
        }
    }

    /// An [`Error::Internal`], with anything that looks like a URL password blanked out.
    pub fn internal(message: impl fmt::Display) -> Self {
        Error::Internal {
            message: redact_passwords(&message.to_string()),
            source: None,
        }
    }

    /// An [`Error::Storage`], with anything that looks like a URL password blanked out.
    pub fn storage(message: impl fmt::Display) -> Self {
        Error::Storage {
            message: redact_passwords(&message.to_string()),
            source: None,
        }
    }

    /// This error with `source` as its cause (for the kinds that carry one).
    pub fn with_source(mut self, cause: impl std::error::Error + Send + Sync + 'static) -> Self {
        if let Error::Unavailable { source, .. } | Error::Storage { source, .. } | Error::Internal { source, .. } =
            &mut self
        {
            *source = Some(std::sync::Arc::new(cause));
        }
        self
    }

    /// Whether trying the same call again later may succeed.
    pub fn is_retryable(&self) -> bool {
        matches!(self, Error::Unavailable { .. })
    }
}

/// The `'static` name of a known field, or `"record"` for anything else:
/// a backend turns a constraint's column into the `field` of [`Error::Invalid`].
/// The names are the columns of the declared tables ([`crate::tables`]), so
/// they cannot drift from the schema.
pub fn field_name(name: &str) -> &'static str {
    crate::tables::TABLES
        .iter()
        .flat_map(|t| t.columns.iter())
        .map(|c| c.name)
        .chain(EXTRA_FIELDS.iter().copied())
        .find(|f| *f == name)
        .unwrap_or("record")
}

/// Field names an error may carry that are not a stored column.
const EXTRA_FIELDS: &[&str] = &[
    "tag",
    "alias",
    "version",
    "model",
    "team",
    "filter",
    "sort",
    "page_token",
    "offset",
    "limit",
    "at",
    "days",
    "term",
    "deployment",
    "counts",
    "file",
    "format_version",
    "header",
    "out",
    "target",
    "to",
];

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

    /// Every field an error of core names (`Error::invalid("…"`, a
    /// validator's or a query's field), in `path`'s `.rs` files and below.
    fn named_fields(path: &std::path::Path, found: &mut std::collections::BTreeSet<String>) {
        let calls = [
            "Error::invalid(",
            "validate::name(",
            "validate::text(",
            "validate::description(",
            "validate::opt_description(",
            "validate::opt_text(",
            "validate::required_text(",
            "validate::non_negative(",
            "validate::bounded(",
            "validate::finite(",
            "validate::non_negative_int(",
            "validate::json_object(",
            "validate::timestamp(",
            "syntax_error(",
            "const FIELD: &str = ",
        ];
        for entry in std::fs::read_dir(path).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                named_fields(&path, found);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            // Tests name whatever they like; the code is what errors come from.
            if path.file_name().is_some_and(|n| n == "tests.rs") {
                continue;
            }
            let text = text.split("\n#[cfg(test)]").next().unwrap_or_default();
            for call in calls {
                for (at, _) in text.match_indices(call) {
                    let rest = text[at + call.len()..].trim_start();
                    if let Some(literal) = rest.strip_prefix('"').and_then(|r| r.split('"').next()) {
                        found.insert(literal.to_owned());
                    }
                }
            }
        }
    }

    /// A remote registry reads an error's field back through `field_name`:
    /// a field it does not know would come back as `record`.
    #[test]
    fn every_field_core_names_in_an_error_is_known_to_field_name() {
        let mut found = std::collections::BTreeSet::new();
        named_fields(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
            &mut found,
        );
        assert!(found.len() > 30, "{found:?}");
        let unknown: Vec<&String> = found.iter().filter(|f| field_name(f) != f.as_str()).collect();
        assert!(unknown.is_empty(), "add these to EXTRA_FIELDS: {unknown:?}");
    }
}
