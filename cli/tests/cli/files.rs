//! Files only where asked: the default registry is created on first use, a
//! named SQLite file only by `init`, `seed`, `import` and `copy --to`, and a
//! copy's source never.

use std::path::Path;

use crate::sandbox::Sandbox;

/// Everything under `dir`, for comparing before and after.
fn listing(dir: &Path) -> Vec<String> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(at) = stack.pop() {
        for entry in std::fs::read_dir(&at).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path.clone());
            }
            found.push(path.strip_prefix(dir).unwrap().display().to_string());
        }
    }
    found.sort();
    found
}

#[test]
fn a_named_sqlite_file_that_does_not_exist_is_created_by_no_other_command() {
    let s = Sandbox::bare();
    let missing = s.path("sub/typo.db");
    let url = format!("sqlite://{}", missing.display());
    let other = s.path("other.db");
    let backup = s.path("backup.db");
    let (other, backup) = (other.to_str().unwrap(), backup.to_str().unwrap());
    let before = listing(s.dir.path());
    let commands: &[&[&str]] = &[
        &["model", "list"],
        &["team", "create", "research"],
        &["stats"],
        &["info"],
        &["test-connection"],
        &["db", "status"],
        &["db", "upgrade"],
        &["db", "history"],
        &["db", "backup", "--to", backup],
        &["db", "reset", "--yes"],
        &["export"],
        &["report", "deployments"],
        &["serve", "--listen", "127.0.0.1:0"],
        &["copy", "--from", &url, "--to", &format!("sqlite://{other}")],
    ];
    for args in commands {
        let args: Vec<&str> = args.iter().copied().chain(["--database-url", &url]).collect();
        let e = s.fails(&args, 2);
        assert!(
            e.contains(&missing.display().to_string()),
            "{args:?} names the file: {e}"
        );
        assert!(
            e.contains("modelreg init"),
            "{args:?} names the command that creates it: {e}"
        );
        assert_eq!(listing(s.dir.path()), before, "{args:?} created nothing");
    }
    // Named in the environment or in a configuration file: the same.
    let mut cmd = s.command(&["stats"]);
    let out = cmd.env("MODELREG_DATABASE_URL", &url).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    std::fs::write(s.path("modelreg.toml"), format!("database_url = \"{url}\"\n")).unwrap();
    let before = listing(s.dir.path());
    let e = s.fails(&["model", "list"], 2);
    assert!(e.contains("does not exist"), "{e}");
    assert_eq!(listing(s.dir.path()), before);
    assert!(!s.path("data").exists(), "not even the default registry");
}

#[test]
fn init_seed_import_and_copy_create_the_registry_they_are_given() {
    let s = Sandbox::bare();
    let url = |name: &str| format!("sqlite://{}", s.path(name).display());
    s.json(&["init", "--database-url", &url("a/init.db")]);
    assert!(s.path("a/init.db").is_file());
    s.json(&["seed", "--database-url", &url("b/seed.db")]);
    let file = s.path("export.jsonl");
    s.json(&[
        "export",
        "--out",
        file.to_str().unwrap(),
        "--database-url",
        &url("b/seed.db"),
    ]);
    s.json(&["import", file.to_str().unwrap(), "--database-url", &url("c/import.db")]);
    s.json(&["copy", "--from", &url("b/seed.db"), "--to", &url("d/copy.db")]);
    for name in ["c/import.db", "d/copy.db"] {
        assert_eq!(
            s.json(&["stats", "--database-url", &url(name)]),
            s.json(&["stats", "--database-url", &url("b/seed.db")]),
            "{name}"
        );
    }
}

#[test]
fn a_copy_source_is_never_created_or_migrated() {
    let s = Sandbox::sqlite();
    let missing = s.path("missing.db");
    let e = s.fails(
        &[
            "copy",
            "--from",
            &format!("sqlite://{}", missing.display()),
            "--to",
            s.url.as_deref().unwrap(),
        ],
        2,
    );
    assert!(e.contains("missing.db does not exist"), "{e}");
    for leftover in ["missing.db", "missing.db-wal", "missing.db-shm"] {
        assert!(!s.path(leftover).exists(), "{leftover} was created");
    }
    // An existing source at an older schema is refused, and left at its version.
    let old = format!("sqlite://{}", s.path("old.db").display());
    s.json(&["init", "--database-url", &old]);
    let latest = s.json(&["db", "status", "--database-url", &old])["latest_schema_version"]
        .as_i64()
        .unwrap();
    let older = (latest - 1).to_string();
    s.json(&["db", "downgrade", "--to", &older, "--yes", "--database-url", &old]);
    let e = s.fails(&["copy", "--from", &old, "--to", s.url.as_deref().unwrap()], 2);
    assert!(e.contains("db upgrade"), "{e}");
    assert_eq!(
        s.json(&["db", "status", "--database-url", &old])["schema_version"],
        latest - 1
    );
}

#[test]
fn the_default_registry_is_created_by_any_first_command() {
    let s = Sandbox::bare();
    assert!(s.run(&["model", "list"]).status.success());
    assert!(s.path("data/modelreg/registry.db").is_file());
}
