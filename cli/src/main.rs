//! `modelreg`: the registry from a shell. Exit codes: 0 success, 2 invalid
//! input or usage, 3 not found, 4 conflict, 1 anything else.

mod api;
mod args;
mod bench;
mod commands;
mod config;
mod connect;
mod output;
mod serve;
mod transfer;

use std::process::ExitCode;
use std::sync::Arc;

use clap::{CommandFactory, Parser};
use modelreg_core::migrations;
use modelreg_core::{Actor, Error, Registry, Result, Store};
use serde_json::json;

use crate::args::{Cli, Command, DbCmd, OutputFormat};
use crate::commands::Ctx;
use crate::config::{KEYS, Loaded};
use crate::output::Out;

fn exit_code(error: &Error) -> u8 {
    match error {
        Error::Invalid { .. } => 2,
        Error::NotFound { .. } => 3,
        Error::Conflict { .. } => 4,
        Error::SchemaTooNew { .. } | Error::Backend(_) => 1,
        Error::AtLine { error, .. } => exit_code(error),
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("modelreg: {error}");
            ExitCode::from(exit_code(&error))
        }
    }
}

async fn run(cli: Cli) -> Result<()> {
    if let Command::Completions { shell } = cli.command {
        clap_complete::generate(shell, &mut Cli::command(), "modelreg", &mut std::io::stdout());
        return Ok(());
    }
    if let Command::Bench(args) = &cli.command {
        // Only an explicit --database-url: never the configured registry.
        let format = cli.global.output.unwrap_or(OutputFormat::Table);
        return bench::run(args, cli.global.database_url.as_deref(), Out { format }).await;
    }
    let loaded = config::load(&cli.global)?;
    let out = Out {
        format: loaded.config.output,
    };
    match cli.command {
        Command::Info => return info(&loaded, out).await,
        Command::Db(cmd) => return db(cmd, &loaded, out).await,
        Command::Init => return db(DbCmd::Upgrade { to: None }, &loaded, out).await,
        Command::TestConnection => return test_connection(&loaded, out).await,
        Command::Copy { from, to, merge } => return transfer::copy(&loaded.config, &from, &to, merge, out).await,
        Command::Serve {
            listen,
            insecure_no_auth,
        } => return serve_command(&loaded, listen, insecure_no_auth).await,
        _ => {}
    }
    let actor = Actor::new(loaded.config.actor.clone())?;
    let store = connect::open(&loaded.config, true).await?;
    let ctx = Ctx {
        reg: Registry::new(store),
        actor,
        out,
    };
    match cli.command {
        Command::Export { out: path } => transfer::export(ctx.reg.store_arc(), path.as_deref(), out).await,
        Command::Import { file, merge } => transfer::import(ctx.reg.store_arc(), &file, merge, out).await,
        Command::Team(cmd) => ctx.team_cmd(cmd).await,
        Command::Model(cmd) => ctx.model_cmd(cmd).await,
        Command::Version(cmd) => ctx.version_cmd(cmd).await,
        Command::Run(cmd) => ctx.run_cmd(cmd).await,
        Command::Metric(cmd) => ctx.metric_cmd(cmd).await,
        Command::Env(cmd) => ctx.env_cmd(cmd).await,
        Command::Deploy(cmd) => ctx.deploy_cmd(cmd).await,
        Command::Audit(cmd) => ctx.audit_cmd(cmd).await,
        Command::Report(cmd) => ctx.report_cmd(cmd).await,
        Command::Stats => ctx.out.record(&ctx.reg.stats().await?),
        Command::Seed => {
            modelreg_core::sample::seed(&ctx.reg, &ctx.actor).await?;
            let stats = ctx.reg.stats().await?;
            match out.format {
                OutputFormat::Json => out.record(&stats),
                OutputFormat::Table => {
                    println!("seeded a sample registry:");
                    out.record(&stats)
                }
            }
        }
        Command::BenchWriter { model, seconds } => {
            let report = bench::write_for(&ctx.reg, &model, seconds, &ctx.actor).await?;
            println!("{}", serde_json::to_string(&report).map_err(Error::backend)?);
            Ok(())
        }
        Command::Info
        | Command::Db(_)
        | Command::Init
        | Command::TestConnection
        | Command::Completions { .. }
        | Command::Copy { .. }
        | Command::Serve { .. }
        | Command::Bench(_) => {
            unreachable!("handled above")
        }
    }
}

/// The effective configuration with sources, the backend and the schema.
async fn info(loaded: &Loaded, out: Out) -> Result<()> {
    let config = serde_json::to_value(&loaded.config).map_err(Error::backend)?;
    let mut settings = serde_json::Map::new();
    for key in KEYS {
        let mut value = config[key].clone();
        if *key == "database_url" {
            value = json!(modelreg_core::error::redact_passwords(
                value.as_str().unwrap_or_default()
            ));
        }
        settings.insert(
            key.to_string(),
            json!({"value": value, "source": loaded.source_of(key)}),
        );
    }
    let store = connect::open(&loaded.config, false).await;
    let database = match &store {
        Ok(store) => {
            let current = store.schema_version().await?;
            let latest = migrations::latest(store.known_migrations());
            json!({
                "backend": store.backend(),
                "location": store.location(),
                "schema_version": current,
                "latest_schema_version": latest,
                "pending_migrations": migrations::to_apply(current, latest, store.known_migrations()).len(),
            })
        }
        Err(e) => json!({"error": e.to_string()}),
    };
    match out.format {
        OutputFormat::Json => out
            .record(&json!({"modelreg_version": env!("CARGO_PKG_VERSION"), "config": settings, "database": database})),
        OutputFormat::Table => {
            println!("modelreg {}", env!("CARGO_PKG_VERSION"));
            let rows: Vec<_> = settings
                .iter()
                .map(|(key, v)| json!({"key": key, "value": v["value"], "source": v["source"]}))
                .collect();
            out.list(&rows, &["key", "value", "source"])?;
            out.record(&database)
        }
    }?;
    store.map(drop)
}

