//! A small registry holding every kind of record and every kind of audit
//! event, for the cases that move whole registries. (The CLI's `modelreg
//! seed` sample is bigger; the suite only needs each shape once or twice.)

use crate::AsApi;
use chrono::Duration;
use modelreg_core::deployments::{DeploymentStatus, NewDeployment};
use modelreg_core::environments::{EnvironmentKind, NewEnvironment};
use modelreg_core::metrics::{NewMetric, Split};
use modelreg_core::models::{ModelUpdate, NewModel, RiskLevel};
use modelreg_core::runs::{NewRun, RunFinish, RunStatus};
use modelreg_core::teams::NewTeam;
use modelreg_core::validate::into_json_object;
use modelreg_core::versions::{Framework, NewVersion, VersionStatus};
use modelreg_core::{Ref, Selector, VersionRef};
use serde_json::json;

/// Fills an empty registry. Among the rest, `fraud-detector@1.2.0` is in
/// production, `fraud-detector@1.0.0` is deprecated and a staging deployment
/// was rolled back.
pub async fn fill(reg: &(impl AsApi + ?Sized)) {
    let reg = reg.api();
    for (name, department, cost_center) in [
        ("fraud-prevention", "Risk", "CC-2002"),
        ("ml-platform", "Engineering", "CC-1001"),
        ("disbanded", "Nowhere", "CC-0000"),
    ] {
        let new = NewTeam {
            name: name.into(),
            department: Some(department.into()),
            cost_center: Some(cost_center.into()),
        };
        reg.create_team(new).await.expect("sample team");
    }
    let mut envs = Vec::new();
    for (name, kind, config) in [
        ("staging", EnvironmentKind::Staging, json!({"replicas": 1})),
        ("prod-us", EnvironmentKind::Production, json!({"autoscaling": true})),
    ] {
        let new = NewEnvironment {
            region: Some("us-east-1".into()),
            kubernetes_namespace: Some(format!("ml-{name}")),
            config: into_json_object("config", config).unwrap(),
            ..NewEnvironment::new(name, kind)
        };
        envs.push(reg.create_environment(new).await.expect("sample environment"));
    }
    let (staging, prod) = (Ref::from(envs[0].id), Ref::from(envs[1].id));
    let now = modelreg_core::time::now();
    for (m, (name, team, risk, tags, semvers)) in [
        (
            "fraud-detector",
            "fraud-prevention",
            RiskLevel::Critical,
            &["fraud", "tabular"][..],
            &["1.0.0", "1.1.0", "1.2.0", "2.0.0-rc.1"][..],
        ),
        (
            "churn-predictor",
            "ml-platform",
            RiskLevel::Medium,
            &["tabular"],
            &["0.9.0", "1.0.0"],
        ),
        ("orphaned", "disbanded", RiskLevel::Low, &[], &["0.1.0"]),
    ]
    .into_iter()
    .enumerate()
    {
        let new = NewModel {
            description: Some(format!("{name}\nsecond line\twith a tab")),
            use_case: Some(format!("{name} scoring")),
            team: Some(Ref::name(team)),
            risk_level: risk,
            compliance_required: risk == RiskLevel::Critical,
            ..NewModel::named(name)
        };
        let model = reg.create_model(new).await.expect("sample model");
        for tag in tags {
            reg.add_tag(&model.id.into(), tag).await.expect("sample tag");
        }
        for (v, semver) in semvers.iter().enumerate() {
            let seed = (m * 31 + v * 7) as u64;
            let new = NewVersion {
                framework_version: Some("2.1.0".into()),
                python_version: Some("3.11".into()),
                size_bytes: Some(50_000_000 + (seed * 7_919_357) as i64),
                checksum_sha256: Some(format!("{:016X}", seed.wrapping_mul(0x9e37_79b9_7f4a_7c15)).repeat(4)),
                metadata: into_json_object("metadata", json!({"lr": 0.001 * (v + 1) as f64, "epochs": 10 + v}))
                    .unwrap(),
                ..NewVersion::new(
                    *semver,
                    format!("s3://ml/{name}/{semver}/model.bin"),
                    Framework::Xgboost,
                )
            };
            let version = reg
                .register_version(&model.id.into(), new)
                .await
                .expect("sample version");
            let started = now - Duration::days(30 - v as i64) - Duration::microseconds(seed as i64);
            let run = NewRun {
                started_at: Some(started),
                gpu_hours: 2.0 + v as f64 * 1.5,
                cost_usd: Some(5.5 * (v + 1) as f64),
                dataset_name: Some(format!("{name}-training")),
                dataset_version: Some(format!("2026.{:02}", v + 1)),
                hyperparameters: into_json_object("hyperparameters", json!({"batch_size": 64 << v})).unwrap(),
                environment: into_json_object("environment", json!({"gpu": "A100"})).unwrap(),
                created_by: Some("training-pipeline".into()),
                ..NewRun::named(format!("{name}-{semver}-train"))
            };
            let run = reg.start_run(&version.id.into(), run).await.expect("sample run");
            let finish = RunFinish {
                completed_at: Some(started + Duration::minutes(90)),
                ..RunFinish::with_status(if seed % 5 == 4 {
                    RunStatus::Failed
                } else {
                    RunStatus::Succeeded
                })
            };
            reg.finish_run(run.id, finish).await.expect("sample finish");
            for (metric, split) in [("accuracy", Split::Validation), ("f1", Split::Test)] {
                let new = NewMetric::new(metric, 0.8 + 0.03 * v as f64, split);
                reg.record_metric(&version.id.into(), new).await.expect("sample metric");
            }
        }
    }
    // fraud-detector: 1.1.0 served, then 1.2.0 replaces it; 1.0.0 retires.
    let fraud = |semver: &str| VersionRef::semver("fraud-detector", semver);
    reg.set_version_status(&fraud("1.1.0"), VersionStatus::Production)
        .await
        .unwrap();
    let serving = VersionRef::of("fraud-detector", Selector::Production);
    let old = reg
        .deploy(&serving, &prod, NewDeployment::named("fraud-prod"))
        .await
        .unwrap();
    reg.set_deployment_status(old.id, DeploymentStatus::Healthy)
        .await
        .unwrap();
    reg.set_version_status(&fraud("1.2.0"), VersionStatus::Production)
        .await
        .unwrap();
    let new = NewDeployment {
        replicas: 3,
        cpu_request: Some("2".into()),
        memory_request: Some("4Gi".into()),
        endpoint_url: Some("https://ml.example.com/fraud".into()),
        ..NewDeployment::named("fraud-prod")
    };
    let current = reg.deploy(&fraud("1.2.0"), &prod, new).await.unwrap();
    reg.terminate_deployment(old.id).await.unwrap();
    reg.set_deployment_status(current.id, DeploymentStatus::Degraded)
        .await
        .unwrap();
    reg.scale_deployment(current.id, 4).await.unwrap();
    reg.set_version_status(&fraud("1.0.0"), VersionStatus::Deprecated)
        .await
        .unwrap();
    // A canary in staging, replaced and rolled back.
    reg.set_version_status(&fraud("2.0.0-rc.1"), VersionStatus::Validated)
        .await
        .unwrap();
    reg.deploy(&fraud("2.0.0-rc.1"), &staging, NewDeployment::named("fraud-canary"))
        .await
        .unwrap();
    let replaced = reg
        .deploy(&fraud("1.2.0"), &staging, NewDeployment::named("fraud-canary"))
        .await
        .unwrap();
    reg.rollback_deployment(replaced.id).await.unwrap();
    let churn = VersionRef::semver("churn-predictor", "1.0.0");
    reg.set_version_status(&churn, VersionStatus::Production).await.unwrap();
    reg.deploy(&churn, &staging, NewDeployment::named("churn"))
        .await
        .unwrap();
    // History that outlives its subject: a deleted team, tag link and model.
    reg.delete_team(&Ref::name("disbanded")).await.unwrap();
    reg.add_tag(&Ref::name("churn-predictor"), "fleeting").await.unwrap();
    reg.remove_tag(&Ref::name("churn-predictor"), "fleeting").await.unwrap();
    let short_lived = reg.create_model(NewModel::named("short-lived")).await.unwrap();
    reg.delete_model(&short_lived.id.into()).await.unwrap();
    let legacy = reg.create_model(NewModel::named("legacy-scorer")).await.unwrap();
    let retire = ModelUpdate {
        is_active: Some(false),
        ..ModelUpdate::default()
    };
    reg.update_model(&legacy.id.into(), retire).await.unwrap();
}
