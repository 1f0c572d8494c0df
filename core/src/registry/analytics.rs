//! Figures across entities.

use super::Registry;
use crate::analytics::{DeploymentStatusCounts, Stats};
use crate::deployments::DeploymentStatus;
use crate::error::{Error, Result};
use crate::models::Model;
use crate::store::Page;
use crate::time;

/// The longest look-back of the stale-models report, in days.
pub const MAX_STALE_DAYS: u32 = 100 * 366;

impl Registry {
    /// Deployments per status; every status is present, with 0 when it has none.
    pub async fn deployment_status_counts(&self) -> Result<DeploymentStatusCounts> {
        let mut counts: DeploymentStatusCounts = DeploymentStatus::ALL.iter().map(|s| (*s, 0)).collect();
        counts.extend(self.store.deployment_status_counts().await?);
        Ok(counts)
    }

    /// Active models with no training run started in the last `days` days.
    pub async fn stale_models(&self, days: u32, page: Page) -> Result<Vec<Model>> {
        if days > MAX_STALE_DAYS {
            return Err(Error::invalid(
                "days",
                format!("must be at most {MAX_STALE_DAYS} (got {days})"),
            ));
        }
        let since = time::now() - chrono::Duration::days(days.into());
        self.store.models_not_trained_since(since, page).await
    }

    /// How many of each entity the registry holds.
    pub async fn stats(&self) -> Result<Stats> {
        self.store.stats().await
    }
}
