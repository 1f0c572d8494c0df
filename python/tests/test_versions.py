"""Versions, aliases, history and queries, on every backend."""

from __future__ import annotations

import datetime
import hashlib

import pytest

import modelreg

CHECKSUM = hashlib.sha256(b"model weights").hexdigest()


def register(reg: modelreg.Registry, model: str, semver: str, **extra: object) -> modelreg.ModelVersion:
    return reg.register_version(model, semver, artifact_uri=f"s3://models/{model}/{semver}", framework="xgboost", **extra)  # type: ignore[arg-type]


def test_a_version_is_registered_with_its_fields_and_read_back(reg: modelreg.Registry) -> None:
    model = reg.create_model("fraud-detector")
    version = reg.register_version(
        "fraud-detector",
        "1.3.0",
        artifact_uri="s3://models/fraud/1.3.0",
        framework="xgboost",
        framework_version="2.0.3",
        python_version="3.11",
        size_bytes=5_000_000_000,
        checksum_sha256=CHECKSUM.upper(),
        metadata={"auc": 0.93, "features": ["amount", "country"], "nested": {"deep": [1, None, True]}},
        description="Retrained on October data",
    )
    assert isinstance(version, modelreg.ModelVersion)
    assert version.model_id == model.id
    assert (version.semver, version.framework, version.status) == ("1.3.0", "xgboost", "registered")
    assert (version.framework_version, version.python_version) == ("2.0.3", "3.11")
    assert version.size_bytes == 5_000_000_000
    assert version.checksum_sha256 == CHECKSUM
    assert version.metadata == {"auc": 0.93, "features": ["amount", "country"], "nested": {"deep": [1, None, True]}}
    assert version.description == "Retrained on October data"
    assert version.created_at.tzinfo == datetime.timezone.utc

    for ref in ["fraud-detector@1.3.0", "fraud-detector@latest", version.id, str(version.id), version]:
        assert reg.version(ref) == version
    assert reg.list_versions("fraud-detector") == [version]
    assert reg.model_with_versions("fraud-detector").versions == [version]
    found = reg.versions_by_checksum(CHECKSUM)
    assert [(f.model.name, f.version.semver) for f in found] == [("fraud-detector", "1.3.0")]


def test_registering_again_is_a_safe_retry_and_a_different_artifact_a_conflict(reg: modelreg.Registry) -> None:
    reg.create_model("m")
    first = reg.register("m", "1.0.0", artifact_uri="s3://a", framework="onnx")
    assert isinstance(first, modelreg.Registered)
    assert first.created is True
    again = reg.register("m", "1.0.0", artifact_uri="s3://a", framework="onnx")
    assert (again.created, again.version) == (False, first.version)
    assert reg.register_version("m", "1.0.0", artifact_uri="s3://a", framework="onnx") == first.version
    with pytest.raises(modelreg.Conflict) as conflict:
        reg.register_version("m", "1.0.0", artifact_uri="s3://b", framework="jax")
    err = conflict.value
    assert (err.entity, err.key, err.fields) == ("model_version", "m@1.0.0", ("artifact_uri", "framework"))
    assert (err.field, err.value) == (None, None)


def test_latest_is_highest_precedence_and_production_is_one_version(reg: modelreg.Registry) -> None:
    reg.create_model("m")
    for semver in ["1.9.0", "1.10.0", "2.0.0-rc.1", "1.10.1"]:
        register(reg, "m", semver)
    latest = reg.latest_version("m")
    assert latest is not None and latest.semver == "1.10.1"
    assert reg.production_version("m") is None
    assert reg.latest_version("m", status="production") is None

    reg.set_version_status("m@1.10.0", "production")
    promoted = reg.set_version_status("m@1.10.1", "production")
    assert promoted.status == "production"
    assert reg.version("m@1.10.0").status == "archived"
    production = reg.production_version("m")
    assert production is not None and production.semver == "1.10.1"
    assert reg.version("m@production") == production
    assert [v.semver for v in reg.list_versions("m", status="archived")] == ["1.10.0"]
    assert [v.semver for v in reg.list_versions("m", limit=2)] == ["1.10.1", "2.0.0-rc.1"]
    assert [(p.model.name, p.version.semver) for p in reg.production_versions()] == [("m", "1.10.1")]
    latest_archived = reg.latest_version("m", status="archived")
    assert latest_archived is not None and latest_archived.semver == "1.10.0"

    reg.set_version_status("m@1.9.0", "deprecated")
    with pytest.raises(modelreg.Invalid) as invalid:
        reg.set_version_status("m@1.9.0", "validated")
    assert invalid.value.field == "status"

    summary = reg.model_summary("m")
    assert (summary.version_count, summary.latest_version, summary.production_version) == (4, "1.10.1", "1.10.1")


def test_a_version_is_edited_within_its_identity_and_deleted(reg: modelreg.Registry) -> None:
    reg.create_model("m")
    register(reg, "m", "1.0.0", metadata={"a": 1, "b": 2}, framework_version="1.0", description="first")
    edited = reg.update_version(
        "m@1.0.0",
        description=None,
        set_metadata={"c": 3},
        unset_metadata=["a"],
        python_version="3.12",
        size_bytes=10,
        checksum_sha256=CHECKSUM,
    )
    assert edited.description is None
    assert edited.metadata == {"b": 2, "c": 3}
    assert (edited.framework_version, edited.python_version) == ("1.0", "3.12")
    assert (edited.size_bytes, edited.checksum_sha256) == (10, CHECKSUM)
    replaced = reg.update_version(edited, metadata={"z": [1]}, framework_version=None)
    assert (replaced.metadata, replaced.framework_version) == ({"z": [1]}, None)
    with pytest.raises(modelreg.Invalid) as invalid:
        reg.update_version("m@1.0.0", size_bytes=11)
    assert invalid.value.field == "size_bytes"

    reg.delete_version("m@1.0.0")
    with pytest.raises(modelreg.NotFound):
        reg.version("m@1.0.0")


