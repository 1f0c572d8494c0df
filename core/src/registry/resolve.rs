//! Turning references into entities, the same way inside a write
//! transaction (where the rows read are locked) and outside one.

use async_trait::async_trait;
use uuid::Uuid;

use super::{Registry, required};
use crate::environments::Environment;
use crate::error::{EntityKind, Error, Result};
use crate::models::Model;
use crate::refs::{Ref, Selector, VersionRef};
use crate::store::{Store, Tx};
use crate::teams::Team;
use crate::validate;
use crate::versions::{ModelVersion, VersionFilter, VersionStatus};

/// The lookups a reference needs; answered by a transaction or by the store.
#[async_trait]
pub(super) trait Lookups: Send {
    async fn team_by_id(&mut self, id: Uuid) -> Result<Option<Team>>;
    async fn team_by_name(&mut self, name: &str) -> Result<Option<Team>>;
    async fn model_by_id(&mut self, id: Uuid) -> Result<Option<Model>>;
    async fn model_by_name(&mut self, name: &str) -> Result<Option<Model>>;
    async fn environment_by_id(&mut self, id: Uuid) -> Result<Option<Environment>>;
    async fn environment_by_name(&mut self, name: &str) -> Result<Option<Environment>>;
    async fn version_by_id(&mut self, id: Uuid) -> Result<Option<ModelVersion>>;
    async fn version_by_semver(&mut self, model_id: Uuid, semver: &str) -> Result<Option<ModelVersion>>;
    async fn latest_version(&mut self, model_id: Uuid, status: Option<VersionStatus>) -> Result<Option<ModelVersion>>;
    /// The version a model's alias points to.
    async fn alias_version(&mut self, model_id: Uuid, alias: &str) -> Result<Option<ModelVersion>>;
    /// `MODEL@SELECTOR` by the model's name in one step, where the source
    /// can (none: not found, or the source cannot, and the caller looks again).
    async fn version_of_named_model(&mut self, _model: &str, _selector: &Selector) -> Result<Option<ModelVersion>> {
        Ok(None)
    }
}

#[async_trait]
impl<'a> Lookups for Box<dyn Tx + 'a> {
    async fn team_by_id(&mut self, id: Uuid) -> Result<Option<Team>> {
        self.team(id).await
    }
    async fn team_by_name(&mut self, name: &str) -> Result<Option<Team>> {
        Tx::team_by_name(self.as_mut(), name).await
    }
    async fn model_by_id(&mut self, id: Uuid) -> Result<Option<Model>> {
        self.model(id).await
    }
    async fn model_by_name(&mut self, name: &str) -> Result<Option<Model>> {
        Tx::model_by_name(self.as_mut(), name).await
    }
    async fn environment_by_id(&mut self, id: Uuid) -> Result<Option<Environment>> {
        self.environment(id).await
    }
    async fn environment_by_name(&mut self, name: &str) -> Result<Option<Environment>> {
        Tx::environment_by_name(self.as_mut(), name).await
    }
    async fn version_by_id(&mut self, id: Uuid) -> Result<Option<ModelVersion>> {
        self.version(id).await
    }
    async fn version_by_semver(&mut self, model_id: Uuid, semver: &str) -> Result<Option<ModelVersion>> {
        Tx::version_by_semver(self.as_mut(), model_id, semver).await
    }
    async fn latest_version(&mut self, model_id: Uuid, status: Option<VersionStatus>) -> Result<Option<ModelVersion>> {
        Tx::latest_version(self.as_mut(), model_id, VersionFilter { status }).await
    }
    async fn alias_version(&mut self, model_id: Uuid, alias: &str) -> Result<Option<ModelVersion>> {
        match self.alias(model_id, alias).await? {
            Some(found) => self.version(found.version_id).await,
            None => Ok(None),
        }
    }
}

/// The store, read outside any transaction.
pub(super) struct Reads<'a>(pub(super) &'a dyn Store);

#[async_trait]
impl Lookups for Reads<'_> {
    async fn team_by_id(&mut self, id: Uuid) -> Result<Option<Team>> {
        self.0.team(id).await
    }
    async fn team_by_name(&mut self, name: &str) -> Result<Option<Team>> {
        self.0.team_by_name(name).await
    }
    async fn model_by_id(&mut self, id: Uuid) -> Result<Option<Model>> {
        self.0.model(id).await
    }
    async fn model_by_name(&mut self, name: &str) -> Result<Option<Model>> {
        self.0.model_by_name(name).await
    }
    async fn environment_by_id(&mut self, id: Uuid) -> Result<Option<Environment>> {
        self.0.environment(id).await
    }
    async fn environment_by_name(&mut self, name: &str) -> Result<Option<Environment>> {
        self.0.environment_by_name(name).await
    }
    async fn version_by_id(&mut self, id: Uuid) -> Result<Option<ModelVersion>> {
        self.0.version(id).await
    }
    async fn version_by_semver(&mut self, model_id: Uuid, semver: &str) -> Result<Option<ModelVersion>> {
        self.0.version_by_semver(model_id, semver).await
    }
    async fn latest_version(&mut self, model_id: Uuid, status: Option<VersionStatus>) -> Result<Option<ModelVersion>> {
        self.0.latest_version(model_id, VersionFilter { status }).await
    }
    async fn alias_version(&mut self, model_id: Uuid, alias: &str) -> Result<Option<ModelVersion>> {
        match self.0.alias(model_id, alias).await? {
            Some(found) => self.0.version(found.version_id).await,
            None => Ok(None),
        }
    }
    async fn version_of_named_model(&mut self, model: &str, selector: &Selector) -> Result<Option<ModelVersion>> {
        self.0.version_in_named_model(model, selector).await
    }
}

