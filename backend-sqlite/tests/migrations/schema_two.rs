//! Schema 1 to schema 2 and back, on the schema-1 fixture.

use modelreg_conformance::cases::upgrades::{FORMAT_ONE_EXPORT, schema_one};
use modelreg_conformance::fixtures::actor;
use modelreg_core::store::{RecordKind, StoreInfo};
use modelreg_core::{Record, Registry};
use modelreg_sqlite::SqliteStore;
use rusqlite::Connection;
use std::sync::Arc;

use super::*;

#[tokio::test]
async fn the_fixture_is_a_schema_1_registry_holding_every_kind_of_record() {
    let fixture = Fixture::copy();
    let contents = Contents::read(&fixture.sql(), &[]);
    let held: Vec<(&str, usize)> = contents.0.keys().map(|t| (t.as_str(), contents.count(t))).collect();
    assert_eq!(held, FIXTURE_ROWS);
    let store = fixture.open(false).await;
    assert_eq!(store.schema_version().await.unwrap(), 1);
    assert_eq!(versions(&store).await, [(1, "init".to_owned())]);
    store.close().await.unwrap();
    assert_eq!(
        Contents::read(&fixture.sql(), &[]),
        contents,
        "opening without migrating changes nothing"
    );
}

#[tokio::test]
async fn a_schema_1_file_upgrades_keeping_every_record_and_rebuilding_the_status_history() {
    let fixture = Fixture::copy();
    let before = Contents::read(&fixture.sql(), &[]);

    let store = fixture.open(true).await;
    assert_eq!(store.schema_version().await.unwrap(), LATEST);
    assert_eq!(versions(&store).await, applied());
    let conn = fixture.sql();
    let after = before.read_again(&conn);
    let mut migrations = after.0["schema_migrations"].1.clone();
    assert_eq!(migrations.len(), LATEST as usize, "migrations 2 and on are recorded");
    migrations.truncate(1);
    let mut kept = after.clone();
    kept.0.get_mut("schema_migrations").unwrap().1 = migrations;
    before.assert_kept_in(&kept);
    assert_eq!(
        count(
            &conn,
            "SELECT count(*) FROM model_versions WHERE description IS NOT NULL"
        ),
        0
    );
    assert_eq!(count(&conn, "SELECT count(*) FROM model_aliases"), 0);
    assert_eq!(count(&conn, "SELECT count(*) FROM alias_history"), 0);
    // Each history row is its audit event: same id, version, actor and time.
    assert_eq!(
        count(
            &conn,
            "SELECT count(*) FROM status_history h JOIN audit_events a ON a.id = h.id
             AND a.entity_type = 'model_version' AND a.entity_id = h.version_id
             AND a.actor = h.actor AND a.timestamp = h.changed_at"
        ),
        count(&conn, "SELECT count(*) FROM status_history")
    );

    let reg = registry(store);
    // 19 versions created (one deleted since) and 29 status changes.
    assert_eq!(schema_one::assert_history_backfilled(&reg).await, 48);
    schema_one::assert_deleted_version_keeps_its_history(&reg, "churn-predictor", "9.9.9").await;

    // The records the schema-1 binary exported are the records this code
    // reads from the upgraded file, every field (a format-1 version has no
    // description), in the same order.
    let held: Vec<Record> = schema_one::records(&reg)
        .await
        .into_iter()
        .filter(|r| r.record_kind() != RecordKind::StatusChange)
        .collect();
    assert_eq!(held, schema_one::records_of_file(FORMAT_ONE_EXPORT));
}

#[tokio::test]
async fn the_past_of_an_upgraded_file_resolves_as_of_instants_between_its_changes() {
    let fixture = Fixture::copy();
    let reg = registry(fixture.open(true).await);
    modelreg_conformance::migrated::assert_the_past_resolves_as_of_instants_between_its_changes(&reg).await;
}

