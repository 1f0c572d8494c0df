//! Whole sessions of commands, on SQLite and PostgreSQL, with every answer
//! and every exit code checked.

use modelreg_postgres::testing::TestDatabase;

use crate::sandbox::{Sandbox, register_args, str_at};

fn postgres_sandbox(db: &TestDatabase) -> Sandbox {
    Sandbox::with_url(db.url())
}

/// team → model → versions → promote → runs → metrics → environment →
/// deploy → rollback → audit → reports, with every answer checked.
fn full_scenario(s: &Sandbox) {
    let team = s.json(&["team", "create", "ml", "--department", "Engineering"]);
    assert_eq!(team["name"], "ml");
    assert_eq!(team["active"], true);
    let model = s.json(&[
        "model",
        "create",
        "fraud",
        "--team",
        "ml",
        "--risk",
        "high",
        "--use-case",
        "cards",
    ]);
    assert_eq!(model["team_id"], team["id"]);
    assert_eq!(model["risk_level"], "high");

    let v1 = s.json(&register_args(
        "fraud@1.0.0",
        "s3://m/1",
        "sklearn",
        &["--metadata", r#"{"lr": 0.1}"#],
    ));
    assert_eq!(v1["status"], "registered");
    assert_eq!(v1["metadata"]["lr"], 0.1);
    let v2 = s.json(&[
        "version",
        "register",
        "fraud",
        "1.1.0",
        "--artifact",
        "s3://m/2",
        "--framework",
        "sklearn",
        "--size-bytes",
        "5000000000",
    ]);
    assert_eq!(v2["size_bytes"], 5_000_000_000_i64);
    s.json(&register_args("fraud@2.0.0-rc.1", "s3://m/3", "sklearn", &[]));
    assert_eq!(s.json(&["version", "latest", "fraud"])["semver"], "1.1.0");
    assert_eq!(s.json(&["version", "list", "fraud"]).as_array().unwrap().len(), 3);

    s.json(&["version", "set-status", "fraud@1.0.0", "--status", "production"]);
    let promoted = s.json(&["version", "set-status", "fraud@1.1.0", "--status", "production"]);
    assert_eq!(promoted["status"], "production");
    assert_eq!(s.json(&["version", "show", "fraud@1.0.0"])["status"], "archived");
    let production = s.json(&["version", "production"]);
    assert_eq!(production[0]["model"]["name"], "fraud");
    assert_eq!(production[0]["version"]["semver"], "1.1.0");

    let run = s.json(&[
        "run",
        "start",
        "fraud@1.1.0",
        "--name",
        "nightly",
        "--gpu-hours",
        "2.5",
        "--cost-usd",
        "7.5",
        "--hyperparameters",
        r#"{"epochs": 3}"#,
    ]);
    assert_eq!(run["status"], "running");
    let finished = s.json(&["run", "finish", str_at(&run, "id"), "--status", "succeeded"]);
    assert_eq!(finished["status"], "succeeded");
    assert!(finished["completed_at"].is_string());
    assert_eq!(
        s.json(&["run", "list", "--model", "fraud"]).as_array().unwrap().len(),
        1
    );
    let cost = s.json(&["run", "cost", "--model", "fraud"]);
    assert_eq!(
        (cost["total_cost_usd"].as_f64(), cost["run_count"].as_u64()),
        (Some(7.5), Some(1))
    );

    for value in ["0.91", "0.93"] {
        s.json(&[
            "metric",
            "record",
            "fraud@1.1.0",
            "--name",
            "auc",
            "--value",
            value,
            "--split",
            "test",
        ]);
    }
    let latest = s.json(&["metric", "latest", "fraud@1.1.0"]);
    assert_eq!(latest.as_array().unwrap().len(), 1);
    assert_eq!(latest[0]["value"], 0.93);

    s.json(&["env", "create", "prod", "--kind", "production", "--region", "eu-west-1"]);
    let old = s.json(&[
        "deploy",
        "create",
        "fraud@1.0.0",
        "--env",
        "prod",
        "--name",
        "fraud-prod",
    ]);
    let current = s.json(&[
        "deploy",
        "create",
        "fraud@1.1.0",
        "--env",
        "prod",
        "--name",
        "fraud-prod",
        "--replicas",
        "3",
    ]);
    s.json(&["deploy", "set-status", str_at(&current, "id"), "--status", "healthy"]);
    let active = s.json(&["deploy", "active"]);
    assert_eq!(active.as_array().unwrap().len(), 1);
    assert_eq!(active[0]["version"]["semver"], "1.1.0");
    let restored = s.json(&["deploy", "rollback", str_at(&current, "id")]);
    assert_eq!(restored["version_id"], old["version_id"]);
    assert_eq!(restored["replicas"], 3);
    assert_eq!(
        s.json(&["deploy", "show", str_at(&current, "id")])["status"],
        "terminated"
    );
    let scaled = s.json(&["deploy", "scale", str_at(&restored, "id"), "5"]);
    assert_eq!(scaled["replicas"], 5);
    assert_eq!(
        s.json(&["deploy", "list", "--env", "prod"]).as_array().unwrap().len(),
        3
    );

    let model_events = s.json(&["audit", "entity", "model", "fraud"]);
    assert_eq!(model_events[0]["action"], "create");
    let rollback_events = s.json(&["audit", "entity", "deployment", str_at(&restored, "id")]);
    let actions: Vec<&str> = rollback_events
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["update", "rollback"]);
    let by_ci = s.json(&["audit", "actor", "ci", "--limit", "1000"]);
    assert!(by_ci.as_array().unwrap().len() >= 18);
    assert!(by_ci.as_array().unwrap().iter().all(|e| e["actor"] == "ci"));
    assert_eq!(
        s.json(&["audit", "recent", "--limit", "2"]).as_array().unwrap().len(),
        2
    );

    let report = s.json(&["report", "team", "ml"]);
    assert_eq!(
        (report["model_count"].as_u64(), report["version_count"].as_u64()),
        (Some(1), Some(3))
    );
    let counts = s.json(&["report", "deployments"]);
    assert_eq!(
        (counts["deploying"].as_u64(), counts["terminated"].as_u64()),
        (Some(2), Some(1))
    );
    assert!(
        s.json(&["report", "stale", "--days", "30"])
            .as_array()
            .unwrap()
            .is_empty()
    );
    s.json(&["model", "tag", "fraud", "payments"]);
    assert_eq!(s.json(&["model", "by-tag", "payments"])[0]["name"], "fraud");
    let shown = s.json(&["model", "show", "fraud"]);
    assert_eq!(shown["summary"]["production_version"], "1.1.0");
    assert_eq!(shown["tags"][0], "payments");

    let stats = s.json(&["stats"]);
    assert_eq!(
        (
            stats["models"].as_u64(),
            stats["model_versions"].as_u64(),
            stats["deployments"].as_u64()
        ),
        (Some(1), Some(3), Some(3))
    );

    s.fails(&["model", "delete", "fraud"], 2);
    assert_eq!(s.json(&["stats"])["models"], 1, "nothing deleted without --yes");
    s.json(&["model", "delete", "fraud", "--yes"]);
    assert_eq!(s.json(&["stats"])["model_versions"], 0);
}

