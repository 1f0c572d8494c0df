//! `modelreg model`: models, their tags and summaries.

use std::collections::HashMap;

use clap::Subcommand;
use modelreg_core::models::{Model, ModelFilter, ModelUpdate, NewModel, RiskLevel};
use modelreg_core::query::Listing;
use modelreg_core::store::MAX_LIMIT;
use modelreg_core::{Page, Ref, RegistryApi, Result};
use serde_json::{Value, json};

use crate::args::{PageArgs, QueryArgs, one_of};
use crate::commands::report::DRIFT_COLUMNS;
use crate::commands::tag::COLUMNS as TAG_COLUMNS;
use crate::commands::version::{ALIAS_COLUMNS, COLUMNS as VERSION_COLUMNS};
use crate::confirm::{YesArg, confirm};
use crate::failure::Failure;
use crate::output::{Out, OutputFormat, value};
use crate::session::Ctx;

const COLUMNS: &[&str] = &[
    "name",
    "team",
    "risk_level",
    "compliance_required",
    "is_active",
    "use_case",
];

#[derive(Debug, Subcommand)]
pub enum ModelCmd {
    /// Create a model
    Create {
        name: String,
        #[arg(long)]
        description: Option<String>,
        #[arg(long)]
        use_case: Option<String>,
        /// Owning team (by name)
        #[arg(long)]
        team: Option<String>,
        #[arg(long, value_parser = one_of::<RiskLevel>())]
        risk: Option<RiskLevel>,
        /// The model needs a compliance review
        #[arg(long)]
        compliance: bool,
    },
    /// List models by name, with filters (--filter, --sort, --next: the query language)
    List {
        /// Only active models
        #[arg(long)]
        active: bool,
        /// Only models of this team
        #[arg(long)]
        team: Option<String>,
        /// Only models of this risk level
        #[arg(long, value_parser = one_of::<RiskLevel>())]
        risk: Option<RiskLevel>,
        #[command(flatten)]
        query: QueryArgs,
        #[command(flatten)]
        page: PageArgs,
    },
    /// Show a model with its tags, aliases, summary, a page of its versions
    /// (newest first) and its drift: deployments that run another version
    /// than its production version
    Show {
        name: String,
        #[command(flatten)]
        page: PageArgs,
    },
    /// Change a model's fields
    Update {
        name: String,
        /// New name
        #[arg(long)]
        rename: Option<String>,
        #[arg(long)]
        description: Option<String>,
        #[arg(long)]
        use_case: Option<String>,
        /// New owning team (by name)
        #[arg(long, conflicts_with = "no_team")]
        team: Option<String>,
        /// Remove the owning team
        #[arg(long)]
        no_team: bool,
        #[arg(long, value_parser = one_of::<RiskLevel>())]
        risk: Option<RiskLevel>,
        #[arg(long)]
        compliance: Option<bool>,
        #[arg(long)]
        active: Option<bool>,
    },
    /// Find models whose name contains TERM (ignoring case)
    Search {
        term: String,
        #[command(flatten)]
        page: PageArgs,
    },
    /// Tag a model (the tag is created if new)
    Tag { name: String, tag: String },
    /// Remove a tag from a model
    Untag { name: String, tag: String },
    /// List the models carrying a tag
    ByTag {
        tag: String,
        #[command(flatten)]
        page: PageArgs,
    },
    /// List every tag with the number of models carrying it
    Tags {
        #[command(flatten)]
        page: PageArgs,
    },
    /// Delete a model with its versions, runs, metrics and deployments
    Delete {
        name: String,
        #[command(flatten)]
        yes: YesArg,
    },
}

