use std::collections::BTreeMap;

use modelreg_core::deployments::DeploymentStatus;
use modelreg_core::environments::EnvironmentKind;
use modelreg_core::metrics::{NewMetric, Split};
use modelreg_core::models::{ModelUpdate, NewModel};
use modelreg_core::runs::{NewRun, RunFinish, RunStatus};
use modelreg_core::teams::{NewTeam, TeamUpdate};
use modelreg_core::versions::VersionStatus;
use modelreg_core::{Actor, AuditAction, EntityKind, Page};
use serde_json::json;

use crate::fixtures::*;
use crate::{ActingAs, AnyRegistry};

pub async fn every_mutation_writes_one_audit_event_with_its_actor(_reg: AnyRegistry, acting_as: ActingAs) {
    let reg = acting_as("alice");
    let t = reg.create_team(NewTeam::named("t")).await.unwrap();
    reg.update_team(
        &t.id.into(),
        TeamUpdate {
            department: Some(Some("R&D".into())),
            ..TeamUpdate::default()
        },
    )
    .await
    .unwrap();
    let m = reg.create_model(NewModel::named("m")).await.unwrap();
    reg.update_model(
        &m.id.into(),
        ModelUpdate {
            use_case: Some(Some("fraud".into())),
            ..ModelUpdate::default()
        },
    )
    .await
    .unwrap();
    reg.add_tag(&m.id.into(), "new-tag").await.unwrap();
    reg.remove_tag(&m.id.into(), "new-tag").await.unwrap();
    let v = reg.register_version(&m.id.into(), new_version("1.0.0")).await.unwrap();
    reg.set_version_status(&v.id.into(), VersionStatus::Validated)
        .await
        .unwrap();
    let run = reg.start_run(&v.id.into(), NewRun::named("r")).await.unwrap();
    reg.finish_run(run.id, RunFinish::with_status(RunStatus::Succeeded))
        .await
        .unwrap();
    reg.record_metric(&v.id.into(), NewMetric::new("acc", 0.9, Split::Test))
        .await
        .unwrap();
    let env = reg
        .create_environment(modelreg_core::environments::NewEnvironment::new(
            "e",
            EnvironmentKind::Staging,
        ))
        .await
        .unwrap();
    let d = reg
        .deploy(
            &v.id.into(),
            &env.id.into(),
            modelreg_core::deployments::NewDeployment::named("d"),
        )
        .await
        .unwrap();
    reg.set_deployment_status(d.id, DeploymentStatus::Healthy)
        .await
        .unwrap();
    reg.scale_deployment(d.id, 2).await.unwrap();
    reg.delete_team(&t.id.into()).await.unwrap();

    let events = all_audit(&reg).await;
    assert!(events.iter().all(|e| e.actor == "alice"));
    let mut per_kind: BTreeMap<(EntityKind, AuditAction), usize> = BTreeMap::new();
    for e in &events {
        *per_kind.entry((e.entity_type, e.action)).or_default() += 1;
    }
    let expected: BTreeMap<(EntityKind, AuditAction), usize> = [
        ((EntityKind::Team, AuditAction::Create), 1),
        ((EntityKind::Team, AuditAction::Update), 1),
        ((EntityKind::Team, AuditAction::Delete), 1),
        ((EntityKind::Model, AuditAction::Create), 1),
        ((EntityKind::Model, AuditAction::Update), 3),
        ((EntityKind::Tag, AuditAction::Create), 1),
        ((EntityKind::ModelVersion, AuditAction::Create), 1),
        ((EntityKind::ModelVersion, AuditAction::Update), 1),
        ((EntityKind::TrainingRun, AuditAction::Create), 1),
        ((EntityKind::TrainingRun, AuditAction::Update), 1),
        ((EntityKind::Metric, AuditAction::Create), 1),
        ((EntityKind::Environment, AuditAction::Create), 1),
        ((EntityKind::Deployment, AuditAction::Deploy), 1),
        ((EntityKind::Deployment, AuditAction::Update), 2),
    ]
    .into_iter()
    .collect();
    assert_eq!(per_kind, expected);
    assert_eq!(stats(&reg).await.audit_events, 17);
}

