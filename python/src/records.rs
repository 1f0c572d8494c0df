//! What the registry answers, as immutable Python objects: one frozen class
//! per result type of `modelreg-core`, with a typed attribute per field
//! (`datetime` in UTC, `uuid.UUID`, `dict` for JSON, closed sets as `str`)
//! and `to_dict()`. Each class names every field of its core type: a field
//! added in core and not here fails to compile.

use std::collections::BTreeMap;

use modelreg_core as mr;
use pyo3::IntoPyObjectExt;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyTuple, PyType};

use crate::convert::json_to_py;

/// A value of the registry as Python sees it.
pub trait ToPy {
    /// As an attribute of a result: records as their classes.
    fn to_py<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>>;

    /// Inside `to_dict()`: records as dicts, everything else as [`ToPy::to_py`].
    fn to_plain<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.to_py(py)
    }
}

macro_rules! via_pyo3 {
    ($($ty:ty),*) => {$(
        impl ToPy for $ty {
            fn to_py<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
                self.clone().into_bound_py_any(py)
            }
        }
    )*};
}

via_pyo3!(String, bool, i32, i64, u64, f64, uuid::Uuid, mr::Timestamp);

macro_rules! as_text {
    ($($ty:ty),*) => {$(
        impl ToPy for $ty {
            fn to_py<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
                self.as_str().into_bound_py_any(py)
            }
        }
    )*};
}

as_text!(
    mr::models::RiskLevel,
    mr::versions::Framework,
    mr::versions::VersionStatus,
    mr::runs::RunStatus,
    mr::metrics::Split,
    mr::environments::EnvironmentKind,
    mr::deployments::DeploymentStatus,
    mr::AuditAction,
    mr::EntityKind,
    mr::RecordKind
);

impl<T: ToPy> ToPy for Option<T> {
    fn to_py<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        match self {
            Some(value) => value.to_py(py),
            None => Ok(py.None().into_bound(py)),
        }
    }

    fn to_plain<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        match self {
            Some(value) => value.to_plain(py),
            None => Ok(py.None().into_bound(py)),
        }
    }
}

impl<T: ToPy> ToPy for Vec<T> {
    fn to_py<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let items = self.iter().map(|item| item.to_py(py)).collect::<PyResult<Vec<_>>>()?;
        Ok(PyList::new(py, items)?.into_any())
    }

    fn to_plain<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let items = self
            .iter()
            .map(|item| item.to_plain(py))
            .collect::<PyResult<Vec<_>>>()?;
        Ok(PyList::new(py, items)?.into_any())
    }
}

impl<K: ToPy, V: ToPy> ToPy for BTreeMap<K, V> {
    fn to_py<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let dict = PyDict::new(py);
        for (key, value) in self {
            dict.set_item(key.to_py(py)?, value.to_py(py)?)?;
        }
        Ok(dict.into_any())
    }
}

impl ToPy for mr::validate::JsonObject {
    fn to_py<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let dict = PyDict::new(py);
        for (key, value) in self {
            dict.set_item(key, json_to_py(py, value)?)?;
        }
        Ok(dict.into_any())
    }
}

/// `repr()` of a result: `Name(field=value, …)`.
fn repr(class: &str, fields: &[(&str, Bound<'_, PyAny>)]) -> PyResult<String> {
    let parts = fields
        .iter()
        .map(|(name, value)| Ok(format!("{name}={}", value.repr()?)))
        .collect::<PyResult<Vec<_>>>()?;
    Ok(format!("{class}({})", parts.join(", ")))
}

macro_rules! records {
    ($(
        $(#[doc = $doc:literal])*
        $name:ident = $($core:ident)::+ $([kind = $kind:literal])? {
            $( $(#[doc = $fdoc:literal])* $field:ident ),* $(,)?
        }
    )*) => {$(
        $(#[doc = $doc])*
        #[pyclass(frozen, eq, module = "modelreg")]
        #[derive(Clone, PartialEq)]
        pub struct $name(pub $($core)::+);

        impl $name {
            /// The fields, in declaration order (the kind first, when the class has one).
            fn fields<'py>(
                &self,
                py: Python<'py>,
                plain: bool,
            ) -> PyResult<Vec<(&'static str, Bound<'py, PyAny>)>> {
                // Names every field of the core type, so that one added there
                // and not here is a compile error.
                let $($core)::+ { $($field),* } = &self.0;
                #[allow(unused_mut)]
                let mut fields = Vec::new();
                $( fields.push(("kind", $kind.into_bound_py_any(py)?)); )?
                $( fields.push((
                    stringify!($field),
                    if plain { $field.to_plain(py)? } else { $field.to_py(py)? },
                )); )*
                Ok(fields)
            }
        }

        #[pymethods]
        impl $name {
            $(
                /// The kind of change: `"status"` or `"alias"`.
                #[getter]
                fn kind(&self) -> &'static str {
                    $kind
                }
            )?

            $(
                $(#[doc = $fdoc])*
                #[getter]
                #[allow(clippy::wrong_self_convention)] // from_status and from_version_id are fields
                fn $field<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
                    self.0.$field.to_py(py)
                }
            )*

            /// The fields as a new dict; nested results become dicts too.
            fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
                let dict = PyDict::new(py);
                for (name, value) in self.fields(py, true)? {
                    dict.set_item(name, value)?;
                }
                Ok(dict)
            }

            fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
                repr(stringify!($name), &self.fields(py, false)?)
            }
        }

        impl ToPy for $($core)::+ {
            fn to_py<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
                Ok(Bound::new(py, $name(self.clone()))?.into_any())
            }

            fn to_plain<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
                let dict = PyDict::new(py);
                for (name, value) in $name(self.clone()).fields(py, true)? {
                    dict.set_item(name, value)?;
                }
                Ok(dict.into_any())
            }
        }
    )*

        /// Adds the result classes to the module.
        pub fn register(module: &Bound<'_, PyModule>) -> PyResult<()> {
            $( module.add_class::<$name>()?; )*
            module.add_class::<Page>()?;
            Ok(())
        }
    };
}

