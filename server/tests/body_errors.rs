//! A bad JSON body is refused naming the field at fault, as the API
//! documents it (`deployment.status`, `metadata`), never `body` when a field
//! is to blame; malformed JSON and a body that is not an object are `body`.
//! Nothing changes in the registry on any of them.

mod common;

use common::{Api, on_every_backend};
use serde_json::{Value, json};

const WIDE: &str = "123456789012345678901";

/// A model `base` with version 1.0.0, environment `prod`, a running run and a
/// deployment: the targets of the bodies below. Answers (run id, deployment id).
async fn fixture(api: &Api) -> (String, String) {
    api.ok("POST", "/v1/models", json!({"name": "base"})).await;
    let version = json!({"semver": "1.0.0", "artifact_uri": "s3://a", "framework": "onnx"});
    api.ok("POST", "/v1/models/base/versions", version).await;
    let env = json!({"name": "prod", "kind": "production"});
    api.ok("POST", "/v1/environments", env).await;
    let run = api
        .ok("POST", "/v1/models/base/versions/1.0.0/runs", json!({"run_name": "r"}))
        .await;
    let deploy = json!({"model": "base", "semver": "1.0.0", "environment": "prod", "deployment": {"name": "d"}});
    let deployment = api.ok("POST", "/v1/deployments", deploy).await;
    let id = |v: &Value| v["id"].as_str().expect("an id").to_owned();
    (id(&run), id(&deployment))
}

/// What the registry holds, to prove a refused body changed nothing.
async fn contents(api: &Api) -> Value {
    json!({
        "stats": api.get("/v1/stats").await,
        "audit": api.get("/v1/audit?limit=10000").await.as_array().map(Vec::len),
    })
}

