//! Changes racing each other: each succeeds or fails cleanly, none
//! deadlocks, and the audit trail is in commit order.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::Duration;

use modelreg_core::versions::{VersionFilter, VersionStatus};
use modelreg_core::{AuditAction, EntityKind, Error, Page, Selector, VersionRef};
use serde_json::json;
use tokio::sync::Barrier;
use uuid::Uuid;

use crate::fixtures::*;
use crate::{AnyRegistry, AsApi};

/// Longer than any round takes; a round still running then is stuck.
const STUCK: Duration = Duration::from_secs(60);

pub async fn adding_one_new_tag_to_two_models_at_once_creates_it_once(reg: AnyRegistry) {
    let models = [model(&reg, "a").await, model(&reg, "b").await];
    let rounds = 10;
    for round in 0..rounds {
        let tag = format!("tag-{round}");
        let start = Arc::new(Barrier::new(models.len()));
        let tasks: Vec<_> = models
            .iter()
            .map(|m| {
                let (reg, tag, start, id) = (reg.clone(), tag.clone(), start.clone(), m.id);
                tokio::spawn(async move {
                    start.wait().await;
                    reg.add_tag(&id.into(), &tag).await
                })
            })
            .collect();
        for task in tasks {
            let added = task.await.unwrap().expect("both calls succeed");
            assert!(added, "each model gains the tag");
        }
    }
    assert_eq!(stats(&reg).await.tags, rounds);
    let tags = reg.list_tags(Page::default()).await.unwrap();
    assert!(tags.iter().all(|t| t.model_count == 2), "{tags:?}");
    let created: Vec<_> = all_audit(&reg)
        .await
        .into_iter()
        .filter(|e| e.entity_type == EntityKind::Tag && e.action == AuditAction::Create)
        .collect();
    assert_eq!(created.len() as u64, rounds, "one create event per tag");
    let named: BTreeSet<_> = created.iter().map(|e| e.changes["name"].to_string()).collect();
    assert_eq!(named.len() as u64, rounds);
    for m in &models {
        let events = audit_of(&reg, EntityKind::Model, m.id).await;
        assert_eq!(events.len() as u64, 1 + rounds, "a create and one event per tag");
    }
}

pub async fn concurrent_promotions_leave_an_audit_trail_in_commit_order(reg: AnyRegistry) {
    for round in 0..2 {
        let name = format!("contended-{round}");
        let m = model(&reg, &name).await;
        let mut versions = Vec::new();
        for i in 0..12 {
            versions.push(version(&reg, &m, &format!("1.{i}.0")).await);
        }
        let start = Arc::new(Barrier::new(versions.len()));
        let tasks: Vec<_> = versions
            .iter()
            .enumerate()
            .map(|(i, v)| {
                // Half by id, half by MODEL@SEMVER: both paths lock the model first.
                let reference = if i % 2 == 0 {
                    VersionRef::Id(v.id)
                } else {
                    VersionRef::semver(name.as_str(), v.semver.as_str())
                };
                let (reg, start) = (reg.clone(), start.clone());
                tokio::spawn(async move {
                    start.wait().await;
                    reg.set_version_status(&reference, VersionStatus::Production).await
                })
            })
            .collect();
        for task in tasks {
            tokio::time::timeout(STUCK, task)
                .await
                .expect("promotions finish")
                .unwrap()
                .expect("every promotion succeeds");
        }
        let stored = reg
            .list_versions(&m.id.into(), VersionFilter::default(), Page::default())
            .await
            .unwrap();
        let in_production = stored.iter().filter(|v| v.status == VersionStatus::Production);
        assert_eq!(in_production.count(), 1, "exactly one production version");
        let fin: BTreeMap<Uuid, VersionStatus> = stored.iter().map(|v| (v.id, v.status)).collect();
        assert_eq!(
            replay_statuses(&reg, &fin).await,
            fin,
            "the trail replays to the final statuses"
        );
    }
}

