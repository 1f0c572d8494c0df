//! `modelreg version`: versions of a model, addressed as MODEL@SEMVER,
//! MODEL@ALIAS, MODEL@latest, MODEL@production or by id; their aliases,
//! edits and history.

mod alias;
mod history;
mod update;

use clap::Subcommand;
use modelreg_core::versions::{Framework, NewVersion, VersionFilter, VersionStatus};
use modelreg_core::{EntityKind, Error, Ref, Result, VersionRef};
use serde_json::json;

use crate::args::{PageArgs, QueryArgs, VersionArg, json_object, one_of, parse_time};
use crate::commands::names::{Label, print_page};
use crate::confirm::{YesArg, confirm};
use crate::failure::Failure;
use crate::output::{OutputFormat, line, value};
use crate::session::Ctx;

pub use alias::COLUMNS as ALIAS_COLUMNS;

/// The columns of a version table (also in `model show`).
pub const COLUMNS: &[&str] = &[
    "semver",
    "status",
    "framework",
    "artifact_uri",
    "size_bytes",
    "created_at",
];

/// The columns of a version table across models.
const MODEL_COLUMNS: &[&str] = &[
    "model",
    "semver",
    "status",
    "framework",
    "artifact_uri",
    "size_bytes",
    "created_at",
];

/// The columns of a table of versions with their model.
const WITH_MODEL_COLUMNS: &[&str] = &[
    "model=model.name",
    "semver=version.semver",
    "status=version.status",
    "framework=version.framework",
    "artifact_uri=version.artifact_uri",
    "created_at=version.created_at",
];

#[derive(Debug, Subcommand)]
pub enum VersionCmd {
    /// Register a new version of a model; the same registration again
    /// answers the existing version (exit 0), a different one is a conflict
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
    /// List a model's versions (or, without MODEL, every version), newest first
    List {
        /// The model (every model's versions without it)
        model: Option<String>,
        #[arg(long, value_parser = one_of::<VersionStatus>())]
        status: Option<VersionStatus>,
        #[command(flatten)]
        query: QueryArgs,
        #[command(flatten)]
        page: PageArgs,
    },
    /// Show a version (as it is now, or what a reference meant at a past time)
    Show {
        #[command(flatten)]
        version: VersionArg,
        /// Resolve the reference as of this RFC 3339 time (MODEL@production,
        /// MODEL@ALIAS then), e.g. 2026-05-01T12:00:00Z
        #[arg(long, value_name = "TIME")]
        at: Option<String>,
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
    /// Change a version's description, metadata, framework or Python version;
    /// fill in its size or checksum once (model, semver, artifact and framework never change)
    Update(update::UpdateArgs),
    /// A model's aliases (MODEL@ALIAS): set, rm, list
    #[command(subcommand)]
    Alias(alias::AliasCmd),
    /// A model's timeline: status changes and alias moves (who, when, from, to), newest first
    History {
        model: String,
        #[command(flatten)]
        page: PageArgs,
    },
    /// Every version whose artifact has this checksum, across models
    Find {
        /// SHA-256 of the artifact, 64 hex digits
        #[arg(long)]
        checksum: String,
        #[command(flatten)]
        page: PageArgs,
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
    let (reg, out) = (ctx.reg.as_ref(), ctx.out);
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
            let registered = reg.register(&model, new).await?;
            match out.format {
                // The version as always, with whether this call created it.
                OutputFormat::Json => {
                    let mut printed = value(&registered.version)?;
                    printed["created"] = json!(registered.created);
                    out.record(&printed)
                }
                OutputFormat::Table => {
                    if !registered.created {
                        line(&format!(
                            "already registered {model}@{} (nothing changed)",
                            registered.version.semver
                        ))?;
                    }
                    out.record(&registered.version)
                }
            }
        }
        VersionCmd::List {
            model,
            status,
            query,
            page,
        } => {
            let model = model.as_deref().map(Ref::parse);
            match &model {
                Some(model) if !query.used() => {
                    let versions = reg.list_versions(model, VersionFilter { status }, page.page()?).await?;
                    out.list(&versions, COLUMNS)
                }
                _ => {
                    let wanted = query.query(page).and_equals("status", status.map(|s| s.as_str()));
                    let found = reg.find_versions(model.as_ref(), &wanted).await?;
                    let (labelled, columns) = match model {
                        Some(_) => (&[][..], COLUMNS),
                        None => (&[("model_id", "model", Label::Model)][..], MODEL_COLUMNS),
                    };
                    let next = found.next.as_deref();
                    print_page(reg, out, &found.items, next, query.used(), labelled, columns).await
                }
            }
        }
        VersionCmd::Show { version, at } => {
            let reference = version.reference()?;
            match at {
                Some(at) => out.record(&reg.version_at(&reference, parse_time("at", &at)?).await?),
                None => out.record(&reg.version(&reference).await?),
            }
        }
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
        VersionCmd::Update(args) => update::run(args, ctx).await,
        VersionCmd::Alias(cmd) => alias::run(cmd, ctx).await,
        VersionCmd::History { model, page } => history::run(&Ref::parse(&model), page, ctx).await,
        VersionCmd::Find { checksum, page } => out.list(
            &reg.versions_by_checksum(&checksum, page.page()?).await?,
            WITH_MODEL_COLUMNS,
        ),
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