/// Finds the entity a [`Ref`] means: by id (falling back to the name, for a
/// name that looks like an id) or by name.
macro_rules! by_ref {
    ($name:ident, $ty:ty, $kind:expr, $by_id:ident, $by_name:ident) => {
        pub(super) async fn $name(source: &mut impl Lookups, r: &Ref) -> Result<$ty> {
            let found = match r {
                Ref::Id(id) => match source.$by_id(*id).await? {
                    Some(found) => Some(found),
                    None => source.$by_name(&id.to_string()).await?,
                },
                // Names are stored in NFC: a look-alike spelling finds the same entity.
                Ref::Name(name) => source.$by_name(&validate::nfc(name)).await?,
            };
            required(found, $kind, r)
        }
    };
}

by_ref!(team, Team, EntityKind::Team, team_by_id, team_by_name);
by_ref!(model, Model, EntityKind::Model, model_by_id, model_by_name);
by_ref!(
    environment,
    Environment,
    EntityKind::Environment,
    environment_by_id,
    environment_by_name
);

/// The version `selector` picks of the model `model_ref` names; when the
/// model (which must exist) has no such version, the model instead.
pub(super) async fn pick(
    source: &mut impl Lookups,
    model_ref: &Ref,
    selector: &Selector,
) -> Result<std::result::Result<ModelVersion, Model>> {
    // The common case, `NAME@…` read outside a change, in one query.
    if let Ref::Name(name) = model_ref
        && let Some(found) = source.version_of_named_model(&validate::nfc(name), selector).await?
    {
        return Ok(Ok(found));
    }
    let model = model(source, model_ref).await?;
    let found = match selector {
        Selector::Semver(semver) => source.version_by_semver(model.id, semver).await?,
        Selector::Latest => source.latest_version(model.id, None).await?,
        Selector::Production => source.latest_version(model.id, Some(VersionStatus::Production)).await?,
        Selector::Alias(alias) => source.alias_version(model.id, alias).await?,
    };
    Ok(found.ok_or(model))
}

/// Finds the version a [`VersionRef`] means.
pub(super) async fn version(source: &mut impl Lookups, r: &VersionRef) -> Result<ModelVersion> {
    let (model_ref, selector) = match r {
        VersionRef::Id(id) => return required(source.version_by_id(*id).await?, EntityKind::ModelVersion, id),
        VersionRef::Of { model, selector } => (model, selector),
    };
    // Say which part is missing: the model (`pick` fails), or this version of it.
    pick(source, model_ref, selector)
        .await?
        .map_err(|model| match selector {
            Selector::Semver(_) => {
                Error::not_found(EntityKind::ModelVersion, format_args!("{}@{selector}", model.name))
            }
            Selector::Latest => Error::not_found(
                EntityKind::ModelVersion,
                format_args!("{}@latest (the model has no versions)", model.name),
            ),
            Selector::Production => Error::not_found(
                EntityKind::ModelVersion,
                format_args!("{}@production (no version of the model is in production)", model.name),
            ),
            Selector::Alias(alias) => Error::not_found(
                EntityKind::ModelVersion,
                format_args!("{}@{alias} (the model has no alias {alias})", model.name),
            ),
        })
}

impl Registry {
    /// The store, read outside a transaction, for resolving references.
    pub(super) fn reads(&self) -> Reads<'_> {
        Reads(self.store.as_ref())
    }
}

impl Registry {
    /// The model a version reference is about, for locking it first. A
    /// reference by id reads the version outside any transaction: call this
    /// BEFORE beginning the change (a read through the store while a change
    /// holds a connection would need a second one). A version never moves
    /// to another model, so the answer stays true.
    pub(super) async fn model_of(&self, r: &VersionRef) -> Result<Ref> {
        match r {
            VersionRef::Id(id) => {
                let found = required(self.store.version(*id).await?, EntityKind::ModelVersion, id)?;
                Ok(Ref::Id(found.model_id))
            }
            VersionRef::Of { model, .. } => Ok(model.clone()),
        }
    }
}

/// Locks, for a change, the version a reference means and its model (from
/// [`Registry::model_of`]), in the registry's lock order: a model before
/// any of its versions (see `change.rs`).
pub(super) async fn version_for_change(
    tx: &mut Box<dyn Tx + '_>,
    model_ref: &Ref,
    r: &VersionRef,
) -> Result<(Model, ModelVersion)> {
    let model = model(tx, model_ref).await?;
    let version = match r {
        VersionRef::Id(id) => required(tx.version_by_id(*id).await?, EntityKind::ModelVersion, id)?,
        VersionRef::Of { selector, .. } => version(tx, &VersionRef::of(Ref::Id(model.id), selector.clone())).await?,
    };
    Ok((model, version))
}
