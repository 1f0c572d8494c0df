//! Health checks, bearer tokens (read-write, read-only, none), and client
//! mistakes answered as 4xx in the one error shape.

mod common;

use common::{ADMIN, Api, READER, SERVER_ACTOR, assert_error_shape, on_every_backend};
use serde_json::{Value, json};

async fn health_checks_need_no_token(api: &Api) {
    let (status, alive) = api.call_as(None, "GET", "/healthz", Value::Null).await;
    assert_eq!((status, alive), (200, json!({"status": "ok"})));
    let (status, ready) = api.call_as(None, "GET", "/readyz", Value::Null).await;
    assert_eq!(status, 200, "{ready}");
    assert_eq!(ready["status"], "ready");
    assert!(ready["schema_version"].as_i64().is_some_and(|v| v > 0), "{ready}");
}

async fn a_closed_database_is_not_ready_and_answers_503(api: &Api) {
    api.registry().close().await.expect("the store closes");
    let (status, ready) = api.call_as(None, "GET", "/readyz", Value::Null).await;
    assert_eq!(status, 503, "{ready}");
    assert_error_shape(&ready, "unavailable");
    api.error("GET", "/v1/teams", Value::Null, 503, "unavailable").await;
    api.error("POST", "/v1/teams", json!({"name": "ml"}), 503, "unavailable")
        .await;
    assert_eq!(api.call_as(None, "GET", "/healthz", Value::Null).await.0, 200);
}

on_every_backend!(
    health_checks_need_no_token,
    a_closed_database_is_not_ready_and_answers_503
);

#[tokio::test]
async fn every_other_route_needs_a_valid_token() {
    let api = Api::sqlite().await;
    let response = api.send(None, "GET", "/v1/models", &Value::Null).await;
    assert_eq!(response.status(), 401);
    assert_eq!(response.headers()["www-authenticate"], "Bearer");
    assert_error_shape(&response.json().await.unwrap(), "unauthorized");
    for token in ["wrong-token-0123456789", "", "admin-token-012345678"] {
        let (status, body) = api.call_as(Some(token), "GET", "/v1/models", Value::Null).await;
        assert_eq!(status, 401, "{token:?}");
        assert_error_shape(&body, "unauthorized");
    }
    let (status, _) = api.call_as(None, "GET", "/openapi.json", Value::Null).await;
    assert_eq!(status, 401, "the document is behind the token too");
    let (status, _) = api.call_as(Some(READER), "GET", "/openapi.json", Value::Null).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn a_read_only_token_reads_but_never_writes() {
    let api = Api::sqlite().await;
    api.ok("POST", "/v1/teams", json!({"name": "ml"})).await;
    let (status, teams) = api.call_as(Some(READER), "GET", "/v1/teams", Value::Null).await;
    assert_eq!((status, teams[0]["name"].as_str()), (200, Some("ml")));
    for (method, path) in [
        ("POST", "/v1/teams"),
        ("PATCH", "/v1/teams/ml"),
        ("DELETE", "/v1/teams/ml"),
        ("PUT", "/v1/models/x/tags/t"),
    ] {
        let (status, body) = api.call_as(Some(READER), method, path, json!({"name": "nope"})).await;
        assert_eq!(status, 403, "{method} {path}: {body}");
        assert_error_shape(&body, "forbidden");
        assert!(body["error"]["message"].as_str().unwrap().contains("dash"));
    }
    assert_eq!(api.count("/v1/teams").await, 1, "nothing changed");
}

#[tokio::test]
async fn without_tokens_changes_are_the_registrys_own() {
    let api = Api::sqlite_with(Vec::new()).await;
    let (status, _) = api.call_as(None, "POST", "/v1/teams", json!({"name": "ml"})).await;
    assert_eq!(status, 201);
    let (status, events) = api.call_as(None, "GET", "/v1/audit", Value::Null).await;
    assert_eq!(status, 200);
    assert_eq!(events[0]["actor"], SERVER_ACTOR);
    let (status, _) = api
        .call_as(Some("anything-at-all-here"), "GET", "/openapi.json", Value::Null)
        .await;
    assert_eq!(status, 200, "a token is neither needed nor checked");
}

#[tokio::test]
async fn client_mistakes_are_4xx_in_the_error_shape() {
    let api = Api::sqlite().await;
    let limit = api
        .error("GET", "/v1/models?limit=0", Value::Null, 422, "invalid")
        .await;
    assert_eq!(limit["error"]["field"], "limit");
    api.error("GET", "/v1/models?limit=10001", Value::Null, 422, "invalid")
        .await;
    let lots = api
        .error("GET", "/v1/models?limit=lots", Value::Null, 400, "invalid")
        .await;
    assert_eq!(lots["error"]["field"], "limit");
    let skip = api
        .error(
            "GET",
            "/v1/models?skip=9223372036854775808",
            Value::Null,
            422,
            "invalid",
        )
        .await;
    assert_eq!(skip["error"]["field"], "skip");
    let colour = api
        .error("GET", "/v1/models?colour=red", Value::Null, 400, "invalid")
        .await;
    assert_eq!(colour["error"]["field"], "colour");
    let twice = api
        .error("GET", "/v1/models?limit=1&limit=2", Value::Null, 400, "invalid")
        .await;
    assert_eq!(twice["error"]["field"], "limit");
    api.error("GET", "/v1/nowhere", Value::Null, 404, "not_found").await;

    let (status, body) = api.send_bytes("POST", "/v1/teams", b"{not json".to_vec(), true).await;
    assert_eq!(status, 400, "{body}");
    assert_error_shape(&body, "invalid");
    assert_eq!(body["error"]["field"], "body");
    let (status, body) = api
        .send_bytes("POST", "/v1/teams", br#"{"name": "ml"}"#.to_vec(), false)
        .await;
    assert_eq!(status, 400, "a body without a JSON content type: {body}");
    assert_error_shape(&body, "invalid");
    let (status, body) = api.send_bytes("POST", "/v1/teams", Vec::new(), true).await;
    assert_eq!(status, 400, "an empty body: {body}");
    api.error("POST", "/v1/teams", json!({"name": "x", "unknown": 1}), 422, "invalid")
        .await;
    api.error("POST", "/v1/teams", json!({"name": 7}), 422, "invalid").await;

    let huge = json!({"name": "big", "description": "x".repeat(2 * 1024 * 1024)});
    let (status, body) = api
        .send_bytes("POST", "/v1/models", huge.to_string().into_bytes(), true)
        .await;
    assert_eq!(status, 413);
    assert_error_shape(&body, "too_large");
    let just_under = json!({"name": "big", "description": "x".repeat(10_000)});
    let (status, body) = api
        .send_bytes("POST", "/v1/models", just_under.to_string().into_bytes(), true)
        .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(api.count("/v1/models").await, 1, "nothing else was created");
}

#[tokio::test]
async fn the_token_in_use_never_appears_in_an_answer() {
    let api = Api::sqlite().await;
    for path in ["/v1/teams", "/v1/nowhere", "/v1/models?limit=0", "/openapi.json"] {
        let response = api.send(Some(ADMIN), "GET", path, &Value::Null).await;
        let text = response.text().await.unwrap();
        assert!(!text.contains(ADMIN) && !text.contains(READER), "{path}: {text}");
    }
}
