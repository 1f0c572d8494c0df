//! Small builders the cases share, so that each case reads as its behaviour.

use modelreg_core::analytics::Stats;
use modelreg_core::deployments::{Deployment, NewDeployment};
use modelreg_core::environments::{Environment, EnvironmentKind, NewEnvironment};
use modelreg_core::models::{Model, NewModel};
use modelreg_core::teams::{NewTeam, Team};
use modelreg_core::versions::{Framework, ModelVersion, NewVersion};
use modelreg_core::{Actor, AuditEvent, EntityKind, Error, Page, Registry};
use uuid::Uuid;

/// The actor of every change a case makes.
pub fn actor() -> Actor {
    Actor::new("conformance").expect("a valid actor")
}

pub async fn team(reg: &Registry, name: &str) -> Team {
    reg.create_team(NewTeam::named(name), &actor())
        .await
        .expect("create team")
}

pub async fn model(reg: &Registry, name: &str) -> Model {
    reg.create_model(NewModel::named(name), &actor())
        .await
        .expect("create model")
}

pub fn new_version(semver: &str) -> NewVersion {
    NewVersion::new(semver, format!("s3://models/{semver}/model.pt"), Framework::Pytorch)
}

pub async fn version(reg: &Registry, model: &Model, semver: &str) -> ModelVersion {
    reg.register_version(model.id, new_version(semver), &actor())
        .await
        .expect("register version")
}

pub async fn environment(reg: &Registry, name: &str, kind: EnvironmentKind) -> Environment {
    reg.create_environment(NewEnvironment::new(name, kind), &actor())
        .await
        .expect("create environment")
}

pub async fn deploy(reg: &Registry, version: &ModelVersion, env: &Environment, name: &str) -> Deployment {
    reg.deploy(version.id, env.id, NewDeployment::named(name), &actor())
        .await
        .expect("deploy")
}

/// Every audit event of the registry (up to 10,000), newest first.
pub async fn all_audit(reg: &Registry) -> Vec<AuditEvent> {
    reg.recent_audit(Page::first(10_000).unwrap())
        .await
        .expect("recent audit")
}

pub async fn audit_of(reg: &Registry, kind: EntityKind, id: Uuid) -> Vec<AuditEvent> {
    reg.audit_of_entity(kind, id, Page::default())
        .await
        .expect("audit of entity")
}

pub async fn stats(reg: &Registry) -> Stats {
    reg.stats().await.expect("stats")
}

/// Asserts that `result` failed with `Invalid` naming `field`.
#[track_caller]
pub fn assert_invalid<T: std::fmt::Debug>(result: Result<T, Error>, field: &str) {
    match result {
        Err(Error::Invalid { field: got, .. }) => assert_eq!(got, field, "Invalid names the field"),
        other => panic!("expected Invalid {{ field: {field:?} }}, got {other:?}"),
    }
}

/// Asserts that `result` failed with `Conflict` on `entity`.`field` = `value`.
#[track_caller]
pub fn assert_conflict<T: std::fmt::Debug>(result: Result<T, Error>, entity: EntityKind, field: &str, value: &str) {
    match result {
        Err(Error::Conflict {
            entity: e,
            field: f,
            value: v,
        }) => assert_eq!((e, f, v.as_str()), (entity, field, value)),
        other => panic!("expected Conflict on {entity}.{field}, got {other:?}"),
    }
}

/// Asserts that `result` failed with `NotFound` for `entity`.
#[track_caller]
pub fn assert_not_found<T: std::fmt::Debug>(result: Result<T, Error>, entity: EntityKind) {
    match result {
        Err(Error::NotFound { entity: e, .. }) => assert_eq!(e, entity),
        other => panic!("expected NotFound {entity}, got {other:?}"),
    }
}
