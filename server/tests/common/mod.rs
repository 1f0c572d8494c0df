//! The API served in-process: `modelreg_server::app` on a real TCP listener
//! (127.0.0.1, an ephemeral port) over a fresh SQLite file or PostgreSQL
//! database, reached with reqwest. `on_every_backend!` runs a test body on both.

#![allow(dead_code)]

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use modelreg_core::{Actor, Registry, Store};
use modelreg_postgres::testing::TestDatabase;
use modelreg_server::{AppOptions, RequestLog, Token, parse_tokens};
use serde_json::Value;

/// The read-write token, named `ci`.
pub const ADMIN: &str = "admin-token-0123456789";
/// The read-only token, named `dash`.
pub const READER: &str = "reader-token-0123456789";
/// The actor of a server without tokens.
pub const SERVER_ACTOR: &str = "registry-owner";

/// `ci` (read-write) and `dash` (read-only).
pub fn tokens() -> Vec<Token> {
    parse_tokens(&format!("ci:{ADMIN},dash:{READER}:ro")).expect("the test tokens parse")
}

/// Where the registry of a test lives; dropped (file or database removed) with the [`Api`].
enum Storage {
    Sqlite(tempfile::TempDir),
    Postgres(TestDatabase),
}

/// What a server wrote to its request log, shared with the test.
#[derive(Clone, Default)]
pub struct LogBuffer(Arc<Mutex<Vec<u8>>>);

impl LogBuffer {
    /// Everything written so far.
    pub fn text(&self) -> String {
        let bytes = self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        String::from_utf8_lossy(&bytes).into_owned()
    }

    /// Everything written once it holds `lines` lines (the log is written
    /// from a worker thread, so a line may land just after its answer).
    pub async fn lines(&self, lines: usize) -> String {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let text = self.text();
            if text.lines().count() >= lines || Instant::now() > deadline {
                return text;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }
}

impl Write for LogBuffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let mut bytes = self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        bytes.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A running API and a client that calls it as `ci` unless told otherwise.
pub struct Api {
    base: String,
    client: reqwest::Client,
    registry: Registry,
    log: LogBuffer,
    _server: modelreg_server::Served,
    _storage: Storage,
}

impl Api {
    /// The API over a fresh SQLite file, with the test tokens.
    pub async fn sqlite() -> Api {
        Api::sqlite_with(tokens()).await
    }

    /// The API over a fresh SQLite file, with these tokens.
    pub async fn sqlite_with(tokens: Vec<Token>) -> Api {
        Api::sqlite_logging(tokens, RequestLog::Compact).await
    }

    /// The API over a fresh SQLite file, with these tokens and this request log.
    pub async fn sqlite_logging(tokens: Vec<Token>, format: RequestLog) -> Api {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let store = modelreg_sqlite::SqliteStore::open_path(dir.path().join("api.db"))
            .await
            .expect("the SQLite store opens");
        Api::start(Arc::new(store), Storage::Sqlite(dir), tokens, format).await
    }

    /// The API over a fresh PostgreSQL database, with the test tokens; `None`
    /// when no PostgreSQL is configured (see `modelreg_postgres::testing`).
    pub async fn postgres() -> Option<Api> {
        let db = TestDatabase::create().await?;
        let store = db.store().await;
        Some(Api::start(Arc::new(store), Storage::Postgres(db), tokens(), RequestLog::Compact).await)
    }

    async fn start(store: Arc<dyn Store>, storage: Storage, tokens: Vec<Token>, format: RequestLog) -> Api {
        let actor = Actor::new(SERVER_ACTOR).expect("a valid actor");
        let registry = Registry::new(store, actor);
        let log = LogBuffer::default();
        let options = AppOptions::default().request_log(format).log_to(log.clone());
        let server = modelreg_server::serve_loopback(registry.clone(), tokens, options)
            .await
            .expect("the server starts");
        Api {
            base: server.url.clone(),
            client: reqwest::Client::new(),
            registry,
            log,
            _server: server,
            _storage: storage,
        }
    }

