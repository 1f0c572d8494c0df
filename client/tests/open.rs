//! `modelreg_client::open`: one URL, wherever the registry lives. Each kind
//! is opened and used the same way, and records its changes as it should.

use std::sync::Arc;

use modelreg_client::{Options, RegistryApi, open};
use modelreg_core::teams::NewTeam;
use modelreg_core::{Actor, Error, Page, Registry};
use modelreg_postgres::testing::TestDatabase;
use modelreg_server::parse_tokens;

/// Creates a team through `registry`: the actor its audit event records.
async fn actor_of_a_change(registry: &dyn RegistryApi) -> String {
    registry.create_team(NewTeam::named("ml")).await.expect("create a team");
    let events = registry.recent_audit(Page::default()).await.expect("the audit trail");
    events[0].actor.clone()
}

#[tokio::test]
async fn sqlite_urls_open_the_registry_in_process() {
    let memory = open("sqlite::memory:", Options::default()).await.unwrap();
    assert_eq!(actor_of_a_change(memory.as_ref()).await, "modelreg");
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("registry.db").display());
    let alice = Options::default().actor(Actor::new("alice").unwrap());
    let file = open(&url, alice.clone()).await.unwrap();
    assert_eq!(actor_of_a_change(file.as_ref()).await, "alice");
    file.close().await.unwrap();
    let again = open(&url, alice).await.unwrap();
    assert_eq!(again.stats().await.unwrap().teams, 1, "the file keeps the registry");
    let missing = format!("sqlite://{}", dir.path().join("missing.db").display());
    let refused = open(
        &missing,
        Options {
            create: false,
            ..Options::default()
        },
    )
    .await;
    assert!(matches!(
        refused,
        Err(Error::Invalid {
            field: "database_url",
            ..
        })
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_urls_open_the_registry_in_process() {
    let Some(db) = TestDatabase::create().await else {
        return;
    };
    for url in [
        db.url().to_owned(),
        db.url().replacen("postgres://", "postgresql://", 1),
    ] {
        let registry = open(&url, Options::default()).await.unwrap();
        registry.stats().await.unwrap();
        registry.close().await.unwrap();
    }
    let registry = open(db.url(), Options::default()).await.unwrap();
    assert_eq!(actor_of_a_change(registry.as_ref()).await, "modelreg");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http_urls_reach_a_server_as_the_token_s_name() {
    let store = modelreg_sqlite::SqliteStore::open(modelreg_sqlite::Location::Memory, Default::default())
        .await
        .unwrap();
    let registry = Registry::new(Arc::new(store), Actor::new("owner").unwrap());
    let tokens = parse_tokens("ci:ci-secret-0123456789").unwrap();
    let server = modelreg_server::serve_loopback(
        registry,
        tokens,
        modelreg_server::AppOptions::default().request_log(modelreg_server::RequestLog::Off),
    )
    .await
    .unwrap();
    let base = format!("{}/", server.url);
    let remote = open(&base, Options::default().token("ci-secret-0123456789"))
        .await
        .unwrap();
    assert_eq!(actor_of_a_change(remote.as_ref()).await, "ci");
    assert_eq!(
        remote.schema_version().await.unwrap(),
        remote.check_ready().await.unwrap()
    );
    let anonymous = open(&base, Options::default()).await.unwrap();
    assert!(matches!(
        anonymous.stats().await,
        Err(Error::Invalid { field: "token", .. })
    ));
    drop(server);
}

#[tokio::test]
async fn an_unknown_scheme_is_refused_naming_the_url_without_its_password() {
    for url in ["mysql://app:s3cret@db/registry", "ftp://host/x", "registry.db"] {
        let Err(error) = open(url, Options::default()).await else {
            panic!("{url} opened")
        };
        let Error::Invalid { field, reason } = &error else {
            panic!("{url}: {error:?}")
        };
        assert_eq!(*field, "database_url");
        assert!(!reason.contains("s3cret"), "{reason}");
        let shown = modelreg_core::error::redact_passwords(url);
        assert!(reason.contains(&shown), "{reason} names {shown}");
    }
    let Err(error) = open("https://:p4ss@/", Options::default()).await else {
        panic!("a URL without a host opened")
    };
    assert!(!error.to_string().contains("p4ss"), "{error}");
}

#[test]
fn options_never_show_the_token() {
    let shown = format!("{:?}", Options::default().token("ci-secret-0123456789"));
    assert!(!shown.contains("ci-secret"), "{shown}");
}
