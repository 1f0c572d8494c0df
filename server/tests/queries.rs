//! The query language on the list routes: `filter`, `sort` and
//! `page_token`, the next page's token in `X-Next-Page-Token`, the fixed
//! filters combined with a query, and the fields each route documents.

mod common;

use common::{ADMIN, Api, on_every_backend};
use modelreg_core::query::{Entity, Source};
use serde_json::{Value, json};

/// `text` as a query-string value.
fn enc(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// `GET path` as `ci`: the JSON list and the next page's token.
async fn page(api: &Api, path: &str) -> (Vec<Value>, Option<String>) {
    let response = api.send(Some(ADMIN), "GET", path, &Value::Null).await;
    assert_eq!(response.status(), 200, "GET {path}");
    let next = response
        .headers()
        .get("x-next-page-token")
        .map(|v| v.to_str().unwrap().to_owned());
    let rows: Value = response.json().await.unwrap();
    (rows.as_array().unwrap().clone(), next)
}

fn names(rows: &[Value], key: &str) -> Vec<String> {
    rows.iter().map(|r| r[key].as_str().unwrap().to_owned()).collect()
}

/// Three models of two teams, versions with metadata, runs, deployments.
async fn fixture(api: &Api) {
    api.ok("POST", "/v1/teams", json!({"name": "risk"})).await;
    for (name, risk, team) in [
        ("alpha", "high", Some("risk")),
        ("beta", "low", None),
        ("gamma", "high", None),
    ] {
        api.ok(
            "POST",
            "/v1/models",
            json!({"name": name, "risk_level": risk, "team": team}),
        )
        .await;
    }
    api.ok(
        "POST",
        "/v1/environments",
        json!({"name": "prod", "kind": "production"}),
    )
    .await;
    for (model, semver, auc) in [
        ("alpha", "1.0.0", 0.8),
        ("alpha", "1.1.0", 0.95),
        ("beta", "1.0.0", 0.99),
    ] {
        let body =
            json!({"semver": semver, "artifact_uri": "s3://m", "framework": "xgboost", "metadata": {"auc": auc}});
        api.ok("POST", &format!("/v1/models/{model}/versions"), body).await;
        let run = json!({"run_name": format!("{model}-{semver}"), "cost_usd": auc * 100.0});
        api.ok("POST", &format!("/v1/versions/{model}@{semver}/runs"), run)
            .await;
        let deploy =
            json!({"version": format!("{model}@{semver}"), "environment": "prod", "deployment": {"name": model}});
        api.ok("POST", "/v1/deployments", deploy).await;
    }
}

async fn models_are_filtered_sorted_and_paged_with_a_token(api: &Api) {
    fixture(api).await;
    let high = enc("risk_level = 'high'");
    let (rows, next) = page(
        api,
        &format!("/v1/models?filter={high}&sort={}&limit=1", enc("name desc")),
    )
    .await;
    assert_eq!(names(&rows, "name"), ["gamma"]);
    let token = next.expect("a full page has a next token");
    let (rows, next) = page(
        api,
        &format!(
            "/v1/models?filter={high}&sort={}&limit=1&page_token={}",
            enc("name desc"),
            enc(&token)
        ),
    )
    .await;
    assert_eq!(names(&rows, "name"), ["alpha"]);
    let (rows, next) = match next {
        Some(token) => {
            let path = format!(
                "/v1/models?filter={high}&sort={}&limit=1&page_token={}",
                enc("name desc"),
                enc(&token)
            );
            page(api, &path).await
        }
        None => (Vec::new(), None),
    };
    assert!(rows.is_empty() && next.is_none(), "the last page ends the listing");
    // Fixed filters combine with a query; an empty filter asks for the query language.
    let (rows, _) = page(
        api,
        &format!("/v1/models?risk_level=high&filter={}", enc("name != 'gamma'")),
    )
    .await;
    assert_eq!(names(&rows, "name"), ["alpha"]);
    let (rows, next) = page(api, "/v1/models?team=risk&filter=&limit=1").await;
    assert_eq!(names(&rows, "name"), ["alpha"]);
    assert!(next.is_some());
    // Without the query language the route answers as it always did: no token.
    let (rows, next) = page(api, "/v1/models?limit=1").await;
    assert_eq!(names(&rows, "name"), ["alpha"]);
    assert!(next.is_none());
    api.error("GET", "/v1/models?team=ghost&filter=", Value::Null, 404, "not_found")
        .await;
    let both = api
        .error(
            "GET",
            &format!("/v1/models?filter=&skip=1&page_token={}", enc(&token)),
            Value::Null,
            422,
            "invalid",
        )
        .await;
    assert_eq!(both["error"]["field"], "offset");
    let typo = api
        .error(
            "GET",
            &format!("/v1/models?filter={}", enc("risk_levl = 'high'")),
            Value::Null,
            422,
            "invalid",
        )
        .await;
    assert_eq!(typo["error"]["field"], "filter");
    assert!(typo["error"]["reason"].as_str().unwrap().contains("column"), "{typo}");
    let stale = api
        .error(
            "GET",
            &format!("/v1/models?filter=&page_token={}", enc(&token)),
            Value::Null,
            422,
            "invalid",
        )
        .await;
    assert_eq!(
        stale["error"]["field"], "page_token",
        "a token belongs to its filter and sort"
    );
}

async fn versions_runs_deployments_and_audit_answer_queries(api: &Api) {
    fixture(api).await;
    let good = enc("metadata.auc >= 0.9");
    let (rows, _) = page(api, &format!("/v1/versions?filter={good}&sort=semver")).await;
    assert_eq!(rows.len(), 2);
    // A sort by a JSON path, a page at a time.
    let by_auc = format!("/v1/versions?filter={good}&sort={}&limit=1", enc("metadata.auc desc"));
    let (first, token) = page(api, &by_auc).await;
    let token = token.expect("a second page");
    let (second, _) = page(api, &format!("{by_auc}&page_token={}", enc(&token))).await;
    let auc = |rows: &[Value]| rows[0]["metadata"]["auc"].as_f64().expect("a number");
    assert!(auc(&first) >= auc(&second), "{first:?} before {second:?}");
    assert_ne!(first[0]["id"], second[0]["id"]);
    let (rows, _) = page(api, &format!("/v1/versions?model=alpha&filter={good}")).await;
    assert_eq!(names(&rows, "semver"), ["1.1.0"]);
    let (rows, _) = page(api, "/v1/versions?model=alpha&status=production").await;
    assert!(rows.is_empty());
    api.error("GET", "/v1/versions?model=ghost", Value::Null, 404, "not_found")
        .await;
    let (rows, _) = page(
        api,
        &format!("/v1/runs?filter={}&sort={}", enc("cost_usd > 90"), enc("cost_usd desc")),
    )
    .await;
    assert_eq!(names(&rows, "run_name"), ["beta-1.0.0", "alpha-1.1.0"]);
    let (rows, _) = page(api, "/v1/runs?model=alpha").await;
    assert_eq!(rows.len(), 2);
    let (rows, _) = page(api, &format!("/v1/runs?version={}", enc("alpha@1.0.0"))).await;
    assert_eq!(names(&rows, "run_name"), ["alpha-1.0.0"]);
    let (rows, _) = page(api, "/v1/runs?status=succeeded").await;
    assert!(rows.is_empty());
    let (rows, _) = page(api, &format!("/v1/deployments?filter={}", enc("model.name = 'alpha'"))).await;
    assert_eq!(rows.len(), 2);
    let (rows, _) = page(
        api,
        &format!(
            "/v1/deployments?environment=prod&filter={}",
            enc("version.semver >= '1.1.0'")
        ),
    )
    .await;
    assert_eq!(names(&rows, "name"), ["alpha"]);
    let (rows, _) = page(api, &format!("/v1/audit?filter={}", enc("action = 'deploy'"))).await;
    assert_eq!(rows.len(), 3);
    let (rows, _) = page(
        api,
        &format!("/v1/audit?actor=ci&filter={}", enc("entity_type = 'team'")),
    )
    .await;
    assert_eq!(rows.len(), 1);
    let (rows, _) = page(
        api,
        &format!("/v1/audit?actor=nobody&filter={}", enc("entity_type = 'team'")),
    )
    .await;
    assert!(rows.is_empty());
}

/// The entity whose fields a list route's `filter` takes.
fn entity_of(path: &str) -> Entity {
    match path {
        "/v1/models" => Entity::Models,
        "/v1/versions" => Entity::Versions,
        "/v1/runs" => Entity::Runs,
        "/v1/deployments" => Entity::Deployments,
        "/v1/audit" => Entity::AuditEvents,
        other => panic!("{other} takes no filter"),
    }
}

#[tokio::test]
async fn every_filter_parameter_documents_the_fields_it_takes() {
    let doc = serde_json::to_value(modelreg_server::openapi(true)).unwrap();
    let mut routes = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        let parameters = item["get"]["parameters"].as_array().cloned().unwrap_or_default();
        let Some(filter) = parameters.iter().find(|p| p["name"] == "filter") else {
            continue;
        };
        routes.push(path.clone());
        let text = filter["description"].as_str().unwrap();
        for field in entity_of(path).fields() {
            let shown = match field.source {
                Source::Json(_) => format!("{}.PATH", field.name),
                _ => field.name.to_owned(),
            };
            assert!(
                text.contains(&shown),
                "{path}: filter does not document {shown}: {text}"
            );
        }
        for name in ["sort", "page_token"] {
            assert!(parameters.iter().any(|p| p["name"] == name), "{path} documents {name}");
        }
        let headers = &item["get"]["responses"]["200"]["headers"];
        assert!(headers.get("X-Next-Page-Token").is_some(), "{path}: {headers}");
    }
    routes.sort();
    assert_eq!(
        routes,
        ["/v1/audit", "/v1/deployments", "/v1/models", "/v1/runs", "/v1/versions"]
    );
}

on_every_backend!(
    models_are_filtered_sorted_and_paged_with_a_token,
    versions_runs_deployments_and_audit_answer_queries,
);
