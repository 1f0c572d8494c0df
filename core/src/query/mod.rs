//! One query language for every listing: a filter (`status = 'production'
//! and metadata.auc >= 0.9 or not model.name contains "test"`), a sort
//! (`created_at desc, semver asc`) and pages (offset and limit, or an opaque
//! cursor). Parsed and type-checked here, once, into a small lowered form
//! ([`Compiled`]) that each backend compiles to SQL with bound parameters
//! (field names map to fixed SQL fragments; values are never SQL text), and
//! that [`eval`] evaluates over records in memory as the reference.
//!
//! Semantics every backend keeps: a comparison with a missing value (SQL
//! NULL, an absent JSON key, a JSON value of another type) is unknown, and
//! `not unknown` is unknown too (SQL's three-valued logic), so a missing key
//! never matches a comparison; `is null` / `is not null` test absence. Text
//! compares by bytes (Unicode code points); `contains` ignores ASCII case and
//! takes `%` and `_` literally; JSON numbers compare as 64-bit floats; a
//! SemVer compares by the precedence "latest" uses. Sorts put missing values
//! first when ascending, and always end with the id (in the direction of the
//! last key), so the order is total.
//!
//! Every field sorts. A JSON path orders its values of mixed types as
//! missing (or JSON null), numbers, strings, `false`, `true`, then objects
//! and arrays (which tie among themselves); numbers by value, strings by
//! bytes ([`JsonPart`]). A field with many values (a model's `tag`, a
//! version's `alias`) sorts by its least value ascending and by its greatest
//! descending, a row without any as a missing value.

mod cursor;
pub mod eval;
pub mod fields;
mod lexer;
mod parser;
pub mod sql;
pub mod statement;

use uuid::Uuid;

use crate::error::{Error, Result};
use crate::store::{MAX_LIMIT, Page};
use crate::time::Timestamp;

pub use cursor::Cursor;
pub use fields::{Entity, Field, FieldType, Multi, Relation, Source};
pub use lexer::Pos;

/// A literal a condition compares with, typed for its field.
#[derive(Debug, Clone, PartialEq)]
pub enum Scalar {
    /// A text: a string, a closed set's value, or a SemVer's precedence key.
    Text(String),
    /// A 64-bit integer.
    Int(i64),
    /// A 64-bit float (every number compared with a JSON value is one).
    Float(f64),
    /// `true` or `false`.
    Bool(bool),
    /// An instant, to the microsecond.
    Time(Timestamp),
    /// An id.
    Uuid(Uuid),
}

/// One value of a row, which a condition can test and a sort orders by.
#[derive(Debug, Clone, PartialEq)]
pub enum Term {
    /// A column of the listed row or of a related one.
    Column {
        /// The listed row or a related one.
        relation: Relation,
        /// The column's name in that row's table.
        column: &'static str,
    },
    /// One part of the value at `path` in a JSON column of the listed row.
    JsonPart {
        /// The JSON column's name.
        column: &'static str,
        /// The keys to follow from the column's object, outermost first.
        path: Vec<String>,
        /// Which part.
        part: JsonPart,
    },
    /// The least or the greatest of a row's many values; missing when it has none.
    Extreme {
        /// Which values.
        multi: Multi,
        /// The greatest (by bytes) rather than the least.
        greatest: bool,
    },
}

impl Term {
    /// The column of the listed row or a related one called `column`.
    pub fn column(relation: Relation, column: &'static str) -> Term {
        Term::Column { relation, column }
    }
}

/// A JSON value sorts by three terms, each missing where it does not apply:
/// its rank (which orders the JSON types), its number, and its string. So
/// every backend orders values of mixed types alike without comparing
/// across types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonPart {
    /// An integer [`JsonRank`]; missing for an absent key or JSON null.
    Rank,
    /// A number as a 64-bit float; missing for every other value.
    Number,
    /// A string; missing for every other value.
    Text,
}

/// The rank of each JSON type in a sort ([`JsonPart::Rank`]), after an
/// absent value or JSON null.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(i64)]
pub enum JsonRank {
    /// Any number.
    Number = 1,
    /// Any string.
    String = 2,
    /// `false`.
    False = 3,
    /// `true`.
    True = 4,
    /// An object or an array (they tie).
    Composite = 5,
}

impl JsonRank {
    /// The rank as SQL writes it and as a sort value reads back.
    pub fn value(self) -> i64 {
        self as i64
    }
}

