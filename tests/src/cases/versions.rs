use modelreg_core::environments::EnvironmentKind;
use modelreg_core::metrics::{NewMetric, Split};
use modelreg_core::runs::NewRun;
use modelreg_core::versions::{ModelVersion, NewVersion, VersionFilter, VersionStatus};
use modelreg_core::{AuditAction, EntityKind, Page, VersionRef};

use crate::AnyRegistry;
use crate::fixtures::*;

fn semvers(versions: &[ModelVersion]) -> Vec<&str> {
    versions.iter().map(|v| v.semver.as_str()).collect()
}

pub async fn register_version_returns_defaults(reg: AnyRegistry) {
    let m = model(&reg, "m").await;
    let v = version(&reg, &m, "1.0.0").await;
    assert_eq!(v.status, VersionStatus::Registered);
    assert!(v.metadata.is_empty());
    assert_eq!(v.model_id, m.id);
    assert_eq!(reg.version(&v.id.into()).await.unwrap(), v);
}

pub async fn semver_is_unique_per_model(reg: AnyRegistry) {
    let (a, b) = (model(&reg, "a").await, model(&reg, "b").await);
    version(&reg, &a, "1.0.0").await;
    let again = reg.register_version(&a.id.into(), other_artifact("1.0.0")).await;
    assert_mismatch(again, &["artifact_uri"]);
    version(&reg, &b, "1.0.0").await;
    assert_eq!(stats(&reg).await.model_versions, 2);
}

pub async fn invalid_semver_is_rejected(reg: AnyRegistry) {
    let m = model(&reg, "m").await;
    for bad in [
        "1",
        "1.2",
        "v1.2.3",
        "01.2.3",
        "1.2.3-",
        "1.2.3+",
        "1.2.3-01",
        "1.2.3.4",
        "",
        " 1.2.3",
        "1.2.3-a..b",
    ] {
        let result = reg.register_version(&m.id.into(), new_version(bad)).await;
        assert_invalid(result, "semver");
    }
    let long = format!("1.2.3-{}", "a".repeat(45));
    assert_invalid(reg.register_version(&m.id.into(), new_version(&long)).await, "semver");
    assert_eq!(stats(&reg).await.model_versions, 0);
}

pub async fn prerelease_and_build_semvers_are_accepted(reg: AnyRegistry) {
    let m = model(&reg, "m").await;
    for ok in [
        "1.2.3",
        "1.2.3-rc.1",
        "1.2.3+build.5",
        "0.0.0-alpha.beta-x.7+exp.sha.5114f85",
    ] {
        assert_eq!(version(&reg, &m, ok).await.semver, ok);
    }
}

pub async fn latest_means_highest_semver_precedence(reg: AnyRegistry) {
    // The example of DESIGN.md, verbatim.
    let m = model(&reg, "m").await;
    for semver in ["1.9.0", "1.10.0", "2.0.0-rc.1", "1.10.1"] {
        version(&reg, &m, semver).await;
    }
    assert_eq!(
        reg.latest_version(&m.id.into(), None).await.unwrap().unwrap().semver,
        "1.10.1"
    );
    // Precedence, not registration order: an older line's patch is not latest.
    let n = model(&reg, "n").await;
    for semver in ["1.10.0", "1.2.0", "1.9.9"] {
        version(&reg, &n, semver).await;
    }
    assert_eq!(
        reg.latest_version(&n.id.into(), None).await.unwrap().unwrap().semver,
        "1.10.0"
    );
}

pub async fn prerelease_ranks_below_its_release(reg: AnyRegistry) {
    let m = model(&reg, "m").await;
    for semver in ["2.0.0", "2.0.0-rc.2", "2.0.0-rc.10", "2.0.0-beta"] {
        version(&reg, &m, semver).await;
    }
    assert_eq!(
        reg.latest_version(&m.id.into(), None).await.unwrap().unwrap().semver,
        "2.0.0"
    );
    let n = model(&reg, "n").await;
    for semver in ["2.0.0-rc.2", "2.0.0-rc.10", "2.0.0-beta"] {
        version(&reg, &n, semver).await;
    }
    assert_eq!(
        reg.latest_version(&n.id.into(), None).await.unwrap().unwrap().semver,
        "2.0.0-rc.10"
    );
}

