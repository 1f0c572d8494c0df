//! `modelreg db`, `init` and `test-connection`.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use modelreg_core::models::NewModel;
use modelreg_core::store::MAX_LIMIT;
use modelreg_core::versions::{Framework, NewVersion, VersionFilter};
use modelreg_core::{Actor, EntityKind, Page, Ref, Registry};
use modelreg_postgres::testing::TestDatabase;
use modelreg_sqlite::{Location, SqliteOptions, SqliteStore};

use crate::sandbox::Sandbox;

#[test]
fn db_commands_report_and_move_the_schema() {
    let s = Sandbox::sqlite_missing();
    s.json(&["init"]);
    let status = s.json(&["db", "status"]);
    let latest = status["latest_schema_version"].as_i64().unwrap();
    assert_eq!(status["schema_version"], latest);
    assert!(status["pending"].as_array().unwrap().is_empty());
    assert_eq!(s.json(&["db", "history"])[0]["name"], "init");
    s.json(&["model", "create", "kept-until-reset"]);
    s.fails(&["db", "reset"], 2);
    s.json(&["db", "reset", "--yes"]);
    assert_eq!(s.json(&["stats"])["models"], 0);
    s.json(&["db", "downgrade", "--to", "0", "--yes"]);
    let status = s.json(&["db", "status"]);
    assert_eq!(status["schema_version"], 0);
    assert_eq!(status["pending"].as_array().unwrap().len() as i64, latest);
    s.json(&["db", "upgrade", "--to", "1"]);
    assert_eq!(s.json(&["db", "status"])["schema_version"], 1);
    s.json(&["db", "upgrade"]);
    assert!(s.run(&["test-connection"]).status.success());
}

#[test]
fn an_upgrade_beyond_the_newest_schema_is_refused_naming_the_newest() {
    let s = Sandbox::sqlite();
    let latest = s.json(&["db", "status"])["latest_schema_version"].as_i64().unwrap();
    let beyond = (latest + 3).to_string();
    let e = s.fails(&["db", "upgrade", "--to", &beyond], 2);
    assert!(
        e.contains(&format!("the newest this modelreg knows is {latest}")),
        "{e}"
    );
    assert_eq!(e.lines().count(), 1, "{e}");
    let e = s.fails(&["db", "downgrade", "--to", &beyond, "--yes"], 2);
    assert!(e.contains("invalid to"), "{e}");
    let e = s.fails(&["db", "downgrade", "--to", "-1", "--yes"], 2);
    assert!(e.contains("invalid to"), "{e}");
    // Out of range fails before anyone is asked, and changes nothing.
    let e = s.fails(&["db", "downgrade", "--to", &beyond], 2);
    assert!(!e.contains("--yes"), "{e}");
    assert_eq!(s.json(&["db", "status"])["schema_version"], latest);
}

