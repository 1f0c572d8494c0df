//! What only the PostgreSQL backend has: the pool, TLS, password hygiene,
//! migrations and the schema guard, snapshots, concurrent tag creation,
//! read-only servers, the write queue's statement size, constraints
//! that hold against raw SQL, and planner statistics after a bulk load.

use std::sync::Arc;
use std::time::Duration;

use modelreg_core::models::{Model, NewModel, RiskLevel, Tag};
use modelreg_core::store::{Record, RecordKind, RecordReads, Snapshots, StoreInfo, Transactional};
use modelreg_core::versions::{Framework, ModelVersion, NewVersion, VersionStatus};
use modelreg_core::{Actor, Error, Ref, Registry, VersionRef};
use modelreg_postgres::testing::TestDatabase;
use modelreg_postgres::{MIGRATIONS, PostgresOptions, PostgresStore};
use sqlx::Executor;
use uuid::Uuid;

fn actor() -> Actor {
    Actor::new("test").unwrap()
}

#[tokio::test]
async fn passwords_never_appear_in_errors_or_locations() {
    let url = "postgres://app:hunter2@127.0.0.1:1/registry";
    let options = PostgresOptions {
        acquire_timeout: Duration::from_secs(2),
        ..PostgresOptions::default()
    };
    let Err(err) = PostgresStore::connect(url, options).await else {
        panic!("nothing listens on port 1");
    };
    assert!(matches!(err, Error::Unavailable { .. }), "{err:?}");
    let message = err.to_string();
    assert!(!message.contains("hunter2"), "{message}");
    assert!(message.contains("app:****@127.0.0.1:1"), "{message}");
    let bad = PostgresStore::connect("postgres://app:hunter2@host:notaport/x", PostgresOptions::default()).await;
    let Err(err) = bad else {
        panic!("a bad URL was accepted")
    };
    assert!(
        matches!(
            err,
            Error::Invalid {
                field: "database_url",
                ..
            }
        ),
        "{err:?}"
    );
    assert!(!err.to_string().contains("hunter2"));

    let Some(db) = TestDatabase::create().await else { return };
    let store = db.store().await;
    let with_password = modelreg_postgres::testing::with_database("postgres://u:secret@h/x", "y");
    assert_eq!(
        modelreg_core::error::redact_passwords(&with_password),
        "postgres://u:****@h/y"
    );
    assert!(!store.location().contains("secret"));
}

#[tokio::test]
async fn a_missing_database_is_named_in_words_of_our_own() {
    let Some(db) = TestDatabase::create().await else { return };
    let missing = modelreg_postgres::testing::with_database(db.url(), "modelreg_no_such_database");
    let Err(err) = PostgresStore::connect(&missing, PostgresOptions::default()).await else {
        panic!("connected to a database that does not exist");
    };
    assert!(matches!(err, Error::Unavailable { .. }), "{err:?}");
    let message = err.to_string();
    assert!(message.contains("3D000"), "{message}");
    assert!(
        !message.contains("modelreg_no_such_database\" does not exist"),
        "{message}"
    );
}

