//! `/v1/environments`: create, read (by name or id), list, change, deactivate.

mod common;

use common::{Api, on_every_backend};
use serde_json::{Value, json};

async fn environments_are_created_changed_and_listed(api: &Api) {
    let (status, env) = api
        .call(
            "POST",
            "/v1/environments",
            json!({"name": "prod", "kind": "production"}),
        )
        .await;
    assert_eq!(status, 201, "{env}");
    assert_eq!(env["is_active"], true);
    api.ok("POST", "/v1/environments", json!({"name": "stage", "kind": "staging"}))
        .await;
    api.error(
        "POST",
        "/v1/environments",
        json!({"name": "prod", "kind": "staging"}),
        409,
        "conflict",
    )
    .await;
    api.error(
        "POST",
        "/v1/environments",
        json!({"name": "x", "kind": "moon"}),
        422,
        "invalid",
    )
    .await;
    api.ok(
        "PATCH",
        "/v1/environments/prod",
        json!({"region": "eu-west-1", "config": {"gpu": true}}),
    )
    .await;
    let prod = api.get("/v1/environments/prod").await;
    assert_eq!(prod["region"], "eu-west-1");
    assert_eq!(prod["config"]["gpu"], true);
    let id = env["id"].as_str().unwrap();
    assert_eq!(api.get(&format!("/v1/environments/{id}")).await["name"], "prod");
    assert_eq!(api.count("/v1/environments?kind=production").await, 1);
    assert_eq!(api.count("/v1/environments").await, 2);
    assert_eq!(api.count("/v1/environments?skip=1&limit=5").await, 1);
    let deactivated = api.ok("POST", "/v1/environments/stage/deactivate", Value::Null).await;
    assert_eq!(deactivated["is_active"], false);
    assert_eq!(api.count("/v1/environments?active_only=true").await, 1);
    api.error("GET", "/v1/environments/ghost", Value::Null, 404, "not_found")
        .await;
    api.error("PATCH", "/v1/environments/ghost", json!({}), 404, "not_found")
        .await;
    api.error(
        "POST",
        "/v1/environments/ghost/deactivate",
        Value::Null,
        404,
        "not_found",
    )
    .await;
}

on_every_backend!(environments_are_created_changed_and_listed);
