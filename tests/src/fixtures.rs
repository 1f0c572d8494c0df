//! Small builders the cases share, so that each case reads as its behaviour.
//! They take any registry (`&dyn RegistryApi`): a local one, or a remote one.

use std::collections::BTreeMap;

use crate::AsApi;
use modelreg_core::analytics::Stats;
use modelreg_core::deployments::{Deployment, NewDeployment};
use modelreg_core::environments::{Environment, EnvironmentKind, NewEnvironment};
use modelreg_core::models::{Model, NewModel};
use modelreg_core::store::RecordKind;
use modelreg_core::teams::{NewTeam, Team};
use modelreg_core::transfer::{Header, Summary};
use modelreg_core::versions::{Framework, ModelVersion, NewVersion};
use modelreg_core::{Actor, AuditEvent, EntityKind, Error, Page, Registry, TransferError};
use uuid::Uuid;

/// The actor of every change a case makes (each backend's fresh registry acts as it).
pub fn actor() -> Actor {
    Actor::new("conformance").expect("a valid actor")
}

pub async fn team(reg: &(impl AsApi + ?Sized), name: &str) -> Team {
    let reg = reg.api();
    reg.create_team(NewTeam::named(name)).await.expect("create team")
}

pub async fn model(reg: &(impl AsApi + ?Sized), name: &str) -> Model {
    let reg = reg.api();
    reg.create_model(NewModel::named(name)).await.expect("create model")
}

pub fn new_version(semver: &str) -> NewVersion {
    NewVersion::new(semver, format!("s3://models/{semver}/model.pt"), Framework::Pytorch)
}

/// A registration of `semver` with another artifact than [`new_version`]'s.
pub fn other_artifact(semver: &str) -> NewVersion {
    NewVersion::new(semver, format!("s3://elsewhere/{semver}/model.pt"), Framework::Pytorch)
}

pub async fn version(reg: &(impl AsApi + ?Sized), model: &Model, semver: &str) -> ModelVersion {
    let reg = reg.api();
    reg.register_version(&model.id.into(), new_version(semver))
        .await
        .expect("register version")
}

pub async fn environment(reg: &(impl AsApi + ?Sized), name: &str, kind: EnvironmentKind) -> Environment {
    let reg = reg.api();
    reg.create_environment(NewEnvironment::new(name, kind))
        .await
        .expect("create environment")
}

pub async fn deploy(reg: &(impl AsApi + ?Sized), version: &ModelVersion, env: &Environment, name: &str) -> Deployment {
    let reg = reg.api();
    reg.deploy(&version.id.into(), &env.id.into(), NewDeployment::named(name))
        .await
        .expect("deploy")
}

/// Every audit event of the registry (up to 10,000), newest first.
pub async fn all_audit(reg: &(impl AsApi + ?Sized)) -> Vec<AuditEvent> {
    let reg = reg.api();
    reg.recent_audit(Page::first(10_000).unwrap())
        .await
        .expect("recent audit")
}

pub async fn audit_of(reg: &(impl AsApi + ?Sized), kind: EntityKind, id: Uuid) -> Vec<AuditEvent> {
    let reg = reg.api();
    reg.audit_of_entity(kind, id, Page::default())
        .await
        .expect("audit of entity")
}

pub async fn stats(reg: &(impl AsApi + ?Sized)) -> Stats {
    let reg = reg.api();
    reg.stats().await.expect("stats")
}

/// An export of the whole registry, line by line (the header first).
pub async fn export(reg: &(impl AsApi + ?Sized)) -> Vec<String> {
    let reg = reg.api();
    let mut out = Vec::new();
    reg.export(&mut out, &mut |_, _| {}).await.expect("export");
    String::from_utf8(out)
        .expect("UTF-8")
        .lines()
        .map(str::to_owned)
        .collect()
}

/// Imports `lines` (an export, perhaps edited) into `reg`.
pub async fn import(reg: &Registry, lines: &[String], merge: bool) -> Result<Summary, TransferError> {
    let text = lines.join("\n");
    reg.import(&mut text.as_bytes(), merge, &mut |_, _| {}).await
}

/// The header of an export, and how many records of each kind its lines hold.
pub fn header_and_counts(lines: &[String]) -> (Header, BTreeMap<RecordKind, u64>) {
    let header: Header = serde_json::from_str(&lines[0]).expect("a header line");
    let mut counts = BTreeMap::new();
    for line in &lines[1..] {
        let record: modelreg_core::Record = serde_json::from_str(line).expect("a record line");
        *counts.entry(record.record_kind()).or_default() += 1;
    }
    (header, counts)
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

/// Asserts that `result` failed with `Mismatch` naming exactly `fields`.
#[track_caller]
pub fn assert_mismatch<T: std::fmt::Debug>(result: Result<T, Error>, fields: &[&str]) {
    match result {
        Err(Error::Mismatch { fields: got, .. }) => assert_eq!(got, fields),
        other => panic!("expected Mismatch {fields:?}, got {other:?}"),
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

/// Asserts that `result` failed with `NotFound` for `entity` under exactly `key`.
#[track_caller]
pub fn assert_not_found_key<T: std::fmt::Debug>(result: Result<T, Error>, entity: EntityKind, key: &str) {
    match result {
        Err(Error::NotFound { entity: e, key: k }) => assert_eq!((e, k.as_str()), (entity, key)),
        other => panic!("expected NotFound {entity} {key:?}, got {other:?}"),
    }
}
