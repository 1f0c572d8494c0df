//! The query language on SQLite: a compiled query as one SELECT. Field
//! names map to fixed fragments (core's FROM clause and column aliases);
//! every value is a bound parameter.

use async_trait::async_trait;
use modelreg_core::Result;
use modelreg_core::query::sql::{self, OWN};
use modelreg_core::query::{Compiled, Cond, Direction, Expr, Multi, Operand, Scalar, Test};
use modelreg_core::record::Record;
use modelreg_core::store::QueryReads;
use modelreg_core::tables::{ColumnType, Table, Value};
use rusqlite::Connection;

use crate::SqliteStore;
use crate::row::{Param, all};

/// The SQL being written and the values it binds.
struct Builder {
    entity: modelreg_core::query::Entity,
    params: Vec<Value>,
}

impl Builder {
    fn bind(&mut self, value: Value) -> String {
        self.params.push(value);
        format!("?{}", self.params.len())
    }

    fn scalar(&mut self, scalar: &Scalar) -> String {
        self.bind(match scalar {
            Scalar::Text(s) => Value::Text(s.clone()),
            Scalar::Int(n) => Value::Int(*n),
            Scalar::Float(f) => Value::Float(*f),
            Scalar::Bool(b) => Value::Bool(*b),
            Scalar::Time(t) => Value::Time(*t),
            Scalar::Uuid(u) => Value::Uuid(*u),
        })
    }

    fn expr(&mut self, expr: &Expr) -> String {
        match expr {
            Expr::And(parts) if parts.is_empty() => "1".to_owned(),
            Expr::Or(parts) if parts.is_empty() => "0".to_owned(),
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
            Operand::Column { relation, column } => {
                let (expr, declared) = sql::column(self.entity, *relation, column);
                match &cond.test {
                    Test::IsNull => format!("{expr} IS NULL"),
                    Test::Contains(needle) => {
                        let needle = self.bind(Value::Text(needle.clone()));
                        format!("instr(lower({expr}), {needle}) > 0")
                    }
                    // An integer column compared with a fraction compares as floats everywhere.
                    Test::Cmp(op, value @ Scalar::Float(_))
                        if matches!(declared.ty, ColumnType::Int | ColumnType::Int32) =>
                    {
                        let value = self.scalar(value);
                        format!("CAST({expr} AS REAL) {} {value}", op.sql())
                    }
                    Test::Cmp(op, value) => {
                        let value = self.scalar(value);
                        format!("{expr} {} {value}", op.sql())
                    }
                }
            }
            Operand::Json { column, path } => {
                let quoted: Vec<String> = path.iter().map(|key| format!("\"{key}\"")).collect();
                let path = self.bind(Value::Text(format!("$.{}", quoted.join("."))));
                let column = format!("{OWN}.{column}");
                let kind = format!("json_type({column}, {path})");
                let value = format!("json_extract({column}, {path})");
                match &cond.test {
                    Test::IsNull => format!("({kind} IS NULL OR {kind} = 'null')"),
                    Test::Contains(needle) => {
                        let needle = self.bind(Value::Text(needle.clone()));
                        format!("CASE WHEN {kind} = 'text' THEN instr(lower({value}), {needle}) > 0 END")
                    }
                    Test::Cmp(op, value_scalar @ Scalar::Float(_)) => {
                        let literal = self.scalar(value_scalar);
                        format!(
                            "CASE WHEN {kind} IN ('integer', 'real') THEN CAST({value} AS REAL) {} {literal} END",
                            op.sql()
                        )
                    }
                    Test::Cmp(op, Scalar::Bool(b)) => {
                        let literal = self.bind(Value::Bool(*b));
                        format!(
                            "CASE WHEN {kind} IN ('true', 'false') THEN ({kind} = 'true') {} {literal} END",
                            op.sql()
                        )
                    }
                    Test::Cmp(op, value_scalar) => {
                        let literal = self.scalar(value_scalar);
                        format!("CASE WHEN {kind} = 'text' THEN {value} {} {literal} END", op.sql())
                    }
                }
            }
            Operand::Any(Multi::Tag) => {
                let rows = format!("model_tags mt JOIN tags tg ON tg.id = mt.tag_id WHERE mt.model_id = {OWN}.id");
                match &cond.test {
                    Test::IsNull => format!("NOT EXISTS (SELECT 1 FROM {rows})"),
                    Test::Contains(needle) => {
                        let needle = self.bind(Value::Text(needle.clone()));
                        format!("EXISTS (SELECT 1 FROM {rows} AND instr(lower(tg.name), {needle}) > 0)")
                    }
                    Test::Cmp(op, value) => {
                        let value = self.scalar(value);
                        format!("EXISTS (SELECT 1 FROM {rows} AND tg.name {} {value})", op.sql())
                    }
                }
            }
            // As a set of ids, so that a registry-wide `alias = …` starts from the few aliases.
            Operand::Any(Multi::Alias) => match &cond.test {
                Test::IsNull => format!("NOT EXISTS (SELECT 1 FROM model_aliases a WHERE a.version_id = {OWN}.id)"),
                Test::Contains(needle) => {
                    let needle = self.bind(Value::Text(needle.clone()));
                    format!(
                        "{OWN}.id IN (SELECT a.version_id FROM model_aliases a WHERE instr(lower(a.name), {needle}) > 0)"
                    )
                }
                Test::Cmp(op, value) => {
                    let value = self.scalar(value);
                    format!(
                        "{OWN}.id IN (SELECT a.version_id FROM model_aliases a WHERE a.name {} {value})",
                        op.sql()
                    )
                }
            },
        }
    }
}

