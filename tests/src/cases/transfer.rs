//! Moving a registry: export, import and copy, exact and all-or-nothing.
//! These cases take two fresh registries: a source and a target.

use modelreg_core::models::{ModelUpdate, NewModel};
use modelreg_core::runs::NewRun;
use modelreg_core::store::RecordKind;
use modelreg_core::versions::NewVersion;
use modelreg_core::{EntityKind, Error, Ref, Registry, TransferError};
use serde_json::json;

use crate::fixtures::*;

/// The sample registry and a few values that are easy to get wrong.
async fn fill(reg: &Registry) {
    crate::sample::fill(reg).await;
    let m = reg.create_model(NewModel::named("edge-cases ü 日本")).await.unwrap();
    let mut new = NewVersion {
        size_bytes: Some(i64::MAX),
        ..new_version("1.0.0-rc.1+build.5")
    };
    new.metadata.insert("float".into(), json!(0.1 + 0.2));
    new.metadata.insert("big".into(), json!(u64::MAX));
    new.metadata.insert("tiny".into(), json!(-3e-300));
    new.metadata
        .insert("nested".into(), json!({"list": [1, "two", null, {"x": true}]}));
    let v = reg.register_version(&m.id.into(), new).await.unwrap();
    let at = chrono::DateTime::from_timestamp_micros(1_700_000_000_123_456).unwrap();
    let run = NewRun {
        started_at: Some(at),
        cost_usd: Some(1234.5678),
        gpu_hours: 1e-9,
        ..NewRun::named("precise")
    };
    reg.start_run(&v.id.into(), run).await.unwrap();
    // Floats whose shortest text needs every digit to come back exactly.
    for value in [1.0 / 11.0, 1.0 / 3.0, 2.0 / 7.0, 1e-310, 123_456_789.123_456_79, -0.0] {
        let metric = modelreg_core::metrics::NewMetric::new("awkward", value, modelreg_core::metrics::Split::Test);
        reg.record_metric(&v.id.into(), metric).await.unwrap();
    }
}

pub async fn export_then_import_then_export_gives_identical_records(source: Registry, target: Registry) {
    fill(&source).await;
    let first = export(&source).await;
    let summary = import(&target, &first, false).await.expect("import");
    assert_eq!(summary.total as usize, first.len() - 1);
    assert_eq!((summary.written, summary.skipped), (summary.total, 0));
    let second = export(&target).await;
    assert_eq!(first.len(), second.len());
    for (a, b) in first.iter().zip(&second).skip(1) {
        assert_eq!(a, b, "records round-trip exactly");
    }
    let (header, _) = header_and_counts(&second);
    assert_eq!(header.counts, header_and_counts(&first).0.counts);
    assert_eq!(stats(&target).await, stats(&source).await);
    // The imported registry works: its rules still hold.
    let fraud = target.model(&Ref::name("fraud-detector")).await.unwrap();
    assert_eq!(
        target
            .production_version(&fraud.id.into())
            .await
            .unwrap()
            .unwrap()
            .semver,
        "1.2.0"
    );
}

pub async fn copy_reproduces_every_record(source: Registry, target: Registry) {
    fill(&source).await;
    let summary = target.copy_from(&source, false, &mut |_, _| {}).await.expect("copy");
    let (a, b) = (export(&source).await, export(&target).await);
    assert_eq!(summary.total as usize, a.len() - 1);
    assert_eq!(a[1..], b[1..]);
}

