//! Schema 4 on a registry that schema 3 wrote: the fixture upgraded to
//! schema 3 and written to there upgrades to schema 4 with every row as it
//! was and the same query answers; from then on the schema refuses, in
//! every text column, each character modelreg-core refuses there (tried
//! code point by code point with plain SQL) and takes the characters at the
//! edges of those ranges, and refuses names not in NFC; it goes back to
//! schema 3 as it was.

use modelreg_conformance::migrated::schema_three_answers as answers;
use modelreg_conformance::migrated::{
    TEXT_COLUMNS, TextRule, assert_an_old_row_breaking_a_rule_is_named_until_corrected,
    assert_the_column_keeps_its_rule, holding,
};

use super::*;

/// The first row of `table` by id, as a condition.
fn first_row(table: &str) -> String {
    format!("id = (SELECT id FROM {table} ORDER BY id LIMIT 1)")
}

/// Writes `value` into `column` of one row of `table` with plain SQL; the
/// server's message if the schema refuses it.
async fn write<'v>(
    conn: &mut PgConnection,
    table: &str,
    column: &str,
    value: impl Into<Option<&'v str>>,
) -> Result<(), String> {
    // Table and column names come from the test's own list, never from data.
    let sql = format!("UPDATE {table} SET {column} = $1 WHERE {}", first_row(table));
    match sqlx::query(AssertSqlSafe(sql)).bind(value.into()).execute(conn).await {
        Ok(done) if done.rows_affected() == 1 => Ok(()),
        Ok(_) => panic!("{table} has no row to write"),
        Err(e) => Err(e.to_string()),
    }
}

/// Every text column refuses what modelreg-core refuses and takes its
/// neighbours; names refuse a spelling not in NFC.
async fn assert_the_text_rules_hold(conn: &mut PgConnection) {
    for (table, column, field, rule) in TEXT_COLUMNS {
        let read = format!("SELECT {column} FROM {table} WHERE {}", first_row(table));
        let original: Option<String> = sqlx::query_scalar(AssertSqlSafe(read))
            .fetch_one(&mut *conn)
            .await
            .unwrap_or_else(|e| panic!("{table} has a row: {e}"));
        let mut write_value = async |value: String| write(conn, table, column, value.as_str()).await;
        assert_the_column_keeps_its_rule((table, column, field, rule), &mut write_value).await;
        // "á" as a + U+0301: the same name as "á", spelled another way.
        let decomposed = write(conn, table, column, holding('\u{301}').as_str()).await;
        match rule {
            TextRule::Name => {
                let refusal = decomposed.expect_err(&format!("{table}.{column} refuses a name not in NFC"));
                assert!(refusal.contains(&format!("ck__{table}__nfc__{field}")), "{refusal}");
                write(conn, table, column, holding('\u{E1}').as_str())
                    .await
                    .expect("the NFC spelling");
            }
            TextRule::Line | TextRule::Description => decomposed.expect("texts other than names keep their spelling"),
        }
        write(conn, table, column, original.as_deref())
            .await
            .expect("put the value back");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_schema_3_database_with_new_writes_upgrades_to_schema_4_refuses_what_core_refuses_and_goes_back() {
    let Some(fixture) = Fixture::load().await else {
        return;
    };
    let store = Arc::new(fixture.open(false).await);
    store.upgrade(Some(3)).await.unwrap();
    let reg = Registry::new(store.clone(), actor());
    schema_one::assert_new_writes_work(&reg, "fraud-detector").await;
    let at_three = answers(&reg).await;
    let mut conn = fixture.sql().await;
    // Schema 3 takes a right-to-left override in a one-line text.
    write(&mut conn, "teams", "department", "a\u{202E}b")
        .await
        .expect("schema 3 has no such check");
    write(&mut conn, "teams", "department", "ml").await.unwrap();
    let before = Contents::read(&mut conn, &["schema_migrations"]).await;
    let schema_three = catalog(&mut conn).await;

    store.upgrade(None).await.unwrap();
    assert_eq!(store.schema_version().await.unwrap(), 4);
    assert_eq!(versions(&store).await, applied());
    before.assert_kept_in(&before.read_again(&mut conn).await);
    assert_eq!(answers(&reg).await, at_three, "the same answers at schema 4");
    assert_the_text_rules_hold(&mut conn).await;
    before.assert_kept_in(&before.read_again(&mut conn).await);

    store.downgrade(3).await.unwrap();
    assert_eq!(store.schema_version().await.unwrap(), 3);
    assert_same_catalog(
        &catalog(&mut conn).await,
        &schema_three,
        "the schema is schema 3's again",
    );
    before.assert_kept_in(&before.read_again(&mut conn).await);
    assert_eq!(answers(&reg).await, at_three, "the same answers at schema 3 again");

    let (model, team): (String, String) =
        sqlx::query_as("SELECT id::text, team_id::text FROM models WHERE team_id IS NOT NULL ORDER BY id LIMIT 1")
            .fetch_one(&mut conn)
            .await
            .expect("a model with a team");
    sqlx::query("UPDATE models SET description = E'a\\u202Eb' WHERE id = $1::uuid")
        .bind(&model)
        .execute(&mut conn)
        .await
        .expect("schema 3 takes it");
    store.upgrade(None).await.unwrap();
    let id = |text: &str| uuid::Uuid::parse_str(text).expect("an id");
    assert_an_old_row_breaking_a_rule_is_named_until_corrected(&reg, id(&model), id(&team)).await;
}
