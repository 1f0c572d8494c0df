//! `modelreg export`, `import` and `copy`: moving a registry between files
//! and backends. Progress bars go to stderr, and only when it is a terminal.

use std::io::{BufReader, BufWriter, IsTerminal, Write};
use std::path::Path;
use std::sync::Arc;

use indicatif::{ProgressBar, ProgressStyle};
use modelreg_core::transfer::{self, Summary};
use modelreg_core::{Error, Result, Store, migrations};
use serde_json::json;

use crate::config::Config;
use crate::connect;
use crate::output::Out;

fn bar(total: Option<u64>, what: &str) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = match total {
        Some(total) => ProgressBar::new(total).with_style(
            ProgressStyle::with_template("{msg} {wide_bar} {pos}/{len} records ({per_sec}, {eta} left)")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        ),
        None => ProgressBar::new_spinner().with_style(
            ProgressStyle::with_template("{spinner} {msg} {pos} records ({per_sec})")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        ),
    };
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

/// Writes the registry to `out` (a file) or to stdout.
pub async fn export(store: Arc<dyn Store>, out_path: Option<&Path>, out: Out) -> Result<()> {
    let header = transfer::header(store.as_ref()).await?;
    let total: u64 = header.counts.values().sum();
    let progress = bar(Some(total), "exporting");
    let mut report = |n: u64| progress.set_position(n);
    match out_path {
        Some(path) => {
            let file = std::fs::File::create(path)
                .map_err(|e| Error::invalid("out", format!("cannot create {}: {e}", path.display())))?;
            let mut writer = BufWriter::with_capacity(1 << 20, file);
            transfer::export(store.as_ref(), &header, &mut writer, &mut report).await?;
            progress.finish_and_clear();
            out.done(
                &format!("exported {total} records to {}", path.display()),
                json!({"file": path, "header": header}),
            )
        }
        None => {
            let stdout = std::io::stdout();
            let mut writer = BufWriter::with_capacity(1 << 20, stdout.lock());
            transfer::export(store.as_ref(), &header, &mut writer, &mut report).await?;
            writer.flush().map_err(|e| Error::backend(e.to_string()))?;
            progress.finish_and_clear();
            Ok(())
        }
    }
}

/// Loads an export file into the registry.
pub async fn import(store: Arc<dyn Store>, path: &Path, merge: bool, out: Out) -> Result<()> {
    let file = std::fs::File::open(path)
        .map_err(|e| Error::invalid("file", format!("cannot open {}: {e}", path.display())))?;
    let mut reader = BufReader::with_capacity(1 << 20, file);
    let progress = bar(None, "importing");
    let summary = transfer::import(store.as_ref(), &mut reader, merge, &mut |n| progress.set_position(n)).await;
    progress.finish_and_clear();
    let summary = summary?;
    out.done(
        &format!(
            "imported {} records from {}{}",
            summary.written,
            path.display(),
            skipped(&summary)
        ),
        summary_json(&summary),
    )
}

/// Copies every record from one database to another.
pub async fn copy(config: &Config, from: &str, to: &str, merge: bool, out: Out) -> Result<()> {
    let with_url = |url: &str| Config {
        database_url: url.to_owned(),
        ..config.clone()
    };
    // The source is only read: not migrated, and it must be current.
    let source = connect::open(&with_url(from), false).await?;
    let (current, latest) = (
        source.schema_version().await?,
        migrations::latest(source.known_migrations()),
    );
    if current != latest {
        return Err(Error::invalid(
            "from",
            format!("the source schema is at version {current} of {latest}; run `modelreg db upgrade` on it first"),
        ));
    }
    let target = connect::open(&with_url(to), true).await?;
    let total: u64 = source.record_counts().await?.values().sum();
    let progress = bar(Some(total), "copying");
    let summary = transfer::copy(source.as_ref(), target.as_ref(), merge, &mut |n| {
        progress.set_position(n)
    })
    .await;
    progress.finish_and_clear();
    let summary = summary?;
    out.done(
        &format!(
            "copied {} records from {} to {}{}",
            summary.written,
            source.location(),
            target.location(),
            skipped(&summary)
        ),
        summary_json(&summary),
    )
}
