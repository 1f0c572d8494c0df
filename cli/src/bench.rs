//! `modelreg bench`: the workload benchmark. It drives the registry through
//! the same store traits as every other command, in-process, on a scratch
//! database (a temporary SQLite file, or a scratch schema in PostgreSQL),
//! and compares the write phases with what the database itself does.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use modelreg_core::models::NewModel;
use modelreg_core::store::Page;
use modelreg_core::validate::into_json_object;
use modelreg_core::versions::{Framework, NewVersion, VersionFilter, VersionStatus};
use modelreg_core::{Actor, Error, Registry, Result, Store};
use modelreg_postgres::scratch::ScratchSchema;
use modelreg_postgres::{PostgresOptions, PostgresStore};
use modelreg_sqlite::{Location, SqliteOptions, SqliteStore};
use serde::Serialize;
use serde_json::{Value, json};

use crate::args::{BenchArgs, OutputFormat};
use crate::output::Out;

/// Figures of one timed phase.
#[derive(Debug, Clone, Serialize)]
pub struct PhaseFigures {
    pub ops: u64,
    pub wall_seconds: f64,
    pub ops_per_sec: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
}

fn figures(latencies: &mut [Duration], wall: Duration) -> PhaseFigures {
    latencies.sort_unstable();
    let at = |q: f64| -> f64 {
        if latencies.is_empty() {
            return 0.0;
        }
        let i = ((latencies.len() as f64 * q).ceil() as usize).clamp(1, latencies.len()) - 1;
        latencies[i].as_secs_f64() * 1e3
    };
    let secs = wall.as_secs_f64();
    PhaseFigures {
        ops: latencies.len() as u64,
        wall_seconds: secs,
        ops_per_sec: if secs > 0.0 { latencies.len() as f64 / secs } else { 0.0 },
        p50_ms: at(0.50),
        p99_ms: at(0.99),
        max_ms: latencies.last().map_or(0.0, |d| d.as_secs_f64() * 1e3),
    }
}

/// Times `op` once and records its latency.
async fn timed<T>(latencies: &mut Vec<Duration>, op: impl std::future::Future<Output = Result<T>>) -> Result<T> {
    let start = Instant::now();
    let result = op.await;
    latencies.push(start.elapsed());
    result
}

/// A tiny deterministic generator (xorshift64*), so runs pick the same keys.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) % n.max(1) as u64) as usize
    }
}

/// Figures of concurrent writers (phase f).
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
#[derive(Debug, Default, Serialize, serde::Deserialize)]
pub struct WriterReport {
    pub latencies_us: Vec<u64>,
    pub errors: BTreeMap<String, u64>,
}

fn error_kind(e: &Error) -> String {
    match e {
        Error::NotFound { .. } => "not_found".into(),
        Error::Conflict { .. } => "conflict".into(),
        Error::Invalid { .. } => "invalid".into(),
        Error::SchemaTooNew { .. } => "schema_too_new".into(),
        Error::Backend(message) if message.contains("locked") || message.contains("busy") => "database_locked".into(),
        Error::Backend(_) => "backend".into(),
        Error::AtLine { error, .. } => error_kind(error),
    }
}

/// Registers versions on `model` until `seconds` have passed.
pub async fn write_for(reg: &Registry, model: &str, seconds: u64, actor: &Actor) -> Result<WriterReport> {
    let model = match reg.model_by_name(model).await {
        Ok(m) => m,
        Err(_) => reg.create_model(NewModel::named(model), actor).await?,
    };
    let mut report = WriterReport::default();
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let mut n = 0u64;
    while Instant::now() < deadline {
        let new = NewVersion::new(
            format!("9.0.{n}"),
            format!("s3://bench/{}/{n}", model.name),
            Framework::Onnx,
        );
        let start = Instant::now();
        let result = reg.register_version(model.id, new, actor).await;
        match result {
            Ok(_) => report.latencies_us.push(start.elapsed().as_micros() as u64),
            Err(e) => *report.errors.entry(error_kind(&e)).or_default() += 1,
        }
        n += 1;
    }
    Ok(report)
}

