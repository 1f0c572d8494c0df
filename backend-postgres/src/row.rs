//! Values as PostgreSQL keeps them: UUID, TEXT, BIGINT, INTEGER (for
//! 32-bit integers), DOUBLE PRECISION, BOOLEAN, TIMESTAMPTZ and JSONB. Rows
//! are read by column name into the core's table declarations, and values
//! are bound typed by their column, one at a time or as UNNEST arrays.

use modelreg_core::store::RecordKind;
use modelreg_core::tables::{self, ColumnType, FromRow, Table, Value, undecodable};
use modelreg_core::time::Timestamp;
use modelreg_core::validate::JsonObject;
use modelreg_core::{Error, Result};
use sqlx::postgres::{PgArguments, PgRow};
use sqlx::types::Json;
use sqlx::{PgExecutor, Postgres, Row as _};
use uuid::Uuid;

use crate::error::db;

pub(crate) use modelreg_core::sql;

/// Whether a read inside a write transaction locks the rows it returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Lock {
    /// A plain read (outside a transaction, or of rows nothing decides on).
    None,
    /// `FOR NO KEY UPDATE`: two operations deciding on the same rows take turns.
    Rows,
}

/// A `SELECT` built once in both forms, chosen by `$lock`.
macro_rules! select {
    ($lock:expr, $($format:tt)*) => {
        match $lock {
            $crate::row::Lock::None => $crate::row::sql!($($format)*),
            $crate::row::Lock::Rows => $crate::row::sql!("{} FOR NO KEY UPDATE", format!($($format)*)),
        }
    };
}
pub(crate) use select;

/// The read columns of `kind`'s table, as `alias.column AS {prefix}column`.
pub(crate) fn columns(kind: RecordKind, alias: &str, prefix: &str) -> String {
    Table::of(kind).select_list(alias, prefix)
}

/// The placeholder of the `n`th bound value.
pub(crate) fn dollar(n: usize) -> String {
    format!("${n}")
}

pub(crate) type PgQuery<'q> = sqlx::query::Query<'q, Postgres, PgArguments>;

/// One row of a query, read by column name.
pub(crate) struct PgCells<'r>(pub &'r PgRow);

impl tables::Row for PgCells<'_> {
    fn value(&self, column: &str, ty: ColumnType) -> Result<Value> {
        fn get<'r, T: sqlx::Decode<'r, Postgres> + sqlx::Type<Postgres>>(
            row: &'r PgRow,
            column: &str,
        ) -> Result<Option<T>> {
            row.try_get(column).map_err(|e| undecodable(column, e))
        }
        let row = self.0;
        Ok(match ty {
            ColumnType::Uuid => get::<Uuid>(row, column)?.into(),
            ColumnType::Text => get::<String>(row, column)?.into(),
            ColumnType::Int => get::<i64>(row, column)?.into(),
            ColumnType::Int32 => get::<i32>(row, column)?.map(i64::from).into(),
            ColumnType::Float => get::<f64>(row, column)?.into(),
            ColumnType::Bool => get::<bool>(row, column)?.map_or(Value::Null, Value::Bool),
            ColumnType::Time => get::<Timestamp>(row, column)?.into(),
            ColumnType::Json => get::<Json<JsonObject>>(row, column)?.map_or(Value::Null, |j| Value::Json(j.0)),
        })
    }
}

/// The values of one column, typed as PostgreSQL takes them: a single one
/// for a write of one row, or all of a chunk's for an `UNNEST` array.
pub(crate) enum Typed {
    Uuid(Vec<Option<Uuid>>),
    Text(Vec<Option<String>>),
    Int(Vec<Option<i64>>),
    Int32(Vec<Option<i32>>),
    Float(Vec<Option<f64>>),
    Bool(Vec<Option<bool>>),
    Time(Vec<Option<Timestamp>>),
    Json(Vec<Option<Json<JsonObject>>>),
}

impl Typed {
    /// An empty column of `ty`, with room for `capacity` values.
    pub(crate) fn new(ty: ColumnType, capacity: usize) -> Typed {
        match ty {
            ColumnType::Uuid => Typed::Uuid(Vec::with_capacity(capacity)),
            ColumnType::Text => Typed::Text(Vec::with_capacity(capacity)),
            ColumnType::Int => Typed::Int(Vec::with_capacity(capacity)),
            ColumnType::Int32 => Typed::Int32(Vec::with_capacity(capacity)),
            ColumnType::Float => Typed::Float(Vec::with_capacity(capacity)),
            ColumnType::Bool => Typed::Bool(Vec::with_capacity(capacity)),
            ColumnType::Time => Typed::Time(Vec::with_capacity(capacity)),
            ColumnType::Json => Typed::Json(Vec::with_capacity(capacity)),
        }
    }

