//! `modelreg db`, `init` and `test-connection`: the database under the
//! registry and its schema. These work on the store itself, unmigrated.

use std::path::PathBuf;

use clap::Subcommand;
use modelreg_core::migrations;
use modelreg_core::store::StoreInfo;
use modelreg_core::{Error, Result};
use modelreg_sqlite::{Location, SqliteStore};
use serde_json::json;

use crate::config::Loaded;
use crate::confirm::{YesArg, confirm};
use crate::connect::{self, Backend};
use crate::failure::Failure;
use crate::session::{Creates, finish, with_store};

#[derive(Debug, Subcommand)]
pub enum DbCmd {
    /// The schema version and the migrations still to apply
    Status,
    /// Apply pending migrations (up to --to)
    Upgrade {
        /// The schema version to reach (default: the newest this modelreg knows)
        #[arg(long, allow_negative_numbers = true)]
        to: Option<i64>,
    },
    /// Revert migrations down to --to (data in dropped tables is lost)
    Downgrade {
        /// The schema version to go back to (0 removes every table)
        #[arg(long, allow_negative_numbers = true)]
        to: i64,
        #[command(flatten)]
        yes: YesArg,
    },
    /// Migrations applied so far
    History,
    /// Write a consistent copy of an SQLite registry, even one in use, to a new file
    Backup {
        /// The file to write (it must not exist)
        #[arg(long, value_name = "FILE")]
        to: PathBuf,
    },
    /// Delete everything and recreate an empty schema
    Reset {
        #[command(flatten)]
        yes: YesArg,
    },
    /// Remove every modelreg table
    Drop {
        #[command(flatten)]
        yes: YesArg,
    },
}

/// `modelreg init`: `db upgrade`, creating a database file that does not exist yet.
pub async fn init(loaded: &Loaded) -> Result<(), Failure> {
    upgrade_or_revert(DbCmd::Upgrade { to: None }, loaded, Creates::Yes).await
}

pub async fn run(cmd: DbCmd, loaded: &Loaded) -> Result<(), Failure> {
    match cmd {
        DbCmd::Backup { to } => Ok(backup(&to, loaded).await?),
        cmd => upgrade_or_revert(cmd, loaded, Creates::No).await,
    }
}

/// Refuses an upgrade target this modelreg cannot reach from `current`.
fn check_upgrade(to: i64, current: i64, latest: i64) -> Result<()> {
    if to > latest {
        return Err(Error::invalid(
            "to",
            format!("there is no schema version {to}: the newest this modelreg knows is {latest}"),
        ));
    }
    if to < current {
        return Err(Error::invalid(
            "to",
            format!("the schema is at version {current}, above {to}; use `modelreg db downgrade --to {to}`"),
        ));
    }
    Ok(())
}

