//! Moving a registry between backends with the real commands: SQLite →
//! PostgreSQL → SQLite must give back every record exactly.

use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;

use modelreg_core::metrics::{NewMetric, Split};
use modelreg_core::models::NewModel;
use modelreg_core::runs::NewRun;
use modelreg_core::versions::{Framework, NewVersion};
use modelreg_core::{Actor, Ref, Registry, VersionRef};
use modelreg_postgres::testing::TestDatabase;
use modelreg_sqlite::SqliteStore;

fn modelreg(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_modelreg"))
        .args(args)
        .current_dir(dir)
        .env("XDG_DATA_HOME", dir.join("data"))
        .env("XDG_CONFIG_HOME", dir.join("config"))
        .env_remove("MODELREG_DATABASE_URL")
        .stdin(Stdio::null())
        .output()
        .expect("run modelreg")
}

fn ok(dir: &Path, args: &[&str]) -> String {
    let out = modelreg(dir, args);
    assert!(
        out.status.success(),
        "modelreg {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Adds a generated registry of a few thousand versions to `reg` (the seed
/// sample is written first, by `modelreg seed`).
async fn generate(reg: &Registry) {
    for m in 0..40 {
        let model = reg
            .create_model(NewModel::named(format!("generated-{m}")))
            .await
            .unwrap();
        for v in 0..75 {
            let mut new = NewVersion::new(
                format!("{}.{}.0", v / 10, v % 10),
                format!("s3://gen/{m}/{v}"),
                Framework::Onnx,
            );
            new.metadata.insert("index".into(), serde_json::json!(m * 100 + v));
            let version = VersionRef::Id(reg.register_version(&Ref::Id(model.id), new).await.unwrap().id);
            if v % 5 == 0 {
                let run = NewRun {
                    gpu_hours: v as f64 / 7.0,
                    cost_usd: Some(v as f64 * 0.31),
                    ..NewRun::named(format!("run-{v}"))
                };
                reg.start_run(&version, run).await.unwrap();
                reg.record_metric(
                    &version,
                    NewMetric::new("loss", 1.0 / (v + 1) as f64, Split::Validation),
                )
                .await
                .unwrap();
            }
        }
    }
}

fn records(export: &str) -> Vec<&str> {
    export.lines().skip(1).collect()
}

/// Asserts two exports hold the same records, naming the first that differs.
#[track_caller]
fn assert_same(got: &str, want: &str, what: &str) {
    let (got, want) = (records(got), records(want));
    if let Some((i, (g, w))) = got.iter().zip(&want).enumerate().find(|(_, (g, w))| g != w) {
        panic!("{what}: record {} differs:\n got  {g}\n want {w}", i + 1);
    }
    assert_eq!(got.len(), want.len(), "{what}: record counts");
}

#[tokio::test(flavor = "multi_thread")]
async fn sqlite_to_postgres_to_sqlite_gives_back_every_record() {
    let Some(pg) = TestDatabase::create().await else { return };
    let Some(pg_import) = TestDatabase::create().await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.db");
    let (a_url, c_url) = (
        format!("sqlite://{}", a.display()),
        format!("sqlite://{}", dir.path().join("c.db").display()),
    );
    ok(dir.path(), &["seed", "--database-url", &a_url]);
    let store = SqliteStore::open_path(&a).await.unwrap();
    let reg = Registry::new(Arc::new(store), Actor::new("generator").unwrap());
    generate(&reg).await;
    reg.close().await.unwrap();
    let (pg_url, pg_import_url) = (pg.url().to_owned(), pg_import.url().to_owned());
    let path = dir.path().to_owned();
    tokio::task::spawn_blocking(move || {
        let original = ok(&path, &["export", "--database-url", &a_url]);
        assert!(
            records(&original).len() > 3000 + 336,
            "{} records",
            records(&original).len()
        );

        ok(&path, &["copy", "--from", &a_url, "--to", &pg_url]);
        ok(&path, &["copy", "--from", &pg_url, "--to", &c_url]);
        let via_postgres = ok(&path, &["export", "--database-url", &pg_url]);
        let back = ok(&path, &["export", "--database-url", &c_url]);
        assert_same(&via_postgres, &original, "SQLite → PostgreSQL");
        assert_same(&back, &original, "SQLite → PostgreSQL → SQLite");

        // The same through a file, and a file with a bad line changes nothing.
        let file = path.join("a.jsonl");
        std::fs::write(&file, &original).unwrap();
        let mut bad: Vec<&str> = original.lines().collect();
        let at = bad.len() / 2;
        bad.insert(at, r#"{"kind":"team","record":{"id":"not-a-uuid"}}"#);
        let bad_file = path.join("bad.jsonl");
        std::fs::write(&bad_file, bad.join("\n")).unwrap();
        let out = modelreg(
            &path,
            &["import", bad_file.to_str().unwrap(), "--database-url", &pg_import_url],
        );
        assert_eq!(out.status.code(), Some(2));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(&format!("line {}:", at + 1)), "{stderr}");
        let stats = ok(&path, &["stats", "-o", "json", "--database-url", &pg_import_url]);
        assert!(stats.contains("\"models\": 0"), "the target is untouched: {stats}");
        ok(
            &path,
            &["import", file.to_str().unwrap(), "--database-url", &pg_import_url],
        );
        let imported = ok(&path, &["export", "--database-url", &pg_import_url]);
        assert_same(&imported, &original, "file → PostgreSQL");
    })
    .await
    .unwrap();
}

#[test]
fn export_and_import_round_trip_through_a_file_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.db"), dir.path().join("b.db"));
    let (a_url, b_url) = (format!("sqlite://{}", a.display()), format!("sqlite://{}", b.display()));
    ok(dir.path(), &["seed", "--database-url", &a_url]);
    let file = dir.path().join("registry.jsonl");
    let said = ok(
        dir.path(),
        &["export", "--out", file.to_str().unwrap(), "--database-url", &a_url],
    );
    let count = said
        .strip_prefix("exported ")
        .and_then(|rest| rest.split(' ').next())
        .unwrap_or_else(|| panic!("a count: {said}"))
        .to_owned();
    let records = std::fs::read_to_string(&file).unwrap().lines().count() - 1;
    assert_eq!(count, records.to_string(), "one line per record after the header");
    let said = ok(
        dir.path(),
        &["import", file.to_str().unwrap(), "--database-url", &b_url],
    );
    assert!(said.contains(&format!("imported {count} records")), "{said}");
    let (first, second) = (
        std::fs::read_to_string(&file).unwrap(),
        ok(dir.path(), &["export", "--database-url", &b_url]),
    );
    assert_same(&second, &first, "file → SQLite");
    let refused = modelreg(
        dir.path(),
        &["import", file.to_str().unwrap(), "--database-url", &b_url],
    );
    assert_eq!(refused.status.code(), Some(2), "a registry with records needs --merge");
    let merged = ok(
        dir.path(),
        &[
            "import",
            file.to_str().unwrap(),
            "--merge",
            "-o",
            "json",
            "--database-url",
            &b_url,
        ],
    );
    assert!(merged.contains(&format!("\"skipped\": {count}")), "{merged}");
}
