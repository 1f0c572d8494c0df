//! Bulk inserts for import and copy. Into a registry that held nothing:
//! `COPY … FROM STDIN` per kind and chunk, with the secondary indexes set
//! aside and built once at the end. Otherwise (a merge): one `INSERT …
//! SELECT * FROM UNNEST($1::uuid[], …)` per kind and chunk, built from the
//! table declarations (an array per column, cast by its type). Either way a
//! million records cost hundreds of round trips, not millions.

use std::collections::HashMap;
use std::sync::LazyLock;

use modelreg_core::store::{Existing, Record, RecordKind};
use modelreg_core::tables::{TABLES, Table, Value};
use modelreg_core::{Error, Result};
use sqlx::{AssertSqlSafe, Executor, PgConnection};

use crate::error;
use crate::row::Typed;

/// Records per statement.
const CHUNK: usize = 5000;

/// Per kind: the insert that fails on an existing row, and the one that skips it.
static INSERTS: LazyLock<HashMap<RecordKind, [String; 2]>> = LazyLock::new(|| {
    TABLES
        .iter()
        .map(|t| {
            let names: Vec<&str> = t.columns.iter().map(|c| c.name).collect();
            let arrays: Vec<String> = (t.columns.iter().enumerate())
                .map(|(i, c)| format!("${}::{}", i + 1, Typed::array_type(c.ty)))
                .collect();
            let insert = format!(
                "INSERT INTO {} ({}) SELECT * FROM UNNEST({})",
                t.name,
                names.join(", "),
                arrays.join(", ")
            );
            let skip = format!("{insert} ON CONFLICT ({}) DO NOTHING", t.key.join(", "));
            (t.kind, [insert, skip])
        })
        .collect()
});

async fn insert_chunk(conn: &mut PgConnection, kind: RecordKind, chunk: &[Record], existing: Existing) -> Result<u64> {
    let table = Table::of(kind);
    let mut columns: Vec<Typed> = table.columns.iter().map(|c| Typed::new(c.ty, chunk.len())).collect();
    for record in chunk {
        for ((typed, column), value) in columns.iter_mut().zip(table.columns).zip(record.values()?) {
            typed.push(column.name, value)?;
        }
    }
    let [fail, skip] = &INSERTS[&kind];
    let sql = match existing {
        Existing::Fail => fail.as_str(),
        Existing::Skip => skip.as_str(),
    };
    let query = columns
        .into_iter()
        .fold(sqlx::query(sql), |query, typed| typed.bind_array(query));
    let done = query.execute(&mut *conn).await.map_err(|e| error::map_bulk(e, chunk))?;
    Ok(done.rows_affected())
}

/// Inserts `records`, consecutive runs of one kind at a time, in chunks; the rows written.
pub(crate) async fn insert_many(conn: &mut PgConnection, records: &[Record], existing: Existing) -> Result<u64> {
    let mut written = 0;
    let mut start = 0;
    while start < records.len() {
        let kind = records[start].record_kind();
        let run = records[start..].iter().take_while(|r| r.record_kind() == kind).count();
        let end = start + run.min(CHUNK);
        written += insert_chunk(conn, kind, &records[start..end], existing).await?;
        start = end;
    }
    Ok(written)
}

/// Per kind: `COPY table (columns) FROM STDIN`.
static COPIES: LazyLock<HashMap<RecordKind, String>> = LazyLock::new(|| {
    TABLES
        .iter()
        .map(|t| {
            let names: Vec<&str> = t.columns.iter().map(|c| c.name).collect();
            (t.kind, format!("COPY {} ({}) FROM STDIN", t.name, names.join(", ")))
        })
        .collect()
});

/// Writes `text` as a field of COPY's text format (backslash escapes).
fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
}

