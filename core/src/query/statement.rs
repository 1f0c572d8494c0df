//! A compiled query as one SELECT, written once for every dialect: the
//! filter's `and`/`or`/`not`, column, tag and alias conditions, the sort and
//! the page. A [`Dialect`] supplies only what the engines write differently
//! (placeholders, byte-wise text order, substring tests, casts, and how a
//! JSON value and its type are read); what a JSON value means to a
//! condition or a sort is written here once. Every value is a bound
//! parameter; field names map to fixed fragments of [`sql`].

use std::marker::PhantomData;

use super::sql::{self, OWN};
use super::{CmpOp, Compiled, Cond, Direction, Entity, Expr, JsonPart, JsonRank, Multi, Operand, Scalar, Term, Test};
use crate::Result;
use crate::record::Record;
use crate::tables::{ColumnType, Row, Table, Value};

/// What one SQL engine writes its own way.
pub trait Dialect: Sized {
    /// A condition that always holds.
    const TRUE: &'static str;
    /// A condition that never holds.
    const FALSE: &'static str;

    /// The placeholder of the `n`-th bound value (from 1).
    fn placeholder(n: usize) -> String;

    /// `expr` as it compares and sorts: text by its bytes, as core's evaluator does.
    fn ordered(expr: &str, ty: ColumnType) -> String;

    /// Whether the text `text` holds `needle` (a placeholder of lower-case
    /// text), ignoring ASCII case only.
    fn contains(text: &str, needle: &str) -> String;

    /// A number (an integer column's, or a JSON number's text) as a 64-bit float.
    fn float(expr: &str) -> String;

    /// The JSON value at `path` in the listed row's `column`, every key of
    /// the path a bound parameter.
    fn json_at(statement: &mut Statement<Self>, column: &str, path: &[String]) -> JsonAt;

    /// Whether the JSON value `at` is of type `ty`.
    fn json_is(at: &JsonAt, ty: JsonType) -> String;
}

/// A JSON value inside a row, as a dialect reads it.
pub struct JsonAt {
    /// Its JSON type, as the engine names it (NULL when the path is missing).
    pub kind: String,
    /// Its value as SQL reads it: text for a string; for a number, text or
    /// a number that [`Dialect::float`] turns into a float.
    pub value: String,
}

/// The JSON types a condition or a sort tells apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonType {
    /// JSON null.
    Null,
    /// Any number.
    Number,
    /// Any string.
    String,
    /// `true` or `false`.
    Boolean,
    /// `true`.
    True,
    /// `false`.
    False,
    /// An object or an array.
    Composite,
}

/// The SQL of one query being written, and the values it binds.
pub struct Statement<D> {
    entity: Entity,
    params: Vec<Value>,
    dialect: PhantomData<D>,
}

impl<D: Dialect> Statement<D> {
    /// The SELECT of `query`, its parameters and the reader of its rows.
    /// Each row holds the listed record's columns and the sort values as
    /// `sk0`, `sk1`, ….
    pub fn select(query: &Compiled) -> Select {
        let mut statement = Statement::<D> {
            entity: query.entity,
            params: Vec::new(),
            dialect: PhantomData,
        };
        let filter = statement.expr(&query.filter);
        let (mut keys, mut order, mut types) = (Vec::new(), Vec::new(), Vec::new());
        for (i, key) in query.sort.iter().enumerate() {
            let (expr, ty) = statement.term(&key.term);
            let sorted = D::ordered(&expr, ty);
            keys.push(format!("{expr} AS sk{i}"));
            order.push(match key.direction {
                Direction::Asc => format!("{sorted} ASC NULLS FIRST"),
                Direction::Desc => format!("{sorted} DESC NULLS LAST"),
            });
            types.push((format!("sk{i}"), ty));
        }
        let limit = statement.bind(Value::Int(query.limit.into()));
        let offset = statement.bind(Value::Int(i64::try_from(query.offset).unwrap_or(i64::MAX)));
        let text = format!(
            "SELECT {}, {} FROM {} WHERE {filter} ORDER BY {} LIMIT {limit} OFFSET {offset}",
            Table::of(sql::listed(query.entity)).select_list(OWN, ""),
            keys.join(", "),
            sql::from_clause(query.entity),
            order.join(", "),
        );
        Select {
            text,
            params: statement.params,
            hits: Hits {
                kind: sql::listed(query.entity),
                keys: types,
            },
        }
    }

    /// Binds `value` and returns its placeholder.
    pub fn bind(&mut self, value: Value) -> String {
        self.params.push(value);
        D::placeholder(self.params.len())
    }

