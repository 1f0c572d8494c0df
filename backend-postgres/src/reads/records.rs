//! Reading every record, kind by kind and a page at a time, in key order:
//! for export and copy (through a snapshot) and for the store itself.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use async_trait::async_trait;
use modelreg_core::Result;
use modelreg_core::store::{Record, RecordKey, RecordKind, RecordReads};
use modelreg_core::tables::{TABLES, Table, record_counts, table_counts};
use sqlx::PgExecutor;

use crate::PostgresStore;
use crate::error::db;
use crate::row::{PgCells, all, dollar, sql};

/// Per kind: the first page, and the pages after a key.
static PAGES: LazyLock<BTreeMap<RecordKind, [String; 2]>> = LazyLock::new(|| {
    (TABLES.iter())
        .map(|t| (t.kind, [t.page_sql(dollar, false), t.page_sql(dollar, true)]))
        .collect()
});

/// Up to `limit` records of `kind` with keys after `after`, in key order.
pub(crate) async fn page(
    conn: impl PgExecutor<'_>,
    kind: RecordKind,
    after: Option<RecordKey>,
    limit: u32,
) -> Result<Vec<Record>> {
    let [first, later] = &PAGES[&kind];
    let query = match after {
        None => sqlx::query(first.as_str()),
        Some((a, b)) => [a, b]
            .into_iter()
            .take(Table::of(kind).key.len())
            .fold(sqlx::query(later.as_str()), |query, key| query.bind(key)),
    };
    all(conn, query.bind(i64::from(limit)), |row| Record::read(kind, row, "")).await
}

/// How many records of each kind the database holds.
pub(crate) async fn counts(conn: impl PgExecutor<'_>) -> Result<BTreeMap<RecordKind, u64>> {
    let row = sqlx::query(sql!("SELECT {}", table_counts()))
        .fetch_one(conn)
        .await
        .map_err(db)?;
    record_counts(&PgCells(&row))
}

#[async_trait]
impl RecordReads for PostgresStore {
    async fn records(&self, kind: RecordKind, after: Option<RecordKey>, limit: u32) -> Result<Vec<Record>> {
        page(&self.pool, kind, after, limit).await
    }

    async fn record_counts(&self) -> Result<BTreeMap<RecordKind, u64>> {
        counts(&self.pool).await
    }
}
