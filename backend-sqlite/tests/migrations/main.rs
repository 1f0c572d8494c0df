//! Schema 2 on a registry that schema 1 wrote (issue 13, item 6): a copy of
//! `migrations/fixtures/schema1.sqlite`, made by the schema-1 binary,
//! upgrades with every record kept and the status history rebuilt from its
//! audit trail, answers "as of" for its past, takes new writes, and goes
//! down to schema 1 and up again without losing or changing anything.
//!
//! What schema 1 held is read with plain SQL, before and after, so that the
//! comparison does not depend on the code under test; what schema 2 adds is
//! checked through the registry by `modelreg_conformance::cases::upgrades`.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use modelreg_conformance::cases::upgrades::schema_one;
use modelreg_conformance::fixtures::actor;
use modelreg_conformance::migrated::{FIXTURE_ROWS, LATEST, SCHEMA_TWO_TABLES, applied};
use modelreg_core::Registry;
use modelreg_core::store::StoreInfo;
use modelreg_sqlite::{Location, SqliteOptions, SqliteStore};
use rusqlite::Connection;
use rusqlite::types::Value;

const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../migrations/fixtures/schema1.sqlite");

/// A copy of the fixture in a directory of its own (removed when dropped).
struct Fixture {
    dir: tempfile::TempDir,
}

impl Fixture {
    fn copy() -> Fixture {
        let dir = tempfile::tempdir().expect("a temporary directory");
        std::fs::copy(FIXTURE, dir.path().join("registry.db")).expect("copy the schema-1 fixture");
        Fixture { dir }
    }

    fn path(&self) -> PathBuf {
        self.dir.path().join("registry.db")
    }

    /// Opens the copy; with `migrate` it is upgraded to the latest schema.
    async fn open(&self, migrate: bool) -> SqliteStore {
        let options = SqliteOptions {
            migrate,
            create: false,
            ..SqliteOptions::default()
        };
        SqliteStore::open(Location::File(self.path()), options)
            .await
            .expect("open the copy of the fixture")
    }

    /// A plain connection, for reading (and breaking) with raw SQL.
    fn sql(&self) -> Connection {
        Connection::open(self.path()).expect("a plain connection")
    }
}

/// A table's rows, each column as SQLite stores it.
type Rows = Vec<Vec<Value>>;

/// Every row of some tables, read with plain SQL: per table, its column
/// names and its rows (every column, sorted).
#[derive(Debug, Clone, PartialEq)]
struct Contents(BTreeMap<String, (Vec<String>, Rows)>);

fn tables(conn: &Connection) -> Vec<String> {
    let mut stmt = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name")
        .unwrap();
    stmt.query_map([], |row| row.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

fn columns(conn: &Connection, table: &str) -> Vec<String> {
    let mut stmt = conn
        .prepare("SELECT name FROM pragma_table_info(?1) ORDER BY cid")
        .unwrap();
    stmt.query_map([table], |row| row.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

/// The rows of `table`, only `columns`, sorted by every column.
fn rows(conn: &Connection, table: &str, columns: &[String]) -> Rows {
    // Table and column names come from the catalog, never from data.
    let list: Vec<String> = columns.iter().map(|c| format!("\"{c}\"")).collect();
    let order: Vec<String> = (1..=columns.len()).map(|i| i.to_string()).collect();
    let sql = format!(
        "SELECT {} FROM \"{table}\" ORDER BY {}",
        list.join(", "),
        order.join(", ")
    );
    let mut stmt = conn.prepare(&sql).unwrap();
    stmt.query_map([], |row| (0..columns.len()).map(|i| row.get::<_, Value>(i)).collect())
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

impl Contents {
    /// Every table but `except`, every column.
    fn read(conn: &Connection, except: &[&str]) -> Contents {
        Contents(
            tables(conn)
                .into_iter()
                .filter(|t| !except.contains(&t.as_str()))
                .map(|t| {
                    let columns = columns(conn, &t);
                    let rows = rows(conn, &t, &columns);
                    (t, (columns, rows))
                })
                .collect(),
        )
    }

    /// The same tables and columns as `self`, as they are now.
    fn read_again(&self, conn: &Connection) -> Contents {
        Contents(
            self.0
                .iter()
                .map(|(t, (columns, _))| (t.clone(), (columns.clone(), rows(conn, t, columns))))
                .collect(),
        )
    }

    fn count(&self, table: &str) -> usize {
        self.0[table].1.len()
    }

    /// Asserts that `now` holds what `self` held, table by table.
    #[track_caller]
    fn assert_kept_in(&self, now: &Contents) {
        assert_eq!(
            self.0.keys().collect::<Vec<_>>(),
            now.0.keys().collect::<Vec<_>>(),
            "the same tables"
        );
        for (table, (columns, rows)) in &self.0 {
            assert_eq!(&now.0[table].0, columns, "the columns of {table}");
            assert_eq!(rows.len(), now.0[table].1.len(), "the rows of {table}");
            assert_eq!(rows, &now.0[table].1, "the content of {table}");
        }
    }
}

/// The schema as the catalog tells it: every table, index and trigger with
/// its SQL (whitespace folded: SQLite edits the SQL text of a table on
/// `ADD COLUMN` and `DROP COLUMN`), and every column of every table.
fn catalog(conn: &Connection) -> Vec<String> {
    let mut stmt = conn
        .prepare("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name")
        .unwrap();
    let mut out: Vec<String> = stmt
        .query_map([], |row| {
            let sql: Option<String> = row.get(3)?;
            let folded = sql.map(|s| {
                s.split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
                    .replace("( ", "(")
                    .replace(" )", ")")
                    .replace(" ,", ",")
            });
            Ok(format!(
                "{} {} on {}: {}",
                row.get::<_, String>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, String>(2)?,
                folded.unwrap_or_default()
            ))
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    for table in tables(conn) {
        let mut stmt = conn
            .prepare("SELECT cid, name, type, \"notnull\", dflt_value, pk FROM pragma_table_info(?1) ORDER BY cid")
            .unwrap();
        let columns = stmt
            .query_map([&table], |row| {
                Ok(format!(
                    "column {table}.{}: {} {} not null {} default {:?} pk {}",
                    row.get::<_, i64>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, String>(2)?,
                    row.get::<_, i64>(3)?,
                    row.get::<_, Option<String>>(4)?,
                    row.get::<_, i64>(5)?
                ))
            })
            .unwrap()
            .collect::<Result<Vec<_>, _>>()
            .unwrap();
        out.extend(columns);
    }
    out
}

fn status_history(conn: &Connection) -> Rows {
    rows(conn, "status_history", &columns(conn, "status_history"))
}

fn count(conn: &Connection, sql: &str) -> i64 {
    conn.query_row(sql, [], |row| row.get(0)).unwrap()
}

fn registry(store: SqliteStore) -> Registry {
    Registry::new(Arc::new(store), actor())
}

async fn versions(store: &SqliteStore) -> Vec<(i64, String)> {
    store
        .applied_migrations()
        .await
        .unwrap()
        .into_iter()
        .map(|m| (m.version, m.name))
        .collect()
}

fn assert_schema_two_is_gone(conn: &Connection) {
    let tables = tables(conn);
    for table in SCHEMA_TWO_TABLES {
        assert!(!tables.iter().any(|t| t == table), "{table} is dropped");
    }
    assert!(!columns(conn, "model_versions").iter().any(|c| c == "description"));
    assert_eq!(
        count(
            conn,
            "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' OR name = 'model_versions_checksum'"
        ),
        0,
        "schema 2's triggers and index are dropped"
    );
}

mod schema_four;
mod schema_three;
mod schema_two;
