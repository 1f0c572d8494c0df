//! The command line itself: help, completions, usage errors.

use std::path::Path;

use crate::sandbox::{Sandbox, register_args};

#[test]
fn help_documents_every_command() {
    let s = Sandbox::sqlite();
    let out = s.run(&["--help"]);
    let help = String::from_utf8_lossy(&out.stdout);
    for command in [
        "team",
        "model",
        "version",
        "tag",
        "run",
        "metric",
        "env",
        "deploy",
        "audit",
        "report",
        "stats",
        "seed",
        "info",
        "test-connection",
        "init",
        "db",
        "completions",
    ] {
        assert!(help.contains(command), "--help mentions {command}");
    }
    let out = s.run(&["deploy", "--help"]);
    let help = String::from_utf8_lossy(&out.stdout);
    for verb in [
        "create",
        "list",
        "active",
        "show",
        "set-status",
        "scale",
        "rollback",
        "terminate",
    ] {
        assert!(help.contains(verb), "deploy --help mentions {verb}");
    }
    let out = s.run(&["completions", "bash"]);
    assert!(out.status.success() && String::from_utf8_lossy(&out.stdout).contains("modelreg"));
    assert!(Path::new(env!("CARGO_BIN_EXE_modelreg")).is_file());
}

/// Every closed set of the domain, with the flags (command, flag) that take it.
const CLOSED_SETS: &[(&[&str], &str, &[&str])] = &[
    (&["model", "create"], "--risk", &["low", "medium", "high", "critical"]),
    (&["model", "list"], "--risk", &["low", "medium", "high", "critical"]),
    (&["model", "update"], "--risk", &["low", "medium", "high", "critical"]),
    (
        &["version", "register"],
        "--framework",
        &[
            "pytorch",
            "tensorflow",
            "sklearn",
            "xgboost",
            "jax",
            "onnx",
            "huggingface",
        ],
    ),
    (
        &["version", "set-status"],
        "--status",
        &["registered", "validated", "production", "archived", "deprecated"],
    ),
    (
        &["version", "list"],
        "--status",
        &["registered", "production", "deprecated"],
    ),
    (&["version", "latest"], "--status", &["registered", "production"]),
    (
        &["run", "finish"],
        "--status",
        &["succeeded", "failed", "cancelled", "timeout"],
    ),
    (&["run", "list"], "--status", &["running", "succeeded"]),
    (
        &["deploy", "create"],
        "--status",
        &["deploying", "healthy", "degraded", "failed", "terminated"],
    ),
    (&["deploy", "list"], "--status", &["healthy", "terminated"]),
    (&["deploy", "set-status"], "--status", &["healthy", "degraded"]),
    (
        &["env", "create"],
        "--kind",
        &["development", "staging", "production", "sandbox"],
    ),
    (&["env", "list"], "--kind", &["development", "sandbox"]),
    (&["env", "update"], "--kind", &["staging", "production"]),
    (
        &["metric", "record"],
        "--split",
        &["train", "validation", "test", "production"],
    ),
    (&["metric", "list"], "--split", &["train", "production"]),
    (
        &["audit", "entity"],
        "<ENTITY_TYPE>",
        &["team", "model_version", "deployment"],
    ),
];

#[test]
fn every_enum_flag_lists_its_values_in_help() {
    let s = Sandbox::bare();
    for (command, flag, values) in CLOSED_SETS {
        let out = s.run(&[&command[..], &["--help"]].concat());
        let help = String::from_utf8_lossy(&out.stdout);
        let at = help
            .rfind(&format!("{flag} <"))
            .or_else(|| help.rfind(flag))
            .unwrap_or_else(|| panic!("{command:?} --help has {flag}: {help}"));
        let section = &help[at..];
        let listed = section.find("[possible values:").map(|start| {
            let end = section[start..].find(']').map_or(section.len(), |end| start + end);
            &section[start..end]
        });
        let listed = listed.unwrap_or_else(|| panic!("{command:?} {flag} lists its values: {help}"));
        for value in *values {
            assert!(listed.contains(value), "{command:?} {flag} lists {value}: {listed}");
        }
    }
}

#[test]
fn completions_offer_the_values_of_enum_flags() {
    let s = Sandbox::bare();
    for shell in ["bash", "zsh", "fish"] {
        let out = s.run(&["completions", shell]);
        assert!(out.status.success());
        let script = String::from_utf8_lossy(&out.stdout);
        for value in [
            "huggingface",
            "critical",
            "deprecated",
            "timeout",
            "sandbox",
            "validation",
            "model_version",
        ] {
            assert!(script.contains(value), "{shell} completions offer {value}");
        }
    }
}

#[test]
fn a_bad_enum_value_names_the_field_and_exits_2() {
    let s = Sandbox::sqlite();
    for (args, field) in [
        (&["model", "create", "m", "--risk", "extreme"][..], "risk_level"),
        (&register_args("m@1.0.0", "a", "caffe", &[])[..], "framework"),
        (&["env", "create", "e", "--kind", "moon"], "kind"),
        (&["audit", "entity", "planet", "x"], "entity_type"),
    ] {
        let e = s.fails(args, 2);
        assert!(e.contains(&format!("invalid {field}")), "{args:?}: {e}");
    }
}

#[test]
fn the_environment_s_config_is_its_own_flag_beside_the_global_config() {
    let s = Sandbox::sqlite();
    // --config still names modelreg's own configuration file: here, JSON output.
    std::fs::write(s.path("settings.toml"), "output = \"json\"\n").unwrap();
    let out = s.run(&[
        "env",
        "create",
        "e2",
        "--kind",
        "staging",
        "--env-config",
        r#"{"replicas": 2}"#,
        "--config",
        "settings.toml",
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let created: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(created["config"]["replicas"], 2);
    let updated = s.json(&[
        "env",
        "update",
        "e2",
        "--env-config",
        r#"{"replicas": 3, "zone": "b"}"#,
        "--region",
        "eu-west-1",
    ]);
    assert_eq!(updated["config"], serde_json::json!({"replicas": 3, "zone": "b"}));
    assert_eq!(updated["region"], "eu-west-1");
    assert_eq!(s.json(&["env", "show", "e2"])["config"]["zone"], "b");
    let e = s.fails(&["env", "update", "e2", "--env-config", "[1]"], 2);
    assert!(e.contains("config"), "{e}");
    let renamed = s.json(&["env", "update", "e2", "--rename", "e3", "--active", "false"]);
    assert_eq!(
        (renamed["name"].as_str(), renamed["is_active"].as_bool()),
        (Some("e3"), Some(false))
    );
}
