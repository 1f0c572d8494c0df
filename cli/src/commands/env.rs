//! `modelreg env`: environments that versions are deployed into.

use clap::Subcommand;
use modelreg_core::environments::{EnvironmentFilter, EnvironmentKind, EnvironmentUpdate, NewEnvironment};
use modelreg_core::{Ref, Result};

use crate::args::{PageArgs, json_object, one_of};
use crate::session::Ctx;

const COLUMNS: &[&str] = &["name", "kind", "region", "kubernetes_namespace", "is_active"];

#[derive(Debug, Subcommand)]
pub enum EnvCmd {
    /// Create an environment
    Create {
        name: String,
        /// What the environment is for
        #[arg(long, value_parser = one_of::<EnvironmentKind>())]
        kind: EnvironmentKind,
        #[arg(long)]
        region: Option<String>,
        /// The Kubernetes namespace
        #[arg(long)]
        namespace: Option<String>,
        /// The environment's own configuration, a JSON object (not to be
        /// confused with --config, modelreg's configuration file)
        #[arg(long = "env-config", value_name = "JSON")]
        env_config: Option<String>,
    },
    /// List environments by name (active ones unless --all)
    List {
        #[arg(long, value_parser = one_of::<EnvironmentKind>())]
        kind: Option<EnvironmentKind>,
        /// Include inactive environments
        #[arg(long)]
        all: bool,
        #[command(flatten)]
        page: PageArgs,
    },
    /// Show an environment
    Show { name: String },
    /// Change an environment's fields
    Update {
        name: String,
        /// New name
        #[arg(long)]
        rename: Option<String>,
        #[arg(long, value_parser = one_of::<EnvironmentKind>())]
        kind: Option<EnvironmentKind>,
        #[arg(long)]
        region: Option<String>,
        /// The Kubernetes namespace
        #[arg(long)]
        namespace: Option<String>,
        /// Replace the environment's own configuration with this JSON object
        #[arg(long = "env-config", value_name = "JSON")]
        env_config: Option<String>,
        /// Mark the environment active (true) or inactive (false)
        #[arg(long)]
        active: Option<bool>,
    },
    /// Mark an environment inactive (it takes no new deployments)
    Deactivate { name: String },
    /// Mark an inactive environment active again
    Reactivate { name: String },
}

pub async fn run(cmd: EnvCmd, ctx: &Ctx) -> Result<()> {
    let (reg, out) = (&ctx.reg, ctx.out);
    match cmd {
        EnvCmd::Create {
            name,
            kind,
            region,
            namespace,
            env_config,
        } => {
            let new = NewEnvironment {
                name,
                kind,
                region,
                kubernetes_namespace: namespace,
                config: json_object("config", env_config.as_deref())?,
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
        EnvCmd::Update {
            name,
            rename,
            kind,
            region,
            namespace,
            env_config,
            active,
        } => {
            let config = match env_config {
                Some(text) => Some(json_object("config", Some(&text))?),
                None => None,
            };
            let update = EnvironmentUpdate {
                name: rename,
                kind,
                region: region.map(Some),
                kubernetes_namespace: namespace.map(Some),
                config,
                is_active: active,
            };
            out.record(&reg.update_environment(&Ref::parse(&name), update).await?)
        }
        EnvCmd::Deactivate { name } => out.record(&reg.deactivate_environment(&Ref::parse(&name)).await?),
        EnvCmd::Reactivate { name } => {
            let update = EnvironmentUpdate {
                is_active: Some(true),
                ..EnvironmentUpdate::default()
            };
            out.record(&reg.update_environment(&Ref::parse(&name), update).await?)
        }
    }
}
