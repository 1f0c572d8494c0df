//! Every command of the CLI, succeeding and failing, in tables and in JSON,
//! run by the [`Checker`] that looks for secrets in all it prints.

use super::{Checker, Expect, TOKEN_SECRETS, UNREACHABLE_SECRET, server};
use crate::bench::{SMALLEST_BENCH, bench_args};
use crate::sandbox::{register_args, str_at};

/// Every command of the CLI, succeeding and failing, as a table and as JSON.
pub(super) fn every_command(c: &mut Checker, postgres: bool) {
    use Expect::{Fails, Succeeds};
    let dir = c.sandbox.dir.path().to_owned();
    let path = |name: &str| dir.join(name).display().to_string();
    let unreachable = format!("postgres://admin:{UNREACHABLE_SECRET}@127.0.0.1:1/registry");
    let (export_file, copy_url, import_url, backup) = (
        path("export.jsonl"),
        format!("sqlite://{}", path("copy.db")),
        format!("sqlite://{}", path("imported.db")),
        path("backup.db"),
    );

    c.once(&["init"], false, Succeeds);
    let info = c.json(&["info"]);
    assert_eq!(
        info["config"]["api_tokens"]["value"], "ci:****,dashboard:****:ro",
        "{info}"
    );
    let out = c.once(&["info"], false, Succeeds);
    assert!(String::from_utf8_lossy(&out.stdout).contains("ci:****,dashboard:****:ro"));
    for args in [
        &["test-connection"][..],
        &["db", "status"],
        &["db", "history"],
        &["db", "upgrade"],
    ] {
        c.both(args, Succeeds);
    }
    c.once(&["seed"], true, Succeeds);
    c.both(&["seed"], Fails);

    c.once(
        &["team", "create", "vault", "--department", "Security"],
        false,
        Succeeds,
    );
    c.both(&["team", "create", "vault"], Fails);
    for args in [
        &["team", "list"][..],
        &["team", "show", "vault"],
        &["team", "update", "vault", "--cost-center", "CC-9"],
        &["team", "deactivate", "vault"],
        &["team", "reactivate", "vault"],
    ] {
        c.both(args, Succeeds);
    }
    c.both(&["team", "delete", "vault"], Fails);
    c.both(&["team", "show", "ghost"], Fails);
    c.once(&["team", "delete", "vault", "--yes"], true, Succeeds);

    c.once(
        &["model", "create", "keeper", "--team", "ml-platform", "--risk", "high"],
        false,
        Succeeds,
    );
    c.both(&["model", "create", "keeper"], Fails);
    c.both(&["model", "create", "other", "--risk", "extreme"], Fails);
    for args in [
        &["model", "list"][..],
        &["model", "show", "keeper"],
        &["model", "update", "keeper", "--description", "kept"],
        &["model", "search", "keep"],
        &["model", "tag", "keeper", "safe"],
        &["model", "by-tag", "safe"],
        &["model", "tags"],
        &["model", "untag", "keeper", "safe"],
    ] {
        c.both(args, Succeeds);
    }
    c.once(&["model", "create", "doomed"], true, Succeeds);
    c.both(&["model", "delete", "doomed"], Fails);
    c.once(&["model", "delete", "doomed", "--yes"], false, Succeeds);

    for (semver, json) in [("1.0.0", true), ("1.1.0", false), ("1.2.0", true)] {
        let version = format!("keeper@{semver}");
        let artifact = format!("s3://keeper/{semver}");
        c.once(&register_args(&version, &artifact, "onnx", &[]), json, Succeeds);
    }
    c.both(&register_args("keeper@1.x", "a", "onnx", &[]), Fails);
    c.both(&register_args("keeper@3.0.0", "a", "caffe", &[]), Fails);
    for args in [
        &["version", "list", "keeper"][..],
        &["version", "show", "keeper@1.0.0"],
        &["version", "latest", "keeper"],
        &["version", "set-status", "keeper@1.0.0", "--status", "validated"],
        &["version", "production"],
    ] {
        c.both(args, Succeeds);
    }
    c.once(
        &["version", "alias", "set", "keeper@1.0.0", "champion"],
        false,
        Succeeds,
    );
    let now = chrono::Utc::now().to_rfc3339();
    for args in [
        &["version", "alias", "set", "keeper@1.2.0", "shadow"][..],
        &["version", "alias", "list", "keeper"],
        &["version", "show", "keeper@champion"],
        &["version", "show", "keeper@champion", "--at", &now],
        &[
            "version",
            "update",
            "keeper@1.0.0",
            "--description",
            "kept",
            "--set-metadata",
            r#"{"a": 1}"#,
        ],
        &["version", "history", "keeper"],
        &["version", "find", "--checksum", &"0".repeat(64)],
        &["version", "list"],
        &[
            "version",
            "list",
            "--filter",
            "framework = 'onnx'",
            "--sort",
            "semver desc",
            "--limit",
            "1",
        ],
        &["model", "list", "--filter", "name contains 'keep'"],
        &["report", "drift"],
        &["tag", "list"],
        &["tag", "update", "safe", "--description", "reviewed"],
    ] {
        c.both(args, Succeeds);
    }
    c.both(&["version", "alias", "set", "keeper@1.0.0", "latest"], Fails);
    c.both(&["version", "list", "--filter", "framwork = 'onnx'"], Fails);
    c.both(&["version", "show", "keeper@champion", "--at", "yesterday"], Fails);
    c.both(&["tag", "delete", "safe"], Fails);
    c.once(&["tag", "delete", "safe", "--yes"], true, Succeeds);
    c.once(&["version", "alias", "rm", "keeper", "shadow"], false, Succeeds);
    c.both(&["version", "show", "keeper@9.9.9"], Fails);
    c.both(&["version", "delete", "keeper@1.1.0"], Fails);
    c.once(&["version", "delete", "keeper@1.1.0", "--yes"], true, Succeeds);

    let run = c.json(&[
        "run",
        "start",
        "keeper@1.0.0",
        "--name",
        "nightly",
        "--gpu-hours",
        "1.5",
    ]);
    let run_id = str_at(&run, "id").to_owned();
    c.once(&["run", "start", "keeper@1.0.0", "--name", "weekly"], false, Succeeds);
    c.once(&["run", "finish", &run_id, "--status", "succeeded"], false, Succeeds);
    for args in [
        &["run", "list", "--model", "keeper"][..],
        &["run", "list", "--version", "keeper@1.0.0"],
        &["run", "show", &run_id],
        &["run", "cost"],
        &["run", "cost", "--model", "keeper"],
    ] {
        c.both(args, Succeeds);
    }
    c.both(&["run", "show", "not-a-uuid"], Fails);

    for (split, expect) in [("test", Succeeds), ("moon", Fails)] {
        let args = [
            "metric",
            "record",
            "keeper@1.0.0",
            "--name",
            "auc",
            "--value",
            "0.9",
            "--split",
            split,
        ];
        c.both(&args, expect);
    }
    c.both(&["metric", "list", "keeper@1.0.0"], Succeeds);
    c.both(&["metric", "latest", "keeper@1.0.0"], Succeeds);

    c.once(
        &[
            "env",
            "create",
            "vault-env",
            "--kind",
            "production",
            "--env-config",
            r#"{"a": 1}"#,
        ],
        false,
        Succeeds,
    );
    c.both(&["env", "create", "vault-env", "--kind", "production"], Fails);
    for args in [
        &["env", "list"][..],
        &["env", "show", "vault-env"],
        &["env", "update", "vault-env", "--env-config", r#"{"b": 2}"#],
    ] {
        c.both(args, Succeeds);
    }

    let first = c.json(&["deploy", "create", "keeper@1.0.0", "--env", "vault-env", "--name", "k"]);
    let second = c.json(&["deploy", "create", "keeper@1.2.0", "--env", "vault-env", "--name", "k"]);
    let (first, second) = (str_at(&first, "id").to_owned(), str_at(&second, "id").to_owned());
    for args in [
        &["deploy", "list", "--env", "vault-env"][..],
        &["deploy", "list", "--version", "keeper@1.0.0"],
        &["deploy", "active"],
        &["deploy", "show", &second],
        &["deploy", "set-status", &second, "--status", "healthy"],
        &["deploy", "scale", &second, "3"],
    ] {
        c.both(args, Succeeds);
    }
    c.once(&["deploy", "rollback", &second], true, Succeeds);
    c.once(&["deploy", "terminate", &first], false, Succeeds);
    c.both(&["deploy", "show", "00000000-0000-0000-0000-000000000000"], Fails);
    c.both(&["env", "deactivate", "vault-env"], Succeeds);
    c.both(&["env", "reactivate", "vault-env"], Succeeds);
    for args in [
        &["run", "list"][..],
        &["run", "list", "--filter", "gpu_hours > 1", "--sort", "cost_usd desc"],
        &["deploy", "list"],
        &["deploy", "list", "--env", "vault-env", "--filter", "replicas >= 1"],
        &["audit", "recent", "--filter", "actor = 'ci'", "--limit", "3"],
    ] {
        c.both(args, Succeeds);
    }

    for args in [
        &["audit", "recent"][..],
        &["audit", "actor", "ci"],
        &["audit", "entity", "model", "keeper"],
        &["report", "team", "ml-platform"],
        &["report", "deployments"],
        &["report", "stale", "--days", "1"],
        &["stats"],
    ] {
        c.both(args, Succeeds);
    }
    c.both(&["audit", "entity", "planet", "x"], Fails);

    c.once(&["export", "--out", &export_file], false, Succeeds);
    let exported = std::fs::read_to_string(&export_file).unwrap();
    c.assert_clean("the export file", &exported);
    c.once(&["export"], true, Succeeds);
    c.once(
        &["import", &export_file, "--database-url", &import_url],
        false,
        Succeeds,
    );
    c.both(&["import", &export_file, "--database-url", &import_url], Fails);
    let registry = c.sandbox.url.clone().unwrap();
    c.once(&["copy", "--from", &registry, "--to", &copy_url], true, Succeeds);
    c.both(&["copy", "--from", &registry, "--to", &copy_url], Fails);
    c.both(&["copy", "--from", &unreachable, "--to", &copy_url], Fails);
    c.both(&["copy", "--from", &registry, "--to", &unreachable], Fails);
    c.once(
        &["db", "backup", "--to", &backup],
        false,
        if postgres { Fails } else { Succeeds },
    );
    c.once(&["db", "backup", "--to", &backup], true, Fails);

    c.both(&["stats", "--database-url", &unreachable], Fails);
    c.both(&["info", "--database-url", &unreachable], Fails);
    c.both(&["test-connection", "--database-url", &unreachable], Fails);
    let wrong = format!("mysql://root:{UNREACHABLE_SECRET}@127.0.0.1/registry");
    c.both(&["stats", "--database-url", &wrong], Fails);
    let bad_config = path("bad.toml");
    std::fs::write(
        &bad_config,
        format!("api_tokens = \"ci:{}\"\nbogus = true\n", TOKEN_SECRETS[0]),
    )
    .unwrap();
    c.both(&["info", "--config", &bad_config], Fails);
    std::fs::write(
        &bad_config,
        format!("database_url = \"{unreachable}\"\npg_pool_size = \"many\"\n"),
    )
    .unwrap();
    c.both(&["info", "--config", &bad_config], Fails);
    c.both(
        &["serve", "--listen", "0.0.0.0:0", "--database-url", &unreachable],
        Fails,
    );

    for args in [
        &["db", "upgrade", "--to", "99"][..],
        &["db", "downgrade", "--to", "99"],
        &["db", "reset"],
        &["db", "drop"],
    ] {
        c.both(args, Fails);
    }
    c.once(&["db", "reset", "--yes"], true, Succeeds);
    c.once(&["db", "drop", "--yes"], false, Succeeds);
    c.once(&["init"], true, Succeeds);
    c.once(&["completions", "bash"], false, Succeeds);
    c.once(&["--help"], false, Succeeds);
    c.once(&["model", "--help"], false, Succeeds);
    if postgres {
        c.once(
            &bench_args(SMALLEST_BENCH, &["--database-url", &registry]),
            true,
            Succeeds,
        );
    }

    server::serve_with_secrets(c);
    assert!(c.ran > 150, "every command ran, in both formats ({} runs)", c.ran);
}
