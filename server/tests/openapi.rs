//! The OpenAPI document: it is what the server serves, it lists exactly the
//! routes the router answers, its security follows the tokens, and the bounds
//! of its query parameters are the ones the registry enforces.

mod common;

use std::collections::BTreeSet;

use common::{Api, READER};
use serde_json::{Value, json};

/// Every route of the API, as `METHOD path`.
const ROUTES: &[&str] = &[
    "GET /healthz",
    "GET /readyz",
    "GET /openapi.json",
    "POST /v1/teams",
    "GET /v1/teams",
    "GET /v1/teams/{name}",
    "PATCH /v1/teams/{name}",
    "DELETE /v1/teams/{name}",
    "POST /v1/teams/{name}/deactivate",
    "GET /v1/teams/{name}/metrics",
    "POST /v1/models",
    "GET /v1/models",
    "GET /v1/models/search",
    "GET /v1/models/{name}",
    "PATCH /v1/models/{name}",
    "DELETE /v1/models/{name}",
    "GET /v1/models/{name}/summary",
    "GET /v1/models/{name}/tags",
    "PUT /v1/models/{name}/tags/{tag}",
    "DELETE /v1/models/{name}/tags/{tag}",
    "GET /v1/tags",
    "GET /v1/tags/{tag}/models",
    "POST /v1/models/{name}/versions",
    "GET /v1/models/{name}/versions",
    "GET /v1/models/{name}/versions/{semver}",
    "DELETE /v1/models/{name}/versions/{semver}",
    "PUT /v1/models/{name}/versions/{semver}/status",
    "GET /v1/models/{name}/latest",
    "GET /v1/models/{name}/production",
    "GET /v1/production",
    "POST /v1/models/{name}/versions/{semver}/runs",
    "GET /v1/models/{name}/versions/{semver}/runs",
    "GET /v1/models/{name}/runs",
    "GET /v1/runs/{id}",
    "POST /v1/runs/{id}/finish",
    "GET /v1/cost",
    "POST /v1/models/{name}/versions/{semver}/metrics",
    "GET /v1/models/{name}/versions/{semver}/metrics",
    "GET /v1/models/{name}/versions/{semver}/metrics/latest",
    "POST /v1/environments",
    "GET /v1/environments",
    "GET /v1/environments/{name}",
    "PATCH /v1/environments/{name}",
    "POST /v1/environments/{name}/deactivate",
    "POST /v1/deployments",
    "GET /v1/deployments",
    "GET /v1/deployments/active",
    "GET /v1/deployments/{id}",
    "PUT /v1/deployments/{id}/status",
    "PUT /v1/deployments/{id}/replicas",
    "POST /v1/deployments/{id}/rollback",
    "POST /v1/deployments/{id}/terminate",
    "GET /v1/audit",
    "GET /v1/reports/deployments",
    "GET /v1/reports/stale",
    "GET /v1/stats",
    "GET /v1/models/{name}/overview",
    "GET /v1/versions",
    "GET /v1/versions/{version}",
    "PATCH /v1/versions/{version}",
    "DELETE /v1/versions/{version}",
    "PUT /v1/versions/{version}/status",
    "PUT /v1/versions/{version}/aliases/{alias}",
    "GET /v1/models/{name}/aliases",
    "DELETE /v1/models/{name}/aliases/{alias}",
    "GET /v1/models/{name}/history",
    "GET /v1/checksums/{sha256}/versions",
    "POST /v1/versions/{version}/runs",
    "GET /v1/versions/{version}/runs",
    "GET /v1/runs",
    "POST /v1/versions/{version}/metrics",
    "GET /v1/versions/{version}/metrics",
    "GET /v1/versions/{version}/metrics/latest",
    "GET /v1/versions/{version}/deployments",
    "PATCH /v1/tags/{tag}",
    "DELETE /v1/tags/{tag}",
    "GET /v1/reports/drift",
    "GET /v1/models/{name}/drift",
    "GET /v1/schema",
    "GET /v1/export",
];

