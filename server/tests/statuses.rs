//! Every status answers in the one error shape, the ones the framework
//! makes (404, 405) included, and no answer carries SQL, a database's own
//! text or a source line.

mod common;

use common::{ADMIN, Api, assert_error_shape, on_every_backend};
use serde_json::{Value, json};

#[tokio::test]
async fn a_wrong_method_is_405_in_the_error_shape_with_allow() {
    let api = Api::sqlite().await;
    for (method, path, allowed) in [
        ("DELETE", "/v1/stats", "GET"),
        ("PUT", "/v1/teams", "POST"),
        ("POST", "/healthz", "GET"),
    ] {
        let response = api.send(Some(ADMIN), method, path, &Value::Null).await;
        assert_eq!(response.status(), 405, "{method} {path}");
        let allow = response.headers()["allow"].to_str().unwrap().to_owned();
        assert!(allow.contains(allowed), "{method} {path}: Allow: {allow}");
        let content_type = response.headers()["content-type"].to_str().unwrap().to_owned();
        assert!(content_type.starts_with("application/json"), "{content_type}");
        let body: Value = response.json().await.unwrap();
        assert_error_shape(&body, "method_not_allowed");
    }
}

#[tokio::test]
async fn unknown_paths_are_404_in_the_error_shape_with_or_without_a_token() {
    let api = Api::sqlite().await;
    for token in [Some(ADMIN), None] {
        for path in ["/nowhere", "/v1/nowhere", "/v1/teams/ml/nowhere", "/v2/teams"] {
            let (status, body) = api.call_as(token, "GET", path, Value::Null).await;
            assert_eq!(status, 404, "{path}: {body}");
            assert_error_shape(&body, "not_found");
        }
    }
}

#[test]
fn every_error_code_is_documented_with_its_status() {
    let doc = serde_json::to_value(modelreg_server::openapi(true)).unwrap();
    let schema = &doc["components"]["schemas"]["ErrorCode"];
    let description = schema["description"].as_str().unwrap_or_default();
    for code in schema["enum"].as_array().unwrap() {
        let code = code.as_str().unwrap();
        assert!(description.contains(&format!("`{code}`")), "{code} in: {description}");
    }
    for code in ["method_not_allowed", "internal", "timeout", "too_large"] {
        assert!(schema["enum"].as_array().unwrap().contains(&json!(code)), "{code}");
    }
}

/// Words that would betray SQL, a database's own message or a source location.
const BETRAYING: &[&str] = &[
    "SELECT ",
    "INSERT ",
    "UPDATE ",
    "DELETE FROM",
    " WHERE ",
    "sqlx",
    "rusqlite",
    "at line",
    ".rs:",
    "panicked",
    "ERROR:",
    "DETAIL:",
    "HINT:",
];

async fn an_unreachable_database_answers_503_without_its_own_text(api: &Api) {
    api.ok("POST", "/v1/models", json!({"name": "m"})).await;
    api.registry().close().await.expect("the store closes");
    let requests = [
        ("GET", "/v1/teams", Value::Null),
        ("GET", "/v1/models/m", Value::Null),
        ("POST", "/v1/teams", json!({"name": "ml"})),
        ("PUT", "/v1/models/m/tags/t", Value::Null),
        ("GET", "/v1/audit", Value::Null),
        ("GET", "/readyz", Value::Null),
    ];
    for (method, path, body) in requests {
        let (status, answer) = api.call(method, path, body).await;
        assert_eq!(status, 503, "{method} {path}: {answer}");
        assert_error_shape(&answer, "unavailable");
        let text = answer.to_string();
        for word in BETRAYING {
            assert!(!text.contains(word), "{method} {path} shows {word:?}: {text}");
        }
    }
}

on_every_backend!(an_unreachable_database_answers_503_without_its_own_text);
