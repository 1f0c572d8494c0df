"""modelreg: the ML model registry, from Python.

    import modelreg

    reg = modelreg.open()                      # the registry the `modelreg` command uses
    reg = modelreg.open("postgres://app@db/registry")
    reg = modelreg.open("https://registry.example", token="...")

Every operation is a method of :class:`Registry`; results are immutable
objects with typed attributes and ``to_dict()``; errors are subclasses of
:class:`Error`. The registry itself is Rust (``modelreg-core``), inside this
process or behind ``modelreg serve``: this package only converts at the edge.
"""

from ._modelreg import (
    ActiveDeployment,
    Alias,
    AliasChange,
    AliasWithVersion,
    AuditEvent,
    Conflict,
    CostSummary,
    Deployment,
    Drift,
    Environment,
    Error,
    ExportHeader,
    Internal,
    Invalid,
    Metric,
    Model,
    ModelSummary,
    ModelVersion,
    ModelWithVersions,
    NotFound,
    Page,
    Registered,
    Registry,
    SchemaTooNew,
    Stats,
    StatusChange,
    StorageFull,
    Tag,
    TagUsage,
    Team,
    TeamMetrics,
    TrainingRun,
    Unavailable,
    VersionWithModel,
    __version__,
    open,
)

__all__ = [
    "ActiveDeployment",
    "Alias",
    "AliasChange",
    "AliasWithVersion",
    "AuditEvent",
    "Conflict",
    "CostSummary",
    "Deployment",
    "Drift",
    "Environment",
    "Error",
    "ExportHeader",
    "Internal",
    "Invalid",
    "Metric",
    "Model",
    "ModelSummary",
    "ModelVersion",
    "ModelWithVersions",
    "NotFound",
    "Page",
    "Registered",
    "Registry",
    "SchemaTooNew",
    "Stats",
    "StatusChange",
    "StorageFull",
    "Tag",
    "TagUsage",
    "Team",
    "TeamMetrics",
    "TrainingRun",
    "Unavailable",
    "VersionWithModel",
    "__version__",
    "open",
]
