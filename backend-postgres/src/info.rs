//! Facts about the store, its schema, whether it can write, and closing it.

use async_trait::async_trait;
use modelreg_core::migrations::{self, AppliedMigration, Migration};
use modelreg_core::store::StoreInfo;
use modelreg_core::{Error, Result};

use crate::error::db;
use crate::row::{PgCells, get};
use crate::{PostgresStore, schema};

#[async_trait]
impl StoreInfo for PostgresStore {
    fn backend(&self) -> &'static str {
        "postgres"
    }

    fn location(&self) -> String {
        self.location.clone()
    }

    fn known_migrations(&self) -> &'static [Migration] {
        schema::MIGRATIONS
    }

    async fn applied_migrations(&self) -> Result<Vec<AppliedMigration>> {
        schema::history(&self.pool).await
    }

    async fn size_bytes(&self) -> Result<u64> {
        let size: i64 = sqlx::query_scalar(
            "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0)::bigint FROM pg_class c
             JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = current_schema() AND c.relkind = 'r'",
        )
        .fetch_one(&self.pool)
        .await
        .map_err(db)?;
        Ok(size.max(0) as u64)
    }

    async fn upgrade(&self, target: Option<i64>) -> Result<()> {
        let target = target.unwrap_or_else(|| migrations::latest(schema::MIGRATIONS));
        schema::migrate_to(&self.pool, target).await
    }

    async fn downgrade(&self, target: i64) -> Result<()> {
        schema::downgrade_to(&self.pool, target).await
    }

    /// The last write's storage failure, if no write succeeded since; else
    /// one round trip asking whether the server takes writes.
    async fn check_writable(&self) -> Result<()> {
        self.last_write.check()?;
        let row = sqlx::query(
            "SELECT pg_is_in_recovery() AS in_recovery,
                    current_setting('transaction_read_only') = 'on' AS read_only",
        )
        .fetch_one(&self.pool)
        .await
        .map_err(db)?;
        let row = PgCells(&row);
        if get::<bool>(&row, "in_recovery")? {
            return Err(Error::storage(
                "the PostgreSQL server is a standby in recovery: it takes no writes",
            ));
        }
        if get::<bool>(&row, "read_only")? {
            return Err(Error::storage(
                "the PostgreSQL session is read-only (default_transaction_read_only is on)",
            ));
        }
        Ok(())
    }

    async fn close(&self) -> Result<()> {
        self.pool.close().await;
        Ok(())
    }
}
