use std::str::FromStr;

use chrono::{TimeZone, Utc};
use modelreg_core::audit::AuditAction;
use modelreg_core::deployments::{DeploymentStatus, NewDeployment};
use modelreg_core::environments::{EnvironmentKind, NewEnvironment};
use modelreg_core::metrics::{NewMetric, Split};
use modelreg_core::models::{ModelUpdate, NewModel, RiskLevel};
use modelreg_core::runs::{NewRun, RunStatus};
use modelreg_core::teams::NewTeam;
use modelreg_core::validate::{self, JsonObject};
use modelreg_core::versions::{Framework, ModelVersion, NewVersion, VersionStatus};
use modelreg_core::{EntityKind, Error, Page, Result};
use serde_json::json;

use crate::fixtures::*;
use crate::{AnyRegistry, AsApi};

/// Writes `value` into `field` of a new entity of the kind that has it.
async fn write_field(reg: &(impl AsApi + ?Sized), parent: &ModelVersion, field: &str, value: String) -> Result<()> {
    let reg = reg.api();
    let unique = uuid::Uuid::new_v4().simple().to_string();
    match field {
        "team.name" => reg.create_team(NewTeam::named(value)).await.map(drop),
        "team.department" | "team.cost_center" => {
            let mut new = NewTeam::named(unique);
            if field == "team.department" {
                new.department = Some(value);
            } else {
                new.cost_center = Some(value);
            }
            reg.create_team(new).await.map(drop)
        }
        "model.name" => reg.create_model(NewModel::named(value)).await.map(drop),
        "model.use_case" => {
            let new = NewModel {
                use_case: Some(value),
                ..NewModel::named(unique)
            };
            reg.create_model(new).await.map(drop)
        }
        "tag" => reg.add_tag(&parent.model_id.into(), &value).await.map(drop),
        "version.artifact_uri" | "version.framework_version" | "version.python_version" => {
            let mut new = NewVersion::new(format!("0.0.0-{unique}"), "s3://x", Framework::Onnx);
            match field {
                "version.artifact_uri" => new.artifact_uri = value,
                "version.framework_version" => new.framework_version = Some(value),
                _ => new.python_version = Some(value),
            }
            reg.register_version(&parent.model_id.into(), new).await.map(drop)
        }
        "run.run_name" | "run.dataset_name" | "run.dataset_version" | "run.created_by" => {
            let mut new = NewRun::named(unique);
            match field {
                "run.run_name" => new.run_name = value,
                "run.dataset_name" => new.dataset_name = Some(value),
                "run.dataset_version" => new.dataset_version = Some(value),
                _ => new.created_by = Some(value),
            }
            reg.start_run(&parent.id.into(), new).await.map(drop)
        }
        "metric.name" => reg
            .record_metric(&parent.id.into(), NewMetric::new(value, 1.0, Split::Test))
            .await
            .map(drop),
        "environment.name" | "environment.region" | "environment.kubernetes_namespace" => {
            let mut new = NewEnvironment::new(&unique[..20], EnvironmentKind::Sandbox);
            match field {
                "environment.name" => new.name = value,
                "environment.region" => new.region = Some(value),
                _ => new.kubernetes_namespace = Some(value),
            }
            reg.create_environment(new).await.map(drop)
        }
        "deployment.name" | "deployment.endpoint_url" | "deployment.cpu_request" | "deployment.memory_request" => {
            let env = reg.environment(&"limits".into()).await?;
            let mut new = NewDeployment::named("d");
            match field {
                "deployment.name" => new.name = value,
                "deployment.endpoint_url" => new.endpoint_url = Some(value),
                "deployment.cpu_request" => new.cpu_request = Some(value),
                _ => new.memory_request = Some(value),
            }
            reg.deploy(&parent.id.into(), &env.id.into(), new).await.map(drop)
        }
        other => panic!("no writer for {other}"),
    }
}

const LIMITS: &[(&str, &str, usize)] = &[
    ("team.name", "name", 100),
    ("team.department", "department", 100),
    ("team.cost_center", "cost_center", 50),
    ("model.name", "name", 200),
    ("model.use_case", "use_case", 200),
    ("tag", "tag", 50),
    ("version.artifact_uri", "artifact_uri", 500),
    ("version.framework_version", "framework_version", 50),
    ("version.python_version", "python_version", 20),
    ("run.run_name", "run_name", 200),
    ("run.dataset_name", "dataset_name", 200),
    ("run.dataset_version", "dataset_version", 50),
    ("run.created_by", "created_by", 100),
    ("metric.name", "name", 100),
    ("environment.name", "name", 50),
    ("environment.region", "region", 50),
    ("environment.kubernetes_namespace", "kubernetes_namespace", 100),
    ("deployment.name", "name", 200),
    ("deployment.endpoint_url", "endpoint_url", 500),
    ("deployment.cpu_request", "cpu_request", 20),
    ("deployment.memory_request", "memory_request", 20),
];

