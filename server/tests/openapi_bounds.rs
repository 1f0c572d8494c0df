//! Every bound a request schema of the OpenAPI document states (lengths,
//! minimums, enum values, patterns, required fields) is checked against what
//! the registry accepts over HTTP: a value at the bound is accepted, one past
//! it is refused naming the field. So the document cannot drift from
//! validation; a new request schema must be added to `send` below.

mod common;

use std::sync::atomic::{AtomicU32, Ordering};

use common::Api;
use serde_json::{Map, Value, json};

/// Enum values a type allows but a rule of the registry refuses in this request.
const REFUSED_VALUES: &[(&str, &str, &str)] = &[
    // A new deployment cannot start terminated.
    ("NewDeployment", "status", "terminated"),
    // A run finishes as succeeded, failed, cancelled or timeout.
    ("RunFinish", "status", "running"),
];

/// Strings that name another entity (looked up, never stored), so have no length bound.
const REFERENCES: &[(&str, &str)] = &[
    ("DeployBody", "model"),
    ("DeployBody", "semver"),
    ("DeployBody", "environment"),
    ("DeployBody", "version"),
];

/// Text fields whose schema in core states no pattern yet (the annotation
/// belongs in core/src/versions.rs); their control characters are still
/// checked below.
const WITHOUT_PATTERN: &[(&str, &str)] = &[
    ("VersionUpdate", "framework_version"),
    ("VersionUpdate", "python_version"),
];

static NEXT: AtomicU32 = AtomicU32::new(1);

/// A number no other probe of this test uses, for unique names.
fn fresh() -> u32 {
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// A valid body of `schema`: its required fields, with unique names.
fn baseline(schema: &str, n: u32) -> Value {
    match schema {
        "NewTeam" => json!({"name": format!("team-{n}")}),
        "NewModel" => json!({"name": format!("model-{n}")}),
        "NewVersion" => json!({"semver": format!("1.{n}.0"), "artifact_uri": "s3://a", "framework": "onnx"}),
        "NewRun" => json!({"run_name": "r"}),
        "RunFinish" => json!({"status": "succeeded"}),
        "NewMetric" => json!({"name": "auc", "value": 0.5, "split": "test"}),
        "NewEnvironment" => json!({"name": format!("env-{n}"), "kind": "staging"}),
        "DeployBody" => {
            json!({"model": "base", "semver": "1.0.0", "environment": "base-env", "deployment": {"name": "d"}})
        }
        "VersionStatusBody" => json!({"status": "validated"}),
        "DeploymentStatusBody" => json!({"status": "healthy"}),
        "ReplicasBody" => json!({"replicas": 1}),
        "TeamUpdate" | "ModelUpdate" | "EnvironmentUpdate" | "VersionUpdate" | "TagUpdate" => json!({}),
        other => panic!("no baseline body for request schema {other}: add one"),
    }
}

/// Sends `body` where a `schema` goes, to a target made fresh for it.
async fn send(api: &Api, schema: &str, body: Value, n: u32) -> (u16, Value) {
    let (method, path) = match schema {
        "NewTeam" => ("POST", "/v1/teams".to_owned()),
        "NewModel" => ("POST", "/v1/models".to_owned()),
        "NewVersion" => ("POST", "/v1/models/base/versions".to_owned()),
        "NewRun" => ("POST", "/v1/models/base/versions/1.0.0/runs".to_owned()),
        "NewMetric" => ("POST", "/v1/models/base/versions/1.0.0/metrics".to_owned()),
        "NewEnvironment" => ("POST", "/v1/environments".to_owned()),
        "DeployBody" => ("POST", "/v1/deployments".to_owned()),
        "TeamUpdate" => {
            api.ok("POST", "/v1/teams", json!({"name": format!("t-{n}")})).await;
            ("PATCH", format!("/v1/teams/t-{n}"))
        }
        "ModelUpdate" => {
            api.ok("POST", "/v1/models", json!({"name": format!("m-{n}")})).await;
            ("PATCH", format!("/v1/models/m-{n}"))
        }
        "EnvironmentUpdate" => {
            let env = json!({"name": format!("e-{n}"), "kind": "sandbox"});
            api.ok("POST", "/v1/environments", env).await;
            ("PATCH", format!("/v1/environments/e-{n}"))
        }
        "VersionUpdate" => {
            let version = json!({"semver": format!("4.{n}.0"), "artifact_uri": "s3://a", "framework": "onnx"});
            api.ok("POST", "/v1/models/base/versions", version).await;
            ("PATCH", format!("/v1/versions/base@4.{n}.0"))
        }
        "TagUpdate" => {
            api.ok("PUT", &format!("/v1/models/base/tags/tag-{n}"), Value::Null)
                .await;
            ("PATCH", format!("/v1/tags/tag-{n}"))
        }
        "RunFinish" => {
            let start = json!({"run_name": "r", "started_at": "2020-01-01T00:00:00Z"});
            let run = api.ok("POST", "/v1/models/base/versions/1.0.0/runs", start).await;
            ("POST", format!("/v1/runs/{}/finish", run["id"].as_str().unwrap()))
        }
        "VersionStatusBody" => {
            let version = json!({"semver": format!("3.{n}.0"), "artifact_uri": "s3://a", "framework": "onnx"});
            api.ok("POST", "/v1/models/base/versions", version).await;
            ("PUT", format!("/v1/models/base/versions/3.{n}.0/status"))
        }
        "DeploymentStatusBody" | "ReplicasBody" => {
            let deployed = api.ok("POST", "/v1/deployments", baseline("DeployBody", n)).await;
            let id = deployed["id"].as_str().unwrap();
            let what = if schema == "ReplicasBody" { "replicas" } else { "status" };
            ("PUT", format!("/v1/deployments/{id}/{what}"))
        }
        other => panic!("no route known for request schema {other}: add it to `send`"),
    };
    api.call(method, &path, body).await
}

/// What a probe must get.
#[derive(Debug)]
enum Expect {
    Accepted,
    /// 422 naming this field path.
    Refused(String),
}

/// One request of the test: `value` at `field` of the part at `at` of a `schema` body.
struct Probe<'a> {
    api: &'a Api,
    schema: &'a str,
    at: &'a str,
}