#[tokio::test]
async fn sslmode_require_connects_over_tls() {
    let Some(db) = TestDatabase::create().await else { return };
    let url = format!(
        "{}{}sslmode=require",
        db.url(),
        if db.url().contains('?') { "&" } else { "?" }
    );
    let store = match PostgresStore::connect(&url, PostgresOptions::default()).await {
        Ok(store) => store,
        Err(e) if e.to_string().contains("TLS") => {
            eprintln!("modelreg: this PostgreSQL server has TLS off; the TLS test checked only the refusal: {e}");
            return;
        }
        Err(e) => panic!("sslmode=require failed: {e}"),
    };
    let encrypted: bool = sqlx::query_scalar("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert!(encrypted, "the connection is encrypted");
}

#[tokio::test]
async fn the_pool_honours_its_size_and_acquire_timeout() {
    let Some(db) = TestDatabase::create().await else { return };
    let options = PostgresOptions {
        max_connections: 1,
        acquire_timeout: Duration::from_millis(300),
        ..PostgresOptions::default()
    };
    let store = PostgresStore::connect(db.url(), options).await.unwrap();
    assert_eq!(store.pool().options().get_max_connections(), 1);
    let held = store.pool().acquire().await.unwrap();
    let started = std::time::Instant::now();
    let reg = store.into_registry(actor());
    let err = reg.stats().await.unwrap_err();
    assert!(matches!(err, Error::Unavailable { .. }), "{err:?}");
    assert!(err.is_retryable());
    assert!(started.elapsed() >= Duration::from_millis(250));
    drop(held);
    assert_eq!(reg.stats().await.unwrap().models, 0);
}

#[tokio::test]
async fn a_database_from_a_newer_modelreg_is_refused_and_left_untouched() {
    let Some(db) = TestDatabase::create().await else { return };
    let store = db.store().await;
    store
        .pool()
        .execute("INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', now())")
        .await
        .unwrap();
    let tables = "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'";
    let before: i64 = sqlx::query_scalar(tables).fetch_one(store.pool()).await.unwrap();
    let supported = modelreg_core::migrations::latest(MIGRATIONS);
    match PostgresStore::connect(db.url(), PostgresOptions::default()).await {
        Err(e) => assert_eq!(
            e,
            Error::SchemaTooNew {
                database: 999,
                supported
            }
        ),
        Ok(_) => panic!("a newer database was opened"),
    }
    let after: i64 = sqlx::query_scalar(tables).fetch_one(store.pool()).await.unwrap();
    let versions: i64 = sqlx::query_scalar("SELECT count(*) FROM schema_migrations")
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert_eq!((after, versions), (before, MIGRATIONS.len() as i64 + 1));
}

#[tokio::test]
async fn migrations_go_down_and_up_again() {
    let Some(db) = TestDatabase::create().await else { return };
    let store = db.store().await;
    assert_eq!(store.applied_migrations().await.unwrap().len(), MIGRATIONS.len());
    store.downgrade(0).await.unwrap();
    assert_eq!(store.schema_version().await.unwrap(), 0);
    assert!(matches!(
        store.downgrade(3).await,
        Err(Error::Invalid { field: "to", .. })
    ));
    store.upgrade(None).await.unwrap();
    let reg = store.into_registry(actor());
    reg.create_model(NewModel::named("after-reset")).await.unwrap();
    assert_eq!(reg.stats().await.unwrap().models, 1);
}

/// The constraint a raw statement broke, as the server names it.
async fn broken_constraint<'q>(
    pool: &sqlx::PgPool,
    query: sqlx::query::Query<'q, sqlx::Postgres, sqlx::postgres::PgArguments>,
) -> String {
    match query.execute(pool).await {
        Ok(_) => "(accepted)".to_owned(),
        Err(sqlx::Error::Database(db)) => db.constraint().unwrap_or("(unnamed)").to_owned(),
        Err(other) => panic!("not a database error: {other}"),
    }
}

/// A client writing SQL directly meets the same rules as the registry, and
/// the database names the rule it broke.
#[tokio::test]
async fn the_schema_enforces_the_rules_against_raw_sql() {
    let Some(db) = TestDatabase::create().await else { return };
    let store = db.store().await;
    let pool = store.pool().clone();
    let reg = store.into_registry(actor());
    let m = reg.create_model(NewModel::named("m")).await.unwrap();
    let v = reg
        .register_version(&Ref::from(m.id), NewVersion::new("1.0.0", "uri", Framework::Onnx))
        .await
        .unwrap();
    reg.set_version_status(&VersionRef::Id(v.id), VersionStatus::Production)
        .await
        .unwrap();
    let insert_version = |semver: &'static str, status: &'static str, size: i64, metadata: &'static str| {
        sqlx::query(
            "INSERT INTO model_versions (id, model_id, semver, precedence, artifact_uri, framework, status, size_bytes, metadata, created_at)
             VALUES (gen_random_uuid(), $1, $2, 'k', 'uri', 'onnx', $3, $4, $5::jsonb, now())",
        )
        .bind(m.id)
        .bind(semver)
        .bind(status)
        .bind(size)
        .bind(metadata)
    };
    for (semver, status, size, metadata, constraint) in [
        ("not-semver", "registered", 0, "{}", "ck__model_versions__semver"),
        ("2.0.0", "shipping", 0, "{}", "ck__model_versions__status"),
        ("2.0.1", "registered", -1, "{}", "ck__model_versions__size_bytes"),
        ("2.0.2", "registered", 0, "[1]", "ck__model_versions__metadata"),
        ("2.0.3", "production", 0, "{}", "uq__model_versions__status"),
        ("1.0.0", "registered", 0, "{}", "uq__model_versions__semver"),
    ] {
        let broken = broken_constraint(&pool, insert_version(semver, status, size, metadata)).await;
        assert_eq!(broken, constraint, "{semver} {status}");
    }
    insert_version("2.0.4", "registered", 0, "{}")
        .execute(&pool)
        .await
        .unwrap();
    for (sql, constraint) in [
        (
            "INSERT INTO teams (id, name, created_at) VALUES (gen_random_uuid(), ' padded', now())",
            "ck__teams__name",
        ),
        (
            // Checks run in the order of their names: schema 4's before schema 1's.
            "INSERT INTO teams (id, name, created_at) VALUES (gen_random_uuid(), E'bell\\x07', now())",
            "ck__teams__chars__name",
        ),
        (
            "INSERT INTO metrics (id, version_id, name, value, split, recorded_at) \
             SELECT gen_random_uuid(), id, 'x', 'NaN', 'test', now() FROM model_versions LIMIT 1",
            "ck__metrics__value",
        ),
        (
            // Infinity breaks two checks; PostgreSQL names the first by name, schema 2's bound.
            "INSERT INTO training_runs (id, version_id, run_name, started_at, gpu_hours) \
             SELECT gen_random_uuid(), id, 'x', now(), 'Infinity' FROM model_versions LIMIT 1",
            "ck__training_runs__bound__gpu_hours",
        ),
        (
            "INSERT INTO training_runs (id, version_id, run_name, started_at, gpu_hours) \
             SELECT gen_random_uuid(), id, 'x', now(), -1 FROM model_versions LIMIT 1",
            "ck__training_runs__gpu_hours",
        ),
        (
            "INSERT INTO metrics (id, version_id, name, value, split, recorded_at) \
             VALUES (gen_random_uuid(), gen_random_uuid(), 'x', 1, 'test', now())",
            "metrics_version_id_fkey",
        ),
    ] {
        assert_eq!(broken_constraint(&pool, sqlx::query(sql)).await, constraint, "{sql}");
    }
}

