//! `modelreg audit`: the audit trail of every change.

use clap::Subcommand;
use modelreg_core::{EntityKind, Error, Ref, Result, VersionRef};
use uuid::Uuid;

use crate::args::{PageArgs, one_of};
use crate::session::Ctx;

const COLUMNS: &[&str] = &["timestamp", "actor", "action", "entity_type", "entity_id", "changes"];

#[derive(Debug, Subcommand)]
pub enum AuditCmd {
    /// The most recent changes
    Recent {
        #[command(flatten)]
        page: PageArgs,
    },
    /// Changes made by one actor
    Actor {
        actor: String,
        #[command(flatten)]
        page: PageArgs,
    },
    /// Changes of one entity: team NAME, model NAME, environment NAME,
    /// model_version MODEL@SEMVER, or any TYPE with its UUID
    Entity {
        /// The kind of entity
        #[arg(value_parser = one_of::<EntityKind>())]
        entity_type: EntityKind,
        /// A name (team, model, environment), MODEL@SEMVER, or a UUID
        key: String,
        #[command(flatten)]
        page: PageArgs,
    },
}

pub async fn run(cmd: AuditCmd, ctx: &Ctx) -> Result<()> {
    let reg = &ctx.reg;
    let events = match cmd {
        AuditCmd::Recent { page } => reg.recent_audit(page.page()?).await?,
        AuditCmd::Actor { actor, page } => reg.audit_by_actor(&actor, page.page()?).await?,
        AuditCmd::Entity { entity_type, key, page } => {
            let kind = entity_type;
            // A UUID is taken as it is: the trail of a deleted entity stays readable.
            let id = match (kind, Uuid::parse_str(&key)) {
                (_, Ok(id)) => id,
                (EntityKind::Team, _) => reg.team(&Ref::parse(&key)).await?.id,
                (EntityKind::Model, _) => reg.model(&Ref::parse(&key)).await?.id,
                (EntityKind::Environment, _) => reg.environment(&Ref::parse(&key)).await?.id,
                (EntityKind::ModelVersion, _) => reg.version(&VersionRef::parse(&key)?).await?.id,
                (_, Err(_)) => return Err(Error::invalid("key", format!("{key:?} is not a UUID"))),
            };
            reg.audit_of_entity(kind, id, page.page()?).await?
        }
    };
    ctx.out.list(&events, COLUMNS)
}
