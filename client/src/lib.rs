//! modelreg-client: the registry wherever it lives, behind one trait.
//!
//! [`open`]`(url, options)` answers a [`RegistryApi`] for a URL:
//! `sqlite://PATH`, `sqlite::memory:`, `postgres://…` and `postgresql://…`
//! open the registry in-process (its database migrated on open), and
//! `http://…` and `https://…` reach a `modelreg serve` with
//! [`RemoteRegistry`]. A caller cannot tell the two apart: the same call
//! answers the same values, and fails with the same [`modelreg_core::Error`]
//! variant, entity, key, field and value.
//!
//! # Public API
//!
//! - [`open`]`(url, `[`Options`]`)` → `Arc<dyn RegistryApi>`.
//! - [`Options`]: the token of a server (`Authorization: Bearer TOKEN`), the
//!   actor of an in-process registry's changes, the connect and request
//!   timeouts and the retries of a remote one. `Debug` never shows the token.
//! - [`defaults`]: the embedded registry's file and URL, and the default
//!   actor (the OS user), as the CLI and the Python package take them.
//! - [`RemoteRegistry`]`::connect(url, &options)`: the registry of a
//!   `modelreg serve`, over one pooled HTTP client (rustls; connections are
//!   kept and reused). Reads (GET) are retried on a connection failure or a
//!   503 answer, with a growing pause; writes are never retried, so a change
//!   is never made twice.
//!
//! # Layout
//!
//! `open` (the URL's scheme chooses where the registry lives), `remote`
//! (the HTTP client: `mod` the transport, `api` the operations, `errors`
//! the error body read back into typed errors, `bodies` the request bodies
//! JSON cannot say alone, `export` the streamed export).

pub mod defaults;
mod open;
mod remote;

pub use modelreg_core::RegistryApi;
pub use open::{Backend, Options, open};
pub use remote::{RemoteRegistry, path_segment};
