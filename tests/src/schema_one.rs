//! Checks of a registry that was written at schema 1 and is now at
//! schema 2, through the registry alone (so that they hold on every
//! backend): its status history is the one its audit trail tells, "as
//! of" answers for the past, and it takes new writes. The upgrade cases
//! ([`crate::cases::upgrades`]) run them on the imported format-1 export,
//! the backends' migration tests on their migrated schema-1 databases.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::Duration;
use modelreg_core::audit::AuditAction;
use modelreg_core::history::{HistoryEntry, StatusChange};
use modelreg_core::time::{self, Timestamp};
use modelreg_core::versions::{NewVersion, VersionStatus, VersionUpdate};
use modelreg_core::{EntityKind, Error, Page, Record, Ref, Registry, Selector, VersionRef};
use uuid::Uuid;

use crate::fixtures::{actor, export};

/// Every record of a registry, read through an export (in its order).
pub async fn records(reg: &Registry) -> Vec<Record> {
    export(reg)
        .await
        .iter()
        .skip(1)
        .map(|line| serde_json::from_str(line).expect("an export line is a record"))
        .collect()
}

/// The records of a file of JSON lines after its header (format 1 reads
/// as records too: a version without a description has none).
pub fn records_of_file(text: &str) -> Vec<Record> {
    text.lines()
        .skip(1)
        .filter(|line| !line.trim().is_empty())
        .map(|line| serde_json::from_str(line).expect("a line of the file is a record"))
        .collect()
}

/// What a version was, as its creation event tells (it may be gone since).
#[derive(Debug, Clone, PartialEq)]
pub struct Created {
    pub model_id: Uuid,
    pub semver: String,
}

/// Every version the audit trail saw created, deleted ones included.
pub fn created_versions(records: &[Record]) -> HashMap<Uuid, Created> {
    records
        .iter()
        .filter_map(|record| match record {
            Record::AuditEvent(a) if a.entity_type == EntityKind::ModelVersion && a.action == AuditAction::Create => {
                let text = |field: &str| a.changes.get(field).and_then(|v| v.as_str()).map(str::to_owned);
                let created = Created {
                    model_id: text("model_id")?.parse().ok()?,
                    semver: text("semver")?,
                };
                Some((a.entity_id, created))
            }
            _ => None,
        })
        .collect()
}

/// The status history the audit trail of `records` tells, worked out
/// here on its own (not by the migration's SQL nor by the importer):
/// every version's creation and every status change, of every version
/// (deleted ones too) whose model still exists, each row with the id,
/// actor and time of its audit event. By id.
pub fn history_told_by_audit(records: &[Record]) -> Vec<StatusChange> {
    let models: BTreeSet<Uuid> = records
        .iter()
        .filter_map(|r| match r {
            Record::Model(m) => Some(m.id),
            _ => None,
        })
        .collect();
    let created = created_versions(records);
    let status = |value: Option<&serde_json::Value>| -> Option<VersionStatus> {
        value?.as_str().map(|s| s.parse().expect("a status of the audit trail"))
    };
    let mut rows: Vec<StatusChange> = records
        .iter()
        .filter_map(|record| {
            let Record::AuditEvent(a) = record else { return None };
            if a.entity_type != EntityKind::ModelVersion {
                return None;
            }
            let (from_status, to_status) = match a.action {
                AuditAction::Create => (None, status(a.changes.get("status"))?),
                AuditAction::Update => {
                    let change = a.changes.get("status")?;
                    (status(change.get("old")), status(change.get("new"))?)
                }
                _ => return None,
            };
            let model_id = created.get(&a.entity_id)?.model_id;
            models.contains(&model_id).then(|| StatusChange {
                id: a.id,
                model_id,
                version_id: a.entity_id,
                from_status,
                to_status,
                actor: a.actor.clone(),
                changed_at: a.timestamp,
            })
        })
        .collect();
    rows.sort_by_key(|c| c.id);
    rows
}