impl Probe<'_> {
    /// `field` as the API names it: `deployment.name` for `name` at `/deployment`.
    fn path(&self, field: &str) -> String {
        let parent = self.at.trim_start_matches('/').replace('/', ".");
        if parent.is_empty() {
            field.to_owned()
        } else {
            format!("{parent}.{field}")
        }
    }

    async fn check(&self, field: &str, value: Option<Value>, expect: Expect) {
        let n = fresh();
        let mut body = baseline(self.schema, n);
        let part = body.pointer_mut(self.at).and_then(Value::as_object_mut).unwrap();
        match &value {
            Some(value) => part.insert(field.to_owned(), value.clone()),
            None => part.remove(field),
        };
        let (status, answer) = send(self.api, self.schema, body, n).await;
        let shown = value.map_or("(absent)".to_owned(), |v| v.to_string());
        let what = format!("{}{} {field} = {:.80}", self.schema, self.at, shown);
        match expect {
            Expect::Accepted => assert!((200..300).contains(&status), "{what} is accepted: {status} {answer}"),
            Expect::Refused(expected) => {
                assert_eq!(status, 422, "{what} is refused: {answer}");
                assert_eq!(answer["error"]["code"], "invalid", "{what}: {answer}");
                assert_eq!(answer["error"]["field"], expected.as_str(), "{what}: {answer}");
            }
        }
    }
}

/// A valid text of `len` characters for `field`, unique thanks to `n`.
fn text(field: &str, len: usize, n: u32) -> String {
    let head = match field {
        "checksum_sha256" => String::new(),
        "semver" => format!("1.0.0-{n}x"),
        _ => format!("{n}-"),
    };
    if len < head.len() + 1 {
        return "a".repeat(len);
    }
    format!("{head}{}", "a".repeat(len - head.len()))
}

/// The schema a property's schema means: `$ref`s followed, `null` alternatives dropped.
fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> (Option<&'a str>, &'a Value) {
    if let Some(one_of) = schema["oneOf"].as_array()
        && let Some(other) = one_of.iter().find(|s| s["type"] != "null")
    {
        return resolve(doc, other);
    }
    match schema["$ref"].as_str() {
        Some(reference) => {
            let name = reference.trim_start_matches("#/components/schemas/");
            (Some(name), &doc["components"]["schemas"][name])
        }
        None => (None, schema),
    }
}

/// The primary type of a schema: `"string"` for `["string", "null"]`.
fn kind(schema: &Value) -> &str {
    match &schema["type"] {
        Value::String(t) => t,
        Value::Array(types) => types
            .iter()
            .filter_map(Value::as_str)
            .find(|t| *t != "null")
            .unwrap_or(""),
        _ => "",
    }
}

