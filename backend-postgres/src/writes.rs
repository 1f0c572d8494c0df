//! The write queue of a transaction, sent as few statements: one write is
//! its INSERT or UPDATE; several are data-modifying CTEs (`WITH w0 AS (…),
//! w1 AS (…) SELECT ARRAY[…]`) answering how many rows each wrote. Every
//! part comes from the table declarations and binds `Record::values`.

use std::collections::HashMap;
use std::sync::LazyLock;

use modelreg_core::store::{Record, RecordKind};
use modelreg_core::tables::{TABLES, Write};
use modelreg_core::{Error, Result};
use sqlx::{AssertSqlSafe, PgConnection, Row};
use uuid::Uuid;

use crate::error;
use crate::row::{PgQuery, bind_values, dollar};

/// The most values one statement may bind (the protocol counts them in 16 bits).
pub(crate) const MAX_PARAMETERS: usize = 65_535;

/// The most writes one statement holds, so that a long queue is planned in
/// pieces of a bounded size.
const MAX_WRITES: usize = 500;

/// Splits a queue into the batches sent as one statement each: a batch ends
/// before a write that would take it over [`MAX_PARAMETERS`] or
/// [`MAX_WRITES`], or that writes a row the batch writes already (the parts
/// of one statement all see the same snapshot, so the second would miss the first).
pub(crate) fn batches(writes: &[(Record, Write)]) -> Vec<&[(Record, Write)]> {
    let mut batches = Vec::new();
    let (mut start, mut parameters) = (0, 0);
    for (end, (record, _)) in writes.iter().enumerate() {
        let width = record.table().columns.len();
        let repeats_a_row = writes[start..end]
            .iter()
            .any(|(earlier, _)| earlier.record_kind() == record.record_kind() && earlier.key() == record.key());
        if end > start && (repeats_a_row || parameters + width > MAX_PARAMETERS || end - start == MAX_WRITES) {
            batches.push(&writes[start..end]);
            (start, parameters) = (end, 0);
        }
        parameters += width;
    }
    if start < writes.len() {
        batches.push(&writes[start..]);
    }
    batches
}

/// The statement storing `batch` (built from the declarations only).
fn statement(batch: &[(Record, Write)]) -> String {
    let mut first = 1;
    let parts: Vec<String> = batch
        .iter()
        .map(|(record, how)| {
            let table = record.table();
            let part = format!("{} RETURNING 1", table.write_sql(*how, dollar, first));
            first += table.columns.len();
            part
        })
        .collect();
    match parts.as_slice() {
        [only] => only.clone(),
        parts => {
            let ctes: Vec<String> = parts
                .iter()
                .enumerate()
                .map(|(i, part)| format!("w{i} AS ({part})"))
                .collect();
            let counts: Vec<String> = (0..parts.len())
                .map(|i| format!("(SELECT count(*) FROM w{i})"))
                .collect();
            format!("WITH {} SELECT ARRAY[{}]::bigint[]", ctes.join(", "), counts.join(", "))
        }
    }
}

/// Batches of at most this many writes are kept prepared on the connection
/// (the shapes registry operations repeat); longer ones are planned once.
const PREPARED_UP_TO: usize = 16;

/// Sends one batch; the rows each of its writes wrote.
async fn send(conn: &mut PgConnection, batch: &[(Record, Write)]) -> Result<Vec<i64>> {
    let mut query: PgQuery<'_> = sqlx::query(AssertSqlSafe(statement(batch))).persistent(batch.len() <= PREPARED_UP_TO);
    for (record, _) in batch {
        query = bind_values(query, record.table(), record.values()?)?;
    }
    if let [_] = batch {
        let done = query
            .execute(&mut *conn)
            .await
            .map_err(|e| error::map_batch(e, batch))?;
        return Ok(vec![done.rows_affected() as i64]);
    }
    let row = query
        .fetch_one(&mut *conn)
        .await
        .map_err(|e| error::map_batch(e, batch))?;
    row.try_get(0).map_err(error::db)
}

/// Stores every queued write, a batch per statement. A write that changed
/// no row (an update of a vanished row) is [`Error::NotFound`].
pub(crate) async fn write_all(conn: &mut PgConnection, writes: &[(Record, Write)]) -> Result<()> {
    for batch in batches(writes) {
        let counts = send(conn, batch).await?;
        if let Some(((record, _), _)) = batch.iter().zip(counts).find(|(_, n)| *n == 0) {
            return Err(Error::not_found(record.kind(), record.id()));
        }
    }
    Ok(())
}

static DELETES: LazyLock<HashMap<RecordKind, String>> =
    LazyLock::new(|| TABLES.iter().map(|t| (t.kind, t.delete_sql(dollar))).collect());

/// Deletes the row of `kind` whose key is `key` (what cascades from it
/// goes too); whether it existed.
pub(crate) async fn delete(conn: &mut PgConnection, kind: RecordKind, key: &[Uuid]) -> Result<bool> {
    let query = key
        .iter()
        .fold(sqlx::query(DELETES[&kind].as_str()), |query, k| query.bind(*k));
    let done = query.execute(conn).await.map_err(error::db)?;
    Ok(done.rows_affected() > 0)
}

#[cfg(test)]
mod tests {
    use modelreg_core::teams::Team;
    use uuid::Uuid;

    use super::*;

    fn team(id: Uuid) -> Record {
        Record::Team(Team {
            id,
            name: format!("t-{id}"),
            department: None,
            cost_center: None,
            active: true,
            created_at: modelreg_core::time::now(),
        })
    }

    #[test]
    fn batches_stay_under_the_parameter_limit_and_never_write_a_row_twice() {
        let same = Uuid::now_v7();
        let mut writes = vec![(team(same), Write::Insert), (team(same), Write::Update)];
        writes.extend((0..30_000).map(|_| (team(Uuid::now_v7()), Write::Insert)));
        let batches = batches(&writes);
        assert_eq!(
            batches[0].len(),
            1,
            "the update of the inserted row waits for the insert"
        );
        assert_eq!(batches.iter().map(|b| b.len()).sum::<usize>(), writes.len());
        for batch in &batches {
            let parameters: usize = batch.iter().map(|(r, _)| r.table().columns.len()).sum();
            assert!(parameters <= MAX_PARAMETERS && batch.len() <= MAX_WRITES);
        }
    }

    #[test]
    fn several_writes_are_one_statement_counting_each() {
        let writes = [
            (team(Uuid::now_v7()), Write::Insert),
            (team(Uuid::now_v7()), Write::Update),
        ];
        let sql = statement(&writes);
        assert!(sql.starts_with("WITH w0 AS (INSERT INTO teams"), "{sql}");
        assert!(sql.contains("w1 AS (UPDATE teams SET name = $8"), "{sql}");
        assert!(sql.ends_with("SELECT ARRAY[(SELECT count(*) FROM w0), (SELECT count(*) FROM w1)]::bigint[]"));
    }

    #[tokio::test]
    async fn every_declared_statement_prepares_against_the_schema() {
        use sqlx::{Executor, SqlSafeStr};
        let Some(db) = crate::testing::TestDatabase::create().await else {
            return;
        };
        let store = db.store().await;
        let mut conn = store.pool().acquire().await.unwrap();
        for table in TABLES {
            for how in Write::ALL {
                let sql = table.write_sql(how, dollar, 1);
                conn.prepare(AssertSqlSafe(sql.clone()).into_sql_str())
                    .await
                    .unwrap_or_else(|e| panic!("{sql}: {e}"));
            }
            conn.prepare(DELETES[&table.kind].as_str().into_sql_str())
                .await
                .unwrap();
        }
    }
}
