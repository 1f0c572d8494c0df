//! The raw baseline of `modelreg bench`: single-row INSERT + COMMIT into a
//! scratch table on a connection of its own, so that the registry's write
//! rate can be read as a fraction of what PostgreSQL itself does here.

use modelreg_core::Result;
use modelreg_core::error::redact_passwords;
use sqlx::{Connection, Executor, PgConnection};
use tokio::sync::Mutex;

use crate::connect_options;
use crate::error::{connect, db};

/// One writer connection of the baseline.
pub struct RawWriter {
    conn: Mutex<PgConnection>,
}

impl RawWriter {
    /// Connects to `url` (in `schema`, when given) and creates the scratch table.
    pub async fn connect(url: &str, schema: Option<&str>) -> Result<RawWriter> {
        let mut conn = PgConnection::connect_with(&connect_options(url, schema)?)
            .await
            .map_err(|e| connect(&redact_passwords(url), e))?;
        conn.execute(
            "CREATE TABLE IF NOT EXISTS bench_baseline (
                 id UUID PRIMARY KEY,
                 payload TEXT NOT NULL,
                 created_at TIMESTAMPTZ NOT NULL
             )",
        )
        .await
        .map_err(db)?;
        Ok(RawWriter { conn: Mutex::new(conn) })
    }

    /// Inserts one row in a transaction of its own (BEGIN, INSERT, COMMIT).
    pub async fn insert(&self, payload: String) -> Result<()> {
        let mut conn = self.conn.lock().await;
        let mut tx = conn.begin().await.map_err(db)?;
        sqlx::query("INSERT INTO bench_baseline (id, payload, created_at) VALUES ($1, $2, $3)")
            .bind(uuid::Uuid::now_v7())
            .bind(payload)
            .bind(modelreg_core::time::now())
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        tx.commit().await.map_err(db)
    }
}
