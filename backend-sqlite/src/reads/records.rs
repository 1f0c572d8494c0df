//! Reading every record, kind by kind and a page at a time, in key order:
//! for export and copy (through a snapshot) and for the store itself.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use async_trait::async_trait;
use modelreg_core::Result;
use modelreg_core::store::{Record, RecordKey, RecordKind, RecordReads};
use modelreg_core::tables::{TABLES, Table, record_counts, table_counts};
use rusqlite::{Connection, params_from_iter};

use crate::SqliteStore;
use crate::row::{SqliteRow, all, first, id, sql};

/// Per kind: the first page, and the pages after a key.
static PAGES: LazyLock<BTreeMap<RecordKind, [String; 2]>> = LazyLock::new(|| {
    let mark = |n| format!("?{n}");
    (TABLES.iter())
        .map(|t| (t.kind, [t.page_sql(mark, false), t.page_sql(mark, true)]))
        .collect()
});

/// Up to `limit` records of `kind` with keys after `after`, in key order.
pub(crate) fn page(conn: &Connection, kind: RecordKind, after: Option<RecordKey>, limit: u32) -> Result<Vec<Record>> {
    let [first, later] = &PAGES[&kind];
    let read = |row: &SqliteRow| Record::read(kind, row, "");
    let limit = rusqlite::types::Value::Integer(limit.into());
    match after {
        None => all(conn, first, [limit], read),
        Some((a, b)) => {
            let key = [id(a), id(b)].into_iter().take(Table::of(kind).key.len());
            let values = key.map(rusqlite::types::Value::Text).chain([limit]);
            all(conn, later, params_from_iter(values), read)
        }
    }
}

/// How many records of each kind the database holds.
pub(crate) fn counts(conn: &Connection) -> Result<BTreeMap<RecordKind, u64>> {
    first(conn, sql!("SELECT {}", table_counts()), [], |row| record_counts(row)).map(Option::unwrap_or_default)
}

#[async_trait]
impl RecordReads for SqliteStore {
    async fn records(&self, kind: RecordKind, after: Option<RecordKey>, limit: u32) -> Result<Vec<Record>> {
        self.read(move |conn| page(conn, kind, after, limit)).await
    }

    async fn record_counts(&self) -> Result<BTreeMap<RecordKind, u64>> {
        self.read(counts).await
    }
}
