//! The read traits on PostgreSQL, one module per entity. Each lookup is one
//! function on any executor, used alike by the store (on the pool), by a
//! write transaction (on its connection, locking what it reads) and, for
//! records, by a snapshot.

pub(crate) mod analytics;
pub(crate) mod audit;
pub(crate) mod deployments;
pub(crate) mod environments;
pub(crate) mod history;
pub(crate) mod metrics;
pub(crate) mod models;
pub(crate) mod records;
pub(crate) mod runs;
pub(crate) mod teams;
pub(crate) mod versions;

use modelreg_core::store::Page;

/// The `LIMIT` of a page.
pub(crate) fn limit(page: Page) -> i64 {
    page.limit.into()
}

/// The `OFFSET` of a page (below 2^63, as [`Page::new`] checks).
pub(crate) fn offset(page: Page) -> i64 {
    i64::try_from(page.offset).unwrap_or(i64::MAX)
}
