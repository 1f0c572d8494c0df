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
mod failure;
mod output;
mod sample;
mod session;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::commands::{
    audit, completions, db, deploy, env, info, metric, model, report, run, serve, stats, tag, team, transfer, version,
};
use crate::config::GlobalArgs;
use crate::failure::Failure;
use crate::output::OutputFormat;
use crate::session::{Creates, with_local_registry, with_registry};

/// modelreg: an ML model registry. With no configuration it keeps the whole
/// registry in one SQLite file in your data directory; point it at
/// PostgreSQL with --database-url, MODELREG_DATABASE_URL or a config file.
///
/// Models, teams, tags and environments are named; versions are
/// MODEL@SEMVER (or MODEL SEMVER), MODEL@ALIAS, MODEL@latest,
/// MODEL@production or an id; runs and deployments are addressed by id.
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
    /// Versions of a model (MODEL@SEMVER, MODEL@ALIAS, or an id), their aliases and history
    #[command(subcommand)]
    Version(version::VersionCmd),
    /// Tags: descriptions, and deleting one from every model
    #[command(subcommand)]
    Tag(tag::TagCmd),
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

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(usage) => return usage_error(&usage),
    };
    let global = GlobalArgs::clone(&cli.global);
    match run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            failure.report(error_format(&global));
            ExitCode::from(failure.exit_code())
        }
    }
}

/// How a failure is told: as `--output` (or the configuration) says.
fn error_format(global: &GlobalArgs) -> OutputFormat {
    global
        .output
        .or_else(|| config::load(global).ok().map(|loaded| loaded.config.output))
        .or_else(output_from_environment)
        .unwrap_or(OutputFormat::Table)
}

fn output_from_environment() -> Option<OutputFormat> {
    let value = std::env::var("MODELREG_OUTPUT").ok()?;
    <OutputFormat as clap::ValueEnum>::from_str(value.trim(), true).ok()
}

/// Whether the command line asks for JSON, read from the raw arguments
/// (for a command line that did not parse).
fn json_asked(args: &[String]) -> bool {
    args.windows(2)
        .any(|pair| matches!(pair[0].as_str(), "-o" | "--output") && pair[1] == "json")
        || args
            .iter()
            .any(|arg| matches!(arg.as_str(), "--output=json" | "-ojson" | "-o=json"))
}

/// A command line that did not parse: help and version as clap prints them;
/// a bad value as one line, other usage errors as clap does; with `--output
/// json` any of them as one JSON object (exit 2).
fn usage_error(usage: &clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    let args: Vec<String> = std::env::args().collect();
    let json = json_asked(&args) || output_from_environment() == Some(OutputFormat::Json);
    match usage.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = usage.print();
            ExitCode::from(u8::try_from(usage.exit_code()).unwrap_or(2))
        }
        _ if json => {
            output::note(&failure::usage_json(usage).to_string());
            ExitCode::from(2)
        }
        // A bad value is one line, as every other error; a malformed command
        // line keeps clap's usage and tips.
        ErrorKind::InvalidValue | ErrorKind::ValueValidation => {
            output::note(&format!("modelreg: {}", failure::usage_message(usage)));
            ExitCode::from(2)
        }
        _ => {
            let _ = usage.print();
            ExitCode::from(2)
        }
    }
}

/// Runs one command. Registry commands get the configured registry, opened
/// (and migrated) before and closed after, as the `RegistryApi` trait (so
/// that it may live elsewhere); `import` the local registry; schema commands get the store;
/// `bench` only ever an explicit --database-url; `completions` nothing. Only
/// `init`, `seed`, `import` and `copy --to` create a registry that was named
/// but does not exist (the default registry is created by any command).
async fn run(cli: Cli) -> Result<(), Failure> {
    use Creates::{No, Yes};
    let global = &cli.global;
    let load = || config::load(global);
    match cli.command {
        Command::Team(cmd) => with_registry(&load()?, No, async |ctx| team::run(cmd, ctx).await).await?,
        Command::Model(cmd) => with_registry(&load()?, No, async |ctx| model::run(cmd, ctx).await).await?,
        Command::Version(cmd) => with_registry(&load()?, No, async |ctx| version::run(cmd, ctx).await).await?,
        Command::Tag(cmd) => with_registry(&load()?, No, async |ctx| tag::run(cmd, ctx).await).await?,
        Command::Run(cmd) => with_registry(&load()?, No, async |ctx| run::run(cmd, ctx).await).await?,
        Command::Metric(cmd) => with_registry(&load()?, No, async |ctx| metric::run(cmd, ctx).await).await?,
        Command::Env(cmd) => with_registry(&load()?, No, async |ctx| env::run(cmd, ctx).await).await?,
        Command::Deploy(cmd) => with_registry(&load()?, No, async |ctx| deploy::run(cmd, ctx).await).await?,
        Command::Audit(cmd) => with_registry(&load()?, No, async |ctx| audit::run(cmd, ctx).await).await?,
        Command::Report(cmd) => with_registry(&load()?, No, async |ctx| report::run(cmd, ctx).await).await?,
        Command::Stats => with_registry(&load()?, No, stats::stats).await?,
        Command::Seed => with_registry(&load()?, Yes, stats::seed).await?,
        Command::Export(args) => with_registry(&load()?, No, async |ctx| transfer::export(args, ctx).await).await?,
        Command::Import(args) => {
            with_local_registry(&load()?, Yes, async |reg, out| transfer::import(args, reg, out).await).await?
        }
        Command::BenchWriter(args) => with_registry(&load()?, No, async |ctx| bench::writer(args, ctx).await).await?,
        Command::Info => info::run(&load()?).await?,
        Command::TestConnection => db::test_connection(&load()?).await?,
        Command::Init => db::init(&load()?).await?,
        Command::Db(cmd) => db::run(cmd, &load()?).await?,
        Command::Copy(args) => transfer::copy(args, &load()?).await?,
        Command::Serve(args) => serve::run(args, &load()?).await?,
        Command::Bench(args) => {
            let token = load()?.config.token;
            bench::run(&args, global, Some(token.as_str()).filter(|t| !t.is_empty())).await?
        }
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
