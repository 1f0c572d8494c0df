//! The conformance suite on PostgreSQL: every case in a database of its
//! own; and one case across backends: a live SQLite registry copies to
//! PostgreSQL as one snapshot (issue 10, item 1).

use std::sync::Arc;

use modelreg_conformance::fixtures::actor;
use modelreg_conformance::{Fresh, shared};
use modelreg_core::Registry;
use modelreg_postgres::testing::TestDatabase;
use modelreg_sqlite::SqliteStore;

struct Postgres;

impl modelreg_conformance::LocalBackend for Postgres {
    async fn fresh_local() -> Option<(Registry, TestDatabase)> {
        let db = TestDatabase::create().await?;
        Some((Registry::new(Arc::new(db.store().await), actor()), db))
    }
}

impl modelreg_conformance::Backend for Postgres {
    type Guard = TestDatabase;

    async fn fresh() -> Option<Fresh<TestDatabase>> {
        shared::<Postgres>().await
    }
}

modelreg_conformance::conformance_suite!(Postgres);

/// While writers create, promote, deploy and delete on a SQLite file,
/// `copy` to PostgreSQL reads one moment of it, and the target holds
/// exactly what its header says: the suite's case with a live source of
/// the other backend.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_live_sqlite_registry_copies_to_postgres_as_one_snapshot() {
    // Skipped (with the fixture's line) when no PostgreSQL is found.
    if TestDatabase::create().await.is_none() {
        return;
    }
    let dir = tempfile::tempdir().expect("a temporary directory");
    let store = SqliteStore::open_path(dir.path().join("live.db"))
        .await
        .expect("a SQLite registry on a file");
    let source = Registry::new(Arc::new(store), actor());
    modelreg_conformance::cases::snapshots::a_copy_under_concurrent_writes_is_one_snapshot::<Postgres>(source).await;
}
