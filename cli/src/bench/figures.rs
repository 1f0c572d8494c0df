//! Latencies into figures: throughput and percentiles of one timed phase.

use std::time::{Duration, Instant};

use modelreg_core::Result;
use serde::Serialize;

/// Figures of one timed phase.
#[derive(Debug, Clone, Serialize)]
pub struct PhaseFigures {
    pub ops: u64,
    pub wall_seconds: f64,
    pub ops_per_sec: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
}

/// The figures of `latencies`, measured over `wall`.
pub fn figures(latencies: &mut [Duration], wall: Duration) -> PhaseFigures {
    latencies.sort_unstable();
    let at = |q: f64| -> f64 {
        if latencies.is_empty() {
            return 0.0;
        }
        let i = ((latencies.len() as f64 * q).ceil() as usize).clamp(1, latencies.len()) - 1;
        latencies[i].as_secs_f64() * 1e3
    };
    let secs = wall.as_secs_f64();
    PhaseFigures {
        ops: latencies.len() as u64,
        wall_seconds: secs,
        ops_per_sec: if secs > 0.0 { latencies.len() as f64 / secs } else { 0.0 },
        p50_ms: at(0.50),
        p99_ms: at(0.99),
        max_ms: latencies.last().map_or(0.0, |d| d.as_secs_f64() * 1e3),
    }
}

/// How long a timed phase runs at least, and how many operations it makes
/// at least: whichever ends later ends the phase.
#[derive(Debug, Clone, Copy)]
pub struct Span {
    pub ops: usize,
    pub time: Duration,
}

impl Span {
    /// At least `ops` operations and at least `time`.
    pub fn new(ops: usize, time: Duration) -> Span {
        Span { ops: ops.max(1), time }
    }

    /// Whether a phase that made `ops` operations since `start` is done.
    pub fn done(&self, ops: usize, start: Instant) -> bool {
        ops >= self.ops && start.elapsed() >= self.time
    }
}

/// Runs `op(0)`, `op(1)`, … one after the other until `span` is done; their figures.
pub async fn run_for<T, F>(span: Span, mut op: impl FnMut(usize) -> F) -> Result<PhaseFigures>
where
    F: Future<Output = Result<T>>,
{
    let mut latencies = Vec::with_capacity(span.ops);
    let start = Instant::now();
    while !span.done(latencies.len(), start) {
        let i = latencies.len();
        timed(&mut latencies, op(i)).await?;
    }
    Ok(figures(&mut latencies, start.elapsed()))
}

/// Times `op` once and records its latency.
pub async fn timed<T>(latencies: &mut Vec<Duration>, op: impl Future<Output = Result<T>>) -> Result<T> {
    let start = Instant::now();
    let result = op.await;
    latencies.push(start.elapsed());
    result
}

/// A tiny deterministic generator (xorshift64*), so runs pick the same keys.
pub struct Rng(pub u64);

impl Rng {
    /// A number in `0..n`.
    pub fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) % n.max(1) as u64) as usize
    }
}

/// The most memory this process has held, when the system says (Linux).
pub fn peak_rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}
