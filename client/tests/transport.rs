//! The HTTP transport of `RemoteRegistry`, against small fake servers:
//! reads are retried after a 503 and writes never are; an unreachable
//! server and a slow one are `Unavailable`; the token goes as a bearer
//! header; connections are kept and reused.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use modelreg_client::{Options, RegistryApi, RemoteRegistry};
use modelreg_core::Error;
use modelreg_core::teams::NewTeam;
use serde_json::json;

/// What the fake server saw.
#[derive(Clone, Default)]
struct Seen {
    requests: Arc<AtomicUsize>,
    peers: Arc<Mutex<Vec<SocketAddr>>>,
    authorization: Arc<Mutex<Vec<String>>>,
}

/// Serves `router` on an ephemeral port: the client of it, with `options`.
async fn serve(router: Router, options: Options) -> (RemoteRegistry, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let server = tokio::spawn(async move {
        let service = router.into_make_service_with_connect_info::<SocketAddr>();
        axum::serve(listener, service).await.unwrap();
    });
    (RemoteRegistry::connect(&base, &options).unwrap(), server)
}

fn unavailable() -> Response {
    let body = json!({"error": {"code": "unavailable", "message": "database unavailable: busy", "reason": "busy"}});
    (StatusCode::SERVICE_UNAVAILABLE, axum::Json(body)).into_response()
}

fn stats() -> Response {
    axum::Json(modelreg_core::analytics::Stats::default()).into_response()
}

/// Answers 503 to the first two requests, then the stats.
async fn busy_then_stats(State(seen): State<Seen>) -> Response {
    if seen.requests.fetch_add(1, Ordering::SeqCst) < 2 {
        unavailable()
    } else {
        stats()
    }
}

async fn always_busy(State(seen): State<Seen>) -> Response {
    seen.requests.fetch_add(1, Ordering::SeqCst);
    unavailable()
}

fn fast() -> Options {
    Options {
        retries: 3,
        ..Options::default()
    }
}

#[tokio::test]
async fn a_read_is_retried_after_a_503() {
    let seen = Seen::default();
    let router = Router::new()
        .route("/v1/stats", get(busy_then_stats))
        .with_state(seen.clone());
    let (client, server) = serve(router, fast()).await;
    client.stats().await.unwrap();
    assert_eq!(seen.requests.load(Ordering::SeqCst), 3);
    server.abort();
}

#[tokio::test]
async fn a_read_gives_up_after_its_retries_with_the_server_s_error() {
    let seen = Seen::default();
    let router = Router::new()
        .route("/v1/stats", get(always_busy))
        .with_state(seen.clone());
    let options = Options { retries: 2, ..fast() };
    let (client, server) = serve(router, options).await;
    assert_eq!(client.stats().await, Err(Error::unavailable("busy")));
    assert_eq!(seen.requests.load(Ordering::SeqCst), 3, "the first try and two retries");
    server.abort();
}

#[tokio::test]
async fn a_write_is_never_retried() {
    let seen = Seen::default();
    let router = Router::new()
        .route("/v1/teams", post(always_busy))
        .with_state(seen.clone());
    let (client, server) = serve(router, fast()).await;
    let refused = client.create_team(NewTeam::named("ml")).await;
    assert!(matches!(refused, Err(Error::Unavailable { .. })), "{refused:?}");
    assert_eq!(seen.requests.load(Ordering::SeqCst), 1);
    server.abort();
}

#[tokio::test]
async fn an_unreachable_server_is_unavailable() {
    // A port nobody listens on any more.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let options = Options {
        retries: 1,
        ..Options::default().token("secret-token-0123456789")
    };
    let client = RemoteRegistry::connect(&base, &options).unwrap();
    let error = client.stats().await.unwrap_err();
    assert!(error.is_retryable(), "{error:?}");
    assert!(error.to_string().contains("cannot be reached"), "{error}");
    assert!(!error.to_string().contains("secret-token"), "{error}");
}

#[tokio::test]
async fn a_request_that_takes_too_long_is_unavailable() {
    async fn slow() -> Response {
        tokio::time::sleep(Duration::from_secs(10)).await;
        stats()
    }
    let router = Router::new().route("/v1/stats", get(slow));
    let options = Options {
        request_timeout: Duration::from_millis(200),
        retries: 0,
        ..Options::default()
    };
    let (client, server) = serve(router, options).await;
    let started = Instant::now();
    let error = client.stats().await.unwrap_err();
    assert!(matches!(error, Error::Unavailable { .. }), "{error:?}");
    assert!(started.elapsed() < Duration::from_secs(5));
    server.abort();
}

#[tokio::test]
async fn the_token_is_a_bearer_header_and_connections_are_reused() {
    async fn record(
        State(seen): State<Seen>,
        ConnectInfo(peer): ConnectInfo<SocketAddr>,
        headers: HeaderMap,
    ) -> Response {
        seen.peers.lock().unwrap().push(peer);
        let authorization = headers
            .get("authorization")
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default();
        seen.authorization.lock().unwrap().push(authorization);
        stats()
    }
    let seen = Seen::default();
    let router = Router::new().route("/v1/stats", get(record)).with_state(seen.clone());
    let (client, server) = serve(router, Options::default().token("ci-secret-0123456789")).await;
    for _ in 0..5 {
        client.stats().await.unwrap();
    }
    let peers = seen.peers.lock().unwrap().clone();
    assert_eq!(peers.len(), 5);
    assert!(
        peers.iter().all(|p| *p == peers[0]),
        "one connection serves every request: {peers:?}"
    );
    let sent = seen.authorization.lock().unwrap().clone();
    assert!(sent.iter().all(|a| a == "Bearer ci-secret-0123456789"), "{sent:?}");
    server.abort();
}

#[tokio::test]
async fn an_answer_outside_the_api_is_an_internal_error_naming_the_call() {
    async fn teapot() -> Response {
        (StatusCode::IM_A_TEAPOT, "short and stout").into_response()
    }
    let router = Router::new().route("/v1/stats", get(teapot));
    let (client, server) = serve(router, Options::default()).await;
    let error = client.stats().await.unwrap_err();
    assert!(matches!(error, Error::Internal { .. }), "{error:?}");
    assert!(
        error.to_string().contains("GET") && error.to_string().contains("/v1/stats"),
        "{error}"
    );
    server.abort();
}
