//! Bulk inserts for import and copy: one `INSERT … SELECT * FROM
//! UNNEST($1::uuid[], …)` per kind and chunk, built from the table
//! declarations (an array per column, cast by its type), so a million
//! records cost hundreds of round trips, not millions.

use std::collections::HashMap;
use std::sync::LazyLock;

use modelreg_core::Result;
use modelreg_core::store::{Existing, Record, RecordKind};
use modelreg_core::tables::{TABLES, Table};
use sqlx::PgConnection;

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