/// The status history a registry holds, by id.
pub fn history_held(records: &[Record]) -> Vec<StatusChange> {
    let mut rows: Vec<StatusChange> = records
        .iter()
        .filter_map(|r| match r {
            Record::StatusChange(c) => Some(c.clone()),
            _ => None,
        })
        .collect();
    rows.sort_by_key(|c| c.id);
    rows
}

/// Asserts that the registry's status history is exactly the one its
/// audit trail tells (see [`history_told_by_audit`]): every version that
/// exists has its creation row, every status change of the audit trail
/// has its row (same id, from, to, actor and time), a deleted version's
/// history is kept, and each model's timeline reads it newest first.
/// Answers how many rows that is.
pub async fn assert_history_backfilled(reg: &Registry) -> usize {
    let records = records(reg).await;
    let expected = history_told_by_audit(&records);
    let held = history_held(&records);
    assert_eq!(held, expected, "the status history is the one the audit trail tells");
    assert!(
        records
            .iter()
            .all(|r| !matches!(r, Record::ModelAlias(_) | Record::AliasChange(_))),
        "schema 1 had no aliases, so none appear"
    );

    let by_version: BTreeMap<Uuid, Vec<&StatusChange>> = held.iter().fold(BTreeMap::new(), |mut map, c| {
        map.entry(c.version_id).or_insert_with(Vec::new).push(c);
        map
    });
    let versions: Vec<_> = records
        .iter()
        .filter_map(|r| match r {
            Record::ModelVersion(v) => Some(v),
            _ => None,
        })
        .collect();
    assert!(!versions.is_empty());
    for v in &versions {
        assert_eq!(v.description, None, "schema 1 had no descriptions");
        let rows = by_version.get(&v.id).map(Vec::as_slice).unwrap_or_default();
        let creations: Vec<_> = rows.iter().filter(|c| c.from_status.is_none()).collect();
        assert_eq!(creations.len(), 1, "{} has one creation row: {rows:?}", v.semver);
        assert_eq!(creations[0].to_status, VersionStatus::Registered);
        assert_eq!(creations[0].model_id, v.model_id);
        // The status history replays to the status the version has.
        let last = rows.iter().max_by_key(|c| (c.changed_at, c.id)).unwrap();
        assert_eq!(last.to_status, v.status, "{}'s history ends in its status", v.semver);
    }
    let status_events = records
        .iter()
        .filter(|r| match r {
            Record::AuditEvent(a) => {
                a.entity_type == EntityKind::ModelVersion
                    && a.action == AuditAction::Update
                    && a.changes.contains_key("status")
            }
            _ => false,
        })
        .count();
    assert_eq!(
        held.iter().filter(|c| c.from_status.is_some()).count(),
        status_events,
        "every status change of the audit trail has its row"
    );
    let existing: BTreeSet<Uuid> = versions.iter().map(|v| v.id).collect();
    let deleted: BTreeSet<Uuid> = held
        .iter()
        .map(|c| c.version_id)
        .filter(|id| !existing.contains(id))
        .collect();
    assert!(!deleted.is_empty(), "a deleted version's history is kept");

    // Each model's timeline, newest first, is its share of the rows.
    let models: Vec<_> = records
        .iter()
        .filter_map(|r| match r {
            Record::Model(m) => Some(m.id),
            _ => None,
        })
        .collect();
    for model in models {
        let mut own: Vec<HistoryEntry> = held
            .iter()
            .filter(|c| c.model_id == model)
            .cloned()
            .map(HistoryEntry::Status)
            .collect();
        own.sort_by_key(|e| std::cmp::Reverse(order_key(e)));
        let timeline = reg
            .version_history(&model.into(), Page::first(10_000).unwrap())
            .await
            .expect("version history");
        assert_eq!(timeline, own, "the timeline of model {model}");
    }
    held.len()
}

fn order_key(entry: &HistoryEntry) -> (Timestamp, Uuid) {
    match entry {
        HistoryEntry::Status(c) => (c.changed_at, c.id),
        HistoryEntry::Alias(c) => (c.changed_at, c.id),
    }
}

