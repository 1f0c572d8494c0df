//! The request log: one line per answered request (method, path, status,
//! duration), compact or as JSON, written through a non-blocking writer so
//! that a slow log pipeline never holds a request up (when the writer falls
//! behind, lines are dropped rather than waited for). Query strings are never
//! written: they may carry credentials (`?token=…`); nor is any header.

use std::fmt;
use std::io::{self, Write};
use std::str::FromStr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::{Request, State};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use chrono::{SecondsFormat, Utc};
use modelreg_core::Error;
use serde::Serialize;
use tracing_appender::non_blocking::{NonBlocking, NonBlockingBuilder, WorkerGuard};

/// How each request is logged.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum RequestLog {
    /// No request log at all.
    Off,
    /// One `key=value` line per request (the default):
    /// `ts=2025-01-31T12:00:00.000001Z method=GET path=/v1/teams status=200 duration_ms=0.412`.
    #[default]
    Compact,
    /// One JSON object per line, with the same fields:
    /// `{"ts":"…","method":"GET","path":"/v1/teams","status":200,"duration_ms":0.412}`.
    Json,
}

impl RequestLog {
    /// Every value, as `FromStr` reads it.
    pub const NAMES: &'static [&'static str] = &["off", "compact", "json"];
}

impl FromStr for RequestLog {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        match s {
            "off" => Ok(RequestLog::Off),
            "compact" => Ok(RequestLog::Compact),
            "json" => Ok(RequestLog::Json),
            other => Err(Error::invalid(
                "request_log",
                format!("{other:?} is not one of {}", RequestLog::NAMES.join(", ")),
            )),
        }
    }
}

impl fmt::Display for RequestLog {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            RequestLog::Off => "off",
            RequestLog::Compact => "compact",
            RequestLog::Json => "json",
        })
    }
}

/// Writes request lines on a worker thread. Clones share the worker; the
/// last one dropped flushes what is queued (waiting at most a second).
#[derive(Clone)]
pub(crate) struct RequestLogger {
    json: bool,
    writer: NonBlocking,
    _worker: Arc<WorkerGuard>,
}

impl RequestLogger {
    /// A logger in `format` writing to `to`; `None` when the log is off.
    pub(crate) fn new(format: RequestLog, to: Box<dyn Write + Send>) -> Option<RequestLogger> {
        let json = match format {
            RequestLog::Off => return None,
            RequestLog::Compact => false,
            RequestLog::Json => true,
        };
        let (writer, guard) = NonBlockingBuilder::default()
            .lossy(true)
            .thread_name("modelreg-request-log")
            .finish(to);
        Some(RequestLogger {
            json,
            writer,
            _worker: Arc::new(guard),
        })
    }

    fn line(&self, method: &Method, path: &str, status: StatusCode, took: Duration) -> String {
        let entry = Entry {
            ts: Utc::now().to_rfc3339_opts(SecondsFormat::Micros, true),
            method: method.as_str(),
            path,
            status: status.as_u16(),
            duration_ms: (took.as_secs_f64() * 1e6).round() / 1e3,
        };
        if self.json {
            // Serializing strings and numbers cannot fail; an empty line would only mean a lost entry.
            let mut line = serde_json::to_string(&entry).unwrap_or_default();
            line.push('\n');
            line
        } else {
            format!(
                "ts={} method={} path={} status={} duration_ms={:.3}\n",
                entry.ts, entry.method, entry.path, entry.status, entry.duration_ms
            )
        }
    }

    fn write(&self, line: &str) -> io::Result<()> {
        // One write per line: the worker receives whole lines, never halves.
        self.writer.clone().write_all(line.as_bytes())
    }
}

/// One request as the JSON log writes it.
#[derive(Serialize)]
struct Entry<'a> {
    ts: String,
    method: &'a str,
    path: &'a str,
    status: u16,
    duration_ms: f64,
}

/// The middleware: answers the request, then queues its line.
pub(crate) async fn log_request(State(logger): State<RequestLogger>, req: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = req.method().clone();
    // The path alone: the query string may hold a credential.
    let path = req.uri().path().to_owned();
    let response = next.run(req).await;
    let line = logger.line(&method, &path, response.status(), started.elapsed());
    // A request log that cannot be written must not fail the request.
    let _ = logger.write(&line);
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_formats_parse_from_their_names_and_show_as_them() {
        for name in RequestLog::NAMES {
            assert_eq!(name.parse::<RequestLog>().unwrap().to_string(), *name);
        }
        let refused = "verbose".parse::<RequestLog>().unwrap_err().to_string();
        assert!(refused.contains("off, compact, json"), "{refused}");
        assert_eq!(RequestLog::default(), RequestLog::Compact);
    }

    #[test]
    fn a_line_is_compact_or_json_and_one_line_either_way() {
        let took = Duration::from_micros(1234);
        let compact = RequestLogger::new(RequestLog::Compact, Box::new(io::sink())).unwrap();
        let line = compact.line(&Method::GET, "/v1/teams", StatusCode::OK, took);
        assert!(line.starts_with("ts="), "{line}");
        assert!(
            line.ends_with(" method=GET path=/v1/teams status=200 duration_ms=1.234\n"),
            "{line}"
        );
        let json = RequestLogger::new(RequestLog::Json, Box::new(io::sink())).unwrap();
        let line = json.line(&Method::POST, "/v1/models", StatusCode::CREATED, took);
        assert_eq!(line.matches('\n').count(), 1);
        let entry: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(entry["method"], "POST");
        assert_eq!(entry["path"], "/v1/models");
        assert_eq!(entry["status"], 201);
        assert_eq!(entry["duration_ms"], 1.234);
        assert!(RequestLogger::new(RequestLog::Off, Box::new(io::sink())).is_none());
    }
}
