use modelreg_core::versions::VersionStatus;
use modelreg_core::{AuditAction, EntityKind, Page, Ref, Selector, VersionRef};
use serde_json::json;

use crate::AnyRegistry;
use crate::fixtures::*;

fn alias_ref(model: &str, alias: &str) -> VersionRef {
    VersionRef::of(model, Selector::Alias(alias.into()))
}

pub async fn alias_names_follow_the_grammar(reg: AnyRegistry) {
    let m = model(&reg, "m").await;
    let v = version(&reg, &m, "1.0.0").await;
    for ok in ["champion", "shadow-2", "canary_eu", "a"] {
        reg.set_alias(&v.id.into(), ok).await.expect(ok);
    }
    for bad in ["", "Champion", "1.2.0", "latest", "production", "-x", "two words", "é"] {
        assert_invalid(reg.set_alias(&v.id.into(), bad).await, "alias");
    }
    assert_invalid(reg.set_alias(&v.id.into(), &"a".repeat(51)).await, "alias");
    let names: Vec<String> = reg
        .aliases_of_model(&m.id.into(), Page::default())
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.name)
        .collect();
    assert_eq!(names, ["a", "canary_eu", "champion", "shadow-2"]);
}

pub async fn setting_an_alias_that_exists_moves_it_with_one_audit_event(reg: AnyRegistry) {
    let m = model(&reg, "fraud").await;
    let (v1, v2) = (version(&reg, &m, "1.0.0").await, version(&reg, &m, "2.0.0").await);
    reg.set_alias(&VersionRef::semver("fraud", "1.0.0"), "champion")
        .await
        .unwrap();
    assert_eq!(reg.version(&alias_ref("fraud", "champion")).await.unwrap(), v1);
    let before = audit_of(&reg, EntityKind::Model, m.id).await.len();
    let moved = reg.set_alias(&v2.id.into(), "champion").await.unwrap();
    assert_eq!(moved.version_id, v2.id);
    assert_eq!(reg.version(&alias_ref("fraud", "champion")).await.unwrap(), v2);
    let events = audit_of(&reg, EntityKind::Model, m.id).await;
    assert_eq!(events.len(), before + 1, "one event for the move");
    assert_eq!(events[0].action, AuditAction::Update);
    assert_eq!(
        serde_json::Value::Object(events[0].changes.clone()),
        json!({"aliases": {"champion": {"old": "1.0.0", "new": "2.0.0"}}})
    );
    let again = reg.set_alias(&v2.id.into(), "champion").await.unwrap();
    assert_eq!(again, moved);
    assert_eq!(
        audit_of(&reg, EntityKind::Model, m.id).await.len(),
        before + 1,
        "setting it again changes nothing"
    );
}

pub async fn a_version_may_carry_several_aliases_and_aliases_are_per_model(reg: AnyRegistry) {
    let (a, b) = (model(&reg, "a").await, model(&reg, "b").await);
    let va = version(&reg, &a, "1.0.0").await;
    let vb = version(&reg, &b, "1.0.0").await;
    reg.set_alias(&va.id.into(), "champion").await.unwrap();
    reg.set_alias(&va.id.into(), "shadow").await.unwrap();
    reg.set_alias(&vb.id.into(), "champion").await.unwrap();
    assert_eq!(reg.version(&alias_ref("a", "shadow")).await.unwrap(), va);
    assert_eq!(reg.version(&alias_ref("b", "champion")).await.unwrap(), vb);
    let listed = reg.aliases_of_model(&Ref::name("a"), Page::default()).await.unwrap();
    let pairs: Vec<(&str, &str)> = listed.iter().map(|x| (x.name.as_str(), x.semver.as_str())).collect();
    assert_eq!(pairs, [("champion", "1.0.0"), ("shadow", "1.0.0")]);
    assert_not_found(reg.version(&alias_ref("b", "shadow")).await, EntityKind::ModelVersion);
}

pub async fn removing_an_alias_is_audited_and_a_missing_one_is_false(reg: AnyRegistry) {
    let m = model(&reg, "m").await;
    let v = version(&reg, &m, "1.0.0").await;
    reg.set_alias(&v.id.into(), "champion").await.unwrap();
    let before = stats(&reg).await.audit_events;
    assert!(reg.remove_alias(&m.id.into(), "champion").await.unwrap());
    assert!(!reg.remove_alias(&m.id.into(), "champion").await.unwrap());
    assert_eq!(stats(&reg).await.audit_events, before + 1);
    let event = &audit_of(&reg, EntityKind::Model, m.id).await[0];
    assert_eq!(
        serde_json::Value::Object(event.changes.clone()),
        json!({"aliases": {"champion": {"old": "1.0.0", "new": null}}})
    );
    assert_not_found(reg.version(&alias_ref("m", "champion")).await, EntityKind::ModelVersion);
}

pub async fn an_alias_cannot_point_at_a_deprecated_version(reg: AnyRegistry) {
    let m = model(&reg, "m").await;
    let v = version(&reg, &m, "1.0.0").await;
    reg.set_version_status(&v.id.into(), VersionStatus::Deprecated)
        .await
        .unwrap();
    let before = stats(&reg).await;
    assert_invalid(reg.set_alias(&v.id.into(), "champion").await, "version");
    assert_eq!(stats(&reg).await, before);
}

pub async fn deprecating_a_version_that_holds_aliases_is_refused_naming_them(reg: AnyRegistry) {
    let m = model(&reg, "m").await;
    let v = version(&reg, &m, "1.0.0").await;
    reg.set_alias(&v.id.into(), "shadow").await.unwrap();
    reg.set_alias(&v.id.into(), "champion").await.unwrap();
    let refused = reg.set_version_status(&v.id.into(), VersionStatus::Deprecated).await;
    match &refused {
        Err(modelreg_core::Error::Invalid {
            field: "status",
            reason,
        }) => {
            assert!(reason.contains("champion, shadow"), "{reason}")
        }
        other => panic!("expected Invalid status naming the aliases, got {other:?}"),
    }
    assert_eq!(
        reg.version(&v.id.into()).await.unwrap().status,
        VersionStatus::Registered
    );
    reg.remove_alias(&m.id.into(), "shadow").await.unwrap();
    reg.remove_alias(&m.id.into(), "champion").await.unwrap();
    reg.set_version_status(&v.id.into(), VersionStatus::Deprecated)
        .await
        .unwrap();
}

pub async fn deleting_a_version_removes_its_aliases_with_an_event_each(reg: AnyRegistry) {
    let m = model(&reg, "m").await;
    let (v1, v2) = (version(&reg, &m, "1.0.0").await, version(&reg, &m, "2.0.0").await);
    reg.set_alias(&v1.id.into(), "champion").await.unwrap();
    reg.set_alias(&v1.id.into(), "shadow").await.unwrap();
    reg.set_alias(&v2.id.into(), "canary").await.unwrap();
    let before = audit_of(&reg, EntityKind::Model, m.id).await.len();
    reg.delete_version(&v1.id.into()).await.unwrap();
    let events = audit_of(&reg, EntityKind::Model, m.id).await;
    assert_eq!(events.len(), before + 2, "one event per removed alias");
    let names: Vec<String> = reg
        .aliases_of_model(&m.id.into(), Page::default())
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.name)
        .collect();
    assert_eq!(names, ["canary"]);
    let deleted = audit_of(&reg, EntityKind::ModelVersion, v1.id).await;
    assert_eq!(deleted[0].action, AuditAction::Delete);
}