/// Asserts that the version `deleted` (`MODEL@SEMVER`, gone from the
/// registry) still has its history: its creation and every status
/// change its audit trail tells.
pub async fn assert_deleted_version_keeps_its_history(reg: &Registry, model: &str, semver: &str) {
    let records = records(reg).await;
    let created = created_versions(&records);
    let model_id = reg.model(&Ref::name(model)).await.expect("the model").id;
    let (id, _) = created
        .iter()
        .find(|(_, c)| c.model_id == model_id && c.semver == semver)
        .unwrap_or_else(|| panic!("the audit trail tells of {model}@{semver}"));
    assert!(
        matches!(
            reg.version(&VersionRef::semver(model, semver)).await,
            Err(Error::NotFound { .. })
        ),
        "{model}@{semver} is gone"
    );
    let rows: Vec<_> = history_held(&records)
        .into_iter()
        .filter(|c| c.version_id == *id)
        .collect();
    let expected: Vec<_> = history_told_by_audit(&records)
        .into_iter()
        .filter(|c| c.version_id == *id)
        .collect();
    assert!(rows.len() >= 2, "{model}@{semver} was created and changed: {rows:?}");
    assert_eq!(rows, expected);
}

/// Asserts that `MODEL@production` "as of" instants before, between and
/// after its audit trail's status changes resolves to the version that
/// the trail says was in production then (a deleted one is named as
/// such), and answers those versions' semvers in order, each change once.
pub async fn assert_production_as_of_follows_the_audit_trail(reg: &Registry, model: &str) -> Vec<Option<String>> {
    let records = records(reg).await;
    let model_id = reg.model(&Ref::name(model)).await.expect("the model").id;
    let created = created_versions(&records);
    let mut events: Vec<(Timestamp, Uuid, Uuid, VersionStatus)> = history_told_by_audit(&records)
        .into_iter()
        .filter(|c| c.model_id == model_id)
        .map(|c| (c.changed_at, c.id, c.version_id, c.to_status))
        .collect();
    events.sort();
    let reference = VersionRef::of(model, Selector::Production);
    if events.is_empty() {
        // A model without versions was never in production.
        let found = reg.version_at(&reference, time::now()).await;
        assert!(matches!(found, Err(Error::NotFound { .. })), "{found:?}");
        return Vec::new();
    }
    // The instants: before the first change, between each two, after the last.
    let mut instants: Vec<Timestamp> = events.iter().map(|e| e.0).collect();
    instants.dedup();
    let mut checkpoints = vec![(instants[0] - Duration::microseconds(1), None)];
    let mut status: HashMap<Uuid, VersionStatus> = HashMap::new();
    for (i, at) in instants.iter().enumerate() {
        for (_, _, version, to) in events.iter().filter(|e| e.0 == *at) {
            status.insert(*version, *to);
        }
        let mut serving: Vec<Uuid> = status
            .iter()
            .filter(|(_, s)| **s == VersionStatus::Production)
            .map(|(v, _)| *v)
            .collect();
        assert!(serving.len() <= 1, "one production version at {at}: {serving:?}");
        let next = instants.get(i + 1).copied().unwrap_or(*at + Duration::seconds(2));
        let between = *at + (next - *at) / 2;
        assert!(*at < between && between < next, "{at} and {next} are apart");
        checkpoints.push((between, serving.pop()));
    }
    let mut told = Vec::new();
    for (at, serving) in checkpoints {
        let semver = serving.map(|id| created[&id].semver.clone());
        match (&serving, reg.version_at(&reference, at).await) {
            (None, Err(Error::NotFound { key, .. })) => {
                assert!(key.contains("nothing was production then"), "{key}");
            }
            (Some(id), Ok(found)) => {
                assert_eq!((found.id, found.semver.as_str()), (*id, semver.as_deref().unwrap()))
            }
            (Some(id), Err(Error::NotFound { key, .. })) => {
                assert!(
                    !records
                        .iter()
                        .any(|r| matches!(r, Record::ModelVersion(v) if v.id == *id)),
                    "{model}@production at {at} is {semver:?}, which exists: {key}"
                );
                assert!(key.contains("since deleted"), "{key}");
            }
            (expected, got) => {
                panic!("{model}@production at {at}: expected {semver:?} ({expected:?}), got {got:?}")
            }
        }
        if told.last() != Some(&semver) {
            told.push(semver);
        }
    }
    told
}

