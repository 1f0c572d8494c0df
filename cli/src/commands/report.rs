//! `modelreg report`: reports across the registry.

use clap::Subcommand;
use modelreg_core::{Ref, Result};
use serde_json::{Value, json};

use crate::args::PageArgs;
use crate::commands::model::print_models;
use crate::output::OutputFormat;
use crate::session::Ctx;

/// The columns of a drift table (also in `model show`).
pub const DRIFT_COLUMNS: &[&str] = &[
    "environment=environment.name",
    "model=model.name",
    "deployment=deployment.name",
    "status=deployment.status",
    "deployed=deployed.semver",
    "production=production.semver",
];

#[derive(Debug, Subcommand)]
pub enum ReportCmd {
    /// A team's models, versions, runs, deployments, GPU hours and cost
    Team { name: String },
    /// Deployments per status
    Deployments,
    /// Active models with no training run started in the last N days
    Stale {
        #[arg(long, default_value_t = 90)]
        days: u32,
        #[command(flatten)]
        page: PageArgs,
    },
    /// Where designation and reality differ: healthy or degraded deployments
    /// that run another version than their model's production version
    Drift {
        /// Only this model's deployments
        model: Option<String>,
        #[command(flatten)]
        page: PageArgs,
    },
}

pub async fn run(cmd: ReportCmd, ctx: &Ctx) -> Result<()> {
    let (reg, out) = (ctx.reg.as_ref(), ctx.out);
    match cmd {
        ReportCmd::Team { name } => out.record(&reg.team_metrics(&Ref::parse(&name)).await?),
        ReportCmd::Deployments => {
            let counts = reg.deployment_status_counts().await?;
            match out.format {
                OutputFormat::Json => out.record(&counts),
                OutputFormat::Table => {
                    let rows: Vec<Value> = counts
                        .iter()
                        .map(|(status, n)| json!({"status": status, "count": n}))
                        .collect();
                    out.list(&rows, &["status", "count"])
                }
            }
        }
        ReportCmd::Stale { days, page } => print_models(reg, out, &reg.stale_models(days, page.page()?).await?).await,
        ReportCmd::Drift { model, page } => {
            let model = model.as_deref().map(Ref::parse);
            out.list(&reg.drift(model.as_ref(), page.page()?).await?, DRIFT_COLUMNS)
        }
    }
}
