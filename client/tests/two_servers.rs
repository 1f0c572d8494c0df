//! Two servers on one PostgreSQL database, as a production deployment runs
//! them behind a load balancer: each with its own connection pool, clients
//! on both at once. Concurrent promotions of one model's versions all
//! succeed (none answers 5xx), leave exactly one production version, and
//! leave a history in which every promotion archived the version it
//! replaced, each change with its audit event; a write acknowledged by one
//! server is read by the other at once; the same registration sent to both
//! servers at once creates the version once and answers the others as
//! already done.

use std::sync::Arc;

use modelreg_client::{Options, RemoteRegistry};
use modelreg_core::history::HistoryEntry;
use modelreg_core::models::NewModel;
use modelreg_core::versions::{Framework, NewVersion, VersionStatus};
use modelreg_core::{Actor, AuditAction, EntityKind, Page, Ref, Registry, RegistryApi, VersionRef};
use modelreg_postgres::testing::TestDatabase;
use modelreg_postgres::{PostgresOptions, PostgresStore};
use modelreg_server::{AppOptions, RequestLog, Served, parse_tokens};

const SECRET: &str = "two-servers-secret-0123456789";
const VERSIONS: usize = 12;
const CLIENTS: usize = 16;
const PROMOTIONS_PER_CLIENT: usize = 15;

/// A server of its own pool on the database at `url`.
async fn serve(url: &str) -> Served {
    let options = PostgresOptions {
        max_connections: 4,
        ..PostgresOptions::default()
    };
    let store = PostgresStore::connect(url, options)
        .await
        .expect("a pool of the server's own");
    let registry = Registry::new(Arc::new(store), Actor::new("server").expect("an actor"));
    let tokens = parse_tokens(&format!("ops:{SECRET}")).expect("the token parses");
    modelreg_server::serve_loopback(registry, tokens, AppOptions::default().request_log(RequestLog::Off))
        .await
        .expect("the server starts")
}

fn client(base: &str) -> Arc<dyn RegistryApi> {
    Arc::new(RemoteRegistry::connect(base, &Options::default().token(SECRET)).expect("a client"))
}

fn semver(i: usize) -> String {
    format!("1.{i}.0")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_servers_on_one_database_take_concurrent_promotions_without_a_5xx() {
    let Some(db) = TestDatabase::create().await else {
        return;
    };
    let (server_a, server_b) = (serve(db.url()).await, serve(db.url()).await);
    let (a, b) = (server_a.url.clone(), server_b.url.clone());
    let (on_a, on_b) = (client(&a), client(&b));
    on_a.create_model(NewModel::named("contested")).await.unwrap();
    for i in 0..VERSIONS {
        let new = NewVersion::new(semver(i), format!("s3://m/{i}"), Framework::Onnx);
        on_b.register_version(&Ref::name("contested"), new).await.unwrap();
    }

    // Every client promotes versions in its own order, half through each server.
    let tasks: Vec<_> = (0..CLIENTS)
        .map(|c| {
            let reg = if c % 2 == 0 { on_a.clone() } else { on_b.clone() };
            tokio::spawn(async move {
                let mut errors = Vec::new();
                for k in 0..PROMOTIONS_PER_CLIENT {
                    let version = VersionRef::semver("contested", semver((c * 7 + k * 5) % VERSIONS));
                    if let Err(e) = reg.set_version_status(&version, VersionStatus::Production).await {
                        errors.push(format!("{version:?}: {e:?}"));
                    }
                }
                errors
            })
        })
        .collect();
    let mut errors = Vec::new();
    for task in tasks {
        errors.extend(task.await.unwrap());
    }
    assert!(errors.is_empty(), "every promotion succeeds: {errors:#?}");

    // Exactly one production version, the same on both servers.
    let production = on_a.production_version(&Ref::name("contested")).await.unwrap().unwrap();
    let seen_by_b = on_b.production_version(&Ref::name("contested")).await.unwrap().unwrap();
    assert_eq!(production.id, seen_by_b.id);
    let versions = on_b
        .list_versions(&Ref::name("contested"), Default::default(), Page::new(0, 100).unwrap())
        .await
        .unwrap();
    let in_production: Vec<_> = versions
        .iter()
        .filter(|v| v.status == VersionStatus::Production)
        .collect();
    assert_eq!(in_production.len(), 1, "{versions:#?}");

    // The history, oldest first: each promotion follows the archiving of the
    // version then in production (in the same change), so that the
    // production versions it tells form one unbroken chain.
    let mut history = Vec::new();
    for page in 0.. {
        let entries = on_a
            .version_history(&Ref::name("contested"), Page::new(page * 100, 100).unwrap())
            .await
            .unwrap();
        let done = entries.len() < 100;
        history.extend(entries);
        if done {
            break;
        }
    }
    // Oldest first; within one change (one instant), the archiving first.
    let mut changes: Vec<_> = history
        .into_iter()
        .filter_map(|entry| match entry {
            HistoryEntry::Status(change) => Some(change),
            HistoryEntry::Alias(_) => None,
        })
        .collect();
    changes.sort_by_key(|c| (c.changed_at, c.to_status == VersionStatus::Production));
    let mut current: Option<uuid::Uuid> = None;
    let mut promotions = 0;
    for change in &changes {
        match change.to_status {
            VersionStatus::Production => {
                assert_eq!(
                    current, None,
                    "a promotion while another version was in production: {change:?}"
                );
                current = Some(change.version_id);
                promotions += 1;
            }
            VersionStatus::Archived if current == Some(change.version_id) => current = None,
            _ => {}
        }
    }
    assert_eq!(current, Some(production.id), "the chain ends at the production version");
    assert!(promotions >= VERSIONS.min(CLIENTS), "promotions happened: {promotions}");

    // Every status change is audited: one update event of a version per change in the history.
    let mut audited = 0;
    for version in &versions {
        let events = on_b
            .audit_of_entity(EntityKind::ModelVersion, version.id, Page::new(0, 10_000).unwrap())
            .await
            .unwrap();
        audited += events.iter().filter(|e| e.action == AuditAction::Update).count();
    }
    let changed = changes.iter().filter(|c| c.from_status.is_some()).count();
    assert_eq!(audited, changed, "one audit event per status change");

    // A write acknowledged by one server is read by the other at once.
    for i in 0..10 {
        let (writer, reader) = if i % 2 == 0 { (&on_a, &on_b) } else { (&on_b, &on_a) };
        let new = NewVersion::new(format!("2.{i}.0"), format!("s3://m/2.{i}.0"), Framework::Onnx);
        let written = writer.register_version(&Ref::name("contested"), new).await.unwrap();
        let read = reader
            .version(&VersionRef::semver("contested", format!("2.{i}.0")))
            .await;
        assert_eq!(read.unwrap(), written, "read through the other server");
    }

    // One registration sent to both servers at once: created once, the rest answered as done.
    let sends: Vec<_> = (0..8)
        .map(|c| {
            let reg = if c % 2 == 0 { on_a.clone() } else { on_b.clone() };
            tokio::spawn(async move {
                let new = NewVersion::new("9.9.9", "s3://m/9.9.9", Framework::Onnx);
                reg.register(&Ref::name("contested"), new).await
            })
        })
        .collect();
    let mut created = 0;
    for send in sends {
        let registered = send.await.unwrap().expect("the same registration is never refused");
        created += usize::from(registered.created);
    }
    assert_eq!(
        created, 1,
        "exactly one of the identical registrations created the version"
    );
    drop((server_a, server_b));
}