/// What a condition reads.
#[derive(Debug, Clone, PartialEq)]
pub enum Operand {
    /// One value of the row.
    Term(Term),
    /// The value at `path` in a JSON column of the listed row.
    Json {
        /// The JSON column's name.
        column: &'static str,
        /// The keys to follow from the column's object, outermost first.
        path: Vec<String>,
    },
    /// Any of a row's many values (aliases, tags).
    Any(Multi),
}

/// A comparison operator (`!=` is lowered to `not =`, which means the same
/// under three-valued logic).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    /// `=`
    Eq,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
}

impl CmpOp {
    /// The operator as SQL writes it.
    pub fn sql(self) -> &'static str {
        match self {
            CmpOp::Eq => "=",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
        }
    }
}

/// What a condition asks of its operand.
#[derive(Debug, Clone, PartialEq)]
pub enum Test {
    /// Compares with a literal. On a JSON operand the literal's type says
    /// which JSON values take part (numbers as `Float`, strings, booleans).
    Cmp(CmpOp, Scalar),
    /// Holds this text, ignoring ASCII case (the needle is lower-cased already).
    Contains(String),
    /// Has no value.
    IsNull,
}

/// One condition of a filter.
#[derive(Debug, Clone, PartialEq)]
pub struct Cond {
    /// What the condition reads.
    pub operand: Operand,
    /// What it asks of that.
    pub test: Test,
}

/// A filter in lowered form: `and`, `or`, `not` over conditions. An empty
/// `And` is true and an empty `Or` is false.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// True when every part is.
    And(Vec<Expr>),
    /// True when any part is.
    Or(Vec<Expr>),
    /// True when the part is false; unknown stays unknown.
    Not(Box<Expr>),
    /// One condition.
    Cond(Cond),
}

impl Expr {
    /// The filter that keeps everything.
    pub fn all() -> Expr {
        Expr::And(Vec::new())
    }

    /// `self and other`.
    pub fn and(self, other: Expr) -> Expr {
        match self {
            Expr::And(mut parts) => {
                parts.push(other);
                Expr::And(parts)
            }
            first => Expr::And(vec![first, other]),
        }
    }
}

/// Ascending or descending.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Smallest first, missing values before all others.
    Asc,
    /// Largest first, missing values after all others.
    Desc,
}

/// One key of a sort: a value of the listed row.
#[derive(Debug, Clone, PartialEq)]
pub struct SortKey {
    /// What it orders by.
    pub term: Term,
    /// Ascending or descending.
    pub direction: Direction,
}

/// A query ready for a store: a lowered filter, a total order, a page.
#[derive(Debug, Clone, PartialEq)]
pub struct Compiled {
    /// What is listed.
    pub entity: Entity,
    /// Which rows are kept (a page token's position included).
    pub filter: Expr,
    /// The sort keys (a JSON path gives three, see [`JsonPart`]); the last
    /// is always the listed row's id.
    pub sort: Vec<SortKey>,
    /// How many of the kept rows to skip.
    pub offset: u64,
    /// The most rows to return, at most [`MAX_LIMIT`].
    pub limit: u32,
}

/// A query as a caller writes it: texts in the query language, plus a page.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    /// A filter; none keeps every row.
    pub filter: Option<String>,
    /// A sort; none sorts as the entity does by default.
    pub sort: Option<String>,
    /// The `next` token of the previous page (then `offset` must be 0).
    pub page_token: Option<String>,
    /// How many rows to skip; 0 when resuming from a page token.
    pub offset: u64,
    /// At most this many rows (default [`crate::store::DEFAULT_LIMIT`]).
    pub limit: Option<u32>,
}

impl Query {
    /// A query with only a filter.
    pub fn filter(text: impl Into<String>) -> Query {
        Query {
            filter: Some(text.into()),
            ..Query::default()
        }
    }

    /// This query sorted by `text`.
    pub fn sorted(mut self, text: impl Into<String>) -> Query {
        self.sort = Some(text.into());
        self
    }

    /// This query returning at most `limit` rows.
    pub fn limit(mut self, limit: u32) -> Query {
        self.limit = Some(limit);
        self
    }

    /// This query resuming after the page whose `next` token this is.
    pub fn after(mut self, token: impl Into<String>) -> Query {
        self.page_token = Some(token.into());
        self
    }
}

/// One page of a listing, and the token of the next page when there is one.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Listing<T> {
    /// The rows of this page, in the query's order.
    pub items: Vec<T>,
    /// Pass as `page_token` for the rows after these; absent on the last page.
    pub next: Option<String>,
}