fn combine(reports: Vec<WriterReport>, wall: Duration) -> WriterFigures {
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

/// Where the benchmark runs, and how to clean up after it.
enum Scratch {
    Sqlite {
        path: PathBuf,
        _dir: Option<tempfile::TempDir>,
    },
    Postgres {
        url: String,
        schema: ScratchSchema,
    },
}

impl Scratch {
    async fn create(url: Option<&str>) -> Result<Scratch> {
        match url {
            None => {
                let dir = tempfile::tempdir().map_err(|e| Error::backend(format!("no temporary directory: {e}")))?;
                Ok(Scratch::Sqlite {
                    path: dir.path().join("bench.db"),
                    _dir: Some(dir),
                })
            }
            Some(url) if url.starts_with("sqlite:") => match Location::from_url(url)? {
                // Never the named file itself: a fresh file beside it, removed afterwards.
                Location::File(path) => Ok(Scratch::Sqlite {
                    path: path.with_file_name(format!("modelreg-bench-{}.db", uuid::Uuid::new_v4().simple())),
                    _dir: None,
                }),
                Location::Memory => Err(Error::invalid(
                    "database_url",
                    "bench needs a file; omit --database-url for a temporary one",
                )),
            },
            Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => Ok(Scratch::Postgres {
                url: url.to_owned(),
                schema: ScratchSchema::create(url).await?,
            }),
            Some(_) => Err(Error::invalid(
                "database_url",
                "bench runs on sqlite:// or postgres:// URLs",
            )),
        }
    }

    fn backend(&self) -> &'static str {
        match self {
            Scratch::Sqlite { .. } => "sqlite",
            Scratch::Postgres { .. } => "postgres",
        }
    }

    async fn open(&self, pool: u32) -> Result<Arc<dyn Store>> {
        Ok(match self {
            Scratch::Sqlite { path, .. } => {
                Arc::new(SqliteStore::open(Location::File(path.clone()), SqliteOptions::default()).await?)
            }
            Scratch::Postgres { url, schema } => {
                let options = PostgresOptions {
                    max_connections: pool,
                    schema: Some(schema.name().to_owned()),
                    ..PostgresOptions::default()
                };
                Arc::new(PostgresStore::connect(url, options).await?)
            }
        })
    }

    /// The raw INSERT + COMMIT rate of `writers` connections over `rows` rows.
    async fn baseline(&self, writers: usize, rows: usize) -> Result<PhaseFigures> {
        let payload = "x".repeat(300);
        let per_writer = rows.div_ceil(writers.max(1));
        let start = Instant::now();
        let mut tasks = Vec::new();
        for _ in 0..writers {
            let payload = payload.clone();
            let raw = RawWriter::open(self).await?;
            tasks.push(tokio::spawn(async move {
                let mut latencies = Vec::with_capacity(per_writer);
                for _ in 0..per_writer {
                    timed(&mut latencies, raw.insert(payload.clone())).await?;
                }
                Ok::<_, Error>(latencies)
            }));
        }
        let mut all = Vec::with_capacity(rows);
        for task in tasks {
            all.extend(task.await.map_err(|e| Error::backend(e.to_string()))??);
        }
        Ok(figures(&mut all, start.elapsed()))
    }

    async fn cleanup(self) -> Result<()> {
        match self {
            Scratch::Sqlite { path, _dir } => {
                for suffix in ["", "-wal", "-shm"] {
                    let mut file = path.clone().into_os_string();
                    file.push(suffix);
                    let _ = std::fs::remove_file(file);
                }
                Ok(())
            }
            Scratch::Postgres { schema, .. } => schema.drop_all().await,
        }
    }
}

enum RawWriter {
    Sqlite(modelreg_sqlite::baseline::RawWriter),
    Postgres(modelreg_postgres::baseline::RawWriter),
}

impl RawWriter {
    async fn open(scratch: &Scratch) -> Result<RawWriter> {
        Ok(match scratch {
            Scratch::Sqlite { path, .. } => RawWriter::Sqlite(
                modelreg_sqlite::baseline::RawWriter::open(&Location::File(path.clone()), &SqliteOptions::default())
                    .await?,
            ),
            Scratch::Postgres { url, schema } => {
                RawWriter::Postgres(modelreg_postgres::baseline::RawWriter::connect(url, Some(schema.name())).await?)
            }
        })
    }

    async fn insert(&self, payload: String) -> Result<()> {
        match self {
            RawWriter::Sqlite(w) => w.insert(payload).await,
            RawWriter::Postgres(w) => w.insert(payload).await,
        }
    }
}

