//! The audit trail (whose changes, of which entity) and the reports.

mod common;

use common::{Api, on_every_backend};
use serde_json::{Value, json};

async fn changes_are_audited_as_the_tokens_name(api: &Api) {
    let model = api.ok("POST", "/v1/models", json!({"name": "fraud"})).await;
    api.ok("PATCH", "/v1/models/fraud", json!({"description": "cards"}))
        .await;
    api.ok("POST", "/v1/teams", json!({"name": "ml"})).await;
    let by_ci = api.get("/v1/audit?actor=ci&limit=1000").await;
    assert_eq!(by_ci.as_array().unwrap().len(), 3);
    assert_eq!(api.count("/v1/audit?actor=dash").await, 0);
    let id = model["id"].as_str().unwrap();
    let trail = api.get(&format!("/v1/audit?entity_type=model&entity_id={id}")).await;
    let actions: Vec<_> = trail.as_array().unwrap().iter().map(|e| &e["action"]).collect();
    assert_eq!(actions, ["update", "create"], "newest first");
    assert!(trail.as_array().unwrap().iter().all(|e| e["actor"] == "ci"));
    assert_eq!(trail[0]["changes"]["description"]["new"], "cards");
    assert_eq!(api.count("/v1/audit?limit=2").await, 2);
    assert_eq!(api.count("/v1/audit?skip=2").await, 1);
    let half = api
        .error("GET", "/v1/audit?entity_type=model", Value::Null, 422, "invalid")
        .await;
    assert_eq!(half["error"]["field"], "entity_type");
    api.error(
        "GET",
        &format!("/v1/audit?entity_id={id}&actor=ci"),
        Value::Null,
        422,
        "invalid",
    )
    .await;
    let planet = format!("/v1/audit?entity_type=planet&entity_id={id}");
    api.error("GET", &planet, Value::Null, 400, "invalid").await;
}

async fn reports_count_what_the_registry_holds(api: &Api) {
    api.ok("POST", "/v1/teams", json!({"name": "ml"})).await;
    api.ok("POST", "/v1/models", json!({"name": "fraud", "team": "ml"}))
        .await;
    api.ok("POST", "/v1/models", json!({"name": "churn", "team": "ml"}))
        .await;
    let version = json!({"semver": "1.0.0", "artifact_uri": "s3://m", "framework": "jax"});
    api.ok("POST", "/v1/models/fraud/versions", version).await;
    api.ok(
        "POST",
        "/v1/models/fraud/versions/1.0.0/runs",
        json!({"run_name": "r", "cost_usd": 2.5}),
    )
    .await;
    api.ok(
        "PUT",
        "/v1/models/fraud/versions/1.0.0/status",
        json!({"status": "production"}),
    )
    .await;
    api.ok(
        "POST",
        "/v1/environments",
        json!({"name": "prod", "kind": "production"}),
    )
    .await;
    let deploy = json!({"model": "fraud", "semver": "1.0.0", "environment": "prod", "deployment": {"name": "d"}});
    let deployed = api.ok("POST", "/v1/deployments", deploy).await;
    let id = deployed["id"].as_str().unwrap();
    api.ok("POST", &format!("/v1/deployments/{id}/terminate"), Value::Null)
        .await;

    let counts = api.get("/v1/reports/deployments").await;
    assert_eq!(counts["terminated"], 1);
    assert_eq!(counts["healthy"], 0, "every status is present: {counts}");
    assert_eq!(counts.as_object().unwrap().len(), 5);
    let stale: Vec<_> = api.get("/v1/reports/stale?days=30").await.as_array().unwrap().clone();
    let stale_names: Vec<_> = stale.iter().map(|m| &m["name"]).collect();
    assert_eq!(stale_names, ["churn"], "fraud was trained just now");
    assert_eq!(api.count("/v1/reports/stale").await, 1);
    let too_far = api
        .error("GET", "/v1/reports/stale?days=36601", Value::Null, 422, "invalid")
        .await;
    assert_eq!(too_far["error"]["field"], "days");
    let team = api.get("/v1/teams/ml/metrics").await;
    assert_eq!(
        (team["model_count"].as_u64(), team["version_count"].as_u64()),
        (Some(2), Some(1))
    );
    assert_eq!(team["total_cost_usd"], 2.5);
    let summary = api.get("/v1/models/fraud/summary").await;
    assert_eq!(summary["production_version"], "1.0.0");
    assert_eq!(summary["latest_version"], "1.0.0");
    assert_eq!(summary["training_run_count"], 1);
    let stats = api.get("/v1/stats").await;
    assert_eq!((stats["teams"].as_u64(), stats["models"].as_u64()), (Some(1), Some(2)));
    assert_eq!(stats["deployments"], 1);
}

on_every_backend!(
    changes_are_audited_as_the_tokens_name,
    reports_count_what_the_registry_holds,
);
