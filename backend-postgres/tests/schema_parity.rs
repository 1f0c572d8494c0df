//! The two dialects' schemas cannot drift apart (issue 13, item 6c): a fresh
//! SQLite registry and a fresh PostgreSQL registry, both at the latest
//! schema, have the same tables, the same columns with the same nullability,
//! the same primary keys and unique constraints (as column sets), the same
//! indexes (as column lists with their directions, uniqueness and partial
//! predicate; names may differ) and the same foreign keys, as each
//! database's own catalog tells.
//!
//! Types differ by dialect only as the migrations document (SQLite: ids are
//! UUID text, timestamps microseconds since the epoch, JSON text, booleans
//! 0/1; PostgreSQL: UUID, TIMESTAMPTZ, JSONB, BOOLEAN): see [`SAME_TYPES`].

use std::collections::{BTreeMap, BTreeSet};

use modelreg_core::store::StoreInfo;
use modelreg_postgres::testing::TestDatabase;
use modelreg_sqlite::SqliteStore;
use rusqlite::Connection;
use sqlx::{PgConnection, Row};

/// Each SQLite column type with the PostgreSQL types it stands for.
const SAME_TYPES: [(&str, &[&str]); 3] = [
    ("TEXT", &["text", "uuid", "jsonb"]),
    ("INTEGER", &["bigint", "integer", "timestamp with time zone", "boolean"]),
    ("REAL", &["double precision"]),
];

/// A column: whether it takes NULL, and its type as the dialect names it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Column {
    nullable: bool,
    kind: String,
}

/// An index that backs no key: its columns (`DESC` marked), whether it is
/// unique, its access method and its predicate (normalized), if partial.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Index {
    table: String,
    columns: Vec<String>,
    unique: bool,
    method: String,
    predicate: Option<String>,
}

impl std::fmt::Display for Index {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let unique = if self.unique { "unique " } else { "" };
        write!(
            f,
            "{unique}index on {} using {} ({})",
            self.table,
            self.method,
            self.columns.join(", ")
        )?;
        match &self.predicate {
            Some(p) => write!(f, " where {p}"),
            None => Ok(()),
        }
    }
}

/// A foreign key: columns, the table and columns they reference, and what
/// deleting the referenced row does.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct ForeignKey {
    table: String,
    columns: Vec<String>,
    references: String,
    referenced: Vec<String>,
    on_delete: String,
}

impl std::fmt::Display for ForeignKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "foreign key {} ({}) references {} ({}) on delete {}",
            self.table,
            self.columns.join(", "),
            self.references,
            self.referenced.join(", "),
            self.on_delete
        )
    }
}

/// A schema as its database's catalog tells it.
#[derive(Debug, Default)]
struct Schema {
    /// Table → column → column.
    tables: BTreeMap<String, BTreeMap<String, Column>>,
    /// `table: primary key (a, b)` / `table: unique (a, b)`, columns sorted.
    keys: BTreeSet<String>,
    indexes: BTreeSet<Index>,
    foreign_keys: BTreeSet<ForeignKey>,
}

