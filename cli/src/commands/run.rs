//! `modelreg run`: training runs and their cost.

use clap::Subcommand;
use modelreg_core::runs::{NewRun, RunFilter, RunFinish, RunStatus};
use modelreg_core::{Ref, Result, VersionRef};

use crate::args::{PageArgs, QueryArgs, VersionArg, json_object, one_of, parse_id};
use crate::commands::names::{Label, print_page};
use crate::session::Ctx;

const COLUMNS: &[&str] = &[
    "id",
    "version",
    "run_name",
    "status",
    "started_at",
    "duration_seconds",
    "gpu_hours",
    "cost_usd",
];

#[derive(Debug, Subcommand)]
pub enum RunCmd {
    /// Start a training run of a version
    Start {
        #[command(flatten)]
        version: VersionArg,
        /// The run's name
        #[arg(long)]
        name: String,
        #[arg(long)]
        dataset: Option<String>,
        #[arg(long)]
        dataset_version: Option<String>,
        #[arg(long, default_value_t = 0.0)]
        gpu_hours: f64,
        #[arg(long)]
        cost_usd: Option<f64>,
        /// A JSON object
        #[arg(long)]
        hyperparameters: Option<String>,
        /// A JSON object describing the training environment
        #[arg(long)]
        environment: Option<String>,
        #[arg(long)]
        created_by: Option<String>,
    },
    /// End a running run
    Finish {
        /// The run's id
        id: String,
        /// How the run ended
        #[arg(long, value_parser = one_of::<RunStatus>())]
        status: RunStatus,
        #[arg(long)]
        gpu_hours: Option<f64>,
        #[arg(long)]
        cost_usd: Option<f64>,
        /// Length in seconds (default: since it started)
        #[arg(long)]
        duration_seconds: Option<i64>,
    },
    /// List runs of a version, of a model or (without either) of the whole registry, newest first
    List {
        /// Runs of this version (MODEL@SEMVER or its id)
        #[arg(long, conflicts_with = "model")]
        version: Option<String>,
        /// Runs of every version of this model
        #[arg(long)]
        model: Option<String>,
        #[arg(long, value_parser = one_of::<RunStatus>())]
        status: Option<RunStatus>,
        #[command(flatten)]
        query: QueryArgs,
        #[command(flatten)]
        page: PageArgs,
    },
    /// Show a run
    Show { id: String },
    /// Total cost, GPU hours and run count: of everything, or of one model
    Cost {
        #[arg(long)]
        model: Option<String>,
    },
}

pub async fn run(cmd: RunCmd, ctx: &Ctx) -> Result<()> {
    let (reg, out) = (ctx.reg.as_ref(), ctx.out);
    match cmd {
        RunCmd::Start {
            version,
            name,
            dataset,
            dataset_version,
            gpu_hours,
            cost_usd,
            hyperparameters,
            environment,
            created_by,
        } => {
            let new = NewRun {
                run_name: name,
                started_at: None,
                gpu_hours,
                cost_usd,
                dataset_name: dataset,
                dataset_version,
                hyperparameters: json_object("hyperparameters", hyperparameters.as_deref())?,
                environment: json_object("environment", environment.as_deref())?,
                created_by,
            };
            out.record(&reg.start_run(&version.reference()?, new).await?)
        }
        RunCmd::Finish {
            id,
            status,
            gpu_hours,
            cost_usd,
            duration_seconds,
        } => {
            let finish = RunFinish {
                status,
                completed_at: None,
                duration_seconds,
                gpu_hours,
                cost_usd,
            };
            out.record(&reg.finish_run(parse_id("id", &id)?, finish).await?)
        }
        RunCmd::List {
            version,
            model,
            status,
            query,
            page,
        } => {
            let version = version.as_deref().map(VersionRef::parse).transpose()?;
            let model = model.as_deref().map(Ref::parse);
            let filter = RunFilter { status };
            let (runs, next) = match (&version, &model, query.used()) {
                (Some(version), _, false) => (reg.runs_of_version(version, filter, page.page()?).await?, None),
                (None, Some(model), false) => (reg.runs_of_model(model, filter, page.page()?).await?, None),
                _ => {
                    let wanted = query.query(page).and_equals("status", status.map(|s| s.as_str()));
                    let found = reg.find_runs(model.as_ref(), version.as_ref(), &wanted).await?;
                    (found.items, found.next)
                }
            };
            let labelled = [("version_id", "version", Label::Version)];
            print_page(reg, out, &runs, next.as_deref(), query.used(), &labelled, COLUMNS).await
        }
        RunCmd::Show { id } => out.record(&reg.run(parse_id("id", &id)?).await?),
        RunCmd::Cost { model } => {
            let model = model.as_deref().map(Ref::parse);
            out.record(&reg.cost_summary(model.as_ref()).await?)
        }
    }
}
