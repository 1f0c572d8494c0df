//! Scratch schemas: a private, disposable place in an existing database
//! (for `modelreg bench`), so that nothing touches a real registry.

use modelreg_core::Result;
use modelreg_core::error::redact_passwords;
use sqlx::{AssertSqlSafe, Connection, Executor, PgConnection};

use crate::connect_options;
use crate::error::{connect, db};

/// A schema of its own, created empty and dropped with everything in it.
pub struct ScratchSchema {
    url: String,
    name: String,
}

impl ScratchSchema {
    /// Creates `modelreg_scratch_<random>` in the database `url` names.
    pub async fn create(url: &str) -> Result<ScratchSchema> {
        let name = format!("modelreg_scratch_{}", uuid::Uuid::new_v4().simple());
        let mut conn = PgConnection::connect_with(&connect_options(url, None)?)
            .await
            .map_err(|e| connect(&redact_passwords(url), e))?;
        // The name is generated here, never taken from input.
        conn.execute(AssertSqlSafe(format!("CREATE SCHEMA \"{name}\"")))
            .await
            .map_err(db)?;
        Ok(ScratchSchema {
            url: url.to_owned(),
            name,
        })
    }

    /// The schema's name, for [`PostgresOptions::schema`](crate::PostgresOptions::schema).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Drops the schema and everything in it.
    pub async fn drop_all(self) -> Result<()> {
        let mut conn = PgConnection::connect_with(&connect_options(&self.url, None)?)
            .await
            .map_err(|e| connect(&redact_passwords(&self.url), e))?;
        conn.execute(AssertSqlSafe(format!("DROP SCHEMA \"{}\" CASCADE", self.name)))
            .await
            .map_err(db)?;
        Ok(())
    }
}
