//! The bad-input table (`modelreg_conformance::bad_input`) through the real
//! `modelreg` binary on a temporary SQLite file: every bad value refused
//! with exit 2 and one line on stderr naming its field (or its flag), a
//! look-alike of a taken name with exit 4 (or, for a tag added again, exit
//! 0 with nothing added), and the registry unchanged after each.

use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;

use modelreg_conformance::bad_input::{
    EntryPoint, Expect, Fixture, Op, PARENT_ENV, PARENT_MODEL, PARENT_SEMVER, PARENT_TEAM, Row, TAKEN,
    assert_no_failures, footprint, prepare, report, table,
};
use modelreg_core::{Actor, Registry};

/// A command line that writes a row's bad value, and the flag that carries it (if a flag does).
struct Invocation {
    args: Vec<String>,
    flag: Option<&'static str>,
}

/// The flag of `op` that sets `field`, or `None` when the value is a positional argument.
fn flag(op: Op, field: &str) -> Result<Option<&'static str>, String> {
    Ok(Some(match (op, field) {
        (Op::TeamCreate | Op::ModelCreate | Op::EnvironmentCreate, "name") | (Op::TagAdd, _) => return Ok(None),
        (Op::DeploymentScale | Op::AliasSet, _) | (Op::VersionRegister, "semver") => return Ok(None),
        (Op::TeamUpdate | Op::ModelUpdate | Op::EnvironmentUpdate, "name") => "--rename",
        (_, "department") => "--department",
        (_, "cost_center") => "--cost-center",
        (_, "description") => "--description",
        (_, "use_case") => "--use-case",
        (_, "risk_level") => "--risk",
        (_, "artifact_uri") => "--artifact",
        (_, "framework") => "--framework",
        (_, "framework_version") => "--framework-version",
        (_, "python_version") => "--python-version",
        (_, "size_bytes") => "--size-bytes",
        (_, "checksum_sha256") => "--checksum",
        (_, "metadata") => "--metadata",
        (_, "status") => "--status",
        (_, "run_name") => "--name",
        (_, "gpu_hours") => "--gpu-hours",
        (_, "cost_usd") => "--cost-usd",
        (_, "dataset_name") => "--dataset",
        (_, "dataset_version") => "--dataset-version",
        (_, "hyperparameters") => "--hyperparameters",
        (_, "environment") => "--environment",
        (_, "created_by") => "--created-by",
        (_, "duration_seconds") => "--duration-seconds",
        (Op::MetricRecord | Op::DeploymentCreate, "name") => "--name",
        (_, "value") => "--value",
        (_, "split") => "--split",
        (_, "kind") => "--kind",
        (_, "region") => "--region",
        (_, "kubernetes_namespace") => "--namespace",
        (_, "config") => "--env-config",
        (_, "endpoint_url") => "--endpoint",
        (_, "replicas") => "--replicas",
        (_, "cpu_request") => "--cpu",
        (_, "memory_request") => "--memory",
        (_, "gpu_count") => "--gpus",
        (_, "actor") => "--actor",
        (op, field) => return Err(format!("no flag of {op} sets {field}")),
    }))
}

/// The command line of the row's operation, with valid values where the row has none.
fn invocation(row: &Row, fx: &Fixture, unique: &str, number: usize) -> Result<Invocation, String> {
    let value = row.value.arg();
    let flag = flag(row.op, row.field)?;
    let version = format!("{PARENT_MODEL}@{PARENT_SEMVER}");
    let name_or = |default: &str| {
        if row.field == "name" {
            value.clone()
        } else {
            default.to_owned()
        }
    };
    let mut args: Vec<String> = match row.op {
        Op::TeamCreate => vec!["team".into(), "create".into(), name_or(unique)],
        Op::TeamUpdate => vec!["team".into(), "update".into(), PARENT_TEAM.into()],
        Op::ModelCreate => vec!["model".into(), "create".into(), name_or(unique)],
        Op::ModelUpdate => vec!["model".into(), "update".into(), PARENT_MODEL.into()],
        Op::TagAdd => vec!["model".into(), "tag".into(), PARENT_MODEL.into(), value.clone()],
        Op::VersionRegister => {
            let semver = if row.field == "semver" {
                value.clone()
            } else {
                format!("2.0.{number}")
            };
            vec![
                "version".into(),
                "register".into(),
                format!("{PARENT_MODEL}@{semver}"),
                "--artifact=s3://bad-input/model.onnx".into(),
                "--framework=onnx".into(),
            ]
        }
        Op::VersionStatus => vec!["version".into(), "set-status".into(), version],
        Op::RunStart => vec!["run".into(), "start".into(), version, format!("--name={unique}")],
        Op::RunFinish => vec![
            "run".into(),
            "finish".into(),
            fx.run.to_string(),
            "--status=succeeded".into(),
        ],
        Op::MetricRecord => vec![
            "metric".into(),
            "record".into(),
            version,
            format!("--name={unique}"),
            "--value=0.5".into(),
            "--split=test".into(),
        ],
        Op::EnvironmentCreate => vec!["env".into(), "create".into(), name_or(unique), "--kind=sandbox".into()],
        Op::EnvironmentUpdate => vec!["env".into(), "update".into(), PARENT_ENV.into()],
        Op::DeploymentCreate => vec![
            "deploy".into(),
            "create".into(),
            version,
            format!("--env={PARENT_ENV}"),
            format!("--name={unique}"),
        ],
        Op::DeploymentStatus => vec!["deploy".into(), "set-status".into(), fx.deployment.to_string()],
        Op::DeploymentScale => vec![
            "deploy".into(),
            "scale".into(),
            fx.deployment.to_string(),
            "--".into(),
            value.clone(),
        ],
        Op::Actor => vec!["team".into(), "create".into(), unique.into()],
        Op::TagUpdate => vec!["tag".into(), "update".into(), TAKEN.into()],
        Op::VersionUpdate => vec!["version".into(), "update".into(), version],
        Op::AliasSet => vec!["version".into(), "alias".into(), "set".into(), version, value.clone()],
    };
    if let Some(flag) = flag {
        // A later occurrence of a flag replaces the default given above.
        args.retain(|a| !a.starts_with(&format!("{flag}=")));
        args.push(format!("{flag}={value}"));
    }
    Ok(Invocation { args, flag })
}

