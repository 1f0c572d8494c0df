//! `/v1/teams`: create, read (by name or id), list, change, deactivate, delete, metrics.

mod common;

use common::{Api, on_every_backend};
use serde_json::{Value, json};

async fn a_team_is_created_read_and_changed(api: &Api) {
    let (status, team) = api
        .call("POST", "/v1/teams", json!({"name": "ml", "department": "Eng"}))
        .await;
    assert_eq!(status, 201, "{team}");
    assert_eq!(team["active"], true);
    let conflict = api
        .error("POST", "/v1/teams", json!({"name": "ml"}), 409, "conflict")
        .await;
    assert_eq!(conflict["error"]["field"], "name");
    let changed = api
        .ok(
            "PATCH",
            "/v1/teams/ml",
            json!({"department": null, "cost_center": "CC-7"}),
        )
        .await;
    assert_eq!(changed["department"], Value::Null);
    assert_eq!(changed["cost_center"], "CC-7");
    assert_eq!(api.get("/v1/teams/ml").await["name"], "ml");
    let id = team["id"].as_str().unwrap();
    assert_eq!(api.get(&format!("/v1/teams/{id}")).await["name"], "ml", "by id");
    assert_eq!(
        api.ok("PATCH", &format!("/v1/teams/{id}"), json!({"name": "ml-platform"}))
            .await["name"],
        "ml-platform"
    );
    let missing = api.error("GET", "/v1/teams/ghost", Value::Null, 404, "not_found").await;
    assert!(missing["error"]["message"].as_str().unwrap().contains("ghost"));
    api.error("PATCH", "/v1/teams/ghost", json!({}), 404, "not_found").await;
    let unknown = api
        .error(
            "PATCH",
            "/v1/teams/ml-platform",
            json!({"colour": "red"}),
            422,
            "invalid",
        )
        .await;
    assert_eq!(unknown["error"]["field"], "colour");
}

async fn a_name_that_looks_like_an_id_is_still_found(api: &Api) {
    let name = "0190f0a3-5a4e-7c2b-8d3e-1f2a3b4c5d6e";
    api.ok("POST", "/v1/teams", json!({"name": name})).await;
    assert_eq!(api.get(&format!("/v1/teams/{name}")).await["name"], name);
}

async fn teams_list_by_name_with_active_only_skip_and_limit(api: &Api) {
    for name in ["ml", "ops", "research"] {
        api.ok("POST", "/v1/teams", json!({"name": name})).await;
    }
    let deactivated = api.ok("POST", "/v1/teams/ops/deactivate", Value::Null).await;
    assert_eq!(deactivated["active"], false);
    assert_eq!(api.count("/v1/teams").await, 3);
    let active = api.get("/v1/teams?active_only=true").await;
    let names: Vec<_> = active.as_array().unwrap().iter().map(|t| &t["name"]).collect();
    assert_eq!(names, ["ml", "research"]);
    let page = api.get("/v1/teams?skip=1&limit=1").await;
    assert_eq!(page.as_array().unwrap().len(), 1);
    assert_eq!(page[0]["name"], "ops");
    api.error("POST", "/v1/teams/ghost/deactivate", Value::Null, 404, "not_found")
        .await;
}

async fn deleting_a_team_keeps_its_models(api: &Api) {
    let team = api.ok("POST", "/v1/teams", json!({"name": "ml"})).await;
    assert_eq!(api.get("/v1/teams/ml/metrics").await["model_count"], 0);
    let model = api
        .ok("POST", "/v1/models", json!({"name": "fraud", "team": "ml"}))
        .await;
    assert_eq!(model["team_id"], team["id"]);
    let metrics = api.get("/v1/teams/ml/metrics").await;
    assert_eq!(metrics["model_count"], 1);
    assert_eq!(metrics["total_cost_usd"], 0.0);
    api.error("GET", "/v1/teams/ghost/metrics", Value::Null, 404, "not_found")
        .await;
    let (status, body) = api.call("DELETE", "/v1/teams/ml", Value::Null).await;
    assert_eq!((status, body), (204, Value::Null));
    assert_eq!(api.get("/v1/models/fraud").await["team_id"], Value::Null);
    api.error("DELETE", "/v1/teams/ml", Value::Null, 404, "not_found").await;
}

on_every_backend!(
    a_team_is_created_read_and_changed,
    a_name_that_looks_like_an_id_is_still_found,
    teams_list_by_name_with_active_only_skip_and_limit,
    deleting_a_team_keeps_its_models,
);
