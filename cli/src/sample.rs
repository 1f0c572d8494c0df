//! A realistic sample registry (`modelreg seed`): teams, tagged models with
//! several versions, training runs and metrics spread over the last months,
//! environments and deployments. Deterministic, so runs compare.

use chrono::Duration;
use serde_json::json;

use modelreg_core::deployments::{DeploymentStatus, NewDeployment};
use modelreg_core::environments::{EnvironmentKind, NewEnvironment};
use modelreg_core::metrics::{NewMetric, Split};
use modelreg_core::models::{ModelUpdate, NewModel, RiskLevel};
use modelreg_core::runs::{NewRun, RunFinish, RunStatus};
use modelreg_core::teams::NewTeam;
use modelreg_core::time;
use modelreg_core::validate::into_json_object;
use modelreg_core::versions::{Framework, NewVersion, VersionStatus};
use modelreg_core::{Error, Ref, RegistryApi, Result, VersionRef};

struct SampleModel {
    name: &'static str,
    team: &'static str,
    use_case: &'static str,
    risk: RiskLevel,
    framework: Framework,
    tags: &'static [&'static str],
    versions: &'static [&'static str],
    /// Days since the newest training run.
    last_trained_days_ago: i64,
}

const MODELS: &[SampleModel] = &[
    SampleModel {
        name: "fraud-detector",
        team: "fraud-prevention",
        use_case: "card transaction fraud scoring",
        risk: RiskLevel::Critical,
        framework: Framework::Xgboost,
        tags: &["fraud", "tabular", "realtime"],
        versions: &["1.0.0", "1.1.0", "1.2.0", "2.0.0-rc.1"],
        last_trained_days_ago: 3,
    },
    SampleModel {
        name: "churn-predictor",
        team: "recommendations",
        use_case: "monthly churn propensity",
        risk: RiskLevel::Medium,
        framework: Framework::Sklearn,
        tags: &["tabular", "batch"],
        versions: &["0.9.0", "1.0.0", "1.0.1"],
        last_trained_days_ago: 40,
    },
    SampleModel {
        name: "product-recommender",
        team: "recommendations",
        use_case: "home page recommendations",
        risk: RiskLevel::High,
        framework: Framework::Pytorch,
        tags: &["recsys", "realtime"],
        versions: &["3.0.0", "3.1.0", "3.2.0"],
        last_trained_days_ago: 10,
    },
    SampleModel {
        name: "sentiment-bert",
        team: "ml-platform",
        use_case: "support ticket sentiment",
        risk: RiskLevel::Low,
        framework: Framework::Huggingface,
        tags: &["nlp", "transformers"],
        versions: &["1.0.0", "1.1.0"],
        last_trained_days_ago: 120,
    },
    SampleModel {
        name: "image-classifier",
        team: "ml-platform",
        use_case: "catalogue image moderation",
        risk: RiskLevel::Medium,
        framework: Framework::Tensorflow,
        tags: &["vision"],
        versions: &["2.0.0", "2.1.0", "2.2.0", "2.3.0"],
        last_trained_days_ago: 25,
    },
    SampleModel {
        name: "demand-forecaster",
        team: "ml-platform",
        use_case: "weekly demand per warehouse",
        risk: RiskLevel::Medium,
        framework: Framework::Jax,
        tags: &["timeseries", "batch"],
        versions: &["0.1.0", "0.2.0"],
        last_trained_days_ago: 95,
    },
];

