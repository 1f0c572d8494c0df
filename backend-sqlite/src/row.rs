//! Values as SQLite keeps them: ids as UUID text, timestamps as INTEGER
//! microseconds since the epoch (UTC), JSON as text, booleans as 0/1. Rows
//! are read by column name into the core's table declarations, and written
//! from `Record::values`.

use modelreg_core::Result;
use modelreg_core::store::RecordKind;
use modelreg_core::tables::{self, ColumnType, FromRow, Table, Value, undecodable};
use modelreg_core::time;
use rusqlite::types::{ToSqlOutput, ValueRef};
use rusqlite::{Connection, Params, ToSql};
use uuid::Uuid;

use crate::error::db;

pub(crate) use modelreg_core::sql;

/// The read columns of `kind`'s table, as `alias.column AS {prefix}column`.
pub(crate) fn columns(kind: RecordKind, alias: &str, prefix: &str) -> String {
    Table::of(kind).select_list(alias, prefix)
}

/// One row of a query, read by column name.
pub(crate) struct SqliteRow<'a, 'stmt>(pub &'a rusqlite::Row<'stmt>);

fn text<'v>(column: &str, bytes: &'v [u8]) -> Result<&'v str> {
    std::str::from_utf8(bytes).map_err(|e| undecodable(column, e))
}

impl tables::Row for SqliteRow<'_, '_> {
    fn value(&self, column: &str, ty: ColumnType) -> Result<Value> {
        let raw = self.0.get_ref(column).map_err(|e| undecodable(column, e))?;
        Ok(match (ty, raw) {
            (_, ValueRef::Null) => Value::Null,
            (ColumnType::Uuid, ValueRef::Text(t)) => {
                Value::Uuid(Uuid::parse_str(text(column, t)?).map_err(|e| undecodable(column, e))?)
            }
            (ColumnType::Text, ValueRef::Text(t)) => Value::Text(text(column, t)?.to_owned()),
            (ColumnType::Int | ColumnType::Int32, ValueRef::Integer(i)) => Value::Int(i),
            (ColumnType::Float, ValueRef::Real(f)) => Value::Float(f),
            // A REAL column keeps whole numbers it was given as integers.
            (ColumnType::Float, ValueRef::Integer(i)) => Value::Float(i as f64),
            (ColumnType::Bool, ValueRef::Integer(i @ (0 | 1))) => Value::Bool(i == 1),
            (ColumnType::Time, ValueRef::Integer(micros)) => {
                Value::Time(time::from_micros(micros).map_err(|e| undecodable(column, e))?)
            }
            (ColumnType::Json, ValueRef::Text(t)) => {
                Value::Json(serde_json::from_slice(t).map_err(|e| undecodable(column, e))?)
            }
            (ty, raw) => {
                return Err(undecodable(
                    column,
                    format!("expected {ty:?}, found SQLite {}", raw.data_type()),
                ));
            }
        })
    }
}

/// A core value bound to a statement, in SQLite's form.
pub(crate) struct Param<'a>(pub &'a Value);

impl ToSql for Param<'_> {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        use rusqlite::types::Value as Sql;
        Ok(match self.0 {
            Value::Null => ToSqlOutput::Owned(Sql::Null),
            Value::Bool(b) => ToSqlOutput::Owned(Sql::Integer((*b).into())),
            Value::Int(i) => ToSqlOutput::Owned(Sql::Integer(*i)),
            Value::Float(f) => ToSqlOutput::Owned(Sql::Real(*f)),
            Value::Text(t) => ToSqlOutput::Borrowed(ValueRef::Text(t.as_bytes())),
            Value::Uuid(id) => ToSqlOutput::Owned(Sql::Text(id.to_string())),
            Value::Time(t) => ToSqlOutput::Owned(Sql::Integer(time::to_micros(t))),
            Value::Json(object) => ToSqlOutput::Owned(Sql::Text(
                serde_json::to_string(object).map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?,
            )),
        })
    }
}

/// An id as SQLite keeps it.
pub(crate) fn id(id: Uuid) -> String {
    id.to_string()
}

