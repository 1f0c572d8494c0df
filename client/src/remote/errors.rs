//! A failed answer read back into the registry's typed error. The server's
//! error body carries, besides its code and message, what the library's
//! error holds (entity, key, field, value, fields, reason, schema versions),
//! so a remote call fails with the error a local one gives.

use modelreg_core::error::field_name;
use modelreg_core::{EntityKind, Error};
use reqwest::StatusCode;
use serde::Deserialize;

/// `{"error": {…}}`, as `modelreg serve` answers every failure.
#[derive(Deserialize)]
struct Body {
    error: Detail,
}

/// What went wrong, in the server's words.
#[derive(Deserialize)]
struct Detail {
    code: String,
    message: String,
    #[serde(default)]
    field: Option<String>,
    #[serde(default)]
    entity: Option<EntityKind>,
    #[serde(default)]
    key: Option<String>,
    #[serde(default)]
    value: Option<String>,
    #[serde(default)]
    fields: Option<Vec<String>>,
    #[serde(default)]
    reason: Option<String>,
    #[serde(default)]
    database: Option<i64>,
    #[serde(default)]
    supported: Option<i64>,
}

/// The field the library named: the server names a field of the nested
/// `deployment` object of a deploy request by its path in the body.
fn library_field(field: &str) -> &'static str {
    field_name(field.strip_prefix("deployment.").unwrap_or(field))
}

/// The error a failed answer (`status`, `body`) to `what` means.
pub(super) fn from_answer(status: StatusCode, body: &[u8], what: &str) -> Error {
    let Ok(Body { error: d }) = serde_json::from_slice::<Body>(body) else {
        return unexpected(status, what);
    };
    match (d.code.as_str(), d.entity) {
        ("not_found", Some(entity)) => Error::NotFound {
            entity,
            key: d.key.unwrap_or_default(),
        },
        ("not_found", None) => Error::internal(format!(
            "{what}: the server has no such endpoint ({}); is it an older modelreg?",
            d.message
        )),
        ("conflict", Some(entity)) => match d.fields {
            Some(fields) => Error::Mismatch {
                entity,
                key: d.key.unwrap_or_default(),
                fields: fields.iter().map(|f| library_field(f)).collect(),
            },
            None => Error::Conflict {
                entity,
                field: library_field(d.field.as_deref().unwrap_or_default()),
                value: d.value.unwrap_or_default(),
            },
        },
        ("invalid", _) => Error::Invalid {
            field: library_field(d.field.as_deref().unwrap_or("body")),
            reason: d.reason.unwrap_or(d.message),
        },
        ("unavailable", _) => match (d.database, d.supported) {
            (Some(database), Some(supported)) => Error::SchemaTooNew { database, supported },
            _ => Error::unavailable(d.reason.unwrap_or(d.message)),
        },
        ("timeout", _) => Error::unavailable(format!("{what}: {}", d.message)),
        ("storage_full", _) => Error::storage(d.reason.unwrap_or(d.message)),
        ("unauthorized" | "forbidden", _) => Error::invalid("token", d.message),
        ("too_large", _) => Error::invalid("body", d.message),
        _ => Error::internal(format!("{what}: {} ({})", d.message, d.code)),
    }
}

/// An answer not in the server's error shape (a proxy's page, say).
fn unexpected(status: StatusCode, what: &str) -> Error {
    let message = format!("{what}: the server answered {status}");
    if status == StatusCode::SERVICE_UNAVAILABLE
        || status == StatusCode::BAD_GATEWAY
        || status == StatusCode::GATEWAY_TIMEOUT
    {
        Error::unavailable(message)
    } else {
        Error::internal(message)
    }
}

/// A request that got no answer: the server cannot be reached, or took too long.
pub(super) fn from_transport(e: reqwest::Error, what: &str) -> Error {
    let e = e.without_url();
    let mut why = e.to_string();
    let mut source = std::error::Error::source(&e);
    while let Some(cause) = source {
        why.push_str(": ");
        why.push_str(&cause.to_string());
        source = cause.source();
    }
    if e.is_connect() || e.is_timeout() {
        Error::unavailable(format!("{what}: the server cannot be reached: {why}"))
    } else {
        Error::internal(format!("{what}: {why}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(status: u16, body: &str) -> Error {
        from_answer(StatusCode::from_u16(status).unwrap(), body.as_bytes(), "GET /x")
    }

    /// What the client reads back from the server's answer to `error`.
    fn round_trip(error: Error) -> Error {
        let (status, body) = modelreg_server::error_response(error);
        let bytes = serde_json::to_vec(&body).unwrap();
        from_answer(StatusCode::from_u16(status.as_u16()).unwrap(), &bytes, "GET /x")
    }

    #[test]
    fn every_error_the_registry_gives_comes_back_the_same() {
        let errors = [
            Error::not_found(EntityKind::ModelVersion, "fraud@champion"),
            Error::Conflict {
                entity: EntityKind::Model,
                field: "name",
                value: "fraud".into(),
            },
            Error::Conflict {
                entity: EntityKind::ModelVersion,
                field: "status",
                value: "production".into(),
            },
            Error::Mismatch {
                entity: EntityKind::ModelVersion,
                key: "fraud@1.0.0".into(),
                fields: vec!["artifact_uri", "checksum_sha256"],
            },
            Error::invalid("semver", "\"1.x\" is not a SemVer"),
            Error::invalid("filter", "line 1, column 3: unknown field"),
            Error::invalid("offset", "a page token and an offset cannot be combined"),
            Error::SchemaTooNew {
                database: 9,
                supported: 2,
            },
            Error::unavailable("pool timed out after 30 s"),
            Error::storage("disk I/O error"),
        ];
        for error in errors {
            assert_eq!(round_trip(error.clone()), error);
        }
        // A fault's details stay in the server's log.
        let internal = round_trip(Error::internal("undecodable column"));
        assert!(matches!(internal, Error::Internal { .. }), "{internal:?}");
        assert!(!internal.to_string().contains("undecodable"), "{internal}");
    }

    #[test]
    fn an_answer_outside_the_error_shape_is_unavailable_or_internal() {
        assert!(read(503, "<html>").is_retryable());
        assert!(matches!(read(502, ""), Error::Unavailable { .. }));
        assert!(matches!(read(500, "oops"), Error::Internal { .. }));
        assert!(matches!(read(404, "{}"), Error::Internal { .. }));
    }

    #[test]
    fn a_field_of_the_nested_deployment_is_the_library_field() {
        let e = read(
            422,
            r#"{"error": {"code": "invalid", "message": "m", "field": "deployment.name", "reason": "r"}}"#,
        );
        assert_eq!(e, Error::invalid("name", "r"));
    }

    #[test]
    fn an_unknown_endpoint_and_auth_failures_say_so() {
        let gone = read(
            404,
            r#"{"error": {"code": "not_found", "message": "no such endpoint"}}"#,
        );
        assert!(gone.to_string().contains("older modelreg"), "{gone}");
        let refused = read(401, r#"{"error": {"code": "unauthorized", "message": "send a token"}}"#);
        assert!(matches!(refused, Error::Invalid { field: "token", .. }));
    }
}
