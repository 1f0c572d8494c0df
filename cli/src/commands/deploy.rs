//! `modelreg deploy`: deployments of versions into environments.

use clap::Subcommand;
use modelreg_core::deployments::{DeploymentFilter, DeploymentStatus, NewDeployment};
use modelreg_core::{Ref, Result, VersionRef};

use crate::args::{PageArgs, QueryArgs, VersionArg, one_of, parse_id};
use crate::commands::names::{Label, print_page};
use crate::session::Ctx;

const COLUMNS: &[&str] = &[
    "id",
    "name",
    "status",
    "replicas",
    "version",
    "environment",
    "deployed_at",
];

#[derive(Debug, Subcommand)]
pub enum DeployCmd {
    /// Deploy a version into an environment
    Create {
        #[command(flatten)]
        version: VersionArg,
        /// The environment (by name)
        #[arg(long)]
        env: String,
        /// The deployment's name
        #[arg(long)]
        name: String,
        #[arg(long, default_value_t = 1)]
        replicas: i32,
        #[arg(long)]
        endpoint: Option<String>,
        #[arg(long)]
        cpu: Option<String>,
        #[arg(long)]
        memory: Option<String>,
        #[arg(long, default_value_t = 0)]
        gpus: i32,
        /// The initial status
        #[arg(long, value_parser = one_of::<DeploymentStatus>(), default_value = "deploying")]
        status: DeploymentStatus,
    },
    /// List deployments in an environment, of a version, of both or (without either) of the whole registry, newest first
    List {
        /// Deployments in this environment
        #[arg(long)]
        env: Option<String>,
        /// Deployments of this version (MODEL@SEMVER or its id)
        #[arg(long)]
        version: Option<String>,
        #[arg(long, value_parser = one_of::<DeploymentStatus>())]
        status: Option<DeploymentStatus>,
        #[command(flatten)]
        query: QueryArgs,
        #[command(flatten)]
        page: PageArgs,
    },
    /// Healthy and degraded deployments, with what they serve and where
    Active {
        #[command(flatten)]
        page: PageArgs,
    },
    /// Show a deployment
    Show { id: String },
    /// Move a deployment to a status (terminated is final)
    SetStatus {
        id: String,
        #[arg(long, value_parser = one_of::<DeploymentStatus>())]
        status: DeploymentStatus,
    },
    /// Set the number of replicas
    Scale { id: String, replicas: i32 },
    /// Terminate a deployment and redeploy the version that ran there before it
    Rollback { id: String },
    /// Terminate a deployment
    Terminate { id: String },
}

pub async fn run(cmd: DeployCmd, ctx: &Ctx) -> Result<()> {
    let (reg, out) = (ctx.reg.as_ref(), ctx.out);
    match cmd {
        DeployCmd::Create {
            version,
            env,
            name,
            replicas,
            endpoint,
            cpu,
            memory,
            gpus,
            status,
        } => {
            let new = NewDeployment {
                name,
                status,
                endpoint_url: endpoint,
                replicas,
                cpu_request: cpu,
                memory_request: memory,
                gpu_count: gpus,
            };
            out.record(&reg.deploy(&version.reference()?, &Ref::parse(&env), new).await?)
        }
        DeployCmd::List {
            env,
            version,
            status,
            query,
            page,
        } => {
            let env = env.as_deref().map(Ref::parse);
            let version = version.as_deref().map(VersionRef::parse).transpose()?;
            let filter = DeploymentFilter { status };
            let (found, next) = match (&env, &version, query.used()) {
                (Some(env), None, false) => (reg.deployments_in(env, filter, page.page()?).await?, None),
                (None, Some(version), false) => {
                    (reg.deployments_of_version(version, filter, page.page()?).await?, None)
                }
                _ => {
                    let wanted = query.query(page).and_equals("status", status.map(|s| s.as_str()));
                    let found = reg.find_deployments(env.as_ref(), version.as_ref(), &wanted).await?;
                    (found.items, found.next)
                }
            };
            let labelled = [
                ("version_id", "version", Label::Version),
                ("environment_id", "environment", Label::Environment),
            ];
            print_page(reg, out, &found, next.as_deref(), query.used(), &labelled, COLUMNS).await
        }
        DeployCmd::Active { page } => out.list(
            &reg.active_deployments(page.page()?).await?,
            &[
                "id=deployment.id",
                "deployment=deployment.name",
                "status=deployment.status",
                "model=model.name",
                "version=version.semver",
                "environment=environment.name",
                "replicas=deployment.replicas",
            ],
        ),
        DeployCmd::Show { id } => out.record(&reg.deployment(parse_id("id", &id)?).await?),
        DeployCmd::SetStatus { id, status } => {
            out.record(&reg.set_deployment_status(parse_id("id", &id)?, status).await?)
        }
        DeployCmd::Scale { id, replicas } => out.record(&reg.scale_deployment(parse_id("id", &id)?, replicas).await?),
        DeployCmd::Rollback { id } => out.record(&reg.rollback_deployment(parse_id("id", &id)?).await?),
        DeployCmd::Terminate { id } => out.record(&reg.terminate_deployment(parse_id("id", &id)?).await?),
    }
}