pub async fn equal_precedence_falls_back_to_newest(reg: AnyRegistry) {
    let m = model(&reg, "m").await;
    version(&reg, &m, "1.0.0+build.2").await;
    let newer = version(&reg, &m, "1.0.0+build.1").await;
    assert_eq!(
        reg.latest_version(&m.id.into(), None).await.unwrap().unwrap().id,
        newer.id
    );
}

pub async fn latest_of_a_status(reg: AnyRegistry) {
    let m = model(&reg, "m").await;
    let v1 = version(&reg, &m, "1.0.0").await;
    let v2 = version(&reg, &m, "1.1.0").await;
    version(&reg, &m, "2.0.0").await;
    reg.set_version_status(&v1.id.into(), VersionStatus::Validated)
        .await
        .unwrap();
    reg.set_version_status(&v2.id.into(), VersionStatus::Validated)
        .await
        .unwrap();
    let validated = reg
        .latest_version(&m.id.into(), Some(VersionStatus::Validated))
        .await
        .unwrap();
    assert_eq!(validated.unwrap().semver, "1.1.0");
    assert_eq!(
        reg.latest_version(&m.id.into(), Some(VersionStatus::Production))
            .await
            .unwrap(),
        None
    );
    assert_eq!(reg.production_version(&m.id.into()).await.unwrap(), None);
    let empty = model(&reg, "empty").await;
    assert_eq!(reg.latest_version(&empty.id.into(), None).await.unwrap(), None);
    assert_not_found(
        reg.latest_version(&uuid::Uuid::new_v4().into(), None).await,
        EntityKind::Model,
    );
}

pub async fn versions_list_newest_first_with_status_filter_and_paging(reg: AnyRegistry) {
    let m = model(&reg, "m").await;
    let mut made = Vec::new();
    for semver in ["3.0.0", "1.0.0", "2.0.0", "0.1.0"] {
        made.push(version(&reg, &m, semver).await);
    }
    reg.set_version_status(&made[1].id.into(), VersionStatus::Validated)
        .await
        .unwrap();
    let all = reg
        .list_versions(&m.id.into(), VersionFilter::default(), Page::default())
        .await
        .unwrap();
    assert_eq!(semvers(&all), ["0.1.0", "2.0.0", "1.0.0", "3.0.0"]);
    let page = reg
        .list_versions(&m.id.into(), VersionFilter::default(), Page::new(1, 2).unwrap())
        .await
        .unwrap();
    assert_eq!(semvers(&page), ["2.0.0", "1.0.0"]);
    let validated = VersionFilter {
        status: Some(VersionStatus::Validated),
    };
    let only = reg
        .list_versions(&m.id.into(), validated, Page::default())
        .await
        .unwrap();
    assert_eq!(semvers(&only), ["1.0.0"]);
    // Asking twice gives the same order.
    assert_eq!(
        reg.list_versions(&m.id.into(), VersionFilter::default(), Page::default())
            .await
            .unwrap(),
        all
    );
}

pub async fn version_is_found_by_model_and_semver(reg: AnyRegistry) {
    let (a, b) = (model(&reg, "a").await, model(&reg, "b").await);
    let va = version(&reg, &a, "1.0.0").await;
    version(&reg, &b, "1.0.0").await;
    assert_eq!(reg.version(&VersionRef::semver(a.id, "1.0.0")).await.unwrap(), va);
    assert_not_found(
        reg.version(&VersionRef::semver(a.id, "9.9.9")).await,
        EntityKind::ModelVersion,
    );
}