/// A partial index's predicate, with what each dialect adds to it removed:
/// parentheses, casts, quotes, case and spacing.
fn normalize_predicate(predicate: &str) -> String {
    let mut text = predicate.to_lowercase().replace(['(', ')', '"'], "");
    for cast in ["::text", "::double precision", "::bigint", "::integer", "::boolean"] {
        text = text.replace(cast, "");
    }
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn key(table: &str, kind: &str, mut columns: Vec<String>) -> String {
    columns.sort();
    format!("{table}: {kind} ({})", columns.join(", "))
}

fn sqlite_schema(conn: &Connection) -> Schema {
    let mut schema = Schema::default();
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'")
        .unwrap()
        .query_map([], |row| row.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    for table in tables {
        let mut primary_key: Vec<(i64, String)> = Vec::new();
        let mut columns = BTreeMap::new();
        let mut stmt = conn
            .prepare("SELECT name, type, \"notnull\", pk FROM pragma_table_info(?1)")
            .unwrap();
        let rows = stmt
            .query_map([&table], |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, bool>(2)?,
                    row.get::<_, i64>(3)?,
                ))
            })
            .unwrap();
        for row in rows {
            let (name, kind, not_null, pk) = row.unwrap();
            if pk > 0 {
                primary_key.push((pk, name.clone()));
            }
            columns.insert(
                name,
                Column {
                    // SQLite lets a primary key column (other than an INTEGER
                    // PRIMARY KEY) hold NULL unless it says NOT NULL.
                    nullable: !(not_null || pk > 0 && kind.eq_ignore_ascii_case("INTEGER")),
                    kind: kind.to_uppercase(),
                },
            );
        }
        primary_key.sort();
        if !primary_key.is_empty() {
            schema.keys.insert(key(
                &table,
                "primary key",
                primary_key.into_iter().map(|(_, c)| c).collect(),
            ));
        }
        schema.tables.insert(table.clone(), columns);

        let mut stmt = conn
            .prepare("SELECT name, \"unique\", origin, partial FROM pragma_index_list(?1)")
            .unwrap();
        let indexes: Vec<(String, bool, String, bool)> = stmt
            .query_map([&table], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        for (name, unique, origin, partial) in indexes {
            let mut stmt = conn
                .prepare("SELECT name, \"desc\" FROM pragma_index_xinfo(?1) WHERE key = 1 ORDER BY seqno")
                .unwrap();
            let columns: Vec<String> = stmt
                .query_map([&name], |row| {
                    let column = row
                        .get::<_, Option<String>>(0)?
                        .unwrap_or_else(|| "<expression>".into());
                    Ok(if row.get::<_, bool>(1)? {
                        format!("{column} DESC")
                    } else {
                        column
                    })
                })
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap();
            match origin.as_str() {
                // The primary key, read from the columns above.
                "pk" => {}
                "u" => {
                    schema.keys.insert(key(&table, "unique", columns));
                }
                _ => {
                    let predicate = partial.then(|| {
                        let sql: String = conn
                            .query_row("SELECT sql FROM sqlite_master WHERE name = ?1", [&name], |row| {
                                row.get(0)
                            })
                            .unwrap();
                        let at = sql
                            .to_uppercase()
                            .rfind(" WHERE ")
                            .expect("a partial index has a WHERE");
                        normalize_predicate(&sql[at + 7..])
                    });
                    schema.indexes.insert(Index {
                        table: table.clone(),
                        columns,
                        unique,
                        method: "btree".into(),
                        predicate,
                    });
                }
            }
        }

        let mut stmt = conn
            .prepare(
                "SELECT id, \"table\", \"from\", \"to\", on_delete FROM pragma_foreign_key_list(?1) ORDER BY id, seq",
            )
            .unwrap();
        let references: Vec<(i64, String, String, Option<String>, String)> = stmt
            .query_map([&table], |row| {
                Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?, row.get(4)?))
            })
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let mut by_id: BTreeMap<i64, ForeignKey> = BTreeMap::new();
        for (id, references, from, to, on_delete) in references {
            let fk = by_id.entry(id).or_insert_with(|| ForeignKey {
                table: table.clone(),
                columns: Vec::new(),
                references,
                referenced: Vec::new(),
                on_delete: on_delete.to_uppercase(),
            });
            fk.columns.push(from);
            fk.referenced.push(to.unwrap_or_else(|| "<primary key>".into()));
        }
        schema.foreign_keys.extend(by_id.into_values());
    }
    schema
}

