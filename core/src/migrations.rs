//! Schema migrations: numbered, reversible, embedded in the backend at build
//! time. Backends run them; the rules of which to run live here.

use crate::error::{Error, Result};

/// One schema change, with the SQL that applies it and the SQL that undoes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Migration {
    /// Its number: migrations apply in ascending order, starting at 1.
    pub version: i64,
    /// A short name for what it changes (`versions_history`), from its file name.
    pub name: &'static str,
    /// The SQL that applies it.
    pub up: &'static str,
    /// The SQL that undoes it.
    pub down: &'static str,
}

/// One migration applied to a database, as `db history` shows it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct AppliedMigration {
    /// The migration's number.
    pub version: i64,
    /// The migration's name.
    pub name: String,
    /// When it was applied to this database.
    pub applied_at: crate::time::Timestamp,
}

/// The newest version in `migrations` (0 when there are none).
pub fn latest(migrations: &[Migration]) -> i64 {
    migrations.iter().map(|m| m.version).max().unwrap_or(0)
}

/// Fails with [`Error::SchemaTooNew`] when the database was migrated by a newer
/// modelreg: this one must not open it, and must write nothing to it.
pub fn check_not_newer(database: i64, migrations: &[Migration]) -> Result<()> {
    let supported = latest(migrations);
    if database > supported {
        return Err(Error::SchemaTooNew { database, supported });
    }
    Ok(())
}

/// The migrations to apply, in order, to bring `current` up to `target`.
pub fn to_apply(current: i64, target: i64, migrations: &[Migration]) -> Vec<Migration> {
    let mut up: Vec<_> = migrations
        .iter()
        .filter(|m| m.version > current && m.version <= target)
        .copied()
        .collect();
    up.sort_by_key(|m| m.version);
    up
}

/// The migrations to revert, newest first, to bring `current` down to `target`.
pub fn to_revert(current: i64, target: i64, migrations: &[Migration]) -> Result<Vec<Migration>> {
    if target < 0 || target > current {
        return Err(Error::invalid(
            "to",
            format!("must be a version between 0 and the current {current} (got {target})"),
        ));
    }
    let mut down: Vec<_> = migrations
        .iter()
        .filter(|m| m.version > target && m.version <= current)
        .copied()
        .collect();
    down.sort_by_key(|m| std::cmp::Reverse(m.version));
    Ok(down)
}