/// Every error class with its exit code, and the registry unchanged.
fn errors_and_exit_codes(s: &Sandbox) {
    s.json(&["model", "create", "m"]);
    s.json(&register_args("m@1.0.0", "a", "onnx", &[]));
    let before = s.json(&["stats"]);

    let e = s.fails(&register_args("m@1.x", "a", "onnx", &[]), 2);
    assert!(e.starts_with("modelreg: invalid semver"), "{e}");
    assert_eq!(e.lines().count(), 1, "one line: {e}");
    let e = s.fails(&register_args("m@2.0.0", "a", "onnx", &["--metadata", "[1]"]), 2);
    assert!(e.contains("metadata"), "{e}");
    s.fails(&register_args("m@2.0.0", "a", "caffe", &[]), 2);
    s.fails(&["model", "create", " padded"], 2);
    s.fails(&["run", "show", "not-a-uuid"], 2);
    s.fails(&["no-such-command"], 2);
    s.fails(&["model", "list", "--limit", "0"], 2);

    let e = s.fails(&["model", "show", "ghost"], 3);
    assert!(e.contains("model ghost not found"), "{e}");
    s.fails(&["version", "show", "m@9.9.9"], 3);
    s.fails(&["deploy", "show", "00000000-0000-0000-0000-000000000000"], 3);

    let e = s.fails(&["model", "create", "m"], 4);
    assert!(e.contains("already exists"), "{e}");
    // The same registration again is the version registered; another artifact is a conflict.
    s.json(&register_args("m@1.0.0", "a", "onnx", &[]));
    let e = s.fails(&register_args("m@1.0.0", "b", "onnx", &[]), 4);
    assert!(e.contains("artifact_uri"), "{e}");

    assert_eq!(s.json(&["stats"]), before, "failed commands changed nothing");
}

