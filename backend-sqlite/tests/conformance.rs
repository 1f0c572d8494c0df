//! The conformance suite on SQLite: every case on a fresh file of its own.

use modelreg_core::Registry;
use modelreg_sqlite::SqliteStore;

struct Sqlite;

impl modelreg_conformance::Backend for Sqlite {
    type Guard = tempfile::TempDir;

    async fn fresh() -> Option<(Registry, tempfile::TempDir)> {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let store = SqliteStore::open_path(dir.path().join("registry.db"))
            .await
            .expect("open a fresh SQLite registry");
        Some((store.into_registry(), dir))
    }
}

modelreg_conformance::conformance_suite!(Sqlite);