/// (method, path, body text, status, field)
#[rustfmt::skip]
fn cases(run: &str, deployment: &str) -> Vec<(&'static str, String, String, u16, &'static str)> {
    let finish = format!("/v1/runs/{run}/finish");
    let status = format!("/v1/deployments/{deployment}/status");
    let replicas = format!("/v1/deployments/{deployment}/replicas");
    let version = |extra: &str| format!(r#"{{"semver": "2.0.0", "artifact_uri": "s3://b", "framework": "onnx"{extra}}}"#);
    let deploy = |inner: &str| {
        format!(r#"{{"model": "base", "semver": "1.0.0", "environment": "prod", "deployment": {inner}}}"#)
    };
    let versions = "/v1/models/base/versions".to_owned();
    let runs = "/v1/models/base/versions/1.0.0/runs".to_owned();
    let metrics = "/v1/models/base/versions/1.0.0/metrics".to_owned();
    let (teams, models, envs, deployments) = ("/v1/teams", "/v1/models", "/v1/environments", "/v1/deployments");
    vec![
        // Unknown enum values.
        ("POST", models.into(), r#"{"name": "m", "risk_level": "extreme"}"#.into(), 422, "risk_level"),
        ("POST", versions.clone(), r#"{"semver": "2.0.0", "artifact_uri": "s3://b", "framework": "caffe"}"#.into(), 422, "framework"),
        ("PUT", "/v1/models/base/versions/1.0.0/status".into(), r#"{"status": "gone"}"#.into(), 422, "status"),
        ("POST", finish.clone(), r#"{"status": "exploded"}"#.into(), 422, "status"),
        ("POST", runs.clone(), r#"{"run_name": "r", "status": "sleeping"}"#.into(), 422, "status"),
        ("POST", metrics.clone(), r#"{"name": "auc", "value": 0.5, "split": "holdout"}"#.into(), 422, "split"),
        ("POST", envs.into(), r#"{"name": "e", "kind": "moon"}"#.into(), 422, "kind"),
        ("PATCH", "/v1/environments/prod".into(), r#"{"kind": "moon"}"#.into(), 422, "kind"),
        ("POST", deployments.into(), deploy(r#"{"name": "d2", "status": "sideways"}"#), 422, "deployment.status"),
        ("PUT", status.clone(), r#"{"status": "asleep"}"#.into(), 422, "status"),
        // An enum value of the wrong JSON type.
        ("POST", models.into(), r#"{"name": "m", "risk_level": 7}"#.into(), 422, "risk_level"),
        ("POST", deployments.into(), deploy(r#"{"name": "d2", "status": 7}"#), 422, "deployment.status"),
        // JSON fields that are not objects.
        ("POST", versions.clone(), version(r#", "metadata": [1]"#), 422, "metadata"),
        ("POST", runs.clone(), r#"{"run_name": "r", "hyperparameters": "lr=1"}"#.into(), 422, "hyperparameters"),
        ("POST", runs.clone(), r#"{"run_name": "r", "environment": [1]}"#.into(), 422, "environment"),
        ("POST", envs.into(), r#"{"name": "e", "kind": "staging", "config": 3}"#.into(), 422, "config"),
        ("PATCH", "/v1/environments/prod".into(), r#"{"config": [1]}"#.into(), 422, "config"),
        // Wrong types.
        ("POST", metrics.clone(), r#"{"name": "auc", "value": "0.5", "split": "test"}"#.into(), 422, "value"),
        ("POST", teams.into(), r#"{"name": 7}"#.into(), 422, "name"),
        ("PUT", replicas.clone(), r#"{"replicas": "two"}"#.into(), 422, "replicas"),
        ("POST", deployments.into(), deploy(r#"{"name": "d2", "gpu_count": 1.5}"#), 422, "deployment.gpu_count"),
        ("POST", deployments.into(), deploy(r#"["d2"]"#), 422, "deployment"),
        // Missing and unknown fields.
        ("POST", teams.into(), "{}".into(), 422, "name"),
        ("POST", versions.clone(), r#"{"semver": "2.0.0", "framework": "onnx"}"#.into(), 422, "artifact_uri"),
        ("POST", deployments.into(), deploy(r#"{"replicas": 1}"#), 422, "deployment.name"),
        ("POST", teams.into(), r#"{"name": "t", "colour": "red"}"#.into(), 422, "colour"),
        ("POST", deployments.into(), deploy(r#"{"name": "d2", "colour": 1}"#), 422, "deployment.colour"),
        // Integer literals beyond 64 bits, wherever they are.
        ("POST", versions.clone(), version(&format!(r#", "size_bytes": {WIDE}"#)), 422, "size_bytes"),
        ("POST", versions.clone(), version(&format!(r#", "metadata": {{"a": {{"b": [1, {WIDE}]}}}}"#)), 422, "metadata"),
        ("POST", metrics.clone(), format!(r#"{{"name": "auc", "value": -{WIDE}, "split": "test"}}"#), 422, "value"),
        ("POST", runs.clone(), format!(r#"{{"run_name": "r", "hyperparameters": {{"seed": {WIDE}}}}}"#), 422, "hyperparameters"),
        ("PUT", replicas.clone(), format!(r#"{{"replicas": {WIDE}}}"#), 422, "replicas"),
        ("POST", deployments.into(), deploy(&format!(r#"{{"name": "d2", "replicas": {WIDE}}}"#)), 422, "deployment.replicas"),
        ("POST", teams.into(), format!(r#"{{"name": "t", "colour": {WIDE}}}"#), 422, "colour"),
        // Floats beyond a 64-bit float.
        ("POST", metrics.clone(), r#"{"name": "auc", "value": 1e999, "split": "test"}"#.into(), 422, "value"),
        ("POST", versions.clone(), version(r#", "metadata": {"a": [-1.5e400]}"#), 422, "metadata"),
        ("POST", runs.clone(), r#"{"run_name": "r", "gpu_hours": 1e999}"#.into(), 422, "gpu_hours"),
        // The body itself.
        ("POST", teams.into(), r#"["ml"]"#.into(), 422, "body"),
        ("POST", teams.into(), r#""ml""#.into(), 422, "body"),
        ("POST", teams.into(), "null".into(), 422, "body"),
        ("POST", teams.into(), r#"{"name": "ml""#.into(), 400, "body"),
        ("POST", teams.into(), r#"{"name": "ml"} {}"#.into(), 400, "body"),
        ("POST", teams.into(), "".into(), 400, "body"),
    ]
}

async fn every_bad_body_names_its_field_and_changes_nothing(api: &Api) {
    let (run, deployment) = fixture(api).await;
    let before = contents(api).await;
    for (method, path, body, status, field) in cases(&run, &deployment) {
        let (got, answer) = api.send_bytes(method, &path, body.clone().into_bytes(), true).await;
        assert_eq!(got, status, "{method} {path} {body}: {answer}");
        common::assert_error_shape(&answer, "invalid");
        assert_eq!(answer["error"]["field"], field, "{method} {path} {body}: {answer}");
    }
    assert_eq!(contents(api).await, before, "no refused body changed the registry");
}

async fn a_wide_integer_inside_a_json_field_is_named_with_its_path(api: &Api) {
    fixture(api).await;
    let body = format!(
        r#"{{"semver": "2.0.0", "artifact_uri": "s3://b", "framework": "onnx", "metadata": {{"a": {{"b": [1, {WIDE}]}}}}}}"#
    );
    let (status, answer) = api
        .send_bytes("POST", "/v1/models/base/versions", body.into_bytes(), true)
        .await;
    assert_eq!(status, 422, "{answer}");
    let message = answer["error"]["message"].as_str().unwrap_or_default();
    assert!(message.contains("metadata.a.b[1]"), "{message}");
    assert!(message.contains(WIDE) && message.contains("64-bit"), "{message}");
}

on_every_backend!(
    every_bad_body_names_its_field_and_changes_nothing,
    a_wide_integer_inside_a_json_field_is_named_with_its_path
);

#[tokio::test]
async fn a_body_not_sent_as_json_is_refused_naming_the_body() {
    let api = Api::sqlite().await;
    let team = br#"{"name": "ml"}"#.to_vec();
    for content_type in [None, Some("text/plain"), Some("application/x-www-form-urlencoded")] {
        let (status, answer) = api.send_typed("POST", "/v1/teams", team.clone(), content_type).await;
        assert_eq!(status, 400, "{content_type:?}: {answer}");
        common::assert_error_shape(&answer, "invalid");
        assert_eq!(answer["error"]["field"], "body", "{answer}");
    }
    for content_type in ["application/json; charset=utf-8", "application/merge-patch+json"] {
        let (status, answer) = api
            .send_typed("POST", "/v1/teams", team.clone(), Some(content_type))
            .await;
        assert_eq!(status, 201, "{content_type}: {answer}");
        api.ok("DELETE", "/v1/teams/ml", Value::Null).await;
    }
}
