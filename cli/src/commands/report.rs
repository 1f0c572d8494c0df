//! `modelreg report`: reports across the registry.

use clap::Subcommand;
use modelreg_core::{Ref, Result};
use serde_json::{Value, json};

use crate::commands::model::print_models;
use crate::output::OutputFormat;
use crate::session::Ctx;

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
        page: crate::args::PageArgs,
    },
}

pub async fn run(cmd: ReportCmd, ctx: &Ctx) -> Result<()> {
    let (reg, out) = (&ctx.reg, ctx.out);
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
    }
}