/// The operation ids of [`ROUTES`], as generated clients know them.
#[rustfmt::skip]
const OPERATION_IDS: &[&str] = &[
    "healthz", "readyz", "openapi",
    "create_team", "list_teams", "get_team", "update_team", "deactivate_team", "delete_team", "team_metrics",
    "create_model", "list_models", "search_models", "get_model", "update_model", "delete_model", "model_summary",
    "model_tags", "add_tag", "remove_tag", "list_tags", "models_by_tag",
    "register_version", "list_versions", "get_version", "set_version_status", "delete_version", "latest_version",
    "production_version", "production_versions",
    "start_run", "runs_of_version", "runs_of_model", "get_run", "finish_run", "cost",
    "record_metric", "list_metrics", "latest_metrics",
    "create_environment", "list_environments", "get_environment", "update_environment", "deactivate_environment",
    "deploy", "list_deployments", "active_deployments", "get_deployment", "set_deployment_status",
    "scale_deployment", "rollback", "terminate",
    "audit", "deployment_report", "stale_report", "stats",
    "model_overview", "find_versions", "resolve_version", "update_version", "delete_version_by_ref",
    "set_status_by_ref", "set_alias", "model_aliases", "remove_alias", "model_history", "versions_by_checksum",
    "start_version_run", "version_runs", "find_runs", "record_version_metric", "version_metrics",
    "latest_version_metrics", "version_deployments", "update_tag", "delete_tag", "drift_report", "model_drift",
    "schema_version", "export",
];

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

/// `METHOD path` of every operation in `doc`.
fn operations(doc: &Value) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in METHODS {
            if item.get(method).is_some() {
                found.insert(format!("{} {path}", method.to_uppercase()));
            }
        }
    }
    found
}

/// `path` with every `{param}` replaced by a value the fixture has.
fn concrete(path: &str) -> String {
    path.replace("{name}", "fraud")
        .replace("{semver}", "1.0.0")
        .replace("{tag}", "payments")
        .replace("{id}", "00000000-0000-4000-8000-000000000000")
        .replace("{version}", "fraud@1.0.0")
        .replace("{alias}", "champion")
        .replace("{sha256}", &"a".repeat(64))
}

async fn served(api: &Api) -> Value {
    api.get("/openapi.json").await
}

#[tokio::test]
async fn the_served_document_is_the_librarys() {
    let api = Api::sqlite().await;
    let doc = served(&api).await;
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    assert_eq!(doc, serde_json::to_value(modelreg_server::openapi(true)).unwrap());
    let open = Api::sqlite_with(Vec::new()).await;
    let (status, open_doc) = open.call_as(None, "GET", "/openapi.json", Value::Null).await;
    assert_eq!(status, 200);
    assert_eq!(open_doc, serde_json::to_value(modelreg_server::openapi(false)).unwrap());
}