async fn postgres_schema(conn: &mut PgConnection) -> Schema {
    let mut schema = Schema::default();
    let columns = sqlx::query(
        "SELECT c.table_name::text, c.column_name::text, c.is_nullable = 'YES', c.data_type::text
         FROM information_schema.columns c JOIN information_schema.tables t
           ON t.table_schema = c.table_schema AND t.table_name = c.table_name
         WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'",
    )
    .fetch_all(&mut *conn)
    .await
    .unwrap();
    for row in columns {
        schema.tables.entry(row.get(0)).or_default().insert(
            row.get(1),
            Column {
                nullable: row.get(2),
                kind: row.get(3),
            },
        );
    }

    let keys = sqlx::query(
        "SELECT conrelid::regclass::text, contype::text,
                array(SELECT a.attname::text FROM unnest(c.conkey) k
                      JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k)
         FROM pg_constraint c
         WHERE c.connamespace = 'public'::regnamespace AND c.contype IN ('p', 'u')",
    )
    .fetch_all(&mut *conn)
    .await
    .unwrap();
    for row in keys {
        let kind = if row.get::<String, _>(1) == "p" {
            "primary key"
        } else {
            "unique"
        };
        schema.keys.insert(key(&row.get::<String, _>(0), kind, row.get(2)));
    }

    let indexes = sqlx::query(
        "SELECT t.relname::text, am.amname::text, ix.indisunique,
                array(SELECT pg_get_indexdef(ix.indexrelid, k, true)
                             || CASE WHEN ix.indoption[k - 1] & 1 = 1 THEN ' DESC' ELSE '' END
                      FROM generate_series(1, ix.indnkeyatts) k ORDER BY k),
                pg_get_expr(ix.indpred, ix.indrelid)
         FROM pg_index ix
         JOIN pg_class i ON i.oid = ix.indexrelid
         JOIN pg_class t ON t.oid = ix.indrelid
         JOIN pg_am am ON am.oid = i.relam
         WHERE t.relnamespace = 'public'::regnamespace
           AND NOT EXISTS (SELECT 1 FROM pg_constraint c
                           WHERE c.conindid = ix.indexrelid AND c.conrelid = ix.indrelid AND c.contype IN ('p', 'u'))",
    )
    .fetch_all(&mut *conn)
    .await
    .unwrap();
    for row in indexes {
        let columns: Vec<String> = row.get(3);
        schema.indexes.insert(Index {
            table: row.get(0),
            method: row.get(1),
            unique: row.get(2),
            columns: columns.into_iter().map(|c| c.replace('"', "")).collect(),
            predicate: row.get::<Option<String>, _>(4).as_deref().map(normalize_predicate),
        });
    }

    let foreign_keys = sqlx::query(
        "SELECT c.conrelid::regclass::text, c.confrelid::regclass::text,
                array(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY k(n, i)
                      JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n ORDER BY k.i),
                array(SELECT a.attname::text FROM unnest(c.confkey) WITH ORDINALITY k(n, i)
                      JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n ORDER BY k.i),
                CASE c.confdeltype WHEN 'c' THEN 'CASCADE' WHEN 'n' THEN 'SET NULL' WHEN 'd' THEN 'SET DEFAULT'
                                   WHEN 'r' THEN 'RESTRICT' ELSE 'NO ACTION' END
         FROM pg_constraint c
         WHERE c.connamespace = 'public'::regnamespace AND c.contype = 'f'",
    )
    .fetch_all(&mut *conn)
    .await
    .unwrap();
    for row in foreign_keys {
        schema.foreign_keys.insert(ForeignKey {
            table: row.get(0),
            references: row.get(1),
            columns: row.get(2),
            referenced: row.get(3),
            on_delete: row.get(4),
        });
    }
    schema
}

/// Both schemas, of a fresh registry each at the latest schema; `None`
/// when PostgreSQL is not available (and not required).
async fn both() -> Option<(Schema, Schema)> {
    let db = TestDatabase::create().await?;
    let dir = ScratchDir::new();
    let path = dir.0.join("registry.db");
    let sqlite = SqliteStore::open_path(&path).await.expect("a fresh SQLite registry");
    let postgres = db.store().await;
    let latest = sqlite.schema_version().await.unwrap();
    assert_eq!(
        postgres.schema_version().await.unwrap(),
        latest,
        "both at the latest schema"
    );
    assert_eq!(latest, modelreg_core::migrations::latest(modelreg_sqlite::MIGRATIONS));
    assert_eq!(latest, modelreg_core::migrations::latest(modelreg_postgres::MIGRATIONS));
    sqlite.close().await.unwrap();
    let from_sqlite = sqlite_schema(&Connection::open(&path).unwrap());
    let from_postgres = postgres_schema(&mut postgres.pool().acquire().await.unwrap()).await;
    postgres.close().await.unwrap();
    Some((from_sqlite, from_postgres))
}