    /// The SQL type of an array of this column's values.
    pub(crate) fn array_type(ty: ColumnType) -> &'static str {
        match ty {
            ColumnType::Uuid => "uuid[]",
            ColumnType::Text => "text[]",
            ColumnType::Int => "int8[]",
            ColumnType::Int32 => "int4[]",
            ColumnType::Float => "float8[]",
            ColumnType::Bool => "bool[]",
            ColumnType::Time => "timestamptz[]",
            ColumnType::Json => "jsonb[]",
        }
    }

    /// Adds the value of `column`; one of another type is a fault of the declarations.
    pub(crate) fn push(&mut self, column: &str, value: Value) -> Result<()> {
        match (self, value) {
            (Typed::Uuid(v), Value::Uuid(x)) => v.push(Some(x)),
            (Typed::Text(v), Value::Text(x)) => v.push(Some(x)),
            (Typed::Int(v), Value::Int(x)) => v.push(Some(x)),
            (Typed::Int32(v), Value::Int(x)) => v.push(Some(
                i32::try_from(x).map_err(|e| Error::internal(format!("column {column} holds {x}: {e}")))?,
            )),
            (Typed::Float(v), Value::Float(x)) => v.push(Some(x)),
            (Typed::Bool(v), Value::Bool(x)) => v.push(Some(x)),
            (Typed::Time(v), Value::Time(x)) => v.push(Some(x)),
            (Typed::Json(v), Value::Json(x)) => v.push(Some(Json(x))),
            (typed, Value::Null) => typed.push_null(),
            (_, other) => {
                return Err(Error::internal(format!(
                    "column {column} was given a value of another type ({other:?})"
                )));
            }
        }
        Ok(())
    }

    fn push_null(&mut self) {
        match self {
            Typed::Uuid(v) => v.push(None),
            Typed::Text(v) => v.push(None),
            Typed::Int(v) => v.push(None),
            Typed::Int32(v) => v.push(None),
            Typed::Float(v) => v.push(None),
            Typed::Bool(v) => v.push(None),
            Typed::Time(v) => v.push(None),
            Typed::Json(v) => v.push(None),
        }
    }

    /// Binds the whole column as one array.
    pub(crate) fn bind_array(self, query: PgQuery<'_>) -> PgQuery<'_> {
        match self {
            Typed::Uuid(v) => query.bind(v),
            Typed::Text(v) => query.bind(v),
            Typed::Int(v) => query.bind(v),
            Typed::Int32(v) => query.bind(v),
            Typed::Float(v) => query.bind(v),
            Typed::Bool(v) => query.bind(v),
            Typed::Time(v) => query.bind(v),
            Typed::Json(v) => query.bind(v),
        }
    }

    /// Binds the column's last value alone (a typed NULL when it is none).
    fn bind_last(self, query: PgQuery<'_>) -> PgQuery<'_> {
        match self {
            Typed::Uuid(mut v) => query.bind(v.pop().flatten()),
            Typed::Text(mut v) => query.bind(v.pop().flatten()),
            Typed::Int(mut v) => query.bind(v.pop().flatten()),
            Typed::Int32(mut v) => query.bind(v.pop().flatten()),
            Typed::Float(mut v) => query.bind(v.pop().flatten()),
            Typed::Bool(mut v) => query.bind(v.pop().flatten()),
            Typed::Time(mut v) => query.bind(v.pop().flatten()),
            Typed::Json(mut v) => query.bind(v.pop().flatten()),
        }
    }
}

/// Binds `values`, in the order of `table`'s columns.
pub(crate) fn bind_values<'q>(mut query: PgQuery<'q>, table: &Table, values: Vec<Value>) -> Result<PgQuery<'q>> {
    for (column, value) in table.columns.iter().zip(values) {
        let mut typed = Typed::new(column.ty, 1);
        typed.push(column.name, value)?;
        query = typed.bind_last(query);
    }
    Ok(query)
}

/// Every row of `query`, each read by `read`.
pub(crate) async fn all<'c, T>(
    executor: impl PgExecutor<'c>,
    query: PgQuery<'_>,
    mut read: impl FnMut(&PgCells) -> Result<T>,
) -> Result<Vec<T>> {
    let rows = query.fetch_all(executor).await.map_err(db)?;
    rows.iter().map(|row| read(&PgCells(row))).collect()
}

/// Every row of `query`, each read as one `T`.
pub(crate) async fn entities<'c, T: FromRow>(executor: impl PgExecutor<'c>, query: PgQuery<'_>) -> Result<Vec<T>> {
    all(executor, query, |row| T::from_row(row, "")).await
}

/// The row of `query` read as one `T`, if any.
pub(crate) async fn entity<'c, T: FromRow>(executor: impl PgExecutor<'c>, query: PgQuery<'_>) -> Result<Option<T>> {
    match query.fetch_optional(executor).await.map_err(db)? {
        Some(row) => T::from_row(&PgCells(&row), "").map(Some),
        None => Ok(None),
    }
}

/// The one row an aggregate query answers, read as `T`.
pub(crate) async fn one<'c, T: FromRow>(executor: impl PgExecutor<'c>, query: PgQuery<'_>) -> Result<T> {
    let row = query.fetch_one(executor).await.map_err(db)?;
    T::from_row(&PgCells(&row), "")
}

/// A column of an aggregate, read by name.
pub(crate) fn get<'r, T: sqlx::Decode<'r, Postgres> + sqlx::Type<Postgres>>(
    row: &PgCells<'r>,
    column: &str,
) -> Result<T> {
    row.0.try_get(column).map_err(|e| undecodable(column, e))
}
