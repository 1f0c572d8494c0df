//! `modelreg export`, `import` and `copy`: moving a registry between files
//! and backends. Progress bars go to stderr, and only when it is a terminal.

use std::io::{BufReader, BufWriter, IsTerminal, Write};
use std::path::PathBuf;
use std::sync::Arc;

use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use modelreg_core::migrations;
use modelreg_core::transfer::Summary;
use modelreg_core::{Actor, Error, Registry, Result, Store, TransferError};
use serde_json::json;

use crate::config::{Config, Loaded};
use crate::connect::{self, Access};
use crate::output::Out;
use crate::session::{Ctx, finish};

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The file to write (default: standard output)
    #[arg(long)]
    out: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The export file
    file: PathBuf,
    /// Import into a registry that has records: records whose id exists are kept and skipped;
    /// a record taking another record's name fails the import
    #[arg(long)]
    merge: bool,
}

#[derive(Debug, Args)]
pub struct CopyArgs {
    /// The database to read
    #[arg(long, value_name = "URL")]
    from: String,
    /// The database to write (empty, unless --merge)
    #[arg(long, value_name = "URL")]
    to: String,
    /// Copy into a database that has records (see `import --merge`)
    #[arg(long)]
    merge: bool,
}

/// A progress bar on stderr (hidden unless it is a terminal); its length is
/// the total the transfer reports.
fn bar(what: &str) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let style = ProgressStyle::with_template("{msg} {wide_bar} {pos}/{len} records ({per_sec}, {eta} left)")
        .unwrap_or_else(|_| ProgressStyle::default_bar());
    let bar = ProgressBar::new(0).with_style(style);
    bar.set_message(what.to_owned());
    bar
}

fn summary_json(summary: &Summary) -> serde_json::Value {
    json!({"total": summary.total, "written": summary.written, "skipped": summary.skipped, "records": summary.records})
}

fn skipped(summary: &Summary) -> String {
    match summary.skipped {
        0 => String::new(),
        n => format!(" ({n} already present, skipped)"),
    }
}

/// Writes the registry to a file, or to stdout.
pub async fn export(args: ExportArgs, ctx: &Ctx) -> Result<()> {
    let progress = bar("exporting");
    let mut report = |done: u64, total: u64| {
        progress.set_length(total);
        progress.set_position(done);
    };
    match args.out {
        Some(path) => {
            let file = std::fs::File::create(&path)
                .map_err(|e| Error::invalid("out", format!("cannot create {}: {e}", path.display())))?;
            let mut writer = BufWriter::with_capacity(1 << 20, file);
            let header = ctx.reg.export(&mut writer, &mut report).await;
            progress.finish_and_clear();
            let header = header?;
            ctx.out.done(
                &format!("exported {} records to {}", header.total(), path.display()),
                json!({"file": path, "header": header}),
            )
        }
        None => {
            // `Stdout` (not its lock) is Send, as an export's writer must be.
            let mut writer = BufWriter::with_capacity(1 << 20, std::io::stdout());
            let header = ctx.reg.export(&mut writer, &mut report).await;
            progress.finish_and_clear();
            header?;
            writer
                .flush()
                .map_err(|e| Error::invalid("out", format!("cannot write the export: {e}")))
        }
    }
}

/// Loads an export file into the registry, all or nothing.
pub async fn import(args: ImportArgs, reg: &Registry, out: Out) -> Result<(), TransferError> {
    let path = &args.file;
    let file = std::fs::File::open(path)
        .map_err(|e| Error::invalid("file", format!("cannot open {}: {e}", path.display())))?;
    let mut reader = BufReader::with_capacity(1 << 20, file);
    let progress = bar("importing");
    let summary = reg
        .import(&mut reader, args.merge, &mut |done, total| {
            progress.set_length(total);
            progress.set_position(done);
        })
        .await;
    progress.finish_and_clear();
    let summary = summary?;
    Ok(out.done(
        &format!(
            "imported {} records from {}{}",
            summary.written,
            path.display(),
            skipped(&summary)
        ),
        summary_json(&summary),
    )?)
}

/// The configuration with another database URL.
fn with_url(config: &Config, url: &str) -> Config {
    Config {
        database_url: url.to_owned(),
        ..config.clone()
    }
}

/// Copies every record from one database to another, all or nothing.
pub async fn copy(args: CopyArgs, loaded: &Loaded) -> Result<(), TransferError> {
    let actor = Actor::new(loaded.config.actor.clone())?;
    // The source is only read: never created or migrated, and it must be current.
    let store = connect::open(&with_url(&loaded.config, &args.from), Access::EXISTING).await?;
    let source = Registry::new(Arc::clone(&store), actor.clone());
    let result = copy_from(&args, loaded, store.as_ref(), &source, actor).await;
    finish(result, source.close().await)
}

async fn copy_from(
    args: &CopyArgs,
    loaded: &Loaded,
    store: &dyn Store,
    source: &Registry,
    actor: Actor,
) -> Result<(), TransferError> {
    let (current, latest) = (
        store.schema_version().await?,
        migrations::latest(store.known_migrations()),
    );
    if current != latest {
        return Err(Error::invalid(
            "from",
            format!("the source schema is at version {current} of {latest}; run `modelreg db upgrade` on it first"),
        )
        .into());
    }
    let creating = Access {
        migrate: true,
        create: true,
        concurrent: false,
    };
    let target = Registry::new(
        connect::open(&with_url(&loaded.config, &args.to), creating).await?,
        actor,
    );
    let progress = bar("copying");
    let summary = target
        .copy_from(source, args.merge, &mut |done, total| {
            progress.set_length(total);
            progress.set_position(done);
        })
        .await;
    progress.finish_and_clear();
    let printed = summary.and_then(|summary| {
        Ok(loaded.out().done(
            &format!(
                "copied {} records from {} to {}{}",
                summary.written,
                source.location(),
                target.location(),
                skipped(&summary)
            ),
            summary_json(&summary),
        )?)
    });
    finish(printed, target.close().await)
}
