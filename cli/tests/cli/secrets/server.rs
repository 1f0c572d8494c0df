//! `modelreg serve` with secrets configured: a token in the query string is
//! refused and never logged, nor any other secret, at two log levels.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::{Checker, TOKEN_SECRETS};

/// Sends one HTTP/1.1 request and answers the whole response.
fn request(addr: &str, target: &str, headers: &str) -> String {
    let mut stream = TcpStream::connect(addr).expect("connect to the server");
    stream.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    write!(
        stream,
        "GET {target} HTTP/1.1\r\nHost: {addr}\r\n{headers}Connection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    let _ = stream.read_to_string(&mut response);
    response
}

/// Waits up to a minute for `child` to exit.
fn wait(child: &mut Child) -> std::process::ExitStatus {
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    panic!("the server did not stop within a minute of SIGTERM");
}

/// `modelreg serve`, asked with the secret in the query string (refused,
/// and never logged) and in the Authorization header, at two log levels.
pub(super) fn serve_with_secrets(c: &mut Checker) {
    for level in ["info", "debug"] {
        let log = c.sandbox.path(&format!("serve-{level}.log"));
        let mut child = c
            .command(&["serve", "--listen", "127.0.0.1:0"])
            .env("MODELREG_LOG", level)
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut first = String::new();
        stdout.read_line(&mut first).unwrap();
        let Some(addr) = first.trim().strip_prefix("listening on http://").map(str::to_owned) else {
            let _ = child.kill();
            panic!(
                "no address: {first}{}",
                std::fs::read_to_string(&log).unwrap_or_default()
            );
        };
        let mut answers = Vec::new();
        for secret in TOKEN_SECRETS {
            answers.push(request(&addr, &format!("/v1/models?token={secret}"), ""));
            answers.push(request(&addr, &format!("/v1/models?limit=1&token={secret}&x=1"), ""));
            answers.push(request(
                &addr,
                "/v1/models",
                &format!("Authorization: Bearer {secret}\r\n"),
            ));
        }
        answers.push(request(
            &addr,
            "/v1/models",
            "Authorization: Bearer not-a-token-at-all-000\r\n",
        ));
        assert!(
            answers[2].starts_with("HTTP/1.1 200"),
            "a good token is served: {}",
            answers[2]
        );
        assert!(
            answers[0].starts_with("HTTP/1.1 401"),
            "a query-string token is refused: {}",
            answers[0]
        );
        for answer in &answers {
            c.assert_clean("a server's answer", answer);
        }
        let pid = child.id().to_string();
        assert!(Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
        let status = wait(&mut child);
        let mut rest = String::new();
        let _ = stdout.read_to_string(&mut rest);
        c.ran += 1;
        let logged = std::fs::read_to_string(&log).unwrap();
        assert!(!logged.is_empty(), "the server logged its requests at {level}");
        c.assert_clean(&format!("the server's stdout at {level}"), &format!("{first}{rest}"));
        c.assert_clean(&format!("the server's log at {level}"), &logged);
        assert!(status.success(), "graceful shutdown: {status}");
    }
}