/// Checks every property of the object schema `object` (named `name`), found at `at` in a `schema` body.
async fn check_object(api: &Api, doc: &Value, schema: &str, name: &str, at: &str, object: &Value) -> usize {
    let probe = Probe { api, schema, at };
    let mut checks = 0;
    probe.check("_", None, Expect::Accepted).await;
    for required in object["required"].as_array().into_iter().flatten() {
        let field = required.as_str().unwrap();
        probe.check(field, None, Expect::Refused(probe.path(field))).await;
        checks += 1;
    }
    let properties: &Map<String, Value> = object["properties"].as_object().unwrap();
    for (field, property) in properties {
        let refused = || Expect::Refused(probe.path(field));
        let (target, resolved) = resolve(doc, property);
        if let Some(values) = resolved["enum"].as_array() {
            for value in values {
                let text = value.as_str().unwrap();
                let expect = if REFUSED_VALUES.contains(&(name, field, text)) {
                    refused()
                } else {
                    Expect::Accepted
                };
                probe.check(field, Some(value.clone()), expect).await;
            }
            probe.check(field, Some(json!("not-a-value")), refused()).await;
            checks += values.len() + 1;
            continue;
        }
        if target == Some("Ref") || resolved["format"] == "date-time" {
            continue;
        }
        if let Some(target) = target.filter(|_| resolved["properties"].is_object()) {
            let nested = format!("{at}/{field}");
            checks += Box::pin(check_object(api, doc, schema, target, &nested, resolved)).await;
            continue;
        }
        match kind(resolved) {
            "string" => {
                let Some(max) = resolved["maxLength"].as_u64() else {
                    assert!(
                        REFERENCES.contains(&(name, field)),
                        "{name}.{field} states no maxLength"
                    );
                    continue;
                };
                let max = max as usize;
                let n = fresh();
                probe
                    .check(field, Some(json!(text(field, max, n))), Expect::Accepted)
                    .await;
                probe
                    .check(field, Some(json!(text(field, max + 1, n))), refused())
                    .await;
                match resolved["minLength"].as_u64() {
                    Some(min) if min > 0 => {
                        let short = text(field, min as usize - 1, n);
                        probe.check(field, Some(json!(short)), refused()).await;
                    }
                    _ => probe.check(field, Some(json!("")), Expect::Accepted).await,
                }
                let pattern = resolved["pattern"].as_str();
                assert!(
                    pattern.is_some() || WITHOUT_PATTERN.contains(&(name, field.as_str())),
                    "{name}.{field} states no pattern"
                );
                let mut control = text(field, max.min(10), fresh());
                control.pop();
                control.push('\u{7}');
                probe.check(field, Some(json!(control)), refused()).await;
                if pattern.is_some_and(|p| p.starts_with(r"^[^\s")) {
                    let padded = format!(" {}", text(field, 5, fresh()));
                    probe.check(field, Some(json!(padded)), refused()).await;
                }
                checks += 4;
            }
            kind @ ("integer" | "number") => {
                match resolved["minimum"].as_f64() {
                    Some(min) => {
                        let (at_min, below) = if kind == "integer" {
                            (json!(min as i64), json!(min as i64 - 1))
                        } else {
                            (json!(min), json!(min - 0.5))
                        };
                        probe.check(field, Some(at_min), Expect::Accepted).await;
                        probe.check(field, Some(below), refused()).await;
                    }
                    None => probe.check(field, Some(json!(-1)), Expect::Accepted).await,
                }
                checks += 2;
            }
            "object" => {
                probe.check(field, Some(json!({"k": [1]})), Expect::Accepted).await;
                probe.check(field, Some(json!([1])), refused()).await;
                checks += 2;
            }
            _ => {}
        }
    }
    checks
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_request_schema_states_the_bounds_the_registry_enforces() {
    let api = Api::sqlite().await;
    api.ok("POST", "/v1/models", json!({"name": "base"})).await;
    let version = json!({"semver": "1.0.0", "artifact_uri": "s3://a", "framework": "onnx"});
    api.ok("POST", "/v1/models/base/versions", version).await;
    api.ok(
        "POST",
        "/v1/environments",
        json!({"name": "base-env", "kind": "production"}),
    )
    .await;
    let doc = serde_json::to_value(modelreg_server::openapi(true)).unwrap();
    let mut schemas: Vec<String> = Vec::new();
    for item in doc["paths"].as_object().unwrap().values() {
        for operation in item.as_object().unwrap().values() {
            let body = &operation["requestBody"]["content"]["application/json"]["schema"]["$ref"];
            if let Some(reference) = body.as_str() {
                schemas.push(reference.trim_start_matches("#/components/schemas/").to_owned());
            }
        }
    }
    schemas.sort();
    schemas.dedup();
    assert!(schemas.len() >= 14, "{schemas:?}");
    let mut checks = 0;
    for schema in &schemas {
        let object = &doc["components"]["schemas"][schema.as_str()];
        checks += check_object(&api, &doc, schema, schema, "", object).await;
    }
    assert!(checks > 150, "only {checks} checks");
}
