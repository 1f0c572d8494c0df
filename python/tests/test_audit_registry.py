"""Audit, analytics, export and the registry's own operations, on every backend."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

import modelreg
from conftest import ACTOR, Target


def test_every_change_is_audited_with_the_actor(reg: modelreg.Registry) -> None:
    model = reg.create_model("fraud")
    reg.update_model("fraud", description="scores payments")
    version = reg.register_version("fraud", "1.0.0", artifact_uri="s3://f", framework="sklearn")

    trail = reg.audit_of_entity("model", model.id)
    assert all(isinstance(e, modelreg.AuditEvent) for e in trail)
    assert [e.action for e in trail] == ["update", "create"]
    assert trail[0].changes == {"description": {"old": None, "new": "scores payments"}}
    assert trail[0].entity_type == "model" and trail[0].entity_id == model.id
    assert reg.audit_of_entity("model_version", version)[0].action == "create"
    assert reg.audit_of_entity("model", str(model.id), limit=1) == trail[:1]

    assert [e.actor for e in reg.audit_by_actor(ACTOR)] == [ACTOR] * 3
    assert reg.audit_by_actor("nobody") == []
    recent = reg.recent_audit(limit=2)
    assert [e.entity_type for e in recent] == ["model_version", "model"]
    assert [e.action for e in reg.recent_audit(offset=2)] == ["create"]

    page = reg.audit(filter="action = 'update'")
    assert [e.entity_id for e in page] == [model.id]
    with pytest.raises(modelreg.Invalid) as invalid:
        reg.audit_of_entity("spaceship", model.id)
    assert invalid.value.field == "entity_type"


def test_stats_and_stale_models_count_what_is_there(reg: modelreg.Registry) -> None:
    reg.create_team("t")
    reg.create_model("fresh", team="t")
    reg.create_model("stale")
    reg.register_version("fresh", "1.0.0", artifact_uri="s3://f", framework="jax")
    reg.start_run("fresh@1.0.0", "r")
    stats = reg.stats()
    assert isinstance(stats, modelreg.Stats)
    assert (stats.teams, stats.models, stats.model_versions, stats.training_runs) == (1, 2, 1, 1)
    assert stats.audit_events == 5
    assert [m.name for m in reg.stale_models(30)] == ["stale"]
    assert [m.name for m in reg.models(filter="name = 'stale'", sort="name desc")] == ["stale"]


def test_an_export_is_written_to_a_path_or_a_file_object(reg: modelreg.Registry, tmp_path: Path) -> None:
    reg.create_model("fraud")
    reg.register_version("fraud", "1.0.0", artifact_uri="s3://f", framework="onnx")
    calls: list[tuple[int, int]] = []
    header = reg.export(tmp_path / "registry.jsonl", progress=lambda done, total: calls.append((done, total)))
    assert isinstance(header, modelreg.ExportHeader)
    assert header.format == "modelreg-export"
    assert header.counts["model"] == 1 and header.counts["model_version"] == 1
    assert header.schema_version == reg.schema_version()
    lines = (tmp_path / "registry.jsonl").read_text().splitlines()
    assert json.loads(lines[0])["format"] == "modelreg-export"
    assert {json.loads(line)["kind"] for line in lines[1:]} >= {"model", "model_version", "audit_event"}
    assert calls and calls[-1][0] == calls[-1][1]

    buffer = io.BytesIO()
    assert reg.export(buffer).counts == header.counts
    assert buffer.getvalue().decode().splitlines()[1:] == lines[1:]
    assert reg.export(str(tmp_path / "again.jsonl")).counts == header.counts


def test_a_failing_destination_raises_its_own_exception(reg: modelreg.Registry) -> None:
    reg.create_model("m")

    class Broken:
        def write(self, data: bytes) -> int:
            raise OSError("disk on fire")

    with pytest.raises(OSError, match="disk on fire"):
        reg.export(Broken())

    def bad_progress(done: int, total: int) -> None:
        raise KeyError("progress")

    with pytest.raises(KeyError):
        reg.export(io.BytesIO(), progress=bad_progress)


def test_the_registry_reports_its_schema_and_readiness_and_closes(target: Target) -> None:
    with target.open() as reg:
        assert reg.schema_version() >= 1
        assert reg.check_ready() == reg.schema_version()
        assert repr(reg) == f"<modelreg.Registry {reg.url}>"
    with target.open() as again:
        assert again.stats().models == 0
