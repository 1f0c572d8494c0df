//! The CLI against a server (`--database-url http://…` with
//! `MODELREG_TOKEN`): the README's first-use walkthrough answers the same
//! JSON with the same exit codes as on a registry of its own; a missing
//! token is told what to set; a token may come from the configuration file;
//! every command about the database itself refuses a server; and `bench`
//! runs its workload through the server.

use std::process::Output;

use serde_json::Value;

use crate::readme::{README, walkthrough_commands};
use crate::sandbox::{Sandbox, shell};
use crate::serve::Server;

const SECRET: &str = "readme-token-0123456789";

/// Where a command runs: a local registry, or a server through the client.
struct Place {
    home: tempfile::TempDir,
    env: Vec<(&'static str, String)>,
}

impl Place {
    fn local() -> Place {
        let home = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", home.path().join("registry.db").display());
        // Changes are recorded as the server records them: by the token's name.
        let env = vec![("MODELREG_DATABASE_URL", url), ("MODELREG_ACTOR", "readme".to_owned())];
        Place { home, env }
    }

    fn remote(server: &Server) -> Place {
        let env = vec![
            ("MODELREG_DATABASE_URL", format!("http://{}", server.addr)),
            ("MODELREG_TOKEN", SECRET.to_owned()),
        ];
        Place {
            home: tempfile::tempdir().unwrap(),
            env,
        }
    }