def test_aliases_point_move_resolve_in_the_past_and_leave_history(reg: modelreg.Registry) -> None:
    reg.create_model("fraud")
    one = register(reg, "fraud", "1.0.0")
    two = register(reg, "fraud", "2.0.0")
    alias = reg.set_alias("fraud@1.0.0", "champion")
    assert isinstance(alias, modelreg.Alias)
    assert (alias.name, alias.version_id, alias.model_id) == ("champion", one.id, one.model_id)
    assert reg.version("fraud@champion") == one
    before_move = datetime.datetime.now(datetime.timezone.utc)

    moved = reg.set_alias(two, "champion")
    assert (moved.id, moved.version_id) == (alias.id, two.id)
    assert reg.version("fraud@champion") == two
    assert reg.version_at("fraud@champion", before_move) == one
    paris = before_move.astimezone(datetime.timezone(datetime.timedelta(hours=2)))
    assert reg.version_at("fraud@champion", paris) == one

    reg.set_alias("fraud@2.0.0", "shadow")
    listed = reg.aliases_of_model("fraud")
    assert all(isinstance(a, modelreg.AliasWithVersion) for a in listed)
    assert [(a.name, a.semver) for a in listed] == [("champion", "2.0.0"), ("shadow", "2.0.0")]

    assert reg.remove_alias("fraud", "shadow") is True
    assert reg.remove_alias("fraud", "shadow") is False

    history = reg.version_history("fraud")
    kinds = [entry.kind for entry in history]
    assert kinds.count("alias") == 4 and kinds.count("status") == 2
    newest = history[0]
    assert isinstance(newest, modelreg.AliasChange)
    assert (newest.alias, newest.from_version_id, newest.to_version_id) == ("shadow", two.id, None)
    first_status = history[-1]
    assert isinstance(first_status, modelreg.StatusChange)
    assert (first_status.from_status, first_status.to_status) == (None, "registered")
    assert newest.to_dict()["kind"] == "alias"

    with pytest.raises(modelreg.Invalid) as invalid:
        reg.set_alias("fraud@1.0.0", "latest")
    assert invalid.value.field == "alias"


def test_drift_shows_deployments_that_do_not_run_production(reg: modelreg.Registry) -> None:
    reg.create_model("m")
    register(reg, "m", "1.0.0")
    register(reg, "m", "2.0.0")
    reg.create_environment("prod", "production")
    reg.deploy("m@1.0.0", "prod", "m-prod", status="healthy")
    reg.set_version_status("m@2.0.0", "production")
    drift = reg.drift()
    assert len(drift) == 1 and isinstance(drift[0], modelreg.Drift)
    assert drift[0].deployed.semver == "1.0.0"
    assert drift[0].production is not None and drift[0].production.semver == "2.0.0"
    assert (drift[0].environment.name, drift[0].model.name, drift[0].deployment.name) == ("prod", "m", "m-prod")
    assert reg.drift("m") == drift
    reg.set_version_status("m@1.0.0", "production")
    assert reg.drift(model="m") == []


def test_version_queries_filter_sort_and_page_with_a_token(reg: modelreg.Registry) -> None:
    reg.create_model("fraud-detector")
    reg.create_model("other")
    for i, auc in enumerate([0.85, 0.91, 0.95, 0.97]):
        register(reg, "fraud-detector", f"1.{i}.0", metadata={"auc": auc})
    register(reg, "other", "1.0.0", metadata={"auc": 0.99})

    page = reg.versions("fraud-detector", filter="metadata.auc > 0.9", sort="created_at desc")
    assert isinstance(page, modelreg.Page)
    assert [v.semver for v in page] == ["1.3.0", "1.2.0", "1.1.0"]
    assert page.next is None
    assert len(page) == 3 and page[0].semver == "1.3.0"

    first = reg.versions(filter="metadata.auc > 0.9", sort="semver asc", limit=2)
    assert len(first) == 2 and first.next is not None
    second = reg.versions(filter="metadata.auc > 0.9", sort="semver asc", limit=2, page_token=first.next)
    assert [v.semver for v in first] + [v.semver for v in second] == ["1.0.0", "1.1.0", "1.2.0", "1.3.0"]
    assert second.next is not None
    third = reg.versions(filter="metadata.auc > 0.9", sort="semver asc", limit=2, page_token=second.next)
    assert (list(third), third.next) == ([], None)
    assert [v.semver for v in reg.versions("fraud-detector", sort="semver desc", offset=3)] == ["1.0.0"]

    with pytest.raises(modelreg.Invalid):
        reg.versions(filter="metadata.auc >")
    with pytest.raises(modelreg.Invalid):
        reg.versions(filter="metadata.auc > 0.9", limit=2, page_token="not-a-token")

    models = reg.models(filter="name contains 'fraud'")
    assert [m.name for m in models] == ["fraud-detector"]