/// The error of a query text, pointing at where it went wrong.
pub(crate) fn syntax_error(what: &'static str, pos: Pos, reason: impl std::fmt::Display) -> Error {
    Error::invalid(what, format!("{pos}: {reason}"))
}

/// Parses an RFC 3339 time (`2026-05-01T12:00:00Z`, any offset) or a date
/// (`2026-05-01`, midnight UTC), to the microsecond.
pub(crate) fn parse_time(text: &str) -> std::result::Result<Timestamp, String> {
    if let Ok(t) = crate::time::parse_rfc3339(text) {
        return Ok(t);
    }
    if let Ok(d) = chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
        && let Some(t) = d.and_hms_opt(0, 0, 0)
    {
        return Ok(t.and_utc());
    }
    Err(format!(
        "{text:?} is not an RFC 3339 time such as 2026-05-01T12:00:00Z, or a date such as 2026-05-01"
    ))
}

/// `text` as a string literal of the query language (quoted, quotes doubled),
/// for front ends that turn a fixed filter (`?team=fraud`) into a condition.
pub fn quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

impl Query {
    /// This query with `condition` (query-language text) added with `and`.
    pub fn and(mut self, condition: &str) -> Query {
        self.filter = Some(match self.filter.take().filter(|f| !f.trim().is_empty()) {
            Some(filter) => format!("({filter}) and ({condition})"),
            None => condition.to_owned(),
        });
        self
    }

    /// This query with `field = 'value'` added with `and` when there is a
    /// value: a front end's fixed filter (`--status production`,
    /// `?team=fraud`) as a condition of the query language.
    pub fn and_equals(self, field: &str, value: Option<&str>) -> Query {
        match value {
            Some(value) => self.and(&format!("{field} = {}", quote(value))),
            None => self,
        }
    }
}

/// Parses a filter of `entity`'s fields.
pub fn parse_filter(entity: Entity, text: &str) -> Result<Expr> {
    parser::filter(entity, text)
}

/// Parses a sort of `entity`'s fields; the id is appended as the last key,
/// in the direction of the key before it.
pub fn parse_sort(entity: Entity, text: &str) -> Result<Vec<SortKey>> {
    parser::sort(entity, text)
}

impl Query {
    /// Parses and checks the query for `entity`, narrowed by `scope` (for
    /// example "versions of this model"), into what a store runs; the cursor,
    /// if any, becomes a condition on the sort keys.
    pub fn compile(&self, entity: Entity, scope: Expr) -> Result<Compiled> {
        let mut filter = match &self.filter {
            Some(text) if !text.trim().is_empty() => scope.and(parse_filter(entity, text)?),
            _ => scope,
        };
        let sort = parse_sort(entity, self.sort.as_deref().unwrap_or(entity.default_sort()))?;
        let limit = self.limit.unwrap_or(crate::store::DEFAULT_LIMIT);
        let page = Page::new(self.offset, limit)?;
        if let Some(token) = &self.page_token {
            if self.offset != 0 {
                return Err(Error::invalid(
                    "offset",
                    "a page token and an offset cannot be combined",
                ));
            }
            let cursor = Cursor::decode(token, self.fingerprint(entity))?;
            filter = filter.and(cursor.after(&sort)?);
        }
        Ok(Compiled {
            entity,
            filter,
            sort,
            offset: page.offset,
            limit: page.limit.min(MAX_LIMIT),
        })
    }

    /// What a page token is bound to: the entity, the filter and the sort.
    pub(crate) fn fingerprint(&self, entity: Entity) -> u64 {
        let text = format!(
            "{}\u{0}{}\u{0}{}",
            entity.as_str(),
            self.filter.as_deref().unwrap_or("").trim(),
            self.sort.as_deref().unwrap_or("").trim()
        );
        // FNV-1a: stable across builds and platforms.
        text.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        })
    }

    /// The next-page token after a page whose last row's sort values are
    /// `last`, or none when the page was not full.
    pub fn next_token(
        &self,
        entity: Entity,
        returned: usize,
        limit: u32,
        last: Option<&[crate::tables::Value]>,
    ) -> Result<Option<String>> {
        match last {
            Some(values) if returned >= limit as usize => {
                Ok(Some(Cursor::from_values(values)?.encode(self.fingerprint(entity))))
            }
            _ => Ok(None),
        }
    }
}

#[cfg(test)]
mod tests;
