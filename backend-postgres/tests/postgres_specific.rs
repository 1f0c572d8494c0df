//! What only the PostgreSQL backend has: the pool, TLS, password hygiene,
//! migrations and the schema guard, and constraints that hold against raw SQL.

use std::time::Duration;

use modelreg_core::models::NewModel;
use modelreg_core::store::StoreInfo;
use modelreg_core::versions::{Framework, NewVersion, VersionStatus};
use modelreg_core::{Actor, Error};
use modelreg_postgres::testing::TestDatabase;
use modelreg_postgres::{MIGRATIONS, PostgresOptions, PostgresStore};
use sqlx::Executor;

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
async fn sslmode_require_connects_over_tls() {
    let Some(db) = TestDatabase::create().await else { return };
    let url = format!(
        "{}{}sslmode=require",
        db.url(),
        if db.url().contains('?') { "&" } else { "?" }
    );
    let store = match PostgresStore::connect(&url, PostgresOptions::default()).await {
        Ok(store) => store,
        Err(e) if e.to_string().contains("does not support SSL") || e.to_string().contains("SSL is not") => {
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
    let reg = store.into_registry();
    let err = reg.stats().await.unwrap_err();
    assert!(matches!(err, Error::Backend(_)), "{err:?}");
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
    let reg = store.into_registry();
    reg.create_model(NewModel::named("after-reset"), &actor())
        .await
        .unwrap();
    assert_eq!(reg.stats().await.unwrap().models, 1);
}

/// A client writing SQL directly meets the same rules as the registry.
#[tokio::test]
async fn the_schema_enforces_the_rules_against_raw_sql() {
    let Some(db) = TestDatabase::create().await else { return };
    let store = db.store().await;
    let pool = store.pool().clone();
    let reg = store.into_registry();
    let m = reg.create_model(NewModel::named("m"), &actor()).await.unwrap();
    let v = reg
        .register_version(m.id, NewVersion::new("1.0.0", "uri", Framework::Onnx), &actor())
        .await
        .unwrap();
    reg.set_version_status(v.id, VersionStatus::Production, &actor())
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
    for (semver, status, size, metadata) in [
        ("not-semver", "registered", 0, "{}"),
        ("2.0.0", "shipping", 0, "{}"),
        ("2.0.1", "registered", -1, "{}"),
        ("2.0.2", "registered", 0, "[1]"),
        ("2.0.3", "production", 0, "{}"),
        ("1.0.0", "registered", 0, "{}"),
    ] {
        assert!(
            insert_version(semver, status, size, metadata)
                .execute(&pool)
                .await
                .is_err(),
            "{semver} {status}"
        );
    }
    insert_version("2.0.4", "registered", 0, "{}")
        .execute(&pool)
        .await
        .unwrap();
    for sql in [
        "INSERT INTO teams (id, name, created_at) VALUES (gen_random_uuid(), ' padded', now())",
        "INSERT INTO teams (id, name, created_at) VALUES (gen_random_uuid(), E'bell\\x07', now())",
        "INSERT INTO metrics (id, version_id, name, value, split, recorded_at) SELECT gen_random_uuid(), id, 'x', 'NaN', 'test', now() FROM model_versions LIMIT 1",
        "INSERT INTO training_runs (id, version_id, run_name, started_at, gpu_hours) SELECT gen_random_uuid(), id, 'x', now(), 'Infinity' FROM model_versions LIMIT 1",
    ] {
        assert!(pool.execute(sql).await.is_err(), "accepted: {sql}");
    }
}
