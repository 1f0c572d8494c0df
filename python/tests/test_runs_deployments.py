"""Training runs, metrics, environments and deployments, on every backend."""

from __future__ import annotations

import datetime

import pytest

import modelreg

UTC = datetime.timezone.utc


@pytest.fixture
def version(reg: modelreg.Registry) -> modelreg.ModelVersion:
    reg.create_model("fraud")
    return reg.register_version("fraud", "1.0.0", artifact_uri="s3://fraud/1.0.0", framework="pytorch")


def test_a_run_starts_finishes_and_adds_up(reg: modelreg.Registry, version: modelreg.ModelVersion) -> None:
    started = datetime.datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
    run = reg.start_run(
        "fraud@1.0.0",
        "nightly-42",
        started_at=started,
        gpu_hours=1.5,
        dataset_name="payments",
        dataset_version="2026-04",
        hyperparameters={"lr": 0.001, "layers": [64, 32]},
        environment={"gpu": "A100"},
        created_by="ci",
    )
    assert isinstance(run, modelreg.TrainingRun)
    assert (run.status, run.started_at, run.completed_at, run.duration_seconds) == ("running", started, None, None)
    assert (run.gpu_hours, run.cost_usd, run.created_by) == (1.5, None, "ci")
    assert run.hyperparameters == {"lr": 0.001, "layers": [64, 32]}
    assert run.environment == {"gpu": "A100"}
    assert reg.run(run.id) == run
    assert reg.run(str(run.id)) == run

    done = reg.finish_run(
        run, "succeeded", completed_at=started + datetime.timedelta(hours=2), gpu_hours=4.0, cost_usd=12.5
    )
    assert (done.status, done.duration_seconds, done.gpu_hours, done.cost_usd) == ("succeeded", 7200, 4.0, 12.5)
    with pytest.raises(modelreg.Invalid) as invalid:
        reg.finish_run(run, "failed")
    assert invalid.value.field == "status"

    other = reg.start_run(version, "adhoc")
    assert other.gpu_hours == 0.0
    reg.finish_run(other.id, "cancelled", duration_seconds=5)

    assert [r.run_name for r in reg.runs_of_version("fraud@1.0.0")] == ["adhoc", "nightly-42"]
    assert [r.run_name for r in reg.runs_of_version(version, status="succeeded")] == ["nightly-42"]
    assert [r.run_name for r in reg.runs_of_model("fraud", status="cancelled")] == ["adhoc"]
    assert len(reg.runs_of_model("fraud", limit=1)) == 1
    page = reg.runs(model="fraud", filter="status = 'succeeded'")
    assert [r.run_name for r in page] == ["nightly-42"]
    assert [r.run_name for r in reg.runs(version="fraud@1.0.0", sort="run_name asc")] == ["adhoc", "nightly-42"]

    cost = reg.cost_summary()
    assert isinstance(cost, modelreg.CostSummary)
    assert (cost.total_cost_usd, cost.total_gpu_hours, cost.run_count) == (12.5, 4.0, 2)
    assert reg.cost_summary("fraud") == cost
    assert reg.model_summary("fraud").training_run_count == 2


def test_metrics_are_recorded_and_the_latest_of_each_read(reg: modelreg.Registry, version: modelreg.ModelVersion) -> None:
    early = datetime.datetime(2026, 5, 1, tzinfo=UTC)
    first = reg.record_metric("fraud@1.0.0", "auc", 0.91, split="validation", recorded_at=early)
    assert isinstance(first, modelreg.Metric)
    assert (first.name, first.value, first.split, first.recorded_at) == ("auc", 0.91, "validation", early)
    reg.record_metric(version, "auc", 0.93, split="validation")
    reg.record_metric(version, "loss", 1, split="train")
    assert [m.value for m in reg.metrics_of_version("fraud@1.0.0", name="auc")] == [0.93, 0.91]
    assert [m.name for m in reg.metrics_of_version(version, split="train")] == ["loss"]
    assert len(reg.metrics_of_version(version, limit=2)) == 2
    latest = {m.name: m.value for m in reg.latest_metrics("fraud@1.0.0")}
    assert latest == {"auc": 0.93, "loss": 1.0}
    with pytest.raises(modelreg.Invalid) as invalid:
        reg.record_metric(version, "auc", float("nan"), split="test")
    assert invalid.value.field == "value"