async fn parent(reg: &(impl AsApi + ?Sized)) -> ModelVersion {
    let reg = reg.api();
    environment(reg, "limits", EnvironmentKind::Staging).await;
    let m = model(reg, "parent").await;
    version(reg, &m, "1.0.0").await
}

pub async fn every_length_limit_is_enforced_with_its_field(reg: AnyRegistry) {
    let v = parent(&reg).await;
    for &(target, field, max) in LIMITS {
        write_field(&reg, &v, target, "x".repeat(max))
            .await
            .unwrap_or_else(|e| panic!("{target} of {max} characters is allowed: {e}"));
        let too_long = write_field(&reg, &v, target, "y".repeat(max + 1)).await;
        assert_invalid(too_long, field);
    }
    for (target, field) in [
        ("team.name", "name"),
        ("version.artifact_uri", "artifact_uri"),
        ("run.run_name", "run_name"),
        ("tag", "tag"),
    ] {
        assert_invalid(write_field(&reg, &v, target, String::new()).await, field);
    }
}

pub async fn lengths_count_characters_not_bytes(reg: AnyRegistry) {
    let v = parent(&reg).await;
    for &(target, field, max) in LIMITS {
        // 'é' is two bytes: max characters are allowed even at twice the bytes.
        write_field(&reg, &v, target, "é".repeat(max))
            .await
            .unwrap_or_else(|e| panic!("{target} of {max} two-byte characters is allowed: {e}"));
        assert_invalid(write_field(&reg, &v, target, "ü".repeat(max + 1)).await, field);
    }
}

pub async fn control_characters_are_rejected(reg: AnyRegistry) {
    let v = parent(&reg).await;
    for &(target, field, _) in LIMITS {
        for bad in [
            "nul\0byte",
            "new\nline",
            "tab\there",
            "esc\u{1b}",
            "del\u{7f}",
            "c1\u{85}",
        ] {
            assert_invalid(write_field(&reg, &v, target, bad.to_string()).await, field);
        }
    }
    let model = reg.model(&v.model_id.into()).await.unwrap();
    let update = ModelUpdate {
        description: Some(Some("bell\u{7}".into())),
        ..ModelUpdate::default()
    };
    assert_invalid(reg.update_model(&model.id.into(), update).await, "description");
}

pub async fn padded_names_are_rejected(reg: AnyRegistry) {
    let v = parent(&reg).await;
    let names = [
        ("team.name", "name"),
        ("model.name", "name"),
        ("tag", "tag"),
        ("environment.name", "name"),
        ("deployment.name", "name"),
        ("run.run_name", "run_name"),
        ("metric.name", "name"),
    ];
    for (target, field) in names {
        for padded in [" leading", "trailing ", "\u{a0}nbsp", "   "] {
            assert_invalid(write_field(&reg, &v, target, padded.to_string()).await, field);
        }
        write_field(&reg, &v, target, "inner spaces are fine".into())
            .await
            .unwrap_or_else(|e| panic!("{target}: {e}"));
    }
}

fn assert_enum<T: FromStr<Err = Error> + std::fmt::Debug>(values: &[&str], field: &str) {
    for value in values {
        assert!(T::from_str(value).is_ok(), "{value} is a valid {field}");
    }
    for bad in ["", "unknown", "PRODUCTION", " low"] {
        assert_invalid(T::from_str(bad), field);
    }
}

pub async fn every_enum_rejects_unknown_values(_reg: AnyRegistry) {
    assert_enum::<RiskLevel>(&["low", "medium", "high", "critical"], "risk_level");
    assert_enum::<Framework>(
        &[
            "pytorch",
            "tensorflow",
            "sklearn",
            "xgboost",
            "jax",
            "onnx",
            "huggingface",
        ],
        "framework",
    );
    assert_enum::<VersionStatus>(
        &["registered", "validated", "production", "archived", "deprecated"],
        "status",
    );
    assert_enum::<RunStatus>(&["running", "succeeded", "failed", "cancelled", "timeout"], "status");
    assert_enum::<Split>(&["train", "validation", "test", "production"], "split");
    assert_enum::<EnvironmentKind>(&["development", "staging", "production", "sandbox"], "kind");
    assert_enum::<DeploymentStatus>(&["deploying", "healthy", "degraded", "failed", "terminated"], "status");
    assert_enum::<AuditAction>(&["create", "update", "delete", "deploy", "rollback"], "action");
    assert_enum::<EntityKind>(&["team", "model", "model_version", "deployment"], "entity_type");
    // JSON input goes through the same rule.
    assert!(
        serde_json::from_value::<NewVersion>(json!({"semver": "1.0.0", "artifact_uri": "x", "framework": "caffe"}))
            .is_err()
    );
}