#[test]
fn full_scenario_on_sqlite() {
    full_scenario(&Sandbox::sqlite());
}

#[test]
fn errors_and_exit_codes_on_sqlite() {
    errors_and_exit_codes(&Sandbox::sqlite());
}

#[tokio::test(flavor = "multi_thread")]
async fn full_scenario_on_postgres() {
    let Some(db) = TestDatabase::create().await else { return };
    let sandbox = postgres_sandbox(&db);
    tokio::task::spawn_blocking(move || full_scenario(&sandbox))
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn errors_and_exit_codes_on_postgres() {
    let Some(db) = TestDatabase::create().await else { return };
    let sandbox = postgres_sandbox(&db);
    tokio::task::spawn_blocking(move || errors_and_exit_codes(&sandbox))
        .await
        .unwrap();
}

#[test]
fn every_command_leaves_the_sqlite_file_checkpointed() {
    let s = Sandbox::sqlite();
    let wal = s.dir.path().join("registry.db-wal");
    let checkpointed = |after: &str| {
        let len = std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0);
        assert_eq!(len, 0, "{after} left {len} bytes in the write-ahead log");
    };
    s.json(&["seed"]);
    checkpointed("seed");
    s.json(&["team", "create", "ml"]);
    checkpointed("a change");
    s.fails(&["team", "create", "ml"], 4);
    checkpointed("a conflict");
    s.fails(&["model", "show", "ghost"], 3);
    checkpointed("a missing model");
    s.fails(&["model", "delete", "fraud-detector"], 2);
    checkpointed("an unconfirmed delete");
    s.json(&["model", "list"]);
    checkpointed("a listing");
    let file = s.dir.path().join("registry.jsonl");
    s.json(&["export", "--out", file.to_str().unwrap()]);
    checkpointed("an export");
    s.fails(&["import", file.to_str().unwrap()], 2);
    checkpointed("a refused import");
    s.json(&["db", "status"]);
    checkpointed("db status");
    s.json(&["info"]);
    checkpointed("info");
}

#[test]
fn versions_are_addressed_in_every_form() {
    let s = Sandbox::sqlite();
    s.json(&["model", "create", "m"]);
    for semver in ["1.0.0", "1.1.0"] {
        s.json(&[
            "version",
            "register",
            "m",
            semver,
            "--artifact",
            "a",
            "--framework",
            "onnx",
        ]);
    }
    let one = s.json(&["version", "show", "m@1.0.0"]);
    assert_eq!(s.json(&["version", "show", "m", "1.0.0"])["id"], one["id"]);
    assert_eq!(s.json(&["version", "show", str_at(&one, "id")])["semver"], "1.0.0");
    assert_eq!(s.json(&["version", "show", "m@latest"])["semver"], "1.1.0");
    s.fails(&["version", "show", "m@production"], 3);
    s.json(&["version", "set-status", "m@latest", "--status", "production"]);
    assert_eq!(s.json(&["version", "show", "m@production"])["semver"], "1.1.0");
    let e = s.fails(&["version", "show", "m"], 2);
    assert!(e.contains("MODEL@SEMVER"), "{e}");
    let e = s.fails(&["version", "show", "m@banana"], 3);
    assert!(e.contains("no alias banana"), "{e}");
    s.fails(&["version", "show", "ghost@1.0.0"], 3);
    let deleted = s.json(&["version", "delete", "m@1.0.0", "--yes"]);
    assert_eq!(deleted["id"], one["id"]);
    assert_eq!(deleted["version"], "m@1.0.0");
}

#[test]
fn model_tables_name_each_model_s_team() {
    let s = Sandbox::sqlite();
    s.json(&["team", "create", "research-team"]);
    s.json(&["model", "create", "owned", "--team", "research-team"]);
    s.json(&["model", "create", "orphan"]);
    let listed = s.run(&["model", "list"]);
    assert!(listed.status.success());
    let table = String::from_utf8_lossy(&listed.stdout);
    let owned = table.lines().find(|l| l.contains("owned")).unwrap_or_default();
    assert!(owned.contains("research-team"), "{table}");
    let orphan = table.lines().find(|l| l.contains("orphan")).unwrap_or_default();
    assert!(!orphan.contains("research-team"), "{table}");
    let json = s.json(&["model", "list"]);
    assert!(json[0].get("team").is_none(), "JSON keeps the model as it is: {json}");
}
