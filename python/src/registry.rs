//! `modelreg.Registry`: every operation of [`RegistryApi`] as a method with
//! Python names and keyword arguments. Each method converts its arguments,
//! calls the trait with the GIL released, and converts the answer; what an
//! operation means, and every rule it keeps, is core's.

use std::io::Write;
use std::sync::{Arc, Mutex};

use modelreg_core as mr;
use modelreg_core::RegistryApi;
use modelreg_core::deployments::{DeploymentFilter, DeploymentStatus, NewDeployment};
use modelreg_core::environments::{EnvironmentFilter, EnvironmentUpdate, NewEnvironment};
use modelreg_core::metrics::{MetricFilter, NewMetric};
use modelreg_core::models::{ModelFilter, ModelUpdate, NewModel, TagUpdate};
use modelreg_core::query::Query;
use modelreg_core::runs::{NewRun, RunFilter, RunFinish};
use modelreg_core::teams::{NewTeam, TeamFilter, TeamUpdate};
use modelreg_core::versions::{NewVersion, VersionFilter, VersionUpdate};
use pyo3::prelude::*;
use pyo3::types::PyString;

use crate::convert::{self, Change};
use crate::records::{Page, ToPy};
use crate::wait;

/// A model registry, embedded (SQLite, PostgreSQL) or behind a server.
///
/// Made by `modelreg.open()`. Safe to share between threads: each call
/// releases the GIL while the registry works. A context manager: `with
/// modelreg.open(...) as reg:` closes it at the end.
#[pyclass(frozen, module = "modelreg")]
pub struct Registry {
    inner: Arc<dyn RegistryApi>,
    url: String,
}

impl Registry {
    /// The registry opened from `url`.
    pub fn new(inner: Arc<dyn RegistryApi>, url: &str) -> Registry {
        Registry {
            inner,
            url: mr::error::redact_passwords(url),
        }
    }

    fn api(&self) -> Arc<dyn RegistryApi> {
        Arc::clone(&self.inner)
    }
}

type Any<'py> = Bound<'py, PyAny>;
type Answer<'py> = PyResult<Any<'py>>;

fn query(
    filter: Option<String>,
    sort: Option<String>,
    limit: Option<u32>,
    offset: u64,
    page_token: Option<String>,
) -> Query {
    Query {
        filter,
        sort,
        page_token,
        offset,
        limit,
    }
}

/// The arguments of a registration, shared by `register` and `register_version`.
#[allow(clippy::too_many_arguments)]
fn new_version(
    semver: String,
    artifact_uri: String,
    framework: &str,
    framework_version: Option<String>,
    python_version: Option<String>,
    size_bytes: Option<i64>,
    checksum_sha256: Option<String>,
    metadata: Option<&Any<'_>>,
    description: Option<String>,
) -> PyResult<NewVersion> {
    let mut new = NewVersion::new(semver, artifact_uri, convert::closed(framework)?);
    new.framework_version = framework_version;
    new.python_version = python_version;
    new.size_bytes = size_bytes;
    new.checksum_sha256 = checksum_sha256;
    if let Some(metadata) = convert::opt_json_object("metadata", metadata)? {
        new.metadata = metadata;
    }
    new.description = description;
    Ok(new)
}

/// Writes into a Python file object (anything with `write(bytes)`).
struct PyWriter {
    file: Py<PyAny>,
    failure: Arc<Mutex<Option<PyErr>>>,
}

impl Write for PyWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        Python::attach(|py| {
            let bytes = pyo3::types::PyBytes::new(py, buf);
            match self.file.call_method1(py, "write", (bytes,)) {
                Ok(_) => Ok(buf.len()),
                Err(err) => {
                    let message = err.to_string();
                    self.failure.lock().expect("poisoned").get_or_insert(err);
                    Err(std::io::Error::other(message))
                }
            }
        })
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[pymethods]
impl Registry {
    fn __repr__(&self) -> String {
        format!("<modelreg.Registry {}>", self.url)
    }

    /// The URL the registry was opened with, any password masked.
    #[getter]
    fn url(&self) -> &str {
        &self.url
    }

    fn __enter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    #[pyo3(signature = (*_exc))]
    fn __exit__(&self, py: Python<'_>, _exc: &Bound<'_, pyo3::types::PyTuple>) -> PyResult<()> {
        self.close(py)
    }

    // Teams.

