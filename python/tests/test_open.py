"""modelreg.open(): the default registry is the CLI's, actors default as in the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import modelreg
from conftest import run_cli


def test_the_default_registry_is_the_one_the_cli_uses(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("USER", "ada")
    with modelreg.open() as reg:
        assert reg.url == f"sqlite://{tmp_path / 'data' / 'modelreg' / 'registry.db'}"
        reg.create_model("from-python")
        assert reg.audit_by_actor("ada")[0].action == "create"
    assert (tmp_path / "data" / "modelreg" / "registry.db").is_file()

    listed = json.loads(run_cli(tmp_path, "model", "list", "-o", "json", USER="ada").stdout)
    assert [m["name"] for m in listed] == ["from-python"]
    run_cli(tmp_path, "model", "create", "from-cli", USER="ada")
    with modelreg.open(actor="grace") as reg:
        assert [m.name for m in reg.list_models()] == ["from-cli", "from-python"]
        reg.update_model("from-cli", description="seen from Python")
        assert reg.audit_by_actor("grace")[0].action == "update"


def test_an_explicit_actor_is_checked_by_core(tmp_path: Path) -> None:
    with pytest.raises(modelreg.Invalid) as err:
        modelreg.open(f"sqlite://{tmp_path / 'r.db'}", create=True, actor="")
    assert err.value.field == "actor"


def test_a_password_never_shows(postgres_url: str) -> None:
    with_password = postgres_url.replace("://postgres@", "://postgres:hunter2@")
    with modelreg.open(with_password) as reg:
        assert "hunter2" not in repr(reg) and "hunter2" not in reg.url
