//! Versions by reference (`/v1/versions/{version}`): read now and as of an
//! instant, edited, moved, deleted; idempotent registration; versions by
//! checksum; runs, metrics and deployments of a version reference; and the
//! typed details of an error answer.

mod common;

use common::{Api, on_every_backend};
use serde_json::{Value, json};

const SHA: &str = "ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef0123456789";

/// Model `fraud` with 1.0.0 (in production, alias `champion`) and 1.1.0 (with the checksum `SHA`).
async fn fixture(api: &Api) -> Value {
    let model = api.ok("POST", "/v1/models", json!({"name": "fraud"})).await;
    for (semver, checksum) in [("1.0.0", None), ("1.1.0", Some(SHA))] {
        let mut body = json!({"semver": semver, "artifact_uri": format!("s3://m/{semver}"), "framework": "onnx"});
        if let Some(checksum) = checksum {
            body["checksum_sha256"] = json!(checksum);
        }
        api.ok("POST", "/v1/models/fraud/versions", body).await;
    }
    api.ok(
        "PUT",
        "/v1/versions/fraud@1.0.0/status",
        json!({"status": "production"}),
    )
    .await;
    api.ok("PUT", "/v1/versions/fraud@1.0.0/aliases/champion", Value::Null)
        .await;
    model
}

async fn every_kind_of_reference_reaches_a_version(api: &Api) {
    let model = fixture(api).await;
    let one = api.get("/v1/versions/fraud@1.0.0").await;
    assert_eq!(one["semver"], "1.0.0");
    let id = one["id"].as_str().unwrap();
    let model_id = model["id"].as_str().unwrap();
    for reference in [
        id.to_owned(),
        "fraud@production".to_owned(),
        "fraud@champion".to_owned(),
        format!("{model_id}@1.0.0"),
    ] {
        assert_eq!(
            api.get(&format!("/v1/versions/{reference}")).await["id"],
            id,
            "{reference}"
        );
    }
    assert_eq!(api.get("/v1/versions/fraud@latest").await["semver"], "1.1.0");
    // The reference API's routes take the same selectors.
    assert_eq!(api.get("/v1/models/fraud/versions/champion").await["id"], id);
    assert_eq!(api.get("/v1/models/fraud/versions/production").await["id"], id);
    let missing = api
        .error("GET", "/v1/versions/fraud@9.9.9", Value::Null, 404, "not_found")
        .await;
    assert_eq!(missing["error"]["entity"], "model_version");
    assert_eq!(missing["error"]["key"], "fraud@9.9.9");
    let bad = api
        .error("GET", "/v1/versions/not-a-reference", Value::Null, 422, "invalid")
        .await;
    assert_eq!(bad["error"]["field"], "version");
    assert!(
        bad["error"]["reason"].as_str().unwrap().contains("MODEL@SEMVER"),
        "{bad}"
    );
    // A model name holding `@` and `/` is one URL-encoded segment.
    api.ok("POST", "/v1/models", json!({"name": "team/a@b"})).await;
    let body = json!({"semver": "2.0.0", "artifact_uri": "s3://x", "framework": "onnx"});
    api.ok("POST", "/v1/models/team%2Fa%40b/versions", body).await;
    assert_eq!(api.get("/v1/versions/team%2Fa%40b%402.0.0").await["semver"], "2.0.0");
}

async fn a_reference_resolves_as_of_an_instant(api: &Api) {
    fixture(api).await;
    let before = api.get("/v1/versions/fraud@production").await;
    let promoted_at = api.get("/v1/models/fraud/history?limit=1").await[0]["changed_at"].clone();
    api.ok(
        "PUT",
        "/v1/versions/fraud@1.1.0/status",
        json!({"status": "production"}),
    )
    .await;
    let at = promoted_at.as_str().unwrap().replace('+', "%2B");
    let then = api.get(&format!("/v1/versions/fraud@production?at={at}")).await;
    assert_eq!(then["id"], before["id"]);
    assert_eq!(api.get("/v1/versions/fraud@production").await["semver"], "1.1.0");
    let early = api
        .error(
            "GET",
            "/v1/versions/fraud@production?at=2000-01-01T00:00:00Z",
            Value::Null,
            404,
            "not_found",
        )
        .await;
    assert_eq!(early["error"]["entity"], "model_version");
    let bad = api
        .error(
            "GET",
            "/v1/versions/fraud@production?at=yesterday",
            Value::Null,
            400,
            "invalid",
        )
        .await;
    assert_eq!(bad["error"]["field"], "at");
    let latest = api
        .error(
            "GET",
            "/v1/versions/fraud@latest?at=2030-01-01T00:00:00Z",
            Value::Null,
            422,
            "invalid",
        )
        .await;
    assert_eq!(latest["error"]["field"], "at");
}

