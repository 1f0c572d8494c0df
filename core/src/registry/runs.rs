//! Training runs and what they cost.

use uuid::Uuid;

use super::{Registry, required, resolve};
use crate::audit::AuditAction;
use crate::error::{EntityKind, Result};
use crate::refs::{Ref, VersionRef};
use crate::runs::{CostSummary, NewRun, RunFilter, RunFinish, RunStatus, TrainingRun};
use crate::store::{Page, Record};
use crate::time;
use crate::validate;

impl Registry {
    /// Starts a training run of a version.
    pub async fn start_run(&self, version: &VersionRef, new: NewRun) -> Result<TrainingRun> {
        let mut change = self.change().await?;
        let version = resolve::version(&mut change.tx, version).await?;
        let now = change.now();
        let mut run = TrainingRun {
            id: Uuid::now_v7(),
            version_id: version.id,
            run_name: validate::nfc(&new.run_name),
            status: RunStatus::Running,
            started_at: new.started_at.map(time::truncate).unwrap_or(now),
            completed_at: None,
            duration_seconds: None,
            gpu_hours: new.gpu_hours,
            cost_usd: new.cost_usd,
            dataset_name: new.dataset_name,
            dataset_version: new.dataset_version,
            hyperparameters: new.hyperparameters,
            environment: new.environment,
            created_by: new.created_by,
        };
        run.canonicalize();
        run.validate()?;
        change
            .create(&run, Record::TrainingRun(run.clone()), AuditAction::Create)
            .await?;
        change.commit().await?;
        Ok(run)
    }

    /// The run with this id.
    pub async fn run(&self, id: Uuid) -> Result<TrainingRun> {
        required(self.store.run(id).await?, EntityKind::TrainingRun, id)
    }

    /// Runs of a version, newest first.
    pub async fn runs_of_version(
        &self,
        version: &VersionRef,
        filter: RunFilter,
        page: Page,
    ) -> Result<Vec<TrainingRun>> {
        let found = self.version(version).await?;
        self.store.runs_of_version(found.id, filter, page).await
    }

    /// Runs of every version of a model, newest first.
    pub async fn runs_of_model(&self, model: &Ref, filter: RunFilter, page: Page) -> Result<Vec<TrainingRun>> {
        let found = self.model(model).await?;
        self.store.runs_of_model(found.id, filter, page).await
    }

    /// Ends a running run.
    pub async fn finish_run(&self, id: Uuid, finish: RunFinish) -> Result<TrainingRun> {
        let mut change = self.change().await?;
        let old = required(change.tx.run(id).await?, EntityKind::TrainingRun, id)?;
        let now = change.now();
        let mut new = old.finished(finish, now)?;
        new.canonicalize();
        change.update(&old, &new, Record::TrainingRun(new.clone())).await?;
        change.commit().await?;
        Ok(new)
    }

    /// Total cost, GPU hours and run count: of every run, or of one model's.
    pub async fn cost_summary(&self, model: Option<&Ref>) -> Result<CostSummary> {
        let model_id = match model {
            Some(model) => Some(self.model(model).await?.id),
            None => None,
        };
        self.store.cost_summary(model_id).await
    }
}
