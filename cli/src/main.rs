//! `modelreg`: the registry from a shell. Exit codes: 0 success, 2 invalid
//! input or usage, 3 not found, 4 conflict, 1 anything else.
//!
//! This file parses the command line and dispatches each command to the
//! module of its noun (`commands/`, `bench/`), which holds its arguments
//! and the code that runs it.

mod args;
mod bench;
mod commands;
mod config;
mod confirm;
mod connect;
mod output;
mod sample;
mod session;

use std::fmt;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use modelreg_core::{Error, TransferError};

use crate::commands::{
    audit, completions, db, deploy, env, info, metric, model, report, run, serve, stats, team, transfer, version,
};
use crate::config::GlobalArgs;
use crate::session::with_registry;

/// modelreg: an ML model registry. With no configuration it keeps the whole
/// registry in one SQLite file in your data directory; point it at
/// PostgreSQL with --database-url, MODELREG_DATABASE_URL or a config file.
///
/// Models, teams and environments are named; versions are MODEL@SEMVER
/// (or MODEL SEMVER), MODEL@latest, MODEL@production or an id; runs and
/// deployments are addressed by id.
#[derive(Debug, Parser)]
#[command(name = "modelreg", version, max_term_width = 100)]
pub struct Cli {
    #[command(flatten)]
    global: GlobalArgs,
    #[command(subcommand)]
    command: Command,
}

/// Nouns, then verbs (like `gh` or `kubectl`).
#[derive(Debug, Subcommand)]
enum Command {
    /// Teams that own models
    #[command(subcommand)]
    Team(team::TeamCmd),
    /// Models, their tags and summaries
    #[command(subcommand)]
    Model(model::ModelCmd),
    /// Versions of a model (MODEL@SEMVER)
    #[command(subcommand)]
    Version(version::VersionCmd),
    /// Training runs and their cost
    #[command(subcommand)]
    Run(run::RunCmd),
    /// Metrics measured on a version
    #[command(subcommand)]
    Metric(metric::MetricCmd),
    /// Environments that versions are deployed into
    #[command(subcommand)]
    Env(env::EnvCmd),
    /// Deployments of versions into environments
    #[command(subcommand)]
    Deploy(deploy::DeployCmd),
    /// The audit trail of every change
    #[command(subcommand)]
    Audit(audit::AuditCmd),
    /// Reports across the registry
    #[command(subcommand)]
    Report(report::ReportCmd),
    /// Count every kind of entity in the registry
    Stats,
    /// Fill an empty registry with a realistic sample (teams, models, versions, runs, deployments)
    Seed,
    /// Show the effective configuration (and where each value came from), the backend and the schema
    Info,
    /// Check that the database can be reached and is migrated
    TestConnection,
    /// Create or migrate the registry schema (same as `db upgrade`)
    Init,
    /// Schema migrations and maintenance
    #[command(subcommand)]
    Db(db::DbCmd),
    /// Write the whole registry (ids, timestamps, audit trail) as JSON Lines
    Export(transfer::ExportArgs),
    /// Load an export into the registry, all or nothing
    Import(transfer::ImportArgs),
    /// Copy every record from one database to another (sqlite:// or postgres://), all or nothing
    Copy(transfer::CopyArgs),
    /// Serve the registry over HTTP (JSON under /v1, OpenAPI at /openapi.json)
    Serve(serve::ServeArgs),
    /// Measure the registry on a scratch database (a temporary SQLite file, or a scratch schema with --database-url postgres://…)
    Bench(bench::BenchArgs),
    /// One writer process of `bench` (internal)
    #[command(hide = true)]
    BenchWriter(bench::WriterArgs),
    /// Print a shell completion script
    Completions(completions::CompletionsArgs),
}

/// Why a command failed: an error of the registry, or one at a line of an import or copy.
#[derive(Debug)]
enum Failure {
    Registry(Error),
    Transfer(TransferError),
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        Failure::Registry(error)
    }
}

impl From<TransferError> for Failure {
    fn from(error: TransferError) -> Self {
        Failure::Transfer(error)
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Registry(error) => error.fmt(f),
            Failure::Transfer(error) => error.fmt(f),
        }
    }
}

impl Failure {
    fn exit_code(&self) -> u8 {
        let error = match self {
            Failure::Registry(error) => error,
            Failure::Transfer(TransferError { error, .. }) => error,
        };
        match error {
            Error::Invalid { .. } => 2,
            Error::NotFound { .. } => 3,
            Error::Conflict { .. } | Error::Mismatch { .. } => 4,
            Error::SchemaTooNew { .. } | Error::Unavailable { .. } | Error::Storage { .. } | Error::Internal { .. } => {
                1
            }
        }
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("modelreg: {failure}");
            ExitCode::from(failure.exit_code())
        }
    }
}

/// Runs one command. Registry commands get the configured registry, opened
/// (and migrated) before and closed after; schema commands get the store;
/// `bench` only ever an explicit --database-url; `completions` nothing.
async fn run(cli: Cli) -> Result<(), Failure> {
    let global = &cli.global;
    match cli.command {
        Command::Team(cmd) => with_registry(&config::load(global)?, async |ctx| team::run(cmd, ctx).await).await?,
        Command::Model(cmd) => with_registry(&config::load(global)?, async |ctx| model::run(cmd, ctx).await).await?,
        Command::Version(cmd) => {
            with_registry(&config::load(global)?, async |ctx| version::run(cmd, ctx).await).await?
        }
        Command::Run(cmd) => with_registry(&config::load(global)?, async |ctx| run::run(cmd, ctx).await).await?,
        Command::Metric(cmd) => with_registry(&config::load(global)?, async |ctx| metric::run(cmd, ctx).await).await?,
        Command::Env(cmd) => with_registry(&config::load(global)?, async |ctx| env::run(cmd, ctx).await).await?,
        Command::Deploy(cmd) => with_registry(&config::load(global)?, async |ctx| deploy::run(cmd, ctx).await).await?,
        Command::Audit(cmd) => with_registry(&config::load(global)?, async |ctx| audit::run(cmd, ctx).await).await?,
        Command::Report(cmd) => with_registry(&config::load(global)?, async |ctx| report::run(cmd, ctx).await).await?,
        Command::Stats => with_registry(&config::load(global)?, stats::stats).await?,
        Command::Seed => with_registry(&config::load(global)?, stats::seed).await?,
        Command::Export(args) => {
            with_registry(&config::load(global)?, async |ctx| transfer::export(args, ctx).await).await?
        }
        Command::Import(args) => {
            with_registry(&config::load(global)?, async |ctx| transfer::import(args, ctx).await).await?
        }
        Command::BenchWriter(args) => {
            with_registry(&config::load(global)?, async |ctx| bench::writer(args, ctx).await).await?
        }
        Command::Info => info::run(&config::load(global)?).await?,
        Command::TestConnection => db::test_connection(&config::load(global)?).await?,
        Command::Init => db::init(&config::load(global)?).await?,
        Command::Db(cmd) => db::run(cmd, &config::load(global)?).await?,
        Command::Copy(args) => transfer::copy(args, &config::load(global)?).await?,
        Command::Serve(args) => serve::run(args, &config::load(global)?).await?,
        Command::Bench(args) => bench::run(&args, global).await?,
        Command::Completions(args) => completions::run(args),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_command_line_is_consistent() {
        use clap::CommandFactory;
        crate::Cli::command().debug_assert();
    }
}
