use modelreg_core::deployments::{Deployment, DeploymentFilter, DeploymentStatus, NewDeployment};
use modelreg_core::environments::EnvironmentKind;
use modelreg_core::versions::{ModelVersion, VersionStatus};
use modelreg_core::{AuditAction, EntityKind, Page, VersionRef};

use crate::fixtures::*;
use crate::{AnyRegistry, AsApi};

fn names(deployments: &[Deployment]) -> Vec<&str> {
    deployments.iter().map(|d| d.name.as_str()).collect()
}

pub async fn deploy_returns_defaults_and_is_audited_as_deploy(reg: AnyRegistry) {
    let m = model(&reg, "m").await;
    let v = version(&reg, &m, "1.0.0").await;
    let env = environment(&reg, "prod", EnvironmentKind::Production).await;
    let d = deploy(&reg, &v, &env, "m-prod").await;
    assert_eq!(d.status, DeploymentStatus::Deploying);
    assert_eq!((d.replicas, d.gpu_count), (1, 0));
    assert_eq!(d.deployed_by.as_deref(), Some("conformance"));
    assert_eq!(d.terminated_at, None);
    assert_eq!(reg.deployment(d.id).await.unwrap(), d);
    let events = audit_of(&reg, EntityKind::Deployment, d.id).await;
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].action, AuditAction::Deploy);
}

pub async fn deployments_list_by_environment_and_version_with_status_filter(reg: AnyRegistry) {
    let m = model(&reg, "m").await;
    let (v1, v2) = (version(&reg, &m, "1.0.0").await, version(&reg, &m, "2.0.0").await);
    let (prod, stage) = (
        environment(&reg, "prod", EnvironmentKind::Production).await,
        environment(&reg, "stage", EnvironmentKind::Staging).await,
    );
    let a = deploy(&reg, &v1, &prod, "a").await;
    deploy(&reg, &v1, &stage, "b").await;
    deploy(&reg, &v2, &prod, "c").await;
    reg.set_deployment_status(a.id, DeploymentStatus::Healthy)
        .await
        .unwrap();
    let in_prod = reg
        .deployments_in(&prod.id.into(), DeploymentFilter::default(), Page::default())
        .await
        .unwrap();
    assert_eq!(names(&in_prod), ["c", "a"]);
    let of_v1 = reg
        .deployments_of_version(&v1.id.into(), DeploymentFilter::default(), Page::default())
        .await
        .unwrap();
    assert_eq!(names(&of_v1), ["b", "a"]);
    let healthy = DeploymentFilter {
        status: Some(DeploymentStatus::Healthy),
    };
    assert_eq!(
        names(
            &reg.deployments_in(&prod.id.into(), healthy, Page::default())
                .await
                .unwrap()
        ),
        ["a"]
    );
    assert_eq!(
        names(
            &reg.deployments_of_version(&v1.id.into(), DeploymentFilter::default(), Page::first(1).unwrap())
                .await
                .unwrap()
        ),
        ["b"]
    );
}

pub async fn active_deployments_are_healthy_or_degraded_with_their_context(reg: AnyRegistry) {
    let m = model(&reg, "m").await;
    let v = version(&reg, &m, "1.0.0").await;
    let env = environment(&reg, "prod", EnvironmentKind::Production).await;
    let mut made = Vec::new();
    for (name, status) in [
        ("healthy", DeploymentStatus::Healthy),
        ("degraded", DeploymentStatus::Degraded),
        ("failed", DeploymentStatus::Failed),
        ("deploying", DeploymentStatus::Deploying),
        ("terminated", DeploymentStatus::Terminated),
    ] {
        let d = deploy(&reg, &v, &env, name).await;
        if status != DeploymentStatus::Deploying {
            reg.set_deployment_status(d.id, status).await.unwrap();
        }
        made.push(d);
    }
    let active = reg.active_deployments(Page::default()).await.unwrap();
    let seen: Vec<&str> = active.iter().map(|a| a.deployment.name.as_str()).collect();
    assert_eq!(seen, ["degraded", "healthy"]);
    for a in &active {
        assert_eq!((a.version.id, a.model.id, a.environment.id), (v.id, m.id, env.id));
    }
}

pub async fn terminating_sets_terminated_at_and_is_final(reg: AnyRegistry) {
    let m = model(&reg, "m").await;
    let v = version(&reg, &m, "1.0.0").await;
    let env = environment(&reg, "prod", EnvironmentKind::Production).await;
    let d = deploy(&reg, &v, &env, "d").await;
    let terminated = reg.terminate_deployment(d.id).await.unwrap();
    assert_eq!(terminated.status, DeploymentStatus::Terminated);
    let at = terminated.terminated_at.expect("terminated_at is set");
    assert!(at >= d.deployed_at);
    assert_eq!(reg.deployment(d.id).await.unwrap(), terminated);
    assert_invalid(
        reg.set_deployment_status(d.id, DeploymentStatus::Healthy).await,
        "status",
    );
    assert_invalid(reg.scale_deployment(d.id, 3).await, "replicas");
}

