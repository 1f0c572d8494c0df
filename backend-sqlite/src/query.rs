//! The query language on SQLite: how this dialect writes what core's
//! [`Statement`] leaves to it, and the query run on a reader connection.

use async_trait::async_trait;
use modelreg_core::Result;
use modelreg_core::query::Compiled;
use modelreg_core::query::sql::OWN;
use modelreg_core::query::statement::{Dialect, JsonAt, JsonType, Select, Statement};
use modelreg_core::record::Record;
use modelreg_core::store::QueryReads;
use modelreg_core::tables::{ColumnType, Value};
use rusqlite::Connection;

use crate::SqliteStore;
use crate::row::{Param, all};

/// SQLite's way of writing a query: `?N` placeholders; text compares by
/// its bytes already; JSON through `json_type` and `json_extract`.
pub(crate) struct Sqlite;

impl Dialect for Sqlite {
    const TRUE: &'static str = "1";
    const FALSE: &'static str = "0";

    fn placeholder(n: usize) -> String {
        format!("?{n}")
    }

    fn ordered(expr: &str, _: ColumnType) -> String {
        expr.to_owned()
    }

    fn contains(text: &str, needle: &str) -> String {
        format!("instr(lower({text}), {needle}) > 0")
    }

    fn float(expr: &str) -> String {
        format!("CAST({expr} AS REAL)")
    }

    fn json_at(statement: &mut Statement<Self>, column: &str, path: &[String]) -> JsonAt {
        let quoted: Vec<String> = path.iter().map(|key| format!("\"{key}\"")).collect();
        let path = statement.bind(Value::Text(format!("$.{}", quoted.join("."))));
        let column = format!("{OWN}.{column}");
        JsonAt {
            kind: format!("json_type({column}, {path})"),
            value: format!("json_extract({column}, {path})"),
        }
    }

    fn json_is(at: &JsonAt, ty: JsonType) -> String {
        let kinds = match ty {
            JsonType::Null => "'null'",
            JsonType::Number => "'integer', 'real'",
            JsonType::String => "'text'",
            JsonType::Boolean => "'true', 'false'",
            JsonType::True => "'true'",
            JsonType::False => "'false'",
            JsonType::Composite => "'object', 'array'",
        };
        format!("{} IN ({kinds})", at.kind)
    }
}

fn run(conn: &Connection, query: &Compiled) -> Result<Vec<(Record, Vec<Value>)>> {
    let Select { text, params, hits } = Statement::<Sqlite>::select(query);
    let bound: Vec<Param> = params.iter().map(Param).collect();
    all(conn, &text, rusqlite::params_from_iter(bound), |row| hits.read(row))
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
        let Select { text, params, .. } = Statement::<Sqlite>::select(&query);
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
        let Select { text, params, .. } = Statement::<Sqlite>::select(&query);
        assert!(!text.contains("OR 1=1") && !text.contains("%_"), "{text}");
        assert!(params.contains(&Value::Text("x' OR 1=1 --".into())));
        assert!(params.contains(&Value::Text("$.\"a\".\"b\"".into())));
    }
}
