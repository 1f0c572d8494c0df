//! The conformance suite on SQLite: every case on a fresh file of its own.

use std::sync::Arc;

use modelreg_conformance::fixtures::actor;
use modelreg_conformance::{Fresh, shared};
use modelreg_core::Registry;
use modelreg_sqlite::SqliteStore;

struct Sqlite;

impl modelreg_conformance::LocalBackend for Sqlite {
    async fn fresh_local() -> Option<(Registry, tempfile::TempDir)> {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let store = SqliteStore::open_path(dir.path().join("registry.db"))
            .await
            .expect("open a fresh SQLite registry");
        Some((Registry::new(Arc::new(store), actor()), dir))
    }
}

impl modelreg_conformance::Backend for Sqlite {
    type Guard = tempfile::TempDir;

    async fn fresh() -> Option<Fresh<tempfile::TempDir>> {
        shared::<Sqlite>().await
    }
}

modelreg_conformance::conformance_suite!(Sqlite);