pub async fn a_failed_mutation_writes_no_audit_event(reg: AnyRegistry) {
    let m = model(&reg, "m").await;
    version(&reg, &m, "1.0.0").await;
    let before = all_audit(&reg).await;
    let _ = reg
        .register_version(&m.id.into(), other_artifact("1.0.0"))
        .await
        .unwrap_err();
    let _ = reg
        .register_version(&m.id.into(), new_version("bad"))
        .await
        .unwrap_err();
    let _ = reg.create_model(NewModel::named("m")).await.unwrap_err();
    let _ = reg
        .update_model(
            &m.id.into(),
            ModelUpdate {
                name: Some(" padded".into()),
                ..ModelUpdate::default()
            },
        )
        .await
        .unwrap_err();
    let _ = reg.add_tag(&m.id.into(), "").await.unwrap_err();
    assert_eq!(all_audit(&reg).await, before);
}

pub async fn create_events_list_the_created_fields(reg: AnyRegistry) {
    let m = model(&reg, "m").await;
    let mut new = new_version("1.2.3");
    new.metadata.insert("lr".into(), json!(0.001));
    let v = reg.register_version(&m.id.into(), new).await.unwrap();
    let events = audit_of(&reg, EntityKind::ModelVersion, v.id).await;
    assert_eq!(events.len(), 1);
    let e = &events[0];
    assert_eq!(
        (e.action, e.entity_id, e.actor.as_str()),
        (AuditAction::Create, v.id, "conformance")
    );
    assert_eq!(e.changes["semver"], json!("1.2.3"));
    assert_eq!(e.changes["status"], json!("registered"));
    assert_eq!(e.changes["metadata"], json!({"lr": 0.001}));
    assert_eq!(e.changes["model_id"], json!(m.id.to_string()));
    assert_eq!(e.timestamp, v.created_at.max(e.timestamp));
}

pub async fn audit_lists_by_actor_and_recent_newest_first(reg: AnyRegistry, acting_as: ActingAs) {
    let alice = acting_as("alice");
    let bob = acting_as("bob");
    let a1 = alice.create_model(NewModel::named("a1")).await.unwrap();
    let b1 = bob.create_model(NewModel::named("b1")).await.unwrap();
    let a2 = alice.create_model(NewModel::named("a2")).await.unwrap();
    let by_alice = reg.audit_by_actor("alice", Page::default()).await.unwrap();
    assert_eq!(by_alice.iter().map(|e| e.entity_id).collect::<Vec<_>>(), [a2.id, a1.id]);
    let recent = reg.recent_audit(Page::first(2).unwrap()).await.unwrap();
    assert_eq!(recent.iter().map(|e| e.entity_id).collect::<Vec<_>>(), [a2.id, b1.id]);
    let older = reg.recent_audit(Page::new(2, 5).unwrap()).await.unwrap();
    assert_eq!(older.iter().map(|e| e.entity_id).collect::<Vec<_>>(), [a1.id]);
    assert!(reg.audit_by_actor("carol", Page::default()).await.unwrap().is_empty());
}

pub async fn actor_must_be_a_valid_name(_reg: AnyRegistry) {
    assert_invalid(Actor::new(""), "actor");
    assert_invalid(Actor::new(" alice"), "actor");
    assert_invalid(Actor::new("a".repeat(101)), "actor");
    assert_invalid(Actor::new("bell\u{7}"), "actor");
    assert_eq!(Actor::new("a".repeat(100)).unwrap().as_str().len(), 100);
}

pub async fn deleting_writes_a_delete_event_with_the_last_fields(reg: AnyRegistry) {
    let m = model(&reg, "short-lived").await;
    reg.delete_model(&m.id.into()).await.unwrap();
    let events = audit_of(&reg, EntityKind::Model, m.id).await;
    assert_eq!(
        events.iter().map(|e| e.action).collect::<Vec<_>>(),
        [AuditAction::Delete, AuditAction::Create]
    );
    assert_eq!(events[0].changes["name"], json!("short-lived"));
}
