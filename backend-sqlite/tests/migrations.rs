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

use modelreg_conformance::cases::upgrades::{FIXTURE_FRAUD_PRODUCTION, FORMAT_ONE_EXPORT, schema_one};
use modelreg_conformance::fixtures::actor;
use modelreg_core::store::{RecordKind, StoreInfo};
use modelreg_core::{Record, Registry};
use modelreg_sqlite::{Location, SqliteOptions, SqliteStore};
use rusqlite::Connection;
use rusqlite::types::Value;

const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../migrations/fixtures/schema1.sqlite");

/// What the fixture holds, per its README: table and rows.
const FIXTURE_ROWS: [(&str, usize); 11] = [
    ("audit_events", 206),
    ("deployments", 13),
    ("environments", 4),
    ("metrics", 54),
    ("model_tags", 12),
    ("model_versions", 18),
    ("models", 7),
    ("schema_migrations", 1),
    ("tags", 9),
    ("teams", 3),
    ("training_runs", 18),
];

/// The tables schema 2 adds.
const SCHEMA_TWO_TABLES: [&str; 3] = ["alias_history", "model_aliases", "status_history"];

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
    assert_eq!(store.schema_version().await.unwrap(), 2);
    assert_eq!(
        versions(&store).await,
        [(1, "init".to_owned()), (2, "versions_history".to_owned())]
    );
    let conn = fixture.sql();
    let after = before.read_again(&conn);
    let mut migrations = after.0["schema_migrations"].1.clone();
    assert_eq!(migrations.len(), 2, "migration 2 is recorded");
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
    let production = schema_one::assert_production_as_of_follows_the_audit_trail(&reg, "fraud-detector").await;
    assert_eq!(production, FIXTURE_FRAUD_PRODUCTION.map(|s| s.map(str::to_owned)));
    // churn-predictor's last production version, 9.9.9, was deleted since.
    let churn = schema_one::assert_production_as_of_follows_the_audit_trail(&reg, "churn-predictor").await;
    assert_eq!(churn.last(), Some(&Some("9.9.9".to_owned())));
    for model in [
        "product-recommender",
        "sentiment-bert",
        "image-classifier",
        "demand-forecaster",
    ] {
        let told = schema_one::assert_production_as_of_follows_the_audit_trail(&reg, model).await;
        assert!(told.len() >= 2, "{model}: {told:?}");
    }
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

    // Opened again, it is at schema 2 with the writes, and nothing reruns.
    let store = fixture.open(true).await;
    assert_eq!(
        versions(&store).await,
        [(1, "init".to_owned()), (2, "versions_history".to_owned())]
    );
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
    assert_eq!(store.schema_version().await.unwrap(), 2);
    assert_eq!(catalog(&conn), schema_two_catalog, "the schema is schema 2's again");
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
