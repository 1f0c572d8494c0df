//! What only the SQLite backend has: files, URLs, migrations, the schema
//! guard, the write lock taken at `begin`, snapshots, read-only files,
//! closing, and constraints that hold against raw SQL.

use std::sync::Arc;
use std::time::Duration;

use modelreg_core::models::{ModelUpdate, NewModel};
use modelreg_core::store::{RecordKind, RecordReads, Snapshots, StoreInfo, Transactional};
use modelreg_core::versions::{Framework, NewVersion};
use modelreg_core::{Actor, Error, Ref, Registry, VersionRef};
use modelreg_sqlite::{Location, MIGRATIONS, SqliteOptions, SqliteStore};
use rusqlite::Connection;

fn actor() -> Actor {
    Actor::new("test").unwrap()
}

fn wal_of(path: &std::path::Path) -> std::path::PathBuf {
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    wal.into()
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
    let a = SqliteStore::memory().await.unwrap().into_registry(actor());
    let b = SqliteStore::memory().await.unwrap().into_registry(actor());
    a.create_model(NewModel::named("only-in-a")).await.unwrap();
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
    let reg = store.into_registry(actor());
    reg.create_model(NewModel::named("after-reset")).await.unwrap();
    assert_eq!(reg.stats().await.unwrap().models, 1);
}

/// A client writing SQL directly meets the same rules as the registry, and
/// the database names the rule it broke.
#[tokio::test]
async fn the_schema_enforces_the_rules_against_raw_sql() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("raw.db");
    let reg = SqliteStore::open_path(&path).await.unwrap().into_registry(actor());
    let model = reg.create_model(NewModel::named("m")).await.unwrap();
    reg.register_version(&Ref::from(model.id), NewVersion::new("9.0.0", "u", Framework::Jax))
        .await
        .unwrap();
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
        (
            "INSERT INTO teams (id, name, created_at) VALUES ('t1', ' padded', 0)".to_owned(),
            "CHECK constraint failed: name",
        ),
        (
            "INSERT INTO teams (id, name, created_at) VALUES ('t2', '', 0)".to_owned(),
            "CHECK constraint failed: name",
        ),
        (
            format!(
                "INSERT INTO teams (id, name, created_at) VALUES ('t3', '{}', 0)",
                "x".repeat(101)
            ),
            "CHECK constraint failed: name",
        ),
        (
            // Schema 4's trigger runs before the table's own check.
            "INSERT INTO teams (id, name, created_at) VALUES ('t4', 'bell' || char(7), 0)".to_owned(),
            "ck__teams__chars__name",
        ),
        (
            "INSERT INTO models (id, name, name_folded, risk_level, created_at, updated_at) \
             VALUES ('m1', 'x', 'x', 'extreme', 0, 0)"
                .to_owned(),
            "CHECK constraint failed: risk_level",
        ),
        (
            version("v1", "not-semver", "registered", ""),
            "CHECK constraint failed: semver",
        ),
        (
            version("v2", "1.0.0", "shipping", ""),
            "CHECK constraint failed: status",
        ),
        (
            version("v3", "1.0.1", "registered", ", -1"),
            "CHECK constraint failed: size_bytes",
        ),
        (
            "INSERT INTO metrics (id, version_id, name, value, split, recorded_at) \
             VALUES ('x', 'none', 'acc', 1.0, 'test', 0)"
                .to_owned(),
            "FOREIGN KEY constraint failed",
        ),
        (
            "UPDATE model_versions SET metadata = '[1]'".to_owned(),
            "CHECK constraint failed: metadata",
        ),
    ];
    for (sql, constraint) in &rejected {
        let err = conn.execute_batch(sql).expect_err(sql);
        assert!(err.to_string().contains(constraint), "{sql}: {err}");
    }
    conn.execute_batch(&version("p1", "1.0.0", "production", "")).unwrap();
    let two_in_production = conn
        .execute_batch(&version("p2", "2.0.0", "production", ""))
        .expect_err("two production versions");
    assert!(
        two_in_production
            .to_string()
            .contains("UNIQUE constraint failed: model_versions.model_id"),
        "{two_in_production}"
    );
    let same_semver = conn
        .execute_batch(&version("p3", "1.0.0", "registered", ""))
        .expect_err("duplicate semver");
    assert!(
        same_semver
            .to_string()
            .contains("UNIQUE constraint failed: model_versions.model_id, model_versions.semver"),
        "{same_semver}"
    );
}

