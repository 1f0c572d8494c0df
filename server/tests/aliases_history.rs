//! Aliases (set and moved on a version, listed and removed on a model), a
//! model's history, its overview, and drift between designation and reality.

mod common;

use common::{Api, on_every_backend};
use serde_json::{Value, json};

/// Model `fraud` with versions 1.0.0 and 1.1.0, and environment `prod`.
async fn fixture(api: &Api) {
    api.ok("POST", "/v1/models", json!({"name": "fraud"})).await;
    for semver in ["1.0.0", "1.1.0"] {
        let body = json!({"semver": semver, "artifact_uri": format!("s3://m/{semver}"), "framework": "onnx"});
        api.ok("POST", "/v1/models/fraud/versions", body).await;
    }
    api.ok(
        "POST",
        "/v1/environments",
        json!({"name": "prod", "kind": "production"}),
    )
    .await;
}

async fn an_alias_is_set_moved_listed_and_removed(api: &Api) {
    fixture(api).await;
    let set = api
        .ok("PUT", "/v1/versions/fraud@1.0.0/aliases/champion", Value::Null)
        .await;
    assert_eq!(set["name"], "champion");
    let moved = api
        .ok("PUT", "/v1/versions/fraud@1.1.0/aliases/champion", Value::Null)
        .await;
    assert_eq!(moved["id"], set["id"], "moving keeps the alias");
    assert_eq!(api.get("/v1/versions/fraud@champion").await["semver"], "1.1.0");
    api.ok("PUT", "/v1/versions/fraud@1.0.0/aliases/shadow", Value::Null)
        .await;
    let listed = api.get("/v1/models/fraud/aliases").await;
    let names: Vec<_> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|a| (&a["name"], &a["semver"]))
        .collect();
    assert_eq!(
        names,
        [
            (&json!("champion"), &json!("1.1.0")),
            (&json!("shadow"), &json!("1.0.0"))
        ]
    );
    assert_eq!(api.count("/v1/models/fraud/aliases?skip=1").await, 1);
    for (name, why) in [
        ("latest", "reserved"),
        ("1.0.0", "a SemVer"),
        ("Champion", "upper case"),
    ] {
        let bad = api
            .error(
                "PUT",
                &format!("/v1/versions/fraud@1.0.0/aliases/{name}"),
                Value::Null,
                422,
                "invalid",
            )
            .await;
        assert_eq!(bad["error"]["field"], "alias", "{why}: {bad}");
    }
    assert_eq!(
        api.ok("DELETE", "/v1/models/fraud/aliases/shadow", Value::Null).await["removed"],
        true
    );
    assert_eq!(
        api.ok("DELETE", "/v1/models/fraud/aliases/shadow", Value::Null).await["removed"],
        false
    );
    api.error("GET", "/v1/versions/fraud@shadow", Value::Null, 404, "not_found")
        .await;
    api.error("GET", "/v1/models/ghost/aliases", Value::Null, 404, "not_found")
        .await;
    let deprecated = api
        .error(
            "PUT",
            "/v1/versions/fraud@1.1.0/status",
            json!({"status": "deprecated"}),
            422,
            "invalid",
        )
        .await;
    assert!(
        deprecated["error"]["message"].as_str().unwrap().contains("champion"),
        "{deprecated}"
    );
}

async fn the_history_lists_status_changes_and_alias_moves_newest_first(api: &Api) {
    fixture(api).await;
    api.ok(
        "PUT",
        "/v1/versions/fraud@1.0.0/status",
        json!({"status": "production"}),
    )
    .await;
    api.ok("PUT", "/v1/versions/fraud@1.1.0/aliases/champion", Value::Null)
        .await;
    let history = api.get("/v1/models/fraud/history").await;
    let entries = history.as_array().unwrap();
    // Two registrations, one promotion, one alias set.
    assert_eq!(entries.len(), 4, "{history}");
    assert!(entries.iter().all(|e| e["actor"] == "ci"), "{history}");
    assert_eq!(api.count("/v1/models/fraud/history?limit=1").await, 1);
    assert_eq!(api.count("/v1/models/fraud/history?skip=3").await, 1);
    api.error(
        "GET",
        "/v1/models/fraud/history?skip=10000",
        Value::Null,
        422,
        "invalid",
    )
    .await;
    let past = api
        .error(
            "GET",
            "/v1/models/fraud/history?skip=9000&limit=2000",
            Value::Null,
            422,
            "invalid",
        )
        .await;
    assert_eq!(past["error"]["field"], "offset");
    api.error("GET", "/v1/models/ghost/history", Value::Null, 404, "not_found")
        .await;
}

async fn the_overview_holds_a_page_of_versions_and_their_count(api: &Api) {
    fixture(api).await;
    let overview = api.get("/v1/models/fraud/overview?limit=1").await;
    assert_eq!(overview["model"]["name"], "fraud");
    assert_eq!(overview["version_count"], 2);
    assert_eq!(overview["versions"].as_array().unwrap().len(), 1);
    assert_eq!(overview["versions"][0]["semver"], "1.1.0", "newest first");
    api.error("GET", "/v1/models/ghost/overview", Value::Null, 404, "not_found")
        .await;
}

async fn drift_lists_deployments_that_do_not_run_production(api: &Api) {
    fixture(api).await;
    api.ok(
        "PUT",
        "/v1/versions/fraud@1.0.0/status",
        json!({"status": "production"}),
    )
    .await;
    let deploy =
        json!({"version": "fraud@1.1.0", "environment": "prod", "deployment": {"name": "api", "status": "healthy"}});
    api.ok("POST", "/v1/deployments", deploy).await;
    let drift = api.get("/v1/reports/drift").await;
    assert_eq!(drift.as_array().unwrap().len(), 1, "{drift}");
    assert_eq!(drift[0]["deployed"]["semver"], "1.1.0");
    assert_eq!(drift[0]["production"]["semver"], "1.0.0");
    assert_eq!(drift[0]["environment"]["name"], "prod");
    assert_eq!(api.count("/v1/models/fraud/drift").await, 1);
    api.ok("POST", "/v1/models", json!({"name": "churn"})).await;
    assert_eq!(api.count("/v1/models/churn/drift").await, 0);
    api.error("GET", "/v1/models/ghost/drift", Value::Null, 404, "not_found")
        .await;
    api.ok(
        "PUT",
        "/v1/versions/fraud@1.1.0/status",
        json!({"status": "production"}),
    )
    .await;
    assert_eq!(api.count("/v1/reports/drift").await, 0);
}

on_every_backend!(
    an_alias_is_set_moved_listed_and_removed,
    the_history_lists_status_changes_and_alias_moves_newest_first,
    the_overview_holds_a_page_of_versions_and_their_count,
    drift_lists_deployments_that_do_not_run_production,
);
