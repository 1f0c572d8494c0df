//! `modelreg bench` on a scratch database, never the configured registry.

use modelreg_postgres::testing::TestDatabase;
use serde_json::Value;

use crate::sandbox::Sandbox;

fn assert_phase(p: &Value, name: &str) {
    for key in ["ops", "wall_seconds", "ops_per_sec", "p50_ms", "p99_ms", "max_ms"] {
        assert!(p[key].is_number(), "{name}.{key} in {p}");
    }
    assert!(p["ops"].as_u64().unwrap() > 0, "{name} did something");
}

/// The flags of a small bench, whose report the checks below read.
const SMALL_BENCH: &[(&str, &str)] = &[
    ("--models", "4"),
    ("--versions-per-model", "3"),
    ("--lookups", "20"),
    ("--searches", "5"),
    ("--workers", "2"),
    ("--seconds", "1"),
    // The counts alone, so that the phases are short and make exactly them.
    ("--min-seconds", "0"),
];

/// The flags of the smallest bench that still runs every phase.
pub(crate) const SMALLEST_BENCH: &[(&str, &str)] = &[
    ("--models", "2"),
    ("--versions-per-model", "2"),
    ("--lookups", "5"),
    ("--searches", "2"),
    ("--workers", "1"),
    ("--seconds", "1"),
];

/// `bench` with `flags` (each unless `extra` names it), then `extra`.
pub(crate) fn bench_args<'a>(flags: &[(&'a str, &'a str)], extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec!["bench"];
    for &(flag, value) in flags {
        if !extra.contains(&flag) {
            args.extend([flag, value]);
        }
    }
    args.extend(extra);
    args
}

/// A small bench's report; `extra` flags replace the defaults they name.
fn bench_report(s: &Sandbox, extra: &[&str]) -> Value {
    s.json(&bench_args(SMALL_BENCH, extra))
}

fn check_bench(report: &Value, backend: &str) {
    assert_eq!(report["backend"], backend);
    assert_eq!(report["parameters"]["models"], 4);
    assert_eq!(report["b"]["ops"], 12, "one call per version");
    for (name, phase) in [
        ("a", &report["a"]),
        ("b", &report["b"]),
        ("c", &report["c"]),
        ("d.list_versions", &report["d"]["list_versions"]),
        ("d.search", &report["d"]["search"]),
        ("e.promote", &report["e"]["promote"]),
        ("e.resolve_production", &report["e"]["resolve_production"]),
        ("as_of.production", &report["as_of"]["production"]),
        ("q.model", &report["q"]["model"]),
        ("q.status", &report["q"]["status"]),
        ("q.created_at", &report["q"]["created_at"]),
        ("q.alias", &report["q"]["alias"]),
        ("q.metadata", &report["q"]["metadata"]),
        ("q.metadata_sort", &report["q"]["metadata_sort"]),
        ("f.tasks", &report["f"]["tasks"]),
        ("g.one_writer", &report["g"]["one_writer"]),
        ("g.writers", &report["g"]["writers"]),
    ] {
        assert_phase(phase, name);
    }
    let f = &report["f"]["tasks"];
    assert_eq!(f["writers"], 2);
    assert!(f["errors"].as_object().unwrap().is_empty(), "{f}");
    assert!(f["fewest_successes_of_a_writer"].as_u64().unwrap() > 0);
    assert!(report["database_size_bytes"].as_u64().unwrap() > 0);
    assert!(report["peak_rss_bytes"].as_u64().unwrap() > 0);
    assert_eq!(report["modelreg_version"], env!("CARGO_PKG_VERSION"));
    assert!(report["ratios"]["b_over_g_one_writer"].as_f64().unwrap() > 0.0);
}

