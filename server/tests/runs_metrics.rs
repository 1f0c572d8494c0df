//! Training runs (start, finish, read, list, cost) and metrics of a version.

mod common;

use common::{Api, on_every_backend};
use serde_json::{Value, json};

async fn a_version(api: &Api) {
    api.ok("POST", "/v1/models", json!({"name": "fraud"})).await;
    api.ok("POST", "/v1/models", json!({"name": "churn"})).await;
    let version = json!({"semver": "1.1.0", "artifact_uri": "s3://m", "framework": "xgboost"});
    api.ok("POST", "/v1/models/fraud/versions", version).await;
}

async fn a_run_is_started_finished_and_costed(api: &Api) {
    a_version(api).await;
    let (status, run) = api
        .call(
            "POST",
            "/v1/models/fraud/versions/1.1.0/runs",
            json!({"run_name": "nightly", "gpu_hours": 2.0, "cost_usd": 6.5}),
        )
        .await;
    assert_eq!(status, 201, "{run}");
    assert_eq!(run["status"], "running");
    let id = run["id"].as_str().unwrap();
    let finished = api
        .ok("POST", &format!("/v1/runs/{id}/finish"), json!({"status": "succeeded"}))
        .await;
    assert_eq!(finished["status"], "succeeded");
    assert!(finished["duration_seconds"].is_i64());
    let again = api
        .error(
            "POST",
            &format!("/v1/runs/{id}/finish"),
            json!({"status": "failed"}),
            422,
            "invalid",
        )
        .await;
    assert_eq!(again["error"]["field"], "status");
    assert_eq!(api.get(&format!("/v1/runs/{id}")).await["run_name"], "nightly");
    let bad_id = api
        .error("GET", "/v1/runs/not-a-uuid", Value::Null, 422, "invalid")
        .await;
    assert_eq!(bad_id["error"]["field"], "id");
    let nobody = "00000000-0000-4000-8000-000000000000";
    api.error("GET", &format!("/v1/runs/{nobody}"), Value::Null, 404, "not_found")
        .await;
    assert_eq!(api.count("/v1/models/fraud/runs").await, 1);
    assert_eq!(api.count("/v1/models/fraud/runs?status=running").await, 0);
    assert_eq!(
        api.count("/v1/models/fraud/versions/1.1.0/runs?status=succeeded").await,
        1
    );
    api.error("GET", "/v1/models/ghost/runs", Value::Null, 404, "not_found")
        .await;
    assert_eq!(api.get("/v1/cost?model=fraud").await["total_cost_usd"], 6.5);
    assert_eq!(api.get("/v1/cost?model=churn").await["run_count"], 0);
    let all = api.get("/v1/cost").await;
    assert_eq!(
        (all["run_count"].as_u64(), all["total_gpu_hours"].as_f64()),
        (Some(1), Some(2.0))
    );
    api.error("GET", "/v1/cost?model=ghost", Value::Null, 404, "not_found")
        .await;
    let negative = api
        .error(
            "POST",
            "/v1/models/fraud/versions/1.1.0/runs",
            json!({"run_name": "r", "gpu_hours": -1.0}),
            422,
            "invalid",
        )
        .await;
    assert_eq!(negative["error"]["field"], "gpu_hours");
    api.error(
        "POST",
        "/v1/models/fraud/versions/9.0.0/runs",
        json!({"run_name": "r"}),
        404,
        "not_found",
    )
    .await;
}

async fn metrics_are_recorded_filtered_and_the_latest_read(api: &Api) {
    a_version(api).await;
    let path = "/v1/models/fraud/versions/1.1.0/metrics";
    let (status, metric) = api
        .call("POST", path, json!({"name": "auc", "value": 0.9, "split": "test"}))
        .await;
    assert_eq!(status, 201, "{metric}");
    api.ok("POST", path, json!({"name": "auc", "value": 0.95, "split": "test"}))
        .await;
    api.ok("POST", path, json!({"name": "loss", "value": 0.2, "split": "train"}))
        .await;
    assert_eq!(api.count(&format!("{path}?name=auc")).await, 2);
    assert_eq!(api.count(&format!("{path}?split=train")).await, 1);
    assert_eq!(api.count(&format!("{path}?limit=1")).await, 1);
    let latest = api.get(&format!("{path}/latest")).await;
    let by_name: Vec<_> = latest
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["name"].as_str().unwrap(), m["value"].as_f64().unwrap()))
        .collect();
    assert_eq!(by_name, [("auc", 0.95), ("loss", 0.2)]);
    api.error(
        "POST",
        path,
        json!({"name": "auc", "value": 1, "split": "nowhere"}),
        422,
        "invalid",
    )
    .await;
    api.error(
        "GET",
        "/v1/models/fraud/versions/9.0.0/metrics/latest",
        Value::Null,
        404,
        "not_found",
    )
    .await;
}

on_every_backend!(
    a_run_is_started_finished_and_costed,
    metrics_are_recorded_filtered_and_the_latest_read,
);
