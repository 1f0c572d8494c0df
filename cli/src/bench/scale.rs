//! Scale mode: bulk-loads many versions in one bulk load of the registry
//! (which writes each record's audit event), then measures the read phases
//! at that size.

use std::ops::Range;
use std::time::Instant;

use modelreg_core::metrics::{Metric, Split};
use modelreg_core::models::{Model, RiskLevel};
use modelreg_core::runs::{RunStatus, TrainingRun};
use modelreg_core::store::Record;
use modelreg_core::validate::into_json_object;
use modelreg_core::versions::{Framework, ModelVersion, VersionStatus};
use modelreg_core::{Registry, Result, time};
use serde_json::{Value, json};
use uuid::Uuid;

use super::BenchArgs;
use super::figures::{Rng, Span, peak_rss_bytes};
use super::phases::{model_name, semver};
use super::reads::{Loaded, read_phases};
use super::scratch::Scratch;

/// Records per batch of the one bulk load: large enough to be efficient,
/// small enough to keep memory small.
const RECORDS_PER_BATCH: usize = 20_000;

/// Loads `versions` versions (over up to 10,000 models) into `reg`, then runs phases c, d and e.
pub async fn measure_scale(args: &BenchArgs, scratch: &Scratch, reg: &Registry, versions: usize) -> Result<Value> {
    let models = versions.clamp(1, 10_000);
    let per_model = (versions / models).max(1);
    eprintln!(
        "modelreg bench --scale on {}: loading {} versions over {models} models",
        scratch.backend(),
        models * per_model
    );
    let (first, start) = (time::now(), Instant::now());
    let (ids, created) = bulk_load(reg, models, per_model).await?;
    let load_time = start.elapsed();
    let loaded = Loaded {
        prefix: "",
        ids: &ids,
        per_model,
        first,
        last: time::now(),
    };
    // Each entity is written with its audit event.
    let records = created * 2;
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    let span = Span::new(args.lookups, args.min_time());
    let reads = read_phases(reg, &loaded, span, args.searches, &mut rng).await?;
    let mut report = json!({
        "modelreg_version": env!("CARGO_PKG_VERSION"),
        "backend": scratch.backend(),
        "parameters": {"scale": versions, "models": models, "versions_per_model": per_model, "lookups": args.lookups, "searches": args.searches, "min_seconds": args.min_seconds},
        "load": {
            "entities": created,
            "records": records,
            "seconds": load_time.as_secs_f64(),
            "records_per_sec": records as f64 / load_time.as_secs_f64().max(f64::MIN_POSITIVE),
            "counts": reg.stats().await?,
        },
        "database_size_bytes": reg.size_bytes().await?,
        "peak_rss_bytes": peak_rss_bytes(),
    });
    for (phase, figures) in reads {
        report[phase] = figures;
    }
    Ok(report)
}

/// Creates `models` models with `per_model` versions each (every fifth with
/// a finished training run and a metric) in one bulk load, a batch of
/// models at a time; the next batch is generated while the registry writes
/// the current one. Answers the model ids and the number of entities created.
async fn bulk_load(reg: &Registry, models: usize, per_model: usize) -> Result<(Vec<Uuid>, u64)> {
    // A model with its versions, runs and metrics is about 1.4 records per version.
    let models_per_batch = (RECORDS_PER_BATCH * 5 / (per_model * 7 + 5)).max(1);
    let mut batches = (0..models)
        .step_by(models_per_batch)
        .map(|first| first..(first + models_per_batch).min(models));
    let mut ids = Vec::with_capacity(models);
    let mut load = reg.bulk_load().await?;
    let Some(first) = batches.next() else {
        return Ok((ids, load.finish().await?));
    };
    let mut pending = generate(first, per_model, &mut ids)?;
    for next in batches {
        let (done, generated) = tokio::join!(load.add(std::mem::take(&mut pending)), async {
            let mut next_ids = Vec::new();
            generate(next, per_model, &mut next_ids).map(|records| (next_ids, records))
        });
        done?;
        let (next_ids, records) = generated?;
        ids.extend(next_ids);
        pending = records;
    }
    load.add(pending).await?;
    Ok((ids, load.finish().await?))
}

/// The records of the models in `range`, parents first; their ids go to `ids`.
fn generate(range: Range<usize>, per_model: usize, ids: &mut Vec<Uuid>) -> Result<Vec<Record>> {
    let mut batch = Vec::with_capacity(range.len() * (per_model * 7 / 5 + 1));
    for i in range {
        let now = time::now();
        let model = Model {
            id: Uuid::now_v7(),
            name: model_name("", i),
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
        let model_id = model.id;
        batch.push(Record::Model(model));
        for v in 0..per_model {
            let now = time::now();
            let version = ModelVersion {
                id: Uuid::now_v7(),
                model_id,
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
                description: None,
            };
            if v % 5 == 0 {
                batch.push(Record::TrainingRun(TrainingRun {
                    id: Uuid::now_v7(),
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
                }));
                batch.push(Record::Metric(Metric {
                    id: Uuid::now_v7(),
                    version_id: version.id,
                    name: "accuracy".into(),
                    value: 0.9,
                    split: Split::Validation,
                    recorded_at: now,
                }));
            }
            batch.push(Record::ModelVersion(version));
        }
    }
    // Parents first: a stable sort by kind keeps each kind in creation order.
    batch.sort_by_key(|r| r.record_kind());
    Ok(batch)
}
