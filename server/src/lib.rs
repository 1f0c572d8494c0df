//! modelreg-server: the registry over HTTP, as a library. `modelreg serve`
//! (the CLI) binds a listener and hands this crate's [`app`] to `axum::serve`;
//! tests start the same [`app`] in-process.
//!
//! # Public API
//!
//! - [`app`]`(registry, tokens)`: the whole API as an [`axum::Router`], with
//!   every layer: bearer-token auth, the 1 MiB body limit
//!   ([`BODY_LIMIT`]), the 30 s request timeout ([`REQUEST_TIMEOUT`]), a
//!   panic guard, the request log and JSON 404s and 405s. Every answer that
//!   is not a success has one shape: `{"error": {"code", "message",
//!   "field"?, …}}` (see [`ErrorBody`]); a bad JSON body names the field at
//!   fault by its path (`deployment.status`, `metadata`), or `body`. An
//!   answer also carries what the registry's typed error holds (`entity`,
//!   `key`, `value`, `fields`, `reason`, `database`, `supported`), so that a
//!   client rebuilds the same [`modelreg_core::Error`].
//! - [`error_response`]`(error)`: the status and body the API answers a
//!   registry error with (what `modelreg-client` reads back).
//! - [`app_with`]`(registry, tokens, `[`AppOptions`]`)`: the same with
//!   options: `AppOptions::default().request_log(`[`RequestLog`]`::Json)
//!   .log_to(writer)`. The request log is one line per request (method,
//!   path, status, duration; never the query string nor a header), written
//!   from a worker thread so that it never holds a request up: `Off`,
//!   `Compact` (the default, on stderr) or `Json` lines. `RequestLog`
//!   parses from `off`, `compact` and `json`.
//! - [`openapi`]`(tokens_configured)`: the OpenAPI 3 document that
//!   `GET /openapi.json` serves. Each route is declared once (utoipa-axum's
//!   `OpenApiRouter` and `routes!`), so the document and the router cannot
//!   drift; bearer security appears only when tokens are configured.
//! - [`Token`] and [`parse_tokens`]`("name:secret[:ro],…")`: API tokens. A
//!   token's name is the actor its changes are recorded as; `:ro` tokens may
//!   only read (GET, HEAD, OPTIONS). With no tokens every request is served,
//!   as the registry's own actor.
//! - [`is_loopback`]`(addr)`: whether only this machine can reach an address
//!   (the CLI refuses to serve other addresses without tokens).
//! - [`shutdown_signal`]`()`: registers SIGINT and SIGTERM handlers at once,
//!   and resolves when either arrives (for `with_graceful_shutdown`).
//!
//! # Routes
//!
//! Resources by name or id (`/v1/teams/{name}`, `/v1/models/{name}`, …;
//! `name:NAME` is always a name), versions by reference
//! (`/v1/versions/{version}`: `MODEL@SEMVER`, `MODEL@ALIAS`, `MODEL@latest`,
//! `MODEL@production` or an id; `?at=` for what it meant at an instant),
//! the query language on the list routes (`filter`, `sort`, `page_token`,
//! the next page's token in `X-Next-Page-Token`), and `GET /v1/export`
//! (the whole registry as JSON Lines, for read-write tokens). The OpenAPI
//! document lists them all.
//!
//! # Layout
//!
//! `state` (what every request shares), `auth` (tokens), `error` (the error
//! shape), `extract` (extractors that answer in that shape), `body` and
//! `json_path` (JSON bodies, refused naming the field at fault), `openapi`
//! (the document), `app` (the router with its layers), `request_log`,
//! `shutdown`, and one file per resource under `routes/`.

mod app;
mod auth;
mod body;
mod error;
mod extract;
mod json_path;
mod loopback;
mod openapi;
mod request_log;
mod routes;
mod shutdown;
mod state;

pub use app::{AppOptions, BODY_LIMIT, REQUEST_TIMEOUT, app, app_with};
pub use auth::{Token, is_loopback, parse_tokens};
pub use error::{ErrorBody, ErrorCode, ErrorDetail, error_response};
pub use loopback::{Served, serve_loopback};
pub use openapi::openapi;
pub use request_log::RequestLog;
pub use shutdown::shutdown_signal;
