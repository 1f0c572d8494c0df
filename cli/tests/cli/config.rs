//! Configuration: its layers, the source of each value, and what it refuses.

use crate::sandbox::Sandbox;

#[test]
fn with_no_configuration_the_registry_is_a_private_sqlite_file_in_the_data_directory() {
    let s = Sandbox::bare();
    let seeded = s.json(&["seed"]);
    assert!(seeded["model_versions"].as_u64().unwrap() > 10);
    let path = s.dir.path().join("data/modelreg/registry.db");
    assert!(path.is_file(), "created at {}", path.display());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
    let info = s.json(&["info"]);
    assert_eq!(info["config"]["database_url"]["source"], "default");
    assert_eq!(info["database"]["backend"], "sqlite");
    assert_eq!(info["database"]["pending_migrations"], 0);
    s.fails(&["seed"], 2);
    let listed = s.run(&["model", "list"]);
    assert!(listed.status.success());
    assert!(String::from_utf8_lossy(&listed.stdout).contains("fraud-detector"));
}

#[test]
fn configuration_layers_and_sources_and_no_password_shown() {
    let s = Sandbox::bare();
    let db = s.dir.path().join("from-file.db");
    std::fs::write(
        s.dir.path().join("modelreg.toml"),
        format!(
            "database_url = \"sqlite://{}\"\nactor = \"file-actor\"\npg_pool_size = 3\n",
            db.display()
        ),
    )
    .unwrap();
    s.json(&["init"]);
    let info = s.json(&["info"]);
    assert_eq!(info["config"]["database_url"]["source"], "config file modelreg.toml");
    assert_eq!(info["config"]["pg_pool_size"]["value"], 3);
    assert_eq!(
        info["config"]["actor"]["source"], "environment MODELREG_ACTOR",
        "env beats the file"
    );
    let info = s.json(&["info", "--actor", "flag-actor"]);
    assert_eq!(info["config"]["actor"]["value"], "flag-actor");
    assert_eq!(info["config"]["actor"]["source"], "--actor flag");

    let secret_url = "postgres://admin:TopSecret42@127.0.0.1:1/reg";
    for args in [
        &["info", "--database-url", secret_url][..],
        &["info", "--database-url", secret_url, "-o", "json"],
    ] {
        let out = s.run(args);
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(!all.contains("TopSecret42"), "{all}");
        assert!(all.contains("admin:****@"), "{all}");
    }
    let e = s.fails(&["stats", "--database-url", secret_url], 1);
    assert!(!e.contains("TopSecret42"), "{e}");
    let e = s.fails(&["stats", "--database-url", "mysql://x"], 2);
    assert!(e.contains("unknown scheme"), "{e}");
    let e = s.fails(&["info", "--config", "missing.toml"], 2);
    assert!(e.contains("missing.toml"), "{e}");
}

#[test]
fn an_unknown_key_in_any_configuration_file_is_an_error_naming_key_and_file() {
    let s = Sandbox::bare();
    s.json(&["init"]);
    let typo = "databse_url = \"sqlite:///tmp/elsewhere.db\"\n";
    // The XDG file, ./modelreg.toml and --config, each on its own.
    let xdg = s.path("config/modelreg/config.toml");
    std::fs::create_dir_all(xdg.parent().unwrap()).unwrap();
    for (file, extra) in [
        (xdg.clone(), &[][..]),
        (s.path("modelreg.toml"), &[][..]),
        (s.path("extra.toml"), &["--config", "extra.toml"][..]),
    ] {
        std::fs::write(&file, format!("actor = \"someone\"\n{typo}")).unwrap();
        let mut args = vec!["model", "list"];
        args.extend(extra);
        let e = s.fails(&args, 2);
        assert!(e.contains("databse_url"), "names the key: {e}");
        assert!(
            e.contains(&file.file_name().unwrap().to_string_lossy().to_string()),
            "names the file: {e}"
        );
        assert_eq!(e.lines().count(), 1, "{e}");
        let json: serde_json::Value =
            serde_json::from_str(&s.fails(&[&args[..], &["-o", "json"]].concat(), 2)).unwrap();
        assert_eq!(json["error"]["field"], "config");
        std::fs::remove_file(&file).unwrap();
    }
    std::fs::write(s.path("modelreg.toml"), "actor = \"someone\"\n").unwrap();
    assert!(s.run(&["model", "list"]).status.success(), "known keys are fine");
}

#[test]
fn unknown_modelreg_environment_variables_are_left_alone() {
    let s = Sandbox::sqlite();
    let out = s
        .command(&["model", "list"])
        .env("MODELREG_SOMETHING_ELSE", "1")
        .env("MODELREG_LOG", "debug")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(
        out.stderr.is_empty(),
        "nothing said: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}