async fn upgrade_or_revert(cmd: DbCmd, loaded: &Loaded, creates: Creates) -> Result<(), Failure> {
    let out = loaded.out();
    with_store(loaded, creates, async |store| {
        let known = store.known_migrations();
        let latest = migrations::latest(known);
        match cmd {
            DbCmd::Status => {
                let current = store.schema_version().await?;
                let pending: Vec<_> = migrations::to_apply(current, latest, known)
                    .into_iter()
                    .map(|m| json!({"version": m.version, "name": m.name}))
                    .collect();
                out.record(&json!({
                    "backend": store.backend(),
                    "location": store.location(),
                    "schema_version": current,
                    "latest_schema_version": latest,
                    "pending": pending,
                }))?;
            }
            DbCmd::Upgrade { to } => {
                if let Some(to) = to {
                    check_upgrade(to, store.schema_version().await?, latest)?;
                }
                store.upgrade(to).await?;
                let now = store.schema_version().await?;
                out.done(&format!("schema is at version {now}"), json!({"schema_version": now}))?;
            }
            DbCmd::Downgrade { to, yes } => {
                let current = store.schema_version().await?;
                // An impossible target fails before anyone is asked.
                migrations::to_revert(current, to, known)?;
                let location = store.location();
                confirm(
                    &format!("revert the schema of {location} from version {current} to {to}"),
                    &format!(
                        "Revert the schema of {location} from version {current} to {to}? Data in dropped tables is lost"
                    ),
                    yes,
                )?;
                store.downgrade(to).await?;
                out.done(&format!("schema is at version {to}"), json!({"schema_version": to}))?;
            }
            DbCmd::History => out.list(&store.applied_migrations().await?, &["version", "name", "applied_at"])?,
            DbCmd::Reset { yes } => {
                let location = store.location();
                confirm(
                    &format!("reset {location}"),
                    &format!("Delete every entity in {location} and start empty?"),
                    yes,
                )?;
                store.downgrade(0).await?;
                store.upgrade(None).await?;
                out.done(
                    "the registry is empty",
                    json!({"reset": true, "schema_version": latest}),
                )?;
            }
            DbCmd::Drop { yes } => {
                let location = store.location();
                confirm(
                    &format!("drop every modelreg table in {location}"),
                    &format!("Drop every modelreg table in {location}?"),
                    yes,
                )?;
                store.downgrade(0).await?;
                out.done("dropped every modelreg table", json!({"dropped": true}))?;
            }
            DbCmd::Backup { .. } => return Err(Error::internal("db backup is not a schema command").into()),
        }
        Ok(())
    })
    .await
}

/// `modelreg db backup --to FILE`: `VACUUM INTO` on the SQLite store, one
/// consistent file while others keep writing. PostgreSQL has its own tools.
async fn backup(target: &std::path::Path, loaded: &Loaded) -> Result<()> {
    let location = match Backend::of(&loaded.config.database_url)? {
        Backend::Sqlite(location) => location,
        Backend::Server(url) => return Err(connect::not_a_database(&url)),
        Backend::Postgres(_) => {
            return Err(Error::invalid(
                "database_url",
                "db backup copies SQLite files; back up PostgreSQL with pg_dump, or write a portable copy with `modelreg export`",
            ));
        }
    };
    if location == Location::Memory {
        return Err(Error::invalid(
            "database_url",
            "an in-memory registry has no file to back up",
        ));
    }
    let options = connect::Options::from_config(&loaded.config, loaded.access(false, false));
    connect::check_exists(&location, options.create)?;
    let store = SqliteStore::open(location, options.sqlite()).await?;
    let written = store.backup_to(target).await;
    let printed = written.and_then(|()| {
        loaded.out().done(
            &format!("backed up {} to {}", store_location(&store), target.display()),
            json!({"backup": target, "from": store_location(&store)}),
        )
    });
    finish(printed, store.close().await)
}

fn store_location(store: &SqliteStore) -> String {
    match store.location() {
        Location::File(path) => path.display().to_string(),
        Location::Memory => ":memory:".to_owned(),
    }
}

/// `modelreg test-connection`: reaches the database and compares its schema with this build's.
pub async fn test_connection(loaded: &Loaded) -> Result<()> {
    let out = loaded.out();
    with_store(loaded, Creates::No, async |store| {
        let current = store.schema_version().await?;
        let latest = migrations::latest(store.known_migrations());
        let (location, backend) = (store.location(), store.backend());
        let sentence = if current == latest {
            format!("connected to {location} ({backend}); schema is current (version {current})")
        } else {
            format!("connected to {location} ({backend}); schema is at version {current} of {latest}: run `modelreg init`")
        };
        out.done(
            &sentence,
            json!({"connected": true, "backend": backend, "location": location, "schema_version": current, "latest_schema_version": latest}),
        )
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_upgrade_goes_up_to_a_known_version_only() {
        assert!(check_upgrade(2, 1, 2).is_ok());
        assert!(check_upgrade(1, 1, 2).is_ok());
        let beyond = check_upgrade(5, 1, 2).unwrap_err().to_string();
        assert!(beyond.contains("newest this modelreg knows is 2"), "{beyond}");
        let below = check_upgrade(0, 1, 2).unwrap_err().to_string();
        assert!(below.contains("db downgrade"), "{below}");
    }
}