/// The snapshot reads on a connection of its own inside one read
/// transaction: another store on the file (as another process would)
/// commits, and the snapshot still sees the file as it was.
#[tokio::test]
async fn a_snapshot_keeps_its_view_while_another_store_commits_to_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("snap.db");
    let store = SqliteStore::open_path(&path).await.unwrap();
    let other = SqliteStore::open_path(&path).await.unwrap().into_registry(actor());
    for name in ["a", "b", "c"] {
        other.create_model(NewModel::named(name)).await.unwrap();
    }
    let snapshot = store.snapshot().await.unwrap();
    let before = snapshot.record_counts().await.unwrap();
    let models = snapshot.records(RecordKind::Model, None, 100).await.unwrap();
    assert_eq!(before[&RecordKind::Model], 3);

    other.create_model(NewModel::named("d")).await.unwrap();
    let renamed = ModelUpdate {
        name: Some("a2".into()),
        ..ModelUpdate::default()
    };
    other.update_model(&Ref::from("a"), renamed).await.unwrap();
    other.delete_model(&Ref::from("b")).await.unwrap();
    let now = store.record_counts().await.unwrap();
    assert_eq!(now[&RecordKind::AuditEvent], 6, "the writes committed");

    assert_eq!(snapshot.record_counts().await.unwrap(), before);
    assert_eq!(snapshot.records(RecordKind::Model, None, 100).await.unwrap(), models);
    let paged = snapshot
        .records(RecordKind::Model, Some(models[0].key()), 100)
        .await
        .unwrap();
    assert_eq!(paged, models[1..]);
    assert_eq!(
        snapshot.schema_version().await.unwrap(),
        modelreg_core::migrations::latest(MIGRATIONS)
    );
}

#[tokio::test]
async fn a_snapshot_of_a_memory_store_holds_writes_back_until_it_ends() {
    let store = Arc::new(SqliteStore::memory().await.unwrap());
    let reg = Registry::new(store.clone(), actor());
    reg.create_model(NewModel::named("before")).await.unwrap();
    let snapshot = store.snapshot().await.unwrap();
    let writer = tokio::spawn({
        let reg = reg.clone();
        async move { reg.create_model(NewModel::named("during")).await }
    });
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(!writer.is_finished(), "the write waits for the snapshot");
    assert_eq!(snapshot.record_counts().await.unwrap()[&RecordKind::Model], 1);
    drop(snapshot);
    writer.await.unwrap().unwrap();
    assert_eq!(reg.stats().await.unwrap().models, 2);
}

#[tokio::test]
async fn begin_takes_the_write_lock_so_another_writer_waits_and_then_gives_up() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("locked.db");
    let first = SqliteStore::open_path(&path).await.unwrap();
    let options = SqliteOptions {
        busy_timeout: Duration::from_millis(200),
        ..SqliteOptions::default()
    };
    let second = SqliteStore::open(Location::File(path), options).await.unwrap();
    let tx = first.begin().await.unwrap();
    let Err(err) = second.begin().await else {
        panic!("two transactions held the write lock at once");
    };
    assert!(matches!(err, Error::Unavailable { .. }), "{err:?}");
    assert!(err.is_retryable());
    assert!(!err.to_string().contains("BEGIN"), "{err}");
    drop(tx);
    second.begin().await.unwrap().commit().await.unwrap();
}

#[tokio::test]
async fn a_read_only_file_is_not_writable_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ro.db");
    let store = SqliteStore::open_path(&path).await.unwrap();
    store.check_writable().await.unwrap();
    store.close().await.unwrap();

    let options = SqliteOptions {
        read_only: true,
        ..SqliteOptions::default()
    };
    let store = Arc::new(SqliteStore::open(Location::File(path), options).await.unwrap());
    let err = store.check_writable().await.unwrap_err();
    assert!(matches!(err, Error::Storage { .. }), "{err:?}");
    let reg = Registry::new(store.clone(), actor());
    assert_eq!(reg.stats().await.unwrap().models, 0, "reads still work");
    let err = reg.create_model(NewModel::named("x")).await.unwrap_err();
    assert!(matches!(err, Error::Storage { .. }), "{err:?}");
    assert!(reg.check_ready().await.is_err());
}

