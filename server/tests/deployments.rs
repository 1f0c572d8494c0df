//! Deployments: deploy, move, scale, list, roll back, terminate.

mod common;

use common::{Api, on_every_backend};
use serde_json::{Value, json};

/// Model `fraud` with versions 1.0.0 and 1.1.0, environment `prod`.
async fn fixture(api: &Api) -> Value {
    let model = api.ok("POST", "/v1/models", json!({"name": "fraud"})).await;
    for semver in ["1.0.0", "1.1.0"] {
        let version = json!({"semver": semver, "artifact_uri": format!("s3://m/{semver}"), "framework": "onnx"});
        api.ok("POST", "/v1/models/fraud/versions", version).await;
    }
    api.ok(
        "POST",
        "/v1/environments",
        json!({"name": "prod", "kind": "production"}),
    )
    .await;
    model
}

fn deploy(semver: &str) -> Value {
    json!({"model": "fraud", "semver": semver, "environment": "prod", "deployment": {"name": "fraud-prod"}})
}

async fn deployments_are_moved_scaled_rolled_back_and_terminated(api: &Api) {
    fixture(api).await;
    let (status, old) = api.call("POST", "/v1/deployments", deploy("1.0.0")).await;
    assert_eq!(status, 201, "{old}");
    assert_eq!(
        (old["status"].as_str(), old["replicas"].as_i64()),
        (Some("deploying"), Some(1))
    );
    assert_eq!(old["deployed_by"], "ci");
    let current = api.ok("POST", "/v1/deployments", deploy("1.1.0")).await;
    let id = current["id"].as_str().unwrap();
    api.ok(
        "PUT",
        &format!("/v1/deployments/{id}/status"),
        json!({"status": "healthy"}),
    )
    .await;
    let scaled = api
        .ok("PUT", &format!("/v1/deployments/{id}/replicas"), json!({"replicas": 3}))
        .await;
    assert_eq!(scaled["replicas"], 3);
    let negative = api
        .error(
            "PUT",
            &format!("/v1/deployments/{id}/replicas"),
            json!({"replicas": -1}),
            422,
            "invalid",
        )
        .await;
    assert_eq!(negative["error"]["field"], "replicas");
    assert_eq!(api.get("/v1/deployments/active").await[0]["version"]["semver"], "1.1.0");
    assert_eq!(api.get(&format!("/v1/deployments/{id}")).await["status"], "healthy");
    let restored = api
        .ok("POST", &format!("/v1/deployments/{id}/rollback"), Value::Null)
        .await;
    assert_eq!(restored["version_id"], old["version_id"]);
    assert_eq!(api.get(&format!("/v1/deployments/{id}")).await["status"], "terminated");
    let restored_id = restored["id"].as_str().unwrap();
    let terminated = api
        .ok("POST", &format!("/v1/deployments/{restored_id}/terminate"), Value::Null)
        .await;
    assert_eq!(terminated["status"], "terminated");
    assert!(terminated["terminated_at"].is_string());
    let old_id = old["id"].as_str().unwrap();
    api.error(
        "POST",
        &format!("/v1/deployments/{old_id}/rollback"),
        Value::Null,
        422,
        "invalid",
    )
    .await;
    api.error(
        "PUT",
        &format!("/v1/deployments/{restored_id}/status"),
        json!({"status": "healthy"}),
        422,
        "invalid",
    )
    .await;
    let nobody = "00000000-0000-4000-8000-000000000000";
    api.error(
        "GET",
        &format!("/v1/deployments/{nobody}"),
        Value::Null,
        404,
        "not_found",
    )
    .await;
    api.error("POST", "/v1/deployments/nope/terminate", Value::Null, 422, "invalid")
        .await;
}

async fn deployments_are_listed_by_environment_or_by_version(api: &Api) {
    fixture(api).await;
    api.ok("POST", "/v1/deployments", deploy("1.0.0")).await;
    api.ok("POST", "/v1/deployments", deploy("1.1.0")).await;
    assert_eq!(api.count("/v1/deployments?environment=prod").await, 2);
    assert_eq!(api.count("/v1/deployments?environment=prod&limit=1").await, 1);
    assert_eq!(api.count("/v1/deployments?environment=prod&status=healthy").await, 0);
    assert_eq!(api.count("/v1/deployments?model=fraud&semver=1.0.0").await, 1);
    assert_eq!(api.count("/v1/deployments?version=fraud@1.1.0").await, 1);
    assert_eq!(api.count("/v1/versions/fraud@1.0.0/deployments").await, 1);
    // Neither an environment nor a version: every deployment of the registry.
    assert_eq!(api.count("/v1/deployments").await, 2);
    let half = api
        .error("GET", "/v1/deployments?model=fraud", Value::Null, 422, "invalid")
        .await;
    assert_eq!(half["error"]["field"], "version");
    api.error(
        "GET",
        "/v1/deployments?environment=ghost",
        Value::Null,
        404,
        "not_found",
    )
    .await;
}

async fn deploying_takes_names_or_ids_and_refuses_what_cannot_run(api: &Api) {
    let model = fixture(api).await;
    let env = api.get("/v1/environments/prod").await;
    let by_ids = json!({
        "model": model["id"], "semver": "1.0.0", "environment": env["id"],
        "deployment": {"name": "by-ids", "replicas": 2, "gpu_count": 1}
    });
    let deployed = api.ok("POST", "/v1/deployments", by_ids).await;
    assert_eq!(
        (deployed["replicas"].as_i64(), deployed["gpu_count"].as_i64()),
        (Some(2), Some(1))
    );
    let mut unknown = deploy("1.0.0");
    unknown["environment"] = json!("ghost");
    api.error("POST", "/v1/deployments", unknown, 404, "not_found").await;
    api.error("POST", "/v1/deployments", deploy("9.9.9"), 404, "not_found")
        .await;
    api.ok(
        "PUT",
        "/v1/models/fraud/versions/1.1.0/status",
        json!({"status": "deprecated"}),
    )
    .await;
    api.error("POST", "/v1/deployments", deploy("1.1.0"), 422, "invalid")
        .await;
    api.ok("POST", "/v1/environments/prod/deactivate", Value::Null).await;
    let inactive = api
        .error("POST", "/v1/deployments", deploy("1.0.0"), 422, "invalid")
        .await;
    assert_eq!(inactive["error"]["field"], "environment");
}

on_every_backend!(
    deployments_are_moved_scaled_rolled_back_and_terminated,
    deployments_are_listed_by_environment_or_by_version,
    deploying_takes_names_or_ids_and_refuses_what_cannot_run,
);