/// The snapshot is one REPEATABLE READ transaction: rows other sessions
/// insert, change or delete after it began stay as they were in it.
#[tokio::test]
async fn a_snapshot_keeps_its_view_while_other_sessions_write() {
    let Some(db) = TestDatabase::create().await else { return };
    let store = db.store().await;
    let pool = store.pool().clone();
    let reg = Registry::new(Arc::new(db.store().await), actor());
    for name in ["a", "b", "c"] {
        reg.create_model(NewModel::named(name)).await.unwrap();
    }
    let snapshot = store.snapshot().await.unwrap();
    let before = snapshot.record_counts().await.unwrap();
    let models = snapshot.records(RecordKind::Model, None, 2).await.unwrap();
    assert_eq!(models.len(), 2);

    reg.create_model(NewModel::named("d")).await.unwrap();
    for sql in [
        "UPDATE models SET name = 'a2', name_folded = 'a2' WHERE name = 'a'",
        "DELETE FROM models WHERE name = 'b'",
        "DELETE FROM audit_events",
    ] {
        pool.execute(sql).await.unwrap();
    }

    assert_eq!(snapshot.record_counts().await.unwrap(), before);
    assert_eq!(snapshot.records(RecordKind::Model, None, 2).await.unwrap(), models);
    let rest = snapshot
        .records(RecordKind::Model, Some(models[1].key()), 10)
        .await
        .unwrap();
    assert_eq!(rest.len(), 1, "the third model, still there in the snapshot");
    let events = snapshot.records(RecordKind::AuditEvent, None, 10).await.unwrap();
    assert_eq!(events.len(), 3);
    assert_eq!(
        snapshot.schema_version().await.unwrap(),
        modelreg_core::migrations::latest(MIGRATIONS)
    );
    drop(snapshot);
    assert_eq!(store.record_counts().await.unwrap()[&RecordKind::AuditEvent], 0);
}

fn tag(name: &str) -> Tag {
    Tag {
        id: Uuid::now_v7(),
        name: name.to_owned(),
        description: None,
        created_at: modelreg_core::time::now(),
    }
}

#[tokio::test]
async fn two_transactions_adding_one_new_tag_at_once_both_succeed() {
    let Some(db) = TestDatabase::create().await else { return };
    let store = db.store().await;
    let mut first = store.begin().await.unwrap();
    let (created, inserted) = first.tag_or_insert(tag("fresh")).await.unwrap();
    assert!(inserted);
    let mut second = store.begin().await.unwrap();
    let waiting = async {
        let found = second.tag_or_insert(tag("fresh")).await;
        (found, second)
    };
    let committing = async {
        tokio::time::sleep(Duration::from_millis(200)).await;
        first.commit().await
    };
    let ((found, second), committed) = tokio::join!(waiting, committing);
    committed.unwrap();
    let (found, inserted) = found.unwrap();
    assert!(!inserted, "the second transaction found the first one's tag");
    assert_eq!(found, created);
    second.commit().await.unwrap();

    // Through the registry: both models carry the one tag.
    let reg = store.into_registry(actor());
    for name in ["a", "b"] {
        reg.create_model(NewModel::named(name)).await.unwrap();
    }
    let (a, b) = (Ref::from("a"), Ref::from("b"));
    let (tagged_a, tagged_b) = tokio::join!(reg.add_tag(&a, "shared"), reg.add_tag(&b, "shared"));
    assert!(tagged_a.unwrap() && tagged_b.unwrap());
    let tags = reg.list_tags(Default::default()).await.unwrap();
    let shared = tags.iter().find(|t| t.tag.name == "shared").unwrap();
    assert_eq!(shared.model_count, 2);
}

