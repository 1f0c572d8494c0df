//! Extractors that answer in the error shape: a JSON body, query parameters,
//! path parameters, and the registry acting as the caller.

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, PathRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use modelreg_core::Registry;
use serde::de::DeserializeOwned;
use utoipa::ToSchema;

use crate::app::BODY_LIMIT;
use crate::error::{ApiError, ErrorCode};
use crate::state::AppState;

/// The registry acting as the caller: it records changes as the caller's
/// token name (or as its own actor when no tokens are configured). The auth
/// layer provides it to every route it guards.
#[derive(Clone)]
pub(crate) struct Acting(pub(crate) Registry);

impl FromRequestParts<AppState> for Acting {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Self, ApiError> {
        // A route outside the auth layer must never act as anybody.
        parts.extensions.get::<Acting>().cloned().ok_or_else(|| {
            ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                ErrorCode::Internal,
                "this route is not behind the auth layer",
                None,
            )
        })
    }
}

/// Whether the caller may only read (a `:ro` token); false without tokens.
/// The auth layer provides it with [`Acting`].
#[derive(Clone, Copy)]
pub(crate) struct ReadOnly(pub(crate) bool);

impl FromRequestParts<AppState> for ReadOnly {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Self, ApiError> {
        parts.extensions.get::<ReadOnly>().copied().ok_or_else(|| {
            ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                ErrorCode::Internal,
                "this route is not behind the auth layer",
                None,
            )
        })
    }
}

/// 400 (or 413) for a body that cannot be read, in the error shape.
fn unreadable(status: StatusCode, body_text: String) -> ApiError {
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        return ApiError::new(
            status,
            ErrorCode::TooLarge,
            format!("the request body is over {BODY_LIMIT} bytes"),
            Some("body"),
        );
    }
    ApiError::new(StatusCode::BAD_REQUEST, ErrorCode::Invalid, body_text, Some("body"))
}

/// Whether the request says its body is JSON (`application/json`, or a `+json` type).
fn says_json(headers: &HeaderMap) -> bool {
    let Some(value) = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let essence = value.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    essence == "application/json" || (essence.starts_with("application/") && essence.ends_with("+json"))
}

/// A JSON object body: 400 when malformed or not sent as JSON, 422 naming
/// the field when a value does not fit (see [`crate::body`]), 413 when too large.
pub(crate) struct Body<T>(pub(crate) T);

impl<T: DeserializeOwned + ToSchema> FromRequest<AppState> for Body<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, ApiError> {
        // Not 415: a body sent without the JSON content type is malformed, as documented under 400.
        if !says_json(req.headers()) {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                ErrorCode::Invalid,
                "send the body as JSON, with `Content-Type: application/json`",
                Some("body"),
            ));
        }
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(|e: BytesRejection| unreadable(e.status(), e.body_text()))?;
        let components = state.openapi.components.as_ref();
        crate::body::parse(&bytes, components, &T::name()).map(Body)
    }
}

/// Query parameters: 400 naming the parameter when one does not fit the type
/// (or is unknown).
pub(crate) struct Query<T>(pub(crate) T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Query<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        let query = parts.uri.query().unwrap_or_default();
        let deserializer = serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
        serde_path_to_error::deserialize(deserializer).map(Query).map_err(|e| {
            let message = e.inner().to_string();
            let named = ["unknown field `", "missing field `", "duplicate field `"]
                .iter()
                .find_map(|prefix| message.strip_prefix(prefix)?.split('`').next());
            let field = match named {
                Some(name) => name.to_owned(),
                None => e.path().to_string(),
            };
            let field = if field.is_empty() || field == "." {
                "query".to_owned()
            } else {
                field
            };
            ApiError::new(StatusCode::BAD_REQUEST, ErrorCode::Invalid, message, Some(&field))
        })
    }
}

/// Path parameters: 400 when they do not fit the type.
pub(crate) struct Path<T>(pub(crate) T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for Path<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Path(value)| Path(value))
            .map_err(|e: PathRejection| {
                ApiError::new(StatusCode::BAD_REQUEST, ErrorCode::Invalid, e.body_text(), Some("path"))
            })
    }
}
