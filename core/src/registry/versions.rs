//! Model versions: registration, lookup, lifecycle, deletion.

use uuid::Uuid;

use super::{Registry, resolve};
use crate::audit::AuditAction;
use crate::error::{EntityKind, Result};
use crate::refs::{Ref, VersionRef};
use crate::store::{Page, Record};
use crate::validate;
use crate::versions::{self, ModelVersion, NewVersion, VersionFilter, VersionStatus, VersionWithModel};

impl Registry {
    /// Registers a new version of a model (status registered).
    pub async fn register_version(&self, model: &Ref, new: NewVersion) -> Result<ModelVersion> {
        let checksum = new
            .checksum_sha256
            .as_deref()
            .map(validate::checksum_sha256)
            .transpose()?;
        let mut change = self.change().await?;
        let model = resolve::model(&mut change.tx, model).await?;
        let version = ModelVersion {
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
        };
        version.validate()?;
        change
            .create(&version, Record::ModelVersion(version.clone()), AuditAction::Create)
            .await?;
        change.commit().await?;
        Ok(version)
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
        let found = self.model(model).await?;
        self.store.latest_version(found.id, VersionFilter { status }).await
    }

    /// The production version of a model, if it has one.
    pub async fn production_version(&self, model: &Ref) -> Result<Option<ModelVersion>> {
        self.latest_version(model, Some(VersionStatus::Production)).await
    }

    /// Moves a version to `status`. Promoting to production archives the
    /// model's previous production version in the same transaction;
    /// deprecated is final.
    pub async fn set_version_status(&self, version: &VersionRef, status: VersionStatus) -> Result<ModelVersion> {
        let model_ref = self.model_of(version).await?;
        let mut change = self.change().await?;
        // Locks the model first, so that concurrent promotions take turns.
        let (model, old) = resolve::version_for_change(&mut change.tx, &model_ref, version).await?;
        versions::check_transition(old.status, status)?;
        if old.status == status {
            return Ok(old);
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
        }
        let new = ModelVersion { status, ..old.clone() };
        change.update(&old, &new, Record::ModelVersion(new.clone())).await?;
        change.commit().await?;
        Ok(new)
    }

    /// Every production version with its model.
    pub async fn production_versions(&self, page: Page) -> Result<Vec<VersionWithModel>> {
        self.store.production_versions(page).await
    }

    /// Deletes a version with its runs, metrics and deployments.
    pub async fn delete_version(&self, version: &VersionRef) -> Result<()> {
        let model_ref = self.model_of(version).await?;
        let mut change = self.change().await?;
        let (_, found) = resolve::version_for_change(&mut change.tx, &model_ref, version).await?;
        change.delete(EntityKind::ModelVersion, found.id, &found).await?;
        change.commit().await
    }
}