/// Fills an empty registry with the sample; refuses one that holds models.
pub async fn seed(reg: &dyn RegistryApi) -> Result<()> {
    if reg.stats().await?.models > 0 {
        return Err(Error::invalid(
            "registry",
            "seed fills an empty registry, and this one already has models (reset it first with `modelreg db reset`)",
        ));
    }
    let now = time::now();
    for (name, department, cost_center) in [
        ("ml-platform", "Engineering", "CC-1001"),
        ("fraud-prevention", "Risk", "CC-2002"),
        ("recommendations", "Product", "CC-3003"),
    ] {
        let new = NewTeam {
            name: name.into(),
            department: Some(department.into()),
            cost_center: Some(cost_center.into()),
        };
        reg.create_team(new).await?;
    }
    for (name, kind, region, namespace, config) in [
        ("dev", EnvironmentKind::Development, "us-east-1", "ml-dev", json!({})),
        (
            "staging",
            EnvironmentKind::Staging,
            "us-east-1",
            "ml-staging",
            json!({"replicas": 1}),
        ),
        (
            "prod-us",
            EnvironmentKind::Production,
            "us-east-1",
            "ml-prod",
            json!({"autoscaling": true, "min_replicas": 2}),
        ),
        (
            "prod-eu",
            EnvironmentKind::Production,
            "eu-west-1",
            "ml-prod",
            json!({"autoscaling": true, "min_replicas": 2}),
        ),
    ] {
        let new = NewEnvironment {
            name: name.into(),
            kind,
            region: Some(region.into()),
            kubernetes_namespace: Some(namespace.into()),
            config: into_json_object("config", config)?,
        };
        reg.create_environment(new).await?;
    }
    let (staging, prod_us) = (Ref::name("staging"), Ref::name("prod-us"));

    for (m, sample) in MODELS.iter().enumerate() {
        let new = NewModel {
            name: sample.name.into(),
            description: Some(format!("{} ({})", sample.use_case, sample.framework)),
            use_case: Some(sample.use_case.into()),
            team: Some(Ref::name(sample.team)),
            risk_level: sample.risk,
            compliance_required: matches!(sample.risk, RiskLevel::High | RiskLevel::Critical),
        };
        let model = Ref::Id(reg.create_model(new).await?.id);
        for tag in sample.tags {
            reg.add_tag(&model, tag).await?;
        }
        let mut versions = Vec::new();
        for (v, semver) in sample.versions.iter().enumerate() {
            let seed = (m * 31 + v * 7) as u64;
            let new = NewVersion {
                semver: (*semver).into(),
                artifact_uri: format!("s3://ml-artifacts/{}/{semver}/model.bin", sample.name),
                framework: sample.framework,
                framework_version: Some("2.1.0".into()),
                python_version: Some("3.11".into()),
                size_bytes: Some(50_000_000 + (seed * 7_919_357 % 4_000_000_000) as i64),
                checksum_sha256: Some(format!("{:016x}", seed.wrapping_mul(0x9e37_79b9_7f4a_7c15)).repeat(4)),
                metadata: into_json_object(
                    "metadata",
                    json!({
                        "learning_rate": 0.001 * (v + 1) as f64,
                        "epochs": 10 + v * 5,
                        "auc": (85 + 3 * v) as f64 / 100.0,
                    }),
                )?,
                description: None,
            };
            let version = reg.register_version(&model, new).await?;
            let version_ref = VersionRef::Id(version.id);
            // Older versions trained longer ago: the newest run is `last_trained_days_ago`.
            let age = sample.last_trained_days_ago + ((sample.versions.len() - 1 - v) as i64) * 21;
            let started = now - Duration::days(age) - Duration::hours(6);
            let hours = 2.0 + (seed % 13) as f64 * 1.5;
            let run = NewRun {
                started_at: Some(started),
                gpu_hours: hours,
                cost_usd: Some((hours * 2.75 * 100.0).round() / 100.0),
                dataset_name: Some(format!("{}-training", sample.name)),
                dataset_version: Some(format!("2026.{:02}", (v % 12) + 1)),
                hyperparameters: into_json_object(
                    "hyperparameters",
                    json!({"batch_size": 64 << (v % 3), "optimizer": "adam"}),
                )?,
                environment: into_json_object("environment", json!({"gpu": "A100", "cuda": "12.4"}))?,
                created_by: Some("training-pipeline".into()),
                ..NewRun::named(format!("{}-{semver}-train", sample.name))
            };
            let run = reg.start_run(&version_ref, run).await?;
            let failed = seed % 5 == 4;
            let finish = RunFinish {
                completed_at: Some(started + Duration::minutes((hours * 60.0) as i64)),
                ..RunFinish::with_status(if failed {
                    RunStatus::Failed
                } else {
                    RunStatus::Succeeded
                })
            };
            reg.finish_run(run.id, finish).await?;
            for (i, (metric, split)) in [
                ("accuracy", Split::Validation),
                ("f1", Split::Validation),
                ("accuracy", Split::Test),
            ]
            .into_iter()
            .enumerate()
            {
                let value = 0.80 + 0.03 * v as f64 + 0.01 * i as f64 - 0.005 * (seed % 3) as f64;
                let new = NewMetric {
                    recorded_at: Some(started + Duration::hours(8 + i as i64)),
                    ..NewMetric::new(metric, (value * 1000.0).round() / 1000.0, split)
                };
                reg.record_metric(&version_ref, new).await?;
            }
            versions.push(version);
        }
        // Lifecycle: the newest release goes to production (archiving the one
        // before it), pre-releases are validated, the oldest is deprecated.
        let releases: Vec<_> = versions.iter().filter(|v| !v.semver.contains('-')).collect();
        if let [older @ .., previous, newest] = releases.as_slice() {
            reg.set_version_status(&VersionRef::Id(previous.id), VersionStatus::Production)
                .await?;
            let old = reg
                .deploy(
                    &VersionRef::Id(previous.id),
                    &prod_us,
                    NewDeployment::named(format!("{}-prod", sample.name)),
                )
                .await?;
            reg.set_deployment_status(old.id, DeploymentStatus::Healthy).await?;
            reg.set_version_status(&VersionRef::Id(newest.id), VersionStatus::Production)
                .await?;
            let mut new = NewDeployment::named(format!("{}-prod", sample.name));
            new.replicas = 3;
            new.cpu_request = Some("2".into());
            new.memory_request = Some("4Gi".into());
            new.endpoint_url = Some(format!("https://ml.example.com/{}", sample.name));
            let current = reg.deploy(&VersionRef::Id(newest.id), &prod_us, new).await?;
            reg.terminate_deployment(old.id).await?;
            let status = if m == 2 {
                DeploymentStatus::Degraded
            } else {
                DeploymentStatus::Healthy
            };
            reg.set_deployment_status(current.id, status).await?;
            if let Some(first) = older.first() {
                reg.set_version_status(&VersionRef::Id(first.id), VersionStatus::Deprecated)
                    .await?;
            }
        }
        for v in versions.iter().filter(|v| v.semver.contains('-')) {
            let v = VersionRef::Id(v.id);
            reg.set_version_status(&v, VersionStatus::Validated).await?;
            reg.deploy(&v, &staging, NewDeployment::named(format!("{}-canary", sample.name)))
                .await?;
        }
    }
    // A retired model, kept for its history.
    let legacy = reg
        .create_model(NewModel {
            description: Some("rule-based scorer replaced by fraud-detector".into()),
            ..NewModel::named("legacy-scorer")
        })
        .await?;
    let update = ModelUpdate {
        is_active: Some(false),
        ..ModelUpdate::default()
    };
    reg.update_model(&Ref::Id(legacy.id), update).await?;
    Ok(())
}