    /// Binds a literal of the query and returns its placeholder.
    pub fn scalar(&mut self, scalar: &Scalar) -> String {
        self.bind(match scalar {
            Scalar::Text(s) => Value::Text(s.clone()),
            Scalar::Int(n) => Value::Int(*n),
            Scalar::Float(f) => Value::Float(*f),
            Scalar::Bool(b) => Value::Bool(*b),
            Scalar::Time(t) => Value::Time(*t),
            Scalar::Uuid(u) => Value::Uuid(*u),
        })
    }

    /// Whether the text `text` holds the lower-case `needle`.
    pub fn contains(&mut self, text: &str, needle: &str) -> String {
        let needle = self.bind(Value::Text(needle.to_owned()));
        D::contains(text, &needle)
    }

    fn expr(&mut self, expr: &Expr) -> String {
        match expr {
            Expr::And(parts) if parts.is_empty() => D::TRUE.to_owned(),
            Expr::Or(parts) if parts.is_empty() => D::FALSE.to_owned(),
            Expr::And(parts) => self.join(parts, " AND "),
            Expr::Or(parts) => self.join(parts, " OR "),
            Expr::Not(inner) => format!("NOT ({})", self.expr(inner)),
            Expr::Cond(cond) => self.cond(cond),
        }
    }

    fn join(&mut self, parts: &[Expr], separator: &str) -> String {
        let parts: Vec<String> = parts.iter().map(|p| format!("({})", self.expr(p))).collect();
        parts.join(separator)
    }

    fn cond(&mut self, cond: &Cond) -> String {
        match &cond.operand {
            Operand::Term(term) => {
                let (expr, ty) = self.term(term);
                match &cond.test {
                    Test::IsNull => format!("{expr} IS NULL"),
                    Test::Contains(needle) => self.contains(&expr, needle),
                    // An integer column compared with a fraction compares as floats everywhere.
                    Test::Cmp(op, value @ Scalar::Float(_)) if matches!(ty, ColumnType::Int | ColumnType::Int32) => {
                        let value = self.scalar(value);
                        format!("{} {} {value}", D::float(&expr), op.sql())
                    }
                    Test::Cmp(op, value) => {
                        let value = self.scalar(value);
                        format!("{} {} {value}", compared::<D>(&expr, ty, *op), op.sql())
                    }
                }
            }
            Operand::Json { column, path } => self.json(column, path, &cond.test),
            Operand::Any(Multi::Tag) => {
                let rows = rows_of(Multi::Tag);
                match &cond.test {
                    Test::IsNull => format!("NOT EXISTS (SELECT 1 FROM {rows})"),
                    Test::Contains(needle) => {
                        let holds = self.contains(name_of(Multi::Tag), needle);
                        format!("EXISTS (SELECT 1 FROM {rows} AND {holds})")
                    }
                    Test::Cmp(op, value) => {
                        let value = self.scalar(value);
                        let name = compared::<D>(name_of(Multi::Tag), ColumnType::Text, *op);
                        format!("EXISTS (SELECT 1 FROM {rows} AND {name} {} {value})", op.sql())
                    }
                }
            }
            // As a set of ids, so that a registry-wide `alias = …` starts from the few aliases.
            Operand::Any(Multi::Alias) => {
                let ids = "SELECT a.version_id FROM model_aliases a WHERE";
                match &cond.test {
                    Test::IsNull => format!("NOT EXISTS (SELECT 1 FROM {})", rows_of(Multi::Alias)),
                    Test::Contains(needle) => {
                        let holds = self.contains(name_of(Multi::Alias), needle);
                        format!("{OWN}.id IN ({ids} {holds})")
                    }
                    Test::Cmp(op, value) => {
                        let value = self.scalar(value);
                        let name = compared::<D>(name_of(Multi::Alias), ColumnType::Text, *op);
                        format!("{OWN}.id IN ({ids} {name} {} {value})", op.sql())
                    }
                }
            }
        }
    }