/// Replays the status changes of the versions in `versions` from their audit
/// trails, in timestamp order, checking that each change starts from the
/// status the one before it left, and that no moment has two production
/// versions. Answers the statuses reached.
async fn replay_statuses(
    reg: &(impl AsApi + ?Sized),
    versions: &BTreeMap<Uuid, VersionStatus>,
) -> BTreeMap<Uuid, VersionStatus> {
    let reg = reg.api();
    let mut events = Vec::new();
    for id in versions.keys() {
        events.extend(audit_of(reg, EntityKind::ModelVersion, *id).await);
    }
    events.sort_by_key(|e| e.timestamp);
    let mut status: BTreeMap<Uuid, VersionStatus> = BTreeMap::new();
    let status_of = |value: &serde_json::Value| -> VersionStatus {
        serde_json::from_value(value.clone()).expect("a status in the trail")
    };
    for (i, e) in events.iter().enumerate() {
        match e.action {
            AuditAction::Create => {
                status.insert(e.entity_id, status_of(&e.changes["status"]));
            }
            AuditAction::Update => {
                let change = &e.changes["status"];
                let before = status.get(&e.entity_id).copied();
                assert_eq!(
                    before,
                    Some(status_of(&change["old"])),
                    "{e:?} follows the event before it"
                );
                status.insert(e.entity_id, status_of(&change["new"]));
            }
            other => panic!("unexpected {other} event {e:?}"),
        }
        // One change writes all of its events with one timestamp: check between changes.
        if events.get(i + 1).is_none_or(|next| next.timestamp != e.timestamp) {
            let production = status.values().filter(|s| **s == VersionStatus::Production).count();
            assert!(production <= 1, "two production versions at {}", e.timestamp);
        }
    }
    status
}

pub async fn promoting_while_the_model_is_deleted_never_deadlocks(reg: AnyRegistry) {
    for round in 0..20 {
        let name = format!("doomed-{round}");
        let m = model(&reg, &name).await;
        let mut versions = Vec::new();
        for semver in ["1.0.0", "1.1.0", "2.0.0"] {
            versions.push(version(&reg, &m, semver).await);
        }
        let references = [
            VersionRef::Id(versions[0].id),
            VersionRef::semver(name.as_str(), "1.1.0"),
            VersionRef::of(name.as_str(), Selector::Latest),
        ];
        let start = Arc::new(Barrier::new(references.len() + 1));
        let promotions: Vec<_> = references
            .into_iter()
            .map(|reference| {
                let (reg, start) = (reg.clone(), start.clone());
                tokio::spawn(async move {
                    start.wait().await;
                    reg.set_version_status(&reference, VersionStatus::Production).await
                })
            })
            .collect();
        let deletion = {
            let (reg, start, id) = (reg.clone(), start.clone(), m.id);
            tokio::spawn(async move {
                start.wait().await;
                reg.delete_model(&id.into()).await
            })
        };
        let round_result = tokio::time::timeout(STUCK, async {
            let mut promoted = Vec::new();
            for task in promotions {
                match task.await.unwrap() {
                    Ok(v) => promoted.push(v),
                    Err(Error::NotFound { .. }) => {}
                    Err(other) => panic!("round {round}: a promotion failed with {other:?}"),
                }
            }
            deletion.await.unwrap().expect("the deletion succeeds");
            promoted
        })
        .await;
        let promoted = round_result.unwrap_or_else(|_| panic!("round {round} is stuck: a deadlock"));
        // The model is gone with every version, and what was promoted committed before it went.
        assert_not_found(reg.model(&m.id.into()).await, EntityKind::Model);
        for v in &versions {
            assert_not_found(reg.version(&v.id.into()).await, EntityKind::ModelVersion);
        }
        let deleted_at = audit_of(&reg, EntityKind::Model, m.id).await[0].clone();
        assert_eq!(deleted_at.action, AuditAction::Delete);
        for v in &promoted {
            let promotion = audit_of(&reg, EntityKind::ModelVersion, v.id)
                .await
                .into_iter()
                .find(|e| e.changes.get("status") == Some(&json!({"old": "registered", "new": "production"})))
                .expect("a promotion event");
            assert!(
                promotion.timestamp < deleted_at.timestamp,
                "round {round}: promoted after the delete"
            );
        }
    }
    assert_eq!(stats(&reg).await.model_versions, 0);
}
