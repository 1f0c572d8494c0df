"""Teams, models and tags, on every backend."""

from __future__ import annotations

import uuid

import pytest

import modelreg


def test_a_team_is_created_read_listed_updated_deactivated_and_deleted(reg: modelreg.Registry) -> None:
    team = reg.create_team("search", department="Engineering", cost_center="CC-1")
    assert isinstance(team, modelreg.Team)
    assert (team.name, team.department, team.cost_center, team.active) == ("search", "Engineering", "CC-1", True)
    assert reg.team("search") == team
    assert reg.team(team.id) == team
    assert reg.team(str(team.id)) == team
    assert reg.team(team) == team

    reg.create_team("ads")
    assert [t.name for t in reg.list_teams()] == ["ads", "search"]
    assert [t.name for t in reg.list_teams(limit=1)] == ["ads"]
    assert [t.name for t in reg.list_teams(offset=1)] == ["search"]

    renamed = reg.update_team("search", name="search-ranking", department=None)
    assert (renamed.name, renamed.department, renamed.cost_center) == ("search-ranking", None, "CC-1")
    kept = reg.update_team(renamed, active=True)
    assert (kept.department, kept.cost_center) == (None, "CC-1")

    assert reg.deactivate_team("ads").active is False
    assert [t.name for t in reg.list_teams(active_only=True)] == ["search-ranking"]

    reg.create_model("ranker", team="search-ranking")
    metrics = reg.team_metrics("search-ranking")
    assert isinstance(metrics, modelreg.TeamMetrics)
    assert (metrics.model_count, metrics.version_count, metrics.training_run_count) == (1, 0, 0)

    reg.delete_team("search-ranking")
    with pytest.raises(modelreg.NotFound):
        reg.team("search-ranking")
    assert reg.model("ranker").team_id is None


def test_a_model_is_created_with_core_defaults_and_updated(reg: modelreg.Registry) -> None:
    team = reg.create_team("fraud")
    model = reg.create_model("fraud-detector", description="Scores card payments", use_case="payments", team=team)
    assert isinstance(model, modelreg.Model)
    assert model.team_id == team.id
    assert (model.risk_level, model.compliance_required, model.is_active) == ("medium", False, True)
    assert model.created_at == model.updated_at
    assert reg.model("fraud-detector") == model
    assert reg.model(model.id) == model

    high = reg.create_model("aml", risk_level="critical", compliance_required=True)
    assert (high.risk_level, high.compliance_required, high.team_id) == ("critical", True, None)

    updated = reg.update_model(model, description=None, risk_level="high", team=None)
    assert (updated.description, updated.use_case, updated.risk_level, updated.team_id) == (
        None,
        "payments",
        "high",
        None,
    )
    assert updated.updated_at > model.updated_at
    assert reg.update_model("aml", team="fraud", is_active=False).team_id == team.id

    assert [m.name for m in reg.list_models()] == ["aml", "fraud-detector"]
    assert [m.name for m in reg.list_models(active_only=True)] == ["fraud-detector"]
    assert [m.name for m in reg.list_models(team="fraud")] == ["aml"]
    assert [m.name for m in reg.list_models(risk_level="high")] == ["fraud-detector"]
    assert [m.name for m in reg.search_models("DETECT")] == ["fraud-detector"]
    assert reg.search_models("%") == []

    with_versions = reg.model_with_versions("fraud-detector")
    assert isinstance(with_versions, modelreg.ModelWithVersions)
    assert (with_versions.model, with_versions.versions, with_versions.version_count) == (updated, [], 0)

    summary = reg.model_summary("fraud-detector")
    assert isinstance(summary, modelreg.ModelSummary)
    assert (summary.version_count, summary.latest_version, summary.production_version) == (0, None, None)

    reg.delete_model("aml")
    with pytest.raises(modelreg.NotFound) as missing:
        reg.model("aml")
    assert (missing.value.entity, missing.value.key) == ("model", "aml")


def test_tags_are_added_once_listed_described_removed_and_deleted(reg: modelreg.Registry) -> None:
    reg.create_model("fraud-detector")
    reg.create_model("aml")
    assert reg.add_tag("fraud-detector", "payments") is True
    assert reg.add_tag("fraud-detector", "payments") is False
    assert reg.add_tag("aml", "payments") is True
    assert reg.add_tag("aml", "regulated") is True

    assert [m.name for m in reg.models_by_tag("payments")] == ["aml", "fraud-detector"]
    assert [t.name for t in reg.tags_of_model("aml")] == ["payments", "regulated"]
    usage = {u.tag.name: u.model_count for u in reg.list_tags()}
    assert usage == {"payments": 2, "regulated": 1}
    assert isinstance(reg.list_tags()[0], modelreg.TagUsage)

    described = reg.update_tag("payments", description="Card payments")
    assert isinstance(described, modelreg.Tag)
    assert described.description == "Card payments"
    assert reg.update_tag("payments", description=None).description is None

    assert reg.remove_tag("aml", "payments") is True
    assert reg.remove_tag("aml", "payments") is False
    reg.delete_tag("regulated")
    assert [t.name for t in reg.tags_of_model("aml")] == []
    with pytest.raises(modelreg.NotFound):
        reg.delete_tag("regulated")


def test_references_take_names_ids_and_results(reg: modelreg.Registry) -> None:
    model = reg.create_model("m")
    assert reg.model(model) == reg.model(model.id) == reg.model(str(model.id)) == reg.model("m")
    with pytest.raises(modelreg.NotFound):
        reg.model(uuid.uuid4())
    with pytest.raises(TypeError, match="model must be"):
        reg.model(42)  # type: ignore[arg-type]
