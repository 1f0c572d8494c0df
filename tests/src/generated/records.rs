//! Records of every kind, generated: each field drawn from [`super::values`],
//! and each child with the index of the generated parent it belongs to
//! (which [`super::registry`] turns into the parent's id).

use modelreg_core::deployments::{Deployment, DeploymentStatus};
use modelreg_core::environments::{Environment, EnvironmentKind};
use modelreg_core::metrics::{Metric, Split};
use modelreg_core::models::{Model, RiskLevel, Tag};
use modelreg_core::runs::{MAX_COST_USD, MAX_DURATION_SECONDS, MAX_GPU_HOURS, RunStatus, TrainingRun};
use modelreg_core::teams::Team;
use modelreg_core::versions::{Framework, ModelVersion, VersionStatus};
use proptest::option;
use proptest::prelude::*;
use proptest::sample::{Index, select};
use uuid::Uuid;

use super::values::{
    TEXT_CHARS, bounded, count, description, finite, json_object, length, name, semver, size_bytes, string_of, text,
    timestamp, uuid,
};

pub(super) fn team() -> impl Strategy<Value = Team> {
    (
        any::<u128>(),
        name(100),
        text(100),
        text(50),
        any::<bool>(),
        timestamp(),
    )
        .prop_map(|(id, name, department, cost_center, active, created_at)| Team {
            id: uuid(id),
            name,
            department,
            cost_center,
            active,
            created_at,
        })
}

pub(super) fn tag() -> impl Strategy<Value = Tag> {
    (any::<u128>(), name(50), description(), timestamp()).prop_map(|(id, name, description, created_at)| Tag {
        id: uuid(id),
        name,
        description,
        created_at,
    })
}

/// A model and which generated team owns it.
pub(super) fn model() -> impl Strategy<Value = (Model, Option<Index>)> {
    (
        (
            any::<u128>(),
            name(200),
            description(),
            text(200),
            option::of(any::<Index>()),
        ),
        (
            select(RiskLevel::ALL),
            any::<bool>(),
            any::<bool>(),
            timestamp(),
            timestamp(),
        ),
    )
        .prop_map(
            |(
                (id, name, description, use_case, team),
                (risk_level, compliance_required, is_active, created, updated),
            )| {
                let model = Model {
                    id: uuid(id),
                    name,
                    description,
                    use_case,
                    team_id: None,
                    risk_level,
                    compliance_required,
                    is_active,
                    created_at: created,
                    updated_at: updated,
                };
                (model, team)
            },
        )
}

/// A version and which generated model it belongs to.
pub(super) fn version() -> impl Strategy<Value = (ModelVersion, Index)> {
    (
        (
            any::<u128>(),
            any::<Index>(),
            semver(),
            string_of(TEXT_CHARS, length(1, 500)),
        ),
        (select(Framework::ALL), text(50), text(20), select(VersionStatus::ALL)),
        (
            size_bytes(),
            option::of("[0-9a-f]{64}"),
            json_object(),
            timestamp(),
            description(),
        ),
    )
        .prop_map(
            |(
                (id, model, semver, artifact_uri),
                (framework, framework_version, python_version, status),
                (size_bytes, checksum_sha256, metadata, created_at, description),
            )| {
                let version = ModelVersion {
                    id: uuid(id),
                    model_id: Uuid::nil(),
                    semver,
                    artifact_uri,
                    framework,
                    framework_version,
                    python_version,
                    status,
                    size_bytes,
                    checksum_sha256,
                    metadata,
                    created_at,
                    description,
                };
                (version, model)
            },
        )
}

/// A run and which generated version it belongs to.
pub(super) fn run() -> impl Strategy<Value = (TrainingRun, Index)> {
    (
        (any::<u128>(), any::<Index>(), name(200), select(RunStatus::ALL)),
        (
            timestamp(),
            option::of(timestamp()),
            option::of(prop_oneof![
                Just(0),
                Just(MAX_DURATION_SECONDS),
                0..=MAX_DURATION_SECONDS
            ]),
        ),
        (bounded(MAX_GPU_HOURS), option::of(bounded(MAX_COST_USD))),
        (text(200), text(50), json_object(), json_object(), text(100)),
    )
        .prop_map(
            |(
                (id, version, run_name, status),
                (started_at, completed_at, duration_seconds),
                (gpu_hours, cost_usd),
                (dataset_name, dataset_version, hyperparameters, environment, created_by),
            )| {
                let run = TrainingRun {
                    id: uuid(id),
                    version_id: Uuid::nil(),
                    run_name,
                    status,
                    started_at,
                    completed_at,
                    duration_seconds,
                    gpu_hours,
                    cost_usd,
                    dataset_name,
                    dataset_version,
                    hyperparameters,
                    environment,
                    created_by,
                };
                (run, version)
            },
        )
}

pub(super) fn metric() -> impl Strategy<Value = (Metric, Index)> {
    (
        any::<u128>(),
        any::<Index>(),
        name(100),
        finite(),
        select(Split::ALL),
        timestamp(),
    )
        .prop_map(|(id, version, name, value, split, recorded_at)| {
            let metric = Metric {
                id: uuid(id),
                version_id: Uuid::nil(),
                name,
                value,
                split,
                recorded_at,
            };
            (metric, version)
        })
}

pub(super) fn environment() -> impl Strategy<Value = Environment> {
    (
        (any::<u128>(), name(50), select(EnvironmentKind::ALL), text(50)),
        (text(100), json_object(), any::<bool>(), timestamp()),
    )
        .prop_map(
            |((id, name, kind, region), (kubernetes_namespace, config, is_active, created_at))| Environment {
                id: uuid(id),
                name,
                kind,
                region,
                kubernetes_namespace,
                config,
                is_active,
                created_at,
            },
        )
}

/// A deployment and which generated version and environment it joins.
pub(super) fn deployment() -> impl Strategy<Value = (Deployment, Index, Index)> {
    (
        (
            any::<u128>(),
            any::<Index>(),
            any::<Index>(),
            name(200),
            select(DeploymentStatus::ALL),
        ),
        (text(500), count(), text(20), text(20), count()),
        (timestamp(), text(100), option::of(timestamp())),
    )
        .prop_map(
            |(
                (id, version, env, name, status),
                (endpoint_url, replicas, cpu_request, memory_request, gpu_count),
                (deployed_at, deployed_by, terminated_at),
            )| {
                let deployment = Deployment {
                    id: uuid(id),
                    version_id: Uuid::nil(),
                    environment_id: Uuid::nil(),
                    name,
                    status,
                    endpoint_url,
                    replicas,
                    cpu_request,
                    memory_request,
                    gpu_count,
                    deployed_at,
                    deployed_by,
                    terminated_at,
                };
                (deployment, version, env)
            },
        )
}
