//! `modelreg env`: environments that versions are deployed into.

use clap::Subcommand;
use modelreg_core::environments::{EnvironmentFilter, EnvironmentKind, NewEnvironment};
use modelreg_core::{Ref, Result};

use crate::args::{PageArgs, json_object, parse};
use crate::session::Ctx;

const COLUMNS: &[&str] = &["name", "kind", "region", "kubernetes_namespace", "is_active"];

#[derive(Debug, Subcommand)]
pub enum EnvCmd {
    /// Create an environment
    Create {
        name: String,
        /// development, staging, production or sandbox
        #[arg(long, value_parser = parse::<EnvironmentKind>)]
        kind: EnvironmentKind,
        #[arg(long)]
        region: Option<String>,
        #[arg(long)]
        namespace: Option<String>,
        /// A JSON object
        #[arg(long)]
        config: Option<String>,
    },
    /// List environments by name (active ones unless --all)
    List {
        #[arg(long, value_parser = parse::<EnvironmentKind>)]
        kind: Option<EnvironmentKind>,
        /// Include inactive environments
        #[arg(long)]
        all: bool,
        #[command(flatten)]
        page: PageArgs,
    },
    /// Show an environment
    Show { name: String },
    /// Mark an environment inactive (it takes no new deployments)
    Deactivate { name: String },
}

pub async fn run(cmd: EnvCmd, ctx: &Ctx) -> Result<()> {
    let (reg, out) = (&ctx.reg, ctx.out);
    match cmd {
        EnvCmd::Create {
            name,
            kind,
            region,
            namespace,
            config,
        } => {
            let new = NewEnvironment {
                name,
                kind,
                region,
                kubernetes_namespace: namespace,
                config: json_object("config", config.as_deref())?,
            };
            out.record(&reg.create_environment(new).await?)
        }
        EnvCmd::List { kind, all, page } => {
            let filter = EnvironmentFilter {
                kind,
                active_only: !all,
            };
            out.list(&reg.list_environments(filter, page.page()?).await?, COLUMNS)
        }
        EnvCmd::Show { name } => out.record(&reg.environment(&Ref::parse(&name)).await?),
        EnvCmd::Deactivate { name } => out.record(&reg.deactivate_environment(&Ref::parse(&name)).await?),
    }
}
