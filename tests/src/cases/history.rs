use std::collections::HashMap;
use std::sync::Arc;

use modelreg_core::history::HistoryEntry;
use modelreg_core::time::{self, Timestamp};
use modelreg_core::versions::VersionStatus;
use modelreg_core::{EntityKind, Error, Page, Ref, Selector, VersionRef};

use crate::AnyRegistry;
use crate::fixtures::*;

fn production(model: &str) -> VersionRef {
    VersionRef::of(model, Selector::Production)
}

fn alias(model: &str, name: &str) -> VersionRef {
    VersionRef::of(model, Selector::Alias(name.into()))
}

/// A moment strictly between the change before and the change after.
fn instant() -> Timestamp {
    time::now()
}

pub async fn every_status_change_and_alias_move_writes_a_history_row(reg: AnyRegistry) {
    let m = model(&reg, "m").await;
    let v1 = version(&reg, &m, "1.0.0").await;
    let v2 = version(&reg, &m, "2.0.0").await;
    reg.set_version_status(&v1.id.into(), VersionStatus::Production)
        .await
        .unwrap();
    reg.set_version_status(&v2.id.into(), VersionStatus::Production)
        .await
        .unwrap();
    reg.set_alias(&v1.id.into(), "shadow").await.unwrap();
    reg.set_alias(&v2.id.into(), "shadow").await.unwrap();
    reg.remove_alias(&m.id.into(), "shadow").await.unwrap();
    let history = reg.version_history(&m.id.into(), Page::default()).await.unwrap();
    let lines: Vec<String> = history
        .iter()
        .rev()
        .map(|entry| match entry {
            HistoryEntry::Status(c) => {
                let semver = if c.version_id == v1.id { "1.0.0" } else { "2.0.0" };
                format!("{semver}: {:?} -> {}", c.from_status.map(|s| s.as_str()), c.to_status)
            }
            HistoryEntry::Alias(c) => format!(
                "{}: {:?} -> {:?}",
                c.alias,
                c.from_version_id.map(|id| id == v1.id),
                c.to_version_id.map(|id| id == v1.id)
            ),
        })
        .collect();
    assert_eq!(
        lines,
        [
            "1.0.0: None -> registered",
            "2.0.0: None -> registered",
            "1.0.0: Some(\"registered\") -> production",
            "1.0.0: Some(\"production\") -> archived",
            "2.0.0: Some(\"registered\") -> production",
            "shadow: None -> Some(true)",
            "shadow: Some(true) -> Some(false)",
            "shadow: Some(false) -> None",
        ]
    );
    assert!(history.iter().all(|e| match e {
        HistoryEntry::Status(c) => c.actor == "conformance",
        HistoryEntry::Alias(c) => c.actor == "conformance",
    }));
    let page = reg
        .version_history(&m.id.into(), Page::new(2, 3).unwrap())
        .await
        .unwrap();
    assert_eq!(page, history[2..5]);
}

pub async fn production_as_of_resolves_before_between_and_after_changes(reg: AnyRegistry) {
    let m = model(&reg, "fraud").await;
    let v1 = version(&reg, &m, "1.0.0").await;
    let v2 = version(&reg, &m, "2.0.0").await;
    let before = instant();
    reg.set_version_status(&v1.id.into(), VersionStatus::Production)
        .await
        .unwrap();
    let first = instant();
    reg.set_version_status(&v2.id.into(), VersionStatus::Production)
        .await
        .unwrap();
    let second = instant();
    reg.set_version_status(&v2.id.into(), VersionStatus::Archived)
        .await
        .unwrap();
    let after = instant();
    assert_not_found(
        reg.version_at(&production("fraud"), before).await,
        EntityKind::ModelVersion,
    );
    assert_eq!(reg.version_at(&production("fraud"), first).await.unwrap().id, v1.id);
    assert_eq!(reg.version_at(&production("fraud"), second).await.unwrap().id, v2.id);
    assert_not_found(
        reg.version_at(&production("fraud"), after).await,
        EntityKind::ModelVersion,
    );
    // The answer is the version as it is now (its current status), found by its past role.
    assert_eq!(
        reg.version_at(&production("fraud"), first).await.unwrap().status,
        VersionStatus::Archived
    );
}