#[tokio::test]
async fn a_read_only_database_is_not_writable_and_the_failure_is_remembered() {
    let Some(db) = TestDatabase::create().await else { return };
    let store = db.store().await;
    store.check_writable().await.unwrap();
    let name: String = sqlx::query_scalar("SELECT current_database()")
        .fetch_one(store.pool())
        .await
        .unwrap();
    let reg = store.into_registry(actor());
    reg.create_model(NewModel::named("before")).await.unwrap();
    let admin = db.store().await;
    admin
        .pool()
        .execute(sqlx::AssertSqlSafe(format!(
            "ALTER DATABASE \"{name}\" SET default_transaction_read_only = on"
        )))
        .await
        .unwrap();

    let store = Arc::new(db.store().await);
    let err = store.check_writable().await.unwrap_err();
    assert!(matches!(err, Error::Storage { .. }), "{err:?}");
    let reg = Registry::new(store.clone(), actor());
    let err = reg.create_model(NewModel::named("x")).await.unwrap_err();
    assert!(matches!(err, Error::Storage { .. }), "{err:?}");
    assert!(err.to_string().contains("25006"), "{err}");
    assert!(!err.to_string().contains("INSERT"), "{err}");
    assert_eq!(reg.stats().await.unwrap().models, 1, "reads still work");
}

#[tokio::test]
async fn a_long_write_queue_is_split_under_the_parameter_limit() {
    let Some(db) = TestDatabase::create().await else { return };
    let store = db.store().await;
    let reg = Registry::new(Arc::new(db.store().await), actor());
    let model = reg.create_model(NewModel::named("many")).await.unwrap();
    let now = modelreg_core::time::now();
    let mut tx = store.begin().await.unwrap();
    let mut first = None;
    for i in 0..6_000 {
        let version = ModelVersion {
            id: Uuid::now_v7(),
            model_id: model.id,
            semver: format!("1.0.{i}"),
            artifact_uri: format!("s3://bucket/{i}"),
            framework: Framework::Onnx,
            framework_version: None,
            python_version: None,
            status: VersionStatus::Registered,
            size_bytes: Some(i),
            checksum_sha256: None,
            metadata: Default::default(),
            created_at: now,
            description: None,
        };
        first.get_or_insert_with(|| version.clone());
        tx.insert(Record::ModelVersion(version)).await.unwrap();
    }
    // 6,000 writes of 14 values each need 84,000 parameters: more than one statement.
    let mut edited = first.unwrap();
    edited.python_version = Some("3.12".into());
    tx.update(Record::ModelVersion(edited.clone())).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(reg.stats().await.unwrap().model_versions, 6_000);
    assert_eq!(reg.version(&VersionRef::Id(edited.id)).await.unwrap(), edited);
}

#[tokio::test]
async fn closing_the_pool_makes_later_calls_unavailable() {
    let Some(db) = TestDatabase::create().await else { return };
    let store = Arc::new(db.store().await);
    let reg = Registry::new(store.clone(), actor());
    reg.create_model(NewModel::named("m")).await.unwrap();
    reg.close().await.unwrap();
    for err in [
        reg.stats().await.unwrap_err(),
        reg.create_model(NewModel::named("late")).await.unwrap_err(),
        store.snapshot().await.err().unwrap(),
        store.check_writable().await.unwrap_err(),
    ] {
        assert!(matches!(err, Error::Unavailable { .. }), "{err:?}");
    }
}

#[tokio::test]
async fn a_bulk_load_leaves_the_planner_statistics_of_what_it_loaded() {
    let Some(db) = TestDatabase::create().await else { return };
    let store = db.store().await;
    let pool = store.pool().clone();
    let reg = store.into_registry(actor());
    let now = modelreg_core::time::now();
    let models: Vec<Record> = (0..50)
        .map(|i| {
            Record::Model(Model {
                id: Uuid::now_v7(),
                name: format!("loaded-{i}"),
                description: None,
                use_case: None,
                team_id: None,
                risk_level: RiskLevel::Medium,
                compliance_required: false,
                is_active: true,
                created_at: now,
                updated_at: now,
            })
        })
        .collect();
    let mut load = reg.bulk_load().await.unwrap();
    load.add(models).await.unwrap();
    assert_eq!(load.finish().await.unwrap(), 50);
    // Only ANALYZE fills pg_stats; COPY and CREATE INDEX do not.
    let analyzed: Vec<(String,)> =
        sqlx::query_as("SELECT DISTINCT tablename::text FROM pg_stats WHERE schemaname = current_schema() ORDER BY 1")
            .fetch_all(&pool)
            .await
            .unwrap();
    let analyzed: Vec<&str> = analyzed.iter().map(|(t,)| t.as_str()).collect();
    assert!(
        analyzed.contains(&"models") && analyzed.contains(&"audit_events"),
        "{analyzed:?}"
    );
}
