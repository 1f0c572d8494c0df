//! `modelreg team`: teams that own models.

use clap::Subcommand;
use modelreg_core::Ref;
use modelreg_core::teams::{NewTeam, TeamFilter, TeamUpdate};
use serde_json::json;

use crate::args::PageArgs;
use crate::confirm::{YesArg, confirm};
use crate::failure::Failure;
use crate::output::value;
use crate::session::Ctx;

const COLUMNS: &[&str] = &["name", "department", "cost_center", "active", "created_at"];

#[derive(Debug, Subcommand)]
pub enum TeamCmd {
    /// Create a team
    Create {
        name: String,
        #[arg(long)]
        department: Option<String>,
        #[arg(long)]
        cost_center: Option<String>,
    },
    /// List teams by name (active ones unless --all)
    List {
        /// Include inactive teams
        #[arg(long)]
        all: bool,
        #[command(flatten)]
        page: PageArgs,
    },
    /// Show a team with its metrics (models, versions, runs, deployments, GPU hours, cost)
    Show { name: String },
    /// Change a team's fields
    Update {
        name: String,
        /// New name
        #[arg(long)]
        rename: Option<String>,
        #[arg(long)]
        department: Option<String>,
        #[arg(long)]
        cost_center: Option<String>,
        /// Mark the team active (true) or inactive (false)
        #[arg(long)]
        active: Option<bool>,
    },
    /// Mark a team inactive (its models are kept)
    Deactivate { name: String },
    /// Mark an inactive team active again
    Reactivate { name: String },
    /// Delete a team; its models stay, with no team
    Delete {
        name: String,
        #[command(flatten)]
        yes: YesArg,
    },
}

pub async fn run(cmd: TeamCmd, ctx: &Ctx) -> Result<(), Failure> {
    let (reg, out) = (&ctx.reg, ctx.out);
    let printed = match cmd {
        TeamCmd::Create {
            name,
            department,
            cost_center,
        } => {
            let new = NewTeam {
                name,
                department,
                cost_center,
            };
            out.record(&reg.create_team(new).await?)
        }
        TeamCmd::List { all, page } => {
            let teams = reg.list_teams(TeamFilter { active_only: !all }, page.page()?).await?;
            out.list(&teams, COLUMNS)
        }
        TeamCmd::Show { name } => {
            let team = reg.team(&Ref::parse(&name)).await?;
            let metrics = reg.team_metrics(&Ref::Id(team.id)).await?;
            out.sections(&[("team", value(&team)?, None), ("metrics", value(&metrics)?, None)])
        }
        TeamCmd::Update {
            name,
            rename,
            department,
            cost_center,
            active,
        } => {
            let update = TeamUpdate {
                name: rename,
                department: department.map(Some),
                cost_center: cost_center.map(Some),
                active,
            };
            out.record(&reg.update_team(&Ref::parse(&name), update).await?)
        }
        TeamCmd::Deactivate { name } => out.record(&reg.deactivate_team(&Ref::parse(&name)).await?),
        TeamCmd::Reactivate { name } => {
            let update = TeamUpdate {
                active: Some(true),
                ..TeamUpdate::default()
            };
            out.record(&reg.update_team(&Ref::parse(&name), update).await?)
        }
        TeamCmd::Delete { name, yes } => {
            // What is deleted is the team the question was about.
            let team = reg.team(&Ref::parse(&name)).await?;
            confirm(
                &format!("delete team {name}"),
                &format!("Delete team {name}? Its models stay, with no team"),
                yes,
            )?;
            reg.delete_team(&Ref::Id(team.id)).await?;
            out.done(
                &format!("deleted team {name}"),
                json!({"deleted": "team", "id": team.id, "name": name}),
            )
        }
    };
    Ok(printed?)
}