/// One value as a field of COPY's text format.
fn field_into(out: &mut String, value: &Value) -> Result<()> {
    use std::fmt::Write as _;
    let written = match value {
        Value::Null => {
            out.push_str("\\N");
            Ok(())
        }
        Value::Bool(b) => {
            out.push(if *b { 't' } else { 'f' });
            Ok(())
        }
        Value::Int(n) => write!(out, "{n}"),
        // Display writes the shortest digits that read back as the same float.
        Value::Float(f) => write!(out, "{f}"),
        Value::Text(s) => {
            escape_into(out, s);
            Ok(())
        }
        Value::Uuid(u) => write!(out, "{u}"),
        Value::Time(t) => write!(out, "{}", t.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)),
        Value::Json(object) => {
            let text = serde_json::to_string(object)
                .map_err(|e| Error::internal(format!("a JSON value does not serialize: {e}")))?;
            escape_into(out, &text);
            Ok(())
        }
    };
    written.map_err(|e| Error::internal(format!("cannot write a COPY row: {e}")))
}

async fn copy_chunk(conn: &mut PgConnection, kind: RecordKind, chunk: &[Record]) -> Result<u64> {
    let mut data = String::with_capacity(chunk.len() * 256);
    for record in chunk {
        for (i, value) in record.values()?.iter().enumerate() {
            if i > 0 {
                data.push('\t');
            }
            field_into(&mut data, value)?;
        }
        data.push('\n');
    }
    let mut copy = conn
        .copy_in_raw(COPIES[&kind].as_str())
        .await
        .map_err(|e| error::map_bulk(e, chunk))?;
    if let Err(e) = copy.send(data.into_bytes()).await {
        let _ = copy.abort("the data could not be sent").await;
        return Err(error::map_bulk(e, chunk));
    }
    copy.finish().await.map_err(|e| error::map_bulk(e, chunk))
}

/// COPYs `records` (a registry that held nothing), consecutive runs of one kind at a time, in chunks.
pub(crate) async fn copy_many(conn: &mut PgConnection, records: &[Record]) -> Result<u64> {
    let mut written = 0;
    let mut start = 0;
    while start < records.len() {
        let kind = records[start].record_kind();
        let run = records[start..].iter().take_while(|r| r.record_kind() == kind).count();
        let end = start + run.min(COPY_CHUNK);
        written += copy_chunk(conn, kind, &records[start..end]).await?;
        start = end;
    }
    Ok(written)
}

/// Records per COPY.
const COPY_CHUNK: usize = 20_000;

/// Drops the secondary indexes (not the unique ones, which are constraints)
/// of the registry's schema; answers how to build them again.
pub(crate) async fn set_indexes_aside(conn: &mut PgConnection) -> Result<Vec<String>> {
    let indexes: Vec<(String, String)> = sqlx::query_as(
        "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema()
         AND indexdef NOT LIKE 'CREATE UNIQUE%' AND tablename <> 'schema_migrations'",
    )
    .fetch_all(&mut *conn)
    .await
    .map_err(error::db)?;
    for (name, _) in &indexes {
        conn.execute(AssertSqlSafe(format!("DROP INDEX \"{name}\"")))
            .await
            .map_err(error::db)?;
    }
    Ok(indexes.into_iter().map(|(_, sql)| sql).collect())
}

/// Builds the indexes a bulk load set aside, then gathers the planner's
/// statistics of the registry's tables: a registry loaded by COPY has none
/// until autovacuum comes by, and without them PostgreSQL reads one model's
/// versions by walking the whole creation-time index (measured at 1M
/// versions: 169 ms where the model's index takes 0.14 ms). ANALYZE samples
/// a fixed number of rows per table (about a second at that size).
pub(crate) async fn build_indexes(conn: &mut PgConnection, indexes: &[String]) -> Result<()> {
    for sql in indexes {
        conn.execute(AssertSqlSafe(sql.as_str())).await.map_err(error::db)?;
    }
    let tables: Vec<(String,)> = sqlx::query_as("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
        .fetch_all(&mut *conn)
        .await
        .map_err(error::db)?;
    for (table,) in &tables {
        conn.execute(AssertSqlSafe(format!("ANALYZE \"{table}\"")))
            .await
            .map_err(error::db)?;
    }
    Ok(())
}
