//! Deployments: a version running in an environment, and rolling back.

use uuid::Uuid;

use super::{Registry, required, resolve};
use crate::audit::{self, AuditAction};
use crate::deployments::{ActiveDeployment, Deployment, DeploymentFilter, DeploymentStatus, NewDeployment};
use crate::error::{EntityKind, Error, Result};
use crate::refs::{Ref, VersionRef};
use crate::store::{Page, Record};
use crate::validate;
use crate::versions::{ModelVersion, VersionStatus};

fn refuse_deprecated(version: &ModelVersion, model_name: &str) -> Result<()> {
    if version.status == VersionStatus::Deprecated {
        return Err(Error::invalid(
            "version",
            format!(
                "{model_name}@{} is deprecated and cannot be deployed; deploy a version that is not deprecated",
                version.semver
            ),
        ));
    }
    Ok(())
}

impl Registry {
    /// Deploys a version that is not deprecated into an active environment (audited as `deploy`).
    pub async fn deploy(&self, version: &VersionRef, environment: &Ref, new: NewDeployment) -> Result<Deployment> {
        if new.status == DeploymentStatus::Terminated {
            return Err(Error::invalid("status", "a new deployment cannot start terminated"));
        }
        let model_ref = self.model_of(version).await?;
        let mut change = self.change().await?;
        let (model, version) = resolve::version_for_change(&mut change.tx, &model_ref, version).await?;
        refuse_deprecated(&version, &model.name)?;
        let env = resolve::environment(&mut change.tx, environment).await?;
        if !env.is_active {
            return Err(Error::invalid(
                "environment",
                format!("environment {} is inactive; reactivate it or choose another", env.name),
            ));
        }
        let deployment = Deployment {
            id: Uuid::now_v7(),
            version_id: version.id,
            environment_id: env.id,
            name: validate::nfc(&new.name),
            status: new.status,
            endpoint_url: new.endpoint_url,
            replicas: new.replicas,
            cpu_request: new.cpu_request,
            memory_request: new.memory_request,
            gpu_count: new.gpu_count,
            deployed_at: change.now(),
            deployed_by: Some(self.actor.as_str().to_owned()),
            terminated_at: None,
        };
        deployment.validate()?;
        change
            .create(&deployment, Record::Deployment(deployment.clone()), AuditAction::Deploy)
            .await?;
        change.commit().await?;
        Ok(deployment)
    }

    /// The deployment with this id.
    pub async fn deployment(&self, id: Uuid) -> Result<Deployment> {
        required(self.store.deployment(id).await?, EntityKind::Deployment, id)
    }

    /// Deployments in an environment, newest first.
    pub async fn deployments_in(
        &self,
        environment: &Ref,
        filter: DeploymentFilter,
        page: Page,
    ) -> Result<Vec<Deployment>> {
        let env = self.environment(environment).await?;
        self.store.deployments_in(env.id, filter, page).await
    }

    /// Deployments of a version, newest first.
    pub async fn deployments_of_version(
        &self,
        version: &VersionRef,
        filter: DeploymentFilter,
        page: Page,
    ) -> Result<Vec<Deployment>> {
        let found = self.version(version).await?;
        self.store.deployments_of_version(found.id, filter, page).await
    }

    /// Healthy and degraded deployments with their version, model and environment.
    pub async fn active_deployments(&self, page: Page) -> Result<Vec<ActiveDeployment>> {
        self.store.active_deployments(page).await
    }

    /// Moves a deployment to `status`; terminated stamps `terminated_at` and is final.
    pub async fn set_deployment_status(&self, id: Uuid, status: DeploymentStatus) -> Result<Deployment> {
        let mut change = self.change().await?;
        let old = required(change.tx.deployment(id).await?, EntityKind::Deployment, id)?;
        let now = change.now();
        let new = old.with_status(status, now)?;
        if new != old {
            change.update(&old, &new, Record::Deployment(new.clone())).await?;
            change.commit().await?;
        }
        Ok(new)
    }

    /// Terminates a deployment.
    pub async fn terminate_deployment(&self, id: Uuid) -> Result<Deployment> {
        self.set_deployment_status(id, DeploymentStatus::Terminated).await
    }

    /// Sets the number of replicas of a deployment.
    pub async fn scale_deployment(&self, id: Uuid, replicas: i32) -> Result<Deployment> {
        let mut change = self.change().await?;
        let old = required(change.tx.deployment(id).await?, EntityKind::Deployment, id)?;
        let new = old.scaled(replicas)?;
        if new != old {
            change.update(&old, &new, Record::Deployment(new.clone())).await?;
            change.commit().await?;
        }
        Ok(new)
    }

    /// Terminates a deployment and deploys, in the same environment, the
    /// newest version of the same model that ran there before it and is not
    /// deprecated. Returns the new deployment; fails and changes nothing when
    /// there is no such version.
    pub async fn rollback_deployment(&self, id: Uuid) -> Result<Deployment> {
        // The deployment's model first (the lock order), from a read outside the transaction.
        let current = self.deployment(id).await?;
        let version_ref = VersionRef::Id(current.version_id);
        let model_ref = self.model_of(&version_ref).await?;
        let mut change = self.change().await?;
        let (model, version) = resolve::version_for_change(&mut change.tx, &model_ref, &version_ref).await?;
        let current = required(change.tx.deployment(id).await?, EntityKind::Deployment, id)?;
        if current.status == DeploymentStatus::Terminated {
            return Err(Error::invalid(
                "deployment",
                format!("deployment {id} is already terminated; roll back the deployment that replaced it"),
            ));
        }
        let history = change
            .tx
            .deployments_of_model_in(model.id, current.environment_id)
            .await?;
        let mut target = None;
        let mut skipped_deprecated = false;
        for candidate in crate::deployments::rollback_candidates(&current, &history) {
            let candidate_version = required(
                change.tx.version(candidate.version_id).await?,
                EntityKind::ModelVersion,
                candidate.version_id,
            )?;
            if candidate_version.status == VersionStatus::Deprecated {
                skipped_deprecated = true;
                continue;
            }
            target = Some(candidate.clone());
            break;
        }
        let Some(target) = target else {
            let why = if skipped_deprecated {
                "every earlier version deployed there is deprecated"
            } else {
                "no earlier version of this model was deployed in this environment"
            };
            return Err(Error::invalid(
                "deployment",
                format!(
                    "{why} before {}@{} ({}); nothing to roll back to",
                    model.name, version.semver, current.name
                ),
            ));
        };
        let now = change.now();
        let restored = Deployment {
            id: Uuid::now_v7(),
            version_id: target.version_id,
            status: DeploymentStatus::Deploying,
            deployed_at: now,
            deployed_by: Some(self.actor.as_str().to_owned()),
            terminated_at: None,
            ..current.clone()
        };
        restored.validate()?;
        let terminated = current.with_status(DeploymentStatus::Terminated, now)?;
        change
            .update(&current, &terminated, Record::Deployment(terminated.clone()))
            .await?;
        let mut changes = audit::snapshot(&restored)?;
        changes.insert("rolled_back_deployment_id".into(), current.id.to_string().into());
        changes.insert("rolled_back_version_id".into(), current.version_id.to_string().into());
        change.tx.insert(Record::Deployment(restored.clone())).await?;
        change
            .audit(EntityKind::Deployment, restored.id, AuditAction::Rollback, changes)
            .await?;
        change.commit().await?;
        Ok(restored)
    }
}