/// Runs the binary on the registry at `url` in the sandbox `dir`.
fn modelreg(dir: &Path, url: &str, args: &[String]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_modelreg"))
        .args(args)
        .current_dir(dir)
        .env("XDG_DATA_HOME", dir.join("data"))
        .env("XDG_CONFIG_HOME", dir.join("config"))
        .env("HOME", dir)
        .env("MODELREG_ACTOR", "ci")
        .env("MODELREG_DATABASE_URL", url)
        .env_remove("MODELREG_OUTPUT")
        .env_remove("MODELREG_CONFIG")
        .stdin(Stdio::null())
        .output()
        .expect("run modelreg")
}

/// Whether the run answered what the row expects: `Err(why)` when not.
fn judge(row: &Row, flag: Option<&str>, output: &std::process::Output) -> Result<(), String> {
    let code = output.status.code();
    let stderr = String::from_utf8_lossy(&output.stderr);
    let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    let expected_code = match row.expect {
        Expect::Invalid(_) => 2,
        Expect::Conflict(_) => 4,
        Expect::Same(_) => 0,
    };
    let field = row.expect.field();
    let named = |line: &str| {
        let line = line.to_lowercase();
        line.contains(field) || flag.is_some_and(|f| line.contains(f))
    };
    let ok = code == Some(expected_code)
        && match row.expect {
            Expect::Same(_) => true,
            _ => lines.len() == 1 && named(lines[0]),
        };
    if ok {
        Ok(())
    } else {
        Err(format!(
            "expected exit {expected_code} and one line naming {field}, got exit {code:?} and stderr {stderr:?}"
        ))
    }
}

/// Runs `rows` (with their numbers in the table) through the binary on a
/// fresh registry holding the fixture; answers how many ran and what failed.
async fn run_rows(rows: &[(usize, &Row)]) -> (usize, Vec<String>) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let db = dir.path().join("registry.db");
    let url = format!("sqlite://{}", db.display());
    let store = modelreg_sqlite::SqliteStore::open_path(&db)
        .await
        .expect("a fresh SQLite registry");
    let reg = Registry::new(Arc::new(store), Actor::new("bad-input").expect("an actor"));
    let fx = prepare(&reg).await;
    let mut before = footprint(&reg).await;
    let mut failures = Vec::new();
    for &(i, row) in rows {
        let unique = format!("row-{i}");
        match invocation(row, &fx, &unique, i) {
            Err(why) => failures.push(format!("row {i} ({}): {why}", row.label())),
            Ok(Invocation { args, flag }) => {
                let output = modelreg(dir.path(), &url, &args);
                if let Err(why) = judge(row, flag, &output) {
                    failures.push(format!("row {i} ({}): modelreg {args:?}: {why}", row.label()));
                }
            }
        }
        let after = footprint(&reg).await;
        if after != before {
            failures.push(format!(
                "row {i} ({}): the registry changed: {before:?} became {after:?}",
                row.label()
            ));
            before = after;
        }
    }
    (rows.len(), failures)
}

/// Every row of the table that applies to the command line.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_bad_input_exits_2_with_one_line_naming_its_field_and_changes_nothing() {
    let rows = table();
    eprintln!("{}", report(&rows, EntryPoint::Cli));
    let applicable: Vec<(usize, &Row)> = rows
        .iter()
        .enumerate()
        .filter(|(_, row)| row.applies(EntryPoint::Cli).is_ok())
        .collect();
    let (run, failures) = run_rows(&applicable).await;
    assert_no_failures("CLI on SQLite", run, &failures);
}
