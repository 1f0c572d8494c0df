//! `modelreg serve` as a process: the first line it prints, what it refuses
//! to serve, its request log, and a graceful shutdown on SIGTERM. What the
//! HTTP API answers is tested in `server/tests`; the CLI as its client in
//! `remote`.

use std::io::{BufRead, BufReader};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const TOKENS: &str = "ci:admin-token-0123456789,dash:reader-token-0123456789:ro";
/// How long a server may take to start or to stop before the test fails.
const PATIENCE: Duration = Duration::from_secs(60);

/// A `modelreg serve` process on its own SQLite file, killed if a test fails.
pub struct Server {
    child: Child,
    pub addr: String,
    stderr: PathBuf,
    _dir: tempfile::TempDir,
}

/// Why a server did not start: its exit status and what it said on stderr.
#[derive(Debug)]
pub struct Refused {
    status: ExitStatus,
    stderr: String,
}

impl Server {
    /// Starts a server with the API tokens `tokens` (and `extra` flags) on
    /// its own new SQLite file; answers why it did not start, if it did not.
    pub fn start(tokens: &str, extra: &[&str]) -> Result<Server, Refused> {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("api.db").display());
        let listen: &[&str] = if extra.contains(&"--listen") {
            &[]
        } else {
            &["--listen", "127.0.0.1:0"]
        };
        // A named registry file is created by `init` only.
        let init = Command::new(env!("CARGO_BIN_EXE_modelreg"))
            .args(["init", "--database-url", &url])
            .env("XDG_CONFIG_HOME", dir.path())
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert!(init.status.success(), "{}", String::from_utf8_lossy(&init.stderr));
        // Logs go to a file: a pipe nobody reads could fill and stall the server.
        let stderr = dir.path().join("stderr.log");
        let mut child = Command::new(env!("CARGO_BIN_EXE_modelreg"))
            .arg("serve")
            .args(listen)
            .args(extra)
            .env("MODELREG_DATABASE_URL", &url)
            .env("MODELREG_API_TOKENS", tokens)
            .env("XDG_CONFIG_HOME", dir.path())
            .env_remove("MODELREG_LISTEN")
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&stderr).unwrap())
            .stdin(Stdio::null())
            .spawn()
            .unwrap();
        // The first line, read on a thread so that a server that says nothing fails the test in time.
        let stdout = child.stdout.take().unwrap();
        let (sender, first_line) = mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            let mut line = String::new();
            let _ = reader.read_line(&mut line);
            let _ = sender.send(line);
            // Keep reading, so that the server never writes into a closed pipe.
            let _ = std::io::copy(&mut reader, &mut std::io::sink());
        });
        let line = match first_line.recv_timeout(PATIENCE) {
            Ok(line) => line,
            Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                panic!("no first line within {PATIENCE:?}: {}", read(&stderr));
            }
        };
        match line.trim().strip_prefix("listening on http://") {
            Some(addr) => Ok(Server {
                addr: addr.to_owned(),
                child,
                stderr,
                _dir: dir,
            }),
            None => {
                let status = wait(&mut child).expect("a server that prints no address exits");
                Err(Refused {
                    status,
                    stderr: read(&stderr),
                })
            }
        }
    }

    /// Sends SIGTERM and answers how the process ended.
    fn terminate(self) -> ExitStatus {
        self.stop().0
    }

    /// Sends SIGTERM; answers how the process ended and what it wrote on
    /// stderr (read before its directory goes).
    fn stop(mut self) -> (ExitStatus, String) {
        let pid = self.child.id().to_string();
        assert!(Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
        let status = wait(&mut self.child)
            .unwrap_or_else(|| panic!("no exit within {PATIENCE:?} of SIGTERM: {}", read(&self.stderr)));
        (status, read(&self.stderr))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Waits up to [`PATIENCE`] for `child` to exit.
fn wait(child: &mut Child) -> Option<ExitStatus> {
    let deadline = Instant::now() + PATIENCE;
    while Instant::now() < deadline {
        if let Some(status) = child.try_wait().unwrap() {
            return Some(status);
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    None
}

fn read(path: &PathBuf) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}

#[test]
fn the_first_line_says_where_it_listens_and_sigterm_right_after_it_is_a_graceful_shutdown() {
    // Several times, since the signal races the start-up.
    for _ in 0..3 {
        let server = Server::start(TOKENS, &[]).expect("the server starts");
        let port = server
            .addr
            .strip_prefix("127.0.0.1:")
            .and_then(|port| port.parse::<u16>().ok())
            .unwrap_or_else(|| panic!("an address on the loopback: {}", server.addr));
        assert_ne!(port, 0, "the port actually bound, not the one asked for");
        let status = server.terminate();
        assert!(status.success(), "graceful shutdown exits 0, got {status}");
    }
}

#[test]
fn a_server_that_answered_connections_stops_gracefully_on_sigterm() {
    let server = Server::start(TOKENS, &[]).expect("the server starts");
    TcpStream::connect(&server.addr).expect("it accepts connections where it said");
    let (status, stderr) = server.stop();
    assert!(status.success(), "graceful shutdown exits 0, got {status}: {stderr}");
}

#[test]
fn no_tokens_serves_loopback_only_unless_told_otherwise() {
    let refused = Server::start("", &["--listen", "0.0.0.0:0"]).err().expect("refused");
    assert_eq!(refused.status.code(), Some(2), "{}", refused.stderr);
    assert!(refused.stderr.contains("without API tokens"), "{}", refused.stderr);

    let open = Server::start("", &["--listen", "0.0.0.0:0", "--insecure-no-auth"]).expect("allowed when asked");
    let status = open.terminate();
    assert!(status.success(), "graceful shutdown exits 0, got {status}");

    let local = Server::start("", &[]).expect("loopback needs no token");
    let status = local.terminate();
    assert!(status.success(), "graceful shutdown exits 0, got {status}");
}

#[test]
fn weak_or_malformed_tokens_are_refused_at_start() {
    let refused = Server::start("ci:short", &[]).err().expect("weak tokens are refused");
    assert_eq!(refused.status.code(), Some(2), "{}", refused.stderr);
    assert!(refused.stderr.contains("16 characters"), "{}", refused.stderr);
    let refused = Server::start("no-secret", &[]).err().expect("a token needs a secret");
    assert_eq!(refused.status.code(), Some(2), "{}", refused.stderr);
    let refused = Server::start(TOKENS, &["--listen", "nowhere"])
        .err()
        .expect("an address is needed");
    assert_eq!(refused.status.code(), Some(2), "{}", refused.stderr);
    assert!(refused.stderr.contains("listen"), "{}", refused.stderr);
}

/// One `GET path` on a connection of its own; answers the status line.
fn get(addr: &str, path: &str) -> String {
    use std::io::{Read, Write};
    let mut stream = TcpStream::connect(addr).unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    answer.lines().next().unwrap_or_default().to_owned()
}

#[test]
fn the_request_log_is_compact_by_default_json_or_off_as_asked() {
    for (format, expect) in [
        (None, Some("method=GET path=/healthz status=200")),
        (Some("json"), Some("\"path\":\"/healthz\"")),
        (Some("off"), None),
    ] {
        let extra: Vec<&str> = format.map(|f| vec!["--request-log", f]).unwrap_or_default();
        let server = Server::start(TOKENS, &extra).expect("the server starts");
        assert!(get(&server.addr, "/healthz?token=secret-in-a-query").contains("200"));
        let (status, log) = server.stop();
        assert!(status.success(), "{log}");
        match expect {
            Some(line) => assert!(log.contains(line), "{format:?}: {log}"),
            None => assert!(!log.contains("/healthz"), "off logs no request: {log}"),
        }
        assert!(!log.contains("secret-in-a-query"), "no query string is logged: {log}");
    }
}

#[test]
fn an_unknown_request_log_format_is_refused_naming_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_modelreg"))
        .args(["serve", "--listen", "127.0.0.1:0"])
        .env("MODELREG_DATABASE_URL", "sqlite::memory:")
        .env("MODELREG_REQUEST_LOG", "verbose")
        .env("XDG_CONFIG_HOME", dir.path())
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("request_log") && stderr.contains("verbose"), "{stderr}");
}
