//! `modelreg audit`: the audit trail of every change.

use clap::Subcommand;
use modelreg_core::{EntityKind, Error, Ref, RegistryApi, Result, VersionRef};
use uuid::Uuid;

use crate::args::{PageArgs, QueryArgs, one_of};
use crate::session::Ctx;

const COLUMNS: &[&str] = &["timestamp", "actor", "action", "entity_type", "entity_id", "changes"];

#[derive(Debug, Subcommand)]
pub enum AuditCmd {
    /// The most recent changes (--filter, --sort, --next: the query language)
    Recent {
        #[command(flatten)]
        query: QueryArgs,
        #[command(flatten)]
        page: PageArgs,
    },
    /// Changes made by one actor
    Actor {
        actor: String,
        #[command(flatten)]
        query: QueryArgs,
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
        query: QueryArgs,
        #[command(flatten)]
        page: PageArgs,
    },
}

pub async fn run(cmd: AuditCmd, ctx: &Ctx) -> Result<()> {
    let reg = ctx.reg.as_ref();
    let (events, next, query) = match cmd {
        AuditCmd::Recent { query, page } if !query.used() => (reg.recent_audit(page.page()?).await?, None, query),
        AuditCmd::Actor { actor, query, page } if !query.used() => {
            (reg.audit_by_actor(&actor, page.page()?).await?, None, query)
        }
        AuditCmd::Entity {
            entity_type,
            key,
            query,
            page,
        } if !query.used() => {
            let id = entity_id(reg, entity_type, &key).await?;
            (reg.audit_of_entity(entity_type, id, page.page()?).await?, None, query)
        }
        AuditCmd::Recent { query, page } => {
            let found = reg.find_audit(&query.query(page)).await?;
            (found.items, found.next, query)
        }
        AuditCmd::Actor { actor, query, page } => {
            let found = reg
                .find_audit(&query.query(page).and_equals("actor", Some(&actor)))
                .await?;
            (found.items, found.next, query)
        }
        AuditCmd::Entity {
            entity_type,
            key,
            query,
            page,
        } => {
            let id = entity_id(reg, entity_type, &key).await?.to_string();
            let wanted = query.query(page).and_equals("entity_type", Some(entity_type.as_str()));
            let found = reg.find_audit(&wanted.and_equals("entity_id", Some(&id))).await?;
            (found.items, found.next, query)
        }
    };
    ctx.out.page(&events, next.as_deref(), query.used(), COLUMNS)
}

/// The id of the entity `key` names.
async fn entity_id(reg: &dyn RegistryApi, kind: EntityKind, key: &str) -> Result<Uuid> {
    // A UUID is taken as it is: the trail of a deleted entity stays readable.
    Ok(match (kind, Uuid::parse_str(key)) {
        (_, Ok(id)) => id,
        (EntityKind::Team, _) => reg.team(&Ref::parse(key)).await?.id,
        (EntityKind::Model, _) => reg.model(&Ref::parse(key)).await?.id,
        (EntityKind::Environment, _) => reg.environment(&Ref::parse(key)).await?.id,
        (EntityKind::ModelVersion, _) => reg.version(&VersionRef::parse(key)?).await?.id,
        (_, Err(_)) => return Err(Error::invalid("key", format!("{key:?} is not a UUID"))),
    })
}