pub async fn scaling_changes_replicas_and_rejects_negative_counts(reg: AnyRegistry) {
    let m = model(&reg, "m").await;
    let v = version(&reg, &m, "1.0.0").await;
    let env = environment(&reg, "prod", EnvironmentKind::Production).await;
    let d = deploy(&reg, &v, &env, "d").await;
    assert_eq!(reg.scale_deployment(d.id, 5).await.unwrap().replicas, 5);
    assert_eq!(reg.scale_deployment(d.id, 0).await.unwrap().replicas, 0);
    assert_invalid(reg.scale_deployment(d.id, -1).await, "replicas");
    assert_eq!(reg.deployment(d.id).await.unwrap().replicas, 0);
    let events = audit_of(&reg, EntityKind::Deployment, d.id).await;
    assert_eq!(
        serde_json::Value::Object(events[0].changes.clone()),
        serde_json::json!({"replicas": {"old": 5, "new": 0}})
    );
}

pub async fn rollback_terminates_and_redeploys_the_previous_version(reg: AnyRegistry) {
    let m = model(&reg, "m").await;
    let (v1, v2) = (version(&reg, &m, "1.0.0").await, version(&reg, &m, "2.0.0").await);
    let prod = environment(&reg, "prod", EnvironmentKind::Production).await;
    let stage = environment(&reg, "stage", EnvironmentKind::Staging).await;
    let unrelated = version(&reg, &model(&reg, "other").await, "9.0.0").await;
    deploy(&reg, &v1, &prod, "serving").await;
    deploy(&reg, &unrelated, &prod, "other-serving").await;
    let new = NewDeployment {
        replicas: 4,
        endpoint_url: Some("https://ml.example/m".into()),
        ..NewDeployment::named("serving")
    };
    let current = reg.deploy(&v2.id.into(), &prod.id.into(), new).await.unwrap();
    deploy(&reg, &v2, &stage, "staging").await;

    let restored = reg.rollback_deployment(current.id).await.unwrap();

    assert_eq!(restored.version_id, v1.id);
    assert_eq!(restored.environment_id, prod.id);
    assert_eq!(
        (restored.replicas, restored.endpoint_url.as_deref()),
        (4, Some("https://ml.example/m"))
    );
    assert_eq!(restored.status, DeploymentStatus::Deploying);
    let old = reg.deployment(current.id).await.unwrap();
    assert_eq!(old.status, DeploymentStatus::Terminated);
    assert!(old.terminated_at.is_some());
    let events = audit_of(&reg, EntityKind::Deployment, restored.id).await;
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].action, AuditAction::Rollback);
    assert_eq!(
        events[0].changes["rolled_back_deployment_id"],
        serde_json::json!(current.id.to_string())
    );
    assert_eq!(
        audit_of(&reg, EntityKind::Deployment, current.id).await[0].action,
        AuditAction::Update
    );
}

pub async fn rollback_skips_redeploys_of_the_same_version(reg: AnyRegistry) {
    let m = model(&reg, "m").await;
    let (v1, v2) = (version(&reg, &m, "1.0.0").await, version(&reg, &m, "2.0.0").await);
    let prod = environment(&reg, "prod", EnvironmentKind::Production).await;
    deploy(&reg, &v1, &prod, "d").await;
    deploy(&reg, &v2, &prod, "d").await;
    let current = deploy(&reg, &v2, &prod, "d").await;
    let restored = reg.rollback_deployment(current.id).await.unwrap();
    assert_eq!(restored.version_id, v1.id);
    // Rolling back the restored deployment returns to 2.0.0, the version deployed before it.
    let again = reg.rollback_deployment(restored.id).await.unwrap();
    assert_eq!(again.version_id, v2.id);
}

