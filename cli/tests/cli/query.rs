//! The query language on the command line (issue 14): `--filter`, `--sort`
//! and `--next` on every list command, combined with the fixed filters, on
//! the sample registry (SQLite and PostgreSQL).

use std::collections::HashSet;

use modelreg_postgres::testing::TestDatabase;
use serde_json::Value;

use crate::sandbox::{Sandbox, str_at};

fn items(listing: &Value) -> &Vec<Value> {
    listing["items"]
        .as_array()
        .unwrap_or_else(|| panic!("a listing {{items, next}}: {listing}"))
}

fn texts<'a>(values: &'a [Value], key: &str) -> Vec<&'a str> {
    values.iter().map(|v| str_at(v, key)).collect()
}

/// Every page of `args`, following `next` tokens; answers every item.
fn all_pages(s: &Sandbox, args: &[&str]) -> Vec<Value> {
    let (mut all, mut token, mut pages) = (Vec::new(), None::<String>, 0);
    loop {
        let mut page_args = args.to_vec();
        if let Some(token) = &token {
            page_args.extend(["--next", token.as_str()]);
        }
        let page = s.json(&page_args);
        all.extend(items(&page).iter().cloned());
        pages += 1;
        assert!(pages < 100, "the pages end");
        match page["next"].as_str() {
            Some(next) => token = Some(next.to_owned()),
            None => return all,
        }
    }
}

/// The README's example, the JSON shapes, and pages that follow each other.
fn filters_sorts_and_pages(s: &Sandbox) {
    let found = s.json(&[
        "version",
        "list",
        "--filter",
        "framework = 'xgboost' and metadata.auc >= 0.9",
        "--sort",
        "created_at desc",
    ]);
    assert_eq!(texts(items(&found), "semver"), ["2.0.0-rc.1", "1.2.0"], "{found}");
    assert!(found["next"].is_null());
    let by_auc = s.json(&[
        "version",
        "list",
        "--filter",
        "metadata.auc is not null",
        "--sort",
        "metadata.auc desc, semver",
    ]);
    let aucs: Vec<f64> = items(&by_auc)
        .iter()
        .map(|v| v["metadata"]["auc"].as_f64().expect("a number"))
        .collect();
    assert!(aucs.len() > 1 && aucs.windows(2).all(|w| w[0] >= w[1]), "{by_auc}");

    // Without a query flag a list is an array, as it always was; the whole
    // registry's versions when no model is named.
    let stats = s.json(&["stats"]);
    let every = s.json(&["version", "list"]);
    assert_eq!(
        every.as_array().map(Vec::len),
        stats["model_versions"].as_u64().map(|n| n as usize)
    );
    assert_eq!(
        s.json(&["version", "list", "fraud-detector"]).as_array().unwrap().len(),
        4
    );
    assert_eq!(
        s.json(&["run", "list"]).as_array().map(Vec::len),
        stats["training_runs"].as_u64().map(|n| n as usize)
    );
    assert_eq!(
        s.json(&["deploy", "list"]).as_array().map(Vec::len),
        stats["deployments"].as_u64().map(|n| n as usize)
    );

    // Pages of 4 by SemVer precedence: every version once, in order.
    let paged = all_pages(s, &["version", "list", "--sort", "semver, id", "--limit", "4"]);
    assert_eq!(paged.len(), every.as_array().unwrap().len());
    let ids: HashSet<&str> = texts(&paged, "id").into_iter().collect();
    assert_eq!(ids.len(), paged.len(), "no version twice");
    let first = s.json(&["version", "list", "--sort", "semver, id", "--limit", "4"]);
    assert_eq!(items(&first).len(), 4);
    let token = str_at(&first, "next").to_owned();
    // A table says how to go on, on stderr.
    let out = s.run(&["version", "list", "--sort", "semver, id", "--limit", "4"]);
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.trim(), format!("more: --next {token}"));
    let out = s.run(&[
        "version",
        "list",
        "--sort",
        "semver, id",
        "--limit",
        "4",
        "--next",
        &token,
    ]);
    assert!(String::from_utf8_lossy(&out.stdout).contains(str_at(&paged[4], "semver")));
    // A token belongs to its query; it does not combine with an offset.
    let e = s.fails(
        &["version", "list", "--sort", "semver", "--limit", "4", "--next", &token],
        2,
    );
    assert!(e.contains("page_token"), "{e}");
    s.fails(
        &[
            "version",
            "list",
            "--sort",
            "semver, id",
            "--next",
            &token,
            "--offset",
            "3",
        ],
        2,
    );
    s.fails(&["version", "list", "--next", "not-a-token"], 2);
}