async fn a_version_is_edited_moved_and_deleted_by_reference(api: &Api) {
    fixture(api).await;
    let edit =
        json!({"description": "first line\nsecond", "set_metadata": {"auc": 0.91}, "size_bytes": 5_000_000_000_i64});
    let edited = api.ok("PATCH", "/v1/versions/fraud@1.1.0", edit).await;
    assert_eq!(edited["description"], "first line\nsecond");
    assert_eq!(edited["metadata"]["auc"], 0.91);
    assert_eq!(edited["size_bytes"], 5_000_000_000_i64);
    let again = api
        .error(
            "PATCH",
            "/v1/versions/fraud@1.1.0",
            json!({"size_bytes": 1}),
            422,
            "invalid",
        )
        .await;
    assert_eq!(again["error"]["field"], "size_bytes");
    let cleared = api
        .ok("PATCH", "/v1/versions/fraud@1.1.0", json!({"description": null}))
        .await;
    assert!(cleared["description"].is_null());
    api.error(
        "PATCH",
        "/v1/versions/fraud@1.1.0",
        json!({"semver": "9.0.0"}),
        422,
        "invalid",
    )
    .await;
    let moved = api
        .ok(
            "PUT",
            "/v1/versions/fraud@1.1.0/status",
            json!({"status": "production"}),
        )
        .await;
    assert_eq!(moved["status"], "production");
    assert_eq!(api.get("/v1/versions/fraud@1.0.0").await["status"], "archived");
    let (status, _) = api.call("DELETE", "/v1/versions/fraud@1.1.0", Value::Null).await;
    assert_eq!(status, 204);
    api.error("GET", "/v1/versions/fraud@1.1.0", Value::Null, 404, "not_found")
        .await;
    api.error("DELETE", "/v1/versions/fraud@1.1.0", Value::Null, 404, "not_found")
        .await;
}

async fn registering_again_is_idempotent_and_a_difference_names_its_fields(api: &Api) {
    fixture(api).await;
    let same = json!({"semver": "1.1.0", "artifact_uri": "s3://m/1.1.0", "framework": "onnx", "checksum_sha256": SHA});
    let (status, again) = api.call("POST", "/v1/models/fraud/versions", same).await;
    assert_eq!(status, 200, "{again}");
    assert_eq!(again["id"], api.get("/v1/versions/fraud@1.1.0").await["id"]);
    let other =
        json!({"semver": "1.1.0", "artifact_uri": "s3://elsewhere", "framework": "sklearn", "checksum_sha256": SHA});
    let mismatch = api
        .error("POST", "/v1/models/fraud/versions", other, 409, "conflict")
        .await;
    assert_eq!(mismatch["error"]["entity"], "model_version");
    assert_eq!(mismatch["error"]["key"], "fraud@1.1.0");
    assert_eq!(mismatch["error"]["fields"], json!(["artifact_uri", "framework"]));
    let taken = api
        .error("POST", "/v1/models", json!({"name": "fraud"}), 409, "conflict")
        .await;
    assert_eq!(taken["error"]["entity"], "model");
    assert_eq!(taken["error"]["field"], "name");
    assert_eq!(taken["error"]["value"], "fraud");
}

async fn versions_are_found_by_checksum_in_any_case(api: &Api) {
    fixture(api).await;
    api.ok("POST", "/v1/models", json!({"name": "churn"})).await;
    let copy = json!({"semver": "3.0.0", "artifact_uri": "s3://copy", "framework": "onnx", "checksum_sha256": SHA.to_lowercase()});
    api.ok("POST", "/v1/models/churn/versions", copy).await;
    let found = api.get(&format!("/v1/checksums/{SHA}/versions")).await;
    let mut models: Vec<&str> = found
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["model"]["name"].as_str().unwrap())
        .collect();
    models.sort();
    assert_eq!(models, ["churn", "fraud"]);
    assert_eq!(api.count(&format!("/v1/checksums/{SHA}/versions?limit=1")).await, 1);
    assert_eq!(
        api.count(&format!("/v1/checksums/{}/versions", "0".repeat(64))).await,
        0
    );
    let bad = api
        .error("GET", "/v1/checksums/xyz/versions", Value::Null, 422, "invalid")
        .await;
    assert_eq!(bad["error"]["field"], "checksum_sha256");
}