pub async fn run(cmd: ModelCmd, ctx: &Ctx) -> Result<(), Failure> {
    let (reg, out) = (ctx.reg.as_ref(), ctx.out);
    let printed = match cmd {
        ModelCmd::Create {
            name,
            description,
            use_case,
            team,
            risk,
            compliance,
        } => {
            let new = NewModel {
                name,
                description,
                use_case,
                team: team.as_deref().map(Ref::parse),
                risk_level: risk.unwrap_or_default(),
                compliance_required: compliance,
            };
            out.record(&reg.create_model(new).await?)
        }
        ModelCmd::List {
            active,
            team,
            risk,
            query,
            page,
        } => {
            let filter = ModelFilter {
                active_only: active,
                team: team.as_deref().map(Ref::parse),
                risk_level: risk,
            };
            if !query.used() {
                return Ok(print_models(reg, out, &reg.list_models(filter, page.page()?).await?).await?);
            }
            let wanted = filter.narrow(reg, query.query(page)).await?;
            return print_listing(reg, out, reg.find_models(&wanted).await?).await;
        }
        ModelCmd::Show { name, page } => {
            let full = reg.model_with_versions(&Ref::parse(&name), page.page()?).await?;
            let id = Ref::Id(full.model.id);
            let all = Page::new(0, MAX_LIMIT)?;
            let tags: Vec<String> = reg.tags_of_model(&id, all).await?.into_iter().map(|t| t.name).collect();
            let aliases = reg.aliases_of_model(&id, all).await?;
            let summary = reg.model_summary(&id).await?;
            let drift = reg.drift(Some(&id), all).await?;
            out.sections(&[
                ("model", value(&full.model)?, None),
                ("tags", json!(tags), None),
                ("aliases", value(&aliases)?, Some(ALIAS_COLUMNS)),
                ("summary", value(&summary)?, None),
                ("versions", value(&full.versions)?, Some(VERSION_COLUMNS)),
                ("drift", value(&drift)?, Some(DRIFT_COLUMNS)),
            ])
        }
        ModelCmd::Update {
            name,
            rename,
            description,
            use_case,
            team,
            no_team,
            risk,
            compliance,
            active,
        } => {
            let team = match (team, no_team) {
                (Some(team), _) => Some(Some(Ref::parse(&team))),
                (None, true) => Some(None),
                (None, false) => None,
            };
            let update = ModelUpdate {
                name: rename,
                description: description.map(Some),
                use_case: use_case.map(Some),
                team,
                risk_level: risk,
                compliance_required: compliance,
                is_active: active,
            };
            out.record(&reg.update_model(&Ref::parse(&name), update).await?)
        }
        ModelCmd::Search { term, page } => print_models(reg, out, &reg.search_models(&term, page.page()?).await?).await,
        ModelCmd::Tag { name, tag } => {
            let added = reg.add_tag(&Ref::parse(&name), &tag).await?;
            let sentence = if added {
                format!("tagged {name} with {tag}")
            } else {
                format!("{name} already had tag {tag}")
            };
            out.done(&sentence, json!({"model": name, "tag": tag, "added": added}))
        }
        ModelCmd::Untag { name, tag } => {
            let removed = reg.remove_tag(&Ref::parse(&name), &tag).await?;
            let sentence = if removed {
                format!("removed tag {tag} from {name}")
            } else {
                format!("{name} did not have tag {tag}")
            };
            out.done(&sentence, json!({"model": name, "tag": tag, "removed": removed}))
        }
        ModelCmd::ByTag { tag, page } => print_models(reg, out, &reg.models_by_tag(&tag, page.page()?).await?).await,
        ModelCmd::Tags { page } => out.list(&reg.list_tags(page.page()?).await?, TAG_COLUMNS),
        ModelCmd::Delete { name, yes } => {
            // What is deleted is the model the question was about.
            let model = reg.model(&Ref::parse(&name)).await?;
            let id = Ref::Id(model.id);
            let summary = reg.model_summary(&id).await?;
            confirm(
                &format!("delete model {name}"),
                &format!(
                    "Delete model {name} with its {} versions, {} runs and {} deployments?",
                    summary.version_count, summary.training_run_count, summary.deployment_count
                ),
                yes,
            )?;
            reg.delete_model(&id).await?;
            out.done(
                &format!("deleted model {name}"),
                json!({"deleted": "model", "id": model.id, "name": name}),
            )
        }
    };
    Ok(printed?)
}

/// Prints models; a table shows the owning team's name beside its id.
pub async fn print_models(reg: &dyn RegistryApi, out: Out, models: &[Model]) -> Result<()> {
    match out.format {
        OutputFormat::Json => out.list(models, COLUMNS),
        OutputFormat::Table => out.list(&with_team_names(reg, models).await?, COLUMNS),
    }
}

/// Prints a page of a model query (see [`Out::page`]).
async fn print_listing(reg: &dyn RegistryApi, out: Out, found: Listing<Model>) -> Result<(), Failure> {
    let next = found.next.as_deref();
    Ok(match out.format {
        OutputFormat::Json => out.page(&found.items, next, true, COLUMNS),
        OutputFormat::Table => out.page(&with_team_names(reg, &found.items).await?, next, true, COLUMNS),
    }?)
}

/// Models as JSON with a `team` name, each team read once.
async fn with_team_names(reg: &dyn RegistryApi, models: &[Model]) -> Result<Vec<Value>> {
    let mut names = HashMap::new();
    let mut rows = Vec::with_capacity(models.len());
    for model in models {
        let mut row = value(model)?;
        if let Some(team_id) = model.team_id {
            let name = match names.get(&team_id) {
                Some(name) => String::clone(name),
                None => {
                    let name = reg.team(&Ref::Id(team_id)).await?.name;
                    names.insert(team_id, name.clone());
                    name
                }
            };
            row["team"] = json!(name);
        }
        rows.push(row);
    }
    Ok(rows)
}
