//! `modelreg serve`: the registry over HTTP (the `modelreg-server` crate),
//! until Ctrl-C or SIGTERM, which finish the requests under way.

use std::net::SocketAddr;

use clap::Args;
use modelreg_core::{Actor, Error, Registry, Result};
use modelreg_server::{AppOptions, RequestLog, Token};

use crate::config::Loaded;
use crate::connect::{self, Access};
use crate::session::finish;

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on (default from configuration: 127.0.0.1:8080)
    #[arg(long)]
    listen: Option<String>,
    /// Allow a non-loopback address without API tokens
    #[arg(long)]
    insecure_no_auth: bool,
    /// How each request is logged on stderr: off, compact (one key=value
    /// line) or json (one object per line); default from configuration:
    /// compact. Lines are written without holding the request up.
    #[arg(long, value_parser = ["off", "compact", "json"])]
    request_log: Option<String>,
}

pub async fn run(args: ServeArgs, loaded: &Loaded) -> Result<()> {
    let config = &loaded.config;
    let listen = args.listen.unwrap_or_else(|| config.listen.clone());
    let addr: SocketAddr = listen
        .parse()
        .map_err(|_| Error::invalid("listen", format!("{listen:?} is not an address such as 127.0.0.1:8080")))?;
    let tokens = modelreg_server::parse_tokens(&config.api_tokens)?;
    let request_log: RequestLog = args.request_log.as_deref().unwrap_or(&config.request_log).parse()?;
    if tokens.is_empty() && !modelreg_server::is_loopback(&addr) && !args.insecure_no_auth {
        return Err(Error::invalid(
            "api_tokens",
            format!(
                "refusing to serve on {addr} without API tokens: set MODELREG_API_TOKENS, or pass --insecure-no-auth"
            ),
        ));
    }
    let actor = Actor::new(config.actor.clone())?;
    init_logs();
    let access = Access {
        concurrent: true,
        ..loaded.access(true, false)
    };
    let reg = Registry::new(connect::open(config, access).await?, actor);
    let options = AppOptions::default().request_log(request_log);
    let served = serve(reg.clone(), tokens, options, addr).await;
    finish(served, reg.close().await)
}

/// Request logs on stderr; `MODELREG_LOG` sets the level.
fn init_logs() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("MODELREG_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,tower_http=info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(std::io::stderr)
        .try_init();
}

async fn serve(reg: Registry, tokens: Vec<Token>, options: AppOptions, addr: SocketAddr) -> Result<()> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| Error::invalid("listen", format!("cannot listen on {addr}: {e}")))?;
    let bound = listener
        .local_addr()
        .map_err(|e| Error::internal(format!("cannot read the address listened on: {e}")))?;
    // The signals are caught from here on, so that a SIGTERM as soon as
    // either line below is read is a graceful shutdown.
    let shutdown = modelreg_server::shutdown_signal()
        .map_err(|e| Error::internal(format!("cannot listen for Ctrl-C and SIGTERM: {e}")))?;
    tracing::info!(
        "modelreg serving {} on http://{bound} ({} API tokens)",
        reg.location(),
        tokens.len()
    );
    // The first line on stdout says where it listens (useful with port 0).
    crate::output::line(&format!("listening on http://{bound}"))?;
    axum::serve(listener, modelreg_server::app_with(reg, tokens, options))
        .with_graceful_shutdown(shutdown)
        .await
        .map_err(|e| Error::internal(format!("the server failed: {e}")))
}
