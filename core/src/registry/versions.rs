//! Model versions: registration (idempotent), lookup, edits, lifecycle, deletion.

use uuid::Uuid;

use super::{Registry, resolve};
use crate::audit::AuditAction;
use crate::error::{EntityKind, Error, Result};
use crate::refs::{Ref, Selector, VersionRef};
use crate::store::{Page, Record};
use crate::validate;
use crate::versions::{self, ModelVersion, NewVersion, VersionFilter, VersionStatus, VersionUpdate, VersionWithModel};

/// What a registration did: created the version, or found it registered already.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Registered {
    /// The version registered now, or the one registered before.
    pub version: ModelVersion,
    /// False when the same semver, artifact and checksum were registered before.
    pub created: bool,
}

impl Registry {
    /// Registers a new version of a model (status registered). Registering a
    /// semver again with the same artifact URI, framework and checksum
    /// answers the existing version, so a retried step is safe; any
    /// difference is [`Error::Mismatch`] naming the fields.
    pub async fn register(&self, model: &Ref, new: NewVersion) -> Result<Registered> {
        let checksum = new
            .checksum_sha256
            .as_deref()
            .map(validate::checksum_sha256)
            .transpose()?;
        // Checked before it is looked up: a stored semver is always valid.
        versions::parse_semver(&new.semver)?;
        let mut change = self.change().await?;
        let model = resolve::model(&mut change.tx, model).await?;
        if let Some(existing) = change.tx.version_by_semver(model.id, &new.semver).await? {
            let differs = existing.differences(&new)?;
            if differs.is_empty() {
                return Ok(Registered {
                    version: existing,
                    created: false,
                });
            }
            return Err(Error::Mismatch {
                entity: EntityKind::ModelVersion,
                key: format!("{}@{}", model.name, existing.semver),
                fields: differs,
            });
        }
        let mut version = ModelVersion {
            id: Uuid::now_v7(),
            model_id: model.id,
            semver: new.semver,
            artifact_uri: new.artifact_uri,
            framework: new.framework,
            framework_version: new.framework_version,
            python_version: new.python_version,
            status: VersionStatus::Registered,
            size_bytes: new.size_bytes,
            checksum_sha256: checksum,
            metadata: new.metadata,
            created_at: change.now(),
            description: new.description,
        };
        version.canonicalize();
        version.validate()?;
        change
            .create(&version, Record::ModelVersion(version.clone()), AuditAction::Create)
            .await?;
        change.status_changed(&version, None).await?;
        change.commit().await?;
        Ok(Registered { version, created: true })
    }

    /// Registers a version (see [`Registry::register`]) and answers it.
    pub async fn register_version(&self, model: &Ref, new: NewVersion) -> Result<ModelVersion> {
        Ok(self.register(model, new).await?.version)
    }

    /// The version a reference means.
    pub async fn version(&self, version: &VersionRef) -> Result<ModelVersion> {
        resolve::version(&mut self.reads(), version).await
    }

    /// Versions of a model, newest first.
    pub async fn list_versions(&self, model: &Ref, filter: VersionFilter, page: Page) -> Result<Vec<ModelVersion>> {
        let found = self.model(model).await?;
        self.store.list_versions(found.id, filter, page).await
    }

    /// The version of highest SemVer precedence (optionally of one status).
    pub async fn latest_version(&self, model: &Ref, status: Option<VersionStatus>) -> Result<Option<ModelVersion>> {
        // `@latest` and `@production` resolve as references do (by the
        // model's name in one query); a missing version is no answer.
        let selector = match status {
            None => Some(Selector::Latest),
            Some(VersionStatus::Production) => Some(Selector::Production),
            Some(_) => None,
        };
        if let Some(selector) = selector {
            return Ok(resolve::pick(&mut self.reads(), model, &selector).await?.ok());
        }
        let found = self.model(model).await?;
        self.store.latest_version(found.id, VersionFilter { status }).await
    }

    /// The production version of a model, if it has one.
    pub async fn production_version(&self, model: &Ref) -> Result<Option<ModelVersion>> {
        self.latest_version(model, Some(VersionStatus::Production)).await
    }

    /// Changes a version's editable fields (see [`VersionUpdate`]), with one
    /// audit event of the old and new values.
    pub async fn update_version(&self, version: &VersionRef, update: VersionUpdate) -> Result<ModelVersion> {
        let model_ref = self.model_of(version).await?;
        let mut change = self.change().await?;
        let (_, old) = resolve::version_for_change(&mut change.tx, &model_ref, version).await?;
        let mut new = old.edited(update)?;
        new.canonicalize();
        if new != old {
            change.update(&old, &new, Record::ModelVersion(new.clone())).await?;
            change.commit().await?;
        }
        Ok(new)
    }

    /// Moves a version to `status`. Promoting to production archives the
    /// model's previous production version in the same transaction;
    /// deprecated is final, and refused while aliases point at the version.
    pub async fn set_version_status(&self, version: &VersionRef, status: VersionStatus) -> Result<ModelVersion> {
        let model_ref = self.model_of(version).await?;
        let mut change = self.change().await?;
        // Locks the model first, so that concurrent promotions take turns.
        let (model, old) = resolve::version_for_change(&mut change.tx, &model_ref, version).await?;
        versions::check_transition(old.status, status)?;
        if old.status == status {
            return Ok(old);
        }
        if status == VersionStatus::Deprecated {
            let aliases = change.tx.aliases_of_version(old.id).await?;
            if !aliases.is_empty() {
                let names: Vec<&str> = aliases.iter().map(|a| a.name.as_str()).collect();
                return Err(Error::invalid(
                    "status",
                    format!(
                        "{}@{} is the target of the aliases {}; move or remove them before deprecating it",
                        model.name,
                        old.semver,
                        names.join(", ")
                    ),
                ));
            }
        }
        if status == VersionStatus::Production
            && let Some(previous) = change.tx.production_version(model.id).await?
        {
            let archived = ModelVersion {
                status: VersionStatus::Archived,
                ..previous.clone()
            };
            change
                .update(&previous, &archived, Record::ModelVersion(archived.clone()))
                .await?;
            change.status_changed(&archived, Some(previous.status)).await?;
        }
        let new = ModelVersion { status, ..old.clone() };
        change.update(&old, &new, Record::ModelVersion(new.clone())).await?;
        change.status_changed(&new, Some(old.status)).await?;
        change.commit().await?;
        Ok(new)
    }

    /// Every production version with its model.
    pub async fn production_versions(&self, page: Page) -> Result<Vec<VersionWithModel>> {
        self.store.production_versions(page).await
    }

    /// Deletes a version with its runs, metrics and deployments; each alias
    /// pointing at it is removed first, with its own audit event.
    pub async fn delete_version(&self, version: &VersionRef) -> Result<()> {
        let model_ref = self.model_of(version).await?;
        let mut change = self.change().await?;
        let (model, found) = resolve::version_for_change(&mut change.tx, &model_ref, version).await?;
        for alias in change.tx.aliases_of_version(found.id).await? {
            change.tx.delete(crate::store::RecordKind::ModelAlias, alias.id).await?;
            change.alias_moved(model.id, &alias.name, Some(&found), None).await?;
        }
        change.delete(EntityKind::ModelVersion, found.id, &found).await?;
        change.commit().await
    }
}
