//! Output into a pipe whose reader has gone away (`modelreg model list |
//! head -1`): the command ends quietly with its own exit code, no panic.

use std::io::Read;
use std::process::{Command, Stdio};

use crate::sandbox::{Sandbox, binary, isolate};

/// Runs `args` with stdout a pipe that is closed before anything is written.
fn into_a_closed_pipe(s: &Sandbox, args: &[&str]) -> (Option<i32>, String) {
    let mut child = s
        .command(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run modelreg");
    drop(child.stdout.take());
    let mut stderr = String::new();
    if let Some(mut pipe) = child.stderr.take() {
        pipe.read_to_string(&mut stderr).expect("read stderr");
    }
    let status = child.wait().expect("wait for modelreg");
    (status.code(), stderr)
}

#[test]
fn a_reader_that_goes_away_ends_the_output_quietly() {
    let s = Sandbox::sqlite();
    s.json(&["seed"]);
    for args in [
        &["model", "list"][..],
        &["model", "list", "-o", "json"],
        &["model", "show", "fraud-detector"],
        &["version", "list", "--limit", "2"],
        &["audit", "recent", "--limit", "1000"],
        &["info"],
        &["db", "status"],
    ] {
        let (code, stderr) = into_a_closed_pipe(&s, args);
        assert_eq!(code, Some(0), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    }
    // A failure still fails, with its message on stderr.
    let (code, stderr) = into_a_closed_pipe(&s, &["model", "show", "ghost"]);
    assert_eq!(code, Some(3), "{stderr}");
    assert!(stderr.contains("model ghost not found"), "{stderr}");
    // Through a shell, as people write it (modelreg's own status, by pipefail).
    let mut shell = Command::new("bash");
    isolate(&mut shell, s.dir.path());
    let out = shell
        .env("MODELREG_DATABASE_URL", s.url.as_deref().unwrap_or_default())
        .arg("-c")
        .arg(r#"set -o pipefail; "$0" audit recent --limit 1000 | head -1 && "$0" model list | head -1"#)
        .arg(binary())
        .output()
        .expect("run bash");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 2);
}
