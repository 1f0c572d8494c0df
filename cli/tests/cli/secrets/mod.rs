//! No secret ever shown: with a database password and API tokens configured,
//! every command, succeeding and failing, in tables and in JSON, and a
//! running server asked with `?token=SECRET`, never print one (stdout,
//! stderr, the server's log).

mod commands;
mod server;

use std::process::{Command, Output};

use modelreg_postgres::testing::TestDatabase;
use serde_json::Value;

use crate::sandbox::Sandbox;
use commands::every_command;

const TOKEN_SECRETS: [&str; 2] = ["TOKSECRET-ci-0123456789abcdef", "TOKSECRET-dash-fedcba9876543210"];
/// The password of the URLs that name an unreachable server.
const UNREACHABLE_SECRET: &str = "PGSECRET-unreachable-4242";

fn api_tokens() -> String {
    format!("ci:{},dashboard:{}:ro", TOKEN_SECRETS[0], TOKEN_SECRETS[1])
}

/// What a command is expected to do.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Expect {
    Succeeds,
    Fails,
}

/// Runs commands in a sandbox holding secrets, and checks every output.
struct Checker {
    sandbox: Sandbox,
    secrets: Vec<String>,
    ran: usize,
}

impl Checker {
    fn new(url: &str, db_secret: Option<String>) -> Checker {
        let mut secrets: Vec<String> = TOKEN_SECRETS.iter().map(|s| s.to_string()).collect();
        secrets.push(UNREACHABLE_SECRET.to_owned());
        secrets.extend(db_secret);
        Checker {
            sandbox: Sandbox::with_url(url),
            secrets,
            ran: 0,
        }
    }

    fn assert_clean(&self, what: &str, text: &str) {
        for secret in &self.secrets {
            assert!(!text.contains(secret.as_str()), "{what} shows a secret:\n{text}");
        }
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut cmd = self.sandbox.command(args);
        cmd.env("MODELREG_API_TOKENS", api_tokens());
        cmd
    }

    fn output(&mut self, args: &[&str]) -> Output {
        let out = self.command(args).output().expect("run modelreg");
        self.ran += 1;
        let (stdout, stderr) = (
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr),
        );
        self.assert_clean(&format!("stdout of {args:?}"), &stdout);
        self.assert_clean(&format!("stderr of {args:?}"), &stderr);
        assert_ne!(out.status.code(), Some(101), "{args:?} panicked: {stderr}");
        out
    }

    /// Runs `args` once, in the given output format.
    fn once(&mut self, args: &[&str], json: bool, expect: Expect) -> Output {
        let all: Vec<&str> = if json {
            args.iter().copied().chain(["-o", "json"]).collect()
        } else {
            args.to_vec()
        };
        let out = self.output(&all);
        let stderr = String::from_utf8_lossy(&out.stderr);
        match expect {
            Expect::Succeeds => assert!(out.status.success(), "{all:?} failed: {stderr}"),
            Expect::Fails => assert!(!out.status.success(), "{all:?} succeeded"),
        }
        out
    }

    /// Runs `args` as a table and as JSON.
    fn both(&mut self, args: &[&str], expect: Expect) {
        self.once(args, false, expect);
        self.once(args, true, expect);
    }

    /// Runs `args` once as JSON, which must succeed, and parses its output.
    fn json(&mut self, args: &[&str]) -> Value {
        let out = self.once(args, true, Expect::Succeeds);
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{args:?}: {e}"))
    }
}

/// `url` with a password: the one it has, or a known one added (trust
/// authentication ignores it). Answers the URL and its password.
fn with_password(url: &str) -> (String, String) {
    let (scheme, rest) = url.split_once("://").expect("a URL");
    let (userinfo, host) = rest.split_once('@').unwrap_or(("postgres", rest));
    match userinfo.split_once(':') {
        Some((_, password)) if !password.is_empty() => (url.to_owned(), password.to_owned()),
        _ => {
            let user = userinfo.split(':').next().unwrap_or("postgres");
            let secret = "SECRETPW-9f3a1c77";
            (format!("{scheme}://{user}:{secret}@{host}"), secret.to_owned())
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn no_secret_is_ever_shown_on_postgres() {
    let Some(db) = TestDatabase::create().await else { return };
    let (url, password) = with_password(db.url());
    tokio::task::spawn_blocking(move || {
        let mut checker = Checker::new(&url, Some(password));
        every_command(&mut checker, true);
    })
    .await
    .unwrap();
}

#[test]
fn no_secret_is_ever_shown_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("registry.db").display());
    let mut checker = Checker::new(&url, None);
    every_command(&mut checker, false);
}

#[test]
fn a_password_is_added_or_found() {
    assert_eq!(
        with_password("postgres://postgres@127.0.0.1:5432/t"),
        (
            "postgres://postgres:SECRETPW-9f3a1c77@127.0.0.1:5432/t".to_owned(),
            "SECRETPW-9f3a1c77".to_owned()
        )
    );
    assert_eq!(with_password("postgres://u:pw@h/t").1, "pw");
}
