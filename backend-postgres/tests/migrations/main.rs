//! Schema 2 on a registry that schema 1 wrote (issue 13, item 6): a database
//! loaded from `migrations/fixtures/schema1.postgres.sql`, dumped from a
//! registry the schema-1 binary made, upgrades with every record kept and
//! the status history rebuilt from its audit trail, answers "as of" for its
//! past, takes new writes, and goes down to schema 1 and up again without
//! losing or changing anything.
//!
//! What schema 1 held is read with plain SQL, before and after, so that the
//! comparison does not depend on the code under test; what schema 2 adds is
//! checked through the registry by `modelreg_conformance::cases::upgrades`.

use std::collections::BTreeMap;
use std::sync::Arc;

use modelreg_conformance::cases::upgrades::schema_one;
use modelreg_conformance::fixtures::actor;
use modelreg_conformance::migrated::{FIXTURE_ROWS, LATEST, SCHEMA_TWO_TABLES, applied};
use modelreg_core::Registry;
use modelreg_core::store::StoreInfo;
use modelreg_postgres::testing::TestDatabase;
use modelreg_postgres::{PostgresOptions, PostgresStore};
// Table and column names in the SQL built here come from the catalog, never from data.
use sqlx::{AssertSqlSafe, Connection, PgConnection, Row};

/// `pg_dump --inserts` of a schema-1 registry. It sets `search_path` to ''
/// on its session, so it runs on a connection of its own.
const DUMP: &str = include_str!("../../../migrations/fixtures/schema1.postgres.sql");

/// A database of the test's own holding the fixture (dropped when dropped).
struct Fixture {
    db: TestDatabase,
}

impl Fixture {
    /// The fixture in a fresh database; `None` when PostgreSQL is not
    /// available (and not required).
    async fn load() -> Option<Fixture> {
        let db = TestDatabase::create().await?;
        let mut conn = PgConnection::connect(db.url()).await.expect("connect");
        // The test database comes migrated; the fixture wants an empty one.
        sqlx::raw_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
            .execute(&mut conn)
            .await
            .expect("empty the test database");
        sqlx::raw_sql(DUMP)
            .execute(&mut conn)
            .await
            .expect("load the schema-1 dump");
        conn.close().await.expect("close the loading connection");
        Some(Fixture { db })
    }

    /// Opens the fixture; with `migrate` it is upgraded to the latest schema.
    async fn open(&self, migrate: bool) -> PostgresStore {
        let options = PostgresOptions {
            migrate,
            max_connections: 4,
            ..PostgresOptions::default()
        };
        PostgresStore::connect(self.db.url(), options)
            .await
            .expect("open the fixture")
    }

    /// A plain connection, for reading (and breaking) with raw SQL.
    async fn sql(&self) -> PgConnection {
        PgConnection::connect(self.db.url()).await.expect("a plain connection")
    }
}

/// A table's rows, each column as text (`None` for NULL).
type Rows = Vec<Vec<Option<String>>>;

/// Every row of some tables, read with plain SQL: per table, its column
/// names and its rows (every column as text, sorted).
#[derive(Debug, Clone, PartialEq)]
struct Contents(BTreeMap<String, (Vec<String>, Rows)>);

async fn strings(conn: &mut PgConnection, sql: &'static str, bind: Option<&str>) -> Vec<String> {
    let query = sqlx::query_scalar::<_, String>(sql);
    let query = match bind {
        Some(value) => query.bind(value.to_owned()),
        None => query,
    };
    query.fetch_all(conn).await.unwrap()
}

async fn tables(conn: &mut PgConnection) -> Vec<String> {
    strings(
        conn,
        "SELECT table_name::text FROM information_schema.tables
         WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1",
        None,
    )
    .await
}

async fn columns(conn: &mut PgConnection, table: &str) -> Vec<String> {
    strings(
        conn,
        "SELECT column_name::text FROM information_schema.columns
         WHERE table_schema = 'public' AND table_name = $1 ORDER BY ordinal_position",
        Some(table),
    )
    .await
}

/// The rows of `table`, only `columns` (as text), sorted by every column.
async fn rows(conn: &mut PgConnection, table: &str, columns: &[String]) -> Rows {
    let list: Vec<String> = columns.iter().map(|c| format!("\"{c}\"::text")).collect();
    let order: Vec<String> = (1..=columns.len()).map(|i| i.to_string()).collect();
    let sql = format!(
        "SELECT {} FROM public.\"{table}\" ORDER BY {}",
        list.join(", "),
        order.join(", ")
    );
    sqlx::query(AssertSqlSafe(sql))
        .fetch_all(conn)
        .await
        .unwrap()
        .iter()
        .map(|row| (0..columns.len()).map(|i| row.try_get(i).unwrap()).collect())
        .collect()
}