/// The SELECT of `query` and its parameters; sort values come as `sk0`, `sk1`, ….
fn statement(query: &Compiled) -> (String, Vec<Value>) {
    let mut builder = Builder {
        entity: query.entity,
        params: Vec::new(),
    };
    let filter = builder.expr(&query.filter);
    let mut keys = Vec::new();
    let mut order = Vec::new();
    for (i, key) in query.sort.iter().enumerate() {
        let (expr, _) = sql::column(query.entity, key.relation, key.column);
        keys.push(format!("{expr} AS sk{i}"));
        order.push(match key.direction {
            Direction::Asc => format!("{expr} ASC NULLS FIRST"),
            Direction::Desc => format!("{expr} DESC NULLS LAST"),
        });
    }
    let limit = builder.bind(Value::Int(query.limit.into()));
    let offset = builder.bind(Value::Int(i64::try_from(query.offset).unwrap_or(i64::MAX)));
    let text = format!(
        "SELECT {}, {} FROM {} WHERE {filter} ORDER BY {} LIMIT {limit} OFFSET {offset}",
        Table::of(sql::listed(query.entity)).select_list(OWN, ""),
        keys.join(", "),
        sql::from_clause(query.entity),
        order.join(", "),
    );
    (text, builder.params)
}

fn run(conn: &Connection, query: &Compiled) -> Result<Vec<(Record, Vec<Value>)>> {
    let (text, params) = statement(query);
    let kind = sql::listed(query.entity);
    let types: Vec<ColumnType> = query
        .sort
        .iter()
        .map(|k| sql::column(query.entity, k.relation, k.column).1.ty)
        .collect();
    let bound: Vec<Param> = params.iter().map(Param).collect();
    all(conn, &text, rusqlite::params_from_iter(bound), |row| {
        let record = Record::read(kind, row, "")?;
        let keys = types
            .iter()
            .enumerate()
            .map(|(i, ty)| modelreg_core::tables::Row::value(row, &format!("sk{i}"), *ty))
            .collect::<Result<_>>()?;
        Ok((record, keys))
    })
}

#[async_trait]
impl QueryReads for SqliteStore {
    async fn query(&self, query: &Compiled) -> Result<Vec<(Record, Vec<Value>)>> {
        let query = query.clone();
        self.read(move |conn| run(conn, &query)).await
    }
}

#[cfg(test)]
mod tests {
    use modelreg_core::migrations;
    use modelreg_core::query::{Entity, Expr, Query};

    use super::*;
    use crate::schema::{MIGRATIONS, migrate_to};

    /// How SQLite runs `filter` over every version, one line per step.
    fn plan(filter: &str) -> String {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate_to(&mut conn, migrations::latest(MIGRATIONS)).unwrap();
        let query = Query::filter(filter).compile(Entity::Versions, Expr::all()).unwrap();
        let (text, params) = statement(&query);
        let bound: Vec<Param> = params.iter().map(Param).collect();
        let mut stmt = conn.prepare(&format!("EXPLAIN QUERY PLAN {text}")).unwrap();
        let steps = stmt
            .query_map(rusqlite::params_from_iter(bound), |row| row.get::<_, String>(3))
            .unwrap();
        steps.map(Result::unwrap).collect::<Vec<_>>().join("\n")
    }

    #[test]
    fn registry_wide_version_queries_by_status_or_creation_time_read_an_index_in_order() {
        let by_status = plan("status = 'production'");
        assert!(by_status.contains("USING INDEX model_versions_status"), "{by_status}");
        let by_time = plan("created_at >= '2026-01-01' and created_at < '2026-01-02'");
        assert!(by_time.contains("USING INDEX model_versions_created"), "{by_time}");
        for plan in [by_status, by_time] {
            assert!(!plan.contains("TEMP B-TREE"), "no sort of every match: {plan}");
        }
    }

    #[test]
    fn values_are_bound_never_written_into_the_sql() {
        let query = Query::filter("model.name = 'x'' OR 1=1 --' and metadata.\"a\".b contains '%_'")
            .compile(Entity::Versions, Expr::all())
            .unwrap();
        let (text, params) = statement(&query);
        assert!(!text.contains("OR 1=1") && !text.contains("%_"), "{text}");
        assert!(params.contains(&Value::Text("x' OR 1=1 --".into())));
        assert!(params.contains(&Value::Text("$.\"a\".\"b\"".into())));
    }
}
