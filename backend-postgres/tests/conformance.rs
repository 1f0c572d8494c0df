//! The conformance suite on PostgreSQL: every case in a database of its own.

use modelreg_core::Registry;
use modelreg_postgres::testing::TestDatabase;

struct Postgres;

impl modelreg_conformance::Backend for Postgres {
    type Guard = TestDatabase;

    async fn fresh() -> Option<(Registry, TestDatabase)> {
        let db = TestDatabase::create().await?;
        Some((db.store().await.into_registry(), db))
    }
}

modelreg_conformance::conformance_suite!(Postgres);