impl Contents {
    /// Every table but `except`, every column.
    async fn read(conn: &mut PgConnection, except: &[&str]) -> Contents {
        let mut out = BTreeMap::new();
        for table in tables(conn).await {
            if except.contains(&table.as_str()) {
                continue;
            }
            let columns = columns(conn, &table).await;
            let rows = rows(conn, &table, &columns).await;
            out.insert(table, (columns, rows));
        }
        Contents(out)
    }

    /// The same tables and columns as `self`, as they are now.
    async fn read_again(&self, conn: &mut PgConnection) -> Contents {
        let mut out = BTreeMap::new();
        for (table, (columns, _)) in &self.0 {
            out.insert(table.clone(), (columns.clone(), rows(conn, table, columns).await));
        }
        Contents(out)
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

/// The schema as the catalog tells it: every column (in order, with its
/// type, nullability, default and collation), every constraint (with its
/// definition and whether it was validated) and every index (with its
/// definition) of the public schema.
async fn catalog(conn: &mut PgConnection) -> Vec<String> {
    let mut out = strings(
        conn,
        "SELECT format('column %s.%s: %s null %s default %s collate %s', table_name, column_name, data_type,
                       is_nullable, column_default, collation_name)
         FROM information_schema.columns WHERE table_schema = 'public' ORDER BY table_name, ordinal_position",
        None,
    )
    .await;
    out.extend(
        strings(
            conn,
            "SELECT format('constraint %s on %s: %s %s validated %s', conname, conrelid::regclass, contype,
                           pg_get_constraintdef(oid), convalidated)
             FROM pg_constraint WHERE connamespace = 'public'::regnamespace ORDER BY conrelid::regclass::text, conname",
            None,
        )
        .await,
    );
    out.extend(
        strings(
            conn,
            "SELECT format('index %s on %s: %s', indexname, tablename, indexdef)
             FROM pg_indexes WHERE schemaname = 'public' ORDER BY tablename, indexname",
            None,
        )
        .await,
    );
    out
}

/// Asserts two catalogs are the same, naming only what differs.
#[track_caller]
fn assert_same_catalog(left: &[String], right: &[String], what: &str) {
    let only = |a: &[String], b: &[String]| -> Vec<String> { a.iter().filter(|x| !b.contains(x)).cloned().collect() };
    let (only_left, only_right) = (only(left, right), only(right, left));
    assert!(
        only_left.is_empty() && only_right.is_empty(),
        "{what}:\n  only in the first: {only_left:#?}\n  only in the second: {only_right:#?}"
    );
    assert_eq!(left, right, "{what}: the same, in the same order");
}

async fn status_history(conn: &mut PgConnection) -> Rows {
    let columns = columns(conn, "status_history").await;
    rows(conn, "status_history", &columns).await
}

async fn count(conn: &mut PgConnection, sql: &'static str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(conn).await.unwrap()
}

async fn versions(store: &PostgresStore) -> Vec<(i64, String)> {
    store
        .applied_migrations()
        .await
        .unwrap()
        .into_iter()
        .map(|m| (m.version, m.name))
        .collect()
}

async fn assert_schema_two_is_gone(conn: &mut PgConnection) {
    let tables = tables(conn).await;
    for table in SCHEMA_TWO_TABLES {
        assert!(!tables.iter().any(|t| t == table), "{table} is dropped");
    }
    assert!(!columns(conn, "model_versions").await.iter().any(|c| c == "description"));
    assert_eq!(
        count(
            conn,
            "SELECT count(*) FROM pg_constraint WHERE connamespace = 'public'::regnamespace
             AND (conname LIKE '%\\_\\_chars\\_\\_%' OR conname LIKE '%\\_\\_bound\\_\\_%')"
        )
        .await,
        0,
        "schema 2's checks are dropped"
    );
    assert_eq!(
        count(
            conn,
            "SELECT count(*) FROM pg_indexes WHERE indexname = 'model_versions_checksum'"
        )
        .await,
        0
    );
}

mod schema_four;
mod schema_three;
mod schema_two;
