//! Metrics measured on versions.

use uuid::Uuid;

use super::{Registry, resolve};
use crate::audit::AuditAction;
use crate::error::Result;
use crate::metrics::{Metric, MetricFilter, NewMetric};
use crate::refs::VersionRef;
use crate::store::{Page, Record};
use crate::time;
use crate::validate;

impl Registry {
    /// Records a metric of a version.
    pub async fn record_metric(&self, version: &VersionRef, new: NewMetric) -> Result<Metric> {
        let mut change = self.change().await?;
        let version = resolve::version(&mut change.tx, version).await?;
        let now = change.now();
        let metric = Metric {
            id: Uuid::now_v7(),
            version_id: version.id,
            name: validate::nfc(&new.name),
            value: validate::canonical_float(new.value),
            split: new.split,
            recorded_at: new.recorded_at.map(time::truncate).unwrap_or(now),
        };
        metric.validate()?;
        change
            .create(&metric, Record::Metric(metric.clone()), AuditAction::Create)
            .await?;
        change.commit().await?;
        Ok(metric)
    }

    /// Metrics of a version, newest first.
    pub async fn metrics_of_version(
        &self,
        version: &VersionRef,
        filter: &MetricFilter,
        page: Page,
    ) -> Result<Vec<Metric>> {
        let found = self.version(version).await?;
        self.store.metrics_of_version(found.id, filter, page).await
    }

    /// The newest value of each metric name of a version, by name.
    pub async fn latest_metrics(&self, version: &VersionRef, page: Page) -> Result<Vec<Metric>> {
        let found = self.version(version).await?;
        self.store.latest_metrics(found.id, page).await
    }
}
