//! The workload through HTTP: a server of this process on the scratch
//! registry (`--http`) or a running one (`--database-url http://…`), reached
//! through the client as any remote caller would; and phase h, many
//! connections at once: `GET …/production` next to `GET /healthz` at each
//! client count, and registering versions with `POST`.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use modelreg_core::{Error, Page, Ref, Registry, RegistryApi, Result};
use modelreg_server::{AppOptions, RequestLog, Served};
use serde_json::{Value, json};

use super::BenchArgs;
use super::figures::{PhaseFigures, figures};
use super::phases::ratio;
use super::writers::writer_tasks;

/// Serves `reg` on a free loopback port, as `modelreg serve` does (request
/// log included, written to nowhere), without tokens.
pub async fn serve(reg: Registry) -> Result<Served> {
    let options = AppOptions::default()
        .request_log(RequestLog::Compact)
        .log_to(std::io::sink());
    modelreg_server::serve_loopback(reg, Vec::new(), options).await
}

/// Each phase's throughput through HTTP over its throughput in this process.
pub fn ratios(in_process: &Value, through_http: &Value) -> Value {
    let mut out = serde_json::Map::new();
    for (phase, path) in super::summary::PHASES {
        let at = |report: &Value| path.iter().fold(report, |v, k| &v[*k])["ops_per_sec"].as_f64();
        if let (Some(local), Some(remote)) = (at(in_process), at(through_http)) {
            out.insert(super::summary::ratio_key(phase), json!(ratio(remote, local)));
        }
    }
    Value::Object(out)
}

/// Phase h against the server at `url`: at each client count of
/// `--connections`, `GET …/production` of `model` and `GET /healthz`, each
/// for `--seconds`; then as many writers as the most clients, registering
/// versions (models named `PREFIXh-writer-N`).
pub async fn concurrency(
    args: &BenchArgs,
    url: &str,
    token: Option<&str>,
    reg: &Arc<dyn RegistryApi>,
    prefix: &str,
    model: &str,
) -> Result<Value> {
    let http = reqwest::Client::builder()
        .build()
        .map_err(|e| Error::internal(format!("cannot make an HTTP client: {e}")))?;
    let production = format!("{url}/v1/models/{}/production", modelreg_client::path_segment(model));
    let healthz = format!("{url}/healthz");
    let time = Duration::from_secs(args.seconds);
    let mut clients = BTreeMap::new();
    for &n in &args.connections {
        eprintln!(
            "phase h: {n} clients, GET production and GET /healthz, {} s each",
            args.seconds
        );
        let production = load(&http, &production, token, n, time).await?;
        let healthz = load(&http, &healthz, token, n, time).await?;
        let share = ratio(production.ops_per_sec, healthz.ops_per_sec);
        clients.insert(
            n.to_string(),
            json!({"production": production, "healthz": healthz, "production_over_healthz": share}),
        );
    }
    let writers = args.connections.iter().copied().max().unwrap_or(1);
    eprintln!("phase h: {writers} writers registering versions for {} s", args.seconds);
    let register = writer_tasks(reg, &format!("{prefix}h-writer-"), writers, args.seconds).await?;
    Ok(json!({"clients": clients, "register": register}))
}

/// `n` clients sending `GET url` one after the other for `time`; a status
/// other than 200 fails the phase.
async fn load(
    http: &reqwest::Client,
    url: &str,
    token: Option<&str>,
    n: usize,
    time: Duration,
) -> Result<PhaseFigures> {
    let start = Instant::now();
    let tasks: Vec<_> = (0..n.max(1))
        .map(|_| {
            let (http, url, token) = (http.clone(), url.to_owned(), token.map(str::to_owned));
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                while start.elapsed() < time {
                    let began = Instant::now();
                    let mut request = http.get(&url);
                    if let Some(token) = &token {
                        request = request.bearer_auth(token);
                    }
                    let response = request
                        .send()
                        .await
                        .map_err(|e| Error::unavailable(format!("GET {url}: {e}")))?;
                    let status = response.status();
                    // The body is read, as a caller would.
                    let _ = response.bytes().await;
                    if status != reqwest::StatusCode::OK {
                        return Err(Error::internal(format!("GET {url} answered {status}")));
                    }
                    latencies.push(began.elapsed());
                }
                Ok::<_, Error>(latencies)
            })
        })
        .collect();
    let mut all = Vec::new();
    for task in tasks {
        all.extend(
            task.await
                .map_err(|e| Error::internal(format!("a client task failed: {e}")))??,
        );
    }
    Ok(figures(&mut all, start.elapsed()))
}

/// Deletes the models this run made on a server it does not own (their
/// names start with `prefix`); answers how many.
pub async fn remove_models(reg: &dyn RegistryApi, prefix: &str) -> Result<usize> {
    let mut removed = 0;
    loop {
        let page = reg.search_models(prefix, Page::default()).await?;
        let ours: Vec<_> = page.iter().filter(|m| m.name.starts_with(prefix)).collect();
        if ours.is_empty() {
            return Ok(removed);
        }
        for model in ours {
            reg.delete_model(&Ref::Id(model.id)).await?;
            removed += 1;
        }
    }
}
