//! `GET /v1/export`: the whole registry as JSON Lines, streamed, for
//! read-write tokens only; it imports into an empty registry as it is.

mod common;

use common::{ADMIN, Api, READER, on_every_backend};
use modelreg_core::transfer::Header;
use serde_json::{Value, json};

async fn the_registry_exports_as_json_lines_that_import_again(api: &Api) {
    api.ok("POST", "/v1/teams", json!({"name": "risk"})).await;
    api.ok("POST", "/v1/models", json!({"name": "fraud", "team": "risk"}))
        .await;
    let body = json!({"semver": "1.0.0", "artifact_uri": "s3://m", "framework": "onnx"});
    api.ok("POST", "/v1/models/fraud/versions", body).await;
    let response = api.send(Some(ADMIN), "GET", "/v1/export", &Value::Null).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/x-ndjson");
    let text = response.text().await.unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let header: Header = serde_json::from_str(lines[0]).unwrap();
    assert_eq!(header.total() as usize, lines.len() - 1);
    for line in &lines[1..] {
        let record: Value = serde_json::from_str(line).unwrap();
        assert!(record["kind"].is_string(), "{line}");
    }
    // What the server exported is what the library exports.
    let mut local = Vec::new();
    api.registry().export(&mut local, &mut |_, _| {}).await.unwrap();
    assert_eq!(String::from_utf8(local).unwrap(), text);
    let target = modelreg_core::Registry::new(
        std::sync::Arc::new(
            modelreg_sqlite::SqliteStore::open(modelreg_sqlite::Location::Memory, Default::default())
                .await
                .unwrap(),
        ),
        modelreg_core::Actor::new("restore").unwrap(),
    );
    let summary = target
        .import(&mut text.as_bytes(), false, &mut |_, _| {})
        .await
        .unwrap();
    assert_eq!(summary.total, header.total());
}

async fn a_read_only_token_may_not_export(api: &Api) {
    let (status, body) = api.call_as(Some(READER), "GET", "/v1/export", Value::Null).await;
    assert_eq!(status, 403, "{body}");
    common::assert_error_shape(&body, "forbidden");
    let (status, _) = api.call_as(None, "GET", "/v1/export", Value::Null).await;
    assert_eq!(status, 401);
}

on_every_backend!(
    the_registry_exports_as_json_lines_that_import_again,
    a_read_only_token_may_not_export,
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_large_export_streams_whole() {
    let api = Api::sqlite().await;
    let models: Vec<Value> = (0..2000).map(|i| json!({"name": format!("model-{i:04}")})).collect();
    for model in models {
        api.ok("POST", "/v1/models", model).await;
    }
    let text = api
        .send(Some(ADMIN), "GET", "/v1/export", &Value::Null)
        .await
        .text()
        .await
        .unwrap();
    let header: Header = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    assert_eq!(text.lines().count() as u64, header.total() + 1);
    assert!(header.total() >= 4000, "2000 models and their audit events");
}
