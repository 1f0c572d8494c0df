//! Timestamps: UTC with microsecond precision, identical on every backend.

use std::sync::atomic::{AtomicI64, Ordering};

use chrono::{DateTime, Utc};

use crate::error::{Error, Result};

/// A UTC instant with microsecond precision.
pub type Timestamp = DateTime<Utc>;

static LAST_MICROS: AtomicI64 = AtomicI64::new(0);

/// The current time, truncated to microseconds and strictly increasing within
/// this process, so that "newest first" never depends on a clock tie.
pub fn now() -> Timestamp {
    let wall = Utc::now().timestamp_micros();
    let mut last = LAST_MICROS.load(Ordering::Relaxed);
    loop {
        let next = wall.max(last + 1);
        match LAST_MICROS.compare_exchange_weak(last, next, Ordering::Relaxed, Ordering::Relaxed) {
            Ok(_) => return from_micros(next).unwrap_or_else(|_| Utc::now()),
            Err(seen) => last = seen,
        }
    }
}

/// Microseconds since the Unix epoch.
pub fn to_micros(t: &Timestamp) -> i64 {
    t.timestamp_micros()
}

/// The instant `micros` microseconds after the Unix epoch.
pub fn from_micros(micros: i64) -> Result<Timestamp> {
    DateTime::from_timestamp_micros(micros)
        .ok_or_else(|| Error::internal(format!("timestamp {micros} is out of range")))
}

/// Drops any precision finer than a microsecond.
pub fn truncate(t: Timestamp) -> Timestamp {
    from_micros(t.timestamp_micros()).unwrap_or(t)
}

/// An RFC 3339 instant (`2026-05-01T12:00:00Z`, any offset) in UTC, to the
/// microsecond as stored.
pub fn parse_rfc3339(text: &str) -> Result<Timestamp, chrono::ParseError> {
    chrono::DateTime::parse_from_rfc3339(text).map(|t| truncate(t.with_timezone(&chrono::Utc)))
}
