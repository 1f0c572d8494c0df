//! Registries from before schema 2 (issue 13, item 6): an export of format 1
//! imports with the status history its audit trail tells, and what schema 2
//! added (aliases, their moves, the status history, version descriptions)
//! moves with an export, import or copy of format 2.
//!
//! [`schema_one`] holds the checks every upgraded schema-1 registry must
//! pass, however it got here: imported from the format-1 export (the cases
//! below) or migrated from the schema-1 database of each backend (the
//! backends' `tests/migrations`).

use modelreg_core::Registry;
use modelreg_core::store::RecordKind;
use modelreg_core::versions::{NewVersion, VersionStatus, VersionUpdate};
use modelreg_core::{Ref, Selector, VersionRef};

pub use crate::schema_one;

use crate::LocalBackend;
use crate::fixtures::*;

/// The export (format 1) that the schema-1 binary wrote of
/// `migrations/fixtures/schema1.sqlite`.
pub const FORMAT_ONE_EXPORT: &str = include_str!("../../../migrations/fixtures/schema1.export.jsonl");

/// What the history of the fixtures' `fraud-detector@production` is, as
/// their audit trail tells it: nothing, then 1.1.0 (seeded), 1.2.0 (seeded),
/// 1.1.0 and 1.2.0 again (the fixtures' two `set-status` commands). 1.0.0
/// was deprecated without ever being in production.
pub const FIXTURE_FRAUD_PRODUCTION: [Option<&str>; 5] =
    [None, Some("1.1.0"), Some("1.2.0"), Some("1.1.0"), Some("1.2.0")];

/// The format-1 export of the schema-1 fixture imports into an empty
/// registry: every record as it was, and the status history its audit
/// trail tells, rebuilt as schema 2's migration rebuilds it.
pub async fn a_format_1_export_imports_with_every_record_and_the_history_its_audit_trail_tells<B: LocalBackend>(
    reg: Registry,
) {
    let lines: Vec<String> = FORMAT_ONE_EXPORT.lines().map(str::to_owned).collect();
    let (header, counts) = header_and_counts(&lines);
    assert_eq!(header.format_version, 1, "the fixture is of format 1");
    assert_eq!(header.counts, counts);
    let file = schema_one::records_of_file(FORMAT_ONE_EXPORT);
    let told = schema_one::history_told_by_audit(&file);
    assert!(!told.is_empty());

    let summary = import(&reg, &lines, false).await.expect("a format-1 file imports");
    assert_eq!(summary.records, header.counts, "every record is read");
    assert_eq!(summary.total, file.len() as u64);
    assert_eq!(summary.derived, told.len() as u64, "one history row per status event");
    assert_eq!(summary.written, summary.total + summary.derived);
    assert_eq!(summary.skipped, 0);

    // Every record of the file is in the registry as it was, in the same
    // order, and nothing else but the history rows.
    let held = schema_one::records(&reg).await;
    let (rebuilt, kept): (Vec<_>, Vec<_>) = held
        .into_iter()
        .partition(|r| r.record_kind() == RecordKind::StatusChange);
    assert_eq!(kept, file, "every record of the file, exactly");
    assert_eq!(rebuilt.len(), told.len());

    let rows = schema_one::assert_history_backfilled(&reg).await;
    assert_eq!(rows, told.len());
    schema_one::assert_deleted_version_keeps_its_history(&reg, "churn-predictor", "9.9.9").await;
    let production = schema_one::assert_production_as_of_follows_the_audit_trail(&reg, "fraud-detector").await;
    assert_eq!(production, FIXTURE_FRAUD_PRODUCTION.map(|s| s.map(str::to_owned)));

    for record in &file {
        if let modelreg_core::Record::Model(model) = record {
            schema_one::assert_production_as_of_follows_the_audit_trail(&reg, &model.name).await;
        }
    }

    // The rebuilt rows take the ids of their audit events, so importing the
    // file again gives the same registry, to the byte; its export is of format 2.
    let exported = export(&reg).await;
    assert_eq!(header_and_counts(&exported).0.format_version, 2);
    let Some((again, guard)) = B::fresh_local().await else {
        return;
    };
    import(&again, &lines, false).await.expect("a second import");
    assert_eq!(export(&again).await[1..], exported[1..]);
    drop(guard);

    schema_one::assert_new_writes_work(&reg, "fraud-detector").await;
}

