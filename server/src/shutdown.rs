//! Stopping gracefully on SIGINT (Ctrl-C) or SIGTERM.

use std::future::Future;

/// Registers SIGINT and SIGTERM handlers now, before returning, so that a
/// signal arriving right after the server reports ready is a graceful
/// shutdown, never a kill. The future resolves when either signal arrives.
/// Call it inside a tokio runtime (an error otherwise).
pub fn shutdown_signal() -> std::io::Result<impl Future<Output = ()> + Send + 'static> {
    if tokio::runtime::Handle::try_current().is_err() {
        return Err(std::io::Error::other(
            "shutdown_signal must be called inside a tokio runtime",
        ));
    }
    let signals = register()?;
    Ok(async move {
        signals.await;
        tracing::info!("shutting down: finishing the requests under way");
    })
}

#[cfg(unix)]
fn register() -> std::io::Result<impl Future<Output = ()> + Send + 'static> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut interrupt = signal(SignalKind::interrupt())?;
    let mut terminate = signal(SignalKind::terminate())?;
    Ok(async move {
        tokio::select! {
            _ = interrupt.recv() => {},
            _ = terminate.recv() => {},
        }
    })
}

#[cfg(windows)]
fn register() -> std::io::Result<impl Future<Output = ()> + Send + 'static> {
    let mut ctrl_c = tokio::signal::windows::ctrl_c()?;
    let mut close = tokio::signal::windows::ctrl_close()?;
    Ok(async move {
        tokio::select! {
            _ = ctrl_c.recv() => {},
            _ = close.recv() => {},
        }
    })
}