    /// Runs a README line (`modelreg …`) with JSON output.
    fn run(&self, line: &str) -> Output {
        let mut command = shell(self.home.path(), line);
        command.envs(self.env.iter().map(|(k, v)| (*k, v.as_str())));
        command.env("MODELREG_OUTPUT", "json").output().unwrap()
    }
}

/// An answer with what differs between two registries made alike blanked:
/// ids and instants.
fn comparable(stdout: &[u8]) -> Value {
    fn blank(v: &mut Value) {
        match v {
            Value::String(s) if uuid::Uuid::parse_str(s).is_ok() => *s = "<id>".into(),
            Value::String(s) if chrono::DateTime::parse_from_rfc3339(s).is_ok() => *s = "<instant>".into(),
            Value::Array(items) => items.iter_mut().for_each(blank),
            Value::Object(fields) => fields.values_mut().for_each(blank),
            _ => {}
        }
    }
    let text = String::from_utf8_lossy(stdout);
    let mut value = serde_json::from_str(&text).unwrap_or(Value::String(text.into_owned()));
    blank(&mut value);
    value
}

/// Commands that work on the database itself, not through a server.
fn on_the_database(line: &str) -> bool {
    ["modelreg db ", "modelreg init"].iter().any(|p| line.starts_with(p))
}

#[test]
fn the_readme_walkthrough_answers_the_same_through_a_server_with_a_token() {
    let server = Server::start(&format!("readme:{SECRET}"), &[]).expect("the server starts");
    let (local, remote) = (Place::local(), Place::remote(&server));
    let commands = walkthrough_commands(README);
    assert!(commands.len() >= 10, "{commands:?}");
    for line in &commands {
        let here = local.run(line);
        let there = remote.run(line);
        if on_the_database(line) {
            let stderr = String::from_utf8_lossy(&there.stderr);
            assert_eq!(there.status.code(), Some(2), "`{line}` through a server: {stderr}");
            assert!(stderr.contains("is a modelreg server"), "`{line}`: {stderr}");
            continue;
        }
        let said = |o: &Output| String::from_utf8_lossy(&o.stderr).into_owned();
        assert_eq!(
            here.status.code(),
            there.status.code(),
            "`{line}`: {} / {}",
            said(&here),
            said(&there)
        );
        assert_eq!(comparable(&here.stdout), comparable(&there.stdout), "`{line}`");
    }
    // Failures too: the same exit code and error.
    for line in [
        "modelreg version show query-ranker@9.9.9",
        "modelreg model create query-ranker",
        "modelreg version list --filter 'statuss = 1'",
    ] {
        let (here, there) = (local.run(line), remote.run(line));
        assert_ne!(here.status.code(), Some(0), "`{line}`");
        assert_eq!(here.status.code(), there.status.code(), "`{line}`");
        let error = |o: &Output| comparable(&o.stderr)["error"]["code"].clone();
        assert_eq!(error(&here), error(&there), "`{line}`");
    }
}

#[test]
fn without_its_token_a_server_refuses_and_the_cli_says_what_to_set() {
    let server = Server::start(&format!("readme:{SECRET}"), &[]).expect("the server starts");
    let s = Sandbox::with_url(&format!("http://{}", server.addr));
    let out = s.run(&["model", "list"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("MODELREG_TOKEN"), "{stderr}");
    assert!(!stderr.contains(SECRET));
}

#[test]
fn every_command_on_the_database_itself_refuses_a_server() {
    let server = Server::start(&format!("readme:{SECRET}"), &[]).expect("the server starts");
    let remote = Place::remote(&server);
    let url = format!("http://{}", server.addr);
    let file = remote.home.path().join("elsewhere.db");
    let file = file.display();
    let source = remote.home.path().join("source.db");
    let source = source.display();
    let made = remote.run(&format!("modelreg --database-url sqlite://{source} init"));
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
    for line in [
        "modelreg init".to_owned(),
        "modelreg db status".to_owned(),
        "modelreg db upgrade".to_owned(),
        "modelreg db downgrade --to 2 --yes".to_owned(),
        "modelreg db history".to_owned(),
        format!("modelreg db backup --to {file}"),
        "modelreg db reset --yes".to_owned(),
        "modelreg db drop --yes".to_owned(),
        "modelreg import registry.jsonl".to_owned(),
        format!("modelreg copy --from {url} --to sqlite://{file}"),
        format!("modelreg copy --from sqlite://{source} --to {url}"),
    ] {
        let out = remote.run(&line);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "`{line}`: {stderr}");
        assert!(stderr.contains("is a modelreg server"), "`{line}`: {stderr}");
    }
    let out = remote.run("modelreg model list");
    assert!(out.status.success(), "the server is still there and empty");
}

#[test]
fn a_token_in_the_configuration_file_reaches_the_server() {
    let server = Server::start(&format!("readme:{SECRET}"), &[]).expect("the server starts");
    let place = Place {
        home: tempfile::tempdir().unwrap(),
        env: Vec::new(),
    };
    let config = place.home.path().join("modelreg-remote.toml");
    std::fs::write(
        &config,
        format!("database_url = \"http://{}\"\ntoken = \"{SECRET}\"\n", server.addr),
    )
    .unwrap();
    let out = place.run(&format!(
        "modelreg --config {} model create from-config",
        config.display()
    ));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let listed = Place::remote(&server).run("modelreg model list");
    assert!(String::from_utf8_lossy(&listed.stdout).contains("from-config"));
    let info = place.run(&format!("modelreg --config {} info", config.display()));
    assert!(
        !String::from_utf8_lossy(&info.stdout).contains(SECRET),
        "info masks the token"
    );
}

#[test]
fn info_describes_the_server_and_masks_the_token() {
    let server = Server::start(&format!("readme:{SECRET}"), &[]).expect("the server starts");
    let remote = Place::remote(&server);
    let out = remote.run("modelreg info");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let info: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(info["database"]["backend"], "server");
    assert!(info["database"]["schema_version"].as_i64().unwrap() >= 3, "{info}");
    assert_eq!(info["config"]["token"]["value"], "****");
    assert!(!String::from_utf8_lossy(&out.stdout).contains(SECRET));
}

#[test]
fn bench_runs_its_workload_through_a_server_and_removes_its_models() {
    let server = Server::start(&format!("readme:{SECRET}"), &[]).expect("the server starts");
    let remote = Place::remote(&server);
    let out = remote.run(
        "modelreg bench -o json --database-url \"$MODELREG_DATABASE_URL\" --models 3 --versions-per-model 2 \
         --lookups 5 --searches 2 --workers 2 --seconds 1 --min-seconds 0 --connections 2",
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["backend"], "server");
    assert_eq!(report["b"]["ops"], 6);
    assert!(report["c"]["ops_per_sec"].as_f64().unwrap() > 0.0);
    assert!(report["h"]["clients"]["2"]["production"]["ops"].as_u64().unwrap() > 0);
    assert!(report["g"].is_null(), "no raw baseline on a server");
    assert!(report["removed_models"].as_u64().unwrap() >= 3 + 2 + 2);
    let models = remote.run("modelreg model list");
    assert_eq!(
        serde_json::from_slice::<Value>(&models.stdout).unwrap(),
        serde_json::json!([])
    );
}
