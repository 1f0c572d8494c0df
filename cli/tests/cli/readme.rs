//! The README's walkthroughs ("Run it" up to "Commands") run as written, in
//! order, on a fresh machine: every command of their shell blocks exits 0.

use std::path::Path;
use std::process::Output;

use modelreg_postgres::testing::TestDatabase;

use crate::sandbox::shell;

pub const README: &str = include_str!("../../../README.md");

/// The commands of the shell blocks between "## Run it" and "### Commands",
/// continuation lines joined, `cargo run --release -p modelreg --` read as `modelreg`.
pub fn walkthrough_commands(readme: &str) -> Vec<String> {
    commands_between(readme, "\n## Run it", "\n### Commands")
}

/// The commands of the shell blocks between the headings `from` and `to`.
fn commands_between(readme: &str, from: &str, to: &str) -> Vec<String> {
    let start = readme.find(from).unwrap_or_else(|| panic!("README has {from:?}"));
    let end = readme[start..].find(to).map_or(readme.len(), |end| start + end);
    let mut commands = Vec::new();
    let (mut in_block, mut pending) = (false, String::new());
    for line in readme[start..end].lines() {
        let trimmed = line.trim();
        if trimmed.starts_with("```") {
            in_block = !in_block && trimmed == "```sh";
            continue;
        }
        if !in_block || trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        match trimmed.strip_suffix('\\') {
            Some(part) => pending.push_str(part),
            None => {
                pending.push_str(trimmed);
                commands.push(pending.replace("cargo run --release -p modelreg --", "modelreg"));
                pending.clear();
            }
        }
    }
    commands
}

/// The stdout of a README command that exited with one of `codes`; the
/// test fails with the command, its exit code and its output otherwise.
#[track_caller]
fn exited(command: &str, out: &Output, codes: &[i32]) -> String {
    assert!(
        out.status.code().is_some_and(|code| codes.contains(&code)),
        "README: `{command}` exited {:?}:\n{}{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn the_readme_walkthroughs_run_as_written_on_a_fresh_machine() {
    let commands = walkthrough_commands(README);
    assert!(commands.len() >= 10, "the walkthroughs were found: {commands:?}");
    assert!(commands.iter().all(|c| c.starts_with("modelreg ")), "{commands:?}");
    let home = tempfile::tempdir().unwrap();
    for command in &commands {
        exited(command, &shell(home.path(), command).output().unwrap(), &[0]);
    }
    assert!(Path::new(&home.path().join("data/modelreg/registry.db")).is_file());
}

/// The examples of "Finding things" run on the sample registry: each exits 0,
/// except that an "as of" before the sample existed finds nothing (exit 3).
#[test]
fn the_finding_things_examples_run_on_the_sample() {
    let commands = commands_between(README, "\n### Finding things", "\n### Configuration");
    assert!(commands.len() >= 10, "the examples were found: {commands:?}");
    let home = tempfile::tempdir().unwrap();
    for command in std::iter::once("modelreg seed").chain(commands.iter().map(String::as_str)) {
        let out = shell(home.path(), command).output().unwrap();
        let allowed: &[i32] = if command.contains("--at 2026-05-01") {
            &[0, 3]
        } else {
            &[0]
        };
        exited(command, &out, allowed);
    }
}

/// "Moving a registry" runs as written, in order, on the default registry
/// (the sample), its two PostgreSQL URLs pointed at empty test databases:
/// both end up holding what the SQLite registry holds.
#[tokio::test]
async fn the_moving_a_registry_example_runs_with_its_urls_pointed_at_test_databases() {
    let Some(imported) = TestDatabase::create().await else {
        return;
    };
    let Some(copied) = TestDatabase::create().await else {
        return;
    };
    let commands = commands_between(README, "\n## Moving a registry", "\n## Performance");
    assert_eq!(commands.len(), 3, "{commands:?}");
    let home = tempfile::tempdir().unwrap();
    let run = |command: &str| {
        // The example names the default registry by its place under $HOME.
        let out = shell(home.path(), command)
            .env_remove("XDG_DATA_HOME")
            .output()
            .unwrap();
        exited(command, &out, &[0])
    };
    run("modelreg seed");
    for command in &commands {
        let command = command
            .replace("postgres://app@db/registry2", copied.url())
            .replace("postgres://app@db/registry", imported.url());
        run(&command);
    }
    let source = run("modelreg stats -o json");
    assert!(source.contains("\"model_versions\": 18"), "{source}");
    for target in [imported.url(), copied.url()] {
        assert_eq!(run(&format!("modelreg stats -o json --database-url {target}")), source);
    }
}

/// "The HTTP API" runs as written, in order, as one shell script on the
/// sample (the server in the background, on a free port instead of 8080):
/// the production version is read and a version registered with the token.
#[test]
fn the_http_api_example_runs_on_the_sample() {
    let commands = commands_between(README, "\n## The HTTP API", "\nThe CLI works against a server");
    assert_eq!(commands.len(), 4, "{commands:?}");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap();
    let home = tempfile::tempdir().unwrap();
    let script = format!(
        "set -e\nmodelreg seed >/dev/null\n{}\nkill $!\nwait $!\n",
        commands
            .join("\n")
            .replace("127.0.0.1:8080", &format!("127.0.0.1:{port}"))
    );
    let out = shell(home.path(), &script)
        .env("MODELREG_LISTEN", format!("127.0.0.1:{port}"))
        .output()
        .unwrap();
    let stdout = exited(&script, &out, &[0]);
    // curl prints each answer without a newline after it.
    let semvers: Vec<&str> = stdout
        .split("\"semver\":\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .collect();
    assert_eq!(
        semvers,
        ["1.2.0", "1.3.0"],
        "the production version, then the new one: {stdout}"
    );
}

#[test]
fn walkthrough_lines_are_read_as_a_shell_would() {
    let readme = "intro\n## Run it\n```sh\ncargo run --release -p modelreg -- seed\n# a comment\n\nmodelreg a \\\n  b\n```\n```toml\nx = 1\n```\n### Commands\n```sh\nmodelreg never\n```\n";
    assert_eq!(walkthrough_commands(readme), ["modelreg seed", "modelreg a b"]);
}
