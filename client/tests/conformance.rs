//! The conformance suite through HTTP: every case of the `api` group runs
//! through [`RemoteRegistry`] against `modelreg_server::app`, served on a
//! real TCP listener (127.0.0.1, an ephemeral port) over a fresh SQLite
//! file per case. Each actor a case acts as has a token of its name, so the
//! audit trail records who made each change as it does in-process. A case
//! that passes locally and fails here is a fault of the HTTP API.

use std::sync::Arc;

use modelreg_client::{Options, RemoteRegistry};
use modelreg_conformance::fixtures::actor;
use modelreg_conformance::{ActingAs, AnyRegistry, Fresh};
use modelreg_core::{Actor, Registry};
use modelreg_server::{AppOptions, RequestLog, parse_tokens};
use modelreg_sqlite::SqliteStore;

/// Everyone a case may act as besides the suite's own actor.
const OTHER_ACTORS: &[&str] = &["alice", "bob"];

/// The secret of `actor`'s token.
fn secret(actor: &str) -> String {
    format!("{actor}-secret-0123456789")
}

/// A server running for one case (stopped when dropped), and the folder of its database.
struct Running {
    _server: modelreg_server::Served,
    _dir: tempfile::TempDir,
}

/// The registry at `base` as `actor`.
fn client(base: &str, actor: &str) -> AnyRegistry {
    let options = Options::default().token(secret(actor));
    Arc::new(RemoteRegistry::connect(base, &options).expect("a client of the server"))
}

struct Http;

impl modelreg_conformance::Backend for Http {
    type Guard = Running;

    async fn fresh() -> Option<Fresh<Running>> {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let store = SqliteStore::open_path(dir.path().join("registry.db"))
            .await
            .expect("open a fresh SQLite registry");
        // The server's own actor is nobody a case knows: every change must be
        // recorded as the name of the token that made it.
        let registry = Registry::new(Arc::new(store), Actor::new("server").expect("an actor"));
        let suite = actor();
        let tokens: Vec<String> = std::iter::once(suite.as_str())
            .chain(OTHER_ACTORS.iter().copied())
            .map(|name| format!("{name}:{}", secret(name)))
            .collect();
        let tokens = parse_tokens(&tokens.join(",")).expect("the tokens parse");
        let server =
            modelreg_server::serve_loopback(registry, tokens, AppOptions::default().request_log(RequestLog::Off))
                .await
                .expect("the server starts");
        let base = server.url.clone();
        let others = base.clone();
        let acting_as: ActingAs = Arc::new(move |name: &str| {
            assert!(
                OTHER_ACTORS.contains(&name) || name == actor().as_str(),
                "the HTTP suite has no token for {name:?}: add it to OTHER_ACTORS"
            );
            client(&others, name)
        });
        Some(Fresh {
            registry: client(&base, suite.as_str()),
            acting_as,
            guard: Running {
                _server: server,
                _dir: dir,
            },
        })
    }
}

modelreg_conformance::api_conformance_suite!(Http);
