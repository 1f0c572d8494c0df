//! SQLite failures mapped onto the core error, so that the same bad call
//! yields the same variant as on every other backend. Messages are written
//! here: they name a constraint or a code, never SQL or SQLite's own text
//! (which stays reachable as the error's source).

use std::path::Path;

use modelreg_core::error::field_name;
use modelreg_core::{Error, Record};
use rusqlite::{ErrorCode, ffi};

/// The constraint or column a constraint failure names: the last word of
/// "UNIQUE constraint failed: model_versions.model_id, model_versions.semver",
/// "CHECK constraint failed: semver" or "NOT NULL constraint failed: metrics.value".
fn constraint(message: Option<&str>) -> &str {
    message.and_then(|m| m.rsplit([' ', '.']).next()).unwrap_or("")
}

/// Maps a failure of writing `record` (when known) to the core error.
pub(crate) fn map(err: rusqlite::Error, record: Option<&Record>) -> Error {
    let rusqlite::Error::SqliteFailure(failure, message) = &err else {
        return Error::internal("SQLite answered in a way modelreg cannot read").with_source(err);
    };
    let name = constraint(message.as_deref());
    match (failure.extended_code, record) {
        (ffi::SQLITE_CONSTRAINT_UNIQUE | ffi::SQLITE_CONSTRAINT_PRIMARYKEY, Some(record)) => {
            return record.conflict(match name {
                // the partial index allowing one production version per model
                "model_id" => "status",
                other => field_name(other),
            });
        }
        (ffi::SQLITE_CONSTRAINT_FOREIGNKEY, Some(record)) => return record.missing_parent(),
        // A trigger of schema 2 aborts with the constraint's name, ck__<table>__<rule>__<field>.
        (ffi::SQLITE_CONSTRAINT_TRIGGER, _) => {
            let field = message.as_deref().and_then(|m| m.rsplit("__").next()).unwrap_or("");
            return Error::invalid(
                field_name(field),
                format!(
                    "the database rejected the value (constraint {})",
                    message.as_deref().unwrap_or("")
                ),
            );
        }
        (ffi::SQLITE_CONSTRAINT_CHECK | ffi::SQLITE_CONSTRAINT_NOTNULL, _) => {
            return Error::invalid(
                field_name(name),
                format!("the database rejected the value (constraint {name})"),
            );
        }
        _ => {}
    }
    let code = failure.extended_code;
    match failure.code {
        ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked => {
            Error::unavailable("the database stayed locked by another process past the busy timeout")
        }
        ErrorCode::DiskFull => Error::storage("the disk holding the SQLite database is full"),
        ErrorCode::ReadOnly => Error::storage(format!("the SQLite database is read-only (SQLite code {code})")),
        ErrorCode::CannotOpen => {
            Error::unavailable(format!("the SQLite database cannot be opened (SQLite code {code})"))
        }
        ErrorCode::ConstraintViolation => Error::internal(format!(
            "the database refused a write (constraint {name}, SQLite code {code})"
        )),
        _ => Error::internal(format!("SQLite failed (SQLite code {code})")),
    }
    .with_source(err)
}

/// Shorthand for mapping a failure that is not tied to one record.
pub(crate) fn db(err: rusqlite::Error) -> Error {
    map(err, None)
}

/// A failure to open the database file at `path`.
pub(crate) fn open(path: &Path, err: rusqlite::Error) -> Error {
    match db(err) {
        Error::Internal { source, .. } | Error::Unavailable { source, .. } => Error::Unavailable {
            message: format!("cannot open the SQLite database {}", path.display()),
            source,
        },
        other => other,
    }
}

/// A failure of the file system around the database (creating its file or directory).
pub(crate) fn file(what: String, err: std::io::Error) -> Error {
    Error::storage(format!("{what}: {}", err.kind())).with_source(err)
}

#[cfg(test)]
mod tests {
    use std::error::Error as _;

    use super::*;

    fn failure(code: std::ffi::c_int, message: &str) -> rusqlite::Error {
        rusqlite::Error::SqliteFailure(ffi::Error::new(code), Some(message.to_owned()))
    }

    #[test]
    fn broken_checks_name_the_field_in_a_sentence_of_our_own() {
        let err = map(
            failure(ffi::SQLITE_CONSTRAINT_CHECK, "CHECK constraint failed: semver"),
            None,
        );
        assert!(matches!(err, Error::Invalid { field: "semver", .. }), "{err:?}");
        assert!(!err.to_string().contains("CHECK constraint failed"), "{err}");
        let err = map(
            failure(
                ffi::SQLITE_CONSTRAINT_NOTNULL,
                "NOT NULL constraint failed: metrics.value",
            ),
            None,
        );
        assert!(matches!(err, Error::Invalid { field: "value", .. }), "{err:?}");
    }

    #[test]
    fn full_and_read_only_disks_are_storage_failures() {
        for code in [ffi::SQLITE_FULL, ffi::SQLITE_READONLY, ffi::SQLITE_READONLY_DIRECTORY] {
            let err = map(failure(code, "disk trouble"), None);
            assert!(matches!(err, Error::Storage { .. }), "{code}: {err:?}");
            assert!(err.source().is_some(), "the driver's error is kept");
        }
    }

    #[test]
    fn a_lock_held_past_the_busy_timeout_is_unavailable() {
        for code in [ffi::SQLITE_BUSY, ffi::SQLITE_LOCKED] {
            let err = map(failure(code, "database is locked"), None);
            assert!(matches!(err, Error::Unavailable { .. }), "{err:?}");
            assert!(err.is_retryable());
        }
    }

    #[test]
    fn anything_else_is_internal_and_never_quotes_sql() {
        let err = map(failure(ffi::SQLITE_ERROR, "near \"SELEC\": syntax error"), None);
        assert!(matches!(err, Error::Internal { .. }), "{err:?}");
        assert!(!err.to_string().contains("SELEC"), "{err}");
        assert!(err.source().is_some_and(|s| s.to_string().contains("SELEC")));
    }
}