pub async fn promoting_a_version_archives_the_previous_production_version(reg: AnyRegistry) {
    let m = model(&reg, "m").await;
    let v1 = version(&reg, &m, "1.0.0").await;
    let v2 = version(&reg, &m, "2.0.0").await;
    reg.set_version_status(&v1.id.into(), VersionStatus::Production)
        .await
        .unwrap();
    let promoted = reg
        .set_version_status(&v2.id.into(), VersionStatus::Production)
        .await
        .unwrap();
    assert_eq!(promoted.status, VersionStatus::Production);
    assert_eq!(
        reg.version(&v1.id.into()).await.unwrap().status,
        VersionStatus::Archived
    );
    assert_eq!(reg.production_version(&m.id.into()).await.unwrap().unwrap().id, v2.id);
    let archived_events = audit_of(&reg, EntityKind::ModelVersion, v1.id).await;
    assert_eq!(archived_events[0].action, AuditAction::Update);
    assert_eq!(
        serde_json::Value::Object(archived_events[0].changes.clone()),
        serde_json::json!({"status": {"old": "production", "new": "archived"}})
    );
    let promoted_events = audit_of(&reg, EntityKind::ModelVersion, v2.id).await;
    assert_eq!(
        serde_json::Value::Object(promoted_events[0].changes.clone()),
        serde_json::json!({"status": {"old": "registered", "new": "production"}})
    );
    // Another model's production version is untouched.
    let other = model(&reg, "other").await;
    let ov = version(&reg, &other, "1.0.0").await;
    reg.set_version_status(&ov.id.into(), VersionStatus::Production)
        .await
        .unwrap();
    assert_eq!(
        reg.version(&v2.id.into()).await.unwrap().status,
        VersionStatus::Production
    );
}

pub async fn concurrent_promotions_leave_one_production_version(reg: AnyRegistry) {
    let m = model(&reg, "contended").await;
    let mut ids = Vec::new();
    for i in 0..6 {
        ids.push(version(&reg, &m, &format!("1.0.{i}")).await.id);
    }
    let tasks: Vec<_> = ids
        .iter()
        .map(|&id| {
            let reg = reg.clone();
            tokio::spawn(async move { reg.set_version_status(&id.into(), VersionStatus::Production).await })
        })
        .collect();
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    let all = reg
        .list_versions(&m.id.into(), VersionFilter::default(), Page::default())
        .await
        .unwrap();
    let production: Vec<_> = all.iter().filter(|v| v.status == VersionStatus::Production).collect();
    assert_eq!(production.len(), 1);
    assert_eq!(all.iter().filter(|v| v.status == VersionStatus::Archived).count(), 5);
    // Each version was promoted once and (except the winner) archived once.
    for v in &all {
        let events = audit_of(&reg, EntityKind::ModelVersion, v.id).await;
        let expected = if v.status == VersionStatus::Production { 2 } else { 3 };
        assert_eq!(events.len(), expected, "audit trail of {}", v.semver);
    }
}

pub async fn deprecated_is_terminal(reg: AnyRegistry) {
    let m = model(&reg, "m").await;
    let v = version(&reg, &m, "1.0.0").await;
    reg.set_version_status(&v.id.into(), VersionStatus::Deprecated)
        .await
        .unwrap();
    for next in [
        VersionStatus::Registered,
        VersionStatus::Validated,
        VersionStatus::Production,
        VersionStatus::Archived,
    ] {
        assert_invalid(reg.set_version_status(&v.id.into(), next).await, "status");
    }
    assert_eq!(
        reg.version(&v.id.into()).await.unwrap().status,
        VersionStatus::Deprecated
    );
    assert_eq!(audit_of(&reg, EntityKind::ModelVersion, v.id).await.len(), 2);
}

pub async fn setting_the_same_status_is_a_no_op(reg: AnyRegistry) {
    let m = model(&reg, "m").await;
    let v = version(&reg, &m, "1.0.0").await;
    reg.set_version_status(&v.id.into(), VersionStatus::Production)
        .await
        .unwrap();
    let again = reg
        .set_version_status(&v.id.into(), VersionStatus::Production)
        .await
        .unwrap();
    assert_eq!(again.status, VersionStatus::Production);
    assert_eq!(audit_of(&reg, EntityKind::ModelVersion, v.id).await.len(), 2);
}

pub async fn production_versions_come_with_their_model(reg: AnyRegistry) {
    let (b, a) = (model(&reg, "b").await, model(&reg, "a").await);
    let vb = version(&reg, &b, "1.0.0").await;
    let va = version(&reg, &a, "2.0.0").await;
    version(&reg, &a, "3.0.0").await;
    reg.set_version_status(&vb.id.into(), VersionStatus::Production)
        .await
        .unwrap();
    reg.set_version_status(&va.id.into(), VersionStatus::Production)
        .await
        .unwrap();
    let production = reg.production_versions(Page::default()).await.unwrap();
    let pairs: Vec<(&str, &str)> = production
        .iter()
        .map(|p| (p.model.name.as_str(), p.version.semver.as_str()))
        .collect();
    assert_eq!(pairs, [("a", "2.0.0"), ("b", "1.0.0")]);
}