pub async fn rollback_without_an_earlier_version_fails_and_changes_nothing(reg: AnyRegistry) {
    let m = model(&reg, "m").await;
    let v = version(&reg, &m, "1.0.0").await;
    let prod = environment(&reg, "prod", EnvironmentKind::Production).await;
    let stage = environment(&reg, "stage", EnvironmentKind::Staging).await;
    let older = version(&reg, &m, "0.9.0").await;
    deploy(&reg, &older, &stage, "elsewhere").await;
    let only = deploy(&reg, &v, &prod, "only").await;
    let before = (stats(&reg).await, all_audit(&reg).await.len());
    assert_invalid(reg.rollback_deployment(only.id).await, "deployment");
    assert_eq!((stats(&reg).await, all_audit(&reg).await.len()), before);
    assert_eq!(reg.deployment(only.id).await.unwrap(), only);
    let terminated = reg.terminate_deployment(only.id).await.unwrap();
    assert_invalid(reg.rollback_deployment(terminated.id).await, "deployment");
    assert_not_found(
        reg.rollback_deployment(uuid::Uuid::new_v4()).await,
        EntityKind::Deployment,
    );
}

pub async fn deployment_of_unknown_version_or_environment_is_not_found(reg: AnyRegistry) {
    let m = model(&reg, "m").await;
    let v = version(&reg, &m, "1.0.0").await;
    let env = environment(&reg, "prod", EnvironmentKind::Production).await;
    let missing = uuid::Uuid::new_v4();
    let no_version = reg
        .deploy(&missing.into(), &env.id.into(), NewDeployment::named("d"))
        .await;
    assert_not_found(no_version, EntityKind::ModelVersion);
    let no_env = reg
        .deploy(&v.id.into(), &missing.into(), NewDeployment::named("d"))
        .await;
    assert_not_found(no_env, EntityKind::Environment);
    assert_eq!(stats(&reg).await.deployments, 0);
}

pub async fn deploying_a_deprecated_version_is_refused_and_changes_nothing(reg: AnyRegistry) {
    let m = model(&reg, "m").await;
    let v = version(&reg, &m, "1.0.0").await;
    let env = environment(&reg, "prod", EnvironmentKind::Production).await;
    reg.set_version_status(&v.id.into(), VersionStatus::Deprecated)
        .await
        .unwrap();
    let before = (stats(&reg).await, all_audit(&reg).await);
    for reference in [VersionRef::Id(v.id), VersionRef::semver("m", "1.0.0")] {
        let refused = reg.deploy(&reference, &env.id.into(), NewDeployment::named("d")).await;
        assert_invalid(refused, "version");
    }
    assert_eq!((stats(&reg).await, all_audit(&reg).await), before);
}

/// Deploys 1.0.0, 2.0.0 and 3.0.0 of a model in turn into one environment.
async fn three_deployments(reg: &(impl AsApi + ?Sized)) -> ([ModelVersion; 3], [Deployment; 3]) {
    let reg = reg.api();
    let m = model(reg, "m").await;
    let env = environment(reg, "prod", EnvironmentKind::Production).await;
    let mut versions = Vec::new();
    let mut deployments = Vec::new();
    for semver in ["1.0.0", "2.0.0", "3.0.0"] {
        let v = version(reg, &m, semver).await;
        deployments.push(deploy(reg, &v, &env, "serving").await);
        versions.push(v);
    }
    (versions.try_into().unwrap(), deployments.try_into().unwrap())
}

pub async fn rollback_skips_a_deprecated_earlier_version(reg: AnyRegistry) {
    let ([v1, v2, _], [_, _, current]) = three_deployments(&reg).await;
    reg.set_version_status(&v2.id.into(), VersionStatus::Deprecated)
        .await
        .unwrap();
    let restored = reg.rollback_deployment(current.id).await.unwrap();
    assert_eq!(restored.version_id, v1.id, "2.0.0 is deprecated: back to 1.0.0");
    assert_eq!(restored.environment_id, current.environment_id);
    assert_eq!(
        reg.deployment(current.id).await.unwrap().status,
        DeploymentStatus::Terminated
    );
    let events = audit_of(&reg, EntityKind::Deployment, restored.id).await;
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].action, AuditAction::Rollback);
}

pub async fn rollback_fails_when_every_earlier_version_is_deprecated(reg: AnyRegistry) {
    let ([v1, v2, _], [_, _, current]) = three_deployments(&reg).await;
    for v in [&v1, &v2] {
        reg.set_version_status(&v.id.into(), VersionStatus::Deprecated)
            .await
            .unwrap();
    }
    let before = (stats(&reg).await, all_audit(&reg).await);
    match reg.rollback_deployment(current.id).await {
        Err(modelreg_core::Error::Invalid {
            field: "deployment",
            reason,
        }) => assert!(reason.contains("deprecated"), "the reason says why: {reason}"),
        other => panic!("expected the rollback to be refused, got {other:?}"),
    }
    assert_eq!((stats(&reg).await, all_audit(&reg).await), before);
    assert_eq!(reg.deployment(current.id).await.unwrap(), current);
}
