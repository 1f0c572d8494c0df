//! What every request shares.

use std::sync::Arc;

use modelreg_core::Registry;

use crate::auth::Token;

/// The registry, the API tokens, and the OpenAPI document the router was built with.
#[derive(Clone)]
pub(crate) struct AppState {
    /// Makes changes as its own actor; the auth layer hands each request a
    /// copy acting as the caller.
    pub(crate) registry: Registry,
    /// No tokens: every request is served, as the registry's own actor.
    pub(crate) tokens: Arc<[Token]>,
    pub(crate) openapi: Arc<utoipa::openapi::OpenApi>,
}
