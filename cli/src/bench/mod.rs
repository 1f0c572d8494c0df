//! `modelreg bench`: the workload benchmark. It drives the registry
//! in-process, as every other command does, on a scratch database (a
//! temporary SQLite file, or a scratch schema in PostgreSQL), and compares
//! the write phases with what the database itself does.
//!
//! `figures` turns latencies into figures and times phases, `scratch` makes
//! and removes the scratch database (and holds the raw baseline), `phases`
//! is the default workload, `scale` the bulk-loaded one, `reads` the phases
//! both share, `writers` the concurrent writers of phase f, `repeat` the
//! median and spread of repeated runs, and `summary` the table for people.

mod figures;
mod phases;
mod reads;
mod repeat;
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
    /// Operations at least in each read phase (c, d, e, as-of, q)
    #[arg(long, default_value_t = 1000)]
    pub lookups: usize,
    /// Searches at least in phase d
    #[arg(long, default_value_t = 200)]
    pub searches: usize,
    /// How long each timed phase lasts at least, in seconds (a phase also
    /// makes at least its count of operations)
    #[arg(long, default_value_t = 1.0, value_parser = seconds)]
    pub min_seconds: f64,
    /// Run the whole workload this many times (each on a new scratch
    /// database) and report the median and spread of every figure
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..))]
    pub repeat: u32,
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

impl BenchArgs {
    /// The least time of a timed phase.
    pub fn min_time(&self) -> std::time::Duration {
        std::time::Duration::from_secs_f64(self.min_seconds)
    }
}

/// Runs the benchmark and prints its report. Only an explicit
/// --database-url chooses where: never the configured registry.
pub async fn run(args: &BenchArgs, global: &GlobalArgs) -> Result<()> {
    let out = Out {
        format: global.output.unwrap_or(OutputFormat::Table),
    };
    let mut runs = Vec::with_capacity(args.repeat as usize);
    for run in 1..=args.repeat {
        if args.repeat > 1 {
            eprintln!("run {run} of {}", args.repeat);
        }
        let scratch = Scratch::create(global.database_url.as_deref()).await?;
        let report = measure(args, &scratch).await;
        let kept = scratch.finish(args.keep).await;
        if let Ok(Some(path)) = &kept {
            eprintln!("kept the scratch registry at {}", path.display());
        }
        runs.push(report?);
        kept?;
    }
    let report = repeat::combine(runs);
    match out.format {
        OutputFormat::Json => out.record(&report),
        OutputFormat::Table => summary::print_summary(&report),
    }
}

/// A number of seconds: finite, not negative, at most an hour.
fn seconds(text: &str) -> std::result::Result<f64, String> {
    match text.parse::<f64>() {
        Ok(s) if s.is_finite() && (0.0..=3600.0).contains(&s) => Ok(s),
        _ => Err(format!("`{text}` is not a number of seconds between 0 and 3600")),
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