    /// Creates a team.
    #[pyo3(signature = (name, *, department=None, cost_center=None))]
    fn create_team<'py>(
        &self,
        py: Python<'py>,
        name: String,
        department: Option<String>,
        cost_center: Option<String>,
    ) -> Answer<'py> {
        let new = NewTeam {
            name,
            department,
            cost_center,
        };
        let api = self.api();
        wait(py, async move { api.create_team(new).await })?.to_py(py)
    }

    /// The team with this name or id.
    fn team<'py>(&self, py: Python<'py>, team: &Any<'py>) -> Answer<'py> {
        let team = convert::entity_ref("team", team)?;
        let api = self.api();
        wait(py, async move { api.team(&team).await })?.to_py(py)
    }

    /// Teams by name (active ones only with active_only=True).
    #[pyo3(signature = (*, active_only=false, offset=0, limit=None))]
    fn list_teams<'py>(&self, py: Python<'py>, active_only: bool, offset: u64, limit: Option<u32>) -> Answer<'py> {
        let page = convert::page(offset, limit)?;
        let api = self.api();
        wait(
            py,
            async move { api.list_teams(TeamFilter { active_only }, page).await },
        )?
        .to_py(py)
    }

    /// Changes a team's fields; a field left out stays, None clears an optional one.
    #[pyo3(signature = (team, *, name=None, department=Change::Keep, cost_center=Change::Keep, active=None))]
    fn update_team<'py>(
        &self,
        py: Python<'py>,
        team: &Any<'py>,
        name: Option<String>,
        department: Change<String>,
        cost_center: Change<String>,
        active: Option<bool>,
    ) -> Answer<'py> {
        let team = convert::entity_ref("team", team)?;
        let update = TeamUpdate {
            name,
            department: department.into_update(),
            cost_center: cost_center.into_update(),
            active,
        };
        let api = self.api();
        wait(py, async move { api.update_team(&team, update).await })?.to_py(py)
    }

    /// Marks a team inactive (its models keep it).
    fn deactivate_team<'py>(&self, py: Python<'py>, team: &Any<'py>) -> Answer<'py> {
        let team = convert::entity_ref("team", team)?;
        let api = self.api();
        wait(py, async move { api.deactivate_team(&team).await })?.to_py(py)
    }

    /// Deletes a team; its models stay, with no team.
    fn delete_team(&self, py: Python<'_>, team: &Any<'_>) -> PyResult<()> {
        let team = convert::entity_ref("team", team)?;
        let api = self.api();
        wait(py, async move { api.delete_team(&team).await })
    }

    /// Counts and cost of a team's models, versions, runs and deployments.
    fn team_metrics<'py>(&self, py: Python<'py>, team: &Any<'py>) -> Answer<'py> {
        let team = convert::entity_ref("team", team)?;
        let api = self.api();
        wait(py, async move { api.team_metrics(&team).await })?.to_py(py)
    }

    // Models and tags.

    /// Creates a model; risk_level is "medium" and compliance_required False unless given.
    #[pyo3(signature = (name, *, description=None, use_case=None, team=None, risk_level=None, compliance_required=None))]
    #[allow(clippy::too_many_arguments)]
    fn create_model<'py>(
        &self,
        py: Python<'py>,
        name: String,
        description: Option<String>,
        use_case: Option<String>,
        team: Option<&Any<'py>>,
        risk_level: Option<&str>,
        compliance_required: Option<bool>,
    ) -> Answer<'py> {
        let mut new = NewModel::named(name);
        new.description = description;
        new.use_case = use_case;
        new.team = convert::opt_entity_ref("team", team)?;
        if let Some(risk) = convert::opt_closed(risk_level)? {
            new.risk_level = risk;
        }
        if let Some(compliance) = compliance_required {
            new.compliance_required = compliance;
        }
        let api = self.api();
        wait(py, async move { api.create_model(new).await })?.to_py(py)
    }

    /// The model with this name or id.
    fn model<'py>(&self, py: Python<'py>, model: &Any<'py>) -> Answer<'py> {
        let model = convert::entity_ref("model", model)?;
        let api = self.api();
        wait(py, async move { api.model(&model).await })?.to_py(py)
    }

    /// A model with a page of its versions (newest first) and their number.
    #[pyo3(signature = (model, *, offset=0, limit=None))]
    fn model_with_versions<'py>(
        &self,
        py: Python<'py>,
        model: &Any<'py>,
        offset: u64,
        limit: Option<u32>,
    ) -> Answer<'py> {
        let model = convert::entity_ref("model", model)?;
        let page = convert::page(offset, limit)?;
        let api = self.api();
        wait(py, async move { api.model_with_versions(&model, page).await })?.to_py(py)
    }

    /// Models by name, optionally active ones only, of one team or of one risk level.
    #[pyo3(signature = (*, active_only=false, team=None, risk_level=None, offset=0, limit=None))]
    fn list_models<'py>(
        &self,
        py: Python<'py>,
        active_only: bool,
        team: Option<&Any<'py>>,
        risk_level: Option<&str>,
        offset: u64,
        limit: Option<u32>,
    ) -> Answer<'py> {
        let filter = ModelFilter {
            active_only,
            team: convert::opt_entity_ref("team", team)?,
            risk_level: convert::opt_closed(risk_level)?,
        };
        let page = convert::page(offset, limit)?;
        let api = self.api();
        wait(py, async move { api.list_models(filter, page).await })?.to_py(py)
    }

    /// Models whose name contains term, ignoring case (% and _ match literally).
    #[pyo3(signature = (term, *, offset=0, limit=None))]
    fn search_models<'py>(&self, py: Python<'py>, term: String, offset: u64, limit: Option<u32>) -> Answer<'py> {
        let page = convert::page(offset, limit)?;
        let api = self.api();
        wait(py, async move { api.search_models(&term, page).await })?.to_py(py)
    }

    /// Changes a model's fields; a field left out stays, None clears an optional one.
    #[pyo3(signature = (
        model, *, name=None, description=Change::Keep, use_case=Change::Keep, team=Change::Keep,
        risk_level=None, compliance_required=None, is_active=None
    ))]
    #[allow(clippy::too_many_arguments)]
    fn update_model<'py>(
        &self,
        py: Python<'py>,
        model: &Any<'py>,
        name: Option<String>,
        description: Change<String>,
        use_case: Change<String>,
        team: Change<Any<'py>>,
        risk_level: Option<&str>,
        compliance_required: Option<bool>,
        is_active: Option<bool>,
    ) -> Answer<'py> {
        let model = convert::entity_ref("model", model)?;
        let update = ModelUpdate {
            name,
            description: description.into_update(),
            use_case: use_case.into_update(),
            team: team.try_map(|t| convert::entity_ref("team", &t))?.into_update(),
            risk_level: convert::opt_closed(risk_level)?,
            compliance_required,
            is_active,
        };
        let api = self.api();
        wait(py, async move { api.update_model(&model, update).await })?.to_py(py)
    }

    /// Deletes a model with its versions, runs, metrics and deployments.
    fn delete_model(&self, py: Python<'_>, model: &Any<'_>) -> PyResult<()> {
        let model = convert::entity_ref("model", model)?;
        let api = self.api();
        wait(py, async move { api.delete_model(&model).await })
    }

    /// Tags a model (creating the tag if new); False when it had the tag already.
    fn add_tag(&self, py: Python<'_>, model: &Any<'_>, tag: String) -> PyResult<bool> {
        let model = convert::entity_ref("model", model)?;
        let api = self.api();
        wait(py, async move { api.add_tag(&model, &tag).await })
    }

    /// Untags a model; False when it did not carry the tag.
    fn remove_tag(&self, py: Python<'_>, model: &Any<'_>, tag: String) -> PyResult<bool> {
        let model = convert::entity_ref("model", model)?;
        let api = self.api();
        wait(py, async move { api.remove_tag(&model, &tag).await })
    }

    /// Changes a tag's description (None clears it).
    #[pyo3(signature = (name, *, description=Change::Keep))]
    fn update_tag<'py>(&self, py: Python<'py>, name: String, description: Change<String>) -> Answer<'py> {
        let update = TagUpdate {
            description: description.into_update(),
        };
        let api = self.api();
        wait(py, async move { api.update_tag(&name, update).await })?.to_py(py)
    }

    /// Deletes a tag from every model and from the registry.
    fn delete_tag(&self, py: Python<'_>, name: String) -> PyResult<()> {
        let api = self.api();
        wait(py, async move { api.delete_tag(&name).await })
    }

    /// Models carrying a tag.
    #[pyo3(signature = (tag, *, offset=0, limit=None))]
    fn models_by_tag<'py>(&self, py: Python<'py>, tag: String, offset: u64, limit: Option<u32>) -> Answer<'py> {
        let page = convert::page(offset, limit)?;
        let api = self.api();
        wait(py, async move { api.models_by_tag(&tag, page).await })?.to_py(py)
    }

    /// The tags of a model.
    #[pyo3(signature = (model, *, offset=0, limit=None))]
    fn tags_of_model<'py>(&self, py: Python<'py>, model: &Any<'py>, offset: u64, limit: Option<u32>) -> Answer<'py> {
        let model = convert::entity_ref("model", model)?;
        let page = convert::page(offset, limit)?;
        let api = self.api();
        wait(py, async move { api.tags_of_model(&model, page).await })?.to_py(py)
    }

    /// Every tag with the number of models carrying it.
    #[pyo3(signature = (*, offset=0, limit=None))]
    fn list_tags<'py>(&self, py: Python<'py>, offset: u64, limit: Option<u32>) -> Answer<'py> {
        let page = convert::page(offset, limit)?;
        let api = self.api();
        wait(py, async move { api.list_tags(page).await })?.to_py(py)
    }

    /// Counts, latest and production semver, GPU hours and cost of a model.
    fn model_summary<'py>(&self, py: Python<'py>, model: &Any<'py>) -> Answer<'py> {
        let model = convert::entity_ref("model", model)?;
        let api = self.api();
        wait(py, async move { api.model_summary(&model).await })?.to_py(py)
    }

    // Versions and aliases.

    /// Registers a version and says whether it was created: registering the
    /// same semver, artifact, framework and checksum again answers the
    /// existing version (created=False); any difference raises Conflict.
    #[pyo3(signature = (
        model, semver, *, artifact_uri, framework, framework_version=None, python_version=None,
        size_bytes=None, checksum_sha256=None, metadata=None, description=None
    ))]
    #[allow(clippy::too_many_arguments)]
    fn register<'py>(
        &self,
        py: Python<'py>,
        model: &Any<'py>,
        semver: String,
        artifact_uri: String,
        framework: &str,
        framework_version: Option<String>,
        python_version: Option<String>,
        size_bytes: Option<i64>,
        checksum_sha256: Option<String>,
        metadata: Option<&Any<'py>>,
        description: Option<String>,
    ) -> Answer<'py> {
        let model = convert::entity_ref("model", model)?;
        let new = new_version(
            semver,
            artifact_uri,
            framework,
            framework_version,
            python_version,
            size_bytes,
            checksum_sha256,
            metadata,
            description,
        )?;
        let api = self.api();
        wait(py, async move { api.register(&model, new).await })?.to_py(py)
    }

    /// Registers a version (status "registered") and answers it; a retry
    /// with the same semver, artifact, framework and checksum answers the
    /// version registered before.
    #[pyo3(signature = (
        model, semver, *, artifact_uri, framework, framework_version=None, python_version=None,
        size_bytes=None, checksum_sha256=None, metadata=None, description=None
    ))]
    #[allow(clippy::too_many_arguments)]
    fn register_version<'py>(
        &self,
        py: Python<'py>,
        model: &Any<'py>,
        semver: String,
        artifact_uri: String,
        framework: &str,
        framework_version: Option<String>,
        python_version: Option<String>,
        size_bytes: Option<i64>,
        checksum_sha256: Option<String>,
        metadata: Option<&Any<'py>>,
        description: Option<String>,
    ) -> Answer<'py> {
        let model = convert::entity_ref("model", model)?;
        let new = new_version(
            semver,
            artifact_uri,
            framework,
            framework_version,
            python_version,
            size_bytes,
            checksum_sha256,
            metadata,
            description,
        )?;
        let api = self.api();
        wait(py, async move { api.register_version(&model, new).await })?.to_py(py)
    }

    /// The version a reference means: "MODEL@SEMVER", "MODEL@ALIAS",
    /// "MODEL@latest", "MODEL@production", or the version's id.
    fn version<'py>(&self, py: Python<'py>, version: &Any<'py>) -> Answer<'py> {
        let version = convert::version_ref(version)?;
        let api = self.api();
        wait(py, async move { api.version(&version).await })?.to_py(py)
    }

    /// The version a reference meant at a moment (a timezone-aware datetime).
    fn version_at<'py>(&self, py: Python<'py>, version: &Any<'py>, at: &Any<'py>) -> Answer<'py> {
        let version = convert::version_ref(version)?;
        let at = convert::timestamp("at", at)?;
        let api = self.api();
        wait(py, async move { api.version_at(&version, at).await })?.to_py(py)
    }

    /// A model's versions, newest first, optionally of one status.
    #[pyo3(signature = (model, *, status=None, offset=0, limit=None))]
    fn list_versions<'py>(
        &self,
        py: Python<'py>,
        model: &Any<'py>,
        status: Option<&str>,
        offset: u64,
        limit: Option<u32>,
    ) -> Answer<'py> {
        let model = convert::entity_ref("model", model)?;
        let filter = VersionFilter {
            status: convert::opt_closed(status)?,
        };
        let page = convert::page(offset, limit)?;
        let api = self.api();
        wait(py, async move { api.list_versions(&model, filter, page).await })?.to_py(py)
    }

    /// The version of highest SemVer precedence (optionally of one status), or None.
    #[pyo3(signature = (model, *, status=None))]
    fn latest_version<'py>(&self, py: Python<'py>, model: &Any<'py>, status: Option<&str>) -> Answer<'py> {
        let model = convert::entity_ref("model", model)?;
        let status = convert::opt_closed(status)?;
        let api = self.api();
        wait(py, async move { api.latest_version(&model, status).await })?.to_py(py)
    }

    /// The model's production version, or None.
    fn production_version<'py>(&self, py: Python<'py>, model: &Any<'py>) -> Answer<'py> {
        let model = convert::entity_ref("model", model)?;
        let api = self.api();
        wait(py, async move { api.production_version(&model).await })?.to_py(py)
    }

    /// Changes a version's editable fields: description, metadata (replace
    /// it whole, set keys, unset keys), framework and Python versions; size
    /// and checksum may be filled in once. None clears an optional text.
    #[pyo3(signature = (
        version, *, description=Change::Keep, metadata=None, set_metadata=None, unset_metadata=None,
        framework_version=Change::Keep, python_version=Change::Keep, size_bytes=None, checksum_sha256=None
    ))]
    #[allow(clippy::too_many_arguments)]
    fn update_version<'py>(
        &self,
        py: Python<'py>,
        version: &Any<'py>,
        description: Change<String>,
        metadata: Option<&Any<'py>>,
        set_metadata: Option<&Any<'py>>,
        unset_metadata: Option<Vec<String>>,
        framework_version: Change<String>,
        python_version: Change<String>,
        size_bytes: Option<i64>,
        checksum_sha256: Option<String>,
    ) -> Answer<'py> {
        let version = convert::version_ref(version)?;
        let update = VersionUpdate {
            description: description.into_update(),
            metadata: convert::opt_json_object("metadata", metadata)?,
            set_metadata: convert::opt_json_object("set_metadata", set_metadata)?.unwrap_or_default(),
            unset_metadata: unset_metadata.unwrap_or_default(),
            framework_version: framework_version.into_update(),
            python_version: python_version.into_update(),
            size_bytes,
            checksum_sha256,
        };
        let api = self.api();
        wait(py, async move { api.update_version(&version, update).await })?.to_py(py)
    }

    /// Moves a version to a status; to "production" archives the model's
    /// previous production version in the same transaction.
    fn set_version_status<'py>(&self, py: Python<'py>, version: &Any<'py>, status: &str) -> Answer<'py> {
        let version = convert::version_ref(version)?;
        let status = convert::closed(status)?;
        let api = self.api();
        wait(py, async move { api.set_version_status(&version, status).await })?.to_py(py)
    }

    /// Every production version with its model.
    #[pyo3(signature = (*, offset=0, limit=None))]
    fn production_versions<'py>(&self, py: Python<'py>, offset: u64, limit: Option<u32>) -> Answer<'py> {
        let page = convert::page(offset, limit)?;
        let api = self.api();
        wait(py, async move { api.production_versions(page).await })?.to_py(py)
    }

    /// Deletes a version with its runs, metrics and deployments.
    fn delete_version(&self, py: Python<'_>, version: &Any<'_>) -> PyResult<()> {
        let version = convert::version_ref(version)?;
        let api = self.api();
        wait(py, async move { api.delete_version(&version).await })
    }

    /// Points the model's alias `name` ("champion") at a version, moving it if it exists.
    fn set_alias<'py>(&self, py: Python<'py>, version: &Any<'py>, name: String) -> Answer<'py> {
        let version = convert::version_ref(version)?;
        let api = self.api();
        wait(py, async move { api.set_alias(&version, &name).await })?.to_py(py)
    }

    /// Removes a model's alias; False when it has no such alias.
    fn remove_alias(&self, py: Python<'_>, model: &Any<'_>, name: String) -> PyResult<bool> {
        let model = convert::entity_ref("model", model)?;
        let api = self.api();
        wait(py, async move { api.remove_alias(&model, &name).await })
    }

    /// A model's aliases with the semver each points to.
    #[pyo3(signature = (model, *, offset=0, limit=None))]
    fn aliases_of_model<'py>(&self, py: Python<'py>, model: &Any<'py>, offset: u64, limit: Option<u32>) -> Answer<'py> {
        let model = convert::entity_ref("model", model)?;
        let page = convert::page(offset, limit)?;
        let api = self.api();
        wait(py, async move { api.aliases_of_model(&model, page).await })?.to_py(py)
    }

    /// A model's timeline of status changes and alias moves, newest first.
    #[pyo3(signature = (model, *, offset=0, limit=None))]
    fn version_history<'py>(&self, py: Python<'py>, model: &Any<'py>, offset: u64, limit: Option<u32>) -> Answer<'py> {
        let model = convert::entity_ref("model", model)?;
        let page = convert::page(offset, limit)?;
        let api = self.api();
        wait(py, async move { api.version_history(&model, page).await })?.to_py(py)
    }

    /// Versions whose artifact has this SHA-256, with their models.
    #[pyo3(signature = (checksum, *, offset=0, limit=None))]
    fn versions_by_checksum<'py>(
        &self,
        py: Python<'py>,
        checksum: String,
        offset: u64,
        limit: Option<u32>,
    ) -> Answer<'py> {
        let page = convert::page(offset, limit)?;
        let api = self.api();
        wait(py, async move { api.versions_by_checksum(&checksum, page).await })?.to_py(py)
    }

    /// Serving deployments that do not run their model's production version
    /// (of every model, or of one).
    #[pyo3(signature = (model=None, *, offset=0, limit=None))]
    fn drift<'py>(&self, py: Python<'py>, model: Option<&Any<'py>>, offset: u64, limit: Option<u32>) -> Answer<'py> {
        let model = convert::opt_entity_ref("model", model)?;
        let page = convert::page(offset, limit)?;
        let api = self.api();
        wait(py, async move { api.drift(model.as_ref(), page).await })?.to_py(py)
    }

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
        if let Some(gpu_hours) = gpu_hours {
            new.gpu_hours = gpu_hours;
        }
        new.cost_usd = cost_usd;
        new.dataset_name = dataset_name;
        new.dataset_version = dataset_version;
        if let Some(hyperparameters) = convert::opt_json_object("hyperparameters", hyperparameters)? {
            new.hyperparameters = hyperparameters;
        }
        if let Some(environment) = convert::opt_json_object("environment", environment)? {
            new.environment = environment;
        }
        new.created_by = created_by;
        let api = self.api();
        wait(py, async move { api.start_run(&version, new).await })?.to_py(py)
    }

    /// The training run with this id.
    fn run<'py>(&self, py: Python<'py>, run: &Any<'py>) -> Answer<'py> {
        let id = convert::id("run", run)?;
        let api = self.api();
        wait(py, async move { api.run(id).await })?.to_py(py)
    }

    /// Runs of a version, newest first, optionally of one status.
    #[pyo3(signature = (version, *, status=None, offset=0, limit=None))]
    fn runs_of_version<'py>(
        &self,
        py: Python<'py>,
        version: &Any<'py>,
        status: Option<&str>,
        offset: u64,
        limit: Option<u32>,
    ) -> Answer<'py> {
        let version = convert::version_ref(version)?;
        let filter = RunFilter {
            status: convert::opt_closed(status)?,
        };
        let page = convert::page(offset, limit)?;
        let api = self.api();
        wait(py, async move { api.runs_of_version(&version, filter, page).await })?.to_py(py)
    }

    /// Runs of every version of a model, newest first, optionally of one status.
    #[pyo3(signature = (model, *, status=None, offset=0, limit=None))]
    fn runs_of_model<'py>(
        &self,
        py: Python<'py>,
        model: &Any<'py>,
        status: Option<&str>,
        offset: u64,
        limit: Option<u32>,
    ) -> Answer<'py> {
        let model = convert::entity_ref("model", model)?;
        let filter = RunFilter {
            status: convert::opt_closed(status)?,
        };
        let page = convert::page(offset, limit)?;
        let api = self.api();
        wait(py, async move { api.runs_of_model(&model, filter, page).await })?.to_py(py)
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
        let api = self.api();
        wait(py, async move { api.finish_run(id, finish).await })?.to_py(py)
    }

    /// Cost and GPU hours of every run, or of one model's runs.
    #[pyo3(signature = (model=None))]
    fn cost_summary<'py>(&self, py: Python<'py>, model: Option<&Any<'py>>) -> Answer<'py> {
        let model = convert::opt_entity_ref("model", model)?;
        let api = self.api();
        wait(py, async move { api.cost_summary(model.as_ref()).await })?.to_py(py)
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
        let api = self.api();
        wait(py, async move { api.record_metric(&version, new).await })?.to_py(py)
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
        let api = self.api();
        wait(py, async move { api.metrics_of_version(&version, &filter, page).await })?.to_py(py)
    }

    /// The newest value of each metric name of a version.
    #[pyo3(signature = (version, *, offset=0, limit=None))]
    fn latest_metrics<'py>(&self, py: Python<'py>, version: &Any<'py>, offset: u64, limit: Option<u32>) -> Answer<'py> {
        let version = convert::version_ref(version)?;
        let page = convert::page(offset, limit)?;
        let api = self.api();
        wait(py, async move { api.latest_metrics(&version, page).await })?.to_py(py)
    }

    // Environments.

    /// Creates an environment of a kind ("development", "staging", "production" or "sandbox").
    #[pyo3(signature = (name, kind, *, region=None, kubernetes_namespace=None, config=None))]
    fn create_environment<'py>(
        &self,
        py: Python<'py>,
        name: String,
        kind: &str,
        region: Option<String>,
        kubernetes_namespace: Option<String>,
        config: Option<&Any<'py>>,
    ) -> Answer<'py> {
        let mut new = NewEnvironment::new(name, convert::closed(kind)?);
        new.region = region;
        new.kubernetes_namespace = kubernetes_namespace;
        if let Some(config) = convert::opt_json_object("config", config)? {
            new.config = config;
        }
        let api = self.api();
        wait(py, async move { api.create_environment(new).await })?.to_py(py)
    }

    /// The environment with this name or id.
    fn environment<'py>(&self, py: Python<'py>, environment: &Any<'py>) -> Answer<'py> {
        let env = convert::entity_ref("environment", environment)?;
        let api = self.api();
        wait(py, async move { api.environment(&env).await })?.to_py(py)
    }

    /// Environments by name, optionally of one kind, active ones only with active_only=True.
    #[pyo3(signature = (*, kind=None, active_only=false, offset=0, limit=None))]
    fn list_environments<'py>(
        &self,
        py: Python<'py>,
        kind: Option<&str>,
        active_only: bool,
        offset: u64,
        limit: Option<u32>,
    ) -> Answer<'py> {
        let filter = EnvironmentFilter {
            kind: convert::opt_closed(kind)?,
            active_only,
        };
        let page = convert::page(offset, limit)?;
        let api = self.api();
        wait(py, async move { api.list_environments(filter, page).await })?.to_py(py)
    }

    /// Changes an environment's fields; config replaces the whole object;
    /// None clears an optional text.
    #[pyo3(signature = (
        environment, *, name=None, kind=None, region=Change::Keep, kubernetes_namespace=Change::Keep,
        config=None, is_active=None
    ))]
    #[allow(clippy::too_many_arguments)]
    fn update_environment<'py>(
        &self,
        py: Python<'py>,
        environment: &Any<'py>,
        name: Option<String>,
        kind: Option<&str>,
        region: Change<String>,
        kubernetes_namespace: Change<String>,
        config: Option<&Any<'py>>,
        is_active: Option<bool>,
    ) -> Answer<'py> {
        let env = convert::entity_ref("environment", environment)?;
        let update = EnvironmentUpdate {
            name,
            kind: convert::opt_closed(kind)?,
            region: region.into_update(),
            kubernetes_namespace: kubernetes_namespace.into_update(),
            config: convert::opt_json_object("config", config)?,
            is_active,
        };
        let api = self.api();
        wait(py, async move { api.update_environment(&env, update).await })?.to_py(py)
    }

    /// Marks an environment inactive.
    fn deactivate_environment<'py>(&self, py: Python<'py>, environment: &Any<'py>) -> Answer<'py> {
        let env = convert::entity_ref("environment", environment)?;
        let api = self.api();
        wait(py, async move { api.deactivate_environment(&env).await })?.to_py(py)
    }

    // Deployments.

    /// Deploys a version into an environment (status "deploying" and one
    /// replica unless given).
    #[pyo3(signature = (
        version, environment, name, *, status=None, endpoint_url=None, replicas=None,
        cpu_request=None, memory_request=None, gpu_count=None
    ))]
    #[allow(clippy::too_many_arguments)]
    fn deploy<'py>(
        &self,
        py: Python<'py>,
        version: &Any<'py>,
        environment: &Any<'py>,
        name: String,
        status: Option<&str>,
        endpoint_url: Option<String>,
        replicas: Option<i32>,
        cpu_request: Option<String>,
        memory_request: Option<String>,
        gpu_count: Option<i32>,
    ) -> Answer<'py> {
        let version = convert::version_ref(version)?;
        let env = convert::entity_ref("environment", environment)?;
        let mut new = NewDeployment::named(name);
        if let Some(status) = convert::opt_closed(status)? {
            new.status = status;
        }
        new.endpoint_url = endpoint_url;
        if let Some(replicas) = replicas {
            new.replicas = replicas;
        }
        new.cpu_request = cpu_request;
        new.memory_request = memory_request;
        if let Some(gpu_count) = gpu_count {
            new.gpu_count = gpu_count;
        }
        let api = self.api();
        wait(py, async move { api.deploy(&version, &env, new).await })?.to_py(py)
    }

    /// The deployment with this id.
    fn deployment<'py>(&self, py: Python<'py>, deployment: &Any<'py>) -> Answer<'py> {
        let id = convert::id("deployment", deployment)?;
        let api = self.api();
        wait(py, async move { api.deployment(id).await })?.to_py(py)
    }

    /// Deployments in an environment, newest first, optionally of one status.
    #[pyo3(signature = (environment, *, status=None, offset=0, limit=None))]
    fn deployments_in<'py>(
        &self,
        py: Python<'py>,
        environment: &Any<'py>,
        status: Option<&str>,
        offset: u64,
        limit: Option<u32>,
    ) -> Answer<'py> {
        let env = convert::entity_ref("environment", environment)?;
        let filter = DeploymentFilter {
            status: convert::opt_closed(status)?,
        };
        let page = convert::page(offset, limit)?;
        let api = self.api();
        wait(py, async move { api.deployments_in(&env, filter, page).await })?.to_py(py)
    }

    /// Deployments of a version, newest first, optionally of one status.
    #[pyo3(signature = (version, *, status=None, offset=0, limit=None))]
    fn deployments_of_version<'py>(
        &self,
        py: Python<'py>,
        version: &Any<'py>,
        status: Option<&str>,
        offset: u64,
        limit: Option<u32>,
    ) -> Answer<'py> {
        let version = convert::version_ref(version)?;
        let filter = DeploymentFilter {
            status: convert::opt_closed(status)?,
        };
        let page = convert::page(offset, limit)?;
        let api = self.api();
        wait(
            py,
            async move { api.deployments_of_version(&version, filter, page).await },
        )?
        .to_py(py)
    }

    /// Healthy and degraded deployments with their version, model and environment.
    #[pyo3(signature = (*, offset=0, limit=None))]
    fn active_deployments<'py>(&self, py: Python<'py>, offset: u64, limit: Option<u32>) -> Answer<'py> {
        let page = convert::page(offset, limit)?;
        let api = self.api();
        wait(py, async move { api.active_deployments(page).await })?.to_py(py)
    }

    /// Moves a deployment to a status; "terminated" is final and stamps terminated_at.
    fn set_deployment_status<'py>(&self, py: Python<'py>, deployment: &Any<'py>, status: &str) -> Answer<'py> {
        let id = convert::id("deployment", deployment)?;
        let status: DeploymentStatus = convert::closed(status)?;
        let api = self.api();
        wait(py, async move { api.set_deployment_status(id, status).await })?.to_py(py)
    }

    /// Terminates a deployment.
    fn terminate_deployment<'py>(&self, py: Python<'py>, deployment: &Any<'py>) -> Answer<'py> {
        let id = convert::id("deployment", deployment)?;
        let api = self.api();
        wait(py, async move { api.terminate_deployment(id).await })?.to_py(py)
    }

    /// Sets a deployment's number of replicas.
    fn scale_deployment<'py>(&self, py: Python<'py>, deployment: &Any<'py>, replicas: i32) -> Answer<'py> {
        let id = convert::id("deployment", deployment)?;
        let api = self.api();
        wait(py, async move { api.scale_deployment(id, replicas).await })?.to_py(py)
    }

    /// Terminates a deployment and deploys, in the same environment, the
    /// version of its model that ran there before; answers the new deployment.
    fn rollback_deployment<'py>(&self, py: Python<'py>, deployment: &Any<'py>) -> Answer<'py> {
        let id = convert::id("deployment", deployment)?;
        let api = self.api();
        wait(py, async move { api.rollback_deployment(id).await })?.to_py(py)
    }

    // Audit.

    /// The audit trail of one entity: its kind ("model", "model_version",
    /// "team", …) and id, newest first.
    #[pyo3(signature = (entity_type, entity_id, *, offset=0, limit=None))]
    fn audit_of_entity<'py>(
        &self,
        py: Python<'py>,
        entity_type: &str,
        entity_id: &Any<'py>,
        offset: u64,
        limit: Option<u32>,
    ) -> Answer<'py> {
        let kind: mr::EntityKind = convert::closed(entity_type)?;
        let id = convert::id("entity_id", entity_id)?;
        let page = convert::page(offset, limit)?;
        let api = self.api();
        wait(py, async move { api.audit_of_entity(kind, id, page).await })?.to_py(py)
    }

    /// Everything an actor changed, newest first.
    #[pyo3(signature = (actor, *, offset=0, limit=None))]
    fn audit_by_actor<'py>(&self, py: Python<'py>, actor: String, offset: u64, limit: Option<u32>) -> Answer<'py> {
        let page = convert::page(offset, limit)?;
        let api = self.api();
        wait(py, async move { api.audit_by_actor(&actor, page).await })?.to_py(py)
    }

    /// The most recent changes, newest first.
    #[pyo3(signature = (*, offset=0, limit=None))]
    fn recent_audit<'py>(&self, py: Python<'py>, offset: u64, limit: Option<u32>) -> Answer<'py> {
        let page = convert::page(offset, limit)?;
        let api = self.api();
        wait(py, async move { api.recent_audit(page).await })?.to_py(py)
    }

    // Analytics.

    /// How many deployments are in each status (every status present).
    fn deployment_status_counts<'py>(&self, py: Python<'py>) -> Answer<'py> {
        let api = self.api();
        wait(py, async move { api.deployment_status_counts().await })?.to_py(py)
    }

    /// Active models with no training run started in the last `days` days.
    #[pyo3(signature = (days, *, offset=0, limit=None))]
    fn stale_models<'py>(&self, py: Python<'py>, days: u32, offset: u64, limit: Option<u32>) -> Answer<'py> {
        let page = convert::page(offset, limit)?;
        let api = self.api();
        wait(py, async move { api.stale_models(days, page).await })?.to_py(py)
    }

    /// How many of each entity the registry holds.
    fn stats<'py>(&self, py: Python<'py>) -> Answer<'py> {
        let api = self.api();
        wait(py, async move { api.stats().await })?.to_py(py)
    }

    // Queries: filter, sort and cursor pages in the query language.

    /// Models matching a query: filter ("risk_level = 'high' and tags =
    /// 'fraud'"), sort ("name asc"), limit, and page_token (a page's next) or offset.
    #[pyo3(signature = (*, filter=None, sort=None, limit=None, offset=0, page_token=None))]
    fn models(
        &self,
        py: Python<'_>,
        filter: Option<String>,
        sort: Option<String>,
        limit: Option<u32>,
        offset: u64,
        page_token: Option<String>,
    ) -> PyResult<Page> {
        let query = query(filter, sort, limit, offset, page_token);
        let api = self.api();
        Page::of(py, wait(py, async move { api.find_models(&query).await })?)
    }

    /// Versions matching a query, of one model or of all: filter
    /// ("metadata.auc > 0.9 and status = 'validated'"), sort ("created_at
    /// desc"), limit, and page_token (a page's next) or offset.
    #[pyo3(signature = (model=None, *, filter=None, sort=None, limit=None, offset=0, page_token=None))]
    #[allow(clippy::too_many_arguments)]
    fn versions(
        &self,
        py: Python<'_>,
        model: Option<&Any<'_>>,
        filter: Option<String>,
        sort: Option<String>,
        limit: Option<u32>,
        offset: u64,
        page_token: Option<String>,
    ) -> PyResult<Page> {
        let model = convert::opt_entity_ref("model", model)?;
        let query = query(filter, sort, limit, offset, page_token);
        let api = self.api();
        Page::of(
            py,
            wait(py, async move { api.find_versions(model.as_ref(), &query).await })?,
        )
    }

    /// Training runs matching a query, of one model, one version or all.
    #[pyo3(signature = (*, model=None, version=None, filter=None, sort=None, limit=None, offset=0, page_token=None))]
    #[allow(clippy::too_many_arguments)]
    fn runs(
        &self,
        py: Python<'_>,
        model: Option<&Any<'_>>,
        version: Option<&Any<'_>>,
        filter: Option<String>,
        sort: Option<String>,
        limit: Option<u32>,
        offset: u64,
        page_token: Option<String>,
    ) -> PyResult<Page> {
        let model = convert::opt_entity_ref("model", model)?;
        let version = convert::opt_version_ref(version)?;
        let query = query(filter, sort, limit, offset, page_token);
        let api = self.api();
        Page::of(
            py,
            wait(py, async move {
                api.find_runs(model.as_ref(), version.as_ref(), &query).await
            })?,
        )
    }

    /// Deployments matching a query, in one environment, of one version, or all.
    #[pyo3(signature = (*, environment=None, version=None, filter=None, sort=None, limit=None, offset=0, page_token=None))]
    #[allow(clippy::too_many_arguments)]
    fn deployments(
        &self,
        py: Python<'_>,
        environment: Option<&Any<'_>>,
        version: Option<&Any<'_>>,
        filter: Option<String>,
        sort: Option<String>,
        limit: Option<u32>,
        offset: u64,
        page_token: Option<String>,
    ) -> PyResult<Page> {
        let env = convert::opt_entity_ref("environment", environment)?;
        let version = convert::opt_version_ref(version)?;
        let query = query(filter, sort, limit, offset, page_token);
        let api = self.api();
        Page::of(
            py,
            wait(py, async move {
                api.find_deployments(env.as_ref(), version.as_ref(), &query).await
            })?,
        )
    }

    /// Audit events matching a query ("actor = 'ci' and action = 'update'").
    #[pyo3(signature = (*, filter=None, sort=None, limit=None, offset=0, page_token=None))]
    fn audit(
        &self,
        py: Python<'_>,
        filter: Option<String>,
        sort: Option<String>,
        limit: Option<u32>,
        offset: u64,
        page_token: Option<String>,
    ) -> PyResult<Page> {
        let query = query(filter, sort, limit, offset, page_token);
        let api = self.api();
        Page::of(py, wait(py, async move { api.find_audit(&query).await })?)
    }

    // The registry itself.

    /// Writes one snapshot of the whole registry as JSON Lines (what `modelreg
    /// import` loads) to a path, or to a binary file object; progress, if
    /// given, is called with (records written, records in all).
    #[pyo3(signature = (destination, *, progress=None))]
    fn export<'py>(&self, py: Python<'py>, destination: &Any<'py>, progress: Option<Py<PyAny>>) -> Answer<'py> {
        let failure = Arc::new(Mutex::new(None::<PyErr>));
        let mut out: Box<dyn Write + Send> =
            if destination.is_instance_of::<PyString>() || destination.hasattr("__fspath__")? {
                let path: std::path::PathBuf = destination.extract()?;
                let file = std::fs::File::create(&path).map_err(|e| {
                    crate::errors::to_py(mr::Error::invalid(
                        "destination",
                        format!("cannot create {}: {e}", path.display()),
                    ))
                })?;
                Box::new(std::io::BufWriter::with_capacity(1 << 16, file))
            } else {
                Box::new(std::io::BufWriter::with_capacity(
                    1 << 16,
                    PyWriter {
                        file: destination.clone().unbind(),
                        failure: Arc::clone(&failure),
                    },
                ))
            };
        let progress_failure = Arc::clone(&failure);
        let mut report = move |done: u64, total: u64| {
            if let Some(callback) = &progress {
                Python::attach(|py| {
                    if let Err(err) = callback.call1(py, (done, total)) {
                        progress_failure.lock().expect("poisoned").get_or_insert(err);
                    }
                });
            }
        };
        let api = self.api();
        let written = wait(py, async move {
            let header = api.export(&mut *out, &mut report).await?;
            out.flush()
                .map_err(|e| mr::Error::internal(format!("cannot write the export: {e}")))?;
            Ok(header)
        });
        if let Some(err) = failure.lock().expect("poisoned").take() {
            return Err(err);
        }
        written?.to_py(py)
    }

    /// The schema version of the registry's database.
    fn schema_version(&self, py: Python<'_>) -> PyResult<i64> {
        let api = self.api();
        wait(py, async move { api.schema_version().await })
    }

    /// Checks that the registry can serve writes now; answers its schema version.
    fn check_ready(&self, py: Python<'_>) -> PyResult<i64> {
        let api = self.api();
        wait(py, async move { api.check_ready().await })
    }

    /// Ends the use of the registry: closes its connections (on SQLite,
    /// checkpointing the write-ahead log into the file).
    fn close(&self, py: Python<'_>) -> PyResult<()> {
        let api = self.api();
        wait(py, async move { api.close().await })
    }
}