#[tokio::test]
async fn an_upgraded_file_takes_new_writes_and_enforces_schema_2s_checks() {
    let fixture = Fixture::copy();
    let reg = registry(fixture.open(true).await);
    schema_one::assert_new_writes_work(&reg, "fraud-detector").await;
    reg.close().await.unwrap();

    let conn = fixture.sql();
    let broken = conn
        .execute(
            "INSERT INTO teams (id, name, active, created_at) VALUES ('t', 'zero' || char(8203) || 'width', 1, 0)",
            [],
        )
        .unwrap_err();
    assert!(broken.to_string().contains("ck__teams__chars__name"), "{broken}");
    let broken = conn
        .execute("UPDATE training_runs SET gpu_hours = 1e12", [])
        .unwrap_err();
    assert!(
        broken.to_string().contains("ck__training_runs__bound__gpu_hours"),
        "{broken}"
    );

    // Opened again, it is at the latest schema with the writes, and nothing reruns.
    let store = fixture.open(true).await;
    assert_eq!(versions(&store).await, applied());
    let reg = registry(store);
    let v = reg
        .version(&modelreg_core::VersionRef::semver("fraud-detector", "99.0.0"))
        .await
        .unwrap();
    assert_eq!(v.status, modelreg_core::versions::VersionStatus::Production);
}

#[tokio::test]
async fn downgrading_to_schema_1_and_upgrading_again_round_trips() {
    let fixture = Fixture::copy();
    let conn = fixture.sql();
    let schema_one_catalog = catalog(&conn);
    let before = Contents::read(&conn, &["schema_migrations"]);

    let store = fixture.open(true).await;
    let schema_two_catalog = catalog(&conn);
    let history = status_history(&conn);
    assert_eq!(history.len(), 48);

    store.downgrade(1).await.unwrap();
    assert_eq!(store.schema_version().await.unwrap(), 1);
    assert_eq!(versions(&store).await, [(1, "init".to_owned())]);
    assert_schema_two_is_gone(&conn);
    assert_eq!(catalog(&conn), schema_one_catalog, "the schema is schema 1's again");
    before.assert_kept_in(&Contents::read(&conn, &["schema_migrations"]));

    store.upgrade(None).await.unwrap();
    assert_eq!(store.schema_version().await.unwrap(), LATEST);
    assert_eq!(catalog(&conn), schema_two_catalog, "the schema is the latest again");
    assert_eq!(status_history(&conn), history, "the same history: same ids, same rows");
    before.assert_kept_in(&before.read_again(&conn));
    let reg = registry(store);
    assert_eq!(schema_one::assert_history_backfilled(&reg).await, 48);
}

#[tokio::test]
async fn downgrading_after_new_writes_keeps_their_schema_1_part() {
    let fixture = Fixture::copy();
    let store = Arc::new(fixture.open(true).await);
    let reg = Registry::new(store.clone(), actor());
    schema_one::assert_new_writes_work(&reg, "fraud-detector").await;
    let conn = fixture.sql();
    let mut schema_one_part = Contents::read(&conn, &["schema_migrations"]);
    for table in SCHEMA_TWO_TABLES {
        assert!(schema_one_part.0.remove(table).is_some());
    }
    // Versions sort by id, their first column; the description is their last.
    let versions_table = schema_one_part.0.get_mut("model_versions").unwrap();
    assert_eq!(versions_table.0.pop().as_deref(), Some("description"));
    for row in &mut versions_table.1 {
        row.pop();
    }
    assert_eq!(schema_one_part.count("model_versions"), 19, "one version more");

    store.downgrade(1).await.unwrap();
    assert_schema_two_is_gone(&conn);
    schema_one_part.assert_kept_in(&schema_one_part.read_again(&conn));
}

/// An upgraded file has the schema of a file made at schema 2: the same
/// tables, columns, indexes and triggers, to the SQL text.
#[tokio::test]
async fn an_upgraded_file_has_the_schema_of_a_fresh_one() {
    let fixture = Fixture::copy();
    let upgraded = fixture.open(true).await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("fresh.db");
    let fresh = SqliteStore::open_path(&path).await.unwrap();
    assert_eq!(catalog(&fixture.sql()), catalog(&Connection::open(&path).unwrap()));
    drop((upgraded, fresh));
}
