//! Results about versions, their aliases and their history.

use modelreg_core as mr;
use pyo3::prelude::*;

use super::{Form, ToPy};

records! {
    /// One version of a model: an artifact with its lifecycle status.
    ModelVersion = mr::versions::ModelVersion {
        id: "The version's id.",
        model_id: "The id of its model.",
        semver: "Its SemVer 2.0 version, unique within the model.",
        artifact_uri: "Where the artifact is kept.",
        framework: r#""pytorch", "tensorflow", "sklearn", "xgboost", "jax", "onnx" or "huggingface"."#,
        framework_version: "The version of that library.",
        python_version: "The Python version it was built with.",
        status: r#""registered", "validated", "production", "archived" or "deprecated"."#,
        size_bytes: "The artifact's size in bytes, once known.",
        checksum_sha256: "The artifact's SHA-256 (64 lower-case hex characters), once known.",
        metadata: "Free-form facts about the version (a JSON object).",
        created_at: "When the version was registered (UTC).",
        description: "Free text about the version.",
    }

    /// A version together with its model.
    VersionWithModel = mr::versions::VersionWithModel {
        version: "The version.",
        model: "The model it is a version of.",
    }

    /// A model with a page of its versions (newest first) and how many it has.
    ModelWithVersions = mr::registry::ModelWithVersions {
        model: "The model.",
        versions: "The requested page of its versions, newest first.",
        version_count: "How many versions the model has in all.",
    }

    /// What a registration did: created the version, or found it registered already.
    Registered = mr::registry::Registered {
        version: "The version registered now, or the one registered before.",
        created: "False when the same semver, artifact and checksum were registered before.",
    }

    /// A model's alias and the version it points to.
    Alias = mr::aliases::Alias {
        id: "The alias's id (kept when the alias moves).",
        model_id: "The id of the model whose alias this is.",
        name: "The alias's name, unique within its model.",
        version_id: "The id of the version it points to.",
        assigned_at: "When the alias was last set (UTC).",
    }

    /// An alias with the semver it points to.
    AliasWithVersion = mr::aliases::AliasWithVersion {
        name: "The alias's name.",
        version_id: "The id of the version it points to.",
        semver: "That version's semver.",
        assigned_at: "When the alias was last set (UTC).",
    }

    /// A version's status changed (or was first set, when from_status is None).
    StatusChange = mr::history::StatusChange [kind = "status"] {
        id: "The history entry's id.",
        model_id: "The id of the version's model.",
        version_id: "The id of the version whose status changed.",
        from_status: "The status before; None for the status a version is registered with.",
        to_status: "The status after.",
        actor: "Who made the change.",
        changed_at: "When the change took effect (UTC).",
    }

    /// An alias was set, moved or removed.
    AliasChange = mr::history::AliasChange [kind = "alias"] {
        id: "The history entry's id.",
        model_id: "The id of the model whose alias changed.",
        alias: "The alias's name.",
        from_version_id: "The version it pointed to before; None when it was first set.",
        to_version_id: "The version it points to after; None when it was removed.",
        actor: "Who made the change.",
        changed_at: "When the change took effect (UTC).",
    }
}

/// A history entry is the class of its kind of change.
impl ToPy for mr::history::HistoryEntry {
    fn to_py_as<'py>(&self, py: Python<'py>, form: Form) -> PyResult<Bound<'py, PyAny>> {
        match self {
            mr::history::HistoryEntry::Status(change) => change.to_py_as(py, form),
            mr::history::HistoryEntry::Alias(change) => change.to_py_as(py, form),
        }
    }

    fn into_py<'py>(self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        match self {
            mr::history::HistoryEntry::Status(change) => change.into_py(py),
            mr::history::HistoryEntry::Alias(change) => change.into_py(py),
        }
    }
}