/// Every row of `sql`, each read by `read`.
pub(crate) fn all<T>(
    conn: &Connection,
    sql: &str,
    params: impl Params,
    mut read: impl FnMut(&SqliteRow) -> Result<T>,
) -> Result<Vec<T>> {
    let mut stmt = conn.prepare_cached(sql).map_err(db)?;
    let mut rows = stmt.query(params).map_err(db)?;
    let mut found = Vec::new();
    while let Some(row) = rows.next().map_err(db)? {
        found.push(read(&SqliteRow(row))?);
    }
    Ok(found)
}

/// Every row of `sql`, each read as one `T`.
pub(crate) fn entities<T: FromRow>(conn: &Connection, sql: &str, params: impl Params) -> Result<Vec<T>> {
    all(conn, sql, params, |row| T::from_row(row, ""))
}

/// The first row of `sql`, read by `read`, if any.
pub(crate) fn first<T>(
    conn: &Connection,
    sql: &str,
    params: impl Params,
    read: impl FnOnce(&SqliteRow) -> Result<T>,
) -> Result<Option<T>> {
    let mut stmt = conn.prepare_cached(sql).map_err(db)?;
    let mut rows = stmt.query(params).map_err(db)?;
    match rows.next().map_err(db)? {
        Some(row) => read(&SqliteRow(row)).map(Some),
        None => Ok(None),
    }
}

/// The first row of `sql` read as one `T`, if any.
pub(crate) fn entity<T: FromRow>(conn: &Connection, sql: &str, params: impl Params) -> Result<Option<T>> {
    first(conn, sql, params, |row| T::from_row(row, ""))
}

/// A column of an aggregate (a count, a sum), read by name.
pub(crate) fn get<T: rusqlite::types::FromSql>(row: &SqliteRow, column: &str) -> Result<T> {
    row.0.get(column).map_err(db)
}

/// A count as modelreg reports it.
pub(crate) fn count(row: &SqliteRow, column: &str) -> Result<u64> {
    Ok(get::<i64>(row, column)?.max(0) as u64)
}

#[cfg(test)]
mod tests {
    use modelreg_core::Error;
    use modelreg_core::tables::Row as _;
    use serde_json::json;

    use super::*;

    fn read(sql: &str, bound: &[Value], column: &str, ty: ColumnType) -> Result<Value> {
        let conn = Connection::open_in_memory().map_err(db)?;
        let params = rusqlite::params_from_iter(bound.iter().map(Param));
        conn.query_row(sql, params, |row| Ok(SqliteRow(row).value(column, ty)))
            .map_err(db)?
    }

    #[test]
    fn every_kind_of_value_round_trips_in_sqlite_form() {
        let object = json!({"a": [1, 2.5, "x"]}).as_object().cloned().unwrap();
        let values = [
            (Value::Uuid(Uuid::now_v7()), ColumnType::Uuid),
            (Value::Text("héllo".into()), ColumnType::Text),
            (Value::Int(i64::MIN), ColumnType::Int),
            (Value::Int(7), ColumnType::Int32),
            (Value::Float(0.1), ColumnType::Float),
            (Value::Bool(true), ColumnType::Bool),
            (Value::Time(time::now()), ColumnType::Time),
            (Value::Json(object), ColumnType::Json),
            (Value::Null, ColumnType::Text),
        ];
        for (value, ty) in values {
            let back = read("SELECT ?1 AS v", std::slice::from_ref(&value), "v", ty).unwrap();
            assert_eq!(back, value, "{ty:?}");
        }
    }

    #[test]
    fn stored_values_that_do_not_decode_are_internal_errors_naming_the_column() {
        for (sql, ty) in [
            ("SELECT 'not-a-uuid' AS broken", ColumnType::Uuid),
            ("SELECT 2 AS broken", ColumnType::Bool),
            ("SELECT '[1]' AS broken", ColumnType::Json),
            ("SELECT 'text' AS broken", ColumnType::Time),
            ("SELECT 1 AS other", ColumnType::Int),
        ] {
            let column = if sql.ends_with("other") { "missing" } else { "broken" };
            let err = read(sql, &[], column, ty).unwrap_err();
            assert!(matches!(err, Error::Internal { .. }), "{sql}: {err:?}");
            assert!(err.to_string().contains(column), "{err}");
        }
    }
}
