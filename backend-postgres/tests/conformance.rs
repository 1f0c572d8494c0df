//! The conformance suite on PostgreSQL: every case in a database of its own.

use std::sync::Arc;

use modelreg_conformance::fixtures::actor;
use modelreg_conformance::{Fresh, shared};
use modelreg_core::Registry;
use modelreg_postgres::testing::TestDatabase;

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
