//! `modelreg version history MODEL`: the model's timeline of status changes
//! and alias moves, newest first. JSON is the history entries as they are;
//! a table names versions by semver.

use modelreg_core::history::HistoryEntry;
use modelreg_core::{Ref, Result};
use serde_json::{Value, json};

use crate::args::PageArgs;
use crate::commands::names::Names;
use crate::output::OutputFormat;
use crate::session::Ctx;

const COLUMNS: &[&str] = &["when", "who", "kind", "subject", "from", "to"];

pub async fn run(model: &Ref, page: PageArgs, ctx: &Ctx) -> Result<()> {
    let (reg, out) = (ctx.reg.as_ref(), ctx.out);
    let entries = reg.version_history(model, page.page()?).await?;
    if out.format == OutputFormat::Json {
        return out.list(&entries, COLUMNS);
    }
    let mut names = Names::new(reg);
    let mut rows = Vec::with_capacity(entries.len());
    for entry in &entries {
        rows.push(row(&mut names, entry).await?);
    }
    out.list(&rows, COLUMNS)
}

/// One line of the timeline: what changed, from what, to what.
async fn row(names: &mut Names<'_>, entry: &HistoryEntry) -> Result<Value> {
    Ok(match entry {
        HistoryEntry::Status(change) => json!({
            "when": change.changed_at,
            "who": change.actor,
            "kind": "status",
            "subject": names.semver(change.version_id).await?,
            "from": change.from_status,
            "to": change.to_status,
        }),
        HistoryEntry::Alias(change) => {
            let from = match change.from_version_id {
                Some(id) => Some(names.semver(id).await?),
                None => None,
            };
            let to = match change.to_version_id {
                Some(id) => Some(names.semver(id).await?),
                None => None,
            };
            json!({
                "when": change.changed_at,
                "who": change.actor,
                "kind": "alias",
                "subject": format!("@{}", change.alias),
                "from": from,
                "to": to,
            })
        }
    })
}
