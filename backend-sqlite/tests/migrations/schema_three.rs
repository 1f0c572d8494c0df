//! Schema 3 on a registry that schema 2 wrote: the fixture upgraded to
//! schema 2 and written to there (aliases, a promotion, an edit) upgrades to
//! schema 3 with every row as it was and the same query answers, its two
//! indexes added, and goes back to schema 2 as it was.

use modelreg_conformance::migrated::schema_three_answers as answers;

use super::*;

#[tokio::test]
async fn a_schema_2_file_with_new_writes_upgrades_to_schema_3_and_back_keeping_every_row() {
    let fixture = Fixture::copy();
    let store = Arc::new(fixture.open(false).await);
    store.upgrade(Some(2)).await.unwrap();
    let reg = Registry::new(store.clone(), actor());
    schema_one::assert_new_writes_work(&reg, "fraud-detector").await;
    let at_two = answers(&reg).await;
    assert!(at_two.iter().any(|ids| !ids.is_empty()), "the queries find versions");
    let conn = fixture.sql();
    let before = Contents::read(&conn, &["schema_migrations"]);
    let schema_two = catalog(&conn);

    store.upgrade(Some(3)).await.unwrap();
    assert_eq!(store.schema_version().await.unwrap(), 3);
    assert_eq!(versions(&store).await, applied()[..3]);
    before.assert_kept_in(&before.read_again(&conn));
    let added: Vec<String> = catalog(&conn).into_iter().filter(|e| !schema_two.contains(e)).collect();
    assert_eq!(added.len(), 2, "two indexes and nothing else: {added:?}");
    for name in ["model_versions_created", "model_versions_status"] {
        assert!(added.iter().any(|e| e.contains(name)), "{name} in {added:?}");
    }
    assert_eq!(answers(&reg).await, at_two, "the same answers at schema 3");

    store.downgrade(2).await.unwrap();
    assert_eq!(store.schema_version().await.unwrap(), 2);
    assert_eq!(catalog(&conn), schema_two, "the schema is schema 2's again");
    before.assert_kept_in(&before.read_again(&conn));
    assert_eq!(answers(&reg).await, at_two, "the same answers at schema 2 again");
}
