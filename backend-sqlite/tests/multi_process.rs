//! Several OS processes writing one SQLite file at once: writers wait for
//! each other (busy timeout, immediate transactions) instead of failing, and
//! no acknowledged write is lost.
//!
//! The test binary re-invokes itself: with `MODELREG_MP_DB` set, the
//! `worker` test below becomes one writer process.

use std::collections::BTreeSet;
use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use modelreg_core::models::NewModel;
use modelreg_core::versions::{Framework, NewVersion};
use modelreg_core::{Actor, Ref, Registry, VersionRef};
use modelreg_sqlite::SqliteStore;

const PROCESSES: usize = 4;
const SECONDS: u64 = 3;

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime")
}

async fn model_id(reg: &Registry, name: &str) -> uuid::Uuid {
    match reg.model(&Ref::from(name)).await {
        Ok(m) => m.id,
        Err(_) => match reg.create_model(NewModel::named(name)).await {
            Ok(m) => m.id,
            // Another process created it first.
            Err(_) => reg.model(&Ref::from(name)).await.expect("the shared model exists").id,
        },
    }
}

/// One writer process: registers versions on its own model and on a shared
/// one, printing `ACK model semver` after each acknowledged write.
#[test]
fn worker() {
    let (Ok(path), Ok(id)) = (std::env::var("MODELREG_MP_DB"), std::env::var("MODELREG_MP_WORKER")) else {
        return; // not started as a worker
    };
    runtime().block_on(async move {
        let mut out = std::io::stdout().lock();
        let store = match SqliteStore::open_path(&path).await {
            Ok(store) => store,
            Err(e) => {
                writeln!(out, "ERR open: {e}").unwrap();
                return;
            }
        };
        let reg = store.into_registry(Actor::new(format!("worker-{id}")).unwrap());
        let own = model_id(&reg, &format!("own-{id}")).await;
        let shared = model_id(&reg, "shared").await;
        let deadline = Instant::now() + Duration::from_secs(SECONDS);
        let mut n = 0u64;
        while Instant::now() < deadline {
            let (model, name, semver) = if n.is_multiple_of(2) {
                (own, format!("own-{id}"), format!("1.0.{n}"))
            } else {
                (shared, "shared".to_owned(), format!("{id}.0.{n}"))
            };
            let new = NewVersion::new(&semver, format!("file:///tmp/{n}"), Framework::Sklearn);
            match reg.register_version(&Ref::from(model), new).await {
                Ok(_) => writeln!(out, "ACK {name} {semver}").unwrap(),
                Err(e) => writeln!(out, "ERR {e}").unwrap(),
            }
            n += 1;
        }
    });
}

#[test]
fn four_processes_write_one_file_without_losing_or_failing_a_write() {
    if std::env::var("MODELREG_MP_DB").is_ok() {
        return; // inside a worker
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("shared.db");
    let exe = std::env::current_exe().unwrap();
    let children: Vec<_> = (0..PROCESSES)
        .map(|i| {
            Command::new(&exe)
                .args(["--exact", "worker", "--nocapture", "--test-threads", "1"])
                .env("MODELREG_MP_DB", &path)
                .env("MODELREG_MP_WORKER", i.to_string())
                .stdout(Stdio::piped())
                .stderr(Stdio::null())
                .spawn()
                .expect("start a worker process")
        })
        .collect();
    let mut acked = BTreeSet::new();
    let mut errors = Vec::new();
    for child in children {
        let output = child.wait_with_output().unwrap();
        assert!(output.status.success(), "a worker failed: {output:?}");
        for line in String::from_utf8_lossy(&output.stdout).lines() {
            // libtest prints "test worker ... " without a newline before the first line.
            let line = line.trim_start_matches("test worker ... ");
            if let Some(ack) = line.strip_prefix("ACK ") {
                let (model, semver) = ack.split_once(' ').unwrap();
                acked.insert((model.to_owned(), semver.to_owned()));
            } else if let Some(err) = line.strip_prefix("ERR ") {
                errors.push(err.to_owned());
            }
        }
    }
    assert!(
        errors.is_empty(),
        "no writer saw an error, got {} like {:?}",
        errors.len(),
        errors.first()
    );
    assert!(
        acked.len() >= PROCESSES * 10,
        "each process wrote (got {} writes)",
        acked.len()
    );
    println!(
        "{} acknowledged writes from {PROCESSES} processes in {SECONDS} s",
        acked.len()
    );

    runtime().block_on(async {
        let store = SqliteStore::open_path(&path).await.unwrap();
        assert_eq!(store.integrity_check().await.unwrap(), "ok");
        let reg = store.into_registry(Actor::new("checker").unwrap());
        for (model, semver) in &acked {
            reg.version(&VersionRef::semver(model.as_str(), semver.as_str()))
                .await
                .unwrap_or_else(|e| panic!("acknowledged {model}@{semver} is lost: {e}"));
        }
        let stats = reg.stats().await.unwrap();
        assert_eq!(
            stats.model_versions as usize,
            acked.len(),
            "nothing unacknowledged was written"
        );
        assert_eq!(stats.models as usize, PROCESSES + 1);
    });
}
