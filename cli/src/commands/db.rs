//! `modelreg db`, `init` and `test-connection`: the database under the
//! registry and its schema. These work on the store itself, unmigrated.

use clap::Subcommand;
use modelreg_core::Result;
use modelreg_core::migrations;
use serde_json::json;

use crate::config::Loaded;
use crate::confirm::{YesArg, confirm};
use crate::session::with_store;

#[derive(Debug, Subcommand)]
pub enum DbCmd {
    /// The schema version and the migrations still to apply
    Status,
    /// Apply pending migrations (up to --to)
    Upgrade {
        #[arg(long)]
        to: Option<i64>,
    },
    /// Revert migrations down to --to (data in dropped tables is lost)
    Downgrade {
        #[arg(long)]
        to: i64,
        #[command(flatten)]
        yes: YesArg,
    },
    /// Migrations applied so far
    History,
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

/// `modelreg init`: the same as `db upgrade`.
pub async fn init(loaded: &Loaded) -> Result<()> {
    run(DbCmd::Upgrade { to: None }, loaded).await
}

pub async fn run(cmd: DbCmd, loaded: &Loaded) -> Result<()> {
    let out = loaded.out();
    with_store(loaded, async |store| {
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
                }))
            }
            DbCmd::Upgrade { to } => {
                store.upgrade(to).await?;
                let now = store.schema_version().await?;
                out.done(&format!("schema is at version {now}"), json!({"schema_version": now}))
            }
            DbCmd::Downgrade { to, yes } => {
                let current = store.schema_version().await?;
                confirm(
                    &format!(
                        "Revert the schema of {} from version {current} to {to}? Data in dropped tables is lost",
                        store.location()
                    ),
                    yes,
                )?;
                store.downgrade(to).await?;
                out.done(&format!("schema is at version {to}"), json!({"schema_version": to}))
            }
            DbCmd::History => out.list(&store.applied_migrations().await?, &["version", "name", "applied_at"]),
            DbCmd::Reset { yes } => {
                confirm(
                    &format!("Delete every entity in {} and start empty?", store.location()),
                    yes,
                )?;
                store.downgrade(0).await?;
                store.upgrade(None).await?;
                out.done(
                    "the registry is empty",
                    json!({"reset": true, "schema_version": latest}),
                )
            }
            DbCmd::Drop { yes } => {
                confirm(&format!("Drop every modelreg table in {}?", store.location()), yes)?;
                store.downgrade(0).await?;
                out.done("dropped every modelreg table", json!({"dropped": true}))
            }
        }
    })
    .await
}

/// `modelreg test-connection`: reaches the database and compares its schema with this build's.
pub async fn test_connection(loaded: &Loaded) -> Result<()> {
    let out = loaded.out();
    with_store(loaded, async |store| {
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