/// A registry holding what schema 2 added (aliases set, moved and removed,
/// the status history, version descriptions, edits) exports as format 2;
/// that export imports into an empty registry whose export is the same,
/// line for line, header included; and a copy carries the same.
pub async fn aliases_history_and_descriptions_survive_export_import_and_copy<B: LocalBackend>(source: Registry) {
    crate::sample::fill(&source).await;
    let fraud = |semver: &str| VersionRef::semver("fraud-detector", semver);
    let described = NewVersion {
        description: Some("with a description\nover two lines\tand a tab".into()),
        ..new_version("3.0.0")
    };
    source
        .register_version(&Ref::name("fraud-detector"), described)
        .await
        .unwrap();
    let edit = VersionUpdate {
        description: Some(Some("the one that served first".into())),
        ..VersionUpdate::default()
    };
    source.update_version(&fraud("1.1.0"), edit).await.unwrap();
    source.set_alias(&fraud("1.1.0"), "champion").await.unwrap();
    source.set_alias(&fraud("1.2.0"), "champion").await.unwrap();
    source.set_alias(&fraud("1.1.0"), "shadow").await.unwrap();
    source.set_alias(&fraud("3.0.0"), "shadow").await.unwrap();
    source.set_alias(&fraud("3.0.0"), "canary").await.unwrap();
    source
        .remove_alias(&Ref::name("fraud-detector"), "canary")
        .await
        .unwrap();
    source
        .set_alias(&VersionRef::semver("churn-predictor", "1.0.0"), "champion")
        .await
        .unwrap();
    source
        .set_version_status(&fraud("3.0.0"), VersionStatus::Production)
        .await
        .unwrap();

    let first = export(&source).await;
    let (header, counts) = header_and_counts(&first);
    assert_eq!(header.format_version, 2);
    assert_eq!(header.counts, counts);
    for (kind, at_least) in [
        (RecordKind::ModelAlias, 3),
        (RecordKind::AliasChange, 7),
        (RecordKind::StatusChange, 10),
    ] {
        let held = counts.get(&kind).copied().unwrap_or(0);
        assert!(held >= at_least, "{kind}: {held} records");
    }
    assert_eq!(
        first
            .iter()
            .filter(|l| l.starts_with(r#"{"kind":"model_version""#) && l.contains(r#""description":""#))
            .count(),
        2,
        "two versions have descriptions"
    );

    let Some((imported, imported_guard)) = B::fresh_local().await else {
        return;
    };
    let summary = import(&imported, &first, false).await.expect("import");
    assert_eq!((summary.total, summary.derived), (first.len() as u64 - 1, 0));
    assert_eq!(export(&imported).await, first, "export, import, export: the same lines");

    let Some((copied, copied_guard)) = B::fresh_local().await else {
        return;
    };
    let summary = copied.copy_from(&source, false, &mut |_, _| {}).await.expect("copy");
    assert_eq!(summary.derived, 0);
    assert_eq!(export(&copied).await, first, "a copy exports the same lines");

    // What the records mean comes across too: aliases, the timeline, "as of".
    let page = modelreg_core::Page::first(1000).unwrap();
    let model = Ref::name("fraud-detector");
    let timeline = source.version_history(&model, page).await.unwrap();
    let champion = VersionRef::of("fraud-detector", Selector::Alias("champion".into()));
    for target in [&imported, &copied] {
        assert_eq!(
            target.aliases_of_model(&model, page).await.unwrap(),
            source.aliases_of_model(&model, page).await.unwrap()
        );
        assert_eq!(target.version_history(&model, page).await.unwrap(), timeline);
        for entry in &timeline {
            let at = entry.changed_at();
            assert_eq!(
                target.version_at(&champion, at).await.ok(),
                source.version_at(&champion, at).await.ok(),
                "champion at {at}"
            );
        }
    }
    drop((imported_guard, copied_guard));
}