#[tokio::test]
async fn the_document_lists_exactly_the_routes_of_the_api() {
    let doc = serde_json::to_value(modelreg_server::openapi(true)).unwrap();
    let expected: BTreeSet<String> = ROUTES.iter().map(|r| r.to_string()).collect();
    assert_eq!(operations(&doc), expected);
    let ids: BTreeSet<String> = expected
        .iter()
        .map(|route| {
            let (method, path) = route.split_once(' ').unwrap();
            doc["paths"][path][method.to_lowercase()]["operationId"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    let stable: BTreeSet<String> = OPERATION_IDS.iter().map(|id| id.to_string()).collect();
    assert_eq!(
        ids, stable,
        "operation ids are unique and stay what clients generated code from"
    );
}

#[tokio::test]
async fn every_documented_operation_is_routed_and_no_other_method_is() {
    let api = Api::sqlite().await;
    let doc = served(&api).await;
    for (path, item) in doc["paths"].as_object().unwrap() {
        let url = concrete(path);
        for method in METHODS {
            let (status, body) = api.call(&method.to_uppercase(), &url, Value::Null).await;
            if item.get(method).is_some() {
                let fallback = status == 404
                    && body["error"]["message"]
                        .as_str()
                        .unwrap_or("")
                        .contains("no such endpoint");
                assert!(
                    !fallback && status != 405,
                    "{method} {path} is documented but not routed: {status} {body}"
                );
                let documented = item[method]["responses"].get(status.to_string()).is_some();
                assert!(
                    documented,
                    "{method} {path} answered {status}, which it does not document: {body}"
                );
            } else {
                assert_eq!(status, 405, "{method} {path} is routed but not documented: {body}");
                common::assert_error_shape(&body, "method_not_allowed");
            }
        }
    }
}

#[tokio::test]
async fn security_and_auth_errors_are_documented_only_with_tokens() {
    let with = serde_json::to_value(modelreg_server::openapi(true)).unwrap();
    let without = serde_json::to_value(modelreg_server::openapi(false)).unwrap();
    assert_eq!(with["security"], json!([{"bearer": []}]));
    assert_eq!(with["components"]["securitySchemes"]["bearer"]["scheme"], "bearer");
    assert!(without.get("security").is_none() || without["security"].is_null());
    assert!(without["components"].get("securitySchemes").is_none());
    let teams = |doc: &Value| doc["paths"]["/v1/teams"]["post"]["responses"].clone();
    for status in ["401", "403"] {
        assert!(teams(&with).get(status).is_some());
        assert!(teams(&without).get(status).is_none());
        assert!(with["paths"]["/healthz"]["get"]["responses"].get(status).is_none());
    }
    for doc in [&with, &without] {
        for route in ROUTES {
            let (method, path) = route.split_once(' ').unwrap();
            let responses = &doc["paths"][path][method.to_lowercase()]["responses"];
            for status in ["400", "408", "413", "422", "500", "503", "507"] {
                assert_eq!(
                    responses[status]["content"]["application/json"]["schema"]["$ref"],
                    "#/components/schemas/ErrorBody",
                    "{route} documents {status}"
                );
            }
        }
        let codes = &doc["components"]["schemas"]["ErrorCode"]["enum"];
        for code in ["unavailable", "storage_full", "internal", "timeout", "too_large"] {
            assert!(codes.as_array().unwrap().contains(&json!(code)), "{codes}");
        }
    }
}

/// A model `fraud` with version 1.0.0 tagged `payments`, and environment `prod`.
async fn fixture(api: &Api) {
    api.ok("POST", "/v1/models", json!({"name": "fraud"})).await;
    let version = json!({"semver": "1.0.0", "artifact_uri": "s3://m", "framework": "onnx"});
    api.ok("POST", "/v1/models/fraud/versions", version).await;
    api.ok("PUT", "/v1/models/fraud/tags/payments", Value::Null).await;
    api.ok(
        "POST",
        "/v1/environments",
        json!({"name": "prod", "kind": "production"}),
    )
    .await;
}

/// What a listing needs besides its paging.
fn required_query(path: &str) -> &'static str {
    match path {
        "/v1/models/search" => "q=fr&",
        "/v1/deployments" => "environment=prod&",
        _ => "",
    }
}

#[tokio::test]
async fn query_parameter_bounds_are_the_ones_the_registry_enforces() {
    let api = Api::sqlite().await;
    fixture(&api).await;
    let doc = served(&api).await;
    let mut checked = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        let Some(parameters) = item["get"]["parameters"].as_array() else {
            continue;
        };
        for parameter in parameters.iter().filter(|p| p["in"] == "query") {
            let name = parameter["name"].as_str().unwrap();
            let schema = &parameter["schema"];
            let url = |value: String| format!("{}?{}{name}={value}", concrete(path), required_query(path));
            if let Some(max) = schema["maximum"].as_u64() {
                let (status, body) = api.call("GET", &url(max.to_string()), Value::Null).await;
                assert_eq!(status, 200, "{path} {name}={max}: {body}");
                let (status, body) = api
                    .call("GET", &url((u128::from(max) + 1).to_string()), Value::Null)
                    .await;
                assert!(
                    (400..500).contains(&status),
                    "{path} {name}={} is refused: {body}",
                    max + 1
                );
                assert_error_shape_of_bounds(&body, name);
                checked += 1;
            }
            if let Some(min) = schema["minimum"].as_i64() {
                let (status, body) = api.call("GET", &url(min.to_string()), Value::Null).await;
                assert_eq!(status, 200, "{path} {name}={min}: {body}");
                let (status, body) = api.call("GET", &url((min - 1).to_string()), Value::Null).await;
                assert!(
                    (400..500).contains(&status),
                    "{path} {name}={} is refused: {body}",
                    min - 1
                );
                assert_error_shape_of_bounds(&body, name);
                checked += 1;
            }
            if name == "limit" || name == "skip" || name == "days" {
                assert!(schema["maximum"].is_number(), "{path} {name} has a maximum");
            }
        }
    }
    assert!(checked >= 30, "only {checked} bounds checked");
    let lists = list_routes(&doc);
    assert!(lists.len() >= 17, "{lists:?}");
    for path in lists {
        let documented: Vec<&str> = doc["paths"][path.as_str()]["get"]["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|p| p["in"] == "query")
            .filter_map(|p| p["name"].as_str())
            .collect();
        for name in ["skip", "limit"] {
            assert!(
                documented.contains(&name),
                "list route {path} documents {name}: {documented:?}"
            );
        }
    }
}

/// A refusal of a parameter past its bound names the parameter.
fn assert_error_shape_of_bounds(body: &Value, name: &str) {
    common::assert_error_shape(body, "invalid");
    assert_eq!(body["error"]["field"], name, "{body}");
}

/// The paths whose GET answers a JSON array.
fn list_routes(doc: &Value) -> Vec<String> {
    doc["paths"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(_, item)| item["get"]["responses"]["200"]["content"]["application/json"]["schema"]["type"] == "array")
        .map(|(path, _)| path.clone())
        .collect()
}

/// Two of everything each listing lists (and a third model that is never trained).
async fn two_of_everything(api: &Api) {
    for team in ["ml", "risk"] {
        api.ok("POST", "/v1/teams", json!({"name": team})).await;
    }
    for env in ["prod", "staging"] {
        api.ok("POST", "/v1/environments", json!({"name": env, "kind": "production"}))
            .await;
    }
    for model in ["fraud", "churn", "idle"] {
        api.ok("POST", "/v1/models", json!({"name": model})).await;
    }
    // One artifact, registered three times: the checksum lists them all.
    for (model, semver) in [("fraud", "1.0.0"), ("fraud", "1.1.0"), ("churn", "1.0.0")] {
        let version = json!({"semver": semver, "artifact_uri": "s3://m", "framework": "onnx",
            "checksum_sha256": "a".repeat(64)});
        api.ok("POST", &format!("/v1/models/{model}/versions"), version).await;
    }
    for model in ["fraud", "churn"] {
        let version = format!("/v1/models/{model}/versions/1.0.0");
        api.ok("PUT", &format!("{version}/status"), json!({"status": "production"}))
            .await;
        for tag in ["payments", "tier-1"] {
            api.ok("PUT", &format!("/v1/models/fraud/tags/{tag}"), Value::Null)
                .await;
            api.ok("PUT", &format!("/v1/models/{model}/tags/{tag}"), Value::Null)
                .await;
        }
        let deploy = json!({"model": model, "semver": "1.0.0", "environment": "prod",
            "deployment": {"name": "d", "status": "healthy"}});
        api.ok("POST", "/v1/deployments", deploy).await;
    }
    for alias in ["champion", "shadow"] {
        api.ok("PUT", &format!("/v1/versions/fraud@1.0.0/aliases/{alias}"), Value::Null)
            .await;
    }
    // Two deployments of fraud@1.0.0, and two of 1.1.0 that drift from production.
    for (semver, env) in [("1.0.0", "staging"), ("1.1.0", "prod"), ("1.1.0", "staging")] {
        let deploy = json!({"version": format!("fraud@{semver}"), "environment": env,
            "deployment": {"name": "d", "status": "healthy"}});
        api.ok("POST", "/v1/deployments", deploy).await;
    }
    let version = "/v1/models/fraud/versions/1.0.0";
    for (run, metric) in [("a", "auc"), ("b", "f1")] {
        api.ok("POST", &format!("{version}/runs"), json!({"run_name": run}))
            .await;
        let metric = json!({"name": metric, "value": 0.5, "split": "test"});
        api.ok("POST", &format!("{version}/metrics"), metric).await;
    }
}

#[tokio::test]
async fn every_list_route_pages_with_skip_and_limit() {
    let api = Api::sqlite().await;
    two_of_everything(&api).await;
    let doc = served(&api).await;
    for path in list_routes(&doc) {
        let url = |paging: &str| {
            let query = match path.as_str() {
                "/v1/models/search" => "q=r&",
                "/v1/deployments" => "environment=prod&",
                "/v1/reports/stale" => "days=1&",
                _ => "",
            };
            format!("{}?{query}{paging}", concrete(&path))
        };
        let all = api.get(&url("")).await;
        let all = all.as_array().unwrap();
        assert!(all.len() >= 2, "{path} lists two: {all:?}");
        let first = api.get(&url("limit=1")).await;
        assert_eq!(first.as_array().unwrap(), &all[..1], "{path} limit=1");
        let second = api.get(&url("skip=1&limit=1")).await;
        assert_eq!(second.as_array().unwrap(), &all[1..2], "{path} skip=1&limit=1");
        // Far past the end (within what the route documents: a history pages
        // within its newest 10,000 entries).
        let far = doc["paths"][path.as_str()]["get"]["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == "skip")
            .and_then(|p| p["schema"]["maximum"].as_u64())
            .map_or(1_000_000, |max| max.min(1_000_000));
        assert_eq!(api.count(&url(&format!("skip={far}"))).await, 0, "{path} skip={far}");
    }
}

#[tokio::test]
async fn a_read_only_token_may_read_the_document() {
    let api = Api::sqlite().await;
    let (status, doc) = api.call_as(Some(READER), "GET", "/openapi.json", Value::Null).await;
    assert_eq!(status, 200);
    assert!(doc["paths"].as_object().unwrap().len() >= 40);
}
