use chrono::{Duration, TimeZone, Utc};
use modelreg_core::runs::{NewRun, RunFilter, RunFinish, RunStatus, TrainingRun};
use modelreg_core::{EntityKind, Page};

use crate::AnyRegistry;
use crate::fixtures::*;

fn names(runs: &[TrainingRun]) -> Vec<&str> {
    runs.iter().map(|r| r.run_name.as_str()).collect()
}

pub async fn start_run_returns_defaults(reg: AnyRegistry) {
    let m = model(&reg, "m").await;
    let v = version(&reg, &m, "1.0.0").await;
    let run = reg.start_run(&v.id.into(), NewRun::named("baseline")).await.unwrap();
    assert_eq!(run.status, RunStatus::Running);
    assert_eq!(run.gpu_hours, 0.0);
    assert_eq!(
        (run.cost_usd, run.completed_at, run.duration_seconds),
        (None, None, None)
    );
    assert!(run.hyperparameters.is_empty() && run.environment.is_empty());
    assert_eq!(reg.run(run.id).await.unwrap(), run);
    assert_not_found(
        reg.start_run(&uuid::Uuid::new_v4().into(), NewRun::named("x")).await,
        EntityKind::ModelVersion,
    );
}

pub async fn finishing_a_run_sets_completion_and_duration(reg: AnyRegistry) {
    let m = model(&reg, "m").await;
    let v = version(&reg, &m, "1.0.0").await;
    let start = Utc.with_ymd_and_hms(2026, 1, 2, 3, 4, 5).unwrap();
    let new = NewRun {
        started_at: Some(start),
        gpu_hours: 1.0,
        ..NewRun::named("long")
    };
    let run = reg.start_run(&v.id.into(), new).await.unwrap();
    let finish = RunFinish {
        completed_at: Some(start + Duration::seconds(5400)),
        gpu_hours: Some(12.5),
        cost_usd: Some(40.0),
        ..RunFinish::with_status(RunStatus::Succeeded)
    };
    let done = reg.finish_run(run.id, finish).await.unwrap();
    assert_eq!(done.status, RunStatus::Succeeded);
    assert_eq!(done.duration_seconds, Some(5400));
    assert_eq!((done.gpu_hours, done.cost_usd), (12.5, Some(40.0)));
    assert_eq!(reg.run(run.id).await.unwrap(), done);
    let early = RunFinish {
        completed_at: Some(start - Duration::seconds(1)),
        ..RunFinish::with_status(RunStatus::Failed)
    };
    let other = reg
        .start_run(
            &v.id.into(),
            NewRun {
                started_at: Some(start),
                ..NewRun::named("o")
            },
        )
        .await
        .unwrap();
    assert_invalid(reg.finish_run(other.id, early).await, "completed_at");
}

pub async fn a_finished_run_cannot_finish_again(reg: AnyRegistry) {
    let m = model(&reg, "m").await;
    let v = version(&reg, &m, "1.0.0").await;
    let run = reg.start_run(&v.id.into(), NewRun::named("r")).await.unwrap();
    reg.finish_run(run.id, RunFinish::with_status(RunStatus::Failed))
        .await
        .unwrap();
    let again = reg
        .finish_run(run.id, RunFinish::with_status(RunStatus::Succeeded))
        .await;
    assert_invalid(again, "status");
    assert_eq!(reg.run(run.id).await.unwrap().status, RunStatus::Failed);
}

pub async fn a_run_cannot_finish_as_running(reg: AnyRegistry) {
    let m = model(&reg, "m").await;
    let v = version(&reg, &m, "1.0.0").await;
    let run = reg.start_run(&v.id.into(), NewRun::named("r")).await.unwrap();
    assert_invalid(
        reg.finish_run(run.id, RunFinish::with_status(RunStatus::Running)).await,
        "status",
    );
    assert_not_found(
        reg.finish_run(uuid::Uuid::new_v4(), RunFinish::with_status(RunStatus::Failed))
            .await,
        EntityKind::TrainingRun,
    );
}

