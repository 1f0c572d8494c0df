//! Training runs and the metrics of versions.

use modelreg_core::metrics::{MetricFilter, NewMetric};
use modelreg_core::runs::{NewRun, RunFilter, RunFinish};
use pyo3::prelude::*;

use super::{Answer, Any, Registry};
use crate::convert;

listings! {
    /// Runs of a version, newest first, optionally of one status.
    fn runs_of_version(version = version_ref(), status: RunFilter);

    /// Runs of every version of a model, newest first, optionally of one status.
    fn runs_of_model(model = entity_ref("model"), status: RunFilter);

    /// The newest value of each metric name of a version.
    fn latest_metrics(version = version_ref());
}

#[pymethods]
impl Registry {
    // Training runs.

    /// Starts a training run of a version (status "running", now unless started_at is given).
    #[pyo3(signature = (
        version, run_name, *, started_at=None, gpu_hours=None, cost_usd=None, dataset_name=None,
        dataset_version=None, hyperparameters=None, environment=None, created_by=None
    ))]
    #[allow(clippy::too_many_arguments)]
    fn start_run<'py>(
        &self,
        py: Python<'py>,
        version: &Any<'py>,
        run_name: String,
        started_at: Option<&Any<'py>>,
        gpu_hours: Option<f64>,
        cost_usd: Option<f64>,
        dataset_name: Option<String>,
        dataset_version: Option<String>,
        hyperparameters: Option<&Any<'py>>,
        environment: Option<&Any<'py>>,
        created_by: Option<String>,
    ) -> Answer<'py> {
        let version = convert::version_ref(version)?;
        let mut new = NewRun::named(run_name);
        new.started_at = convert::opt_timestamp("started_at", started_at)?;
        new.gpu_hours = gpu_hours.unwrap_or(new.gpu_hours);
        new.cost_usd = cost_usd;
        new.dataset_name = dataset_name;
        new.dataset_version = dataset_version;
        new.hyperparameters =
            convert::opt_json_object("hyperparameters", hyperparameters)?.unwrap_or(new.hyperparameters);
        new.environment = convert::opt_json_object("environment", environment)?.unwrap_or(new.environment);
        new.created_by = created_by;
        self.ask(py, |api| async move { api.start_run(&version, new).await })
    }

    /// The training run with this id.
    fn run<'py>(&self, py: Python<'py>, run: &Any<'py>) -> Answer<'py> {
        let id = convert::id("run", run)?;
        self.ask(py, |api| async move { api.run(id).await })
    }

    /// Ends a running run as "succeeded", "failed", "cancelled" or "timeout";
    /// completed_at defaults to now and the duration to the time since it started.
    #[pyo3(signature = (run, status, *, completed_at=None, duration_seconds=None, gpu_hours=None, cost_usd=None))]
    #[allow(clippy::too_many_arguments)]
    fn finish_run<'py>(
        &self,
        py: Python<'py>,
        run: &Any<'py>,
        status: &str,
        completed_at: Option<&Any<'py>>,
        duration_seconds: Option<i64>,
        gpu_hours: Option<f64>,
        cost_usd: Option<f64>,
    ) -> Answer<'py> {
        let id = convert::id("run", run)?;
        let finish = RunFinish {
            status: convert::closed(status)?,
            completed_at: convert::opt_timestamp("completed_at", completed_at)?,
            duration_seconds,
            gpu_hours,
            cost_usd,
        };
        self.ask(py, |api| async move { api.finish_run(id, finish).await })
    }

    /// Cost and GPU hours of every run, or of one model's runs.
    #[pyo3(signature = (model=None))]
    fn cost_summary<'py>(&self, py: Python<'py>, model: Option<&Any<'py>>) -> Answer<'py> {
        let model = convert::opt_entity_ref("model", model)?;
        self.ask(py, |api| async move { api.cost_summary(model.as_ref()).await })
    }

    // Metrics.

    /// Records a metric of a version, measured on a split ("train",
    /// "validation", "test" or "production"), now unless recorded_at is given.
    #[pyo3(signature = (version, name, value, *, split, recorded_at=None))]
    fn record_metric<'py>(
        &self,
        py: Python<'py>,
        version: &Any<'py>,
        name: String,
        value: f64,
        split: &str,
        recorded_at: Option<&Any<'py>>,
    ) -> Answer<'py> {
        let version = convert::version_ref(version)?;
        let mut new = NewMetric::new(name, value, convert::closed(split)?);
        new.recorded_at = convert::opt_timestamp("recorded_at", recorded_at)?;
        self.ask(py, |api| async move { api.record_metric(&version, new).await })
    }

    /// Metrics of a version, newest first, optionally of one name or split.
    #[pyo3(signature = (version, *, name=None, split=None, offset=0, limit=None))]
    fn metrics_of_version<'py>(
        &self,
        py: Python<'py>,
        version: &Any<'py>,
        name: Option<String>,
        split: Option<&str>,
        offset: u64,
        limit: Option<u32>,
    ) -> Answer<'py> {
        let version = convert::version_ref(version)?;
        let filter = MetricFilter {
            name,
            split: convert::opt_closed(split)?,
        };
        let page = convert::page(offset, limit)?;
        self.ask(py, |api| async move {
            api.metrics_of_version(&version, &filter, page).await
        })
    }
}
