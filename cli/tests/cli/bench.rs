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

fn bench_report(s: &Sandbox, extra: &[&str]) -> Value {
    let mut args = vec![
        "bench",
        "--models",
        "4",
        "--versions-per-model",
        "3",
        "--lookups",
        "20",
        "--searches",
        "5",
        "--workers",
        "2",
        "--seconds",
        "1",
    ];
    args.extend(extra);
    s.json(&args)
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
