//! How failures are told: one line for people; with `--output json` (or
//! `MODELREG_OUTPUT=json`) one JSON object on stderr in the HTTP API's shape,
//! with the same exit codes. Confirmations read as sentences.

use serde_json::Value;

use crate::sandbox::Sandbox;

/// Runs a command that must fail with `code` and tell it as one JSON object on stderr.
fn json_failure(s: &Sandbox, args: &[&str], code: i32) -> Value {
    let out = s.run(args);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(code), "modelreg {args:?}: {stderr}");
    assert_eq!(stderr.trim_end().lines().count(), 1, "one line: {stderr}");
    let value: Value = serde_json::from_str(&stderr).unwrap_or_else(|e| panic!("{args:?}: {e}: {stderr}"));
    let keys: Vec<&String> = value["error"].as_object().unwrap().keys().collect();
    assert!(
        keys.iter()
            .all(|k| ["code", "message", "field", "line"].contains(&k.as_str())),
        "{value}"
    );
    assert!(value["error"]["message"].is_string(), "{value}");
    value
}

#[test]
fn with_json_output_every_failure_is_one_json_object_on_stderr() {
    let s = Sandbox::sqlite();
    s.json(&["model", "create", "m"]);
    let cases: &[(&[&str], i32, &str, Option<&str>)] = &[
        (&["model", "create", " padded"], 2, "invalid", Some("name")),
        (&["model", "create", "m"], 4, "conflict", None),
        (&["model", "show", "ghost"], 3, "not_found", None),
        (&["run", "show", "not-a-uuid"], 2, "invalid", Some("id")),
        (
            &["model", "create", "x", "--risk", "extreme"],
            2,
            "invalid",
            Some("risk_level"),
        ),
        (&["model", "list", "--no-such-flag"], 2, "invalid", Some("no_such_flag")),
        (&["no-such-command"], 2, "invalid", Some("command")),
        (&["model", "delete", "m"], 2, "invalid", Some("yes")),
        (
            &["stats", "--database-url", "postgres://u:Pw1234567@127.0.0.1:1/x"],
            1,
            "unavailable",
            None,
        ),
    ];
    for (args, code, kind, field) in cases {
        for json in [&["-o", "json"][..], &["--output=json"]] {
            let all = [*args, json].concat();
            let value = json_failure(&s, &all, *code);
            assert_eq!(value["error"]["code"], *kind, "{all:?}: {value}");
            assert_eq!(value["error"]["field"].as_str(), *field, "{all:?}: {value}");
            assert!(!value.to_string().contains("Pw1234567"), "{value}");
        }
        // The environment asks for JSON as well as the flag does.
        let out = s.command(args).env("MODELREG_OUTPUT", "json").output().unwrap();
        assert_eq!(out.status.code(), Some(*code));
        let value: Value = serde_json::from_slice(&out.stderr).unwrap();
        assert_eq!(value["error"]["code"], *kind);
        // A table keeps the one line for people.
        let out = s.run(args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(*code));
        if !stderr.starts_with("error:") {
            assert!(stderr.starts_with("modelreg: "), "{stderr}");
            assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
        }
    }
}

#[test]
fn an_import_error_in_json_carries_its_line() {
    let s = Sandbox::sqlite();
    let file = s.path("broken.jsonl");
    let export = s.path("good.jsonl");
    s.json(&["model", "create", "m"]);
    s.json(&["export", "--out", export.to_str().unwrap()]);
    let mut lines: Vec<String> = std::fs::read_to_string(&export)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect();
    lines.insert(1, r#"{"kind":"team","record":{"id":"not-a-uuid"}}"#.to_owned());
    std::fs::write(&file, lines.join("\n")).unwrap();
    let other = Sandbox::sqlite();
    let value = json_failure(&other, &["import", file.to_str().unwrap(), "-o", "json"], 2);
    assert_eq!(value["error"]["code"], "invalid");
    assert_eq!(value["error"]["line"], 2, "{value}");
    assert!(value["error"]["field"].is_string(), "{value}");
}

#[test]
fn confirmations_read_as_sentences() {
    let s = Sandbox::sqlite();
    s.json(&["team", "create", "research"]);
    let e = s.fails(&["team", "delete", "research"], 2);
    assert_eq!(
        e.trim_end(),
        "modelreg: refusing to delete team research without --yes (no terminal to ask on)"
    );
    s.json(&["model", "create", "m"]);
    let e = s.fails(&["model", "delete", "m"], 2);
    assert_eq!(
        e.trim_end(),
        "modelreg: refusing to delete model m without --yes (no terminal to ask on)"
    );
    let e = s.fails(&["db", "reset"], 2);
    assert!(e.starts_with("modelreg: refusing to reset "), "{e}");
    assert!(!e.contains("invalid yes"), "{e}");
    assert_eq!(s.json(&["stats"])["teams"], 1, "nothing was changed");
}

/// A declined prompt, on a real terminal (`script` gives the command one).
#[test]
fn a_declined_prompt_changes_nothing_and_says_so() {
    if std::process::Command::new("script").arg("--version").output().is_err() {
        eprintln!("skipped: `script` (util-linux) is not installed");
        return;
    }
    let s = Sandbox::sqlite();
    s.json(&["team", "create", "research"]);
    let line = format!(
        "echo n | script -qec '{} team delete research' /dev/null",
        crate::sandbox::binary().display()
    );
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(&line)
        .current_dir(s.dir.path())
        .env("MODELREG_DATABASE_URL", s.url.as_deref().unwrap())
        .env("XDG_CONFIG_HOME", s.path("config"))
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        said.contains("Delete team research? Its models stay, with no team [y/N]"),
        "{said}"
    );
    assert!(said.contains("modelreg: not confirmed; nothing was changed"), "{said}");
    assert_eq!(s.json(&["stats"])["teams"], 1);
}