pub async fn a_bad_line_leaves_the_target_untouched(source: Registry, target: Registry) {
    fill(&source).await;
    let good = export(&source).await;
    let version_line = good
        .iter()
        .position(|l| l.starts_with(r#"{"kind":"model_version""#))
        .unwrap();
    let mut bad_semver = good.clone();
    bad_semver[version_line] = good[version_line].replacen(r#""semver":""#, r#""semver":"1.x"#, 1);
    match import(&target, &bad_semver, false).await {
        Err(TransferError {
            line: Some(line),
            error,
        }) => {
            assert_eq!(line as usize, version_line + 1, "lines count from 1");
            assert!(matches!(error, Error::Invalid { field: "semver", .. }), "{error:?}");
        }
        other => panic!("expected an invalid line, got {other:?}"),
    }
    let mut malformed = good.clone();
    malformed.insert(7, "{this is not json".into());
    assert!(matches!(
        import(&target, &malformed, false).await,
        Err(TransferError { line: Some(8), .. })
    ));
    let mut orphan = good.clone();
    let last = orphan.len();
    orphan.insert(
        last,
        good[version_line]
            .replace(r#""model_id":""#, r#""model_id":"00000000-0000-4000-8000-00"#)
            .replacen(r#""id":""#, r#""id":"ffffffff"#, 1),
    );
    let err = import(&target, &orphan, false).await.unwrap_err();
    assert!(
        matches!(err.error, Error::NotFound { .. } | Error::Invalid { .. }),
        "{err:?}"
    );
    assert_eq!(stats(&target).await, Default::default(), "nothing was written");
    assert!(matches!(
        import(&target, &[], false).await,
        Err(TransferError { line: Some(1), .. })
    ));
}

pub async fn a_conflicting_line_is_reported_with_its_number(source: Registry, target: Registry) {
    team(&source, "alpha").await;
    let mut lines = export(&source).await;
    // The same team under another id: the last line takes a taken name.
    let id_start = lines[1].find(r#""id":""#).unwrap() + 6;
    let twin = format!(
        "{}{}{}",
        &lines[1][..id_start],
        "11111111-1111-4111-8111-111111111111",
        &lines[1][id_start + 36..]
    );
    lines.push(twin);
    match import(&target, &lines, false).await {
        Err(TransferError {
            line: Some(line),
            error,
        }) => {
            assert_eq!(line as usize, lines.len(), "the twin's line");
            assert!(
                matches!(
                    error,
                    Error::Conflict {
                        entity: EntityKind::Team,
                        field: "name",
                        ..
                    }
                ),
                "{error:?}"
            );
        }
        other => panic!("expected a conflict at line 3, got {other:?}"),
    }
    assert_eq!(stats(&target).await.teams, 0);
}

pub async fn import_refuses_a_registry_that_has_records(source: Registry, target: Registry) {
    fill(&source).await;
    let lines = export(&source).await;
    model(&target, "already-here").await;
    let before = stats(&target).await;
    assert_invalid(import(&target, &lines, false).await.map_err(|e| e.error), "target");
    assert_eq!(stats(&target).await, before);
}

pub async fn merge_keeps_existing_records_and_refuses_taken_names(source: Registry, target: Registry) {
    fill(&source).await;
    let lines = export(&source).await;
    import(&target, &lines, false).await.unwrap();
    let fraud = target.model(&Ref::name("fraud-detector")).await.unwrap();
    let update = ModelUpdate {
        description: Some(Some("edited in the target".into())),
        ..ModelUpdate::default()
    };
    target.update_model(&fraud.id.into(), update).await.unwrap();
    let new_model = source
        .create_model(NewModel::named("only-in-a-later-export"))
        .await
        .unwrap();
    let later = export(&source).await;

    let summary = import(&target, &later, true).await.expect("merge");
    assert_eq!(summary.total as usize, later.len() - 1);
    assert_eq!(summary.written, 2, "the new model and its audit event");
    assert_eq!(summary.skipped, summary.total - 2);
    assert_eq!(
        target.model(&fraud.id.into()).await.unwrap().description.as_deref(),
        Some("edited in the target"),
        "existing records are kept as they are"
    );
    assert_eq!(
        target.model(&new_model.id.into()).await.unwrap().name,
        "only-in-a-later-export"
    );

    // A new id under a taken name fails the whole merge.
    let before = stats(&target).await;
    let mut clash = later.clone();
    let team_line = clash.iter().position(|l| l.starts_with(r#"{"kind":"team""#)).unwrap();
    let id_start = clash[team_line].find(r#""id":""#).unwrap() + 6;
    let renamed = format!(
        "{}{}{}",
        &clash[team_line][..id_start],
        "22222222-2222-4222-8222-222222222222",
        &clash[team_line][id_start + 36..]
    );
    clash.push(renamed);
    let err = import(&target, &clash, true).await.unwrap_err();
    assert!(
        matches!(
            err.error,
            Error::Conflict {
                entity: EntityKind::Team,
                field: "name",
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(stats(&target).await, before);
}

/// Whether `text` holds `n` as a number of its own.
fn mentions(text: &str, n: u64) -> bool {
    text.split(|c: char| !c.is_ascii_digit())
        .any(|word| word == n.to_string())
}

pub async fn an_export_cut_short_fails_to_import_and_writes_nothing(source: Registry, target: Registry) {
    fill(&source).await;
    let lines = export(&source).await;
    let (header, _) = header_and_counts(&lines);
    for kept in [0, 1, 4, 40, lines.len() - 2] {
        let cut = &lines[..1 + kept];
        let (_, found) = header_and_counts(cut);
        // The first kind, in file order, that falls short of the header.
        let (kind, expected, read) = RecordKind::ALL
            .iter()
            .map(|k| {
                (
                    k,
                    header.counts.get(k).copied().unwrap_or(0),
                    found.get(k).copied().unwrap_or(0),
                )
            })
            .find(|(_, expected, read)| expected != read)
            .expect("a kind falls short");
        match import(&target, cut, false).await {
            Err(TransferError {
                error:
                    Error::Invalid {
                        field: "counts",
                        reason,
                    },
                ..
            }) => assert!(
                reason.contains(kind.as_str()) && mentions(&reason, expected) && mentions(&reason, read),
                "{reason:?} names {kind}, {expected} expected and {read} found"
            ),
            other => panic!(
                "expected {kept} records of {} to fail the import, got {other:?}",
                lines.len() - 1
            ),
        }
        assert_eq!(stats(&target).await, Default::default(), "nothing was written");
        assert!(all_audit(&target).await.is_empty());
    }
}
