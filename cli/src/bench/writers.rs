//! Phase f: concurrent writers registering versions, as tasks of this
//! process or as OS processes (`modelreg bench-writer`) on one SQLite file.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::Args;
use modelreg_core::models::NewModel;
use modelreg_core::versions::{Framework, NewVersion};
use modelreg_core::{Error, Ref, RegistryApi, Result};
use serde::{Deserialize, Serialize};

use super::figures::{PhaseFigures, figures};
use crate::session::Ctx;

/// `modelreg bench-writer`: one writer process of phase f.
#[derive(Debug, Args)]
pub struct WriterArgs {
    #[arg(long)]
    model: String,
    #[arg(long)]
    seconds: u64,
}

/// Figures of concurrent writers.
#[derive(Debug, Clone, Serialize)]
pub struct WriterFigures {
    pub writers: usize,
    #[serde(flatten)]
    pub figures: PhaseFigures,
    pub successes: u64,
    pub errors: BTreeMap<String, u64>,
    pub fewest_successes_of_a_writer: u64,
    pub mean_successes_per_writer: f64,
}

/// What one writer did: its latencies and its errors by kind.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct WriterReport {
    pub latencies_us: Vec<u64>,
    pub errors: BTreeMap<String, u64>,
}

/// An error's kind in the report: its code, with a storage failure as `storage`.
fn error_kind(e: &Error) -> &'static str {
    match e {
        Error::Storage { .. } => "storage",
        other => crate::failure::code(other),
    }
}

/// Registers versions of `model` (created if missing) until `seconds` have passed.
pub async fn write_for(reg: &dyn RegistryApi, model: &str, seconds: u64) -> Result<WriterReport> {
    match reg.create_model(NewModel::named(model)).await {
        Ok(_) | Err(Error::Conflict { .. }) => {}
        Err(e) => return Err(e),
    }
    let model_ref = Ref::name(model);
    let mut report = WriterReport::default();
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let mut n = 0u64;
    while Instant::now() < deadline {
        let new = NewVersion::new(format!("9.0.{n}"), format!("s3://bench/{model}/{n}"), Framework::Onnx);
        let start = Instant::now();
        match reg.register_version(&model_ref, new).await {
            Ok(_) => report.latencies_us.push(start.elapsed().as_micros() as u64),
            Err(e) => *report.errors.entry(error_kind(&e).to_owned()).or_default() += 1,
        }
        n += 1;
    }
    Ok(report)
}

/// `modelreg bench-writer`: writes for the given time, then prints its report as one JSON line.
pub async fn writer(args: WriterArgs, ctx: &Ctx) -> Result<()> {
    let report = write_for(ctx.reg.as_ref(), &args.model, args.seconds).await?;
    let line = serde_json::to_string(&report).map_err(|e| Error::internal(format!("cannot print the report: {e}")))?;
    crate::output::line(&line)
}

/// The figures of every writer's report, over `wall`.
pub fn combine(reports: Vec<WriterReport>, wall: Duration) -> WriterFigures {
    let writers = reports.len();
    let per_writer: Vec<u64> = reports.iter().map(|r| r.latencies_us.len() as u64).collect();
    let mut errors = BTreeMap::new();
    let mut latencies = Vec::new();
    for report in reports {
        for (kind, n) in report.errors {
            *errors.entry(kind).or_default() += n;
        }
        latencies.extend(report.latencies_us.into_iter().map(Duration::from_micros));
    }
    let successes = latencies.len() as u64;
    WriterFigures {
        writers,
        figures: figures(&mut latencies, wall),
        successes,
        errors,
        fewest_successes_of_a_writer: per_writer.iter().copied().min().unwrap_or(0),
        mean_successes_per_writer: if writers > 0 {
            successes as f64 / writers as f64
        } else {
            0.0
        },
    }
}

/// `writers` tasks of this process, each on its own model (`PREFIX0`, `PREFIX1`, …).
pub async fn writer_tasks(
    reg: &Arc<dyn RegistryApi>,
    prefix: &str,
    writers: usize,
    seconds: u64,
) -> Result<WriterFigures> {
    let start = Instant::now();
    let tasks: Vec<_> = (0..writers)
        .map(|w| {
            let reg = Arc::clone(reg);
            let model = format!("{prefix}{w}");
            tokio::spawn(async move { write_for(reg.as_ref(), &model, seconds).await })
        })
        .collect();
    let mut reports = Vec::new();
    for task in tasks {
        reports.push(
            task.await
                .map_err(|e| Error::internal(format!("a writer task failed: {e}")))??,
        );
    }
    Ok(combine(reports, start.elapsed()))
}

/// `writers` OS processes (`modelreg bench-writer`) on the SQLite file at `path`.
pub async fn writer_processes(path: &Path, writers: usize, seconds: u64) -> Result<WriterFigures> {
    let exe = std::env::current_exe().map_err(|e| Error::internal(format!("cannot find the modelreg binary: {e}")))?;
    let url = format!("sqlite://{}", path.display());
    let start = Instant::now();
    let children: Vec<_> = (0..writers)
        .map(|w| {
            tokio::process::Command::new(&exe)
                .args([
                    "bench-writer",
                    "--database-url",
                    &url,
                    "--model",
                    &format!("process-writer-{w}"),
                ])
                .args(["--seconds", &seconds.to_string()])
                .stdout(std::process::Stdio::piped())
                .spawn()
                .map_err(|e| Error::internal(format!("cannot start a writer process: {e}")))
        })
        .collect::<Result<_>>()?;
    // Every process is waited for, even after one has failed.
    let mut outputs = Vec::with_capacity(writers);
    for child in children {
        outputs.push(child.wait_with_output().await);
    }
    let wall = start.elapsed();
    let mut reports = Vec::with_capacity(writers);
    for output in outputs {
        let output = output.map_err(|e| Error::internal(format!("a writer process: {e}")))?;
        if !output.status.success() {
            return Err(Error::internal(format!(
                "a writer process failed: {}",
                String::from_utf8_lossy(&output.stderr)
            )));
        }
        reports.push(
            serde_json::from_slice(&output.stdout).map_err(|e| Error::internal(format!("a writer's report: {e}")))?,
        );
    }
    Ok(combine(reports, wall))
}
