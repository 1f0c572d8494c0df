//! Whatever SQLite accepts, PostgreSQL keeps too, and gives back exactly
//! (issue 10, item 3): generated registries of records at every limit
//! (`modelreg_conformance::cases::round_trip`) are written to SQLite, copied
//! to PostgreSQL and back to a second SQLite registry; every record reads
//! back as written on each, and the three exports are the same bytes.
//! `MODELREG_PROPTEST_CASES` sets how many registries a run generates.

use std::sync::Arc;

use modelreg_conformance::cases::round_trip::steps;
use modelreg_conformance::fixtures::actor;
use modelreg_core::{Registry, TransferError};
use modelreg_postgres::testing::TestDatabase;
use modelreg_sqlite::SqliteStore;

async fn sqlite() -> Registry {
    let store = SqliteStore::memory().await.expect("an in-memory SQLite registry");
    Registry::new(Arc::new(store), actor())
}

async fn copy(from: &Registry, to: &Registry) -> Result<(), String> {
    to.copy_from(from, false, &mut |_, _| {})
        .await
        .map(drop)
        .map_err(|e: TransferError| format!("copy from {} to {}: {e}", from.backend(), to.backend()))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn whatever_sqlite_accepts_copies_to_postgres_and_back_identically() {
    steps::check_registries("SQLite -> PostgreSQL -> SQLite", |generated| async move {
        let Some(db) = TestDatabase::create().await else {
            return Ok(());
        };
        let postgres = Registry::new(Arc::new(db.store().await), actor());
        let (first, last) = (sqlite().await, sqlite().await);
        steps::write(&first, &generated).await?;
        steps::read_back(&first, &generated).await?;
        copy(&first, &postgres).await?;
        steps::read_back(&postgres, &generated).await?;
        copy(&postgres, &last).await?;
        steps::read_back(&last, &generated).await?;
        let (a, b, c) = (
            steps::export_bytes(&first).await?,
            steps::export_bytes(&postgres).await?,
            steps::export_bytes(&last).await?,
        );
        steps::same_bytes("the export of the PostgreSQL copy", &a, &b)?;
        steps::same_bytes("the export of the copy back to SQLite", &a, &c)
    })
    .await;
}
