//! The schema version guard and the migration runner on PostgreSQL.

use modelreg_core::Result;
use modelreg_core::migrations::{self, AppliedMigration, Migration};
use modelreg_core::store::failed_while;
use sqlx::{Acquire, PgConnection, PgPool, Row};

use crate::error::db;

/// The migrations of `migrations/postgres`, embedded at build time.
pub const MIGRATIONS: &[Migration] = include!(concat!(env!("OUT_DIR"), "/migrations.rs"));

/// Serializes migrations across processes: a transaction-scoped advisory lock.
const MIGRATION_LOCK: i64 = 0x6d6f_6465_6c72_6567; // "modelreg"

async fn has_migration_table(conn: &mut PgConnection) -> Result<bool> {
    sqlx::query_scalar::<_, bool>("SELECT to_regclass('schema_migrations') IS NOT NULL")
        .fetch_one(conn)
        .await
        .map_err(db)
}

/// The schema version of the database (0 for an empty one).
pub(crate) async fn current_version(conn: &mut PgConnection) -> Result<i64> {
    if !has_migration_table(conn).await? {
        return Ok(0);
    }
    sqlx::query_scalar::<_, i64>("SELECT coalesce(max(version), 0) FROM schema_migrations")
        .fetch_one(conn)
        .await
        .map_err(db)
}

/// Refuses a database migrated by a newer modelreg, before anything is written.
pub(crate) async fn check_not_newer(pool: &PgPool) -> Result<()> {
    let mut conn = pool.acquire().await.map_err(db)?;
    migrations::check_not_newer(current_version(&mut conn).await?, MIGRATIONS)
}

/// Applied migrations, oldest first.
pub(crate) async fn history(pool: &PgPool) -> Result<Vec<AppliedMigration>> {
    let mut conn = pool.acquire().await.map_err(db)?;
    if !has_migration_table(&mut conn).await? {
        return Ok(Vec::new());
    }
    let rows = sqlx::query("SELECT version, name, applied_at FROM schema_migrations ORDER BY version")
        .fetch_all(&mut *conn)
        .await
        .map_err(db)?;
    rows.iter()
        .map(|row| {
            Ok(AppliedMigration {
                version: row.try_get(0).map_err(db)?,
                name: row.try_get(1).map_err(db)?,
                applied_at: row.try_get(2).map_err(db)?,
            })
        })
        .collect()
}

/// Begins a schema change: a transaction holding the migration lock, and the
/// schema version it finds (refusing a database from a newer modelreg).
async fn begin_schema_change(conn: &mut PgConnection) -> Result<(sqlx::Transaction<'_, sqlx::Postgres>, i64)> {
    let mut tx = conn.begin().await.map_err(db)?;
    sqlx::query("SELECT pg_advisory_xact_lock($1)")
        .bind(MIGRATION_LOCK)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
    let current = current_version(&mut tx).await?;
    migrations::check_not_newer(current, MIGRATIONS)?;
    Ok((tx, current))
}

/// Applies pending migrations up to `target`, in one transaction holding an
/// advisory lock, so that processes starting together migrate exactly once.
pub(crate) async fn migrate_to(pool: &PgPool, target: i64) -> Result<()> {
    let mut conn = pool.acquire().await.map_err(db)?;
    let (mut tx, current) = begin_schema_change(&mut conn).await?;
    let pending = migrations::to_apply(current, target, MIGRATIONS);
    if pending.is_empty() {
        return Ok(());
    }
    sqlx::raw_sql(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
             version BIGINT PRIMARY KEY,
             name TEXT NOT NULL,
             applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
         )",
    )
    .execute(&mut *tx)
    .await
    .map_err(db)?;
    for m in pending {
        sqlx::raw_sql(m.up)
            .execute(&mut *tx)
            .await
            .map_err(|e| failed_while(&format!("migration {} ({}) failed", m.version, m.name), db(e)))?;
        sqlx::query("INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)")
            .bind(m.version)
            .bind(m.name)
            .bind(modelreg_core::time::now())
            .execute(&mut *tx)
            .await
            .map_err(db)?;
    }
    tx.commit().await.map_err(db)
}

/// Reverts migrations down to `target` (0 removes every table).
pub(crate) async fn downgrade_to(pool: &PgPool, target: i64) -> Result<()> {
    let mut conn = pool.acquire().await.map_err(db)?;
    let (mut tx, current) = begin_schema_change(&mut conn).await?;
    for m in migrations::to_revert(current, target, MIGRATIONS)? {
        sqlx::raw_sql(m.down)
            .execute(&mut *tx)
            .await
            .map_err(|e| failed_while(&format!("reverting migration {} ({}) failed", m.version, m.name), db(e)))?;
        sqlx::query("DELETE FROM schema_migrations WHERE version = $1")
            .bind(m.version)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
    }
    if target == 0 {
        sqlx::raw_sql("DROP TABLE IF EXISTS schema_migrations")
            .execute(&mut *tx)
            .await
            .map_err(db)?;
    }
    tx.commit().await.map_err(db)
}