/// A directory of the test's own under the system's temporary directory,
/// removed when dropped.
struct ScratchDir(std::path::PathBuf);

impl ScratchDir {
    fn new() -> ScratchDir {
        let dir = std::env::temp_dir().join(format!("modelreg-parity-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir).unwrap();
        ScratchDir(dir)
    }
}

impl Drop for ScratchDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// What is on one side only, as lines naming the side.
fn one_sided<T: Ord + std::fmt::Display>(sqlite: &BTreeSet<T>, postgres: &BTreeSet<T>) -> Vec<String> {
    let mut out: Vec<String> = sqlite
        .difference(postgres)
        .map(|x| format!("{x}: only on SQLite"))
        .collect();
    out.extend(postgres.difference(sqlite).map(|x| format!("{x}: only on PostgreSQL")));
    out
}

#[track_caller]
fn assert_none(differences: Vec<String>, what: &str) {
    assert!(
        differences.is_empty(),
        "the dialects differ in {what}:\n  {}",
        differences.join("\n  ")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn both_dialects_have_the_same_tables_and_columns_with_the_same_nullability_and_documented_types() {
    let Some((sqlite, postgres)) = both().await else { return };
    let tables = |s: &Schema| s.tables.keys().cloned().collect::<BTreeSet<_>>();
    let mut differences = one_sided(&tables(&sqlite), &tables(&postgres));
    for (table, columns) in &sqlite.tables {
        let Some(other) = postgres.tables.get(table) else {
            continue;
        };
        let names = |c: &BTreeMap<String, Column>| c.keys().map(|n| format!("column {table}.{n}")).collect();
        differences.extend(one_sided(&names(columns), &names(other)));
        for (name, column) in columns {
            let Some(theirs) = other.get(name) else { continue };
            if column.nullable != theirs.nullable {
                let says = |nullable: bool| if nullable { "NULL" } else { "NOT NULL" };
                differences.push(format!(
                    "column {table}.{name}: {} on SQLite, {} on PostgreSQL",
                    says(column.nullable),
                    says(theirs.nullable)
                ));
            }
            let documented = SAME_TYPES
                .iter()
                .any(|(mine, others)| *mine == column.kind && others.contains(&theirs.kind.as_str()));
            if !documented {
                differences.push(format!(
                    "column {table}.{name}: {} on SQLite and {} on PostgreSQL are not documented as the same",
                    column.kind, theirs.kind
                ));
            }
        }
    }
    assert!(sqlite.tables.len() >= 14, "{:?}", sqlite.tables.keys());
    assert_none(differences, "tables and columns");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn both_dialects_have_the_same_primary_keys_and_unique_constraints() {
    let Some((sqlite, postgres)) = both().await else { return };
    assert!(
        sqlite
            .keys
            .iter()
            .any(|k| k == "model_tags: primary key (model_id, tag_id)")
    );
    assert!(
        sqlite
            .keys
            .iter()
            .any(|k| k == "model_aliases: unique (model_id, name)")
    );
    assert_none(
        one_sided(&sqlite.keys, &postgres.keys),
        "primary keys and unique constraints",
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn both_dialects_have_the_same_indexes() {
    let Some((sqlite, postgres)) = both().await else { return };
    let one_production = Index {
        table: "model_versions".into(),
        columns: vec!["model_id".into()],
        unique: true,
        method: "btree".into(),
        predicate: Some("status = 'production'".into()),
    };
    assert!(sqlite.indexes.contains(&one_production), "{:#?}", sqlite.indexes);
    assert!(postgres.indexes.contains(&one_production), "{:#?}", postgres.indexes);
    assert_none(one_sided(&sqlite.indexes, &postgres.indexes), "indexes");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn both_dialects_have_the_same_foreign_keys() {
    let Some((sqlite, postgres)) = both().await else { return };
    assert!(sqlite.foreign_keys.len() >= 10, "{:#?}", sqlite.foreign_keys);
    assert_none(one_sided(&sqlite.foreign_keys, &postgres.foreign_keys), "foreign keys");
}