pub async fn json_fields_must_be_objects_of_at_most_64_kib(reg: AnyRegistry) {
    for text in ["[1, 2]", "\"text\"", "42", "null", "true", "{not json"] {
        assert_invalid(validate::parse_json_object("metadata", text), "metadata");
    }
    assert_invalid(validate::into_json_object("config", json!([{"a": 1}])), "config");
    let m = model(&reg, "m").await;
    // {"blob":"…"} is 11 bytes around the string.
    let mut fits = JsonObject::new();
    fits.insert("blob".into(), json!("x".repeat(64 * 1024 - 11)));
    let new = NewVersion {
        metadata: fits.clone(),
        ..new_version("1.0.0")
    };
    let v = reg.register_version(&m.id.into(), new).await.unwrap();
    assert_eq!(reg.version(&v.id.into()).await.unwrap().metadata, fits);
    let mut too_big = JsonObject::new();
    too_big.insert("blob".into(), json!("x".repeat(64 * 1024 - 10)));
    let new = NewVersion {
        metadata: too_big.clone(),
        ..new_version("2.0.0")
    };
    assert_invalid(reg.register_version(&m.id.into(), new).await, "metadata");
    let run = NewRun {
        hyperparameters: too_big.clone(),
        ..NewRun::named("r")
    };
    assert_invalid(reg.start_run(&v.id.into(), run).await, "hyperparameters");
    let run = NewRun {
        environment: too_big.clone(),
        ..NewRun::named("r")
    };
    assert_invalid(reg.start_run(&v.id.into(), run).await, "environment");
    let mut env = NewEnvironment::new("e", EnvironmentKind::Sandbox);
    env.config = too_big;
    assert_invalid(reg.create_environment(env).await, "config");
}

pub async fn negative_sizes_and_counts_are_rejected(reg: AnyRegistry) {
    let v = parent(&reg).await;
    let new = NewVersion {
        size_bytes: Some(-1),
        ..new_version("2.0.0")
    };
    assert_invalid(reg.register_version(&v.model_id.into(), new).await, "size_bytes");
    let env = reg.environment(&"limits".into()).await.unwrap();
    let d = NewDeployment {
        replicas: -1,
        ..NewDeployment::named("d")
    };
    assert_invalid(reg.deploy(&v.id.into(), &env.id.into(), d).await, "replicas");
    let d = NewDeployment {
        gpu_count: -2,
        ..NewDeployment::named("d")
    };
    assert_invalid(reg.deploy(&v.id.into(), &env.id.into(), d).await, "gpu_count");
    let s = stats(&reg).await;
    assert_eq!((s.model_versions, s.deployments), (1, 0));
}

pub async fn timestamps_round_trip_at_microsecond_precision(reg: AnyRegistry) {
    let v = parent(&reg).await;
    let at = Utc.with_ymd_and_hms(2026, 7, 8, 9, 10, 11).unwrap() + chrono::Duration::nanoseconds(123_456_789);
    let run = NewRun {
        started_at: Some(at),
        ..NewRun::named("precise")
    };
    let run = reg.start_run(&v.id.into(), run).await.unwrap();
    let expected = Utc.with_ymd_and_hms(2026, 7, 8, 9, 10, 11).unwrap() + chrono::Duration::microseconds(123_456);
    assert_eq!(run.started_at, expected, "nanoseconds are truncated to microseconds");
    assert_eq!(reg.run(run.id).await.unwrap().started_at, expected);
    let stored = reg.version(&v.id.into()).await.unwrap();
    assert_eq!(stored.created_at, v.created_at);
    assert_eq!(stored.created_at.timestamp_subsec_nanos() % 1000, 0);
    let old = Utc.with_ymd_and_hms(1970, 1, 1, 0, 0, 0).unwrap() - chrono::Duration::microseconds(1);
    let run = NewRun {
        started_at: Some(old),
        ..NewRun::named("before-epoch")
    };
    let run = reg.start_run(&v.id.into(), run).await.unwrap();
    assert_eq!(reg.run(run.id).await.unwrap().started_at, old);
}

pub async fn page_limits_are_checked(reg: AnyRegistry) {
    assert_invalid(Page::new(0, 0), "limit");
    assert_invalid(Page::new(0, 10_001), "limit");
    assert_invalid(Page::new(u64::MAX, 10), "offset");
    let page = Page::new(0, 10_000).unwrap();
    assert!(reg.list_models(Default::default(), page).await.unwrap().is_empty());
    assert_eq!(Page::default().limit, 100);
}

pub async fn json_values_round_trip_exactly(reg: AnyRegistry) {
    let m = model(&reg, "m").await;
    let metadata = json!({
        "nested": {"list": [1, 2.5, -3e-7, null, true, "ü\"quoted\""], "empty": {}},
        "big": 9007199254740993_u64,
        "neg": -42,
        "unicode": "日本語 🚀",
    });
    let new = NewVersion {
        metadata: validate::into_json_object("metadata", metadata.clone()).unwrap(),
        ..new_version("1.0.0")
    };
    let v = reg.register_version(&m.id.into(), new).await.unwrap();
    let stored = reg.version(&v.id.into()).await.unwrap();
    assert_eq!(serde_json::Value::Object(stored.metadata), metadata);
    let listed = reg
        .list_versions(&m.id.into(), Default::default(), Page::default())
        .await
        .unwrap();
    assert_eq!(serde_json::Value::Object(listed[0].metadata.clone()), metadata);
}
