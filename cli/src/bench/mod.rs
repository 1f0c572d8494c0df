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
mod http;
mod phases;
mod reads;
mod repeat;
mod scale;
mod scratch;
mod summary;
mod writers;

use std::sync::Arc;

use clap::Args;
use modelreg_core::{Error, Registry, Result};
use serde_json::{Value, json};

pub use writers::{WriterArgs, writer};

use self::phases::Target;
use self::scratch::Scratch;
use crate::config::GlobalArgs;
use crate::connect::Backend;
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
    /// How long each concurrent phase (f, and h through HTTP) runs, in seconds
    #[arg(long, default_value_t = 10)]
    pub seconds: u64,
    /// Also run the workload through HTTP: a server of this process on the
    /// scratch registry, reached through the client, with phase h (many
    /// connections at once); every phase's figure gets its ratio to in-process
    #[arg(long, conflicts_with = "scale")]
    pub http: bool,
    /// Client counts of phase h (through HTTP), comma-separated
    #[arg(long, value_delimiter = ',', default_values_t = [1, 8, 32], value_parser = client_count)]
    pub connections: Vec<usize>,
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
/// --database-url chooses where: never the configured registry. A server's
/// URL runs the workload through the client against it, with `token`.
pub async fn run(args: &BenchArgs, global: &GlobalArgs, token: Option<&str>) -> Result<()> {
    let out = Out {
        format: global.output.unwrap_or(OutputFormat::Table),
    };
    // A server's URL: the workload runs through it, on models of its own; no scratch.
    let server = match global.database_url.as_deref().map(Backend::of).transpose()? {
        Some(Backend::Server(url)) => Some(url),
        _ => None,
    };
    let mut runs = Vec::with_capacity(args.repeat as usize);
    for run in 1..=args.repeat {
        if args.repeat > 1 {
            eprintln!("run {run} of {}", args.repeat);
        }
        if let Some(url) = &server {
            runs.push(measure_server(args, url, token).await?);
            continue;
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

/// A client count of phase h: 1 to 1024.
fn client_count(text: &str) -> std::result::Result<usize, String> {
    match text.parse::<usize>() {
        Ok(n) if (1..=1024).contains(&n) => Ok(n),
        _ => Err(format!("`{text}` is not a count of clients between 1 and 1024")),
    }
}

/// A number of seconds: finite, not negative, at most an hour.
fn seconds(text: &str) -> std::result::Result<f64, String> {
    match text.parse::<f64>() {
        Ok(s) if s.is_finite() && (0.0..=3600.0).contains(&s) => Ok(s),
        _ => Err(format!("`{text}` is not a number of seconds between 0 and 3600")),
    }
}

/// The workload the arguments ask for, on a registry over `scratch` (closed
/// afterwards).
async fn measure(args: &BenchArgs, scratch: &Scratch) -> Result<Value> {
    eprintln!("modelreg bench on {}", scratch.backend());
    let pool = match args.scale {
        Some(_) => 4,
        None => (args.workers.max(1) as u32 + 2).max(4),
    };
    let reg = Registry::new(scratch.open(pool).await?, phases::actor()?);
    let report = match args.scale {
        Some(versions) => scale::measure_scale(args, scratch, &reg, versions).await,
        None => measure_local(args, scratch, &reg).await,
    };
    finish(report, reg.close().await)
}

/// The default workload in this process; with `--http`, again through a
/// server of this process on the same registry.
async fn measure_local(args: &BenchArgs, scratch: &Scratch, reg: &Registry) -> Result<Value> {
    let target = Target {
        reg: Arc::new(reg.clone()),
        prefix: "",
        local: Some((scratch, reg)),
    };
    let mut report = phases::measure(args, &target).await?;
    report["backend"] = json!(scratch.backend());
    if args.http {
        let served = http::serve(reg.clone()).await?;
        eprintln!("the workload through HTTP, on {}", served.url);
        let remote = crate::session::open_server(&served.url, None).await?;
        let prefix = "http-";
        let through = phases::measure(
            args,
            &Target {
                reg: remote.clone(),
                prefix,
                local: None,
            },
        )
        .await?;
        let model = phases::model_name(prefix, 0);
        let h = http::concurrency(args, &served.url, None, &remote, prefix, &model).await?;
        report["http_ratios"] = http::ratios(&report, &through);
        let one_writer = report["g"]["one_writer"]["ops_per_sec"].as_f64().unwrap_or(0.0);
        let register = h["register"]["ops_per_sec"].as_f64().unwrap_or(0.0);
        report["ratios"]["h_register_over_g_one_writer"] = json!(phases::ratio(register, one_writer));
        report["http"] = through;
        report["h"] = h;
    }
    Ok(report)
}

/// The default workload through the client against a running server, on
/// models of its own (removed afterwards), with phase h.
async fn measure_server(args: &BenchArgs, url: &str, token: Option<&str>) -> Result<Value> {
    if args.scale.is_some() || args.http {
        return Err(Error::invalid(
            "database_url",
            "--scale and --http need a scratch database of this process; against a server, run the default workload",
        ));
    }
    let remote = crate::session::open_server(url, token).await?;
    remote.check_ready().await?;
    let prefix = format!("bench-{}-", &uuid::Uuid::new_v4().simple().to_string()[..8]);
    eprintln!("modelreg bench through {url}, on models named {prefix}…");
    let target = Target {
        reg: remote.clone(),
        prefix: &prefix,
        local: None,
    };
    let measured = async {
        let mut report = phases::measure(args, &target).await?;
        let model = phases::model_name(&prefix, 0);
        report["h"] = http::concurrency(args, url, token, &remote, &prefix, &model).await?;
        report["backend"] = json!("server");
        Ok(report)
    }
    .await;
    let removed = http::remove_models(remote.as_ref(), &prefix).await;
    let mut report = measured?;
    report["removed_models"] = json!(removed?);
    Ok(report)
}
