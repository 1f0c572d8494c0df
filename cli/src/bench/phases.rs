//! The default workload: phases a (models and tags), b (versions), c, d and
//! e (reads and promotion, shared with the scale mode), f (concurrent
//! writers) and g (the raw baseline).

use std::time::Instant;

use modelreg_core::models::NewModel;
use modelreg_core::validate::into_json_object;
use modelreg_core::versions::{Framework, NewVersion, VersionFilter, VersionStatus};
use modelreg_core::{Actor, Page, Ref, Registry, Result, Selector, VersionRef};
use serde_json::{Value, json};
use uuid::Uuid;

use super::BenchArgs;
use super::figures::{PhaseFigures, Rng, figures, peak_rss_bytes, timed};
use super::scratch::Scratch;
use super::writers::{writer_processes, writer_tasks};

/// Who the benchmark's changes are made by.
pub fn actor() -> Result<Actor> {
    Actor::new("modelreg-bench")
}

/// The name of the `i`th model.
pub fn model_name(i: usize) -> String {
    format!("model-{i}")
}

/// The semver of the `v`th version of a model.
pub fn semver(v: usize) -> String {
    format!("1.{v}.0")
}

/// Figures of the read phases (and promotion), shared by the default and scale modes.
pub struct Reads {
    pub c: PhaseFigures,
    pub d_list: PhaseFigures,
    pub d_search: PhaseFigures,
    pub e_promote: PhaseFigures,
    pub e_resolve: PhaseFigures,
}

impl Reads {
    /// Phases c, d and e as the report has them.
    pub fn report(&self) -> [(&'static str, Value); 3] {
        [
            ("c", json!(self.c)),
            ("d", json!({"list_versions": self.d_list, "search": self.d_search})),
            (
                "e",
                json!({"promote": self.e_promote, "resolve_production": self.e_resolve}),
            ),
        ]
    }
}

/// Phases c, d and e over the models `ids` (named `model-0…`) with versions `1.0.0…1.(m-1).0`.
pub async fn read_phases(reg: &Registry, ids: &[Uuid], m: usize, args: &BenchArgs, rng: &mut Rng) -> Result<Reads> {
    let n = ids.len();
    // c: a version by MODEL@SEMVER.
    let mut lat = Vec::with_capacity(args.lookups);
    let start = Instant::now();
    for _ in 0..args.lookups {
        let (i, v) = (rng.below(n), rng.below(m));
        let version = VersionRef::semver(Ref::name(model_name(i)), semver(v));
        timed(&mut lat, reg.version(&version)).await?;
    }
    let c = figures(&mut lat, start.elapsed());

    // d: the versions of a model; a search by name.
    let mut lat = Vec::with_capacity(args.lookups);
    let start = Instant::now();
    for _ in 0..args.lookups {
        let model = Ref::Id(ids[rng.below(n)]);
        timed(
            &mut lat,
            reg.list_versions(&model, VersionFilter::default(), Page::default()),
        )
        .await?;
    }
    let d_list = figures(&mut lat, start.elapsed());
    let mut lat = Vec::with_capacity(args.searches);
    let start = Instant::now();
    for _ in 0..args.searches {
        timed(&mut lat, reg.search_models("model-1", Page::default())).await?;
    }
    let d_search = figures(&mut lat, start.elapsed());

    // e: promote each model's latest version (resolved in the promotion's
    // transaction); resolve "the production version of X".
    let mut lat = Vec::with_capacity(n);
    let start = Instant::now();
    for id in ids {
        let latest = VersionRef::of(Ref::Id(*id), Selector::Latest);
        timed(&mut lat, reg.set_version_status(&latest, VersionStatus::Production)).await?;
    }
    let e_promote = figures(&mut lat, start.elapsed());
    let mut lat = Vec::with_capacity(args.lookups);
    let start = Instant::now();
    for _ in 0..args.lookups {
        let production = VersionRef::of(Ref::name(model_name(rng.below(n))), Selector::Production);
        timed(&mut lat, reg.version(&production)).await?;
    }
    let e_resolve = figures(&mut lat, start.elapsed());

    Ok(Reads {
        c,
        d_list,
        d_search,
        e_promote,
        e_resolve,
    })
}

/// The default workload on `reg`, in `scratch`; answers the report.
pub async fn measure(args: &BenchArgs, scratch: &Scratch, reg: &Registry) -> Result<Value> {
    let (n, m) = (args.models.max(1), args.versions_per_model.max(1));
    let workers = args.workers.max(1);
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    eprintln!(
        "modelreg bench on {}: {n} models x {m} versions, {workers} writers",
        scratch.backend()
    );

    // a: models, each with two tags.
    let mut lat = Vec::with_capacity(n * 3);
    let start = Instant::now();
    let mut ids = Vec::with_capacity(n);
    for i in 0..n {
        let model = timed(&mut lat, reg.create_model(NewModel::named(model_name(i)))).await?;
        let model_ref = Ref::Id(model.id);
        timed(&mut lat, reg.add_tag(&model_ref, &format!("team-{}", i % 10))).await?;
        timed(&mut lat, reg.add_tag(&model_ref, &format!("family-{}", i % 3))).await?;
        ids.push(model.id);
    }
    let a = figures(&mut lat, start.elapsed());

    // b: versions, one call each, with a two-key metadata object.
    let mut lat = Vec::with_capacity(n * m);
    let start = Instant::now();
    for v in 0..m {
        for (i, id) in ids.iter().enumerate() {
            let mut new = NewVersion::new(semver(v), format!("s3://bench/{i}/{v}/model.onnx"), Framework::Onnx);
            new.metadata = into_json_object(
                "metadata",
                json!({"learning_rate": 0.001 * (v + 1) as f64, "epochs": 10 + v}),
            )?;
            timed(&mut lat, reg.register_version(&Ref::Id(*id), new)).await?;
        }
    }
    let b = figures(&mut lat, start.elapsed());

    let reads = read_phases(reg, &ids, m, args, &mut rng).await?;

    // f: concurrent writers on distinct models.
    eprintln!("phase f: {workers} writers for {} s", args.seconds);
    let f_tasks = writer_tasks(reg, workers, args.seconds).await?;
    let f_processes = match scratch {
        Scratch::Sqlite { path, .. } => {
            eprintln!("phase f: {workers} writer processes for {} s", args.seconds);
            Some(writer_processes(path, workers, args.seconds).await?)
        }
        Scratch::Postgres { .. } => None,
    };

    // g: what the database itself does: INSERT + COMMIT of one row.
    let rows = n * m;
    let g_one = scratch.baseline(1, rows).await?;
    let g_many = scratch.baseline(workers, rows).await?;

    let mut report = json!({
        "modelreg_version": env!("CARGO_PKG_VERSION"),
        "backend": scratch.backend(),
        "parameters": {
            "models": n, "versions_per_model": m, "lookups": args.lookups, "searches": args.searches,
            "workers": workers, "seconds": args.seconds,
        },
        "a": a,
        "b": b,
        "f": {"tasks": f_tasks, "processes": f_processes},
        "g": {"one_writer": g_one, "writers": g_many},
        "ratios": {
            "b_over_g_one_writer": b.ops_per_sec / g_one.ops_per_sec.max(f64::MIN_POSITIVE),
            "f_tasks_over_g_writers": f_tasks.figures.ops_per_sec / g_many.ops_per_sec.max(f64::MIN_POSITIVE),
        },
        "database_size_bytes": reg.size_bytes().await?,
        "peak_rss_bytes": peak_rss_bytes(),
    });
    for (phase, figures) in reads.report() {
        report[phase] = figures;
    }
    Ok(report)
}