/// Asserts that the registry takes new writes of every kind schema 2
/// brought to `model` (which has a production version): a registration
/// with a description, an alias set and moved, a promotion that archives
/// the version that served, an edit of a version from before; each with
/// its history, and "as of" tells the time before them from the time after.
pub async fn assert_new_writes_work(reg: &Registry, model: &str) {
    let reg = reg.with_actor(actor());
    let production = VersionRef::of(model, Selector::Production);
    let champion = VersionRef::of(model, Selector::Alias("champion".into()));
    let serving = reg
        .version(&production)
        .await
        .expect("the model has a production version");
    let before = time::now();
    let new = NewVersion {
        description: Some("registered after the upgrade\nsecond line".into()),
        ..NewVersion::new("99.0.0", "s3://after-upgrade/model.bin", serving.framework)
    };
    let v = reg.register_version(&Ref::name(model), new).await.expect("register");
    reg.set_alias(&serving.id.into(), "champion")
        .await
        .expect("set an alias");
    reg.set_alias(&v.id.into(), "champion").await.expect("move the alias");
    reg.set_version_status(&v.id.into(), VersionStatus::Production)
        .await
        .expect("promote");
    let edit = VersionUpdate {
        description: Some(Some("described after the upgrade".into())),
        ..VersionUpdate::default()
    };
    let edited = reg
        .update_version(&serving.id.into(), edit)
        .await
        .expect("describe a version from before the upgrade");
    assert_eq!(edited.description.as_deref(), Some("described after the upgrade"));
    assert_eq!(edited.status, VersionStatus::Archived);

    let now = time::now();
    assert_eq!(reg.version_at(&production, now).await.unwrap().id, v.id);
    assert_eq!(reg.version_at(&champion, now).await.unwrap().id, v.id);
    assert_eq!(reg.version(&champion).await.unwrap().id, v.id);
    assert_eq!(reg.version_at(&production, before).await.unwrap().id, serving.id);
    assert!(matches!(
        reg.version_at(&champion, before).await,
        Err(Error::NotFound { .. })
    ));
    let timeline = reg
        .version_history(&Ref::name(model), Page::first(10).unwrap())
        .await
        .unwrap();
    let since: Vec<String> = timeline
        .iter()
        .filter(|e| e.changed_at() > before)
        .map(|e| {
            let who = |id: Option<Uuid>| id.map(|id| if id == v.id { "new" } else { "old" });
            match e {
                HistoryEntry::Status(c) => format!(
                    "{}: {:?} -> {}",
                    who(Some(c.version_id)).unwrap(),
                    c.from_status.map(|s| s.as_str()),
                    c.to_status
                ),
                HistoryEntry::Alias(c) => format!(
                    "{}: {:?} -> {:?}",
                    c.alias,
                    who(c.from_version_id),
                    who(c.to_version_id)
                ),
            }
        })
        .collect();
    assert_eq!(
        since,
        [
            "new: Some(\"registered\") -> production",
            "old: Some(\"production\") -> archived",
            "champion: Some(\"old\") -> Some(\"new\")",
            "champion: None -> Some(\"old\")",
            "new: None -> registered",
        ],
        "newest first"
    );
    assert!(timeline.iter().filter(|e| e.changed_at() > before).all(|e| match e {
        HistoryEntry::Status(c) => c.actor == actor().as_str(),
        HistoryEntry::Alias(c) => c.actor == actor().as_str(),
    }));
}
