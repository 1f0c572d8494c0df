//! The query language on PostgreSQL: how this dialect writes what core's
//! [`Statement`] leaves to it. Text compares and sorts by bytes
//! (`COLLATE "C"`), as on SQLite and in core's evaluator.

use async_trait::async_trait;
use modelreg_core::query::Compiled;
use modelreg_core::query::sql::OWN;
use modelreg_core::query::statement::{Dialect, JsonAt, JsonType, Select, Statement};
use modelreg_core::record::Record;
use modelreg_core::store::QueryReads;
use modelreg_core::tables::{ColumnType, Value};
use modelreg_core::{Error, Result};
use sqlx::AssertSqlSafe;

use crate::PostgresStore;
use crate::row::{PgQuery, all};

/// PostgreSQL's way of writing a query: `$N` placeholders; text compared
/// and sorted by bytes (`COLLATE "C"`); JSON through `->`, `->>` and
/// `jsonb_typeof`.
pub(crate) struct Postgres;

impl Dialect for Postgres {
    const TRUE: &'static str = "TRUE";
    const FALSE: &'static str = "FALSE";

    fn placeholder(n: usize) -> String {
        format!("${n}")
    }

    fn ordered(expr: &str, ty: ColumnType) -> String {
        match ty {
            ColumnType::Text => format!("{expr} COLLATE \"C\""),
            _ => expr.to_owned(),
        }
    }

    fn contains(text: &str, needle: &str) -> String {
        // Lower-casing under "C" folds ASCII letters only, as core and SQLite do.
        format!("strpos(lower(({text}) COLLATE \"C\"), {needle}) > 0")
    }

    fn float(expr: &str) -> String {
        format!("({expr})::float8")
    }

    fn json_at(statement: &mut Statement<Self>, column: &str, path: &[String]) -> JsonAt {
        let mut at = format!("{OWN}.{column}");
        for key in &path[..path.len().saturating_sub(1)] {
            at = format!("{at} -> {}", statement.bind(Value::Text(key.clone())));
        }
        let last = statement.bind(Value::Text(path.last().cloned().unwrap_or_default()));
        JsonAt {
            kind: format!("jsonb_typeof({at} -> {last})"),
            value: format!("({at} ->> {last})"),
        }
    }

    fn json_is(at: &JsonAt, ty: JsonType) -> String {
        let kind = &at.kind;
        match ty {
            JsonType::Null => format!("{kind} = 'null'"),
            JsonType::Number => format!("{kind} = 'number'"),
            JsonType::String => format!("{kind} = 'string'"),
            JsonType::Boolean => format!("{kind} = 'boolean'"),
            JsonType::True => format!("({kind} = 'boolean' AND {} = 'true')", at.value),
            JsonType::False => format!("({kind} = 'boolean' AND {} = 'false')", at.value),
            JsonType::Composite => format!("{kind} IN ('object', 'array')"),
        }
    }
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
        let Select { text, params, hits } = Statement::<Postgres>::select(query);
        let mut bound = sqlx::query(AssertSqlSafe(text));
        for value in params {
            bound = bind(bound, value)?;
        }
        all(&self.pool, bound, |row| hits.read(row)).await
    }
}

#[cfg(test)]
mod tests {
    use modelreg_core::query::{Entity, Expr, Query};

    use super::*;

    #[test]
    fn values_are_bound_never_written_into_the_sql() {
        let query = Query::filter("model.name = 'x'' OR 1=1 --' and metadata.a.\"b'c\" contains '%_'")
            .compile(Entity::Versions, Expr::all())
            .unwrap();
        let Select { text, params, .. } = Statement::<Postgres>::select(&query);
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
        // scan them.
        sqlx::raw_sql("SET enable_seqscan = off")
            .execute(&mut *conn)
            .await
            .unwrap();
        for (filter, index, column) in [
            ("status = 'production'", "model_versions_status", "status"),
            (
                "created_at >= '2026-01-01' and created_at < '2026-01-02'",
                "model_versions_created",
                "created_at",
            ),
        ] {
            let query = Query::filter(filter).compile(Entity::Versions, Expr::all()).unwrap();
            let Select { text, params, .. } = Statement::<Postgres>::select(&query);
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
            assert!(plan.contains(&format!("Index Scan using {index}")), "{filter}: {plan}");
            let found_by_index = plan.lines().any(|l| l.contains("Index Cond") && l.contains(column));
            assert!(found_by_index, "{filter}: the index finds the rows: {plan}");
            assert!(!plan.contains("Sort"), "{filter}: no sort of every match: {plan}");
        }
    }
}
