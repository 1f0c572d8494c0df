use chrono::{Duration, Utc};
use modelreg_core::analytics::Stats;
use modelreg_core::deployments::DeploymentStatus;
use modelreg_core::environments::EnvironmentKind;
use modelreg_core::metrics::{NewMetric, Split};
use modelreg_core::models::{ModelUpdate, NewModel};
use modelreg_core::runs::NewRun;
use modelreg_core::versions::VersionStatus;
use modelreg_core::{EntityKind, Page, Registry};

use crate::fixtures::*;
use crate::{AnyRegistry, AsApi};

async fn run(reg: &(impl AsApi + ?Sized), version: uuid::Uuid, hours: f64, cost: Option<f64>, days_ago: i64) {
    let reg = reg.api();
    let new = NewRun {
        gpu_hours: hours,
        cost_usd: cost,
        started_at: Some(Utc::now() - Duration::days(days_ago)),
        ..NewRun::named("r")
    };
    reg.start_run(&version.into(), new).await.unwrap();
}

pub async fn model_summary_matches_hand_computed_figures(reg: AnyRegistry) {
    let m = model(&reg, "m").await;
    let v1 = version(&reg, &m, "1.0.0").await;
    let v2 = version(&reg, &m, "1.10.0").await;
    version(&reg, &m, "1.9.0").await;
    reg.set_version_status(&v1.id.into(), VersionStatus::Production)
        .await
        .unwrap();
    run(&reg, v1.id, 2.0, Some(5.5), 0).await;
    run(&reg, v2.id, 3.25, None, 0).await;
    run(&reg, v2.id, 0.75, Some(1.5), 0).await;
    let env = environment(&reg, "e", EnvironmentKind::Production).await;
    deploy(&reg, &v1, &env, "d1").await;
    deploy(&reg, &v2, &env, "d2").await;
    let other = model(&reg, "other").await;
    let ov = version(&reg, &other, "5.0.0").await;
    run(&reg, ov.id, 100.0, Some(100.0), 0).await;

    let s = reg.model_summary(&m.id.into()).await.unwrap();
    assert_eq!((s.version_count, s.training_run_count, s.deployment_count), (3, 3, 2));
    assert_eq!(s.latest_version.as_deref(), Some("1.10.0"));
    assert_eq!(s.production_version.as_deref(), Some("1.0.0"));
    assert_eq!((s.total_gpu_hours, s.total_cost_usd), (6.0, 7.0));
    let empty = model(&reg, "empty").await;
    let e = reg.model_summary(&empty.id.into()).await.unwrap();
    assert_eq!((e.version_count, e.latest_version, e.total_cost_usd), (0, None, 0.0));
    assert_not_found(reg.model_summary(&uuid::Uuid::new_v4().into()).await, EntityKind::Model);
}

pub async fn team_metrics_match_hand_computed_figures(reg: AnyRegistry) {
    let t = team(&reg, "t").await;
    let mut ids = Vec::new();
    for name in ["a", "b"] {
        let new = NewModel {
            team: Some(t.id.into()),
            ..NewModel::named(name)
        };
        ids.push(reg.create_model(new).await.unwrap());
    }
    model(&reg, "not-ours").await;
    let va = version(&reg, &ids[0], "1.0.0").await;
    let vb = version(&reg, &ids[1], "1.0.0").await;
    version(&reg, &ids[1], "2.0.0").await;
    run(&reg, va.id, 1.5, Some(2.0), 0).await;
    run(&reg, vb.id, 2.5, Some(3.0), 0).await;
    let env = environment(&reg, "e", EnvironmentKind::Staging).await;
    deploy(&reg, &vb, &env, "d").await;
    let tm = reg.team_metrics(&t.id.into()).await.unwrap();
    assert_eq!(
        (
            tm.model_count,
            tm.version_count,
            tm.training_run_count,
            tm.deployment_count
        ),
        (2, 3, 2, 1)
    );
    assert_eq!((tm.total_gpu_hours, tm.total_cost_usd), (4.0, 5.0));
    assert_not_found(reg.team_metrics(&uuid::Uuid::new_v4().into()).await, EntityKind::Team);
}

