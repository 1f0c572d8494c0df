//! `modelreg tag`: tags, their descriptions, and deleting one from every model.
//! (Tagging a model is `model tag` / `model untag`.)

use clap::Subcommand;
use modelreg_core::models::{TagUpdate, TagUsage};
use modelreg_core::store::MAX_LIMIT;
use modelreg_core::{EntityKind, Error, Page, RegistryApi, Result, validate};
use serde_json::json;

use crate::args::PageArgs;
use crate::confirm::{YesArg, confirm};
use crate::failure::Failure;
use crate::session::Ctx;

/// The columns of a tag table (also `model tags`).
pub const COLUMNS: &[&str] = &[
    "tag=tag.name",
    "model_count",
    "description=tag.description",
    "created_at=tag.created_at",
];

#[derive(Debug, Subcommand)]
pub enum TagCmd {
    /// List every tag with the number of models carrying it
    List {
        #[command(flatten)]
        page: PageArgs,
    },
    /// Change a tag's description
    Update {
        tag: String,
        /// What the tag means (may span lines)
        #[arg(long, conflicts_with = "no_description", required_unless_present = "no_description")]
        description: Option<String>,
        /// Clear the description
        #[arg(long)]
        no_description: bool,
    },
    /// Delete a tag: every model carrying it loses it
    Delete {
        tag: String,
        #[command(flatten)]
        yes: YesArg,
    },
}

pub async fn run(cmd: TagCmd, ctx: &Ctx) -> Result<(), Failure> {
    let (reg, out) = (ctx.reg.as_ref(), ctx.out);
    let printed = match cmd {
        TagCmd::List { page } => out.list(&reg.list_tags(page.page()?).await?, COLUMNS),
        TagCmd::Update {
            tag,
            description,
            no_description,
        } => {
            let update = TagUpdate {
                description: if no_description {
                    Some(None)
                } else {
                    description.map(Some)
                },
            };
            out.record(&reg.update_tag(&tag, update).await?)
        }
        TagCmd::Delete { tag, yes } => {
            // The question names how many models lose the tag.
            let usage = find(reg, &tag).await?;
            confirm(
                &format!("delete tag {tag}"),
                &format!("Delete tag {tag}? {} model(s) carrying it lose it", usage.model_count),
                yes,
            )?;
            reg.delete_tag(&usage.tag.name).await?;
            out.done(
                &format!("deleted tag {tag} (removed from {} model(s))", usage.model_count),
                json!({"deleted": "tag", "id": usage.tag.id, "name": usage.tag.name, "models": usage.model_count}),
            )
        }
    };
    Ok(printed?)
}

/// The tag named `name` with its model count; not found when there is none.
async fn find(reg: &dyn RegistryApi, name: &str) -> Result<TagUsage> {
    let wanted = validate::nfc(name);
    let mut offset = 0;
    loop {
        let tags = reg.list_tags(Page::new(offset, MAX_LIMIT)?).await?;
        let count = tags.len();
        if let Some(found) = tags.into_iter().find(|usage| usage.tag.name == wanted) {
            return Ok(found);
        }
        if count < MAX_LIMIT as usize {
            return Err(Error::not_found(EntityKind::Tag, name));
        }
        offset += u64::from(MAX_LIMIT);
    }
}