    /// The SQL expression of `term` and the type of its values.
    fn term(&mut self, term: &Term) -> (String, ColumnType) {
        match term {
            Term::Column { relation, column } => {
                let (expr, declared) = sql::column(self.entity, *relation, column);
                (expr, declared.ty)
            }
            Term::JsonPart { column, path, part } => {
                let at = D::json_at(self, column, path);
                let is = |ty| D::json_is(&at, ty);
                match part {
                    // A CASE of integer literals: a 32-bit integer on PostgreSQL.
                    JsonPart::Rank => {
                        let ranks = [
                            (JsonType::Number, JsonRank::Number),
                            (JsonType::String, JsonRank::String),
                            (JsonType::False, JsonRank::False),
                            (JsonType::True, JsonRank::True),
                            (JsonType::Composite, JsonRank::Composite),
                        ]
                        .map(|(ty, rank)| format!("WHEN {} THEN {}", is(ty), rank.value()));
                        (format!("CASE {} END", ranks.join(" ")), ColumnType::Int32)
                    }
                    JsonPart::Number => (
                        format!("CASE WHEN {} THEN {} END", is(JsonType::Number), D::float(&at.value)),
                        ColumnType::Float,
                    ),
                    JsonPart::Text => (
                        format!("CASE WHEN {} THEN {} END", is(JsonType::String), at.value),
                        ColumnType::Text,
                    ),
                }
            }
            Term::Extreme { multi, greatest } => {
                let extreme = if *greatest { "max" } else { "min" };
                let name = D::ordered(name_of(*multi), ColumnType::Text);
                let expr = format!("(SELECT {extreme}({name}) FROM {})", rows_of(*multi));
                (expr, ColumnType::Text)
            }
        }
    }

    /// The condition `test` on the JSON value at `path` in the listed row's
    /// `column`: unknown (NULL) where that value's JSON type does not take
    /// part, as in core's evaluator.
    fn json(&mut self, column: &str, path: &[String], test: &Test) -> String {
        let at = D::json_at(self, column, path);
        let is = |ty| D::json_is(&at, ty);
        let (ty, compared) = match test {
            Test::IsNull => return format!("({} IS NULL OR {})", at.kind, is(JsonType::Null)),
            Test::Contains(needle) => (JsonType::String, self.contains(&at.value, needle)),
            Test::Cmp(op, literal @ Scalar::Float(_)) => {
                let literal = self.scalar(literal);
                (
                    JsonType::Number,
                    format!("{} {} {literal}", D::float(&at.value), op.sql()),
                )
            }
            Test::Cmp(op, literal @ Scalar::Bool(_)) => {
                let literal = self.scalar(literal);
                (
                    JsonType::Boolean,
                    format!("({}) {} {literal}", is(JsonType::True), op.sql()),
                )
            }
            Test::Cmp(op, literal) => {
                let literal = self.scalar(literal);
                let text = compared::<D>(&at.value, ColumnType::Text, *op);
                (JsonType::String, format!("{text} {} {literal}", op.sql()))
            }
        };
        format!("CASE WHEN {} THEN {compared} END", is(ty))
    }
}

/// The name of each of the rows [`rows_of`] reads.
fn name_of(multi: Multi) -> &'static str {
    match multi {
        Multi::Tag => "tg.name",
        Multi::Alias => "a.name",
    }
}

/// The rows of the listed row's tags (`tg`) or aliases (`a`), for `FROM`.
fn rows_of(multi: Multi) -> String {
    match multi {
        Multi::Tag => format!("model_tags mt JOIN tags tg ON tg.id = mt.tag_id WHERE mt.model_id = {OWN}.id"),
        Multi::Alias => format!("model_aliases a WHERE a.version_id = {OWN}.id"),
    }
}

/// `expr` as `op` compares it. Equality is the same under every
/// deterministic collation, so it keeps the column's own, and with it the
/// column's index (`status COLLATE "C" = …` made PostgreSQL walk the
/// creation-time index past every version: 100 ms at 1M versions); an
/// order comparison compares bytes.
fn compared<D: Dialect>(expr: &str, ty: ColumnType, op: CmpOp) -> String {
    match op {
        CmpOp::Eq => expr.to_owned(),
        _ => D::ordered(expr, ty),
    }
}

/// A query's SELECT, its parameters and the reader of its rows.
pub struct Select {
    /// The statement's text.
    pub text: String,
    /// The values it binds, in placeholder order.
    pub params: Vec<Value>,
    /// Reads each row it answers.
    pub hits: Hits,
}

/// Reads the rows of [`Statement::select`]: each the listed record and its sort values.
pub struct Hits {
    kind: crate::record::RecordKind,
    /// Each sort value's column name in the row (`sk0`, …) and its type.
    keys: Vec<(String, ColumnType)>,
}

impl Hits {
    /// One row: the record and its sort values.
    pub fn read(&self, row: &dyn Row) -> Result<(Record, Vec<Value>)> {
        let record = Record::read(self.kind, row, "")?;
        let keys = (self.keys.iter())
            .map(|(name, ty)| row.value(name, *ty))
            .collect::<Result<_>>()?;
        Ok((record, keys))
    }
}
