//! Opening an SQLite file: pragmas, the schema version guard, migrations.

use std::cell::Cell;
use std::time::{Duration, Instant};

use modelreg_core::migrations::{self, AppliedMigration, Migration};
use modelreg_core::store::failed_while;
use modelreg_core::{Result, time};
use rusqlite::{Connection, TransactionBehavior, params};

use crate::error::db;

/// The migrations of `migrations/sqlite`, embedded at build time.
pub const MIGRATIONS: &[Migration] = include!(concat!(env!("OUT_DIR"), "/migrations.rs"));

thread_local! {
    /// How long the connection of this thread waits for a lock: every
    /// connection lives on a thread of its own (see `worker`), so this is
    /// the busy timeout of its store.
    static BUSY_TIMEOUT: Cell<Duration> = const { Cell::new(Duration::from_secs(30)) };
    /// When the current wait for a lock began, on this connection's thread.
    static WAITING_SINCE: Cell<Option<Instant>> = const { Cell::new(None) };
}

/// Sets how long a connection used on this thread waits for a lock.
pub(crate) fn set_busy_timeout(timeout: Duration) {
    BUSY_TIMEOUT.with(|cell| cell.set(timeout));
}

/// Waits for another connection's lock in short naps (SQLite's own handler
/// sleeps up to 100 ms at a time, which lets other processes overtake a
/// waiting writer again and again), until the busy timeout has passed.
fn wait_for_lock(attempt: i32) -> bool {
    let now = Instant::now();
    let since = WAITING_SINCE.with(|cell| {
        if attempt == 0 || cell.get().is_none() {
            cell.set(Some(now));
        }
        cell.get().unwrap_or(now)
    });
    if now.duration_since(since) >= BUSY_TIMEOUT.with(Cell::get) {
        return false;
    }
    let nap = Duration::from_micros(50 << attempt.clamp(0, 4));
    std::thread::sleep(nap);
    true
}

/// Sets the per-connection pragmas every modelreg connection needs (and
/// the busy timeout of the thread opening it, which may migrate with it).
pub(crate) fn configure(conn: &Connection, busy_timeout: Duration, synchronous: &str) -> Result<()> {
    set_busy_timeout(busy_timeout);
    conn.busy_handler(Some(wait_for_lock)).map_err(db)?;
    conn.execute_batch(&format!(
        "PRAGMA foreign_keys = ON; PRAGMA synchronous = {synchronous}; PRAGMA temp_store = MEMORY;
         PRAGMA journal_size_limit = 67108864;"
    ))
    .map_err(db)?;
    conn.set_prepared_statement_cache_capacity(128);
    Ok(())
}

fn has_migration_table(conn: &Connection) -> Result<bool> {
    conn.query_row(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'",
        [],
        |row| row.get::<_, i64>(0),
    )
    .map(|n| n > 0)
    .map_err(db)
}

/// The schema version of the database (0 for a new one).
pub(crate) fn current_version(conn: &Connection) -> Result<i64> {
    if !has_migration_table(conn)? {
        return Ok(0);
    }
    conn.query_row("SELECT coalesce(max(version), 0) FROM schema_migrations", [], |row| {
        row.get(0)
    })
    .map_err(db)
}

/// Applied migrations, oldest first.
pub(crate) fn history(conn: &Connection) -> Result<Vec<AppliedMigration>> {
    if !has_migration_table(conn)? {
        return Ok(Vec::new());
    }
    let mut stmt = conn
        .prepare("SELECT version, name, applied_at FROM schema_migrations ORDER BY version")
        .map_err(db)?;
    let rows = stmt
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get::<_, i64>(2)?)))
        .map_err(db)?;
    rows.map(|r| {
        let (version, name, at) = r.map_err(db)?;
        Ok(AppliedMigration {
            version,
            name,
            applied_at: time::from_micros(at)?,
        })
    })
    .collect()
}

/// Refuses a database from a newer modelreg, then applies pending migrations
/// up to `target` in one immediate transaction (so that processes opening
/// the same new file at once migrate it exactly once).
pub(crate) fn migrate_to(conn: &mut Connection, target: i64) -> Result<()> {
    migrations::check_not_newer(current_version(conn)?, MIGRATIONS)?;
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(db)?;
    let current = current_version(&tx)?;
    migrations::check_not_newer(current, MIGRATIONS)?;
    let pending = migrations::to_apply(current, target, MIGRATIONS);
    if pending.is_empty() {
        return Ok(());
    }
    tx.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
             version INTEGER PRIMARY KEY NOT NULL,
             name TEXT NOT NULL,
             applied_at INTEGER NOT NULL
         )",
    )
    .map_err(db)?;
    for m in pending {
        tx.execute_batch(m.up)
            .map_err(|e| failed_while(&format!("migration {} ({}) failed", m.version, m.name), db(e)))?;
        tx.execute(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?1, ?2, ?3)",
            params![m.version, m.name, time::to_micros(&time::now())],
        )
        .map_err(db)?;
    }
    tx.commit().map_err(db)
}

/// Reverts migrations down to `target` (0 empties the database).
pub(crate) fn downgrade_to(conn: &mut Connection, target: i64) -> Result<()> {
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(db)?;
    let current = current_version(&tx)?;
    migrations::check_not_newer(current, MIGRATIONS)?;
    for m in migrations::to_revert(current, target, MIGRATIONS)? {
        tx.execute_batch(m.down)
            .map_err(|e| failed_while(&format!("reverting migration {} ({}) failed", m.version, m.name), db(e)))?;
        tx.execute("DELETE FROM schema_migrations WHERE version = ?1", [m.version])
            .map_err(db)?;
    }
    if target == 0 {
        tx.execute_batch("DROP TABLE IF EXISTS schema_migrations").map_err(db)?;
    }
    tx.commit().map_err(db)
}