/// The fixed filters of each list command are ANDed with `--filter`.
fn fixed_filters_combine(s: &Sandbox) {
    let production = s.json(&[
        "version",
        "list",
        "fraud-detector",
        "--status",
        "production",
        "--filter",
        "framework = 'xgboost'",
    ]);
    assert_eq!(texts(items(&production), "semver"), ["1.2.0"]);
    let none = s.json(&[
        "version",
        "list",
        "churn-predictor",
        "--filter",
        "framework = 'xgboost'",
    ]);
    assert!(items(&none).is_empty());
    s.fails(&["version", "list", "ghost", "--filter", "status = 'production'"], 3);

    let models = s.json(&[
        "model",
        "list",
        "--risk",
        "medium",
        "--filter",
        "name contains 'FORECAST'",
    ]);
    assert_eq!(texts(items(&models), "name"), ["demand-forecaster"]);
    let models = s.json(&["model", "list", "--team", "fraud-prevention", "--sort", "name desc"]);
    assert_eq!(texts(items(&models), "name"), ["fraud-detector"]);
    let models = s.json(&[
        "model",
        "list",
        "--active",
        "--filter",
        "tag = 'realtime'",
        "--sort",
        "name",
    ]);
    assert!(!items(&models).is_empty() && items(&models).iter().all(|m| m["is_active"] == true));
    s.fails(
        &["model", "list", "--team", "ghost", "--filter", "name contains 'a'"],
        3,
    );
    let table = s.run(&[
        "model",
        "list",
        "--team",
        "fraud-prevention",
        "--filter",
        "is_active = true",
    ]);
    assert!(
        String::from_utf8_lossy(&table.stdout).contains("fraud-prevention"),
        "tables name the team"
    );

    let fraud_versions: HashSet<String> = s
        .json(&["version", "list", "fraud-detector"])
        .as_array()
        .unwrap()
        .iter()
        .map(|v| str_at(v, "id").to_owned())
        .collect();
    let runs = s.json(&[
        "run",
        "list",
        "--model",
        "fraud-detector",
        "--filter",
        "gpu_hours >= 0",
        "--sort",
        "cost_usd desc",
    ]);
    assert_eq!(items(&runs).len(), 4);
    assert!(
        items(&runs)
            .iter()
            .all(|r| fraud_versions.contains(str_at(r, "version_id")))
    );
    let costs: Vec<f64> = items(&runs).iter().map(|r| r["cost_usd"].as_f64().unwrap()).collect();
    assert!(costs.windows(2).all(|w| w[0] >= w[1]), "{costs:?}");
    let runs = s.json(&[
        "run",
        "list",
        "--version",
        "fraud-detector@1.2.0",
        "--status",
        "succeeded",
        "--filter",
        "cost_usd > 0",
    ]);
    assert!(items(&runs).len() <= 1);
    let expensive = s.json(&[
        "run",
        "list",
        "--filter",
        "cost_usd > 30 and model.team = 'fraud-prevention'",
    ]);
    assert!(
        items(&expensive)
            .iter()
            .all(|r| fraud_versions.contains(str_at(r, "version_id")))
    );

    let healthy = s.json(&[
        "deploy",
        "list",
        "--env",
        "prod-us",
        "--status",
        "healthy",
        "--sort",
        "deployed_at",
    ]);
    assert!(!items(&healthy).is_empty() && items(&healthy).iter().all(|d| d["status"] == "healthy"));
    // Both scopes at once; no query flag, so an array.
    let both = s.json(&[
        "deploy",
        "list",
        "--env",
        "prod-us",
        "--version",
        "fraud-detector@production",
    ]);
    assert_eq!(both.as_array().map(Vec::len), Some(1), "{both}");
    let anywhere = s.json(&["deploy", "list", "--filter", "environment.kind = 'staging'"]);
    assert!(!items(&anywhere).is_empty());

    let deploys = s.json(&[
        "audit",
        "actor",
        "ci",
        "--filter",
        "action = 'deploy'",
        "--limit",
        "1000",
    ]);
    assert!(
        !items(&deploys).is_empty()
            && items(&deploys)
                .iter()
                .all(|e| e["action"] == "deploy" && e["actor"] == "ci")
    );
    let created = s.json(&[
        "audit",
        "entity",
        "model",
        "fraud-detector",
        "--filter",
        "action = 'create'",
    ]);
    assert_eq!(items(&created).len(), 1);
    let oldest = s.json(&["audit", "recent", "--sort", "timestamp asc", "--limit", "1"]);
    assert_eq!(
        items(&oldest)[0]["entity_type"],
        "team",
        "the sample starts with its teams"
    );
    assert!(oldest["next"].is_string());
    assert!(
        s.json(&["audit", "actor", "nobody", "--filter", "action = 'create'"])["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );
}

/// A filter or sort that does not parse: exit 2, the position and what was expected.
fn parse_errors(s: &Sandbox) {
    let e = s.fails(&["version", "list", "--filter", "framwork = 'xgboost'"], 2);
    assert_eq!(e.lines().count(), 1, "{e}");
    assert!(
        e.contains("line 1, column 1") && e.contains("did you mean `framework`"),
        "{e}"
    );
    let e = s.fails(&["model", "list", "--filter", "name = 'x' and"], 2);
    assert!(e.contains("filter") && e.contains("column"), "{e}");
    let e = s.fails(&["run", "list", "--sort", "cost_usd sideways"], 2);
    assert!(e.contains("sort") && e.contains("column 10"), "{e}");
    let e = s.fails(&["deploy", "list", "--filter", "replicas > 'many'"], 2);
    assert!(e.contains("filter"), "{e}");
    let e = s.fails(&["audit", "recent", "--filter", "metadata.auc > 1"], 2);
    assert!(e.contains("audit"), "{e}");
    let e = s.fails(&["version", "list", "--filter", "status = 'live'", "-o", "json"], 2);
    let error: Value = serde_json::from_str(e.trim()).expect("one JSON error");
    assert_eq!(
        (error["error"]["code"].as_str(), error["error"]["field"].as_str()),
        (Some("invalid"), Some("filter"))
    );
}

fn everything(s: &Sandbox) {
    s.json(&["seed"]);
    filters_sorts_and_pages(s);
    fixed_filters_combine(s);
    parse_errors(s);
}

#[test]
fn list_commands_take_the_query_language_on_sqlite() {
    everything(&Sandbox::sqlite());
}

#[tokio::test(flavor = "multi_thread")]
async fn list_commands_take_the_query_language_on_postgres() {
    let Some(db) = TestDatabase::create().await else { return };
    let sandbox = Sandbox::with_url(db.url());
    tokio::task::spawn_blocking(move || everything(&sandbox)).await.unwrap();
}