fn peak_rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// Runs `modelreg bench-writer` in `writers` OS processes on the same SQLite file.
async fn writer_processes(path: &std::path::Path, writers: usize, seconds: u64) -> Result<WriterFigures> {
    let exe = std::env::current_exe().map_err(|e| Error::backend(format!("cannot find the modelreg binary: {e}")))?;
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
                .map_err(|e| Error::backend(format!("cannot start a writer process: {e}")))
        })
        .collect::<Result<_>>()?;
    let mut reports = Vec::new();
    for child in children {
        let output = child
            .wait_with_output()
            .await
            .map_err(|e| Error::backend(e.to_string()))?;
        if !output.status.success() {
            return Err(Error::backend(format!(
                "a writer process failed: {}",
                String::from_utf8_lossy(&output.stderr)
            )));
        }
        reports.push(
            serde_json::from_slice(&output.stdout).map_err(|e| Error::backend(format!("a writer's report: {e}")))?,
        );
    }
    Ok(combine(reports, start.elapsed()))
}

fn model_name(i: usize) -> String {
    format!("model-{i}")
}

fn semver(v: usize) -> String {
    format!("1.{v}.0")
}

/// Figures of the read phases (and promotion), shared by the default and scale modes.
struct Reads {
    c: PhaseFigures,
    d_list: PhaseFigures,
    d_search: PhaseFigures,
    e_promote: PhaseFigures,
    e_resolve: PhaseFigures,
}