/// Runs the HTTP API until Ctrl-C or SIGTERM.
async fn serve_command(loaded: &Loaded, listen: Option<String>, insecure_no_auth: bool) -> Result<()> {
    let config = &loaded.config;
    let listen = listen.unwrap_or_else(|| config.listen.clone());
    let addr: std::net::SocketAddr = listen
        .parse()
        .map_err(|_| Error::invalid("listen", format!("{listen:?} is not an address such as 127.0.0.1:8080")))?;
    let tokens = serve::parse_tokens(&config.api_tokens)?;
    if tokens.is_empty() && !serve::is_loopback(&addr) && !insecure_no_auth {
        return Err(Error::invalid(
            "api_tokens",
            format!(
                "refusing to serve on {addr} without API tokens: set MODELREG_API_TOKENS, or pass --insecure-no-auth"
            ),
        ));
    }
    let filter = tracing_subscriber::EnvFilter::try_from_env("MODELREG_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,tower_http=info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(std::io::stderr)
        .try_init();
    let store = connect::open(config, true).await?;
    let location = store.location();
    let state = serve::AppState {
        reg: Registry::new(store),
        tokens: Arc::new(tokens),
        default_actor: Actor::new(config.actor.clone())?,
    };
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| Error::invalid("listen", format!("cannot listen on {addr}: {e}")))?;
    let bound = listener.local_addr().map_err(|e| Error::backend(e.to_string()))?;
    tracing::info!(
        "modelreg serving {location} on http://{bound} ({} API tokens)",
        state.tokens.len()
    );
    // The first line on stdout says where it listens (useful with port 0).
    println!("listening on http://{bound}");
    axum::serve(listener, serve::app(state))
        .with_graceful_shutdown(serve::shutdown_signal())
        .await
        .map_err(|e| Error::backend(format!("the server failed: {e}")))
}

async fn open_unmigrated(loaded: &Loaded) -> Result<Arc<dyn Store>> {
    connect::open(&loaded.config, false).await
}

async fn test_connection(loaded: &Loaded, out: Out) -> Result<()> {
    let store = open_unmigrated(loaded).await?;
    let current = store.schema_version().await?;
    let latest = migrations::latest(store.known_migrations());
    let sentence = if current == latest {
        format!(
            "connected to {} ({}); schema is current (version {current})",
            store.location(),
            store.backend()
        )
    } else {
        format!(
            "connected to {} ({}); schema is at version {current} of {latest}: run `modelreg init`",
            store.location(),
            store.backend()
        )
    };
    out.done(
        &sentence,
        json!({"connected": true, "backend": store.backend(), "location": store.location(), "schema_version": current, "latest_schema_version": latest}),
    )
}

async fn db(cmd: DbCmd, loaded: &Loaded, out: Out) -> Result<()> {
    let store = open_unmigrated(loaded).await?;
    let known = store.known_migrations();
    let latest = migrations::latest(known);
    match cmd {
        DbCmd::Status => {
            let current = store.schema_version().await?;
            let pending: Vec<_> = migrations::to_apply(current, latest, known)
                .into_iter()
                .map(|m| json!({"version": m.version, "name": m.name}))
                .collect();
            let status = json!({
                "backend": store.backend(),
                "location": store.location(),
                "schema_version": current,
                "latest_schema_version": latest,
                "pending": pending,
            });
            out.record(&status)
        }
        DbCmd::Upgrade { to } => {
            store.upgrade(to).await?;
            let now = store.schema_version().await?;
            out.done(&format!("schema is at version {now}"), json!({"schema_version": now}))
        }
        DbCmd::Downgrade { to, yes } => {
            let current = store.schema_version().await?;
            commands::confirm(
                &format!(
                    "Revert the schema of {} from version {current} to {to}? Data in dropped tables is lost",
                    store.location()
                ),
                yes,
            )?;
            store.downgrade(to).await?;
            out.done(&format!("schema is at version {to}"), json!({"schema_version": to}))
        }
        DbCmd::History => out.list(&store.applied_migrations().await?, &["version", "name", "applied_at"]),
        DbCmd::Reset { yes } => {
            commands::confirm(
                &format!("Delete every entity in {} and start empty?", store.location()),
                yes,
            )?;
            store.downgrade(0).await?;
            store.upgrade(None).await?;
            out.done(
                "the registry is empty",
                json!({"reset": true, "schema_version": latest}),
            )
        }
        DbCmd::Drop { yes } => {
            commands::confirm(&format!("Drop every modelreg table in {}?", store.location()), yes)?;
            store.downgrade(0).await?;
            out.done("dropped every modelreg table", json!({"dropped": true}))
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_command_line_is_consistent() {
        use clap::CommandFactory;
        crate::args::Cli::command().debug_assert();
    }
}
