//! Writing records: the INSERT, INSERT … ON CONFLICT DO NOTHING, UPDATE and
//! DELETE of every table, built once from the table declarations and bound
//! from `Record::values`.

use std::collections::HashMap;
use std::sync::LazyLock;

use modelreg_core::store::{Record, RecordKind};
use modelreg_core::tables::{TABLES, Table, Write};
use modelreg_core::{Error, Result};
use rusqlite::{Connection, params_from_iter};
use uuid::Uuid;

use crate::error;
use crate::row::{Param, id};

fn mark(n: usize) -> String {
    format!("?{n}")
}

static WRITES: LazyLock<HashMap<(RecordKind, Write), String>> = LazyLock::new(|| {
    TABLES
        .iter()
        .flat_map(|t| Write::ALL.map(|how| ((t.kind, how), t.write_sql(how, mark, 1))))
        .collect()
});

static DELETES: LazyLock<HashMap<RecordKind, String>> =
    LazyLock::new(|| TABLES.iter().map(|t| (t.kind, t.delete_sql(mark))).collect());

fn declared<K: std::hash::Hash + Eq>(statements: &'static HashMap<K, String>, key: &K) -> Result<&'static str> {
    statements
        .get(key)
        .map(String::as_str)
        .ok_or_else(|| Error::internal("a table has no declared statement"))
}

/// Runs the write that stores `record`; the rows it wrote (an insert that
/// skips an existing row writes none). An update of a row that is gone is
/// [`Error::NotFound`].
pub(crate) fn write(conn: &Connection, record: &Record, how: Write) -> Result<u64> {
    let values = record.values()?;
    let sql = declared(&WRITES, &(record.record_kind(), how))?;
    let written = conn
        .prepare_cached(sql)
        .and_then(|mut stmt| stmt.execute(params_from_iter(values.iter().map(Param))))
        .map_err(|e| error::map(e, Some(record)))?;
    if written == 0 && how == Write::Update {
        return Err(Error::not_found(record.kind(), record.id()));
    }
    Ok(written as u64)
}

/// Deletes the row of `kind` whose key is `key` (what cascades from it
/// goes too); whether it existed.
pub(crate) fn delete(conn: &Connection, kind: RecordKind, key: &[Uuid]) -> Result<bool> {
    debug_assert_eq!(key.len(), Table::of(kind).key.len());
    let sql = declared(&DELETES, &kind)?;
    conn.prepare_cached(sql)
        .and_then(|mut stmt| stmt.execute(params_from_iter(key.iter().map(|k| id(*k)))))
        .map(|deleted| deleted > 0)
        .map_err(error::db)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Location, SqliteOptions, open_writer};

    #[test]
    fn every_declared_statement_prepares_against_the_schema() {
        let conn = open_writer(&Location::Memory, &SqliteOptions::default()).unwrap();
        for sql in WRITES.values().chain(DELETES.values()) {
            conn.prepare(sql).unwrap_or_else(|e| panic!("{sql}: {e}"));
        }
    }
}
