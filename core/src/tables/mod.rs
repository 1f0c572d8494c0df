//! The stored tables, declared once: their names, columns (with types),
//! derived columns and conflict targets, and the mapping of each [`Record`]
//! to and from a row. Both backends build their column lists and write
//! statements from these declarations and read rows by column name through
//! [`Row`], so neither repeats the other.

mod aggregates;
mod decl;
mod rows;
mod value;

use std::fmt;

use uuid::Uuid;

use crate::error::{Error, Result};
use crate::store::{Record, RecordKind};
use crate::time::Timestamp;
use crate::validate::JsonObject;

pub use aggregates::{record_counts, table_counts};
pub use decl::TABLES;
pub use value::Value;

/// How a column's values are typed (each backend maps these to its own SQL types).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ColumnType {
    /// An id.
    Uuid,
    /// Text.
    Text,
    /// A 64-bit integer.
    Int,
    /// A 32-bit integer.
    Int32,
    /// A finite 64-bit float.
    Float,
    /// A boolean.
    Bool,
    /// A UTC instant, to the microsecond.
    Time,
    /// A JSON object.
    Json,
}

/// One column of a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    /// Its name in SQL.
    pub name: &'static str,
    /// How its values are typed.
    pub ty: ColumnType,
    /// Whether it may hold NULL (the record's field is optional).
    pub nullable: bool,
    /// Computed from the record's other fields when written (never read back).
    pub derived: bool,
}

/// One stored table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Table {
    /// The kind of record it stores.
    pub kind: RecordKind,
    /// Its name in SQL.
    pub name: &'static str,
    /// Every column in write order, the key first.
    pub columns: &'static [Column],
    /// The columns that identify a row: the conflict target of an insert
    /// that skips existing rows, and what an update matches on.
    pub key: &'static [&'static str],
}

impl Table {
    /// The declaration of `kind`'s table.
    pub fn of(kind: RecordKind) -> &'static Table {
        TABLES
            .iter()
            .find(|t| t.kind == kind)
            .unwrap_or_else(|| unreachable!("every record kind has a table declaration"))
    }

    /// The columns a row of this table is read from (every column but the derived ones).
    pub fn read_columns(&self) -> impl Iterator<Item = &'static Column> {
        self.columns.iter().filter(|c| !c.derived)
    }

    /// `c1, c2, …` of the read columns, each prefixed by `alias.` and named
    /// `{prefix}{column}` when `prefix` is not empty (for joins).
    pub fn select_list(&self, alias: &str, prefix: &str) -> String {
        self.read_columns()
            .map(|c| match (alias, prefix) {
                ("", "") => c.name.to_owned(),
                (alias, "") => format!("{alias}.{}", c.name),
                ("", prefix) => format!("{} AS {prefix}{}", c.name, c.name),
                (alias, prefix) => format!("{alias}.{} AS {prefix}{}", c.name, c.name),
            })
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The column named `name`.
    pub fn column(&self, name: &str) -> Option<&'static Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// The statement of `write` for one row of this table. It binds every
    /// column in declaration order, as [`Record::values`] gives them: the
    /// value of the `i`th column (from 0) is the placeholder `mark(first + i)`.
    pub fn write_sql(&self, write: Write, mark: impl Fn(usize) -> String, first: usize) -> String {
        let names: Vec<&str> = self.columns.iter().map(|c| c.name).collect();
        let marks: Vec<String> = (0..self.columns.len()).map(|i| mark(first + i)).collect();
        // `column = mark` of the key columns (`in_key`) or of the others.
        let assignments = |in_key: bool, separator: &str| {
            self.columns
                .iter()
                .enumerate()
                .filter(|(_, c)| self.key.contains(&c.name) == in_key)
                .map(|(i, c)| format!("{} = {}", c.name, mark(first + i)))
                .collect::<Vec<_>>()
                .join(separator)
        };
        let insert = format!(
            "INSERT INTO {} ({}) VALUES ({})",
            self.name,
            names.join(", "),
            marks.join(", ")
        );
        match write {
            Write::Insert => insert,
            Write::InsertOrSkip => format!("{insert} ON CONFLICT ({}) DO NOTHING", self.key.join(", ")),
            Write::Update => format!(
                "UPDATE {} SET {} WHERE {}",
                self.name,
                assignments(false, ", "),
                assignments(true, " AND ")
            ),
        }
    }

    /// A page of this table's rows in key order: `LIMIT mark(1)` from the
    /// start, or with `after`, `WHERE (key) > (mark(1), …) … LIMIT mark(n + 1)`
    /// binding the key's values before the limit.
    pub fn page_sql(&self, mark: impl Fn(usize) -> String, after: bool) -> String {
        let key = self.key.join(", ");
        let select = format!("SELECT {} FROM {}", self.select_list("", ""), self.name);
        if !after {
            return format!("{select} ORDER BY {key} LIMIT {}", mark(1));
        }
        let marks: Vec<String> = (1..=self.key.len()).map(&mark).collect();
        format!(
            "{select} WHERE ({key}) > ({}) ORDER BY {key} LIMIT {}",
            marks.join(", "),
            mark(self.key.len() + 1)
        )
    }

    /// `DELETE FROM table WHERE k1 = mark(1) AND …`, binding the key's values in key order.
    pub fn delete_sql(&self, mark: impl Fn(usize) -> String) -> String {
        let matches: Vec<String> = self
            .key
            .iter()
            .enumerate()
            .map(|(i, k)| format!("{k} = {}", mark(i + 1)))
            .collect();
        format!("DELETE FROM {} WHERE {}", self.name, matches.join(" AND "))
    }
}

