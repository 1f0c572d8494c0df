//! The router with every layer: auth on the guarded routes, the body limit,
//! the request timeout, the panic guard, every error in the one shape (404s
//! and 405s included) and the request log.

use std::fmt;
use std::io::Write;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use modelreg_core::Registry;

use crate::auth::{self, Token};
use crate::error::{ApiError, ErrorCode, in_error_shape};
use crate::request_log::{RequestLog, RequestLogger, log_request};
use crate::state::AppState;

/// The largest request body accepted (bigger ones get 413).
pub const BODY_LIMIT: usize = 1024 * 1024;
/// How long a request may take before it is answered with 408.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// What [`app_with`] takes besides the registry and the tokens.
pub struct AppOptions {
    request_log: RequestLog,
    log_to: Option<Box<dyn Write + Send>>,
}

impl Default for AppOptions {
    /// A compact request log on stderr.
    fn default() -> Self {
        AppOptions {
            request_log: RequestLog::default(),
            log_to: None,
        }
    }
}

impl AppOptions {
    /// How each request is logged (default [`RequestLog::Compact`]).
    pub fn request_log(mut self, format: RequestLog) -> Self {
        self.request_log = format;
        self
    }

    /// Where the request log goes (default stderr). It is written from a
    /// worker thread, so a slow writer never holds up a request.
    pub fn log_to(mut self, writer: impl Write + Send + 'static) -> Self {
        self.log_to = Some(Box::new(writer));
        self
    }
}

impl fmt::Debug for AppOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AppOptions")
            .field("request_log", &self.request_log)
            .field("log_to", &if self.log_to.is_some() { "writer" } else { "stderr" })
            .finish()
    }
}

/// The whole API: every route, with every layer, and the default options (a
/// compact request log on stderr). Changes are recorded as the calling
/// token's name, or as `registry`'s own actor when `tokens` is empty.
pub fn app(registry: Registry, tokens: Vec<Token>) -> Router {
    app_with(registry, tokens, AppOptions::default())
}

/// [`app`] with `options`.
pub fn app_with(registry: Registry, tokens: Vec<Token>, options: AppOptions) -> Router {
    let (public, guarded) = crate::routes::api();
    let (public, public_doc) = public.split_for_parts();
    let (guarded, guarded_doc) = guarded.split_for_parts();
    let tokens: Arc<[Token]> = tokens.into();
    let state = AppState {
        registry,
        openapi: Arc::new(crate::openapi::document(public_doc, guarded_doc, !tokens.is_empty())),
        tokens,
    };
    let guarded = guarded.layer(middleware::from_fn_with_state(state.clone(), auth::authenticate));
    let log_to = options.log_to.unwrap_or_else(|| Box::new(std::io::stderr()));
    let logger = RequestLogger::new(options.request_log, log_to);
    with_layers(public.merge(guarded).with_state(state), REQUEST_TIMEOUT, logger)
}

/// `router` with the layers every answer goes through.
fn with_layers(router: Router, timeout: Duration, logger: Option<RequestLogger>) -> Router {
    let router = router
        .fallback(|| async {
            ApiError::new(
                StatusCode::NOT_FOUND,
                ErrorCode::NotFound,
                "no such endpoint; see /openapi.json",
                None,
            )
        })
        .layer(axum::extract::DefaultBodyLimit::max(BODY_LIMIT))
        // A bug must still answer in the error shape, not drop the connection.
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(|_| {
            ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                ErrorCode::Internal,
                "the server failed on this request",
                None,
            )
            .into_response()
        }))
        .layer(middleware::from_fn(move |req: Request, next: Next| {
            within(timeout, req, next)
        }))
        .layer(middleware::map_response(in_error_shape));
    match logger {
        Some(logger) => router.layer(middleware::from_fn_with_state(logger, log_request)),
        None => router,
    }
}

/// Answers 408 in the error shape when the request takes longer than `timeout`
/// (the handler is dropped, as a closed connection would drop it).
async fn within(timeout: Duration, req: Request, next: Next) -> Response {
    match tokio::time::timeout(timeout, next.run(req)).await {
        Ok(response) => response,
        Err(_) => ApiError::new(
            StatusCode::REQUEST_TIMEOUT,
            ErrorCode::Timeout,
            format!("the request took longer than {} s", timeout.as_secs_f64()),
            None,
        )
        .into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::routing::get;
    use serde_json::Value;

    /// Serves `router` on an ephemeral port; answers the status and JSON body of `GET path`.
    async fn get_once(router: Router, path: &str) -> (u16, Value) {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let server = tokio::spawn(async move { axum::serve(listener, router).await });
        let response = reqwest::get(format!("http://{addr}{path}")).await.unwrap();
        let status = response.status().as_u16();
        let body = response.json().await.unwrap_or(Value::Null);
        server.abort();
        (status, body)
    }

    #[tokio::test]
    async fn a_panicking_handler_answers_500_in_the_error_shape() {
        async fn boom() -> &'static str {
            panic!("a bug")
        }
        let router = with_layers(Router::new().route("/boom", get(boom)), REQUEST_TIMEOUT, None);
        let (status, body) = get_once(router, "/boom").await;
        assert_eq!(status, 500);
        assert_eq!(body["error"]["code"], "internal", "{body}");
    }

    #[tokio::test]
    async fn a_slow_request_answers_408_in_the_error_shape() {
        async fn slow() -> &'static str {
            tokio::time::sleep(Duration::from_secs(5)).await;
            "late"
        }
        let router = with_layers(Router::new().route("/slow", get(slow)), Duration::from_millis(50), None);
        let (status, body) = get_once(router, "/slow").await;
        assert_eq!(status, 408);
        assert_eq!(body["error"]["code"], "timeout", "{body}");
    }

    #[tokio::test]
    async fn an_unknown_endpoint_answers_404_in_the_error_shape() {
        let router = with_layers(Router::new(), REQUEST_TIMEOUT, None);
        let (status, body) = get_once(router, "/nowhere").await;
        assert_eq!(status, 404);
        assert_eq!(body["error"]["code"], "not_found", "{body}");
    }
}
