//! `/v1/models`: create (with a team by name or id), list the reference API's
//! way, search, read (by name or id), change, summarize, delete.

mod common;

use common::{Api, on_every_backend};
use serde_json::{Value, json};

async fn models_are_created_and_listed_the_reference_apis_way(api: &Api) {
    let team = api.ok("POST", "/v1/teams", json!({"name": "ml"})).await;
    let (status, model) = api
        .call(
            "POST",
            "/v1/models",
            json!({"name": "fraud", "team_id": team["id"], "risk_level": "high"}),
        )
        .await;
    assert_eq!(status, 201, "{model}");
    assert_eq!(model["team_id"], team["id"]);
    assert_eq!(model["risk_level"], "high");
    api.ok("POST", "/v1/models", json!({"name": "churn"})).await;
    let listed = api.get("/v1/models?active_only=true&skip=1&limit=1").await;
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert_eq!(listed[0]["name"], "fraud");
    assert_eq!(api.count("/v1/models?team=ml&risk_level=high").await, 1);
    let team_id = team["id"].as_str().unwrap();
    assert_eq!(api.count(&format!("/v1/models?team={team_id}")).await, 1, "team by id");
    assert_eq!(api.count("/v1/models?risk_level=low").await, 0);
    api.error("GET", "/v1/models?team=ghost", Value::Null, 404, "not_found")
        .await;
    api.error("GET", "/v1/models?risk_level=extreme", Value::Null, 400, "invalid")
        .await;
    let conflict = api
        .error("POST", "/v1/models", json!({"name": "fraud"}), 409, "conflict")
        .await;
    assert_eq!(conflict["error"]["field"], "name");
    api.error(
        "POST",
        "/v1/models",
        json!({"name": "x", "team": "ghost"}),
        404,
        "not_found",
    )
    .await;
    let too_long = api
        .error("POST", "/v1/models", json!({"name": "m".repeat(201)}), 422, "invalid")
        .await;
    assert_eq!(too_long["error"]["field"], "name");
}

async fn a_model_is_read_by_name_or_id_and_missing_ones_are_named(api: &Api) {
    let model = api.ok("POST", "/v1/models", json!({"name": "fraud"})).await;
    let id = model["id"].as_str().unwrap();
    assert_eq!(api.get(&format!("/v1/models/{id}")).await["name"], "fraud");
    assert_eq!(api.get("/v1/models/fraud").await["id"], model["id"]);
    let missing = api
        .error("GET", "/v1/models/ghost", Value::Null, 404, "not_found")
        .await;
    assert!(missing["error"]["message"].as_str().unwrap().contains("ghost"));
}

async fn search_ignores_case_and_matches_wildcards_literally(api: &Api) {
    for name in ["fraud", "churn_v2", "churn-v2"] {
        api.ok("POST", "/v1/models", json!({"name": name})).await;
    }
    assert_eq!(api.get("/v1/models/search?q=FRA").await[0]["name"], "fraud");
    assert_eq!(api.count("/v1/models/search?q=n_v").await, 1);
    assert_eq!(api.count("/v1/models/search?q=%25").await, 0);
    assert_eq!(api.count("/v1/models/search?q=churn&limit=1").await, 1);
    api.error("GET", "/v1/models/search", Value::Null, 400, "invalid").await;
}

async fn a_model_is_changed_summarized_and_deleted(api: &Api) {
    api.ok("POST", "/v1/teams", json!({"name": "ml"})).await;
    api.ok("POST", "/v1/models", json!({"name": "fraud", "team": "ml"}))
        .await;
    let changed = api
        .ok(
            "PATCH",
            "/v1/models/fraud",
            json!({"description": "cards", "team": null}),
        )
        .await;
    assert_eq!(changed["description"], "cards");
    assert_eq!(changed["team_id"], Value::Null);
    api.ok("PATCH", "/v1/models/fraud", json!({"is_active": false})).await;
    assert_eq!(api.count("/v1/models?active_only=true").await, 0);
    api.error(
        "PATCH",
        "/v1/models/fraud",
        json!({"risk_level": "extreme"}),
        422,
        "invalid",
    )
    .await;
    let summary = api.get("/v1/models/fraud/summary").await;
    assert_eq!(summary["version_count"], 0);
    assert_eq!(summary["production_version"], Value::Null);
    api.error("GET", "/v1/models/ghost/summary", Value::Null, 404, "not_found")
        .await;
    let (status, _) = api.call("DELETE", "/v1/models/fraud", Value::Null).await;
    assert_eq!(status, 204);
    api.error("GET", "/v1/models/fraud", Value::Null, 404, "not_found")
        .await;
    api.error("DELETE", "/v1/models/fraud", Value::Null, 404, "not_found")
        .await;
}

on_every_backend!(
    models_are_created_and_listed_the_reference_apis_way,
    a_model_is_read_by_name_or_id_and_missing_ones_are_named,
    search_ignores_case_and_matches_wildcards_literally,
    a_model_is_changed_summarized_and_deleted,
);