#[tokio::test]
async fn closing_checkpoints_the_wal_and_later_calls_are_unavailable() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("closed.db");
    let store = Arc::new(SqliteStore::open_path(&path).await.unwrap());
    let reg = Registry::new(store.clone(), actor());
    for i in 0..20 {
        reg.create_model(NewModel::named(format!("m{i}"))).await.unwrap();
    }
    assert!(std::fs::metadata(wal_of(&path)).map_or(0, |m| m.len()) > 0);
    reg.close().await.unwrap();
    let wal = std::fs::metadata(wal_of(&path)).map_or(0, |m| m.len());
    assert_eq!(wal, 0, "the WAL was folded into the file");

    for err in [
        reg.stats().await.unwrap_err(),
        reg.create_model(NewModel::named("late")).await.unwrap_err(),
        store.snapshot().await.err().unwrap(),
        store.check_writable().await.unwrap_err(),
    ] {
        assert!(matches!(err, Error::Unavailable { .. }), "{err:?}");
    }
    store.close().await.unwrap();

    let conn = Connection::open(&path).unwrap();
    let models: i64 = conn.query_row("SELECT count(*) FROM models", [], |r| r.get(0)).unwrap();
    assert_eq!(models, 20);
}

#[tokio::test]
async fn two_tasks_adding_one_new_tag_both_succeed_and_share_it() {
    let dir = tempfile::tempdir().unwrap();
    let reg = SqliteStore::open_path(dir.path().join("tags.db"))
        .await
        .unwrap()
        .into_registry(actor());
    for name in ["a", "b"] {
        reg.create_model(NewModel::named(name)).await.unwrap();
    }
    let (a, b) = (Ref::from("a"), Ref::from("b"));
    let (a, b) = tokio::join!(reg.add_tag(&a, "fresh"), reg.add_tag(&b, "fresh"));
    assert!(a.unwrap() && b.unwrap());
    let tags = reg.list_tags(Default::default()).await.unwrap();
    assert_eq!(tags.len(), 1);
    assert_eq!(tags[0].model_count, 2);
}

/// In memory one connection both reads and writes: a change must not read
/// through the store while it holds the writer, or it would wait forever.
#[tokio::test]
async fn a_memory_store_serves_changes_that_name_a_version_by_id() {
    use modelreg_core::deployments::NewDeployment;
    use modelreg_core::environments::{EnvironmentKind, NewEnvironment};
    use modelreg_core::versions::VersionStatus;
    let reg = SqliteStore::memory().await.unwrap().into_registry(actor());
    let work = async {
        let m = reg.create_model(NewModel::named("m")).await.unwrap();
        let env = reg
            .create_environment(NewEnvironment::new("prod", EnvironmentKind::Production))
            .await
            .unwrap();
        let mut ids = Vec::new();
        for semver in ["1.0.0", "2.0.0", "3.0.0"] {
            let new = NewVersion::new(semver, "s3://a", Framework::Onnx);
            ids.push(reg.register_version(&Ref::from(m.id), new).await.unwrap().id);
        }
        let (first, second, third) = (VersionRef::Id(ids[0]), VersionRef::Id(ids[1]), VersionRef::Id(ids[2]));
        reg.set_version_status(&first, VersionStatus::Production).await.unwrap();
        let env = Ref::from(env.id);
        reg.deploy(&first, &env, NewDeployment::named("a")).await.unwrap();
        let later = reg.deploy(&second, &env, NewDeployment::named("b")).await.unwrap();
        let back = reg.rollback_deployment(later.id).await.unwrap();
        assert_eq!(back.version_id, ids[0]);
        reg.delete_version(&third).await.unwrap();
    };
    tokio::time::timeout(Duration::from_secs(10), work)
        .await
        .expect("no change waits on itself");
}