records! {
    /// A team that owns models.
    Team = mr::teams::Team {
        /// The team's id (a UUID made by the registry).
        id,
        /// Unique among teams.
        name,
        /// The department the team belongs to.
        department,
        /// Where the team's spending is booked.
        cost_center,
        /// False once the team is deactivated.
        active,
        /// When the team was created (UTC).
        created_at,
    }

    /// A machine-learning model: the unit that has versions.
    Model = mr::models::Model {
        /// The model's id.
        id,
        /// Unique among models.
        name,
        /// Free text about the model.
        description,
        /// What the model is used for.
        use_case,
        /// The owning team's id, if it has a team.
        team_id,
        /// "low", "medium", "high" or "critical".
        risk_level,
        /// Whether the model is subject to compliance review.
        compliance_required,
        /// False for a model no longer in use.
        is_active,
        /// When the model was created (UTC).
        created_at,
        /// When the model last changed (UTC).
        updated_at,
    }

    /// A label attached to any number of models.
    Tag = mr::models::Tag {
        /// The tag's id.
        id,
        /// Unique among tags.
        name,
        /// Free text about the tag.
        description,
        /// When the tag was created (UTC).
        created_at,
    }

    /// A tag with the number of models carrying it.
    TagUsage = mr::models::TagUsage {
        /// The tag counted.
        tag,
        /// How many models carry it.
        model_count,
    }

    /// One version of a model: an artifact with its lifecycle status.
    ModelVersion = mr::versions::ModelVersion {
        /// The version's id.
        id,
        /// The id of its model.
        model_id,
        /// Its SemVer 2.0 version, unique within the model.
        semver,
        /// Where the artifact is kept.
        artifact_uri,
        /// "pytorch", "tensorflow", "sklearn", "xgboost", "jax", "onnx" or "huggingface".
        framework,
        /// The version of that library.
        framework_version,
        /// The Python version it was built with.
        python_version,
        /// "registered", "validated", "production", "archived" or "deprecated".
        status,
        /// The artifact's size in bytes, once known.
        size_bytes,
        /// The artifact's SHA-256 (64 lower-case hex characters), once known.
        checksum_sha256,
        /// Free-form facts about the version (a JSON object).
        metadata,
        /// When the version was registered (UTC).
        created_at,
        /// Free text about the version.
        description,
    }

    /// A version together with its model.
    VersionWithModel = mr::versions::VersionWithModel {
        /// The version.
        version,
        /// The model it is a version of.
        model,
    }

    /// A model with a page of its versions (newest first) and how many it has.
    ModelWithVersions = mr::registry::ModelWithVersions {
        /// The model.
        model,
        /// The requested page of its versions, newest first.
        versions,
        /// How many versions the model has in all.
        version_count,
    }

    /// What a registration did: created the version, or found it registered already.
    Registered = mr::registry::Registered {
        /// The version registered now, or the one registered before.
        version,
        /// False when the same semver, artifact and checksum were registered before.
        created,
    }

    /// A model's alias and the version it points to.
    Alias = mr::aliases::Alias {
        /// The alias's id (kept when the alias moves).
        id,
        /// The id of the model whose alias this is.
        model_id,
        /// The alias's name, unique within its model.
        name,
        /// The id of the version it points to.
        version_id,
        /// When the alias was last set (UTC).
        assigned_at,
    }

    /// An alias with the semver it points to.
    AliasWithVersion = mr::aliases::AliasWithVersion {
        /// The alias's name.
        name,
        /// The id of the version it points to.
        version_id,
        /// That version's semver.
        semver,
        /// When the alias was last set (UTC).
        assigned_at,
    }

    /// A version's status changed (or was first set, when from_status is None).
    StatusChange = mr::history::StatusChange [kind = "status"] {
        /// The history entry's id.
        id,
        /// The id of the version's model.
        model_id,
        /// The id of the version whose status changed.
        version_id,
        /// The status before; None for the status a version is registered with.
        from_status,
        /// The status after.
        to_status,
        /// Who made the change.
        actor,
        /// When the change took effect (UTC).
        changed_at,
    }

    /// An alias was set, moved or removed.
    AliasChange = mr::history::AliasChange [kind = "alias"] {
        /// The history entry's id.
        id,
        /// The id of the model whose alias changed.
        model_id,
        /// The alias's name.
        alias,
        /// The version it pointed to before; None when it was first set.
        from_version_id,
        /// The version it points to after; None when it was removed.
        to_version_id,
        /// Who made the change.
        actor,
        /// When the change took effect (UTC).
        changed_at,
    }

    /// What a model amounts to.
    ModelSummary = mr::analytics::ModelSummary {
        /// How many versions the model has.
        version_count,
        /// How many training runs its versions have.
        training_run_count,
        /// How many deployments its versions have, in any status.
        deployment_count,
        /// The semver of highest precedence.
        latest_version,
        /// The semver of the production version, if any.
        production_version,
        /// The GPU hours of all its runs.
        total_gpu_hours,
        /// The known cost of all its runs, in US dollars.
        total_cost_usd,
    }

    /// What a team amounts to.
    TeamMetrics = mr::analytics::TeamMetrics {
        /// How many models the team owns.
        model_count,
        /// How many versions those models have.
        version_count,
        /// How many training runs those versions have.
        training_run_count,
        /// How many deployments those versions have.
        deployment_count,
        /// The GPU hours of all those runs.
        total_gpu_hours,
        /// The known cost of all those runs, in US dollars.
        total_cost_usd,
    }

    /// How many of each entity the registry holds.
    Stats = mr::analytics::Stats {
        /// Teams, active or not.
        teams,
        /// Tags.
        tags,
        /// Models, active or not.
        models,
        /// Model versions, in any status.
        model_versions,
        /// Training runs.
        training_runs,
        /// Recorded metric values.
        metrics,
        /// Environments, active or not.
        environments,
        /// Deployments, terminated ones included.
        deployments,
        /// Audit events.
        audit_events,
    }

    /// One training run that produced (or tried to produce) a version.
    TrainingRun = mr::runs::TrainingRun {
        /// The run's id.
        id,
        /// The id of the version it produced.
        version_id,
        /// The run's name.
        run_name,
        /// "running", "succeeded", "failed", "cancelled" or "timeout".
        status,
        /// When the run started (UTC).
        started_at,
        /// When it ended (UTC); None while it runs.
        completed_at,
        /// How long it ran, in seconds; None while it runs.
        duration_seconds,
        /// GPU time it used, in hours.
        gpu_hours,
        /// What it cost in US dollars, when known.
        cost_usd,
        /// The dataset it trained on.
        dataset_name,
        /// The version of that dataset.
        dataset_version,
        /// The training settings (a JSON object).
        hyperparameters,
        /// The machine and software it used (a JSON object).
        environment,
        /// Who started it.
        created_by,
    }

    /// What a set of training runs cost.
    CostSummary = mr::runs::CostSummary {
        /// The sum of the runs' known costs, in US dollars.
        total_cost_usd,
        /// The sum of their GPU hours.
        total_gpu_hours,
        /// How many runs there are.
        run_count,
    }

    /// One measured value of a version.
    Metric = mr::metrics::Metric {
        /// The metric's id.
        id,
        /// The id of the version measured.
        version_id,
        /// What was measured ("auc").
        name,
        /// The measurement.
        value,
        /// "train", "validation", "test" or "production".
        split,
        /// When it was measured (UTC).
        recorded_at,
    }

    /// A place deployments run in.
    Environment = mr::environments::Environment {
        /// The environment's id.
        id,
        /// Unique among environments.
        name,
        /// "development", "staging", "production" or "sandbox".
        kind,
        /// The cloud region it is in.
        region,
        /// The Kubernetes namespace its deployments run in.
        kubernetes_namespace,
        /// Its settings (a JSON object).
        config,
        /// False once deactivated.
        is_active,
        /// When it was created (UTC).
        created_at,
    }

    /// A version running in an environment.
    Deployment = mr::deployments::Deployment {
        /// The deployment's id.
        id,
        /// The id of the version it runs.
        version_id,
        /// The id of the environment it runs in.
        environment_id,
        /// Its name.
        name,
        /// "deploying", "healthy", "degraded", "failed" or "terminated".
        status,
        /// Where it serves requests.
        endpoint_url,
        /// How many copies run.
        replicas,
        /// The CPU each replica asks for ("500m").
        cpu_request,
        /// The memory each replica asks for ("2Gi").
        memory_request,
        /// How many GPUs each replica uses.
        gpu_count,
        /// When it was deployed (UTC).
        deployed_at,
        /// Who deployed it.
        deployed_by,
        /// When it was terminated (UTC); None until then.
        terminated_at,
    }

    /// A serving deployment with what it serves and where.
    ActiveDeployment = mr::deployments::ActiveDeployment {
        /// The serving deployment.
        deployment,
        /// The version it runs.
        version,
        /// The model of that version.
        model,
        /// The environment it runs in.
        environment,
    }

    /// A deployment that runs something else than its model's production version.
    Drift = mr::deployments::Drift {
        /// Where the deployment runs.
        environment,
        /// The model whose designation and reality differ.
        model,
        /// The deployment that runs another version.
        deployment,
        /// The version it runs.
        deployed,
        /// The model's production version, if it has one.
        production,
    }

    /// One recorded change.
    AuditEvent = mr::audit::AuditEvent {
        /// The event's id.
        id,
        /// The kind of entity that changed ("model", "model_version", …).
        entity_type,
        /// The id of the entity that changed.
        entity_id,
        /// "create", "update", "delete", "deploy" or "rollback".
        action,
        /// Who made the change.
        actor,
        /// What changed (a JSON object).
        changes,
        /// When the change was made (UTC).
        timestamp,
    }

    /// The first line of an export: what it holds.
    ExportHeader = mr::transfer::Header {
        /// Always "modelreg-export".
        format,
        /// The version of the export format.
        format_version,
        /// The version of the modelreg that wrote it.
        modelreg_version,
        /// The schema version of the exported database.
        schema_version,
        /// Records per kind, as the export began.
        counts,
    }
}

