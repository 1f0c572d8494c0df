//! PostgreSQL failures mapped onto the core error by SQLSTATE, so that the
//! same bad call yields the same variant as on SQLite.

use modelreg_core::error::field_name;
use modelreg_core::{Error, Record};

/// The field a constraint named `ck__table__field` or `uq__table__field` guards.
fn constraint_field(constraint: Option<&str>) -> &'static str {
    constraint
        .and_then(|c| c.rsplit("__").next())
        .map_or("record", field_name)
}

/// Maps a failure of writing `record` (when known) to the core error.
pub(crate) fn map(err: sqlx::Error, record: Option<&Record>) -> Error {
    if let sqlx::Error::Database(db) = &err {
        match db.code().as_deref() {
            // unique_violation
            Some("23505") => {
                if let Some(record) = record {
                    return record.conflict(constraint_field(db.constraint()));
                }
            }
            // foreign_key_violation
            Some("23503") => {
                if let Some(record) = record {
                    return record.missing_parent();
                }
            }
            // check_violation
            Some("23514") => {
                return Error::invalid(
                    constraint_field(db.constraint()),
                    format!("rejected by the database ({})", db.message()),
                );
            }
            // not_null_violation
            Some("23502") => {
                let column = db
                    .try_downcast_ref::<sqlx::postgres::PgDatabaseError>()
                    .and_then(|pg| pg.column())
                    .unwrap_or("record");
                return Error::invalid(
                    field_name(column),
                    format!("rejected by the database ({})", db.message()),
                );
            }
            _ => {}
        }
    }
    Error::backend(err)
}

/// Maps a failure of a statement that wrote several records: the table the
/// database names tells which record broke the rule.
pub(crate) fn map_batch(err: sqlx::Error, writes: &[(Record, crate::rows::Write)]) -> Error {
    let table = match &err {
        sqlx::Error::Database(db) => db.table().map(str::to_owned),
        _ => None,
    };
    let record = match (writes, table) {
        ([(only, _)], _) => Some(only),
        (_, Some(table)) => writes
            .iter()
            .map(|(record, _)| record)
            .find(|record| crate::rows::table_of(record) == table),
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
                .try_downcast_ref::<sqlx::postgres::PgDatabaseError>()
                .and_then(|pg| pg.detail())
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

/// Shorthand for mapping a failure that is not tied to one record.
pub(crate) fn db(err: sqlx::Error) -> Error {
    map(err, None)
}
