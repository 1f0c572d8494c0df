//! The API served on a free loopback port inside the calling process: for
//! `modelreg bench --http` and for tests that reach a server as any remote
//! caller would.

use modelreg_core::{Error, Registry, Result};

use crate::{AppOptions, Token, app_with};

/// A server of this process, stopped (gracefully) when dropped.
pub struct Served {
    /// Its base URL, `http://127.0.0.1:PORT`.
    pub url: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Served {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        self.task.abort();
    }
}

/// Serves `reg` with `tokens` and `options` on a free loopback port.
pub async fn serve_loopback(reg: Registry, tokens: Vec<Token>, options: AppOptions) -> Result<Served> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|e| Error::unavailable("cannot listen on the loopback").with_source(e))?;
    let addr = listener
        .local_addr()
        .map_err(|e| Error::internal(format!("cannot read the address listened on: {e}")))?;
    let app = app_with(reg, tokens, options);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app)
            .with_graceful_shutdown(async move {
                let _ = stopped.await;
            })
            .await;
    });
    Ok(Served {
        url: format!("http://{addr}"),
        stop: Some(stop),
        task,
    })
}
