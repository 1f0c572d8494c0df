//! Reading metrics.

use async_trait::async_trait;
use modelreg_core::Result;
use modelreg_core::metrics::{Metric, MetricFilter};
use modelreg_core::store::{MetricReads, Page, RecordKind};
use rusqlite::{Connection, params};
use uuid::Uuid;

use super::{limit, offset};
use crate::SqliteStore;
use crate::row::{columns, entities, id, sql};

fn of_version(conn: &Connection, version: Uuid, filter: &MetricFilter, page: Page) -> Result<Vec<Metric>> {
    entities(
        conn,
        sql!(
            "SELECT {} FROM metrics
             WHERE version_id = ?1 AND (?2 IS NULL OR name = ?2) AND (?3 IS NULL OR split = ?3)
             ORDER BY recorded_at DESC, id DESC LIMIT ?4 OFFSET ?5",
            columns(RecordKind::Metric, "", "")
        ),
        params![
            id(version),
            filter.name.as_deref(),
            filter.split.map(|s| s.as_str()),
            limit(page),
            offset(page)
        ],
    )
}

fn latest(conn: &Connection, version: Uuid, page: Page) -> Result<Vec<Metric>> {
    entities(
        conn,
        sql!(
            "SELECT {} FROM (
                 SELECT *, row_number() OVER (PARTITION BY name ORDER BY recorded_at DESC, id DESC) AS rank
                 FROM metrics WHERE version_id = ?1
             ) WHERE rank = 1 ORDER BY name LIMIT ?2 OFFSET ?3",
            columns(RecordKind::Metric, "", "")
        ),
        params![id(version), limit(page), offset(page)],
    )
}

#[async_trait]
impl MetricReads for SqliteStore {
    async fn metrics_of_version(&self, version: Uuid, filter: &MetricFilter, page: Page) -> Result<Vec<Metric>> {
        let filter = filter.clone();
        self.read(move |conn| of_version(conn, version, &filter, page)).await
    }

    async fn latest_metrics(&self, version: Uuid, page: Page) -> Result<Vec<Metric>> {
        self.read(move |conn| latest(conn, version, page)).await
    }
}
