//! The one error shape: `{"error": {"code", "message", "field"?, …}}`, and
//! how each kind of registry error maps onto a status and a code. Besides
//! the code and the sentence, an answer carries what a program needs to
//! rebuild the registry's typed error exactly (the entity, key, field,
//! value, reason, …), so a remote registry fails as a local one does.

use axum::Json;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use modelreg_core::{EntityKind, Error};
use serde::{Deserialize, Serialize};

/// The body of every answer that is not a success.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

/// What went wrong. Only `code` and `message` are always present; the
/// others appear with the kinds of error that have them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    pub code: ErrorCode,
    /// A sentence for people.
    pub message: String,
    /// The field (or `body`, `query`, `path`) at fault, when one is: of an
    /// `invalid` answer, or the unique field of a `conflict`. A field of a
    /// nested request object is named by its path (`deployment.name`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// `not_found` and `conflict`: the kind of entity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entity: Option<EntityKind>,
    /// `not_found`: what the entity was looked for by (an id, a name,
    /// `MODEL@SELECTOR`); a `conflict` with `fields`: the entity that exists.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// `conflict` on a unique field: the value another entity holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// `conflict` of a retried registration: the fields that differ from
    /// the registration made before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fields: Option<Vec<String>>,
    /// `invalid` (a rule of the registry), `unavailable` and
    /// `storage_full`: what is wrong, without the field.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// `unavailable` because the database is newer than this server: its schema version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub database: Option<i64>,
    /// With `database`: the newest schema version this server knows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supported: Option<i64>,
}

impl ErrorDetail {
    /// A detail with only a code, a message and perhaps a field.
    pub fn new(code: ErrorCode, message: impl Into<String>, field: Option<&str>) -> ErrorDetail {
        ErrorDetail {
            code,
            message: message.into(),
            field: field.map(str::to_owned),
            entity: None,
            key: None,
            value: None,
            fields: None,
            reason: None,
            database: None,
            supported: None,
        }
    }
}

/// What kind of failure, for programs. Every answer that is not a success
/// carries one, whatever its status: `not_found` (404, also for an unknown
/// path), `method_not_allowed` (405, with an `Allow` header), `invalid` (400
/// or 422), `unauthorized` (401), `forbidden` (403), `conflict` (409),
/// `timeout` (408), `too_large` (413), `internal` (500), `unavailable` (503)
/// and `storage_full` (507).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// 404: the entity (or endpoint) does not exist.
    NotFound,
    /// 405: the path exists, but not with this method (see the `Allow` header).
    MethodNotAllowed,
    /// 409: a unique field already holds the value, or a retried
    /// registration differs from the one made before.
    Conflict,
    /// 400 (malformed) or 422 (breaks a rule of the registry).
    Invalid,
    /// 401: a missing or unknown token.
    Unauthorized,
    /// 403: a read-only token tried to change something (or export).
    Forbidden,
    /// 413: the body is over the limit.
    TooLarge,
    /// 408: the request took too long.
    Timeout,
    /// 503: the database cannot serve now; retrying later may succeed.
    Unavailable,
    /// 507: the disk under the database is full or read-only.
    StorageFull,
    /// 500: a fault of modelreg or its database.
    Internal,
}

/// An error answered in the one shape, with a fitting status (its detail
/// boxed: results carry it on every path).
#[derive(Debug)]
pub(crate) struct ApiError {
    pub(crate) status: StatusCode,
    pub(crate) detail: Box<ErrorDetail>,
}

pub(crate) type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    pub(crate) fn new(status: StatusCode, code: ErrorCode, message: impl Into<String>, field: Option<&str>) -> Self {
        ApiError {
            status,
            detail: Box::new(ErrorDetail::new(code, message, field)),
        }
    }
}

/// The status and body the API answers `error` with (what a client reads
/// back into the same [`Error`]).
pub fn error_response(error: Error) -> (StatusCode, ErrorBody) {
    let ApiError { status, detail } = ApiError::from(error);
    (status, ErrorBody { error: *detail })
}

impl From<Error> for ApiError {
    fn from(error: Error) -> Self {
        let message = error.to_string();
        match error {
            Error::NotFound { entity, key } => {
                let mut e = ApiError::new(StatusCode::NOT_FOUND, ErrorCode::NotFound, message, None);
                e.detail.entity = Some(entity);
                e.detail.key = Some(key);
                e
            }
            Error::Conflict { entity, field, value } => {
                let mut e = ApiError::new(StatusCode::CONFLICT, ErrorCode::Conflict, message, Some(field));
                e.detail.entity = Some(entity);
                e.detail.value = Some(value);
                e
            }
            Error::Mismatch { entity, key, fields } => {
                let mut e = ApiError::new(
                    StatusCode::CONFLICT,
                    ErrorCode::Conflict,
                    message,
                    fields.first().copied(),
                );
                e.detail.entity = Some(entity);
                e.detail.key = Some(key);
                e.detail.fields = Some(fields.iter().map(|f| (*f).to_owned()).collect());
                e
            }
            Error::Invalid { field, reason } => {
                let mut e = ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    ErrorCode::Invalid,
                    message,
                    Some(field),
                );
                e.detail.reason = Some(reason);
                e
            }
            Error::SchemaTooNew { database, supported } => {
                tracing::error!("{message}");
                let mut e = ApiError::new(StatusCode::SERVICE_UNAVAILABLE, ErrorCode::Unavailable, message, None);
                e.detail.database = Some(database);
                e.detail.supported = Some(supported);
                e
            }
            Error::Unavailable { message: why, .. } => {
                tracing::error!("{message}");
                let mut e = ApiError::new(StatusCode::SERVICE_UNAVAILABLE, ErrorCode::Unavailable, message, None);
                e.detail.reason = Some(why);
                e
            }
            Error::Storage { message: why, .. } => {
                tracing::error!("{message}");
                let mut e = ApiError::new(
                    StatusCode::INSUFFICIENT_STORAGE,
                    ErrorCode::StorageFull,
                    format!(
                        "the disk under the database is full or read-only; writes fail until an operator frees space or remounts it ({why})"
                    ),
                    None,
                );
                e.detail.reason = Some(why);
                e
            }
            // A fault's details help no client and may describe internals: they go to the log only.
            Error::Internal { .. } => {
                tracing::error!("{message}");
                ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    ErrorCode::Internal,
                    "the server failed on this request; its log has the details",
                    None,
                )
            }
        }
    }
}

