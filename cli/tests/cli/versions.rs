//! Versions as people address them (issue 13), through the binary on SQLite
//! and PostgreSQL: aliases, edits, history and "as of", idempotent
//! registration, lookup by checksum and by id, drift.

use modelreg_postgres::testing::TestDatabase;
use serde_json::Value;

use crate::sandbox::{Sandbox, register_args, str_at};

const CHECKSUM: &str = "ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12";

fn register(s: &Sandbox, version: &str, extra: &[&str]) -> Value {
    let artifact = format!("s3://m/{version}");
    s.json(&register_args(version, &artifact, "onnx", extra))
}

fn stdout(s: &Sandbox, args: &[&str]) -> String {
    let out = s.run(args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// `version alias set|rm|list`, `MODEL@ALIAS` wherever a version is addressed, and `model show`.
fn aliases(s: &Sandbox) {
    s.json(&["model", "create", "fraud"]);
    let one = register(s, "fraud@1.0.0", &[]);
    let two = register(s, "fraud@1.1.0", &[]);

    let set = s.json(&["version", "alias", "set", "fraud@1.0.0", "champion"]);
    assert_eq!(
        (set["name"].as_str(), &set["version_id"]),
        (Some("champion"), &one["id"])
    );
    assert_eq!(s.json(&["version", "show", "fraud@champion"])["id"], one["id"]);
    assert_eq!(s.json(&["version", "show", "fraud", "champion"])["id"], one["id"]);
    // Moving it: by id this time; the sentence names the version it points at now.
    let moved = stdout(s, &["version", "alias", "set", str_at(&two, "id"), "champion"]);
    assert_eq!(moved.trim(), "fraud@champion now points at 1.1.0");
    s.json(&["version", "alias", "set", "fraud@champion", "shadow"]);
    let listed = s.json(&["version", "alias", "list", "fraud"]);
    let names: Vec<(&str, &str)> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|a| (str_at(a, "name"), str_at(a, "semver")))
        .collect();
    assert_eq!(names, [("champion", "1.1.0"), ("shadow", "1.1.0")]);
    let shown = s.json(&["model", "show", "fraud"]);
    assert_eq!(shown["aliases"].as_array().unwrap().len(), 2, "{shown}");
    assert!(stdout(s, &["model", "show", "fraud"]).contains("champion"));
    // Other commands take MODEL@ALIAS too.
    s.json(&[
        "metric",
        "record",
        "fraud@shadow",
        "--name",
        "auc",
        "--value",
        "0.9",
        "--split",
        "test",
    ]);
    assert_eq!(s.json(&["metric", "list", "fraud@1.1.0"]).as_array().unwrap().len(), 1);

    let e = s.fails(&["version", "alias", "set", "fraud@1.0.0", "latest"], 2);
    assert!(e.contains("alias") && e.contains("reserved"), "{e}");
    let e = s.fails(&["version", "alias", "set", "fraud@1.0.0", "2.0.0"], 2);
    assert!(e.contains("alias"), "{e}");
    s.fails(&["version", "alias", "set", "fraud@9.9.9", "x"], 3);
    s.fails(&["version", "alias", "list", "ghost"], 3);

    let removed = s.json(&["version", "alias", "rm", "fraud", "shadow"]);
    assert_eq!(removed["removed"], true);
    let again = s.json(&["version", "alias", "rm", "fraud", "shadow"]);
    assert_eq!(again["removed"], false);
    assert!(stdout(s, &["version", "alias", "rm", "fraud", "shadow"]).contains("had no alias shadow"));
    s.fails(&["version", "show", "fraud@shadow"], 3);
}

/// `version update`: editable fields change (audited); identity and filled-in
/// size and checksum do not.
fn edits(s: &Sandbox) {
    s.json(&["model", "create", "ranker"]);
    register(s, "ranker@1.0.0", &["--metadata", r#"{"lr": 0.1, "epochs": 3}"#]);
    let updated = s.json(&[
        "version",
        "update",
        "ranker@1.0.0",
        "--description",
        "first\nsecond line",
        "--set-metadata",
        r#"{"auc": 0.91}"#,
        "--unset-metadata",
        "lr",
        "epochs",
        "--framework-version",
        "1.17",
        "--python-version",
        "3.12",
        "--size-bytes",
        "5000000000",
        "--checksum",
        CHECKSUM,
    ]);
    assert_eq!(updated["description"], "first\nsecond line");
    assert_eq!(updated["metadata"], serde_json::json!({"auc": 0.91}));
    assert_eq!(
        (
            updated["framework_version"].as_str(),
            updated["python_version"].as_str()
        ),
        (Some("1.17"), Some("3.12"))
    );
    assert_eq!(updated["size_bytes"], 5_000_000_000_i64);
    let replaced = s.json(&[
        "version",
        "update",
        "ranker@1.0.0",
        "--metadata",
        r#"{"k": "v"}"#,
        "--no-description",
    ]);
    assert_eq!(replaced["metadata"], serde_json::json!({"k": "v"}));
    assert!(replaced["description"].is_null());
    // Filled in once: another size or checksum is refused, naming the field.
    let e = s.fails(&["version", "update", "ranker@1.0.0", "--size-bytes", "1"], 2);
    assert!(e.contains("size_bytes"), "{e}");
    let other = "cd".repeat(32);
    let e = s.fails(&["version", "update", "ranker@1.0.0", "--checksum", &other], 2);
    assert!(e.contains("checksum_sha256"), "{e}");
    s.fails(&["version", "update", "ranker@1.0.0", "--set-metadata", "[1]"], 2);
    s.fails(
        &["version", "update", "ranker@1.0.0", "--artifact", "s3://elsewhere"],
        2,
    );
    s.fails(&["version", "update", "ranker@2.0.0", "--description", "x"], 3);
    let events = s.json(&["audit", "entity", "model_version", "ranker@1.0.0"]);
    let updates = events
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "update")
        .count();
    assert_eq!(updates, 2, "one audit event per edit: {events}");

    // Registering the same again: nothing changes, and it says so.
    let args = register_args("ranker@1.0.0", "s3://m/ranker@1.0.0", "onnx", &["--checksum", CHECKSUM]);
    let again = s.json(&args);
    assert_eq!(
        (again["created"].as_bool(), again["semver"].as_str()),
        (Some(false), Some("1.0.0"))
    );
    let said = stdout(s, &args);
    assert!(
        said.starts_with("already registered ranker@1.0.0 (nothing changed)"),
        "{said}"
    );
    let fresh = register(s, "ranker@1.1.0", &["--checksum", CHECKSUM]);
    assert_eq!(fresh["created"], true);
    let e = s.fails(&register_args("ranker@1.1.0", "s3://other", "onnx", &[]), 4);
    assert!(e.contains("artifact_uri"), "{e}");

    // Lookup by content, across models; the upper-case spelling is the same checksum.
    s.json(&["model", "create", "copycat"]);
    register(s, "copycat@0.1.0", &["--checksum", &CHECKSUM.to_uppercase()]);
    let found = s.json(&["version", "find", "--checksum", CHECKSUM]);
    let mut found: Vec<String> = found
        .as_array()
        .unwrap()
        .iter()
        .map(|f| format!("{}@{}", str_at(&f["model"], "name"), str_at(&f["version"], "semver")))
        .collect();
    found.sort();
    assert_eq!(found, ["copycat@0.1.0", "ranker@1.0.0", "ranker@1.1.0"]);
    s.fails(&["version", "find", "--checksum", "xyz"], 2);
}

/// `version history`, `version show --at`, and versions, runs and deployments by id.
fn history_and_as_of(s: &Sandbox) {
    s.json(&["model", "create", "churn"]);
    let one = register(s, "churn@1.0.0", &[]);
    register(s, "churn@2.0.0", &[]);
    s.json(&["version", "set-status", "churn@1.0.0", "--status", "production"]);
    s.json(&["version", "alias", "set", "churn@1.0.0", "champion"]);
    std::thread::sleep(std::time::Duration::from_millis(20));
    let between = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
    std::thread::sleep(std::time::Duration::from_millis(20));
    s.json(&["version", "set-status", "churn@2.0.0", "--status", "production"]);
    s.json(&["version", "alias", "set", "churn@2.0.0", "champion"]);

    for (reference, then, now) in [
        ("churn@production", "1.0.0", "2.0.0"),
        ("churn@champion", "1.0.0", "2.0.0"),
    ] {
        let past = s.json(&["version", "show", reference, "--at", &between]);
        assert_eq!(past["semver"], then, "{reference} at {between}");
        assert_eq!(s.json(&["version", "show", reference])["semver"], now);
    }
    s.fails(
        &["version", "show", "churn@production", "--at", "2000-01-01T00:00:00Z"],
        3,
    );
    let e = s.fails(&["version", "show", "churn@production", "--at", "last tuesday"], 2);
    assert!(e.contains("at") && e.contains("RFC 3339"), "{e}");

    let timeline = s.json(&["version", "history", "churn"]);
    let kinds: Vec<&str> = timeline.as_array().unwrap().iter().map(|e| str_at(e, "kind")).collect();
    assert_eq!(
        kinds,
        ["alias", "status", "status", "alias", "status", "status", "status"],
        "{timeline}"
    );
    assert_eq!(timeline[0]["from_version_id"], one["id"]);
    assert_eq!(timeline[0]["actor"], "ci");
    assert_eq!(
        s.json(&["version", "history", "churn", "--limit", "2"])
            .as_array()
            .unwrap()
            .len(),
        2
    );
    let table = stdout(s, &["version", "history", "churn"]);
    let moved = table.lines().find(|l| l.contains("@champion")).unwrap_or_default();
    assert!(
        moved.contains("1.0.0") && moved.contains("2.0.0") && moved.contains("ci"),
        "{table}"
    );
    let promoted = table.lines().find(|l| l.contains("archived")).unwrap_or_default();
    assert!(promoted.contains("production"), "{table}");
    s.fails(&["version", "history", "ghost"], 3);

    // By id: a version wherever one is addressed, runs and deployments.
    let id = str_at(&one, "id");
    let run = s.json(&["run", "start", id, "--name", "by-id"]);
    assert_eq!(run["version_id"], one["id"]);
    assert_eq!(s.json(&["run", "list", "--version", id]).as_array().unwrap().len(), 1);
    s.json(&["env", "create", "prod", "--kind", "production"]);
    let deployed = s.json(&["deploy", "create", id, "--env", "prod", "--name", "churn-prod"]);
    assert_eq!(
        s.json(&["deploy", "show", str_at(&deployed, "id")])["version_id"],
        one["id"]
    );
    assert_eq!(
        s.json(&["deploy", "list", "--version", id]).as_array().unwrap().len(),
        1
    );
    assert_eq!(s.json(&["run", "show", str_at(&run, "id")])["run_name"], "by-id");
}

/// `report drift` and the drift of `model show`.
fn drift(s: &Sandbox) {
    s.json(&["model", "create", "recsys"]);
    register(s, "recsys@1.0.0", &[]);
    register(s, "recsys@1.1.0", &[]);
    s.json(&["env", "create", "live", "--kind", "production"]);
    s.json(&["version", "set-status", "recsys@1.1.0", "--status", "production"]);
    s.json(&[
        "deploy",
        "create",
        "recsys@1.1.0",
        "--env",
        "live",
        "--name",
        "r",
        "--status",
        "healthy",
    ]);
    assert!(s.json(&["report", "drift"]).as_array().unwrap().is_empty());
    assert!(
        s.json(&["model", "show", "recsys"])["drift"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    // Production moves back; the deployment still runs 1.1.0.
    s.json(&["version", "set-status", "recsys@1.0.0", "--status", "production"]);
    let drift = s.json(&["report", "drift"]);
    assert_eq!(drift.as_array().unwrap().len(), 1, "{drift}");
    assert_eq!(
        (
            drift[0]["environment"]["name"].as_str(),
            drift[0]["deployed"]["semver"].as_str(),
            drift[0]["production"]["semver"].as_str()
        ),
        (Some("live"), Some("1.1.0"), Some("1.0.0"))
    );
    assert_eq!(s.json(&["report", "drift", "recsys"]), drift);
    assert_eq!(s.json(&["model", "show", "recsys"])["drift"], drift);
    let table = stdout(s, &["model", "show", "recsys"]);
    let section = &table[table.find("drift:").expect("a drift section")..];
    assert!(section.contains("live") && section.contains("1.1.0"), "{table}");
    s.fails(&["report", "drift", "ghost"], 3);
}

fn everything(s: &Sandbox) {
    aliases(s);
    edits(s);
    history_and_as_of(s);
    drift(s);
}

#[test]
fn versions_as_people_address_them_on_sqlite() {
    everything(&Sandbox::sqlite());
}

#[tokio::test(flavor = "multi_thread")]
async fn versions_as_people_address_them_on_postgres() {
    let Some(db) = TestDatabase::create().await else { return };
    let sandbox = Sandbox::with_url(db.url());
    tokio::task::spawn_blocking(move || everything(&sandbox)).await.unwrap();
}