/// The kinds of write statement [`Table::write_sql`] builds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Write {
    /// Inserts a new row.
    Insert,
    /// Inserts, unless a row with the same key exists (`ON CONFLICT (key) DO NOTHING`).
    InsertOrSkip,
    /// Replaces the row with the same key.
    Update,
}

impl Write {
    /// Every kind of write.
    pub const ALL: [Write; 3] = [Write::Insert, Write::InsertOrSkip, Write::Update];
}

/// A row as a backend returns it: the value of a column, looked up by name.
pub trait Row {
    /// The value of `column` (`Value::Null` for SQL NULL), decoded as `ty`.
    fn value(&self, column: &str, ty: ColumnType) -> Result<Value>;
}

/// A decoding failure of one column: a stored value this modelreg cannot read.
pub fn undecodable(column: &str, detail: impl fmt::Display) -> Error {
    Error::internal(format!("column {column} holds a value modelreg cannot read: {detail}"))
}

/// Typed access to the columns of a [`Row`], optionally under a join prefix.
pub struct Cells<'r> {
    row: &'r dyn Row,
    prefix: &'r str,
}

macro_rules! getters {
    ($($name:ident, $opt:ident: $ty:ty = $ct:ident($v:ident) => $out:expr;)*) => {
        $(
            #[doc = concat!("A non-null `", stringify!($ct), "` column.")]
            pub fn $name(&self, column: &str) -> Result<$ty> {
                self.$opt(column)?.ok_or_else(|| undecodable(column, "NULL in a NOT NULL column"))
            }

            #[doc = concat!("A nullable `", stringify!($ct), "` column.")]
            pub fn $opt(&self, column: &str) -> Result<Option<$ty>> {
                match self.get(column, ColumnType::$ct)? {
                    Value::Null => Ok(None),
                    Value::$ct($v) => Ok(Some($out)),
                    other => Err(undecodable(column, format!("expected {}, got {other:?}", stringify!($ct)))),
                }
            }
        )*
    };
}

