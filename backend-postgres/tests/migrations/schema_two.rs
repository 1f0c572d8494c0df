//! Schema 1 to schema 2 and back, on the schema-1 fixture.

use modelreg_conformance::cases::upgrades::schema_one;
use modelreg_conformance::fixtures::actor;
use modelreg_core::Registry;
use modelreg_core::store::StoreInfo;
use modelreg_postgres::testing::TestDatabase;
use sqlx::{Connection, PgConnection};
use std::sync::Arc;

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_fixture_is_a_schema_1_registry_holding_every_kind_of_record() {
    let Some(fixture) = Fixture::load().await else { return };
    let mut conn = fixture.sql().await;
    let contents = Contents::read(&mut conn, &[]).await;
    let held: Vec<(&str, usize)> = contents.0.keys().map(|t| (t.as_str(), contents.count(t))).collect();
    assert_eq!(held, FIXTURE_ROWS);
    let store = fixture.open(false).await;
    assert_eq!(store.schema_version().await.unwrap(), 1);
    assert_eq!(versions(&store).await, [(1, "init".to_owned())]);
    store.close().await.unwrap();
    assert_eq!(
        Contents::read(&mut conn, &[]).await,
        contents,
        "opening without migrating changes nothing"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_schema_1_database_upgrades_keeping_every_record_and_rebuilding_the_status_history() {
    let Some(fixture) = Fixture::load().await else { return };
    let mut conn = fixture.sql().await;
    let before = Contents::read(&mut conn, &[]).await;

    let store = fixture.open(true).await;
    assert_eq!(store.schema_version().await.unwrap(), LATEST);
    assert_eq!(versions(&store).await, applied());
    let mut after = before.read_again(&mut conn).await;
    let migrations = &mut after.0.get_mut("schema_migrations").unwrap().1;
    assert_eq!(migrations.len(), LATEST as usize, "migrations 2 and on are recorded");
    migrations.truncate(1);
    before.assert_kept_in(&after);
    assert_eq!(
        count(
            &mut conn,
            "SELECT count(*) FROM model_versions WHERE description IS NOT NULL"
        )
        .await,
        0
    );
    assert_eq!(count(&mut conn, "SELECT count(*) FROM model_aliases").await, 0);
    assert_eq!(count(&mut conn, "SELECT count(*) FROM alias_history").await, 0);
    // Each history row is its audit event: same id, version, actor and time.
    assert_eq!(
        count(
            &mut conn,
            "SELECT count(*) FROM status_history h JOIN audit_events a ON a.id = h.id
             AND a.entity_type = 'model_version' AND a.entity_id = h.version_id
             AND a.actor = h.actor AND a.timestamp = h.changed_at"
        )
        .await,
        count(&mut conn, "SELECT count(*) FROM status_history").await
    );

    let reg = Registry::new(Arc::new(store), actor());
    // 19 versions created (one deleted since) and 29 status changes.
    assert_eq!(schema_one::assert_history_backfilled(&reg).await, 48);
    schema_one::assert_deleted_version_keeps_its_history(&reg, "churn-predictor", "9.9.9").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_past_of_an_upgraded_database_resolves_as_of_instants_between_its_changes() {
    let Some(fixture) = Fixture::load().await else { return };
    let reg = Registry::new(Arc::new(fixture.open(true).await), actor());
    modelreg_conformance::migrated::assert_the_past_resolves_as_of_instants_between_its_changes(&reg).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upgraded_database_takes_new_writes_and_enforces_schema_2s_checks() {
    let Some(fixture) = Fixture::load().await else { return };
    let reg = Registry::new(Arc::new(fixture.open(true).await), actor());
    schema_one::assert_new_writes_work(&reg, "fraud-detector").await;
    reg.close().await.unwrap();

    let mut conn = fixture.sql().await;
    let broken = sqlx::raw_sql(
        "INSERT INTO teams (id, name, created_at) VALUES (gen_random_uuid(), E'zero\\u200Bwidth', now())",
    )
    .execute(&mut conn)
    .await
    .unwrap_err();
    assert!(broken.to_string().contains("ck__teams__chars__name"), "{broken}");
    let broken = sqlx::raw_sql("UPDATE training_runs SET gpu_hours = 1e12")
        .execute(&mut conn)
        .await
        .unwrap_err();
    assert!(
        broken.to_string().contains("ck__training_runs__bound__gpu_hours"),
        "{broken}"
    );

    // Opened again, it is at the latest schema with the writes, and nothing reruns.
    let store = fixture.open(true).await;
    assert_eq!(versions(&store).await, applied());
    let reg = Registry::new(Arc::new(store), actor());
    let v = reg
        .version(&modelreg_core::VersionRef::semver("fraud-detector", "99.0.0"))
        .await
        .unwrap();
    assert_eq!(v.status, modelreg_core::versions::VersionStatus::Production);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn downgrading_to_schema_1_and_upgrading_again_round_trips() {
    let Some(fixture) = Fixture::load().await else { return };
    let mut conn = fixture.sql().await;
    let schema_one_catalog = catalog(&mut conn).await;
    let before = Contents::read(&mut conn, &["schema_migrations"]).await;

    let store = fixture.open(true).await;
    let schema_two_catalog = catalog(&mut conn).await;
    let history = status_history(&mut conn).await;
    assert_eq!(history.len(), 48);

    store.downgrade(1).await.unwrap();
    assert_eq!(store.schema_version().await.unwrap(), 1);
    assert_eq!(versions(&store).await, [(1, "init".to_owned())]);
    assert_schema_two_is_gone(&mut conn).await;
    assert_same_catalog(
        &catalog(&mut conn).await,
        &schema_one_catalog,
        "the schema is schema 1's again",
    );
    before.assert_kept_in(&Contents::read(&mut conn, &["schema_migrations"]).await);

    store.upgrade(None).await.unwrap();
    assert_eq!(store.schema_version().await.unwrap(), LATEST);
    assert_same_catalog(
        &catalog(&mut conn).await,
        &schema_two_catalog,
        "the schema is the latest again",
    );
    assert_eq!(
        status_history(&mut conn).await,
        history,
        "the same history: same ids, same rows"
    );
    before.assert_kept_in(&before.read_again(&mut conn).await);
    let reg = Registry::new(Arc::new(store), actor());
    assert_eq!(schema_one::assert_history_backfilled(&reg).await, 48);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn downgrading_after_new_writes_keeps_their_schema_1_part() {
    let Some(fixture) = Fixture::load().await else { return };
    let store = Arc::new(fixture.open(true).await);
    let reg = Registry::new(store.clone(), actor());
    schema_one::assert_new_writes_work(&reg, "fraud-detector").await;
    let mut conn = fixture.sql().await;
    let mut schema_one_part = Contents::read(&mut conn, &["schema_migrations"]).await;
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
    assert_schema_two_is_gone(&mut conn).await;
    schema_one_part.assert_kept_in(&schema_one_part.read_again(&mut conn).await);
}

/// An upgraded database has the schema of one made at schema 2: the same
/// columns, constraints (validated or not) and indexes, to their definitions.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upgraded_database_has_the_schema_of_a_fresh_one() {
    let Some(fixture) = Fixture::load().await else { return };
    let Some(fresh) = TestDatabase::create().await else {
        return;
    };
    let upgraded = fixture.open(true).await;
    let mut fresh_conn = PgConnection::connect(fresh.url()).await.unwrap();
    // The fixture is a dump, which re-parses the nested AND that `BETWEEN`
    // becomes as a flat one: CHECK definitions are compared without parentheses.
    let flat = |catalog: Vec<String>| -> Vec<String> {
        catalog
            .into_iter()
            .map(
                |line| match line.starts_with("constraint ") && line.contains(": c CHECK") {
                    true => line.replace(['(', ')'], ""),
                    false => line,
                },
            )
            .collect()
    };
    assert_same_catalog(
        &flat(catalog(&mut fixture.sql().await).await),
        &flat(catalog(&mut fresh_conn).await),
        "an upgraded database and a fresh one",
    );
    upgraded.close().await.unwrap();
}
