//! An export through the client: the server's stream, written as it comes,
//! byte for byte what the registry exports in-process, with progress.

use std::sync::Arc;

use modelreg_client::{Options, RegistryApi, RemoteRegistry};
use modelreg_core::models::NewModel;
use modelreg_core::{Actor, Error, Registry};
use modelreg_server::{AppOptions, RequestLog, parse_tokens};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_export_streams_what_the_registry_exports() {
    let dir = tempfile::tempdir().unwrap();
    let store = modelreg_sqlite::SqliteStore::open_path(dir.path().join("r.db"))
        .await
        .unwrap();
    let registry = Registry::new(Arc::new(store), Actor::new("owner").unwrap());
    for i in 0..300 {
        registry.create_model(NewModel::named(format!("m-{i}"))).await.unwrap();
    }
    let tokens = parse_tokens("ops:ops-secret-0123456789,dash:dash-secret-0123456789:ro").unwrap();
    let server = modelreg_server::serve_loopback(
        registry.clone(),
        tokens,
        AppOptions::default().request_log(RequestLog::Off),
    )
    .await
    .unwrap();
    let base = server.url.clone();

    let remote = RemoteRegistry::connect(&base, &Options::default().token("ops-secret-0123456789")).unwrap();
    let mut streamed = Vec::new();
    let mut heard = Vec::new();
    let header = remote
        .export(&mut streamed, &mut |done, total| heard.push((done, total)))
        .await
        .unwrap();
    let mut local = Vec::new();
    let local_header = registry.export(&mut local, &mut |_, _| {}).await.unwrap();
    assert_eq!(header, local_header);
    assert_eq!(streamed, local, "the same snapshot, byte for byte");
    assert_eq!(heard.len() as u64, header.total());
    assert_eq!(heard.last(), Some(&(header.total(), header.total())));

    let reader = RemoteRegistry::connect(&base, &Options::default().token("dash-secret-0123456789")).unwrap();
    let refused = reader.export(&mut Vec::new(), &mut |_, _| {}).await;
    assert!(
        matches!(refused, Err(Error::Invalid { field: "token", .. })),
        "{refused:?}"
    );
    drop(server);
}
