//! Versions: registration, listing, latest by SemVer precedence, the single
//! production version, deletion.

mod common;

use common::{Api, on_every_backend};
use serde_json::{Value, json};

async fn register(api: &Api, model: &str, semver: &str) -> Value {
    let body = json!({"semver": semver, "artifact_uri": format!("s3://m/{semver}"), "framework": "sklearn", "metadata": {"lr": 0.1}});
    let (status, version) = api.call("POST", &format!("/v1/models/{model}/versions"), body).await;
    assert_eq!(status, 201, "{version}");
    version
}

async fn versions_are_registered_and_bad_ones_refused(api: &Api) {
    api.ok("POST", "/v1/models", json!({"name": "fraud"})).await;
    for semver in ["1.0.0", "1.1.0", "2.0.0-rc.1"] {
        register(api, "fraud", semver).await;
    }
    let version = api.get("/v1/models/fraud/versions/1.1.0").await;
    assert_eq!(version["metadata"]["lr"], 0.1);
    assert_eq!(version["status"], "registered");
    let bad = api
        .error(
            "POST",
            "/v1/models/fraud/versions",
            json!({"semver": "1.x", "artifact_uri": "a", "framework": "onnx"}),
            422,
            "invalid",
        )
        .await;
    assert_eq!(bad["error"]["field"], "semver");
    api.error(
        "POST",
        "/v1/models/fraud/versions",
        json!({"semver": "1.0.0", "artifact_uri": "a", "framework": "onnx"}),
        409,
        "conflict",
    )
    .await;
    api.error(
        "POST",
        "/v1/models/ghost/versions",
        json!({"semver": "1.0.0", "artifact_uri": "a", "framework": "onnx"}),
        404,
        "not_found",
    )
    .await;
    api.error(
        "POST",
        "/v1/models/fraud/versions",
        json!({"semver": "3.0.0", "artifact_uri": "a", "framework": "caffe"}),
        422,
        "invalid",
    )
    .await;
    assert_eq!(api.count("/v1/models/fraud/versions").await, 3);
    assert_eq!(api.count("/v1/models/fraud/versions?limit=2").await, 2);
    api.error("GET", "/v1/models/fraud/versions/9.9.9", Value::Null, 404, "not_found")
        .await;
    api.error("GET", "/v1/models/ghost/versions", Value::Null, 404, "not_found")
        .await;
}

async fn latest_is_the_highest_release_by_semver_precedence(api: &Api) {
    let model = api.ok("POST", "/v1/models", json!({"name": "fraud"})).await;
    api.error("GET", "/v1/models/fraud/latest", Value::Null, 404, "not_found")
        .await;
    for semver in ["1.9.0", "1.10.0", "2.0.0-rc.1", "1.10.1"] {
        register(api, "fraud", semver).await;
    }
    assert_eq!(api.get("/v1/models/fraud/latest").await["semver"], "1.10.1");
    let id = model["id"].as_str().unwrap();
    assert_eq!(api.get(&format!("/v1/models/{id}/latest")).await["semver"], "1.10.1");
    api.error(
        "GET",
        "/v1/models/fraud/latest?status=validated",
        Value::Null,
        404,
        "not_found",
    )
    .await;
    api.ok(
        "PUT",
        "/v1/models/fraud/versions/1.9.0/status",
        json!({"status": "validated"}),
    )
    .await;
    assert_eq!(
        api.get("/v1/models/fraud/latest?status=validated").await["semver"],
        "1.9.0"
    );
}

async fn promoting_a_version_archives_the_previous_production_version(api: &Api) {
    api.ok("POST", "/v1/models", json!({"name": "fraud"})).await;
    api.ok("POST", "/v1/models", json!({"name": "churn"})).await;
    for semver in ["1.0.0", "1.1.0"] {
        register(api, "fraud", semver).await;
    }
    let status = |s: &str| json!({"status": s});
    api.ok("PUT", "/v1/models/fraud/versions/1.0.0/status", status("production"))
        .await;
    api.ok("PUT", "/v1/models/fraud/versions/1.1.0/status", status("production"))
        .await;
    assert_eq!(api.get("/v1/models/fraud/versions/1.0.0").await["status"], "archived");
    assert_eq!(api.get("/v1/models/fraud/production").await["semver"], "1.1.0");
    let production = api.get("/v1/production").await;
    assert_eq!(production.as_array().unwrap().len(), 1);
    assert_eq!(production[0]["model"]["name"], "fraud");
    assert_eq!(production[0]["version"]["semver"], "1.1.0");
    assert_eq!(api.count("/v1/models/fraud/versions?status=archived").await, 1);
    api.error("GET", "/v1/models/churn/production", Value::Null, 404, "not_found")
        .await;
    api.ok("PUT", "/v1/models/fraud/versions/1.0.0/status", status("deprecated"))
        .await;
    let final_ = api
        .error(
            "PUT",
            "/v1/models/fraud/versions/1.0.0/status",
            status("production"),
            422,
            "invalid",
        )
        .await;
    assert_eq!(final_["error"]["field"], "status");
    api.error(
        "PUT",
        "/v1/models/fraud/versions/1.1.0/status",
        status("gone"),
        422,
        "invalid",
    )
    .await;
}

async fn deleting_a_version_removes_only_it(api: &Api) {
    api.ok("POST", "/v1/models", json!({"name": "fraud"})).await;
    for semver in ["1.0.0", "2.0.0-rc.1"] {
        register(api, "fraud", semver).await;
    }
    let (status, _) = api
        .call("DELETE", "/v1/models/fraud/versions/2.0.0-rc.1", Value::Null)
        .await;
    assert_eq!(status, 204);
    assert_eq!(api.count("/v1/models/fraud/versions").await, 1);
    api.error(
        "DELETE",
        "/v1/models/fraud/versions/2.0.0-rc.1",
        Value::Null,
        404,
        "not_found",
    )
    .await;
}

on_every_backend!(
    versions_are_registered_and_bad_ones_refused,
    latest_is_the_highest_release_by_semver_precedence,
    promoting_a_version_archives_the_previous_production_version,
    deleting_a_version_removes_only_it,
);