pub async fn runs_list_by_version_and_model_newest_first(reg: AnyRegistry) {
    let m = model(&reg, "m").await;
    let (v1, v2) = (version(&reg, &m, "1.0.0").await, version(&reg, &m, "2.0.0").await);
    let other = version(&reg, &model(&reg, "other").await, "1.0.0").await;
    let base = Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).unwrap();
    for (v, name, hours) in [(&v1, "a", 1), (&v2, "b", 3), (&v1, "c", 2), (&other, "x", 4)] {
        let new = NewRun {
            started_at: Some(base + Duration::hours(hours)),
            ..NewRun::named(name)
        };
        let run = reg.start_run(&v.id.into(), new).await.unwrap();
        if name == "c" {
            reg.finish_run(run.id, RunFinish::with_status(RunStatus::Succeeded))
                .await
                .unwrap();
        }
    }
    let of_v1 = reg
        .runs_of_version(&v1.id.into(), RunFilter::default(), Page::default())
        .await
        .unwrap();
    assert_eq!(names(&of_v1), ["c", "a"]);
    let of_model = reg
        .runs_of_model(&m.id.into(), RunFilter::default(), Page::default())
        .await
        .unwrap();
    assert_eq!(names(&of_model), ["b", "c", "a"]);
    let running = RunFilter {
        status: Some(RunStatus::Running),
    };
    assert_eq!(
        names(&reg.runs_of_model(&m.id.into(), running, Page::default()).await.unwrap()),
        ["b", "a"]
    );
    assert_eq!(
        names(
            &reg.runs_of_model(&m.id.into(), RunFilter::default(), Page::new(1, 1).unwrap())
                .await
                .unwrap()
        ),
        ["c"]
    );
}

pub async fn runs_with_equal_start_times_list_in_a_stable_order(reg: AnyRegistry) {
    let m = model(&reg, "m").await;
    let v = version(&reg, &m, "1.0.0").await;
    let at = Utc.with_ymd_and_hms(2026, 5, 5, 5, 5, 5).unwrap();
    for i in 0..6 {
        let new = NewRun {
            started_at: Some(at),
            ..NewRun::named(format!("tie-{i}"))
        };
        reg.start_run(&v.id.into(), new).await.unwrap();
    }
    let first = reg
        .runs_of_version(&v.id.into(), RunFilter::default(), Page::default())
        .await
        .unwrap();
    let mut ids: Vec<_> = first.iter().map(|r| r.id).collect();
    ids.sort_by(|a, b| b.cmp(a));
    assert_eq!(
        first.iter().map(|r| r.id).collect::<Vec<_>>(),
        ids,
        "ties break by id, descending"
    );
    let pages = [Page::new(0, 3).unwrap(), Page::new(3, 3).unwrap()];
    let mut paged = Vec::new();
    for page in pages {
        paged.extend(
            reg.runs_of_version(&v.id.into(), RunFilter::default(), page)
                .await
                .unwrap(),
        );
    }
    assert_eq!(paged, first, "pages neither skip nor repeat a tied run");
}

pub async fn cost_summary_matches_hand_computed_totals(reg: AnyRegistry) {
    let (a, b) = (model(&reg, "a").await, model(&reg, "b").await);
    let va = version(&reg, &a, "1.0.0").await;
    let vb = version(&reg, &b, "1.0.0").await;
    for (v, hours, cost) in [(&va, 2.5, Some(10.0)), (&va, 1.5, None), (&vb, 4.0, Some(32.25))] {
        let new = NewRun {
            gpu_hours: hours,
            cost_usd: cost,
            ..NewRun::named("r")
        };
        reg.start_run(&v.id.into(), new).await.unwrap();
    }
    let all = reg.cost_summary(None).await.unwrap();
    assert_eq!(
        (all.total_cost_usd, all.total_gpu_hours, all.run_count),
        (42.25, 8.0, 3)
    );
    let of_a = reg.cost_summary(Some(&a.id.into())).await.unwrap();
    assert_eq!(
        (of_a.total_cost_usd, of_a.total_gpu_hours, of_a.run_count),
        (10.0, 4.0, 2)
    );
    let empty = model(&reg, "empty").await;
    let none = reg.cost_summary(Some(&empty.id.into())).await.unwrap();
    assert_eq!(
        (none.total_cost_usd, none.total_gpu_hours, none.run_count),
        (0.0, 0.0, 0)
    );
}

pub async fn negative_or_non_finite_hours_and_costs_are_rejected(reg: AnyRegistry) {
    let m = model(&reg, "m").await;
    let v = version(&reg, &m, "1.0.0").await;
    for hours in [-0.5, f64::NAN, f64::INFINITY] {
        let new = NewRun {
            gpu_hours: hours,
            ..NewRun::named("r")
        };
        assert_invalid(reg.start_run(&v.id.into(), new).await, "gpu_hours");
    }
    let new = NewRun {
        cost_usd: Some(-1.0),
        ..NewRun::named("r")
    };
    assert_invalid(reg.start_run(&v.id.into(), new).await, "cost_usd");
    let run = reg.start_run(&v.id.into(), NewRun::named("ok")).await.unwrap();
    let finish = RunFinish {
        duration_seconds: Some(-5),
        ..RunFinish::with_status(RunStatus::Succeeded)
    };
    assert_invalid(reg.finish_run(run.id, finish).await, "duration_seconds");
    assert_eq!(stats(&reg).await.training_runs, 1);
}