/// Opens a backup file read-only and checks it is sound and one moment of
/// the registry: every version has its create event, and no event is
/// there without its version.
async fn check_backup(path: &std::path::Path) -> u64 {
    let options = SqliteOptions {
        read_only: true,
        migrate: false,
        create: false,
        ..SqliteOptions::default()
    };
    let store = SqliteStore::open(Location::File(path.to_owned()), options)
        .await
        .unwrap();
    assert_eq!(store.integrity_check().await.unwrap(), "ok", "{}", path.display());
    let reg = Registry::new(Arc::new(store), Actor::new("check").unwrap());
    let stats = reg.stats().await.unwrap();
    // One event for the model, one per version: a torn copy would differ.
    assert_eq!(stats.audit_events, stats.model_versions + 1, "{stats:?}");
    let versions = reg
        .list_versions(
            &Ref::parse("busy"),
            VersionFilter::default(),
            Page::new(0, MAX_LIMIT).unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(versions.len() as u64, stats.model_versions);
    for version in &versions {
        let events = reg
            .audit_of_entity(EntityKind::ModelVersion, version.id, Page::new(0, 10).unwrap())
            .await
            .unwrap();
        assert!(
            events.iter().any(|e| e.action.as_str() == "create"),
            "version {} has its create event",
            version.semver
        );
    }
    reg.close().await.unwrap();
    stats.model_versions
}

#[tokio::test(flavor = "multi_thread")]
async fn a_backup_taken_while_another_task_writes_is_one_consistent_moment() {
    let s = Sandbox::sqlite();
    let store = SqliteStore::open_path(s.path("registry.db")).await.unwrap();
    let reg = Registry::new(Arc::new(store), Actor::new("writer").unwrap());
    let model = reg.create_model(NewModel::named("busy")).await.unwrap();
    let (stop, written) = (Arc::new(AtomicBool::new(false)), Arc::new(AtomicU64::new(0)));
    let writer = {
        let (reg, stop, written) = (reg.clone(), Arc::clone(&stop), Arc::clone(&written));
        tokio::spawn(async move {
            let mut i = 0_u64;
            while !stop.load(Ordering::Relaxed) {
                let new = NewVersion::new(format!("1.0.{i}"), format!("s3://busy/{i}"), Framework::Onnx);
                reg.register_version(&Ref::Id(model.id), new).await.unwrap();
                written.fetch_add(1, Ordering::Relaxed);
                i += 1;
            }
        })
    };
    while written.load(Ordering::Relaxed) < 20 {
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    let mut targets = Vec::new();
    for n in 0..3 {
        let target = s.path(&format!("backup-{n}.db"));
        let said = tokio::task::block_in_place(|| s.json(&["db", "backup", "--to", target.to_str().unwrap()]));
        assert_eq!(said["backup"], target.to_str().unwrap());
        targets.push(target);
    }
    stop.store(true, Ordering::Relaxed);
    writer.await.unwrap();
    assert!(
        written.load(Ordering::Relaxed) > 20,
        "the writer kept writing during the backups"
    );
    for target in &targets {
        assert!(check_backup(target).await > 0);
        assert!(!s.path(&format!("{}-wal", target.display())).exists());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(target).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "a backup is as private as the registry");
        }
    }
    reg.close().await.unwrap();
}

#[test]
fn a_backup_never_overwrites_and_postgres_is_pointed_at_its_own_tools() {
    let s = Sandbox::sqlite();
    s.json(&["model", "create", "m"]);
    let target = s.path("kept.db");
    std::fs::write(&target, b"precious").unwrap();
    let e = s.fails(&["db", "backup", "--to", target.to_str().unwrap()], 2);
    assert!(e.contains("already exists"), "{e}");
    assert_eq!(std::fs::read(&target).unwrap(), b"precious");

    let postgres = Sandbox::with_url("postgres://admin:Hidden123@127.0.0.1:1/reg");
    let e = postgres.fails(&["db", "backup", "--to", postgres.path("x.db").to_str().unwrap()], 2);
    assert!(e.contains("pg_dump") && e.contains("modelreg export"), "{e}");
    assert!(!e.contains("Hidden123"), "{e}");
    assert!(!postgres.path("x.db").exists());
}

/// Sessions ever opened to the database the pool is connected to.
async fn sessions(conn: &mut sqlx::PgConnection) -> i64 {
    sqlx::query_scalar("SELECT sessions FROM pg_stat_database WHERE datname = current_database()")
        .fetch_one(conn)
        .await
        .unwrap()
}

/// A command on PostgreSQL opens one connection, once (no probe beside the
/// pool, no second pooled connection): counted by the server itself.
#[tokio::test(flavor = "multi_thread")]
async fn a_command_on_postgres_opens_one_connection() {
    let Some(db) = TestDatabase::create().await else { return };
    let store = db.store().await;
    let mut observer = store.pool().acquire().await.unwrap();
    let s = Sandbox::with_url(db.url());
    for args in [&["model", "list"][..], &["stats"], &["version", "production"]] {
        let before = sessions(&mut observer).await;
        let out = tokio::task::block_in_place(|| s.run(args));
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        // A backend's statistics reach the server's view once it has exited.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        let mut after = sessions(&mut observer).await;
        while after == before && std::time::Instant::now() < deadline {
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            after = sessions(&mut observer).await;
        }
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        let after = sessions(&mut observer).await;
        assert_eq!(
            after - before,
            1,
            "modelreg {args:?} opened {} connections",
            after - before
        );
    }
}
