use modelreg_core::deployments::NewDeployment;
use modelreg_core::environments::{EnvironmentFilter, EnvironmentKind, EnvironmentUpdate, NewEnvironment};
use modelreg_core::{AuditAction, EntityKind, Page};
use serde_json::json;

use crate::AnyRegistry;
use crate::fixtures::*;

pub async fn create_environment_and_find_it_by_name(reg: AnyRegistry) {
    let mut new = NewEnvironment::new("prod-us", EnvironmentKind::Production);
    new.region = Some("us-east-1".into());
    new.kubernetes_namespace = Some("ml-prod".into());
    new.config.insert("replicas".into(), json!(3));
    let env = reg.create_environment(new).await.unwrap();
    assert!(env.is_active);
    assert_eq!(reg.environment(&"prod-us".into()).await.unwrap(), env);
    assert_eq!(
        reg.environment(&env.id.into()).await.unwrap().config["replicas"],
        json!(3)
    );
    assert_not_found(reg.environment(&"nowhere".into()).await, EntityKind::Environment);
}

pub async fn environment_names_are_unique(reg: AnyRegistry) {
    environment(&reg, "dev", EnvironmentKind::Development).await;
    let again = reg
        .create_environment(NewEnvironment::new("dev", EnvironmentKind::Sandbox))
        .await;
    assert_conflict(again, EntityKind::Environment, "name", "dev");
}

pub async fn environments_list_by_kind_active_only(reg: AnyRegistry) {
    environment(&reg, "prod-b", EnvironmentKind::Production).await;
    let gone = environment(&reg, "prod-a", EnvironmentKind::Production).await;
    environment(&reg, "stage", EnvironmentKind::Staging).await;
    reg.deactivate_environment(&gone.id.into()).await.unwrap();
    let list = |filter| reg.list_environments(filter, Page::default());
    let names =
        |envs: Vec<modelreg_core::environments::Environment>| envs.into_iter().map(|e| e.name).collect::<Vec<_>>();
    let production = EnvironmentFilter {
        kind: Some(EnvironmentKind::Production),
        active_only: false,
    };
    assert_eq!(names(list(production).await.unwrap()), ["prod-a", "prod-b"]);
    let active_production = EnvironmentFilter {
        kind: Some(EnvironmentKind::Production),
        active_only: true,
    };
    assert_eq!(names(list(active_production).await.unwrap()), ["prod-b"]);
    assert_eq!(
        names(list(EnvironmentFilter::default()).await.unwrap()),
        ["prod-a", "prod-b", "stage"]
    );
}

pub async fn updating_an_environment_audits_the_change(reg: AnyRegistry) {
    let env = environment(&reg, "edge", EnvironmentKind::Sandbox).await;
    let mut config = modelreg_core::validate::JsonObject::new();
    config.insert("gpu".into(), json!("T4"));
    let update = EnvironmentUpdate {
        region: Some(Some("eu-west-1".into())),
        config: Some(config),
        ..EnvironmentUpdate::default()
    };
    let updated = reg.update_environment(&env.id.into(), update).await.unwrap();
    assert_eq!(reg.environment(&env.id.into()).await.unwrap(), updated);
    let events = audit_of(&reg, EntityKind::Environment, env.id).await;
    assert_eq!(events[0].action, AuditAction::Update);
    assert_eq!(
        serde_json::Value::Object(events[0].changes.clone()),
        json!({"region": {"old": null, "new": "eu-west-1"}, "config": {"old": {}, "new": {"gpu": "T4"}}})
    );
}

pub async fn deactivated_environment_refuses_deployments(reg: AnyRegistry) {
    let env = environment(&reg, "old", EnvironmentKind::Staging).await;
    let deactivated = reg.deactivate_environment(&env.id.into()).await.unwrap();
    assert!(!deactivated.is_active);
    let m = model(&reg, "m").await;
    let v = version(&reg, &m, "1.0.0").await;
    let result = reg
        .deploy(&v.id.into(), &env.id.into(), NewDeployment::named("d"))
        .await;
    assert_invalid(result, "environment");
    assert_eq!(stats(&reg).await.deployments, 0);
}
