//! PostgreSQL failures mapped onto the core error by SQLSTATE, so that the
//! same bad call yields the same variant as on SQLite. Messages are written
//! here: they name a SQLSTATE and a constraint or column, never SQL or the
//! server's own text (which stays reachable as the error's source).

use modelreg_core::error::field_name;
use modelreg_core::tables::Write;
use modelreg_core::{Error, Record};
use sqlx::postgres::PgDatabaseError;

/// The field a constraint named `ck__table__field` or `uq__table__field` guards.
fn constraint_field(constraint: Option<&str>) -> &'static str {
    constraint
        .and_then(|c| c.rsplit("__").next())
        .map_or("record", field_name)
}

/// Whether a SQLSTATE says the server cannot take work now (down, shutting
/// down, out of connections, busy with locks), so that trying later may work.
fn unavailable(code: &str) -> bool {
    code.starts_with("08")
        || matches!(
            code,
            "57P01" | "57P02" | "57P03" | "53300" | "40001" | "40P01" | "55P03"
        )
}

/// The error a database error of `code` is when no record explains it.
fn by_code(code: &str, constraint: Option<&str>) -> Error {
    let named = constraint.map_or_else(String::new, |c| format!(", constraint {c}"));
    match code {
        code if unavailable(code) => {
            Error::unavailable(format!("PostgreSQL cannot take the request now (SQLSTATE {code})"))
        }
        "53100" => Error::storage("the disk under PostgreSQL is full (SQLSTATE 53100)"),
        "25006" => Error::storage("the PostgreSQL database takes no writes (SQLSTATE 25006, read-only transaction)"),
        code => Error::internal(format!("PostgreSQL refused the request (SQLSTATE {code}{named})")),
    }
}

/// Maps a failure of writing `record` (when known) to the core error.
pub(crate) fn map(err: sqlx::Error, record: Option<&Record>) -> Error {
    let mapped = match &err {
        sqlx::Error::Database(db) => {
            let code = db.code().map(|c| c.into_owned()).unwrap_or_default();
            let constraint = db.constraint();
            match (code.as_str(), record) {
                ("23505", Some(record)) => return record.conflict(constraint_field(constraint)),
                ("23503", Some(record)) => return record.missing_parent(),
                ("23514", _) => {
                    let name = constraint.unwrap_or("unnamed");
                    return Error::invalid(
                        constraint_field(constraint),
                        format!("the database rejected the value (constraint {name})"),
                    );
                }
                ("23502", _) => {
                    let column = db
                        .try_downcast_ref::<PgDatabaseError>()
                        .and_then(PgDatabaseError::column)
                        .unwrap_or("record");
                    return Error::invalid(
                        field_name(column),
                        format!("the database rejected an empty value (column {column})"),
                    );
                }
                (code, _) => by_code(code, constraint),
            }
        }
        sqlx::Error::PoolTimedOut => {
            Error::unavailable("no PostgreSQL connection became free within the pool's acquire timeout")
        }
        sqlx::Error::PoolClosed => Error::unavailable("the PostgreSQL connection pool is closed"),
        sqlx::Error::Io(_) | sqlx::Error::Tls(_) | sqlx::Error::Protocol(_) | sqlx::Error::WorkerCrashed => {
            Error::unavailable("the connection to PostgreSQL failed")
        }
        _ => Error::internal("PostgreSQL answered in a way modelreg cannot read"),
    };
    mapped.with_source(err)
}

/// Shorthand for mapping a failure that is not tied to one record.
pub(crate) fn db(err: sqlx::Error) -> Error {
    map(err, None)
}

/// A failure to connect to `location` (whose password is masked): what went
/// wrong, in words of our own or the client's, never the server's.
pub(crate) fn connect(location: &str, err: sqlx::Error) -> Error {
    let reason = match &err {
        sqlx::Error::Database(db) => match db.code().as_deref() {
            Some(code @ ("28P01" | "28000")) => format!("the server refused the credentials (SQLSTATE {code})"),
            Some("3D000") => "the database does not exist (SQLSTATE 3D000)".to_owned(),
            Some(code) => format!("the server refused the connection (SQLSTATE {code})"),
            None => "the server refused the connection".to_owned(),
        },
        sqlx::Error::Io(e) => e.to_string(),
        sqlx::Error::Tls(e) => format!("TLS failed: {e}"),
        _ => "the server did not answer as PostgreSQL does".to_owned(),
    };
    Error::unavailable(format!("cannot connect to {location}: {reason}")).with_source(err)
}