async fn runs_metrics_and_deployments_hang_off_a_reference(api: &Api) {
    fixture(api).await;
    api.ok(
        "POST",
        "/v1/environments",
        json!({"name": "prod", "kind": "production"}),
    )
    .await;
    let (status, run) = api
        .call(
            "POST",
            "/v1/versions/fraud@champion/runs",
            json!({"run_name": "nightly"}),
        )
        .await;
    assert_eq!(status, 201, "{run}");
    assert_eq!(api.count("/v1/versions/fraud@1.0.0/runs").await, 1);
    assert_eq!(api.count("/v1/versions/fraud@1.0.0/runs?status=succeeded").await, 0);
    let metric = json!({"name": "auc", "value": 0.9, "split": "test"});
    let (status, _) = api.call("POST", "/v1/versions/fraud@production/metrics", metric).await;
    assert_eq!(status, 201);
    assert_eq!(api.count("/v1/versions/fraud@1.0.0/metrics?name=auc").await, 1);
    assert_eq!(api.count("/v1/versions/fraud@1.0.0/metrics?split=train").await, 0);
    assert_eq!(
        api.get("/v1/versions/fraud@1.0.0/metrics/latest").await[0]["value"],
        0.9
    );
    let by_id = api.get("/v1/versions/fraud@1.0.0").await["id"].clone();
    let deploy = json!({"version": by_id, "environment": "prod", "deployment": {"name": "api"}});
    let (status, deployed) = api.call("POST", "/v1/deployments", deploy).await;
    assert_eq!(status, 201, "{deployed}");
    assert_eq!(api.count("/v1/versions/fraud@champion/deployments").await, 1);
    assert_eq!(
        api.count("/v1/versions/fraud@1.0.0/deployments?status=healthy").await,
        0
    );
    let both = json!({"version": "fraud@1.0.0", "model": "fraud", "semver": "1.0.0", "environment": "prod", "deployment": {"name": "api"}});
    let refused = api.error("POST", "/v1/deployments", both, 422, "invalid").await;
    assert_eq!(refused["error"]["field"], "version");
    api.error("GET", "/v1/versions/fraud@9.0.0/runs", Value::Null, 404, "not_found")
        .await;
}

async fn name_colon_marks_a_name_whatever_it_looks_like(api: &Api) {
    let model = fixture(api).await;
    let id = model["id"].as_str().unwrap();
    // A model named after another model's id: the id wins, `name:` reaches the name.
    let twin = api.ok("POST", "/v1/models", json!({"name": id})).await;
    assert_eq!(api.get(&format!("/v1/models/{id}")).await["id"], id);
    assert_eq!(api.get(&format!("/v1/models/name:{id}")).await["id"], twin["id"]);
    let body = json!({"semver": "7.0.0", "artifact_uri": "s3://twin", "framework": "onnx"});
    api.ok("POST", &format!("/v1/models/name:{id}/versions"), body).await;
    assert_eq!(
        api.get(&format!("/v1/versions/name:{id}@7.0.0")).await["model_id"],
        twin["id"]
    );
    api.error(
        "GET",
        &format!("/v1/versions/{id}@7.0.0"),
        Value::Null,
        404,
        "not_found",
    )
    .await;
    // `name:` always marks a name: a model named like a route, `.`, or `name:…` itself.
    for name in ["search", ".", "..", "name:plain"] {
        api.ok("POST", "/v1/models", json!({"name": name})).await;
        let path = format!(
            "/v1/models/name:{}",
            form_urlencoded::byte_serialize(name.as_bytes()).collect::<String>()
        );
        assert_eq!(api.get(&path).await["name"], name);
        api.ok("PATCH", &path, json!({"description": "reached"})).await;
    }
    assert_eq!(
        api.get("/v1/models/fraud").await["name"],
        "fraud",
        "a plain name is still a name"
    );
}

on_every_backend!(
    name_colon_marks_a_name_whatever_it_looks_like,
    every_kind_of_reference_reaches_a_version,
    a_reference_resolves_as_of_an_instant,
    a_version_is_edited_moved_and_deleted_by_reference,
    registering_again_is_idempotent_and_a_difference_names_its_fields,
    versions_are_found_by_checksum_in_any_case,
    runs_metrics_and_deployments_hang_off_a_reference,
);
