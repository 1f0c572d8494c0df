//! Extractors that answer in the error shape: a JSON body, query parameters,
//! path parameters, and the registry acting as the caller.

use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use modelreg_core::Registry;
use serde::de::DeserializeOwned;

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

fn rejection(status: StatusCode, body_text: String, field: &str) -> ApiError {
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        return ApiError::new(
            status,
            ErrorCode::TooLarge,
            format!("the request body is over {BODY_LIMIT} bytes"),
            Some("body"),
        );
    }
    // A body sent without `Content-Type: application/json` is malformed too (400, not 415).
    let status = if status.is_client_error() && status != StatusCode::UNSUPPORTED_MEDIA_TYPE {
        status
    } else {
        StatusCode::BAD_REQUEST
    };
    ApiError::new(status, ErrorCode::Invalid, body_text, Some(field))
}

/// A JSON body: 400 when malformed, 422 when it does not fit the type, 413 when too large.
pub(crate) struct Body<T>(pub(crate) T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Body<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        axum::Json::<T>::from_request(req, state)
            .await
            .map(|axum::Json(value)| Body(value))
            .map_err(|e: JsonRejection| rejection(e.status(), e.body_text(), "body"))
    }
}

/// Query parameters: 400 when they do not fit the type.
pub(crate) struct Query<T>(pub(crate) T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Query<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Query(value)| Query(value))
            .map_err(|e: QueryRejection| rejection(StatusCode::BAD_REQUEST, e.body_text(), "query"))
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
            .map_err(|e: PathRejection| rejection(StatusCode::BAD_REQUEST, e.body_text(), "path"))
    }
}
