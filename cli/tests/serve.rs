//! `modelreg serve` over real HTTP on an ephemeral port, on SQLite and (with
//! a test server) on PostgreSQL: every endpoint, the reference API's
//! behaviour, tokens, the error shape, the body limit, graceful shutdown.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};

use modelreg_postgres::testing::TestDatabase;
use serde_json::{Value, json};

const ADMIN: &str = "admin-token-0123456789";
const READER: &str = "reader-token-0123456789";

struct Server {
    child: Child,
    addr: String,
    _dir: tempfile::TempDir,
}

impl Server {
    fn start(url: Option<&str>, tokens: &str, extra: &[&str]) -> Result<Server, String> {
        let dir = tempfile::tempdir().unwrap();
        let url = url
            .map(str::to_owned)
            .unwrap_or_else(|| format!("sqlite://{}", dir.path().join("api.db").display()));
        let listen: &[&str] = if extra.contains(&"--listen") {
            &[]
        } else {
            &["--listen", "127.0.0.1:0"]
        };
        let mut child = Command::new(env!("CARGO_BIN_EXE_modelreg"))
            .arg("serve")
            .args(listen)
            .args(extra)
            .env("MODELREG_DATABASE_URL", &url)
            .env("MODELREG_API_TOKENS", tokens)
            .env("XDG_CONFIG_HOME", dir.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .stdin(Stdio::null())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let Some(addr) = line.trim().strip_prefix("listening on http://") else {
            let mut err = String::new();
            child.stderr.take().unwrap().read_to_string(&mut err).unwrap();
            let _ = child.wait();
            return Err(err);
        };
        Ok(Server {
            addr: addr.to_owned(),
            child,
            _dir: dir,
        })
    }

    /// One request; answers the status and the parsed JSON body (Null when empty).
    fn call(&self, method: &str, path: &str, token: Option<&str>, body: Option<&Value>) -> (u16, Value) {
        let body = body.map(|b| b.to_string()).unwrap_or_default();
        self.raw(method, path, token, body.as_bytes())
    }

    fn raw(&self, method: &str, path: &str, token: Option<&str>, body: &[u8]) -> (u16, Value) {
        let mut stream = TcpStream::connect(&self.addr).unwrap();
        let auth = token
            .map(|t| format!("Authorization: Bearer {t}\r\n"))
            .unwrap_or_default();
        let head = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\n{auth}Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            self.addr,
            body.len()
        );
        stream.write_all(head.as_bytes()).unwrap();
        let _ = stream.write_all(body);
        let mut response = Vec::new();
        let _ = stream.read_to_end(&mut response);
        let text = String::from_utf8_lossy(&response);
        let status: u16 = text.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
        let payload = text.split_once("\r\n\r\n").map(|(_, b)| b).unwrap_or_default();
        let payload = if text.to_ascii_lowercase().contains("transfer-encoding: chunked") {
            dechunk(payload)
        } else {
            payload.to_owned()
        };
        (status, serde_json::from_str(&payload).unwrap_or(Value::Null))
    }

    fn ok(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let (status, value) = self.call(method, path, Some(ADMIN), body.as_ref());
        assert!((200..300).contains(&status), "{method} {path}: {status} {value}");
        value
    }

    fn error(&self, method: &str, path: &str, body: Option<Value>, status: u16, code: &str) -> Value {
        let (got, value) = self.call(method, path, Some(ADMIN), body.as_ref());
        assert_eq!(got, status, "{method} {path}: {value}");
        assert_eq!(value["error"]["code"], code, "{method} {path}: {value}");
        assert!(value["error"]["message"].as_str().is_some_and(|m| !m.is_empty()));
        value
    }

    /// Stops the server with SIGTERM and checks it exits cleanly.
    fn stop(mut self) {
        let pid = self.child.id().to_string();
        Command::new("kill").args(["-TERM", &pid]).status().unwrap();
        let status = self.child.wait().unwrap();
        assert!(status.success(), "graceful shutdown exits 0, got {status}");
    }
}

fn dechunk(body: &str) -> String {
    let mut out = String::new();
    let mut rest = body;
    while let Some((size, tail)) = rest.split_once("\r\n") {
        let Ok(size) = usize::from_str_radix(size.trim(), 16) else {
            break;
        };
        if size == 0 || tail.len() < size {
            break;
        }
        out.push_str(&tail[..size]);
        rest = tail[size..].trim_start_matches("\r\n");
    }
    out
}

fn tokens() -> String {
    format!("ci:{ADMIN},dash:{READER}:ro")
}

