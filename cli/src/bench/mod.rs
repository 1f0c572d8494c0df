//! `modelreg bench`: the workload benchmark. It drives the registry
//! in-process, as every other command does, on a scratch database (a
//! temporary SQLite file, or a scratch schema in PostgreSQL), and compares
//! the write phases with what the database itself does.
//!
//! `figures` turns latencies into figures, `scratch` makes and removes the
//! scratch database (and holds the raw baseline), `phases` is the default
//! workload, `scale` the bulk-loaded one, `writers` the concurrent writers
//! of phase f, and `summary` the table for people.

mod figures;
mod phases;
mod scale;
mod scratch;
mod summary;
mod writers;

use clap::Args;
use modelreg_core::{Registry, Result};
use serde_json::Value;

pub use writers::{WriterArgs, writer};

use self::scratch::Scratch;
use crate::config::GlobalArgs;
use crate::output::{Out, OutputFormat};
use crate::session::finish;

/// The workload of `modelreg bench`.
#[derive(Debug, Args, Clone)]
pub struct BenchArgs {
    /// Models to create (phase a)
    #[arg(long, default_value_t = 100)]
    pub models: usize,
    /// Versions to register per model (phase b)
    #[arg(long, default_value_t = 20)]
    pub versions_per_model: usize,
    /// Lookups in phases c, d and e
    #[arg(long, default_value_t = 1000)]
    pub lookups: usize,
    /// Searches in phase d
    #[arg(long, default_value_t = 200)]
    pub searches: usize,
    /// Concurrent writers in phases f and g
    #[arg(long, default_value_t = 4)]
    pub workers: usize,
    /// How long the writers of phase f write
    #[arg(long, default_value_t = 10)]
    pub seconds: u64,
    /// Scale mode: bulk-load this many versions (over up to 10,000 models, with runs,
    /// metrics and audit events), then measure phases c, d and e at that size
    #[arg(long)]
    pub scale: Option<usize>,
    /// Keep the scratch SQLite file afterwards (its path is printed), e.g. to time `copy` on it
    #[arg(long)]
    pub keep: bool,
}

/// Runs the benchmark and prints its report. Only an explicit
/// --database-url chooses where: never the configured registry.
pub async fn run(args: &BenchArgs, global: &GlobalArgs) -> Result<()> {
    let out = Out {
        format: global.output.unwrap_or(OutputFormat::Table),
    };
    let scratch = Scratch::create(global.database_url.as_deref()).await?;
    let report = measure(args, &scratch).await;
    let kept = scratch.finish(args.keep).await;
    if let Ok(Some(path)) = &kept {
        eprintln!("kept the scratch registry at {}", path.display());
    }
    let report = report?;
    kept?;
    match out.format {
        OutputFormat::Json => out.record(&report),
        OutputFormat::Table => summary::print_summary(&report),
    }
}

/// The workload the arguments ask for, on a registry over `scratch`, closed afterwards.
async fn measure(args: &BenchArgs, scratch: &Scratch) -> Result<Value> {
    let pool = match args.scale {
        Some(_) => 4,
        None => (args.workers.max(1) as u32 + 2).max(4),
    };
    let reg = Registry::new(scratch.open(pool).await?, phases::actor()?);
    let report = match args.scale {
        Some(versions) => scale::measure_scale(args, scratch, &reg, versions).await,
        None => phases::measure(args, scratch, &reg).await,
    };
    finish(report, reg.close().await)
}
