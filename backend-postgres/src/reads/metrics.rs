//! Reading metrics.

use async_trait::async_trait;
use modelreg_core::Result;
use modelreg_core::metrics::{Metric, MetricFilter};
use modelreg_core::store::{MetricReads, Page, RecordKind};
use uuid::Uuid;

use super::{limit, offset};
use crate::PostgresStore;
use crate::row::{columns, entities, sql};

#[async_trait]
impl MetricReads for PostgresStore {
    async fn metrics_of_version(&self, version: Uuid, filter: &MetricFilter, page: Page) -> Result<Vec<Metric>> {
        let sql = sql!(
            "SELECT {} FROM metrics
             WHERE version_id = $1 AND ($2::text IS NULL OR name = $2) AND ($3::text IS NULL OR split = $3)
             ORDER BY recorded_at DESC, id DESC LIMIT $4 OFFSET $5",
            columns(RecordKind::Metric, "", "")
        );
        let query = sqlx::query(sql)
            .bind(version)
            .bind(filter.name.as_deref())
            .bind(filter.split.map(|s| s.as_str()))
            .bind(limit(page))
            .bind(offset(page));
        entities(&self.pool, query).await
    }

    async fn latest_metrics(&self, version: Uuid, page: Page) -> Result<Vec<Metric>> {
        let sql = sql!(
            "SELECT DISTINCT ON (name) {} FROM metrics WHERE version_id = $1
             ORDER BY name, recorded_at DESC, id DESC LIMIT $2 OFFSET $3",
            columns(RecordKind::Metric, "", "")
        );
        entities(
            &self.pool,
            sqlx::query(sql).bind(version).bind(limit(page)).bind(offset(page)),
        )
        .await
    }
}