fn every_endpoint(s: &Server) {
    // Health checks need no token; everything else does.
    assert_eq!(s.call("GET", "/healthz", None, None).0, 200);
    assert_eq!(s.call("GET", "/readyz", None, None).0, 200);
    let (status, body) = s.call("GET", "/v1/models", None, None);
    assert_eq!((status, body["error"]["code"].as_str()), (401, Some("unauthorized")));
    assert_eq!(s.call("GET", "/v1/models", Some("wrong-token-0123456789"), None).0, 401);
    assert_eq!(s.call("GET", "/v1/models", Some(READER), None).0, 200);
    let (status, body) = s.call("POST", "/v1/teams", Some(READER), Some(&json!({"name": "nope"})));
    assert_eq!((status, body["error"]["code"].as_str()), (403, Some("forbidden")));
    let doc = s.ok("GET", "/openapi.json", None);
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    assert!(doc["paths"].as_object().unwrap().len() >= 40);

    // Teams.
    let team = s.ok("POST", "/v1/teams", Some(json!({"name": "ml", "department": "Eng"})));
    assert_eq!(team["active"], true);
    s.error("POST", "/v1/teams", Some(json!({"name": "ml"})), 409, "conflict");
    assert_eq!(
        s.ok("PATCH", "/v1/teams/ml", Some(json!({"department": null})))["department"],
        Value::Null
    );
    assert_eq!(s.ok("GET", "/v1/teams/ml", None)["name"], "ml");
    assert_eq!(
        s.ok("GET", "/v1/teams?active_only=true", None)
            .as_array()
            .unwrap()
            .len(),
        1
    );

    // Models, the reference API's way: 201, active_only/skip/limit, 404 with a detail.
    let (status, model) = s.call(
        "POST",
        "/v1/models",
        Some(ADMIN),
        Some(&json!({"name": "fraud", "team_id": team["id"], "risk_level": "high"})),
    );
    assert_eq!(status, 201, "{model}");
    s.ok("POST", "/v1/models", Some(json!({"name": "churn"})));
    let listed = s.ok("GET", "/v1/models?active_only=true&skip=1&limit=1", None);
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert_eq!(listed[0]["name"], "fraud");
    let missing = s.error("GET", "/v1/models/ghost", None, 404, "not_found");
    assert!(missing["error"]["message"].as_str().unwrap().contains("ghost"));
    assert_eq!(s.ok("GET", "/v1/models/search?q=FRA", None)[0]["name"], "fraud");
    assert_eq!(
        s.ok("GET", "/v1/models?team=ml&risk_level=high", None)
            .as_array()
            .unwrap()
            .len(),
        1
    );
    s.ok("PATCH", "/v1/models/fraud", Some(json!({"description": "cards"})));
    assert_eq!(s.ok("PUT", "/v1/models/fraud/tags/payments", None)["added"], true);
    assert_eq!(s.ok("GET", "/v1/models/fraud/tags", None)[0]["name"], "payments");
    assert_eq!(s.ok("GET", "/v1/tags", None)[0]["model_count"], 1);
    assert_eq!(s.ok("GET", "/v1/tags/payments/models", None)[0]["name"], "fraud");
    assert_eq!(s.ok("DELETE", "/v1/models/fraud/tags/payments", None)["removed"], true);

    // Versions.
    for semver in ["1.0.0", "1.1.0", "2.0.0-rc.1"] {
        let body = json!({"semver": semver, "artifact_uri": format!("s3://m/{semver}"), "framework": "sklearn", "metadata": {"lr": 0.1}});
        let (status, v) = s.call("POST", "/v1/models/fraud/versions", Some(ADMIN), Some(&body));
        assert_eq!(status, 201, "{v}");
    }
    let bad = s.error(
        "POST",
        "/v1/models/fraud/versions",
        Some(json!({"semver": "1.x", "artifact_uri": "a", "framework": "onnx"})),
        422,
        "invalid",
    );
    assert_eq!(bad["error"]["field"], "semver");
    s.error(
        "POST",
        "/v1/models/fraud/versions",
        Some(json!({"semver": "1.0.0", "artifact_uri": "a", "framework": "onnx"})),
        409,
        "conflict",
    );
    s.error(
        "POST",
        "/v1/models/ghost/versions",
        Some(json!({"semver": "1.0.0", "artifact_uri": "a", "framework": "onnx"})),
        404,
        "not_found",
    );
    assert_eq!(
        s.ok("GET", "/v1/models/fraud/versions", None).as_array().unwrap().len(),
        3
    );
    assert_eq!(s.ok("GET", "/v1/models/fraud/latest", None)["semver"], "1.1.0");
    s.ok(
        "PUT",
        "/v1/models/fraud/versions/1.0.0/status",
        Some(json!({"status": "production"})),
    );
    s.ok(
        "PUT",
        "/v1/models/fraud/versions/1.1.0/status",
        Some(json!({"status": "production"})),
    );
    assert_eq!(
        s.ok("GET", "/v1/models/fraud/versions/1.0.0", None)["status"],
        "archived"
    );
    assert_eq!(s.ok("GET", "/v1/models/fraud/production", None)["semver"], "1.1.0");
    assert_eq!(s.ok("GET", "/v1/production", None)[0]["model"]["name"], "fraud");
    assert_eq!(
        s.ok("GET", "/v1/models/fraud/versions?status=archived", None)
            .as_array()
            .unwrap()
            .len(),
        1
    );
    s.error("GET", "/v1/models/churn/production", None, 404, "not_found");

    // Runs and metrics.
    let run = s.ok(
        "POST",
        "/v1/models/fraud/versions/1.1.0/runs",
        Some(json!({"run_name": "nightly", "gpu_hours": 2.0, "cost_usd": 6.5})),
    );
    let run_id = run["id"].as_str().unwrap();
    assert_eq!(
        s.ok(
            "POST",
            &format!("/v1/runs/{run_id}/finish"),
            Some(json!({"status": "succeeded"}))
        )["status"],
        "succeeded"
    );
    assert_eq!(s.ok("GET", &format!("/v1/runs/{run_id}"), None)["run_name"], "nightly");
    s.error("GET", "/v1/runs/not-a-uuid", None, 422, "invalid");
    assert_eq!(s.ok("GET", "/v1/models/fraud/runs", None).as_array().unwrap().len(), 1);
    assert_eq!(
        s.ok("GET", "/v1/models/fraud/versions/1.1.0/runs?status=succeeded", None)
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(s.ok("GET", "/v1/cost?model=fraud", None)["total_cost_usd"], 6.5);
    s.ok(
        "POST",
        "/v1/models/fraud/versions/1.1.0/metrics",
        Some(json!({"name": "auc", "value": 0.9, "split": "test"})),
    );
    s.ok(
        "POST",
        "/v1/models/fraud/versions/1.1.0/metrics",
        Some(json!({"name": "auc", "value": 0.95, "split": "test"})),
    );
    assert_eq!(
        s.ok("GET", "/v1/models/fraud/versions/1.1.0/metrics?name=auc", None)
            .as_array()
            .unwrap()
            .len(),
        2
    );
    assert_eq!(
        s.ok("GET", "/v1/models/fraud/versions/1.1.0/metrics/latest", None)[0]["value"],
        0.95
    );
    s.error(
        "POST",
        "/v1/models/fraud/versions/1.1.0/metrics",
        Some(json!({"name": "auc", "value": 1, "split": "nowhere"})),
        422,
        "invalid",
    );

    // Environments and deployments.
    s.ok(
        "POST",
        "/v1/environments",
        Some(json!({"name": "prod", "kind": "production"})),
    );
    s.ok("PATCH", "/v1/environments/prod", Some(json!({"region": "eu-west-1"})));
    assert_eq!(s.ok("GET", "/v1/environments/prod", None)["region"], "eu-west-1");
    assert_eq!(
        s.ok("GET", "/v1/environments?kind=production", None)
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let deploy = |semver: &str| json!({"model": "fraud", "semver": semver, "environment": "prod", "deployment": {"name": "fraud-prod"}});
    let old = s.ok("POST", "/v1/deployments", Some(deploy("1.0.0")));
    let current = s.ok("POST", "/v1/deployments", Some(deploy("1.1.0")));
    let id = current["id"].as_str().unwrap();
    s.ok(
        "PUT",
        &format!("/v1/deployments/{id}/status"),
        Some(json!({"status": "healthy"})),
    );
    assert_eq!(
        s.ok(
            "PUT",
            &format!("/v1/deployments/{id}/replicas"),
            Some(json!({"replicas": 3}))
        )["replicas"],
        3
    );
    s.error(
        "PUT",
        &format!("/v1/deployments/{id}/replicas"),
        Some(json!({"replicas": -1})),
        422,
        "invalid",
    );
    assert_eq!(
        s.ok("GET", "/v1/deployments/active", None)[0]["version"]["semver"],
        "1.1.0"
    );
    assert_eq!(s.ok("GET", &format!("/v1/deployments/{id}"), None)["status"], "healthy");
    assert_eq!(
        s.ok("GET", "/v1/deployments?environment=prod", None)
            .as_array()
            .unwrap()
            .len(),
        2
    );
    assert_eq!(
        s.ok("GET", "/v1/deployments?model=fraud&semver=1.0.0", None)
            .as_array()
            .unwrap()
            .len(),
        1
    );
    s.error("GET", "/v1/deployments", None, 422, "invalid");
    let restored = s.ok("POST", &format!("/v1/deployments/{id}/rollback"), None);
    assert_eq!(restored["version_id"], old["version_id"]);
    let terminated = s.ok(
        "POST",
        &format!("/v1/deployments/{}/terminate", restored["id"].as_str().unwrap()),
        None,
    );
    assert_eq!(terminated["status"], "terminated");
    s.error(
        "POST",
        &format!("/v1/deployments/{}/rollback", old["id"].as_str().unwrap()),
        None,
        422,
        "invalid",
    );

    // Audit, reports, stats: changes are the token's.
    let by_ci = s.ok("GET", "/v1/audit?actor=ci&limit=1000", None);
    assert!(by_ci.as_array().unwrap().len() > 20);
    let model_id = model["id"].as_str().unwrap();
    let trail = s.ok(
        "GET",
        &format!("/v1/audit?entity_type=model&entity_id={model_id}"),
        None,
    );
    assert_eq!(trail.as_array().unwrap().last().unwrap()["action"], "create");
    assert!(trail.as_array().unwrap().iter().all(|e| e["actor"] == "ci"));
    assert_eq!(s.ok("GET", "/v1/audit?limit=2", None).as_array().unwrap().len(), 2);
    s.error("GET", "/v1/audit?entity_type=model", None, 422, "invalid");
    assert_eq!(s.ok("GET", "/v1/reports/deployments", None)["terminated"], 2);
    assert!(
        s.ok("GET", "/v1/reports/stale?days=30", None)
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["name"] != "fraud")
    );
    assert_eq!(s.ok("GET", "/v1/teams/ml/metrics", None)["model_count"], 1);
    assert_eq!(
        s.ok("GET", "/v1/models/fraud/summary", None)["production_version"],
        "1.1.0"
    );
    assert_eq!(s.ok("GET", "/v1/stats", None)["models"], 2);

    // Client mistakes are 4xx in the one error shape.
    s.error("GET", "/v1/models?limit=0", None, 422, "invalid");
    s.error("GET", "/v1/models?limit=lots", None, 400, "invalid");
    s.error("GET", "/v1/nowhere", None, 404, "not_found");
    let (status, body) = s.raw("POST", "/v1/teams", Some(ADMIN), b"{not json");
    assert_eq!((status, body["error"]["code"].as_str()), (400, Some("invalid")));
    s.error(
        "POST",
        "/v1/teams",
        Some(json!({"name": "x", "unknown": 1})),
        422,
        "invalid",
    );
    let huge = json!({"name": "big", "description": "x".repeat(2 * 1024 * 1024)});
    let (status, body) = s.raw("POST", "/v1/models", Some(ADMIN), huge.to_string().as_bytes());
    assert_eq!((status, body["error"]["code"].as_str()), (413, Some("too_large")));

    // Deletes last.
    assert_eq!(
        s.call("DELETE", "/v1/models/fraud/versions/2.0.0-rc.1", Some(ADMIN), None)
            .0,
        204
    );
    s.ok("POST", "/v1/environments/prod/deactivate", None);
    s.ok("POST", "/v1/teams/ml/deactivate", None);
    assert_eq!(s.call("DELETE", "/v1/models/churn", Some(ADMIN), None).0, 204);
    assert_eq!(s.call("DELETE", "/v1/teams/ml", Some(ADMIN), None).0, 204);
    assert_eq!(s.ok("GET", "/v1/stats", None)["teams"], 0);
}

#[test]
fn every_endpoint_on_sqlite() {
    let server = Server::start(None, &tokens(), &[]).expect("the server starts");
    every_endpoint(&server);
    server.stop();
}

#[tokio::test(flavor = "multi_thread")]
async fn every_endpoint_on_postgres() {
    let Some(db) = TestDatabase::create().await else { return };
    let url = db.url().to_owned();
    tokio::task::spawn_blocking(move || {
        let server = Server::start(Some(&url), &tokens(), &[]).expect("the server starts");
        every_endpoint(&server);
        server.stop();
    })
    .await
    .unwrap();
}

#[test]
fn no_tokens_serves_loopback_only_unless_told_otherwise() {
    let err = Server::start(None, "", &["--listen", "0.0.0.0:0"])
        .err()
        .expect("refused");
    assert!(err.contains("without API tokens"), "{err}");
    let open = Server::start(None, "", &["--listen", "0.0.0.0:0", "--insecure-no-auth"]).expect("allowed when asked");
    open.stop();
    let local = Server::start(None, "", &[]).expect("loopback needs no token");
    let (status, created) = local.call("POST", "/v1/teams", None, Some(&json!({"name": "t"})));
    assert_eq!(status, 201, "{created}");
    local.stop();
    let err = Server::start(None, "ci:short", &[])
        .err()
        .expect("weak tokens are refused");
    assert!(err.contains("16 characters"), "{err}");
}