/// Maps a failure of a statement that wrote several records: the table the
/// database names tells which record broke the rule.
pub(crate) fn map_batch(err: sqlx::Error, writes: &[(Record, Write)]) -> Error {
    let table = match &err {
        sqlx::Error::Database(db) => db.table().map(str::to_owned),
        _ => None,
    };
    let record = match (writes, table) {
        ([(only, _)], _) => Some(only),
        (_, Some(table)) => writes
            .iter()
            .map(|(record, _)| record)
            .find(|record| record.table().name == table),
        _ => None,
    };
    map(err, record)
}

/// Maps a failure of a bulk insert: the database's detail (`Key (name)=(x)
/// already exists`) tells which record of the chunk broke the rule.
pub(crate) fn map_bulk(err: sqlx::Error, chunk: &[Record]) -> Error {
    let culprit = match &err {
        sqlx::Error::Database(db) => {
            let detail = db
                .try_downcast_ref::<PgDatabaseError>()
                .and_then(PgDatabaseError::detail)
                .unwrap_or_default();
            let field = constraint_field(db.constraint());
            chunk.iter().find(|record| match db.code().as_deref() {
                Some("23505") => match (record.conflict(field), record) {
                    (Error::Conflict { value, .. }, Record::ModelVersion(v)) => {
                        detail.contains(&value) && detail.contains(&v.model_id.to_string())
                    }
                    (Error::Conflict { value, .. }, _) => detail.contains(&format!("({value})")),
                    _ => false,
                },
                Some("23503") => match record.missing_parent() {
                    Error::NotFound { key, .. } => !key.is_empty() && detail.contains(&key),
                    _ => false,
                },
                _ => false,
            })
        }
        _ => None,
    };
    map(err, culprit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlstates_choose_the_variant() {
        for code in ["08006", "57P01", "57P02", "57P03", "53300", "40P01"] {
            assert!(matches!(by_code(code, None), Error::Unavailable { .. }), "{code}");
        }
        for code in ["53100", "25006"] {
            assert!(matches!(by_code(code, None), Error::Storage { .. }), "{code}");
        }
        let other = by_code("42P01", Some("ck__x__y"));
        assert!(matches!(other, Error::Internal { .. }));
        assert!(other.to_string().contains("42P01") && other.to_string().contains("ck__x__y"));
    }

    #[test]
    fn pool_failures_are_unavailable() {
        assert!(matches!(db(sqlx::Error::PoolTimedOut), Error::Unavailable { .. }));
        assert!(matches!(db(sqlx::Error::PoolClosed), Error::Unavailable { .. }));
        let refused = std::io::Error::from(std::io::ErrorKind::ConnectionRefused);
        assert!(matches!(db(sqlx::Error::Io(refused)), Error::Unavailable { .. }));
    }

    #[test]
    fn constraint_names_give_the_field() {
        assert_eq!(constraint_field(Some("ck__model_versions__semver")), "semver");
        assert_eq!(constraint_field(Some("uq__tags__tag")), "tag");
        assert_eq!(constraint_field(None), "record");
    }

    #[tokio::test]
    async fn a_failing_statement_is_described_without_its_sql_or_the_server_text() {
        use std::error::Error as _;
        let Some(database) = crate::testing::TestDatabase::create().await else {
            return;
        };
        let store = database.store().await;
        let failure = sqlx::query("SELEC 1").execute(store.pool()).await.unwrap_err();
        let err = db(failure);
        assert!(matches!(err, Error::Internal { .. }), "{err:?}");
        let message = err.to_string();
        assert!(message.contains("42601"), "{message}");
        assert!(!message.contains("SELEC") && !message.contains("syntax"), "{message}");
        assert!(err.source().is_some_and(|s| s.to_string().contains("SELEC")));
    }
}