/// Phases c, d and e over models `model-0…` with versions `1.0.0…1.(m-1).0`.
async fn read_phases(
    reg: &Registry,
    actor: &Actor,
    ids: &[uuid::Uuid],
    m: usize,
    args: &BenchArgs,
    rng: &mut Rng,
) -> Result<Reads> {
    let n = ids.len();
    // c: a version by (model name, semver).
    let mut lat = Vec::with_capacity(args.lookups);
    let start = Instant::now();
    for _ in 0..args.lookups {
        let (i, v) = (rng.below(n), rng.below(m));
        timed(&mut lat, reg.version_by_name(&model_name(i), &semver(v))).await?;
    }
    let c = figures(&mut lat, start.elapsed());

    // d: the versions of a model; a search by name.
    let mut lat = Vec::with_capacity(args.lookups);
    let start = Instant::now();
    for _ in 0..args.lookups {
        let id = ids[rng.below(n)];
        timed(
            &mut lat,
            reg.list_versions(id, VersionFilter::default(), Page::default()),
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

    // e: promote each model's latest version; resolve "the production version of X".
    let mut lat = Vec::with_capacity(n);
    let start = Instant::now();
    for id in ids {
        let latest = reg.latest_version(*id, None).await?;
        if let Some(latest) = latest {
            timed(
                &mut lat,
                reg.set_version_status(latest.id, VersionStatus::Production, actor),
            )
            .await?;
        }
    }
    let e_promote = figures(&mut lat, start.elapsed());
    let mut lat = Vec::with_capacity(args.lookups);
    let start = Instant::now();
    for _ in 0..args.lookups {
        let name = model_name(rng.below(n));
        timed(&mut lat, async {
            let model = reg.model_by_name(&name).await?;
            reg.production_version(model.id).await
        })
        .await?;
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

/// The whole benchmark; returns the JSON object it prints.
pub async fn run(args: &BenchArgs, url: Option<&str>, out: Out) -> Result<()> {
    let scratch = Scratch::create(url).await?;
    let result = match args.scale {
        Some(versions) => measure_scale(args, &scratch, versions).await,
        None => measure(args, &scratch).await,
    };
    let cleaned = match (scratch, args.keep) {
        (Scratch::Sqlite { path, _dir }, true) => {
            // Keep the temporary directory too, or it goes with the scratch.
            let _ = _dir.map(tempfile::TempDir::keep);
            eprintln!("kept the scratch registry at {}", path.display());
            Ok(())
        }
        (scratch, _) => scratch.cleanup().await,
    };
    let report = result?;
    cleaned?;
    match out.format {
        OutputFormat::Json => {
            println!("{}", serde_json::to_string_pretty(&report).map_err(Error::backend)?);
            Ok(())
        }
        OutputFormat::Table => print_summary(&report),
    }
}

async fn measure(args: &BenchArgs, scratch: &Scratch) -> Result<Value> {
    let (n, m) = (args.models.max(1), args.versions_per_model.max(1));
    let workers = args.workers.max(1);
    let store = scratch.open((workers as u32 + 2).max(4)).await?;
    let reg = Registry::new(store.clone());
    let actor = Actor::new("modelreg-bench")?;
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
        let model = timed(&mut lat, reg.create_model(NewModel::named(model_name(i)), &actor)).await?;
        timed(&mut lat, reg.add_tag(model.id, &format!("team-{}", i % 10), &actor)).await?;
        timed(&mut lat, reg.add_tag(model.id, &format!("family-{}", i % 3), &actor)).await?;
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
            timed(&mut lat, reg.register_version(*id, new, &actor)).await?;
        }
    }
    let b = figures(&mut lat, start.elapsed());

    let reads = read_phases(&reg, &actor, &ids, m, args, &mut rng).await?;

    // f: concurrent writers on distinct models.
    eprintln!("phase f: {workers} writers for {} s", args.seconds);
    let start = Instant::now();
    let tasks: Vec<_> = (0..workers)
        .map(|w| {
            let (reg, actor) = (reg.clone(), actor.clone());
            let seconds = args.seconds;
            tokio::spawn(async move { write_for(&reg, &format!("task-writer-{w}"), seconds, &actor).await })
        })
        .collect();
    let mut reports = Vec::new();
    for task in tasks {
        reports.push(task.await.map_err(|e| Error::backend(e.to_string()))??);
    }
    let f_tasks = combine(reports, start.elapsed());
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

    let size = store.size_bytes().await?;
    Ok(json!({
        "modelreg_version": env!("CARGO_PKG_VERSION"),
        "backend": scratch.backend(),
        "parameters": {
            "models": n, "versions_per_model": m, "lookups": args.lookups, "searches": args.searches,
            "workers": workers, "seconds": args.seconds,
        },
        "a": a,
        "b": b,
        "c": reads.c,
        "d": {"list_versions": reads.d_list, "search": reads.d_search},
        "e": {"promote": reads.e_promote, "resolve_production": reads.e_resolve},
        "f": {"tasks": f_tasks, "processes": f_processes},
        "g": {"one_writer": g_one, "writers": g_many},
        "ratios": {
            "b_over_g_one_writer": b.ops_per_sec / g_one.ops_per_sec.max(f64::MIN_POSITIVE),
            "f_tasks_over_g_writers": f_tasks.figures.ops_per_sec / g_many.ops_per_sec.max(f64::MIN_POSITIVE),
        },
        "database_size_bytes": size,
        "peak_rss_bytes": peak_rss_bytes(),
    }))
}

/// Scale mode: bulk-loads `versions` versions, then runs the read phases at that size.
async fn measure_scale(args: &BenchArgs, scratch: &Scratch, versions: usize) -> Result<Value> {
    let models = versions.clamp(1, 10_000);
    let per_model = (versions / models).max(1);
    let store = scratch.open(4).await?;
    let reg = Registry::new(store.clone());
    let actor = Actor::new("modelreg-bench")?;
    eprintln!(
        "modelreg bench --scale on {}: loading {} versions over {models} models",
        scratch.backend(),
        models * per_model
    );
    let start = Instant::now();
    let (ids, records) = bulk_load(store.as_ref(), models, per_model, &actor).await?;
    let load_time = start.elapsed();
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    let reads = read_phases(&reg, &actor, &ids, per_model, args, &mut rng).await?;
    let counts = store.record_counts().await?;
    Ok(json!({
        "modelreg_version": env!("CARGO_PKG_VERSION"),
        "backend": scratch.backend(),
        "parameters": {"scale": versions, "models": models, "versions_per_model": per_model, "lookups": args.lookups, "searches": args.searches},
        "load": {
            "records": records,
            "seconds": load_time.as_secs_f64(),
            "records_per_sec": records as f64 / load_time.as_secs_f64().max(f64::MIN_POSITIVE),
            "counts": counts,
        },
        "c": reads.c,
        "d": {"list_versions": reads.d_list, "search": reads.d_search},
        "e": {"promote": reads.e_promote, "resolve_production": reads.e_resolve},
        "database_size_bytes": store.size_bytes().await?,
        "peak_rss_bytes": peak_rss_bytes(),
    }))
}

/// Writes `models` models with `per_model` versions each (every fifth with a
/// finished training run and a metric), with their audit events, through the
/// store's bulk insert in one transaction. Returns the model ids and the
/// number of records written.
async fn bulk_load(
    store: &dyn Store,
    models: usize,
    per_model: usize,
    actor: &Actor,
) -> Result<(Vec<uuid::Uuid>, u64)> {
    use modelreg_core::audit::{self, AuditAction, AuditEvent};
    use modelreg_core::metrics::{Metric, Split};
    use modelreg_core::models::{Model, RiskLevel};
    use modelreg_core::runs::{RunStatus, TrainingRun};
    use modelreg_core::store::{Existing, Record};
    use modelreg_core::versions::ModelVersion;
    use modelreg_core::{EntityKind, time};

    fn created<T: Serialize>(
        kind: EntityKind,
        id: uuid::Uuid,
        entity: &T,
        actor: &Actor,
        at: time::Timestamp,
    ) -> Record {
        Record::AuditEvent(AuditEvent::new(
            kind,
            id,
            AuditAction::Create,
            actor,
            audit::snapshot(entity),
            at,
        ))
    }

    // Records for a range of models: each model, its versions, every fifth
    // version's run and metric, and the audit event of each.
    let generate = |models: std::ops::Range<usize>| -> Result<(Vec<uuid::Uuid>, Vec<Record>)> {
        let mut ids = Vec::with_capacity(models.len());
        let mut batch = Vec::with_capacity(models.len() * per_model * 3);
        for i in models {
            let now = time::now();
            let model = Model {
                id: uuid::Uuid::now_v7(),
                name: model_name(i),
                description: Some(format!("bulk-loaded model {i}")),
                use_case: None,
                team_id: None,
                risk_level: RiskLevel::Medium,
                compliance_required: false,
                is_active: true,
                created_at: now,
                updated_at: now,
            };
            ids.push(model.id);
            batch.push(created(EntityKind::Model, model.id, &model, actor, now));
            batch.push(Record::Model(model.clone()));
            for v in 0..per_model {
                let now = time::now();
                let version = ModelVersion {
                    id: uuid::Uuid::now_v7(),
                    model_id: model.id,
                    semver: semver(v),
                    artifact_uri: format!("s3://bench/{i}/{v}/model.onnx"),
                    framework: Framework::Onnx,
                    framework_version: Some("1.17".into()),
                    python_version: Some("3.11".into()),
                    status: VersionStatus::Registered,
                    size_bytes: Some(100_000_000 + (i * per_model + v) as i64),
                    checksum_sha256: None,
                    metadata: into_json_object("metadata", json!({"learning_rate": 0.001, "epochs": v}))?,
                    created_at: now,
                };
                batch.push(created(EntityKind::ModelVersion, version.id, &version, actor, now));
                if v % 5 == 0 {
                    let run = TrainingRun {
                        id: uuid::Uuid::now_v7(),
                        version_id: version.id,
                        run_name: format!("train-{v}"),
                        status: RunStatus::Succeeded,
                        started_at: now,
                        completed_at: Some(now),
                        duration_seconds: Some(3600),
                        gpu_hours: 1.5,
                        cost_usd: Some(4.2),
                        dataset_name: Some("bench".into()),
                        dataset_version: Some("1".into()),
                        hyperparameters: Default::default(),
                        environment: Default::default(),
                        created_by: None,
                    };
                    let metric = Metric {
                        id: uuid::Uuid::now_v7(),
                        version_id: version.id,
                        name: "accuracy".into(),
                        value: 0.9,
                        split: Split::Validation,
                        recorded_at: now,
                    };
                    batch.push(created(EntityKind::TrainingRun, run.id, &run, actor, now));
                    batch.push(created(EntityKind::Metric, metric.id, &metric, actor, now));
                    batch.push(Record::TrainingRun(run));
                    batch.push(Record::Metric(metric));
                }
                batch.push(Record::ModelVersion(version));
            }
        }
        // In dependency order: parents first within the batch.
        batch.sort_by_key(|r| r.record_kind());
        Ok((ids, batch))
    };

    // The next batch is generated while the store writes the current one.
    const MODELS_PER_BATCH: usize = 50;
    const RECORDS_PER_TRANSACTION: u64 = 200_000;
    let mut tx = store.begin().await?;
    let mut ids = Vec::with_capacity(models);
    let mut written = 0;
    let mut since_commit = 0;
    let (first_ids, mut pending) = generate(0..MODELS_PER_BATCH.min(models))?;
    ids.extend(first_ids);
    let mut next_start = MODELS_PER_BATCH.min(models);
    loop {
        let next = next_start..(next_start + MODELS_PER_BATCH).min(models);
        let (done, generated) = tokio::join!(tx.insert_many(std::mem::take(&mut pending), Existing::Fail), async {
            if next.is_empty() {
                Ok((Vec::new(), Vec::new()))
            } else {
                generate(next.clone())
            }
        });
        let done = done?;
        written += done;
        since_commit += done;
        if since_commit >= RECORDS_PER_TRANSACTION {
            // A transaction per 200,000 records keeps the write-ahead log small.
            tx.commit().await?;
            tx = store.begin().await?;
            since_commit = 0;
        }
        if next.is_empty() {
            break;
        }
        let (more_ids, batch) = generated?;
        ids.extend(more_ids);
        pending = batch;
        next_start = next.end;
    }
    tx.commit().await?;
    Ok((ids, written))
}

fn print_summary(report: &Value) -> Result<()> {
    let mut table = comfy_table::Table::new();
    table.load_preset(comfy_table::presets::UTF8_FULL_CONDENSED);
    table.set_header(["phase", "ops", "seconds", "ops/s", "p50 ms", "p99 ms", "max ms"]);
    let phases = [
        ("a  create models + tags", &report["a"]),
        ("b  register versions", &report["b"]),
        ("c  version by name@semver", &report["c"]),
        ("d  list a model's versions", &report["d"]["list_versions"]),
        ("d  search by name", &report["d"]["search"]),
        ("e  promote to production", &report["e"]["promote"]),
        ("e  resolve production", &report["e"]["resolve_production"]),
        ("f  writers (tasks)", &report["f"]["tasks"]),
        ("f  writers (processes)", &report["f"]["processes"]),
        ("g  raw insert, 1 writer", &report["g"]["one_writer"]),
        ("g  raw insert, W writers", &report["g"]["writers"]),
    ];
    for (name, p) in phases {
        if p.is_null() {
            continue;
        }
        let num = |k: &str, digits: usize| format!("{:.*}", digits, p[k].as_f64().unwrap_or(0.0));
        table.add_row([
            name.to_owned(),
            p["ops"].to_string(),
            num("wall_seconds", 2),
            num("ops_per_sec", 0),
            num("p50_ms", 3),
            num("p99_ms", 3),
            num("max_ms", 3),
        ]);
    }
    println!(
        "modelreg {} bench on {}",
        report["modelreg_version"].as_str().unwrap_or("?"),
        report["backend"].as_str().unwrap_or("?")
    );
    println!("{table}");
    for mode in ["tasks", "processes"] {
        let f = &report["f"][mode];
        if !f.is_null() {
            println!(
                "f ({mode}): {} successes, errors {}, fewest per writer {}, mean per writer {:.0}",
                f["successes"],
                f["errors"],
                f["fewest_successes_of_a_writer"],
                f["mean_successes_per_writer"].as_f64().unwrap_or(0.0)
            );
        }
    }
    if !report["load"].is_null() {
        let load = &report["load"];
        println!(
            "scale: loaded {} records in {:.1} s ({:.0} records/s)",
            load["records"],
            load["seconds"].as_f64().unwrap_or(0.0),
            load["records_per_sec"].as_f64().unwrap_or(0.0)
        );
    } else {
        println!(
            "b / g(1 writer) = {:.2}; f(tasks) / g(W writers) = {:.2}",
            report["ratios"]["b_over_g_one_writer"].as_f64().unwrap_or(0.0),
            report["ratios"]["f_tasks_over_g_writers"].as_f64().unwrap_or(0.0)
        );
    }
    println!(
        "database size {:.1} MiB, peak RSS {:.1} MiB",
        report["database_size_bytes"].as_f64().unwrap_or(0.0) / 1048576.0,
        report["peak_rss_bytes"].as_f64().unwrap_or(0.0) / 1048576.0
    );
    Ok(())
}
