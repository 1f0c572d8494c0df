//! Aliases: a model's names for its versions, set, moved and removed with
//! an audit event and a history row each.

use uuid::Uuid;

use super::{Registry, resolve};
use crate::aliases::{self, Alias, AliasWithVersion};
use crate::error::{EntityKind, Error, Result};
use crate::refs::{Ref, VersionRef};
use crate::store::{Page, Record, RecordKind};
use crate::versions::VersionStatus;

impl Registry {
    /// Points the model's alias `name` at a version (setting or moving it).
    /// A deprecated version cannot carry an alias.
    pub async fn set_alias(&self, version: &VersionRef, name: &str) -> Result<Alias> {
        aliases::check_name(name)?;
        let model_ref = self.model_of(version).await?;
        let mut change = self.change().await?;
        let (model, target) = resolve::version_for_change(&mut change.tx, &model_ref, version).await?;
        if target.status == VersionStatus::Deprecated {
            return Err(Error::invalid(
                "version",
                format!(
                    "{}@{} is deprecated: an alias cannot point at it",
                    model.name, target.semver
                ),
            ));
        }
        let now = change.now();
        let existing = change.tx.alias(model.id, name).await?;
        let (alias, previous) = match existing {
            Some(alias) if alias.version_id == target.id => return Ok(alias),
            Some(alias) => {
                let previous = change.tx.version(alias.version_id).await?;
                let moved = Alias {
                    version_id: target.id,
                    assigned_at: now,
                    ..alias
                };
                change.tx.update(Record::ModelAlias(moved.clone())).await?;
                (moved, previous)
            }
            None => {
                let alias = Alias {
                    id: Uuid::now_v7(),
                    model_id: model.id,
                    name: name.to_owned(),
                    version_id: target.id,
                    assigned_at: now,
                };
                change.tx.insert(Record::ModelAlias(alias.clone())).await?;
                (alias, None)
            }
        };
        change
            .alias_moved(model.id, name, previous.as_ref(), Some(&target))
            .await?;
        change.commit().await?;
        Ok(alias)
    }

    /// Removes the model's alias `name`. False when the model has no such alias.
    pub async fn remove_alias(&self, model: &Ref, name: &str) -> Result<bool> {
        let mut change = self.change().await?;
        let model = resolve::model(&mut change.tx, model).await?;
        let Some(alias) = change.tx.alias(model.id, name).await? else {
            return Ok(false);
        };
        let previous = change.tx.version(alias.version_id).await?;
        change.tx.delete(RecordKind::ModelAlias, alias.id).await?;
        change.alias_moved(model.id, name, previous.as_ref(), None).await?;
        change.commit().await?;
        Ok(true)
    }

    /// A model's aliases with the semvers they point to, by name.
    pub async fn aliases_of_model(&self, model: &Ref, page: Page) -> Result<Vec<AliasWithVersion>> {
        let found = self.model(model).await?;
        self.store.aliases_of_model(found.id, page).await
    }

    /// The alias `name` of a model.
    pub async fn alias(&self, model: &Ref, name: &str) -> Result<Alias> {
        let found = self.model(model).await?;
        self.store
            .alias(found.id, name)
            .await?
            .ok_or_else(|| Error::not_found(EntityKind::Model, format_args!("{}@{name} (no such alias)", found.name)))
    }
}
