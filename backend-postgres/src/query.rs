//! The query language on PostgreSQL: a compiled query as one SELECT. Field
//! names map to fixed fragments (core's FROM clause and column aliases);
//! every value is a bound parameter. Text compares and sorts by bytes
//! (`COLLATE "C"`), as on SQLite and in core's evaluator.

use async_trait::async_trait;
use modelreg_core::query::sql::{self, OWN};
use modelreg_core::query::{Compiled, Cond, Direction, Entity, Expr, Multi, Operand, Scalar, Test};
use modelreg_core::record::Record;
use modelreg_core::store::QueryReads;
use modelreg_core::tables::{ColumnType, Table, Value};
use modelreg_core::{Error, Result};
use sqlx::AssertSqlSafe;

use crate::PostgresStore;
use crate::row::{PgQuery, all};

/// The SQL being written and the values it binds.
struct Builder {
    entity: Entity,
    params: Vec<Value>,
}

/// `expr` compared and sorted by bytes when it is text.
fn bytewise(expr: &str, ty: ColumnType) -> String {
    match ty {
        ColumnType::Text => format!("{expr} COLLATE \"C\""),
        _ => expr.to_owned(),
    }
}

impl Builder {
    fn bind(&mut self, value: Value) -> String {
        self.params.push(value);
        format!("${}", self.params.len())
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
            Expr::And(parts) if parts.is_empty() => "TRUE".to_owned(),
            Expr::Or(parts) if parts.is_empty() => "FALSE".to_owned(),
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

    fn contains(&mut self, text: &str, needle: &str) -> String {
        let needle = self.bind(Value::Text(needle.to_owned()));
        // Lower-casing under "C" folds ASCII letters only, as core and SQLite do.
        format!("strpos(lower(({text}) COLLATE \"C\"), {needle}) > 0")
    }

    fn cond(&mut self, cond: &Cond) -> String {
        match &cond.operand {
            Operand::Column { relation, column } => {
                let (expr, declared) = sql::column(self.entity, *relation, column);
                match &cond.test {
                    Test::IsNull => format!("{expr} IS NULL"),
                    Test::Contains(needle) => self.contains(&expr, needle),
                    Test::Cmp(op, value @ Scalar::Float(_))
                        if matches!(declared.ty, ColumnType::Int | ColumnType::Int32) =>
                    {
                        let value = self.scalar(value);
                        format!("({expr})::float8 {} {value}", op.sql())
                    }
                    Test::Cmp(op, value) => {
                        let value = self.scalar(value);
                        format!("{} {} {value}", bytewise(&expr, declared.ty), op.sql())
                    }
                }
            }
            Operand::Json { column, path } => {
                let mut at = format!("{OWN}.{column}");
                for key in &path[..path.len().saturating_sub(1)] {
                    at = format!("{at} -> {}", self.bind(Value::Text(key.clone())));
                }
                let last = self.bind(Value::Text(path.last().cloned().unwrap_or_default()));
                let (json, text) = (format!("({at} -> {last})"), format!("({at} ->> {last})"));
                let kind = format!("jsonb_typeof{json}");
                match &cond.test {
                    Test::IsNull => format!("({json} IS NULL OR {kind} = 'null')"),
                    Test::Contains(needle) => {
                        let holds = self.contains(&text, needle);
                        format!("CASE WHEN {kind} = 'string' THEN {holds} END")
                    }
                    Test::Cmp(op, value @ Scalar::Float(_)) => {
                        let literal = self.scalar(value);
                        format!(
                            "CASE WHEN {kind} = 'number' THEN {text}::float8 {} {literal} END",
                            op.sql()
                        )
                    }
                    Test::Cmp(op, value @ Scalar::Bool(_)) => {
                        let literal = self.scalar(value);
                        format!(
                            "CASE WHEN {kind} = 'boolean' THEN {text}::boolean {} {literal} END",
                            op.sql()
                        )
                    }
                    Test::Cmp(op, value) => {
                        let literal = self.scalar(value);
                        format!(
                            "CASE WHEN {kind} = 'string' THEN {text} COLLATE \"C\" {} {literal} END",
                            op.sql()
                        )
                    }
                }
            }
            Operand::Any(Multi::Tag) => {
                let rows = format!("model_tags mt JOIN tags tg ON tg.id = mt.tag_id WHERE mt.model_id = {OWN}.id");
                match &cond.test {
                    Test::IsNull => format!("NOT EXISTS (SELECT 1 FROM {rows})"),
                    Test::Contains(needle) => {
                        let holds = self.contains("tg.name", needle);
                        format!("EXISTS (SELECT 1 FROM {rows} AND {holds})")
                    }
                    Test::Cmp(op, value) => {
                        let value = self.scalar(value);
                        format!(
                            "EXISTS (SELECT 1 FROM {rows} AND tg.name COLLATE \"C\" {} {value})",
                            op.sql()
                        )
                    }
                }
            }
            // As a set of ids, so that a registry-wide `alias = …` starts from the few aliases.
            Operand::Any(Multi::Alias) => match &cond.test {
                Test::IsNull => format!("NOT EXISTS (SELECT 1 FROM model_aliases a WHERE a.version_id = {OWN}.id)"),
                Test::Contains(needle) => {
                    let holds = self.contains("a.name", needle);
                    format!("{OWN}.id IN (SELECT a.version_id FROM model_aliases a WHERE {holds})")
                }
                Test::Cmp(op, value) => {
                    let value = self.scalar(value);
                    format!(
                        "{OWN}.id IN (SELECT a.version_id FROM model_aliases a WHERE a.name COLLATE \"C\" {} {value})",
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
        let (expr, declared) = sql::column(query.entity, key.relation, key.column);
        keys.push(format!("{expr} AS sk{i}"));
        let sorted = bytewise(&expr, declared.ty);
        order.push(match key.direction {
            Direction::Asc => format!("{sorted} ASC NULLS FIRST"),
            Direction::Desc => format!("{sorted} DESC NULLS LAST"),
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

/// Binds one value with the type PostgreSQL infers for its placeholder.
fn bind<'q>(query: PgQuery<'q>, value: Value) -> Result<PgQuery<'q>> {
    Ok(match value {
        Value::Text(s) => query.bind(s),
        Value::Int(n) => query.bind(n),
        Value::Float(f) => query.bind(f),
        Value::Bool(b) => query.bind(b),
        Value::Time(t) => query.bind(t),
        Value::Uuid(u) => query.bind(u),
        Value::Null | Value::Json(_) => {
            return Err(Error::internal("a query condition cannot bind a JSON object or NULL"));
        }
    })
}

#[async_trait]
impl QueryReads for PostgresStore {
    async fn query(&self, query: &Compiled) -> Result<Vec<(Record, Vec<Value>)>> {
        let (text, params) = statement(query);
        let kind = sql::listed(query.entity);
        let types: Vec<ColumnType> = query
            .sort
            .iter()
            .map(|k| sql::column(query.entity, k.relation, k.column).1.ty)
            .collect();
        let mut bound = sqlx::query(AssertSqlSafe(text));
        for value in params {
            bound = bind(bound, value)?;
        }
        all(&self.pool, bound, |row| {
            let record = Record::read(kind, row, "")?;
            let keys = types
                .iter()
                .enumerate()
                .map(|(i, ty)| modelreg_core::tables::Row::value(row, &format!("sk{i}"), *ty))
                .collect::<Result<_>>()?;
            Ok((record, keys))
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use modelreg_core::query::Query;

    use super::*;

    #[test]
    fn values_are_bound_never_written_into_the_sql() {
        let query = Query::filter("model.name = 'x'' OR 1=1 --' and metadata.a.\"b'c\" contains '%_'")
            .compile(Entity::Versions, Expr::all())
            .unwrap();
        let (text, params) = statement(&query);
        assert!(
            !text.contains("OR 1=1") && !text.contains("b'c") && !text.contains("%_"),
            "{text}"
        );
        assert!(params.contains(&Value::Text("x' OR 1=1 --".into())));
        assert!(params.contains(&Value::Text("b'c".into())));
    }

    #[tokio::test]
    async fn registry_wide_version_queries_by_status_or_creation_time_read_an_index_in_order() {
        let Some(db) = crate::testing::TestDatabase::create().await else {
            return;
        };
        let store = db.store().await;
        let mut conn = store.pool.acquire().await.unwrap();
        // The test's tables are empty: without this the planner would rightly
        // scan them. Which of the two indexes it picks for a status depends on
        // the statistics of real data (`modelreg bench --scale` measures
        // that); either reads the versions in order, with no sort.
        sqlx::raw_sql("SET enable_seqscan = off")
            .execute(&mut *conn)
            .await
            .unwrap();
        for filter in [
            "status = 'production'",
            "created_at >= '2026-01-01' and created_at < '2026-01-02'",
        ] {
            let query = Query::filter(filter).compile(Entity::Versions, Expr::all()).unwrap();
            let (text, params) = statement(&query);
            let mut explain = sqlx::query(AssertSqlSafe(format!("EXPLAIN {text}")));
            for value in params {
                explain = bind(explain, value).unwrap();
            }
            let plan: Vec<String> = explain
                .fetch_all(&mut *conn)
                .await
                .unwrap()
                .iter()
                .map(|row| sqlx::Row::get::<String, _>(row, 0))
                .collect();
            let plan = plan.join("\n");
            let ordered = ["model_versions_status", "model_versions_created"];
            assert!(ordered.iter().any(|index| plan.contains(index)), "{filter}: {plan}");
            assert!(!plan.contains("Sort"), "{filter}: no sort of every match: {plan}");
        }
    }
}