impl<'r> Cells<'r> {
    /// The columns of `row`, read under `prefix` (empty for none).
    pub fn new(row: &'r dyn Row, prefix: &'r str) -> Cells<'r> {
        Cells { row, prefix }
    }

    fn get(&self, column: &str, ty: ColumnType) -> Result<Value> {
        if self.prefix.is_empty() {
            self.row.value(column, ty)
        } else {
            self.row.value(&format!("{}{column}", self.prefix), ty)
        }
    }

    getters! {
        uuid, opt_uuid: Uuid = Uuid(v) => v;
        text, opt_text: String = Text(v) => v;
        int, opt_int: i64 = Int(v) => v;
        float, opt_float: f64 = Float(v) => v;
        bool, opt_bool: bool = Bool(v) => v;
        time, opt_time: Timestamp = Time(v) => v;
        json, opt_json: JsonObject = Json(v) => v;
    }

    /// A non-null 32-bit integer column.
    pub fn int32(&self, column: &str) -> Result<i32> {
        let wide = match self.get(column, ColumnType::Int32)? {
            Value::Int(v) => v,
            other => return Err(undecodable(column, format!("expected an integer, got {other:?}"))),
        };
        i32::try_from(wide).map_err(|e| undecodable(column, e))
    }

    /// A text column holding one of a closed set of values.
    pub fn parsed<T: std::str::FromStr<Err = Error>>(&self, column: &str) -> Result<T> {
        let text = self.text(column)?;
        text.parse().map_err(|e: Error| undecodable(column, e))
    }

    /// A nullable text column holding one of a closed set of values.
    pub fn opt_parsed<T: std::str::FromStr<Err = Error>>(&self, column: &str) -> Result<Option<T>> {
        self.opt_text(column)?
            .map(|text| text.parse().map_err(|e: Error| undecodable(column, e)))
            .transpose()
    }
}

impl Record {
    /// The table this record is stored in.
    pub fn table(&self) -> &'static Table {
        Table::of(self.record_kind())
    }

    /// The record's values in the order of its table's columns, derived ones included.
    pub fn values(&self) -> Result<Vec<Value>> {
        rows::values(self)
    }

    /// The record of `kind` stored in `row` (whose columns may carry `prefix`).
    pub fn read(kind: RecordKind, row: &dyn Row, prefix: &str) -> Result<Record> {
        rows::read(kind, &Cells::new(row, prefix))
    }
}

/// Reads one entity of type `T` from a row (for listings of one kind).
pub trait FromRow: Sized {
    /// Reads the entity from `row`, whose columns may carry `prefix`.
    fn from_row(row: &dyn Row, prefix: &str) -> Result<Self>;
}

macro_rules! from_row {
    ($($ty:ty => $variant:ident),* $(,)?) => {
        $(
            impl FromRow for $ty {
                fn from_row(row: &dyn Row, prefix: &str) -> Result<Self> {
                    match Record::read(RecordKind::$variant, row, prefix)? {
                        Record::$variant(x) => Ok(x),
                        _ => unreachable!("Record::read answers with the kind asked for"),
                    }
                }
            }
        )*
    };
}

from_row!(
    crate::teams::Team => Team,
    crate::models::Tag => Tag,
    crate::models::Model => Model,
    crate::models::ModelTag => ModelTag,
    crate::versions::ModelVersion => ModelVersion,
    crate::aliases::Alias => ModelAlias,
    crate::history::StatusChange => StatusChange,
    crate::history::AliasChange => AliasChange,
    crate::runs::TrainingRun => TrainingRun,
    crate::metrics::Metric => Metric,
    crate::environments::Environment => Environment,
    crate::deployments::Deployment => Deployment,
    crate::audit::AuditEvent => AuditEvent,
);

#[cfg(test)]
mod tests;

/// A statement built once, from constants and the table declarations
/// (never from user data), and kept for the life of the process: the
/// backends' `sql!("SELECT {} FROM …", columns)`.
#[macro_export]
macro_rules! sql {
    ($($format:tt)*) => {{
        static SQL: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| format!($($format)*));
        SQL.as_str()
    }};
}
