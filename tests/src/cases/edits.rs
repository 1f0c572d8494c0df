use modelreg_core::deployments::DeploymentStatus;
use modelreg_core::environments::EnvironmentKind;
use modelreg_core::versions::{Framework, NewVersion, VersionStatus, VersionUpdate};
use modelreg_core::{AuditAction, EntityKind, Page, Ref};
use serde_json::json;

use crate::AnyRegistry;
use crate::fixtures::*;

fn object(value: serde_json::Value) -> modelreg_core::validate::JsonObject {
    value.as_object().cloned().expect("an object")
}

pub async fn editable_fields_change_with_one_audit_event_of_old_and_new(reg: AnyRegistry) {
    let m = model(&reg, "m").await;
    let mut new = new_version("1.0.0");
    new.metadata = object(json!({"auc": 0.9, "owner": "alice", "stale": true}));
    let v = reg.register_version(&m.id.into(), new).await.unwrap();
    let update = VersionUpdate {
        description: Some(Some("retrained on\nthe March data".into())),
        set_metadata: object(json!({"auc": 0.93, "dataset": "march"})),
        unset_metadata: vec!["stale".into()],
        framework_version: Some(Some("2.3".into())),
        python_version: Some(Some("3.12".into())),
        ..VersionUpdate::default()
    };
    let before = audit_of(&reg, EntityKind::ModelVersion, v.id).await.len();
    let edited = reg.update_version(&v.id.into(), update).await.unwrap();
    assert_eq!(edited.description.as_deref(), Some("retrained on\nthe March data"));
    assert_eq!(
        serde_json::Value::Object(edited.metadata.clone()),
        json!({"auc": 0.93, "owner": "alice", "dataset": "march"})
    );
    assert_eq!(
        (edited.framework_version.as_deref(), edited.python_version.as_deref()),
        (Some("2.3"), Some("3.12"))
    );
    assert_eq!(
        (edited.semver.as_str(), edited.artifact_uri.as_str()),
        (v.semver.as_str(), v.artifact_uri.as_str())
    );
    assert_eq!(reg.version(&v.id.into()).await.unwrap(), edited);
    let events = audit_of(&reg, EntityKind::ModelVersion, v.id).await;
    assert_eq!(events.len(), before + 1);
    assert_eq!(events[0].action, AuditAction::Update);
    let changed: Vec<&String> = events[0].changes.keys().collect();
    assert_eq!(
        changed,
        ["description", "framework_version", "metadata", "python_version"]
    );
    assert_eq!(events[0].changes["description"]["old"], json!(null));
    let replaced = reg
        .update_version(
            &v.id.into(),
            VersionUpdate {
                metadata: Some(object(json!({"only": 1}))),
                description: Some(None),
                ..VersionUpdate::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(serde_json::Value::Object(replaced.metadata), json!({"only": 1}));
    assert_eq!(replaced.description, None);
}

pub async fn size_and_checksum_are_filled_in_once(reg: AnyRegistry) {
    let m = model(&reg, "m").await;
    let v = version(&reg, &m, "1.0.0").await;
    let checksum = "AB".repeat(32);
    let filled = reg
        .update_version(
            &v.id.into(),
            VersionUpdate {
                size_bytes: Some(5_000_000_000),
                checksum_sha256: Some(checksum.clone()),
                ..VersionUpdate::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(filled.size_bytes, Some(5_000_000_000));
    assert_eq!(filled.checksum_sha256, Some(checksum.to_lowercase()));
    let same = VersionUpdate {
        size_bytes: Some(5_000_000_000),
        checksum_sha256: Some(checksum.to_lowercase()),
        ..VersionUpdate::default()
    };
    assert_eq!(
        reg.update_version(&v.id.into(), same).await.unwrap(),
        filled,
        "repeating the value is fine"
    );
    let resize = VersionUpdate {
        size_bytes: Some(1),
        ..VersionUpdate::default()
    };
    assert_invalid(reg.update_version(&v.id.into(), resize).await, "size_bytes");
    let recheck = VersionUpdate {
        checksum_sha256: Some("cd".repeat(32)),
        ..VersionUpdate::default()
    };
    assert_invalid(reg.update_version(&v.id.into(), recheck).await, "checksum_sha256");
    let bad = VersionUpdate {
        description: Some(Some("bidi \u{202E} override".into())),
        ..VersionUpdate::default()
    };
    assert_invalid(reg.update_version(&v.id.into(), bad).await, "description");
    assert_eq!(
        reg.version(&v.id.into()).await.unwrap(),
        filled,
        "refused edits change nothing"
    );
}

pub async fn an_edit_that_changes_nothing_writes_nothing(reg: AnyRegistry) {
    let m = model(&reg, "m").await;
    let v = version(&reg, &m, "1.0.0").await;
    let before = stats(&reg).await.audit_events;
    let nothing = VersionUpdate {
        unset_metadata: vec!["absent".into()],
        ..VersionUpdate::default()
    };
    assert_eq!(reg.update_version(&v.id.into(), nothing).await.unwrap(), v);
    assert_eq!(stats(&reg).await.audit_events, before);
}

pub async fn registering_the_same_version_again_answers_the_existing_one(reg: AnyRegistry) {
    let m = model(&reg, "m").await;
    let mut new = new_version("1.0.0");
    new.checksum_sha256 = Some("ab".repeat(32));
    let first = reg.register(&m.id.into(), new.clone()).await.unwrap();
    assert!(first.created);
    let before = stats(&reg).await;
    // A retry (the checksum in another case, new metadata) is the same registration.
    new.checksum_sha256 = Some("AB".repeat(32));
    new.metadata = object(json!({"retry": true}));
    let again = reg.register(&Ref::name("m"), new).await.unwrap();
    assert!(!again.created);
    assert_eq!(again.version, first.version);
    assert_eq!(stats(&reg).await, before, "a retry writes nothing");
}

pub async fn each_differing_identity_field_is_a_mismatch_naming_it(reg: AnyRegistry) {
    let m = model(&reg, "m").await;
    let mut original = new_version("1.0.0");
    original.checksum_sha256 = Some("ab".repeat(32));
    reg.register_version(&m.id.into(), original.clone()).await.unwrap();
    let before = stats(&reg).await;
    let with = |edit: &dyn Fn(&mut NewVersion)| {
        let mut new = original.clone();
        edit(&mut new);
        new
    };
    let cases: Vec<(NewVersion, Vec<&str>)> = vec![
        (with(&|n| n.artifact_uri = "s3://other".into()), vec!["artifact_uri"]),
        (with(&|n| n.framework = Framework::Onnx), vec!["framework"]),
        (
            with(&|n| n.checksum_sha256 = Some("cd".repeat(32))),
            vec!["checksum_sha256"],
        ),
        (with(&|n| n.checksum_sha256 = None), vec!["checksum_sha256"]),
        (
            with(&|n| {
                n.artifact_uri = "s3://other".into();
                n.checksum_sha256 = None;
            }),
            vec!["artifact_uri", "checksum_sha256"],
        ),
    ];
    for (new, fields) in cases {
        assert_mismatch(reg.register_version(&m.id.into(), new).await, &fields);
    }
    assert_eq!(stats(&reg).await, before);
}

pub async fn versions_are_found_by_checksum_across_models(reg: AnyRegistry) {
    let (a, b) = (model(&reg, "a").await, model(&reg, "b").await);
    let shared = "ef".repeat(32);
    let mut new = new_version("1.0.0");
    new.checksum_sha256 = Some(shared.clone());
    reg.register_version(&a.id.into(), new.clone()).await.unwrap();
    reg.register_version(&b.id.into(), new).await.unwrap();
    version(&reg, &a, "2.0.0").await;
    let found = reg
        .versions_by_checksum(&shared.to_uppercase(), Page::default())
        .await
        .unwrap();
    let models: Vec<&str> = found.iter().map(|f| f.model.name.as_str()).collect();
    assert_eq!(models, ["b", "a"], "newest first");
    assert!(
        reg.versions_by_checksum(&"00".repeat(32), Page::default())
            .await
            .unwrap()
            .is_empty()
    );
    assert_invalid(
        reg.versions_by_checksum("xyz", Page::default()).await,
        "checksum_sha256",
    );
}

pub async fn drift_lists_deployments_that_do_not_run_the_production_version(reg: AnyRegistry) {
    let m = model(&reg, "fraud").await;
    let other = model(&reg, "other").await;
    let (v1, v2) = (version(&reg, &m, "1.0.0").await, version(&reg, &m, "2.0.0").await);
    let o1 = version(&reg, &other, "1.0.0").await;
    let prod = environment(&reg, "prod", EnvironmentKind::Production).await;
    let staging = environment(&reg, "staging", EnvironmentKind::Staging).await;
    reg.set_version_status(&v2.id.into(), VersionStatus::Production)
        .await
        .unwrap();
    let old = deploy(&reg, &v1, &prod, "fraud-prod").await;
    reg.set_deployment_status(old.id, DeploymentStatus::Healthy)
        .await
        .unwrap();
    let current = deploy(&reg, &v2, &staging, "fraud-staging").await;
    reg.set_deployment_status(current.id, DeploymentStatus::Healthy)
        .await
        .unwrap();
    let unmanaged = deploy(&reg, &o1, &prod, "other-prod").await;
    reg.set_deployment_status(unmanaged.id, DeploymentStatus::Degraded)
        .await
        .unwrap();
    let failed = deploy(&reg, &v1, &staging, "failed").await;
    reg.set_deployment_status(failed.id, DeploymentStatus::Failed)
        .await
        .unwrap();

    let drift = reg.drift(None, Page::default()).await.unwrap();
    let seen: Vec<(&str, &str, &str, Option<&str>)> = drift
        .iter()
        .map(|d| {
            (
                d.environment.name.as_str(),
                d.model.name.as_str(),
                d.deployed.semver.as_str(),
                d.production.as_ref().map(|p| p.semver.as_str()),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            ("prod", "fraud", "1.0.0", Some("2.0.0")),
            ("prod", "other", "1.0.0", None)
        ]
    );
    let of_fraud = reg.drift(Some(&Ref::name("fraud")), Page::default()).await.unwrap();
    assert_eq!(of_fraud.len(), 1);
    assert_eq!(of_fraud[0].deployment.id, old.id);
    // Promoting what runs there ends the drift.
    reg.set_version_status(&v1.id.into(), VersionStatus::Production)
        .await
        .unwrap();
    let now = reg.drift(Some(&Ref::name("fraud")), Page::default()).await.unwrap();
    assert_eq!(now.len(), 1);
    assert_eq!(
        now[0].deployment.id, current.id,
        "staging now runs a version that is no longer production"
    );
}

pub async fn a_tag_is_described_and_deleting_it_unlinks_every_model_with_an_event_each(reg: AnyRegistry) {
    let (a, b) = (model(&reg, "a").await, model(&reg, "b").await);
    reg.add_tag(&a.id.into(), "nlp").await.unwrap();
    reg.add_tag(&b.id.into(), "nlp").await.unwrap();
    let update = modelreg_core::models::TagUpdate {
        description: Some(Some("language\nmodels".into())),
    };
    let tag = reg.update_tag("nlp", update).await.unwrap();
    assert_eq!(tag.description.as_deref(), Some("language\nmodels"));
    assert_eq!(
        audit_of(&reg, EntityKind::Tag, tag.id).await[0].action,
        AuditAction::Update
    );
    let before = stats(&reg).await.audit_events;
    reg.delete_tag("nlp").await.unwrap();
    assert_eq!(
        stats(&reg).await.audit_events,
        before + 3,
        "two untags and the tag's delete"
    );
    assert!(
        reg.tags_of_model(&a.id.into(), Page::default())
            .await
            .unwrap()
            .is_empty()
    );
    assert!(reg.list_tags(Page::default()).await.unwrap().is_empty());
    assert_eq!(
        audit_of(&reg, EntityKind::Tag, tag.id).await[0].action,
        AuditAction::Delete
    );
    assert_eq!(
        serde_json::Value::Object(audit_of(&reg, EntityKind::Model, b.id).await[0].changes.clone()),
        json!({"tags": {"removed": "nlp"}})
    );
    assert_not_found(reg.delete_tag("nlp").await, EntityKind::Tag);
}