/// The code of an answer with `status` that says no more.
fn code_of(status: StatusCode) -> ErrorCode {
    match status {
        StatusCode::NOT_FOUND => ErrorCode::NotFound,
        StatusCode::METHOD_NOT_ALLOWED => ErrorCode::MethodNotAllowed,
        StatusCode::UNAUTHORIZED => ErrorCode::Unauthorized,
        StatusCode::FORBIDDEN => ErrorCode::Forbidden,
        StatusCode::CONFLICT => ErrorCode::Conflict,
        StatusCode::REQUEST_TIMEOUT => ErrorCode::Timeout,
        StatusCode::PAYLOAD_TOO_LARGE => ErrorCode::TooLarge,
        StatusCode::SERVICE_UNAVAILABLE => ErrorCode::Unavailable,
        StatusCode::INSUFFICIENT_STORAGE => ErrorCode::StorageFull,
        s if s.is_client_error() => ErrorCode::Invalid,
        _ => ErrorCode::Internal,
    }
}

/// Puts an error answer that is not in the error shape (one the framework
/// made: 405, a rejection, …) into it, keeping its status and headers such as
/// `Allow`. Answers already in JSON pass untouched.
pub(crate) async fn in_error_shape(response: Response) -> Response {
    let status = response.status();
    let json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if !(status.is_client_error() || status.is_server_error()) || json {
        return response;
    }
    let (mut parts, _) = response.into_parts();
    // (The router adds `Allow` to a 405 after this layer has run.)
    let message = match status {
        StatusCode::METHOD_NOT_ALLOWED => "this path does not take this method; the Allow header lists those it takes",
        _ => status.canonical_reason().unwrap_or("the request failed"),
    };
    parts.headers.remove(header::CONTENT_TYPE);
    parts.headers.remove(header::CONTENT_LENGTH);
    let mut shaped = ApiError::new(status, code_of(status), message, None).into_response();
    for (name, value) in &parts.headers {
        shaped.headers_mut().append(name.clone(), value.clone());
    }
    shaped
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, Json(ErrorBody { error: *self.detail })).into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use modelreg_core::EntityKind;

    fn mapped(error: Error) -> (u16, ErrorCode, Option<String>, String) {
        let e = ApiError::from(error);
        (e.status.as_u16(), e.detail.code, e.detail.field, e.detail.message)
    }

    #[test]
    fn every_kind_of_registry_error_has_its_status_and_code() {
        let (status, code, field, _) = mapped(Error::not_found(EntityKind::Model, "fraud"));
        assert_eq!((status, code, field), (404, ErrorCode::NotFound, None));
        let conflict = Error::Conflict {
            entity: EntityKind::Team,
            field: "name",
            value: "ml".into(),
        };
        let (status, code, field, _) = mapped(conflict);
        assert_eq!(
            (status, code, field.as_deref()),
            (409, ErrorCode::Conflict, Some("name"))
        );
        let (status, code, field, _) = mapped(Error::invalid("semver", "bad"));
        assert_eq!(
            (status, code, field.as_deref()),
            (422, ErrorCode::Invalid, Some("semver"))
        );
        let too_new = Error::SchemaTooNew {
            database: 9,
            supported: 3,
        };
        assert_eq!(mapped(too_new).0, 503);
        let (status, code, _, _) = mapped(Error::unavailable("pool timed out"));
        assert_eq!((status, code), (503, ErrorCode::Unavailable));
        let (status, code, _, message) = mapped(Error::storage("disk I/O error"));
        assert_eq!((status, code), (507, ErrorCode::StorageFull));
        assert!(message.contains("full or read-only"), "{message}");
        assert!(message.contains("disk I/O error"), "{message}");
        let (status, code, _, message) = mapped(Error::internal("undecodable column"));
        assert_eq!((status, code), (500, ErrorCode::Internal));
        assert!(!message.contains("undecodable column"), "{message}");
    }

    #[test]
    fn codes_are_snake_case_in_json() {
        let body = serde_json::to_value(ErrorCode::StorageFull).unwrap();
        assert_eq!(body, "storage_full");
        assert_eq!(serde_json::to_value(ErrorCode::NotFound).unwrap(), "not_found");
    }
}
