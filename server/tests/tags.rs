//! Tags: on a model (`/v1/models/{name}/tags/{tag}`) and across models (`/v1/tags`).

mod common;

use common::{Api, on_every_backend};
use serde_json::{Value, json};

async fn tagging_is_idempotent_and_counted(api: &Api) {
    api.ok("POST", "/v1/models", json!({"name": "fraud"})).await;
    assert_eq!(
        api.ok("PUT", "/v1/models/fraud/tags/payments", Value::Null).await["added"],
        true
    );
    assert_eq!(
        api.ok("PUT", "/v1/models/fraud/tags/payments", Value::Null).await["added"],
        false
    );
    assert_eq!(api.get("/v1/models/fraud/tags").await[0]["name"], "payments");
    let tags = api.get("/v1/tags").await;
    assert_eq!(tags[0]["tag"]["name"], "payments");
    assert_eq!(tags[0]["model_count"], 1);
    assert_eq!(api.get("/v1/tags/payments/models").await[0]["name"], "fraud");
    assert_eq!(api.count("/v1/tags/payments/models?skip=1").await, 0);
    assert_eq!(api.count("/v1/tags/nothing/models").await, 0);
    assert_eq!(
        api.ok("DELETE", "/v1/models/fraud/tags/payments", Value::Null).await["removed"],
        true
    );
    assert_eq!(
        api.ok("DELETE", "/v1/models/fraud/tags/payments", Value::Null).await["removed"],
        false
    );
    assert_eq!(api.get("/v1/tags").await[0]["model_count"], 0);
}

async fn tags_on_unknown_models_or_with_bad_names_are_refused(api: &Api) {
    api.error("PUT", "/v1/models/ghost/tags/payments", Value::Null, 404, "not_found")
        .await;
    api.error("GET", "/v1/models/ghost/tags", Value::Null, 404, "not_found")
        .await;
    api.ok("POST", "/v1/models", json!({"name": "fraud"})).await;
    let long = "t".repeat(51);
    let bad = api
        .error(
            "PUT",
            &format!("/v1/models/fraud/tags/{long}"),
            Value::Null,
            422,
            "invalid",
        )
        .await;
    assert_eq!(bad["error"]["field"], "tag");
}

async fn the_tag_list_pages_with_skip_and_limit(api: &Api) {
    api.ok("POST", "/v1/models", json!({"name": "fraud"})).await;
    for tag in ["a", "b", "c", "d"] {
        api.ok("PUT", &format!("/v1/models/fraud/tags/{tag}"), Value::Null)
            .await;
    }
    let page = api.get("/v1/tags?skip=1&limit=2").await;
    let names: Vec<_> = page.as_array().unwrap().iter().map(|t| &t["tag"]["name"]).collect();
    assert_eq!(names, ["b", "c"]);
    assert_eq!(api.count("/v1/tags").await, 4);
    api.error("GET", "/v1/tags?limit=0", Value::Null, 422, "invalid").await;
    api.error("GET", "/v1/tags?page=2", Value::Null, 400, "invalid").await;
}

async fn a_tag_is_described_and_deleted_from_every_model(api: &Api) {
    for model in ["fraud", "churn"] {
        api.ok("POST", "/v1/models", json!({"name": model})).await;
        api.ok("PUT", &format!("/v1/models/{model}/tags/payments"), Value::Null)
            .await;
    }
    let described = api
        .ok("PATCH", "/v1/tags/payments", json!({"description": "money moves"}))
        .await;
    assert_eq!(described["description"], "money moves");
    let cleared = api.ok("PATCH", "/v1/tags/payments", json!({"description": null})).await;
    assert!(cleared["description"].is_null());
    let bad = api
        .error(
            "PATCH",
            "/v1/tags/payments",
            json!({"description": "\u{0}"}),
            422,
            "invalid",
        )
        .await;
    assert_eq!(bad["error"]["field"], "description");
    api.error("PATCH", "/v1/tags/ghost", json!({}), 404, "not_found").await;
    let (status, _) = api.call("DELETE", "/v1/tags/payments", Value::Null).await;
    assert_eq!(status, 204);
    assert_eq!(api.count("/v1/tags").await, 0);
    assert_eq!(api.count("/v1/models/fraud/tags").await, 0);
    api.error("DELETE", "/v1/tags/payments", Value::Null, 404, "not_found")
        .await;
}

on_every_backend!(
    a_tag_is_described_and_deleted_from_every_model,
    tagging_is_idempotent_and_counted,
    tags_on_unknown_models_or_with_bad_names_are_refused,
    the_tag_list_pages_with_skip_and_limit,
);
