//! A sandbox to run the real `modelreg` binary in: its own data and config
//! directories, no `MODELREG_*` variable from outside, and a database URL.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

/// A sandbox: its own data and config directories, and a database URL.
pub struct Sandbox {
    pub dir: tempfile::TempDir,
    pub url: Option<String>,
}

/// The binary under test.
pub fn binary() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_modelreg"))
}

/// A command of the binary with no `MODELREG_*` variable of the test's own environment.
pub fn clean_command(dir: &Path) -> Command {
    let mut cmd = Command::new(binary());
    isolate(&mut cmd, dir);
    cmd
}

/// `sh -c SCRIPT` as a reader of the README runs it: isolated in `home`
/// (see [`isolate`]), with the binary under test on the PATH as `modelreg`.
pub fn shell(home: &Path, script: &str) -> Command {
    let bin = home.join("bin");
    if !bin.exists() {
        std::fs::create_dir(&bin).unwrap();
        std::os::unix::fs::symlink(binary(), bin.join("modelreg")).unwrap();
    }
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default());
    let mut shell = Command::new("sh");
    isolate(&mut shell, home);
    shell.arg("-c").arg(script).env("PATH", path);
    shell
}

/// Runs `cmd` in `dir`, with its data, config and home there, no standard
/// input, and no `MODELREG_*` variable of the test's own environment.
pub fn isolate(cmd: &mut Command, dir: &Path) {
    cmd.current_dir(dir)
        .env("XDG_DATA_HOME", dir.join("data"))
        .env("XDG_CONFIG_HOME", dir.join("config"))
        .env("HOME", dir)
        .stdin(Stdio::null());
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("MODELREG_") {
            cmd.env_remove(name);
        }
    }
}

impl Sandbox {
    /// A named SQLite file, created by `modelreg init`.
    pub fn sqlite() -> Sandbox {
        let sandbox = Sandbox::sqlite_missing();
        sandbox.json(&["init"]);
        sandbox
    }

    /// A named SQLite file that does not exist yet.
    pub fn sqlite_missing() -> Sandbox {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("registry.db").display());
        Sandbox { dir, url: Some(url) }
    }

    pub fn with_url(url: &str) -> Sandbox {
        Sandbox {
            dir: tempfile::tempdir().unwrap(),
            url: Some(url.to_owned()),
        }
    }

    /// No URL at all: the zero-configuration default.
    pub fn bare() -> Sandbox {
        Sandbox {
            dir: tempfile::tempdir().unwrap(),
            url: None,
        }
    }

    /// A path inside the sandbox.
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = clean_command(self.dir.path());
        cmd.args(args).env("MODELREG_ACTOR", "ci");
        if let Some(url) = &self.url {
            cmd.env("MODELREG_DATABASE_URL", url);
        }
        cmd
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().expect("run modelreg")
    }

    /// Runs a command that must succeed with `--output json`, and parses its output.
    pub fn json(&self, args: &[&str]) -> Value {
        let mut all = args.to_vec();
        all.extend(["--output", "json"]);
        let out = self.run(&all);
        assert!(
            out.status.success(),
            "modelreg {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
            panic!(
                "modelreg {args:?} printed no JSON ({e}): {}",
                String::from_utf8_lossy(&out.stdout)
            )
        })
    }

    /// Runs a command that must fail with `code`; returns its stderr.
    pub fn fails(&self, args: &[&str], code: i32) -> String {
        let out = self.run(args);
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!(out.status.code(), Some(code), "modelreg {args:?}: {stderr}");
        assert!(out.stdout.is_empty() || code == 2, "nothing on stdout for {args:?}");
        stderr
    }
}

pub fn str_at<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key].as_str().unwrap_or_else(|| panic!("{key} in {v}"))
}

/// `version register VERSION --artifact ARTIFACT --framework FRAMEWORK`, then `extra`.
pub fn register_args<'a>(version: &'a str, artifact: &'a str, framework: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "version",
        "register",
        version,
        "--artifact",
        artifact,
        "--framework",
        framework,
    ];
    args.extend_from_slice(extra);
    args
}
