//! SQLite failures mapped onto the core error, so that the same bad call
//! yields the same variant as on every other backend.

use modelreg_core::error::field_name;
use modelreg_core::{Error, Record};
use rusqlite::ffi;

/// Maps a failure of writing `record` (when known) to the core error.
pub(crate) fn map(err: rusqlite::Error, record: Option<&Record>) -> Error {
    if let rusqlite::Error::SqliteFailure(failure, message) = &err {
        let message = message.as_deref().unwrap_or("");
        match failure.extended_code {
            ffi::SQLITE_CONSTRAINT_UNIQUE | ffi::SQLITE_CONSTRAINT_PRIMARYKEY => {
                // "UNIQUE constraint failed: model_versions.model_id, model_versions.semver"
                let column = message.rsplit('.').next().unwrap_or("id");
                let field = match column {
                    // the partial index allowing one production version per model
                    "model_id" => "status",
                    other => field_name(other),
                };
                if let Some(record) = record {
                    return record.conflict(field);
                }
            }
            ffi::SQLITE_CONSTRAINT_CHECK | ffi::SQLITE_CONSTRAINT_NOTNULL => {
                // "CHECK constraint failed: semver", "NOT NULL constraint failed: metrics.value"
                let column = message.rsplit([' ', '.']).next().unwrap_or("");
                return Error::invalid(field_name(column), format!("rejected by the database ({message})"));
            }
            ffi::SQLITE_CONSTRAINT_FOREIGNKEY => {
                if let Some(record) = record {
                    return record.missing_parent();
                }
            }
            _ => {}
        }
        if failure.code == rusqlite::ErrorCode::DatabaseBusy || failure.code == rusqlite::ErrorCode::DatabaseLocked {
            return Error::backend(format!(
                "the database stayed locked by another process past the busy timeout ({err})"
            ));
        }
    }
    Error::backend(err)
}

/// Shorthand for mapping a failure that is not tied to one record.
pub(crate) fn db(err: rusqlite::Error) -> Error {
    map(err, None)
}
