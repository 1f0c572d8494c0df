//! `modelreg version`: versions of a model, addressed as MODEL@SEMVER.

use clap::Subcommand;
use modelreg_core::versions::{Framework, NewVersion, VersionFilter, VersionStatus};
use modelreg_core::{EntityKind, Error, Ref, Result, VersionRef};
use serde_json::json;

use crate::args::{PageArgs, VersionArg, json_object, one_of};
use crate::confirm::{YesArg, confirm};
use crate::failure::Failure;
use crate::session::Ctx;

/// The columns of a version table (also in `model show`).
pub const COLUMNS: &[&str] = &[
    "semver",
    "status",
    "framework",
    "artifact_uri",
    "size_bytes",
    "created_at",
];

#[derive(Debug, Subcommand)]
pub enum VersionCmd {
    /// Register a new version of a model
    Register {
        #[command(flatten)]
        version: VersionArg,
        /// Where the artifact is stored (s3://…, gs://…, file://…)
        #[arg(long)]
        artifact: String,
        #[arg(long, value_parser = one_of::<Framework>())]
        framework: Framework,
        #[arg(long)]
        framework_version: Option<String>,
        #[arg(long)]
        python_version: Option<String>,
        #[arg(long)]
        size_bytes: Option<i64>,
        /// SHA-256 of the artifact, 64 hex digits
        #[arg(long)]
        checksum: Option<String>,
        /// A JSON object of free-form metadata
        #[arg(long)]
        metadata: Option<String>,
        /// What this version is (may span lines)
        #[arg(long)]
        description: Option<String>,
    },
    /// List a model's versions, newest first
    List {
        model: String,
        #[arg(long, value_parser = one_of::<VersionStatus>())]
        status: Option<VersionStatus>,
        #[command(flatten)]
        page: PageArgs,
    },
    /// Show a version
    Show {
        #[command(flatten)]
        version: VersionArg,
    },
    /// The version of highest SemVer precedence (releases above pre-releases)
    Latest {
        model: String,
        /// Only versions of this status
        #[arg(long, value_parser = one_of::<VersionStatus>())]
        status: Option<VersionStatus>,
    },
    /// Move a version to a status (production archives the previous production version)
    SetStatus {
        #[command(flatten)]
        version: VersionArg,
        /// The new status (deprecated is final)
        #[arg(long, value_parser = one_of::<VersionStatus>())]
        status: VersionStatus,
    },
    /// List every production version with its model
    Production {
        #[command(flatten)]
        page: PageArgs,
    },
    /// Delete a version with its runs, metrics and deployments
    Delete {
        #[command(flatten)]
        version: VersionArg,
        #[command(flatten)]
        yes: YesArg,
    },
}

pub async fn run(cmd: VersionCmd, ctx: &Ctx) -> Result<(), Failure> {
    let (reg, out) = (&ctx.reg, ctx.out);
    let printed = match cmd {
        VersionCmd::Register {
            version,
            artifact,
            framework,
            framework_version,
            python_version,
            size_bytes,
            checksum,
            metadata,
            description,
        } => {
            let (model, semver) = version.new_version()?;
            let new = NewVersion {
                semver,
                artifact_uri: artifact,
                framework,
                framework_version,
                python_version,
                size_bytes,
                checksum_sha256: checksum,
                metadata: json_object("metadata", metadata.as_deref())?,
                description,
            };
            out.record(&reg.register_version(&model, new).await?)
        }
        VersionCmd::List { model, status, page } => {
            let versions = reg
                .list_versions(&Ref::parse(&model), VersionFilter { status }, page.page()?)
                .await?;
            out.list(&versions, COLUMNS)
        }
        VersionCmd::Show { version } => out.record(&reg.version(&version.reference()?).await?),
        VersionCmd::Latest { model, status } => match reg.latest_version(&Ref::parse(&model), status).await? {
            Some(found) => out.record(&found),
            None => Err(Error::NotFound {
                entity: EntityKind::ModelVersion,
                key: match status {
                    Some(status) => format!("{model}@latest ({status})"),
                    None => format!("{model}@latest"),
                },
            }),
        },
        VersionCmd::SetStatus { version, status } => {
            out.record(&reg.set_version_status(&version.reference()?, status).await?)
        }
        VersionCmd::Production { page } => out.list(
            &reg.production_versions(page.page()?).await?,
            &[
                "model=model.name",
                "semver=version.semver",
                "framework=version.framework",
                "artifact_uri=version.artifact_uri",
                "created_at=version.created_at",
            ],
        ),
        VersionCmd::Delete { version, yes } => {
            let reference = version.reference()?;
            // What is deleted is the version the question was about.
            let found = reg.version(&reference).await?;
            confirm(
                &format!("delete version {reference}"),
                &format!("Delete version {reference} with its runs, metrics and deployments?"),
                yes,
            )?;
            reg.delete_version(&VersionRef::Id(found.id)).await?;
            out.done(
                &format!("deleted version {reference}"),
                json!({"deleted": "model_version", "id": found.id, "version": reference.to_string()}),
            )
        }
    };
    Ok(printed?)
}
