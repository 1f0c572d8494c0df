//! Schema 4 on a registry that schema 3 wrote: the fixture upgraded to
//! schema 3 and written to there upgrades to schema 4 with every row as it
//! was and the same query answers; from then on the schema refuses, in
//! every text column, each character modelreg-core refuses there (tried
//! code point by code point with plain SQL) and takes the characters at the
//! edges of those ranges; it goes back to schema 3 as it was.

use modelreg_conformance::migrated::schema_three_answers as answers;
use modelreg_conformance::migrated::{
    TEXT_COLUMNS, assert_an_old_row_breaking_a_rule_is_named_until_corrected, assert_the_column_keeps_its_rule, holding,
};

use std::collections::BTreeSet;

use super::*;

/// The first row of `table`, as a condition.
fn first_row(table: &str) -> String {
    format!("rowid = (SELECT min(rowid) FROM {table})")
}

/// Writes `value` into `column` of one row of `table` with plain SQL; the
/// trigger's message if the schema refuses it.
fn write<'v>(conn: &Connection, table: &str, column: &str, value: impl Into<Option<&'v str>>) -> Result<(), String> {
    // Table and column names come from the test's own list, never from data.
    let sql = format!("UPDATE {table} SET {column} = ?1 WHERE {}", first_row(table));
    match conn.execute(&sql, [value.into()]) {
        Ok(1) => Ok(()),
        Ok(n) => panic!("{table} has no row to write ({n} written)"),
        Err(e) => Err(e.to_string()),
    }
}

/// Every text column refuses what modelreg-core refuses and takes its
/// neighbours, tried on an update; each table's insert trigger checks what
/// its update trigger checks.
async fn assert_the_text_rules_hold(conn: &Connection) {
    let mut stmt = conn
        .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%\\_chars\\_%' ESCAPE '\\'")
        .unwrap();
    let triggers: BTreeMap<String, String> = stmt
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let tables: BTreeSet<&str> = TEXT_COLUMNS.iter().map(|(table, ..)| *table).collect();
    assert_eq!(triggers.len(), 2 * tables.len(), "{:?}", triggers.keys());
    for table in tables {
        let body = |event: &str| {
            let sql = &triggers[&format!("{table}_chars_{event}")];
            sql[sql.find("BEGIN").expect("a trigger body")..].to_owned()
        };
        assert_eq!(body("insert"), body("update"), "{table}'s triggers check the same");
    }
    for (table, column, field, rule) in TEXT_COLUMNS {
        let original: Option<String> = conn
            .query_row(
                &format!("SELECT {column} FROM {table} WHERE {}", first_row(table)),
                [],
                |row| row.get(0),
            )
            .unwrap_or_else(|e| panic!("{table} has a row: {e}"));
        let mut write_value = async |value: String| write(conn, table, column, value.as_str());
        assert_the_column_keeps_its_rule((table, column, field, rule), &mut write_value).await;
        let constraint = format!("ck__{table}__chars__{field}");
        // GLOB stops at a NUL: the NUL itself, and what follows it, are refused too.
        for value in [holding('\0'), format!("a\0{}", holding('\u{202E}'))] {
            let refusal =
                write(conn, table, column, value.as_str()).expect_err(&format!("{table}.{column} refuses {value:?}"));
            assert!(refusal.contains(&constraint), "{table}.{column}, {value:?}: {refusal}");
        }
        write(conn, table, column, original.as_deref()).expect("put the value back");
    }
}

#[tokio::test]
async fn a_schema_3_file_with_new_writes_upgrades_to_schema_4_refuses_what_core_refuses_and_goes_back() {
    let fixture = Fixture::copy();
    let store = Arc::new(fixture.open(false).await);
    store.upgrade(Some(3)).await.unwrap();
    let reg = Registry::new(store.clone(), actor());
    schema_one::assert_new_writes_work(&reg, "fraud-detector").await;
    let at_three = answers(&reg).await;
    let conn = fixture.sql();
    // Schema 3 takes a right-to-left override in a one-line text.
    write(&conn, "teams", "department", "a\u{202E}b").expect("schema 3 has no such check");
    write(&conn, "teams", "department", "ml").unwrap();
    let before = Contents::read(&conn, &["schema_migrations"]);
    let schema_three = catalog(&conn);

    store.upgrade(None).await.unwrap();
    assert_eq!(store.schema_version().await.unwrap(), 4);
    assert_eq!(versions(&store).await, applied());
    before.assert_kept_in(&before.read_again(&conn));
    assert_eq!(answers(&reg).await, at_three, "the same answers at schema 4");
    assert_the_text_rules_hold(&conn).await;
    before.assert_kept_in(&before.read_again(&conn));
    let refused = write(&conn, "teams", "name", "a\u{2028}b").unwrap_err();
    assert!(refused.contains("ck__teams__chars__name"), "{refused}");

    store.downgrade(3).await.unwrap();
    assert_eq!(store.schema_version().await.unwrap(), 3);
    assert_eq!(catalog(&conn), schema_three, "the schema is schema 3's again");
    before.assert_kept_in(&before.read_again(&conn));
    assert_eq!(answers(&reg).await, at_three, "the same answers at schema 3 again");

    let (model, team): (String, String) = conn
        .query_row(
            "SELECT id, team_id FROM models WHERE team_id IS NOT NULL ORDER BY id LIMIT 1",
            [],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .expect("a model with a team");
    conn.execute(
        "UPDATE models SET description = 'a' || char(8238) || 'b' WHERE id = ?1",
        [&model],
    )
    .expect("schema 3 takes it");
    store.upgrade(None).await.unwrap();
    let id = |text: &str| uuid::Uuid::parse_str(text).expect("an id");
    assert_an_old_row_breaking_a_rule_is_named_until_corrected(&reg, id(&model), id(&team)).await;
}