#[test]
fn bench_runs_on_a_scratch_sqlite_file_and_reports_every_phase() {
    let s = Sandbox::bare();
    let report = bench_report(&s, &[]);
    check_bench(&report, "sqlite");
    let processes = &report["f"]["processes"];
    assert_phase(processes, "f.processes");
    assert!(processes["errors"].as_object().unwrap().is_empty(), "{processes}");
    assert!(
        !s.dir.path().join("data/modelreg/registry.db").exists(),
        "the default registry was not touched"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn bench_runs_in_a_scratch_schema_on_postgres_and_drops_it() {
    let Some(db) = TestDatabase::create().await else { return };
    let url = db.url().to_owned();
    let bench_url = url.clone();
    let report = tokio::task::spawn_blocking(move || bench_report(&Sandbox::bare(), &["--database-url", &bench_url]))
        .await
        .unwrap();
    check_bench(&report, "postgres");
    assert!(report["f"]["processes"].is_null(), "process writers are an SQLite mode");
    let store = db.store().await;
    assert_eq!(
        modelreg_postgres::testing::scratch_schemas(&store).await,
        0,
        "the scratch schema is gone"
    );
    let stats = tokio::task::spawn_blocking(move || Sandbox::with_url(&url).json(&["stats"]))
        .await
        .unwrap();
    assert_eq!(stats["models"], 0, "the registry itself was not touched");
}

#[test]
fn a_phase_lasts_at_least_the_least_time_and_makes_at_least_its_count() {
    let s = Sandbox::bare();
    let report = bench_report(&s, &["--min-seconds", "0.3", "--lookups", "5"]);
    for (name, phase) in [
        ("b", &report["b"]),
        ("c", &report["c"]),
        ("q.status", &report["q"]["status"]),
    ] {
        assert!(phase["wall_seconds"].as_f64().unwrap() >= 0.3, "{name}: {phase}");
    }
    assert!(
        report["b"]["ops"].as_u64().unwrap() >= 12,
        "at least every asked-for version"
    );
    assert!(report["c"]["ops"].as_u64().unwrap() >= 5);
}

#[test]
fn repeated_runs_report_medians_with_their_spread_and_every_run() {
    let s = Sandbox::bare();
    let report = bench_report(&s, &["--repeat", "2", "--workers", "1"]);
    assert_eq!(report["repeat"], 2);
    assert_eq!(report["runs"].as_array().unwrap().len(), 2);
    assert_eq!(report["b"]["ops"], 12, "the median of two runs of 12");
    let spread = &report["spread"]["c"]["ops_per_sec"];
    assert!(
        spread["min"].as_f64().unwrap() <= spread["max"].as_f64().unwrap(),
        "{spread}"
    );
    let out = s.run(&bench_args(SMALLEST_BENCH, &["--min-seconds", "0", "--repeat", "2"]));
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success() && table.contains("ops/s min–max"), "{table}");
}

#[test]
fn through_http_every_phase_has_its_ratio_to_in_process_and_phase_h_its_client_counts() {
    let s = Sandbox::bare();
    let report = bench_report(&s, &["--http", "--connections", "1,3"]);
    check_bench(&report, "sqlite");
    let http = &report["http"];
    for (name, phase) in [
        ("b", &http["b"]),
        ("c", &http["c"]),
        ("e", &http["e"]["resolve_production"]),
    ] {
        assert_phase(phase, name);
        let key = match name {
            "b" => "b register versions",
            "c" => "c version by name@semver",
            _ => "e resolve production",
        };
        assert!(
            report["http_ratios"][key].as_f64().unwrap() > 0.0,
            "{key}: {}",
            report["http_ratios"]
        );
    }
    for clients in ["1", "3"] {
        let at = &report["h"]["clients"][clients];
        assert_phase(&at["production"], "h.production");
        assert_phase(&at["healthz"], "h.healthz");
        assert!(at["production_over_healthz"].as_f64().unwrap() > 0.0);
    }
    let register = &report["h"]["register"];
    assert_eq!(register["writers"], 3, "as many writers as the most clients");
    assert!(register["errors"].as_object().unwrap().is_empty(), "{register}");
    assert!(report["ratios"]["h_register_over_g_one_writer"].as_f64().unwrap() > 0.0);
}