pub async fn sizes_above_four_gib_round_trip(reg: AnyRegistry) {
    let m = model(&reg, "llm").await;
    let size = 70_000_000_000_i64;
    let new = NewVersion {
        size_bytes: Some(size),
        ..new_version("1.0.0")
    };
    let v = reg.register_version(&m.id.into(), new).await.unwrap();
    assert_eq!(reg.version(&v.id.into()).await.unwrap().size_bytes, Some(size));
    let max = NewVersion {
        size_bytes: Some(i64::MAX),
        ..new_version("2.0.0")
    };
    let v = reg.register_version(&m.id.into(), max).await.unwrap();
    assert_eq!(reg.version(&v.id.into()).await.unwrap().size_bytes, Some(i64::MAX));
}

pub async fn checksum_is_validated_and_stored_lower_case(reg: AnyRegistry) {
    let m = model(&reg, "m").await;
    let upper = "ABCDEF0123456789".repeat(4);
    let new = NewVersion {
        checksum_sha256: Some(upper.clone()),
        ..new_version("1.0.0")
    };
    let v = reg.register_version(&m.id.into(), new).await.unwrap();
    assert_eq!(
        reg.version(&v.id.into()).await.unwrap().checksum_sha256,
        Some(upper.to_lowercase())
    );
    for bad in [
        "abc".to_string(),
        "g".repeat(64),
        "a".repeat(65),
        format!("{} ", "a".repeat(63)),
    ] {
        let new = NewVersion {
            checksum_sha256: Some(bad),
            ..new_version("2.0.0")
        };
        assert_invalid(reg.register_version(&m.id.into(), new).await, "checksum_sha256");
    }
}

pub async fn deleting_a_version_cascades_to_runs_metrics_and_deployments(reg: AnyRegistry) {
    let m = model(&reg, "m").await;
    let (v1, v2) = (version(&reg, &m, "1.0.0").await, version(&reg, &m, "2.0.0").await);
    let env = environment(&reg, "staging", EnvironmentKind::Staging).await;
    for v in [&v1, &v2] {
        reg.start_run(&v.id.into(), NewRun::named("r")).await.unwrap();
        reg.record_metric(&v.id.into(), NewMetric::new("loss", 0.1, Split::Train))
            .await
            .unwrap();
        deploy(&reg, v, &env, "d").await;
    }
    reg.delete_version(&v1.id.into()).await.unwrap();
    let s = stats(&reg).await;
    assert_eq!(
        (s.model_versions, s.training_runs, s.metrics, s.deployments),
        (1, 1, 1, 1)
    );
    assert_eq!(reg.model(&m.id.into()).await.unwrap(), m);
    assert_not_found(reg.delete_version(&v1.id.into()).await, EntityKind::ModelVersion);
}

pub async fn version_of_unknown_model_is_not_found(reg: AnyRegistry) {
    let result = reg
        .register_version(&uuid::Uuid::new_v4().into(), new_version("1.0.0"))
        .await;
    assert_not_found(result, EntityKind::Model);
    assert_not_found(
        reg.version(&uuid::Uuid::new_v4().into()).await,
        EntityKind::ModelVersion,
    );
    assert_not_found(
        reg.list_versions(&uuid::Uuid::new_v4().into(), VersionFilter::default(), Page::default())
            .await,
        EntityKind::Model,
    );
}

pub async fn version_is_found_by_model_name_and_semver(reg: AnyRegistry) {
    let (a, b) = (model(&reg, "a").await, model(&reg, "b").await);
    let va = version(&reg, &a, "1.0.0").await;
    version(&reg, &b, "1.0.0").await;
    assert_eq!(reg.version(&VersionRef::semver("a", "1.0.0")).await.unwrap(), va);
    match reg.version(&VersionRef::semver("a", "2.0.0")).await {
        Err(modelreg_core::Error::NotFound { entity, key }) => {
            assert_eq!((entity, key.as_str()), (EntityKind::ModelVersion, "a@2.0.0"));
        }
        other => panic!("expected the version to be missing, got {other:?}"),
    }
    assert_not_found(
        reg.version(&VersionRef::semver("ghost", "1.0.0")).await,
        EntityKind::Model,
    );
}
