//! The request log: one line per request, compact or JSON, or none; and no
//! credential in any log line, neither from the request log nor from any
//! `tracing` event at any level (a subscriber at TRACE captures them all in
//! this test binary, its own process).

mod common;

use std::sync::OnceLock;

use common::{ADMIN, Api, LogBuffer, READER, tokens};
use modelreg_server::RequestLog;
use serde_json::{Value, json};

/// Everything every `tracing` event of this process wrote, at every level.
fn traced() -> &'static LogBuffer {
    static TRACED: OnceLock<LogBuffer> = OnceLock::new();
    TRACED.get_or_init(|| {
        let buffer = LogBuffer::default();
        let writer = buffer.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_ansi(false)
            .with_writer(move || writer.clone())
            .finish();
        tracing::subscriber::set_global_default(subscriber).expect("the only subscriber of this binary");
        buffer
    })
}

const QUERY_SECRET: &str = "query-secret-0123456789";
const HEADER_SECRET: &str = "header-secret-0123456789";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_credential_reaches_any_log() {
    let traced = traced();
    let api = Api::sqlite().await;
    let client = reqwest::Client::new();
    let url = |path: &str| format!("{}{path}", api.base());
    let mut sent = 0;
    for path in [
        format!("/v1/teams?token={QUERY_SECRET}"),
        format!("/v1/models?api_key={QUERY_SECRET}&limit=5"),
        format!("/nowhere?token={QUERY_SECRET}"),
    ] {
        let response = client.get(url(&path)).send().await.unwrap();
        assert!(response.status().is_client_error(), "{path}: {}", response.status());
        let response = client.get(url(&path)).bearer_auth(ADMIN).send().await.unwrap();
        assert!(response.status().is_client_error(), "{path}: {}", response.status());
        sent += 2;
    }
    for (method, path) in [("GET", "/v1/teams"), ("POST", "/v1/teams"), ("DELETE", "/v1/stats")] {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let response = client
            .request(method, url(path))
            .bearer_auth(HEADER_SECRET)
            .json(&json!({"name": "ml"}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 401, "{path}");
        sent += 1;
    }
    api.ok("POST", "/v1/teams", json!({"name": "ml"})).await;
    api.call_as(Some(READER), "DELETE", "/v1/teams/ml", Value::Null).await;
    api.registry().close().await.unwrap();
    api.error("GET", "/v1/teams", Value::Null, 503, "unavailable").await;
    sent += 3;

    let logged = api.log().lines(sent).await;
    assert_eq!(logged.lines().count(), sent, "one line per request:\n{logged}");
    assert!(
        logged.contains("path=/v1/teams status=401"),
        "the path is kept:\n{logged}"
    );
    assert!(logged.contains("path=/nowhere status=404"), "{logged}");
    assert!(!logged.contains('?'), "no query string is logged:\n{logged}");
    let traced = traced.text();
    assert!(
        traced.contains("unavailable"),
        "the subscriber sees the server's events:\n{traced}"
    );
    let everything = format!("{logged}\n{traced}");
    for secret in [QUERY_SECRET, HEADER_SECRET, ADMIN, READER] {
        assert!(!everything.contains(secret), "{secret} was logged:\n{everything}");
    }
    assert!(!everything.to_lowercase().contains("bearer "), "{everything}");
}

#[tokio::test]
async fn the_json_request_log_is_one_object_per_line() {
    traced();
    let api = Api::sqlite_logging(tokens(), RequestLog::Json).await;
    api.ok("POST", "/v1/teams", json!({"name": "ml"})).await;
    let path = format!("/v1/teams?active_only=true&secret={QUERY_SECRET}");
    api.error("GET", &path, Value::Null, 400, "invalid").await;
    let logged = api.log().lines(2).await;
    let entries: Vec<Value> = logged
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
        .collect();
    assert_eq!(entries.len(), 2, "{logged}");
    assert_eq!(
        (&entries[0]["method"], &entries[0]["path"]),
        (&json!("POST"), &json!("/v1/teams"))
    );
    assert_eq!(entries[0]["status"], 201);
    assert_eq!(entries[1]["path"], "/v1/teams", "the query string is left out");
    assert_eq!(entries[1]["status"], 400, "an unknown parameter is refused");
    for entry in &entries {
        assert!(entry["ts"].as_str().is_some_and(|ts| ts.ends_with('Z')), "{entry}");
        assert!(entry["duration_ms"].as_f64().is_some_and(|ms| ms >= 0.0), "{entry}");
    }
    assert!(!logged.contains(QUERY_SECRET));
}

#[tokio::test]
async fn an_off_request_log_writes_nothing() {
    traced();
    let api = Api::sqlite_logging(tokens(), RequestLog::Off).await;
    api.ok("POST", "/v1/teams", json!({"name": "ml"})).await;
    api.get("/v1/teams").await;
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    assert_eq!(api.log().text(), "");
}