    /// What the server wrote to its request log.
    pub fn log(&self) -> &LogBuffer {
        &self.log
    }

    /// The base URL, `http://127.0.0.1:PORT`.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// The registry the server serves (as the server's own actor).
    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    /// One request as `token` with `body` (none when `Null`): the response itself.
    pub async fn send(&self, token: Option<&str>, method: &str, path: &str, body: &Value) -> reqwest::Response {
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("a valid method");
        let mut request = self.client.request(method, format!("{}{path}", self.base));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if !body.is_null() {
            request = request.json(body);
        }
        request.send().await.expect("the server answers")
    }

    /// One request with raw bytes as the body (and a JSON content type when `json`).
    pub async fn send_bytes(&self, method: &str, path: &str, body: Vec<u8>, json: bool) -> (u16, Value) {
        let content_type = json.then_some("application/json");
        self.send_typed(method, path, body, content_type).await
    }

    /// One request as `ci` with raw bytes as the body, sent as `content_type`.
    pub async fn send_typed(
        &self,
        method: &str,
        path: &str,
        body: Vec<u8>,
        content_type: Option<&str>,
    ) -> (u16, Value) {
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("a valid method");
        let mut request = self
            .client
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(ADMIN)
            .body(body);
        if let Some(content_type) = content_type {
            request = request.header("content-type", content_type);
        }
        status_and_json(request.send().await.expect("the server answers")).await
    }

    /// One request as `token`: the status and the JSON body (`Null` when empty).
    pub async fn call_as(&self, token: Option<&str>, method: &str, path: &str, body: Value) -> (u16, Value) {
        status_and_json(self.send(token, method, path, &body).await).await
    }

    /// One request as `ci`: the status and the JSON body.
    pub async fn call(&self, method: &str, path: &str, body: Value) -> (u16, Value) {
        self.call_as(Some(ADMIN), method, path, body).await
    }

    /// A request as `ci` that must succeed: its JSON body.
    pub async fn ok(&self, method: &str, path: &str, body: Value) -> Value {
        let (status, value) = self.call(method, path, body).await;
        assert!((200..300).contains(&status), "{method} {path}: {status} {value}");
        value
    }

    /// `GET path` as `ci`, which must succeed.
    pub async fn get(&self, path: &str) -> Value {
        self.ok("GET", path, Value::Null).await
    }

    /// `GET path` as `ci`, which must succeed with a list: its length.
    pub async fn count(&self, path: &str) -> usize {
        let listed = self.get(path).await;
        listed
            .as_array()
            .unwrap_or_else(|| panic!("GET {path}: not a list: {listed}"))
            .len()
    }

    /// A request as `ci` that must fail with `status` and `code` in the error shape: the body.
    pub async fn error(&self, method: &str, path: &str, body: Value, status: u16, code: &str) -> Value {
        let (got, value) = self.call(method, path, body).await;
        assert_eq!(got, status, "{method} {path}: {value}");
        assert_error_shape(&value, code);
        value
    }
}

async fn status_and_json(response: reqwest::Response) -> (u16, Value) {
    let status = response.status().as_u16();
    let bytes = response.bytes().await.expect("a readable body");
    (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

/// `{"error": {"code": code, "message": "…"}}`, with a non-empty message.
pub fn assert_error_shape(body: &Value, code: &str) {
    assert_eq!(body["error"]["code"], code, "{body}");
    assert!(
        body["error"]["message"].as_str().is_some_and(|m| !m.is_empty()),
        "an error says what went wrong: {body}"
    );
}

/// Runs each `async fn name(api: &Api)` as two tests, `name::on_sqlite` and
/// `name::on_postgres` (skipped, with one printed line, without PostgreSQL).
#[allow(unused_macros)]
macro_rules! on_every_backend {
    ($($name:ident),+ $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn on_sqlite() {
                super::$name(&crate::common::Api::sqlite().await).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn on_postgres() {
                if let Some(api) = crate::common::Api::postgres().await {
                    super::$name(&api).await;
                }
            }
        }
    )+};
}

#[allow(unused_imports)]
pub(crate) use on_every_backend;