def test_environments_are_created_listed_updated_and_deactivated(reg: modelreg.Registry) -> None:
    prod = reg.create_environment(
        "prod-eu", "production", region="eu-west-1", kubernetes_namespace="ml", config={"min_replicas": 2}
    )
    assert isinstance(prod, modelreg.Environment)
    assert (prod.kind, prod.region, prod.kubernetes_namespace, prod.config) == (
        "production",
        "eu-west-1",
        "ml",
        {"min_replicas": 2},
    )
    reg.create_environment("staging", "staging")
    assert reg.environment("prod-eu") == prod
    assert reg.environment(prod.id) == prod
    assert [e.name for e in reg.list_environments()] == ["prod-eu", "staging"]
    assert [e.name for e in reg.list_environments(kind="staging")] == ["staging"]

    updated = reg.update_environment("prod-eu", region=None, config={"min_replicas": 3}, kind="sandbox")
    assert (updated.region, updated.kubernetes_namespace, updated.config, updated.kind) == (
        None,
        "ml",
        {"min_replicas": 3},
        "sandbox",
    )
    assert reg.update_environment(updated, name="sandbox-eu").name == "sandbox-eu"
    assert reg.deactivate_environment("staging").is_active is False
    assert [e.name for e in reg.list_environments(active_only=True)] == ["sandbox-eu"]


def test_deployments_move_scale_roll_back_and_terminate(reg: modelreg.Registry, version: modelreg.ModelVersion) -> None:
    reg.register_version("fraud", "2.0.0", artifact_uri="s3://fraud/2.0.0", framework="pytorch")
    reg.create_environment("prod", "production")
    first = reg.deploy("fraud@1.0.0", "prod", "fraud-prod", status="healthy", endpoint_url="https://fraud.internal")
    assert isinstance(first, modelreg.Deployment)
    assert (first.status, first.replicas, first.gpu_count, first.terminated_at) == ("healthy", 1, 0, None)
    second = reg.deploy(
        "fraud@2.0.0", "prod", "fraud-prod", replicas=3, cpu_request="500m", memory_request="2Gi", gpu_count=1
    )
    assert (second.status, second.replicas, second.cpu_request, second.memory_request) == ("deploying", 3, "500m", "2Gi")
    assert reg.deployment(second.id) == second
    assert reg.deployment(str(second.id)) == second

    healthy = reg.set_deployment_status(second, "healthy")
    assert healthy.status == "healthy"
    assert reg.scale_deployment(second.id, 5).replicas == 5

    assert [d.id for d in reg.deployments_in("prod")] == [second.id, first.id]
    assert [d.id for d in reg.deployments_in("prod", status="healthy", limit=1)] == [second.id]
    assert [d.id for d in reg.deployments_of_version("fraud@1.0.0")] == [first.id]
    assert [d.id for d in reg.deployments_of_version(version, status="failed")] == []
    active = reg.active_deployments()
    assert all(isinstance(a, modelreg.ActiveDeployment) for a in active)
    assert {(a.model.name, a.version.semver, a.environment.name) for a in active} == {
        ("fraud", "1.0.0", "prod"),
        ("fraud", "2.0.0", "prod"),
    }
    assert [d.id for d in reg.deployments(environment="prod", filter="replicas > 1")] == [second.id]
    assert [d.id for d in reg.deployments(version="fraud@1.0.0")] == [first.id]

    rolled = reg.rollback_deployment(second)
    assert rolled.version_id == version.id
    assert reg.deployment(second.id).status == "terminated"
    assert reg.deployment(second.id).terminated_at is not None

    ended = reg.terminate_deployment(rolled.id)
    assert ended.status == "terminated"
    counts = reg.deployment_status_counts()
    assert counts == {"deploying": 0, "healthy": 1, "degraded": 0, "failed": 0, "terminated": 2}
    with pytest.raises(modelreg.Invalid):
        reg.scale_deployment(rolled, 2)
