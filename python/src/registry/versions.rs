//! Versions, their aliases and history, and drift from the production version.

use modelreg_core::versions::{NewVersion, VersionFilter, VersionUpdate};
use pyo3::prelude::*;

use super::{Answer, Any, Registry};
use crate::convert::{self, Change};

/// `register` and `register_version` take the same arguments and differ in
/// what they answer: one argument list serves both.
macro_rules! registrations {
    ($( $(#[doc = $doc:literal])* fn $method:ident; )*) => {
        #[pymethods]
        impl Registry {$(
            $(#[doc = $doc])*
            #[pyo3(signature = (
                model, semver, *, artifact_uri, framework, framework_version=None, python_version=None,
                size_bytes=None, checksum_sha256=None, metadata=None, description=None
            ))]
            #[allow(clippy::too_many_arguments)]
            fn $method<'py>(
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
                let mut new = NewVersion::new(semver, artifact_uri, convert::closed(framework)?);
                new.framework_version = framework_version;
                new.python_version = python_version;
                new.size_bytes = size_bytes;
                new.checksum_sha256 = checksum_sha256;
                new.metadata = convert::opt_json_object("metadata", metadata)?.unwrap_or(new.metadata);
                new.description = description;
                self.ask(py, |api| async move { api.$method(&model, new).await })
            }
        )*}
    };
}

registrations! {
    /// Registers a version and says whether it was created: registering the
    /// same semver, artifact, framework and checksum again answers the
    /// existing version (created=False); any difference raises Conflict.
    fn register;

    /// Registers a version (status "registered") and answers it; a retry
    /// with the same semver, artifact, framework and checksum answers the
    /// version registered before.
    fn register_version;
}

listings! {
    /// A model's versions, newest first, optionally of one status.
    fn list_versions(model = entity_ref("model"), status: VersionFilter);

    /// A model's aliases with the semver each points to.
    fn aliases_of_model(model = entity_ref("model"));

    /// A model's timeline of status changes and alias moves, newest first.
    fn version_history(model = entity_ref("model"));
}

#[pymethods]
impl Registry {
    // Versions.

    /// The version a reference means: "MODEL@SEMVER", "MODEL@ALIAS",
    /// "MODEL@latest", "MODEL@production", or the version's id.
    fn version<'py>(&self, py: Python<'py>, version: &Any<'py>) -> Answer<'py> {
        let version = convert::version_ref(version)?;
        self.ask(py, |api| async move { api.version(&version).await })
    }

    /// The version a reference meant at a moment (a timezone-aware datetime).
    fn version_at<'py>(&self, py: Python<'py>, version: &Any<'py>, at: &Any<'py>) -> Answer<'py> {
        let version = convert::version_ref(version)?;
        let at = convert::timestamp("at", at)?;
        self.ask(py, |api| async move { api.version_at(&version, at).await })
    }

    /// The version of highest SemVer precedence (optionally of one status), or None.
    #[pyo3(signature = (model, *, status=None))]
    fn latest_version<'py>(&self, py: Python<'py>, model: &Any<'py>, status: Option<&str>) -> Answer<'py> {
        let model = convert::entity_ref("model", model)?;
        let status = convert::opt_closed(status)?;
        self.ask(py, |api| async move { api.latest_version(&model, status).await })
    }

    /// The model's production version, or None.
    fn production_version<'py>(&self, py: Python<'py>, model: &Any<'py>) -> Answer<'py> {
        let model = convert::entity_ref("model", model)?;
        self.ask(py, |api| async move { api.production_version(&model).await })
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
        self.ask(py, |api| async move { api.update_version(&version, update).await })
    }

    /// Moves a version to a status; to "production" archives the model's
    /// previous production version in the same transaction.
    fn set_version_status<'py>(&self, py: Python<'py>, version: &Any<'py>, status: &str) -> Answer<'py> {
        let version = convert::version_ref(version)?;
        let status = convert::closed(status)?;
        self.ask(py, |api| async move { api.set_version_status(&version, status).await })
    }

    /// Every production version with its model.
    #[pyo3(signature = (*, offset=0, limit=None))]
    fn production_versions<'py>(&self, py: Python<'py>, offset: u64, limit: Option<u32>) -> Answer<'py> {
        let page = convert::page(offset, limit)?;
        self.ask(py, |api| async move { api.production_versions(page).await })
    }

    /// Deletes a version with its runs, metrics and deployments.
    fn delete_version(&self, py: Python<'_>, version: &Any<'_>) -> PyResult<()> {
        let version = convert::version_ref(version)?;
        self.call(py, |api| async move { api.delete_version(&version).await })
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
        self.ask(py, |api| async move { api.versions_by_checksum(&checksum, page).await })
    }

    // Aliases and history.

    /// Points the model's alias `name` ("champion") at a version, moving it if it exists.
    fn set_alias<'py>(&self, py: Python<'py>, version: &Any<'py>, name: String) -> Answer<'py> {
        let version = convert::version_ref(version)?;
        self.ask(py, |api| async move { api.set_alias(&version, &name).await })
    }

    /// Removes a model's alias; False when it has no such alias.
    fn remove_alias(&self, py: Python<'_>, model: &Any<'_>, name: String) -> PyResult<bool> {
        let model = convert::entity_ref("model", model)?;
        self.call(py, |api| async move { api.remove_alias(&model, &name).await })
    }

    /// Serving deployments that do not run their model's production version
    /// (of every model, or of one).
    #[pyo3(signature = (model=None, *, offset=0, limit=None))]
    fn drift<'py>(&self, py: Python<'py>, model: Option<&Any<'py>>, offset: u64, limit: Option<u32>) -> Answer<'py> {
        let model = convert::opt_entity_ref("model", model)?;
        let page = convert::page(offset, limit)?;
        self.ask(py, |api| async move { api.drift(model.as_ref(), page).await })
    }
}
