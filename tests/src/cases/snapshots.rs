//! An export or copy of a registry that others keep writing to is one
//! snapshot: its records match its header and import cleanly. These cases
//! take a source and make a fresh, empty target of the backend per round.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use modelreg_core::deployments::NewDeployment;
use modelreg_core::environments::EnvironmentKind;
use modelreg_core::models::NewModel;
use modelreg_core::runs::NewRun;
use modelreg_core::store::RecordKind;
use modelreg_core::teams::NewTeam;
use modelreg_core::versions::VersionStatus;
use modelreg_core::{Error, Ref, Registry, Selector, VersionRef};
use tokio::task::JoinHandle;

use crate::LocalBackend;
use crate::fixtures::*;

const ROUNDS: usize = 3;

/// Writers that keep creating, promoting, deploying and deleting models
/// (and teams) until stopped.
struct Writers {
    stop: Arc<AtomicBool>,
    writes: Arc<AtomicU64>,
    tasks: Vec<JoinHandle<Result<(), Error>>>,
}

impl Writers {
    async fn start(reg: &Registry, round: usize) -> Writers {
        let env = format!("live-{round}");
        environment(reg, &env, EnvironmentKind::Staging).await;
        let (stop, writes) = (Arc::new(AtomicBool::new(false)), Arc::new(AtomicU64::new(0)));
        let tasks = (0..2)
            .map(|w| {
                let (reg, stop, writes) = (reg.clone(), stop.clone(), writes.clone());
                let (prefix, env) = (format!("r{round}-w{w}"), Ref::name(&env));
                tokio::spawn(async move { write_until_stopped(reg, &prefix, env, &stop, &writes).await })
            })
            .collect();
        let writers = Writers { stop, writes, tasks };
        // Let them get going before anyone reads.
        while writers.writes() < 4 {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        writers
    }

    fn writes(&self) -> u64 {
        self.writes.load(Ordering::SeqCst)
    }

    /// Progress of an export or copy that, a quarter, half and three
    /// quarters of the way through, waits until the writers have committed
    /// more changes: the snapshot is read while they write, whatever the load.
    fn interleaved(&self) -> impl FnMut(u64, u64) + '_ {
        let mut quarter = 1;
        move |done, total| {
            if quarter <= 3 && done * 4 >= total * quarter {
                quarter += 1;
                let wanted = self.writes() + 2;
                let deadline = Instant::now() + Duration::from_secs(30);
                while self.writes() < wanted && Instant::now() < deadline {
                    std::thread::sleep(Duration::from_millis(1));
                }
            }
        }
    }

    /// Stops the writers; every write they made succeeded.
    async fn stop(self) {
        self.stop.store(true, Ordering::SeqCst);
        for task in self.tasks {
            task.await.unwrap().expect("every concurrent write succeeds");
        }
    }
}

async fn write_until_stopped(
    reg: Registry,
    prefix: &str,
    env: Ref,
    stop: &AtomicBool,
    writes: &AtomicU64,
) -> Result<(), Error> {
    let tick = || writes.fetch_add(1, Ordering::SeqCst);
    let mut previous: Option<(Ref, Ref)> = None;
    for i in 0.. {
        if stop.load(Ordering::SeqCst) {
            break;
        }
        let name = format!("{prefix}-{i}");
        let team = reg.create_team(NewTeam::named(format!("{name}-team"))).await?;
        tick();
        let new = NewModel {
            team: Some(team.id.into()),
            ..NewModel::named(&name)
        };
        let model = reg.create_model(new).await?;
        tick();
        for semver in ["1.0.0", "1.1.0"] {
            reg.register_version(&model.id.into(), new_version(semver)).await?;
            tick();
        }
        let latest = VersionRef::of(model.id, Selector::Latest);
        reg.set_version_status(&latest, VersionStatus::Production).await?;
        reg.add_tag(&model.name.as_str().into(), "live").await?;
        reg.start_run(&VersionRef::semver(model.id, "1.0.0"), NewRun::named("r"))
            .await?;
        let serving = VersionRef::of(model.id, Selector::Production);
        reg.deploy(&serving, &env, NewDeployment::named(&name)).await?;
        tick();
        // The model before this one goes, with everything under it; its team first.
        if let Some((team, model)) = previous.replace((team.id.into(), model.id.into())) {
            reg.delete_team(&team).await?;
            reg.delete_model(&model).await?;
            tick();
        }
    }
    Ok(())
}

fn nonzero(counts: &BTreeMap<RecordKind, u64>) -> BTreeMap<RecordKind, u64> {
    counts.iter().filter(|(_, n)| **n > 0).map(|(k, n)| (*k, *n)).collect()
}

pub async fn an_export_under_concurrent_writes_is_one_snapshot<B: LocalBackend>(source: Registry) {
    crate::sample::fill(&source).await;
    for round in 0..ROUNDS {
        let writers = Writers::start(&source, round).await;
        let before = writers.writes();
        let mut out = Vec::new();
        let header = source
            .export(&mut out, &mut writers.interleaved())
            .await
            .expect("an export under load");
        let during = writers.writes() - before;
        writers.stop().await;
        assert!(during >= 6, "round {round}: the writers wrote while the export ran");
        let lines: Vec<String> = String::from_utf8(out).unwrap().lines().map(str::to_owned).collect();
        let (file_header, counts) = header_and_counts(&lines);
        assert_eq!(file_header, header, "the header written is the header answered");
        assert_eq!(
            nonzero(&header.counts),
            counts,
            "round {round}: the file holds what its header says"
        );
        let (target, guard) = B::fresh_local().await.expect("a fresh target");
        let summary = import(&target, &lines, false)
            .await
            .unwrap_or_else(|e| panic!("round {round}: the export imports into an empty registry: {e}"));
        assert_eq!(summary.records, counts);
        assert_eq!(header_and_counts(&export(&target).await).1, counts);
        drop(guard);
    }
}

pub async fn a_copy_under_concurrent_writes_is_one_snapshot<B: LocalBackend>(source: Registry) {
    crate::sample::fill(&source).await;
    for round in 0..ROUNDS {
        let (target, guard) = B::fresh_local().await.expect("a fresh target");
        let writers = Writers::start(&source, round).await;
        let before = writers.writes();
        let copied = target.copy_from(&source, false, &mut writers.interleaved()).await;
        let during = writers.writes() - before;
        writers.stop().await;
        let summary = copied.unwrap_or_else(|e| panic!("round {round}: a copy under load: {e}"));
        assert!(during >= 6, "round {round}: the writers wrote while the copy ran");
        let lines = export(&target).await;
        let (header, counts) = header_and_counts(&lines);
        assert_eq!(nonzero(&header.counts), counts);
        assert_eq!(
            summary.records, counts,
            "round {round}: the target holds what the copy read"
        );
        assert_eq!((summary.written, summary.skipped), (summary.total, 0));
        drop(guard);
    }
}