pub async fn alias_as_of_resolves_before_between_and_after_moves(reg: AnyRegistry) {
    let m = model(&reg, "fraud").await;
    let v1 = version(&reg, &m, "1.0.0").await;
    let v2 = version(&reg, &m, "2.0.0").await;
    let before = instant();
    reg.set_alias(&v1.id.into(), "champion").await.unwrap();
    let first = instant();
    reg.set_alias(&v2.id.into(), "champion").await.unwrap();
    let second = instant();
    reg.remove_alias(&m.id.into(), "champion").await.unwrap();
    let after = instant();
    let champion = alias("fraud", "champion");
    assert_not_found(reg.version_at(&champion, before).await, EntityKind::ModelVersion);
    assert_eq!(reg.version_at(&champion, first).await.unwrap().id, v1.id);
    assert_eq!(reg.version_at(&champion, second).await.unwrap().id, v2.id);
    assert_not_found(reg.version_at(&champion, after).await, EntityKind::ModelVersion);
}

pub async fn as_of_says_what_it_cannot_answer(reg: AnyRegistry) {
    let m = model(&reg, "fraud").await;
    let before = instant();
    let v1 = version(&reg, &m, "1.0.0").await;
    reg.set_version_status(&v1.id.into(), VersionStatus::Production)
        .await
        .unwrap();
    let promoted = instant();
    // A semver or an id resolves when the version existed at that instant.
    assert_eq!(reg.version_at(&v1.id.into(), promoted).await.unwrap().id, v1.id);
    assert_not_found(
        reg.version_at(&VersionRef::semver("fraud", "1.0.0"), before).await,
        EntityKind::ModelVersion,
    );
    assert_invalid(
        reg.version_at(&VersionRef::of("fraud", Selector::Latest), promoted)
            .await,
        "at",
    );
    // A version that was in production then, and deleted since, is named.
    reg.delete_version(&v1.id.into()).await.unwrap();
    match reg.version_at(&production("fraud"), promoted).await {
        Err(Error::NotFound {
            entity: EntityKind::ModelVersion,
            key,
        }) => {
            assert!(key.contains(&v1.id.to_string()) && key.contains("deleted"), "{key}")
        }
        other => panic!("expected NotFound naming the deleted version, got {other:?}"),
    }
}

pub async fn concurrent_promotions_leave_a_history_that_replays_to_the_final_state(reg: AnyRegistry) {
    let m = model(&reg, "m").await;
    let mut versions = Vec::new();
    for i in 0..10 {
        versions.push(version(&reg, &m, &format!("1.{i}.0")).await);
    }
    let reg = Arc::new(reg);
    let barrier = Arc::new(tokio::sync::Barrier::new(versions.len()));
    let tasks: Vec<_> = versions
        .iter()
        .map(|v| {
            let (reg, barrier, id) = (Arc::clone(&reg), Arc::clone(&barrier), v.id);
            tokio::spawn(async move {
                barrier.wait().await;
                reg.set_version_status(&id.into(), VersionStatus::Production).await
            })
        })
        .collect();
    for task in tasks {
        task.await.expect("task").expect("promotion");
    }
    let mut history = reg
        .version_history(&m.id.into(), Page::first(1000).unwrap())
        .await
        .unwrap();
    history.reverse();
    let mut replayed: HashMap<uuid::Uuid, VersionStatus> = HashMap::new();
    for entry in &history {
        if let HistoryEntry::Status(c) = entry {
            assert_eq!(
                replayed.get(&c.version_id).copied(),
                c.from_status,
                "each change starts where the last ended"
            );
            replayed.insert(c.version_id, c.to_status);
            let in_production = replayed.values().filter(|s| **s == VersionStatus::Production).count();
            assert!(
                in_production <= 1,
                "never two production versions at one moment of the history"
            );
        }
    }
    for v in &versions {
        let now = reg.version(&v.id.into()).await.unwrap();
        assert_eq!(replayed[&v.id], now.status, "{}", now.semver);
    }
    let now_in_production = reg.production_version(&Ref::Id(m.id)).await.unwrap().unwrap();
    assert_eq!(
        reg.version_at(&production("m"), time::now()).await.unwrap(),
        now_in_production
    );
}
