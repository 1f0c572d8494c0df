//! What only the SQLite backend has: files, URLs, migrations, the schema
//! guard, and constraints that hold against raw SQL.

use modelreg_core::models::NewModel;
use modelreg_core::store::StoreInfo;
use modelreg_core::{Actor, Error};
use modelreg_sqlite::{Location, MIGRATIONS, SqliteStore};
use rusqlite::Connection;

fn actor() -> Actor {
    Actor::new("test").unwrap()
}

#[test]
fn urls_choose_a_file_or_memory() {
    assert_eq!(Location::from_url("sqlite::memory:").unwrap(), Location::Memory);
    assert_eq!(Location::from_url("sqlite://:memory:").unwrap(), Location::Memory);
    assert_eq!(
        Location::from_url("sqlite:///var/lib/reg.db").unwrap(),
        Location::File("/var/lib/reg.db".into())
    );
    assert_eq!(
        Location::from_url("sqlite://reg.db").unwrap(),
        Location::File("reg.db".into())
    );
    assert!(matches!(
        Location::from_url("sqlite://"),
        Err(Error::Invalid {
            field: "database_url",
            ..
        })
    ));
    assert!(matches!(
        Location::from_url("postgres://x"),
        Err(Error::Invalid {
            field: "database_url",
            ..
        })
    ));
}

#[tokio::test]
async fn memory_registries_are_private_and_work() {
    let a = SqliteStore::memory().await.unwrap().into_registry();
    let b = SqliteStore::memory().await.unwrap().into_registry();
    a.create_model(NewModel::named("only-in-a"), &actor()).await.unwrap();
    assert_eq!(a.stats().await.unwrap().models, 1);
    assert_eq!(b.stats().await.unwrap().models, 0);
}

#[tokio::test]
async fn opening_creates_the_directory_and_a_migrated_wal_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested/dir/registry.db");
    let store = SqliteStore::open_path(&path).await.unwrap();
    assert_eq!(
        store.schema_version().await.unwrap(),
        modelreg_core::migrations::latest(MIGRATIONS)
    );
    assert_eq!(store.backend(), "sqlite");
    store.close().await.unwrap();
    let conn = Connection::open(&path).unwrap();
    let mode: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
    assert_eq!(mode, "wal");
}

#[tokio::test]
async fn a_database_from_a_newer_modelreg_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("future.db");
    SqliteStore::open_path(&path).await.unwrap().close().await.unwrap();
    {
        let conn = Connection::open(&path).unwrap();
        conn.execute(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', 0)",
            [],
        )
        .unwrap();
    }
    let before = std::fs::read(&path).unwrap();
    let supported = modelreg_core::migrations::latest(MIGRATIONS);
    match SqliteStore::open_path(&path).await {
        Err(e @ Error::SchemaTooNew { .. }) => {
            assert_eq!(
                e,
                Error::SchemaTooNew {
                    database: 999,
                    supported
                }
            );
            let message = e.to_string();
            assert!(
                message.contains("999") && message.contains(&supported.to_string()),
                "{message}"
            );
        }
        Err(other) => panic!("expected SchemaTooNew, got {other}"),
        Ok(_) => panic!("a newer database was opened"),
    }
    assert_eq!(std::fs::read(&path).unwrap(), before, "nothing was written");
}

#[tokio::test]
async fn migrations_go_down_and_up_again() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open_path(dir.path().join("m.db")).await.unwrap();
    let history = store.applied_migrations().await.unwrap();
    assert_eq!(history.len(), MIGRATIONS.len());
    assert_eq!(history[0].version, 1);
    store.downgrade(0).await.unwrap();
    assert!(store.applied_migrations().await.unwrap().is_empty());
    assert!(matches!(
        store.downgrade(5).await,
        Err(Error::Invalid { field: "to", .. })
    ));
    store.upgrade(None).await.unwrap();
    let reg = store.into_registry();
    reg.create_model(NewModel::named("after-reset"), &actor())
        .await
        .unwrap();
    assert_eq!(reg.stats().await.unwrap().models, 1);
}

/// A client writing SQL directly meets the same rules as the registry.
#[tokio::test]
async fn the_schema_enforces_the_rules_against_raw_sql() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("raw.db");
    let reg = SqliteStore::open_path(&path).await.unwrap().into_registry();
    let model = reg.create_model(NewModel::named("m"), &actor()).await.unwrap();
    let conn = Connection::open(&path).unwrap();
    conn.execute_batch("PRAGMA foreign_keys = ON").unwrap();
    let version = |id: &str, semver: &str, status: &str, extra: &str| {
        format!(
            "INSERT INTO model_versions (id, model_id, semver, precedence, artifact_uri, framework, status, metadata, created_at{}) \
             VALUES ('{id}', '{}', '{semver}', 'k', 'uri', 'onnx', '{status}', '{{}}', 0{})",
            if extra.is_empty() { "" } else { ", size_bytes" },
            model.id,
            extra
        )
    };
    let rejected = [
        "INSERT INTO teams (id, name, created_at) VALUES ('t1', ' padded', 0)".to_owned(),
        "INSERT INTO teams (id, name, created_at) VALUES ('t2', '', 0)".to_owned(),
        format!("INSERT INTO teams (id, name, created_at) VALUES ('t3', '{}', 0)", "x".repeat(101)),
        "INSERT INTO teams (id, name, created_at) VALUES ('t4', 'bell' || char(7), 0)".to_owned(),
        "INSERT INTO models (id, name, name_folded, risk_level, created_at, updated_at) VALUES ('m1', 'x', 'x', 'extreme', 0, 0)"
            .to_owned(),
        version("v1", "not-semver", "registered", ""),
        version("v2", "1.0.0", "shipping", ""),
        version("v3", "1.0.1", "registered", ", -1"),
        "INSERT INTO metrics (id, version_id, name, value, split, recorded_at) VALUES ('x', 'none', 'acc', 1.0, 'test', 0)"
            .to_owned(),
        "UPDATE model_versions SET metadata = '[1]'".to_owned(),
    ];
    reg.register_version(
        model.id,
        modelreg_core::versions::NewVersion::new("9.0.0", "u", modelreg_core::versions::Framework::Jax),
        &actor(),
    )
    .await
    .unwrap();
    for sql in &rejected {
        assert!(conn.execute_batch(sql).is_err(), "accepted: {sql}");
    }
    conn.execute_batch(&version("p1", "1.0.0", "production", "")).unwrap();
    assert!(
        conn.execute_batch(&version("p2", "2.0.0", "production", "")).is_err(),
        "two production versions"
    );
    assert!(
        conn.execute_batch(&version("p3", "1.0.0", "registered", "")).is_err(),
        "duplicate semver"
    );
}