impl ToPy for u32 {
    fn to_py<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.into_bound_py_any(py)
    }
}

impl ToPy for mr::history::HistoryEntry {
    fn to_py<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        match self {
            mr::history::HistoryEntry::Status(change) => change.to_py(py),
            mr::history::HistoryEntry::Alias(change) => change.to_py(py),
        }
    }

    fn to_plain<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        match self {
            mr::history::HistoryEntry::Status(change) => change.to_plain(py),
            mr::history::HistoryEntry::Alias(change) => change.to_plain(py),
        }
    }
}

/// One page of a query's results, and the token of the next page.
///
/// Iterate it, index it or take `len()`; pass `next` as `page_token` to the
/// same query for the rows after these (it is None on the last page).
#[pyclass(frozen, sequence, module = "modelreg")]
pub struct Page {
    items: Py<PyTuple>,
    next: Option<String>,
}

impl Page {
    /// The page of a listing.
    pub fn of<T: ToPy>(py: Python<'_>, listing: mr::query::Listing<T>) -> PyResult<Page> {
        let items = listing
            .items
            .iter()
            .map(|item| item.to_py(py))
            .collect::<PyResult<Vec<_>>>()?;
        Ok(Page {
            items: PyTuple::new(py, items)?.unbind(),
            next: listing.next,
        })
    }
}

