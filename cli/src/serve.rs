//! `modelreg serve`: the registry over HTTP (axum). Bearer tokens, one JSON
//! error shape, a body size limit, request timeouts, per-request logs and a
//! graceful shutdown. The routes and the OpenAPI document are in `api`.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::{Json, Router};
use modelreg_core::{Actor, Error, Registry};
use serde::Serialize;
use serde::de::DeserializeOwned;
use subtle::ConstantTimeEq;

/// The largest request body accepted (bigger ones get 413).
pub const BODY_LIMIT: usize = 1024 * 1024;
/// How long a request may take before it is answered with 408.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// One API token: its name (the actor in the audit trail) and what it may do.
#[derive(Clone)]
pub struct Token {
    pub name: String,
    secret: String,
    pub read_only: bool,
}

/// Parses `NAME:SECRET[:ro]`, comma-separated.
pub fn parse_tokens(text: &str) -> Result<Vec<Token>, Error> {
    text.split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(|entry| {
            let parts: Vec<&str> = entry.split(':').collect();
            let (name, secret, read_only) = match parts.as_slice() {
                [name, secret] => (*name, *secret, false),
                [name, secret, "ro"] => (*name, *secret, true),
                [name, secret, "rw"] => (*name, *secret, false),
                _ => {
                    return Err(Error::invalid(
                        "api_tokens",
                        "each token is NAME:SECRET or NAME:SECRET:ro, separated by commas",
                    ));
                }
            };
            Actor::new(name).map_err(|_| Error::invalid("api_tokens", "a token's name must be a valid actor name"))?;
            if secret.len() < 16 {
                return Err(Error::invalid(
                    "api_tokens",
                    format!("the secret of token {name} is shorter than 16 characters"),
                ));
            }
            Ok(Token {
                name: name.to_owned(),
                secret: secret.to_owned(),
                read_only,
            })
        })
        .collect()
}

/// What the server shares with every request.
#[derive(Clone)]
pub struct AppState {
    pub reg: Registry,
    pub tokens: Arc<Vec<Token>>,
    pub default_actor: Actor,
}

/// Who is calling, as the auth layer established.
#[derive(Clone)]
pub struct Caller {
    pub actor: Actor,
}

/// The error body: `{"error": {"code", "message", "field"}}`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

/// What went wrong.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// not_found, conflict, invalid, unauthorized, forbidden, too_large, timeout, unavailable
    pub code: &'static str,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

/// An error answered as JSON with a fitting status.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    detail: ErrorDetail,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>, field: Option<&str>) -> Self {
        ApiError {
            status,
            detail: ErrorDetail {
                code,
                message: message.into(),
                field: field.map(str::to_owned),
            },
        }
    }
}

impl From<Error> for ApiError {
    fn from(error: Error) -> Self {
        let message = error.to_string();
        match error.root() {
            Error::NotFound { .. } => ApiError::new(StatusCode::NOT_FOUND, "not_found", message, None),
            Error::Conflict { field, .. } => ApiError::new(StatusCode::CONFLICT, "conflict", message, Some(field)),
            Error::Invalid { field, .. } => {
                ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", message, Some(field))
            }
            Error::SchemaTooNew { .. } | Error::Backend(_) | Error::AtLine { .. } => {
                tracing::error!("{message}");
                ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "unavailable", message, None)
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, Json(ErrorBody { error: self.detail })).into_response()
    }
}

fn rejection(status: StatusCode, body_text: String, field: &str) -> ApiError {
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        return ApiError::new(
            status,
            "too_large",
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
    ApiError::new(status, "invalid", body_text, Some(field))
}

/// A JSON body, whose rejection is an [`ApiError`].
pub struct Body<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Body<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        Json::<T>::from_request(req, state)
            .await
            .map(|Json(value)| Body(value))
            .map_err(|e: JsonRejection| rejection(e.status(), e.body_text(), "body"))
    }
}

/// Query parameters, whose rejection is an [`ApiError`].
pub struct Query<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Query<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Query(value)| Query(value))
            .map_err(|e: QueryRejection| rejection(StatusCode::BAD_REQUEST, e.body_text(), "query"))
    }
}

/// Path parameters, whose rejection is an [`ApiError`].
pub struct Path<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for Path<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Path(value)| Path(value))
            .map_err(|e: PathRejection| rejection(StatusCode::BAD_REQUEST, e.body_text(), "path"))
    }
}

fn bearer(parts: &axum::http::HeaderMap) -> Option<&str> {
    let value = parts.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// Checks the bearer token (when tokens are configured) and records the caller.
pub async fn authenticate(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let caller = if state.tokens.is_empty() {
        Caller {
            actor: state.default_actor.clone(),
        }
    } else {
        let presented = bearer(req.headers()).unwrap_or_default().as_bytes();
        // Every token is compared, in constant time, whatever matches.
        let mut found: Option<&Token> = None;
        for token in state.tokens.iter() {
            if bool::from(token.secret.as_bytes().ct_eq(presented)) {
                found = Some(token);
            }
        }
        let Some(token) = found else {
            let mut response = ApiError::new(
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "send a valid API token as `Authorization: Bearer TOKEN`",
                None,
            )
            .into_response();
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, header::HeaderValue::from_static("Bearer"));
            return response;
        };
        let reads = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
        if token.read_only && !reads {
            return ApiError::new(
                StatusCode::FORBIDDEN,
                "forbidden",
                format!("token {} is read-only", token.name),
                None,
            )
            .into_response();
        }
        match Actor::new(token.name.clone()) {
            Ok(actor) => Caller { actor },
            Err(e) => return ApiError::from(e).into_response(),
        }
    };
    req.extensions_mut().insert(caller);
    next.run(req).await
}

/// Whether an address only this machine can reach.
pub fn is_loopback(addr: &SocketAddr) -> bool {
    addr.ip().is_loopback()
}

/// Waits for Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing the requests under way");
}

/// The router with every layer: auth, body limit, timeout, logs, JSON 404s.
pub fn app(state: AppState) -> Router {
    use tower_http::timeout::TimeoutLayer;
    use tower_http::trace::{DefaultMakeSpan, DefaultOnResponse, TraceLayer};
    use tracing::Level;
    let protected = crate::api::routes()
        .layer(axum::middleware::from_fn_with_state(state.clone(), authenticate))
        .with_state(state.clone());
    Router::new()
        .route("/healthz", axum::routing::get(crate::api::healthz))
        .route("/readyz", axum::routing::get(crate::api::readyz))
        .with_state(state)
        .merge(protected)
        .fallback(|| async {
            ApiError::new(
                StatusCode::NOT_FOUND,
                "not_found",
                "no such endpoint; see /openapi.json",
                None,
            )
        })
        .layer(axum::extract::DefaultBodyLimit::max(BODY_LIMIT))
        // A bug must still answer in the error shape, not drop the connection.
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(|_| {
            ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "the server failed on this request",
                None,
            )
            .into_response()
        }))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            REQUEST_TIMEOUT,
        ))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(DefaultMakeSpan::new().level(Level::INFO))
                .on_response(DefaultOnResponse::new().level(Level::INFO)),
        )
}
