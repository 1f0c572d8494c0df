//! `modelreg version alias`: a model's names for its versions (`champion`,
//! `shadow`), which `MODEL@ALIAS` then means wherever a version is addressed.

use clap::Subcommand;
use modelreg_core::{Ref, Result, VersionRef};
use serde_json::json;

use crate::args::PageArgs;
use crate::commands::names::Names;
use crate::output::{OutputFormat, line};
use crate::session::Ctx;

/// The columns of an alias table (also in `model show`).
pub const COLUMNS: &[&str] = &["alias=name", "semver", "version_id", "assigned_at"];

#[derive(Debug, Subcommand)]
pub enum AliasCmd {
    /// Point ALIAS at a version (moving it if the model has it already)
    Set {
        /// The version: MODEL@SEMVER, MODEL@ALIAS, MODEL@latest, MODEL@production or its id
        #[arg(value_name = "MODEL@VERSION")]
        version: String,
        /// The alias: a lower-case letter, then lower-case letters, digits, - and _ (not latest, production or a SemVer)
        alias: String,
    },
    /// Remove one of a model's aliases
    Rm { model: String, alias: String },
    /// List a model's aliases with the versions they point at
    List {
        model: String,
        #[command(flatten)]
        page: PageArgs,
    },
}

pub async fn run(cmd: AliasCmd, ctx: &Ctx) -> Result<()> {
    let (reg, out) = (ctx.reg.as_ref(), ctx.out);
    match cmd {
        AliasCmd::Set { version, alias } => {
            let set = reg.set_alias(&VersionRef::parse(&version)?, &alias).await?;
            match out.format {
                OutputFormat::Json => out.record(&set),
                OutputFormat::Table => {
                    let mut names = Names::new(reg);
                    let target = names.semver(set.version_id).await?;
                    line(&format!(
                        "{}@{} now points at {target}",
                        names.model(set.model_id).await?,
                        set.name
                    ))
                }
            }
        }
        AliasCmd::Rm { model, alias } => {
            let removed = reg.remove_alias(&Ref::parse(&model), &alias).await?;
            let sentence = if removed {
                format!("removed alias {alias} of {model}")
            } else {
                format!("{model} had no alias {alias}")
            };
            out.done(&sentence, json!({"model": model, "alias": alias, "removed": removed}))
        }
        AliasCmd::List { model, page } => {
            out.list(&reg.aliases_of_model(&Ref::parse(&model), page.page()?).await?, COLUMNS)
        }
    }
}
