//! Why a command failed, its exit code, and how it is told: one line
//! `modelreg: …` for people, or with `--output json` one object on stderr in
//! the HTTP API's shape, `{"error": {"code", "message", "field"?, "line"?}}`.

use std::fmt;

use modelreg_core::{Error, TransferError};
use serde_json::{Value, json};

use crate::output::{OutputFormat, note};

/// Why a command failed.
#[derive(Debug)]
pub enum Failure {
    /// An error of the registry.
    Registry(Error),
    /// An error at a line of an import (or of a copy).
    Transfer(TransferError),
    /// A destructive command that was not confirmed (the sentence says why).
    NotConfirmed(String),
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        Failure::Registry(error)
    }
}

impl From<TransferError> for Failure {
    fn from(error: TransferError) -> Self {
        Failure::Transfer(error)
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Registry(error) => error.fmt(f),
            Failure::Transfer(error) => error.fmt(f),
            Failure::NotConfirmed(sentence) => f.write_str(sentence),
        }
    }
}

/// The code of an error, as the HTTP API names it (and `schema_too_new`).
pub(crate) fn code(error: &Error) -> &'static str {
    match error {
        Error::Invalid { .. } => "invalid",
        Error::NotFound { .. } => "not_found",
        Error::Conflict { .. } | Error::Mismatch { .. } => "conflict",
        Error::SchemaTooNew { .. } => "schema_too_new",
        Error::Unavailable { .. } => "unavailable",
        Error::Storage { .. } => "storage_full",
        Error::Internal { .. } => "internal",
    }
}

impl Failure {
    /// 2 invalid input or usage, 3 not found, 4 conflict, 1 anything else.
    pub fn exit_code(&self) -> u8 {
        let error = match self {
            Failure::Registry(error) | Failure::Transfer(TransferError { error, .. }) => error,
            Failure::NotConfirmed(_) => return 2,
        };
        match error {
            Error::Invalid { .. } => 2,
            Error::NotFound { .. } => 3,
            Error::Conflict { .. } | Error::Mismatch { .. } => 4,
            Error::SchemaTooNew { .. } | Error::Unavailable { .. } | Error::Storage { .. } | Error::Internal { .. } => {
                1
            }
        }
    }

    /// The failure as the HTTP API would answer it.
    pub fn to_json(&self) -> Value {
        let (error, line) = match self {
            Failure::Registry(error) => (error, None),
            Failure::Transfer(TransferError { error, line }) => (error, *line),
            Failure::NotConfirmed(sentence) => return error_json("invalid", sentence, Some("yes"), None),
        };
        let field = match error {
            Error::Invalid { field, .. } => Some(*field),
            _ => None,
        };
        error_json(code(error), &error.to_string(), field, line)
    }

    /// Tells the failure on stderr in `format`.
    pub fn report(&self, format: OutputFormat) {
        match format {
            OutputFormat::Table => {
                note(&format!("modelreg: {self}"));
                // A server refused the token the client sent (or its absence).
                if let Failure::Registry(Error::Invalid { field: "token", .. }) = self {
                    note("modelreg: give the server's API token with MODELREG_TOKEN or `token` in the configuration");
                }
            }
            OutputFormat::Json => note(&self.to_json().to_string()),
        }
    }
}

/// `{"error": {"code", "message", "field"?, "line"?}}`.
pub fn error_json(code: &str, message: &str, field: Option<&str>, line: Option<u64>) -> Value {
    let mut detail = json!({"code": code, "message": message});
    if let Some(field) = field {
        detail["field"] = json!(field);
    }
    if let Some(line) = line {
        detail["line"] = json!(line);
    }
    json!({ "error": detail })
}

/// How a usage error of the command line (an unknown flag, a bad value) is
/// told with `--output json`: its first line, and the argument at fault.
pub fn usage_json(error: &clap::Error) -> Value {
    use clap::error::{ContextKind, ContextValue};
    let message = usage_message(error);
    // A bad value of a closed set carries the domain's error, which names the field.
    let domain = std::error::Error::source(error).and_then(|source| source.downcast_ref::<Error>());
    let field = match (domain, error.get(ContextKind::InvalidArg)) {
        (Some(Error::Invalid { field, .. }), _) => (*field).to_owned(),
        (_, Some(ContextValue::String(arg))) => argument_field(arg),
        _ => "command".to_owned(),
    };
    error_json("invalid", &message, Some(&field), None)
}

/// The first line of a usage error, without clap's `error: `.
pub fn usage_message(error: &clap::Error) -> String {
    let rendered = error.render().to_string();
    rendered
        .lines()
        .next()
        .unwrap_or_default()
        .trim_start_matches("error: ")
        .to_owned()
}

/// `--framework <FRAMEWORK>` → `framework`, `<MODEL@SEMVER>` → `model@semver`.
fn argument_field(arg: &str) -> String {
    let name = arg.split_whitespace().next().unwrap_or(arg);
    name.trim_start_matches('-')
        .trim_matches(['<', '>'])
        .trim_end_matches("...")
        .replace('-', "_")
        .to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;
    use modelreg_core::EntityKind;

    #[test]
    fn every_kind_of_error_has_the_api_s_code_and_only_invalid_names_a_field() {
        let cases = [
            (Error::invalid("semver", "bad"), "invalid", Some("semver"), 2),
            (Error::not_found(EntityKind::Model, "m"), "not_found", None, 3),
            (
                Error::Conflict {
                    entity: EntityKind::Team,
                    field: "name",
                    value: "ml".into(),
                },
                "conflict",
                None,
                4,
            ),
            (Error::unavailable("down"), "unavailable", None, 1),
            (Error::storage("full"), "storage_full", None, 1),
            (Error::internal("bug"), "internal", None, 1),
            (
                Error::SchemaTooNew {
                    database: 9,
                    supported: 2,
                },
                "schema_too_new",
                None,
                1,
            ),
        ];
        for (error, code, field, exit) in cases {
            let failure = Failure::from(error);
            let json = failure.to_json();
            assert_eq!(json["error"]["code"], code, "{json}");
            assert_eq!(json["error"]["field"].as_str(), field, "{json}");
            assert_eq!(json["error"]["message"], failure.to_string());
            assert_eq!(failure.exit_code(), exit);
        }
    }

    #[test]
    fn an_import_error_carries_its_line() {
        let failure = Failure::Transfer(TransferError {
            line: Some(812),
            error: Error::invalid("semver", "bad"),
        });
        let json = failure.to_json();
        assert_eq!(json["error"]["line"], 812);
        assert_eq!(json["error"]["field"], "semver");
        assert_eq!(failure.exit_code(), 2);
    }

    #[test]
    fn arguments_name_their_field() {
        assert_eq!(argument_field("--framework <FRAMEWORK>"), "framework");
        assert_eq!(argument_field("--env-config <JSON>"), "env_config");
        assert_eq!(argument_field("<SHELL>"), "shell");
    }
}