#[pymethods]
impl Page {
    /// The results of this page, in the query's order (a new list).
    #[getter]
    fn items<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        PyList::new(py, self.items.bind(py).iter())
    }

    /// The token of the next page, or None when this is the last.
    #[getter]
    fn next(&self) -> Option<&str> {
        self.next.as_deref()
    }

    fn __len__(&self, py: Python<'_>) -> usize {
        self.items.bind(py).len()
    }

    fn __getitem__<'py>(&self, py: Python<'py>, index: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        self.items.bind(py).as_any().get_item(index)
    }

    fn __iter__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(self.items.bind(py).as_any().try_iter()?.into_any())
    }

    /// `{"items": [dict, …], "next": str | None}`.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let items = self
            .items
            .bind(py)
            .iter()
            .map(|item| item.call_method0("to_dict"))
            .collect::<PyResult<Vec<_>>>()?;
        let dict = PyDict::new(py);
        dict.set_item("items", PyList::new(py, items)?)?;
        dict.set_item("next", self.next.as_deref())?;
        Ok(dict)
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        format!("Page({} items, next={:?})", self.items.bind(py).len(), self.next)
    }

    /// `Page[ModelVersion]` in annotations.
    #[classmethod]
    #[pyo3(signature = (item, /))]
    fn __class_getitem__<'py>(cls: &Bound<'py, PyType>, item: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        let py = cls.py();
        py.import("types")?.getattr("GenericAlias")?.call1((cls, item))
    }
}
