//! Group commit on SQLite: concurrent changes share a commit, a failing
//! change rolls back alone, and a process killed mid-group loses no
//! acknowledged change and leaves no half-written one.
//!
//! The crash test re-invokes this binary: with `MODELREG_GC_DB` set, the
//! `crash_worker` test becomes one writer process that is killed with SIGKILL.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use modelreg_core::models::NewModel;
use modelreg_core::store::StoreInfo;
use modelreg_core::versions::{Framework, NewVersion};
use modelreg_core::{Actor, EntityKind, Error, Ref, Registry, VersionRef};
use modelreg_sqlite::SqliteStore;

fn actor(name: &str) -> Actor {
    Actor::new(name).expect("a valid actor")
}

fn new_version(semver: &str, artifact: &str) -> NewVersion {
    NewVersion::new(semver, format!("s3://models/{artifact}"), Framework::Onnx)
}

async fn open(path: &std::path::Path) -> (Arc<SqliteStore>, Registry) {
    let store = Arc::new(SqliteStore::open_path(path).await.expect("open"));
    let reg = Registry::new(store.clone(), actor("group"));
    (store, reg)
}

/// Every version has exactly its create audit event and its history row, and
/// every create event has its version: no change is half-written. Read from
/// one export, so it scales to any number of versions. Answers the versions.
async fn no_change_is_half_written(reg: &Registry) -> usize {
    use modelreg_core::Record;
    let mut bytes = Vec::new();
    reg.export(&mut bytes, &mut |_, _| {}).await.expect("export");
    let (mut versions, mut created, mut history) = (BTreeSet::new(), Vec::new(), BTreeSet::new());
    for line in bytes.lines().skip(1) {
        match serde_json::from_str::<Record>(&line.expect("a line")).expect("a record") {
            Record::ModelVersion(v) => {
                versions.insert(v.id);
            }
            Record::StatusChange(c) if c.from_status.is_none() => {
                history.insert(c.version_id);
            }
            Record::AuditEvent(e)
                if e.entity_type == EntityKind::ModelVersion && e.action == modelreg_core::AuditAction::Create =>
            {
                created.push(e.entity_id);
            }
            _ => {}
        }
    }
    let created_set: BTreeSet<_> = created.iter().copied().collect();
    assert_eq!(created.len(), created_set.len(), "one create event per version");
    assert_eq!(
        created_set, versions,
        "every version has its create event, and every event its version"
    );
    assert_eq!(history, versions, "every version has its history row");
    versions.len()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_changes_share_commits_and_each_keeps_its_audit_event() {
    let dir = tempfile::tempdir().unwrap();
    let (store, reg) = open(&dir.path().join("group.db")).await;
    reg.create_model(NewModel::named("m")).await.unwrap();
    let before = store.commit_counts().await;
    let tasks: Vec<_> = (0..32)
        .map(|t| {
            let reg = reg.clone();
            tokio::spawn(async move {
                for i in 0..10 {
                    reg.register_version(&Ref::from("m"), new_version(&format!("{t}.{i}.0"), &format!("{t}/{i}")))
                        .await
                        .expect("register");
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
    let after = store.commit_counts().await;
    let (changes, commits) = (after.changes - before.changes, after.commits - before.commits);
    assert_eq!(changes, 320, "one change per registration");
    assert!(
        commits < changes,
        "{changes} changes in {commits} commits: concurrent changes share commits"
    );
    assert_eq!(no_change_is_half_written(&reg).await, 320);
    assert_eq!(store.integrity_check().await.unwrap(), "ok");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_change_rolls_back_alone_in_its_group() {
    let dir = tempfile::tempdir().unwrap();
    let (_store, reg) = open(&dir.path().join("group.db")).await;
    reg.create_model(NewModel::named("m")).await.unwrap();
    reg.register_version(&Ref::from("m"), new_version("0.0.1", "taken"))
        .await
        .unwrap();
    let tasks: Vec<_> = (0..40)
        .map(|i| {
            let reg = reg.clone();
            tokio::spawn(async move {
                // Every third one registers 0.0.1 with another artifact: a Mismatch.
                let semver = if i % 3 == 0 {
                    "0.0.1".to_owned()
                } else {
                    format!("1.{i}.0")
                };
                (
                    i,
                    reg.register_version(&Ref::from("m"), new_version(&semver, &format!("a/{i}")))
                        .await,
                )
            })
        })
        .collect();
    let mut succeeded = BTreeSet::new();
    for task in tasks {
        let (i, result) = task.await.unwrap();
        match result {
            Ok(v) => {
                assert_ne!(i % 3, 0);
                succeeded.insert(v.semver);
            }
            Err(Error::Mismatch { .. }) => assert_eq!(i % 3, 0),
            Err(other) => panic!("change {i} failed with {other:?}"),
        }
    }
    assert_eq!(succeeded.len(), 26);
    for semver in &succeeded {
        reg.version(&VersionRef::semver("m", semver.as_str()))
            .await
            .expect("a succeeded change is kept");
    }
    assert_eq!(no_change_is_half_written(&reg).await, 27, "26 and the first");
}

/// One writer process of the crash test: 8 tasks register versions as fast
/// as they can, printing `ACK semver` (flushed) after each acknowledgement,
/// until the parent kills the process.
#[test]
fn crash_worker() {
    let (Ok(path), Ok(id)) = (std::env::var("MODELREG_GC_DB"), std::env::var("MODELREG_GC_WORKER")) else {
        return; // not started as a worker
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(async move {
        let store = SqliteStore::open_path(&path).await.expect("open");
        let reg = store.into_registry(actor(&format!("worker-{id}")));
        let out = Arc::new(std::sync::Mutex::new(std::io::stdout()));
        let tasks: Vec<_> = (0..8)
            .map(|t| {
                let (reg, out, id) = (reg.clone(), Arc::clone(&out), id.clone());
                tokio::spawn(async move {
                    for n in 0.. {
                        let semver = format!("{id}.{t}.{n}");
                        if reg
                            .register_version(&Ref::from("crash"), new_version(&semver, &semver))
                            .await
                            .is_ok()
                            && let Ok(mut out) = out.lock()
                        {
                            let _ = writeln!(out, "ACK {semver}");
                            let _ = out.flush();
                        }
                    }
                })
            })
            .collect();
        for task in tasks {
            let _ = task.await;
        }
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_process_killed_mid_group_loses_no_acknowledged_change_and_leaves_none_half_written() {
    if std::env::var("MODELREG_GC_DB").is_ok() {
        return; // inside a worker
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("crash.db");
    {
        let (store, reg) = open(&path).await;
        reg.create_model(NewModel::named("crash")).await.unwrap();
        store.close().await.unwrap();
    }
    let exe = std::env::current_exe().unwrap();
    let mut acked = BTreeSet::new();
    for round in 0..6 {
        let mut child = Command::new(&exe)
            .args(["--exact", "crash_worker", "--nocapture", "--test-threads", "1"])
            .env("MODELREG_GC_DB", &path)
            .env("MODELREG_GC_WORKER", round.to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start a worker");
        let stdout = child.stdout.take().expect("the worker's stdout");
        let reader = std::thread::spawn(move || {
            BufReader::new(stdout)
                .lines()
                .map_while(Result::ok)
                .filter_map(|line| line.split("ACK ").nth(1).map(str::to_owned))
                .collect::<Vec<_>>()
        });
        // Killed while its tasks are in the middle of groups.
        std::thread::sleep(Duration::from_millis(400 + 150 * round));
        child.kill().expect("SIGKILL the worker");
        let _ = child.wait();
        acked.extend(reader.join().expect("the reader"));
    }
    assert!(acked.len() > 50, "the workers wrote ({} acknowledged)", acked.len());
    let started = Instant::now();
    let (store, reg) = open(&path).await;
    assert_eq!(store.integrity_check().await.unwrap(), "ok");
    for semver in &acked {
        reg.version(&VersionRef::semver("crash", semver.as_str()))
            .await
            .unwrap_or_else(|e| panic!("acknowledged crash@{semver} is lost: {e}"));
    }
    let kept = no_change_is_half_written(&reg).await;
    assert!(
        kept >= acked.len(),
        "{kept} versions hold the {} acknowledged",
        acked.len()
    );
    println!(
        "{} acknowledged changes from 6 killed processes all kept ({kept} written); checked in {:?}",
        acked.len(),
        started.elapsed()
    );
}
