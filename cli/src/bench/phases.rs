//! The default workload: phases a (models and tags), b (versions), the
//! phases shared with the scale mode (`reads`), f (concurrent writers) and,
//! on a scratch database of this process, g (the raw baseline).

use std::sync::Arc;
use std::time::Instant;

use modelreg_core::models::NewModel;
use modelreg_core::validate::into_json_object;
use modelreg_core::versions::{Framework, NewVersion};
use modelreg_core::{Actor, Ref, Registry, RegistryApi, Result, time};
use serde_json::{Value, json};

use super::BenchArgs;
use super::figures::{Rng, Span, figures, peak_rss_bytes, timed};
use super::reads::{Loaded, read_phases};
use super::scratch::Scratch;
use super::writers::{writer_processes, writer_tasks};

/// Who the benchmark's changes are made by.
pub fn actor() -> Result<Actor> {
    Actor::new("modelreg-bench")
}

/// The name of the `i`th model of a run whose names start with `prefix`.
pub fn model_name(prefix: &str, i: usize) -> String {
    format!("{prefix}model-{i}")
}

/// The semver of the `v`th version of a model.
pub fn semver(v: usize) -> String {
    format!("1.{v}.0")
}

/// `part / whole`, or 0 when nothing was measured.
pub fn ratio(part: f64, whole: f64) -> f64 {
    if whole > 0.0 { part / whole } else { 0.0 }
}

/// Where the workload runs.
pub struct Target<'a> {
    /// The registry, in this process or a server's.
    pub reg: Arc<dyn RegistryApi>,
    /// What the names of the models it creates start with.
    pub prefix: &'a str,
    /// The scratch database and its registry in this process, when the
    /// workload runs on one: phase f then runs as processes too, and phase g.
    pub local: Option<(&'a Scratch, &'a Registry)>,
}

/// The default workload on `target`; answers the report.
pub async fn measure(args: &BenchArgs, target: &Target<'_>) -> Result<Value> {
    let reg = target.reg.as_ref();
    let (n, m) = (args.models.max(1), args.versions_per_model.max(1));
    let workers = args.workers.max(1);
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);

    // a: models, each with two tags.
    let span = Span::new(n, args.min_time());
    let mut lat = Vec::with_capacity(n * 3);
    let start = Instant::now();
    let mut ids = Vec::with_capacity(n);
    while !span.done(ids.len(), start) {
        let i = ids.len();
        let new = NewModel::named(model_name(target.prefix, i));
        let model = timed(&mut lat, reg.create_model(new)).await?;
        let model_ref = Ref::Id(model.id);
        timed(&mut lat, reg.add_tag(&model_ref, &format!("team-{}", i % 10))).await?;
        timed(&mut lat, reg.add_tag(&model_ref, &format!("family-{}", i % 3))).await?;
        ids.push(model.id);
    }
    let a = figures(&mut lat, start.elapsed());
    let n = ids.len();

    // b: versions, one call each, with a two-key metadata object, round by
    // round over the models (every model has the first `m` versions).
    let span = Span::new(n * m, args.min_time());
    let mut lat = Vec::with_capacity(n * m);
    let first = time::now();
    let start = Instant::now();
    while !span.done(lat.len(), start) {
        let (i, v) = (lat.len() % n, lat.len() / n);
        let mut new = NewVersion::new(semver(v), format!("s3://bench/{i}/{v}/model.onnx"), Framework::Onnx);
        new.metadata = into_json_object(
            "metadata",
            json!({"learning_rate": 0.001 * (v + 1) as f64, "epochs": 10 + v}),
        )?;
        timed(&mut lat, reg.register_version(&Ref::Id(ids[i]), new)).await?;
    }
    let b = figures(&mut lat, start.elapsed());
    let per_model = b.ops as usize / n;
    let loaded = Loaded {
        prefix: target.prefix,
        ids: &ids,
        per_model,
        first,
        last: time::now(),
    };
    let span = Span::new(args.lookups, args.min_time());
    let reads = read_phases(reg, &loaded, span, args.searches, &mut rng).await?;

    // f: concurrent writers on distinct models.
    eprintln!("phase f: {workers} writers for {} s", args.seconds);
    let writers = format!("{}task-writer-", target.prefix);
    let f_tasks = writer_tasks(&target.reg, &writers, workers, args.seconds).await?;
    let mut report = json!({
        "modelreg_version": env!("CARGO_PKG_VERSION"),
        "parameters": {
            "models": args.models, "versions_per_model": args.versions_per_model, "lookups": args.lookups,
            "searches": args.searches, "workers": workers, "seconds": args.seconds, "min_seconds": args.min_seconds,
        },
        // Phases a and b make more when the asked-for counts take under the least time.
        "loaded": {"models": n, "versions_per_model": per_model},
        "a": a,
        "b": b,
        "f": {"tasks": f_tasks},
        "peak_rss_bytes": peak_rss_bytes(),
    });
    for (phase, figures) in reads {
        report[phase] = figures;
    }
    let Some((scratch, local)) = target.local else {
        return Ok(report);
    };
    let f_processes = match scratch {
        Scratch::Sqlite { path, .. } => {
            eprintln!("phase f: {workers} writer processes for {} s", args.seconds);
            Some(writer_processes(path, workers, args.seconds).await?)
        }
        Scratch::Postgres { .. } => None,
    };

    // g: what the database itself does: INSERT + COMMIT of one row.
    let span = Span::new(n * m, args.min_time());
    let g_one = scratch.baseline(1, span).await?;
    let g_many = scratch.baseline(workers, span).await?;
    report["f"]["processes"] = json!(f_processes);
    report["g"] = json!({"one_writer": g_one, "writers": g_many});
    report["ratios"] = json!({
        "b_over_g_one_writer": ratio(b.ops_per_sec, g_one.ops_per_sec),
        "f_tasks_over_g_one_writer": ratio(f_tasks.figures.ops_per_sec, g_one.ops_per_sec),
        "f_processes_over_g_one_writer": f_processes.as_ref().map(|f| ratio(f.figures.ops_per_sec, g_one.ops_per_sec)),
        "f_tasks_over_g_writers": ratio(f_tasks.figures.ops_per_sec, g_many.ops_per_sec),
    });
    report["database_size_bytes"] = json!(local.size_bytes().await?);
    report["peak_rss_bytes"] = json!(peak_rss_bytes());
    Ok(report)
}
