//! A compiled query as one SELECT, written once for every dialect: the
//! filter's `and`/`or`/`not`, column, tag and alias conditions, the sort and
//! the page. A [`Dialect`] supplies only what the engines write differently
//! (placeholders, byte-wise text order, substring tests, casts and JSON
//! access). Every value is a bound parameter; field names map to fixed
//! fragments of [`sql`].

use std::marker::PhantomData;

use super::sql::{self, OWN};
use super::{CmpOp, Compiled, Cond, Direction, Entity, Expr, JsonPart, Multi, Operand, Scalar, Term, Test};
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

    /// The condition `test` on the JSON value at `path` in the listed row's
    /// `column`; unknown (NULL) where that value's JSON type does not take part.
    fn json(statement: &mut Statement<Self>, column: &str, path: &[String], test: &Test) -> String;

    /// The value of `part` of the JSON value at `path` in the listed row's
    /// `column`, NULL where that part does not apply ([`JsonPart`]); the
    /// rank is one of [`super::JsonRank`]'s values.
    fn json_part(statement: &mut Statement<Self>, column: &str, path: &[String], part: JsonPart) -> String;
}

/// The SQL of one query being written, and the values it binds.
pub struct Statement<D> {
    entity: Entity,
    params: Vec<Value>,
    dialect: PhantomData<D>,
}

impl<D: Dialect> Statement<D> {
    /// The SELECT of `query` and its parameters. Each row holds the listed
    /// record's columns and the sort values as `sk0`, `sk1`, … (read them
    /// back with [`Hits`]).
    pub fn select(query: &Compiled) -> (String, Vec<Value>) {
        let mut statement = Statement::<D> {
            entity: query.entity,
            params: Vec::new(),
            dialect: PhantomData,
        };
        let filter = statement.expr(&query.filter);
        let mut keys = Vec::new();
        let mut order = Vec::new();
        for (i, key) in query.sort.iter().enumerate() {
            let (expr, ty) = statement.term(&key.term);
            let sorted = D::ordered(&expr, ty);
            keys.push(format!("{expr} AS sk{i}"));
            order.push(match key.direction {
                Direction::Asc => format!("{sorted} ASC NULLS FIRST"),
                Direction::Desc => format!("{sorted} DESC NULLS LAST"),
            });
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
        (text, statement.params)
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
            Operand::Json { column, path } => D::json(self, column, path, &cond.test),
            Operand::Any(Multi::Tag) => {
                let rows = rows_of(Multi::Tag);
                match &cond.test {
                    Test::IsNull => format!("NOT EXISTS (SELECT 1 FROM {rows})"),
                    Test::Contains(needle) => {
                        let holds = self.contains("tg.name", needle);
                        format!("EXISTS (SELECT 1 FROM {rows} AND {holds})")
                    }
                    Test::Cmp(op, value) => {
                        let value = self.scalar(value);
                        let name = compared::<D>("tg.name", ColumnType::Text, *op);
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
                        let holds = self.contains("a.name", needle);
                        format!("{OWN}.id IN ({ids} {holds})")
                    }
                    Test::Cmp(op, value) => {
                        let value = self.scalar(value);
                        let name = compared::<D>("a.name", ColumnType::Text, *op);
                        format!("{OWN}.id IN ({ids} {name} {} {value})", op.sql())
                    }
                }
            }
        }
    }

    /// The SQL expression of `term` and the type of its values.
    fn term(&mut self, term: &Term) -> (String, ColumnType) {
        let ty = term_type(self.entity, term);
        let expr = match term {
            Term::Column { relation, column } => sql::column(self.entity, *relation, column).0,
            Term::JsonPart { column, path, part } => D::json_part(self, column, path, *part),
            Term::Extreme { multi, greatest } => {
                let extreme = if *greatest { "max" } else { "min" };
                let name = match multi {
                    Multi::Tag => "tg.name",
                    Multi::Alias => "a.name",
                };
                let name = D::ordered(name, ColumnType::Text);
                format!("(SELECT {extreme}({name}) FROM {})", rows_of(*multi))
            }
        };
        (expr, ty)
    }
}

/// The rows of the listed row's tags (`tg`) or aliases (`a`), for `FROM`.
fn rows_of(multi: Multi) -> String {
    match multi {
        Multi::Tag => format!("model_tags mt JOIN tags tg ON tg.id = mt.tag_id WHERE mt.model_id = {OWN}.id"),
        Multi::Alias => format!("model_aliases a WHERE a.version_id = {OWN}.id"),
    }
}

/// The type of `term`'s values in a listing of `entity`.
fn term_type(entity: Entity, term: &Term) -> ColumnType {
    match term {
        Term::Column { relation, column } => sql::column(entity, *relation, column).1.ty,
        // A CASE of integer literals: a 32-bit integer on PostgreSQL.
        Term::JsonPart {
            part: JsonPart::Rank, ..
        } => ColumnType::Int32,
        Term::JsonPart {
            part: JsonPart::Number, ..
        } => ColumnType::Float,
        Term::JsonPart {
            part: JsonPart::Text, ..
        }
        | Term::Extreme { .. } => ColumnType::Text,
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

/// Reads the rows of [`Statement::select`]: each the listed record and its sort values.
pub struct Hits {
    kind: crate::record::RecordKind,
    /// Each sort value's column name in the row (`sk0`, …) and its type.
    keys: Vec<(String, ColumnType)>,
}

impl Hits {
    /// The reader of `query`'s rows.
    pub fn of(query: &Compiled) -> Hits {
        let keys = query
            .sort
            .iter()
            .enumerate()
            .map(|(i, key)| (format!("sk{i}"), term_type(query.entity, &key.term)))
            .collect();
        Hits {
            kind: sql::listed(query.entity),
            keys,
        }
    }

    /// One row: the record and its sort values.
    pub fn read(&self, row: &dyn Row) -> Result<(Record, Vec<Value>)> {
        let record = Record::read(self.kind, row, "")?;
        let keys = (self.keys.iter())
            .map(|(name, ty)| row.value(name, *ty))
            .collect::<Result<_>>()?;
        Ok((record, keys))
    }
}