pub async fn deployment_counts_by_status_include_every_status(reg: AnyRegistry) {
    let m = model(&reg, "m").await;
    let v = version(&reg, &m, "1.0.0").await;
    let env = environment(&reg, "e", EnvironmentKind::Production).await;
    for status in [
        DeploymentStatus::Healthy,
        DeploymentStatus::Healthy,
        DeploymentStatus::Failed,
        DeploymentStatus::Deploying,
    ] {
        let d = deploy(&reg, &v, &env, "d").await;
        reg.set_deployment_status(d.id, status).await.unwrap();
    }
    let counts = reg.deployment_status_counts().await.unwrap();
    let expected = [
        (DeploymentStatus::Deploying, 1),
        (DeploymentStatus::Healthy, 2),
        (DeploymentStatus::Degraded, 0),
        (DeploymentStatus::Failed, 1),
        (DeploymentStatus::Terminated, 0),
    ];
    assert_eq!(counts, expected.into_iter().collect());
}

pub async fn stale_models_have_no_recent_training_run(reg: AnyRegistry) {
    let fresh = model(&reg, "fresh").await;
    let stale = model(&reg, "stale").await;
    model(&reg, "never-trained").await;
    let retired = model(&reg, "retired").await;
    reg.update_model(
        &retired.id.into(),
        ModelUpdate {
            is_active: Some(false),
            ..ModelUpdate::default()
        },
    )
    .await
    .unwrap();
    let vf = version(&reg, &fresh, "1.0.0").await;
    let vs = version(&reg, &stale, "1.0.0").await;
    run(&reg, vf.id, 0.0, None, 2).await;
    run(&reg, vf.id, 0.0, None, 200).await;
    run(&reg, vs.id, 0.0, None, 100).await;
    let names = |models: Vec<modelreg_core::models::Model>| models.into_iter().map(|m| m.name).collect::<Vec<_>>();
    assert_eq!(
        names(reg.stale_models(90, Page::default()).await.unwrap()),
        ["never-trained", "stale"]
    );
    assert_eq!(
        names(reg.stale_models(365, Page::default()).await.unwrap()),
        ["never-trained"]
    );
    assert_eq!(
        names(reg.stale_models(90, Page::new(1, 1).unwrap()).await.unwrap()),
        ["stale"]
    );
    assert_invalid(reg.stale_models(u32::MAX, Page::default()).await, "days");
}

pub async fn stats_count_every_entity(reg: AnyRegistry) {
    assert_eq!(stats(&reg).await, Stats::default());
    let t = team(&reg, "t").await;
    let m = reg
        .create_model(NewModel {
            team: Some(t.id.into()),
            ..NewModel::named("m")
        })
        .await
        .unwrap();
    reg.add_tag(&m.id.into(), "x").await.unwrap();
    let v = version(&reg, &m, "1.0.0").await;
    run(&reg, v.id, 1.0, None, 0).await;
    reg.record_metric(&v.id.into(), NewMetric::new("acc", 1.0, Split::Test))
        .await
        .unwrap();
    reg.record_metric(&v.id.into(), NewMetric::new("f1", 1.0, Split::Test))
        .await
        .unwrap();
    let env = environment(&reg, "e", EnvironmentKind::Sandbox).await;
    deploy(&reg, &v, &env, "d").await;
    let s = stats(&reg).await;
    let expected = Stats {
        teams: 1,
        tags: 1,
        models: 1,
        model_versions: 1,
        training_runs: 1,
        metrics: 2,
        environments: 1,
        deployments: 1,
        // team, model, tag + tag link, version, run, 2 metrics, environment, deploy
        audit_events: 10,
    };
    assert_eq!(s, expected);
}

pub async fn the_store_reports_its_size_on_disk(reg: Registry) {
    let empty = reg.size_bytes().await.unwrap();
    assert!(empty > 0, "an empty schema still takes space");
    let m = model(&reg, "m").await;
    for i in 0..200 {
        let mut new = new_version(&format!("1.0.{i}"));
        new.metadata.insert("notes".into(), serde_json::json!("x".repeat(500)));
        reg.register_version(&m.id.into(), new).await.unwrap();
    }
    assert!(reg.size_bytes().await.unwrap() > empty);
}
