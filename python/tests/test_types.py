"""Results are immutable, typed, comparable and convert to dicts; the stub matches the module."""

from __future__ import annotations

import ast
import datetime
import os
import re
import subprocess
import sys
import typing
import uuid
from pathlib import Path

import pytest

import modelreg

STUB = Path(modelreg.__file__).with_name("_modelreg.pyi")


def test_results_are_immutable_typed_and_compare_by_value(tmp_path: Path) -> None:
    with modelreg.open(f"sqlite://{tmp_path / 'r.db'}", create=True) as reg:
        reg.create_model("m")
        version = reg.register_version(
            "m", "1.0.0", artifact_uri="s3://a", framework="jax", metadata={"ünïcode": "✓", "big": 2**63 - 1}
        )
        assert isinstance(version.id, uuid.UUID)
        assert isinstance(version.created_at, datetime.datetime)
        assert version.created_at.utcoffset() == datetime.timedelta(0)
        assert version.metadata == {"ünïcode": "✓", "big": 2**63 - 1}
        with pytest.raises(AttributeError):
            version.semver = "2.0.0"  # type: ignore[misc]
        version.metadata["mutated"] = True  # a fresh dict each time: the result is unchanged
        assert "mutated" not in version.metadata
        assert reg.version("m@1.0.0") == version
        assert version != reg.register_version("m", "1.0.1", artifact_uri="s3://b", framework="jax")

        as_dict = version.to_dict()
        assert as_dict["id"] == version.id and as_dict["semver"] == "1.0.0"
        assert list(as_dict) == [
            "id", "model_id", "semver", "artifact_uri", "framework", "framework_version", "python_version",
            "status", "size_bytes", "checksum_sha256", "metadata", "created_at", "description",
        ]  # fmt: skip
        nested = reg.model_with_versions("m").to_dict()
        assert isinstance(nested["model"], dict) and isinstance(nested["versions"][0], dict)
        assert "semver='1.0.0'" in repr(version)


def test_a_page_is_a_read_only_sequence(tmp_path: Path) -> None:
    with modelreg.open(f"sqlite://{tmp_path / 'r.db'}", create=True) as reg:
        for name in ["a", "b", "c"]:
            reg.create_model(name)
        page = reg.models(sort="name asc", limit=2)
        assert len(page) == 2 and bool(page)
        assert [m.name for m in page] == ["a", "b"]
        assert page[-1].name == "b"
        assert [m.name for m in page[0:1]] == ["a"]
        assert [m.name for m in page.items] == ["a", "b"]
        assert page.to_dict()["next"] == page.next and page.next is not None
        assert page.to_dict()["items"][0]["name"] == "a"
        with pytest.raises(AttributeError):
            page.next = None  # type: ignore[misc]
        assert modelreg.Page[modelreg.Model] is not None


def _literals() -> dict[str, list[str]]:
    """The closed sets the stub declares."""
    found: dict[str, list[str]] = {}
    for node in ast.parse(STUB.read_text()).body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Subscript):
            target = node.targets[0]
            if isinstance(target, ast.Name) and ast.unparse(node.value.value) == "Literal":
                elts = node.value.slice.elts if isinstance(node.value.slice, ast.Tuple) else [node.value.slice]
                found[target.id] = [typing.cast(ast.Constant, e).value for e in elts]
    return found


def test_the_stubs_closed_sets_are_cores(tmp_path: Path) -> None:
    """Each Literal of the stub lists exactly the values core accepts (core's error message lists them)."""
    literals = _literals()
    with modelreg.open(f"sqlite://{tmp_path / 'r.db'}", create=True) as reg:
        model = reg.create_model("m")
        version = reg.register_version("m", "1.0.0", artifact_uri="s3://a", framework="jax")
        reg.create_environment("e", "staging")
        probes: dict[str, typing.Callable[[str], object]] = {
            "_RiskLevel": lambda v: reg.create_model("x", risk_level=v),  # type: ignore[arg-type]
            "_Framework": lambda v: reg.register_version("m", "9.0.0", artifact_uri="s", framework=v),  # type: ignore[arg-type]
            "_VersionStatus": lambda v: reg.list_versions("m", status=v),  # type: ignore[arg-type]
            "_RunStatus": lambda v: reg.runs_of_model("m", status=v),  # type: ignore[arg-type]
            "_Split": lambda v: reg.metrics_of_version(version, split=v),  # type: ignore[arg-type]
            "_EnvironmentKind": lambda v: reg.list_environments(kind=v),  # type: ignore[arg-type]
            "_DeploymentStatus": lambda v: reg.deployments_in("e", status=v),  # type: ignore[arg-type]
        }
        for alias, probe in probes.items():
            with pytest.raises(modelreg.Invalid) as err:
                probe("?")
            accepted = err.value.reason.split(" is not one of ")[1].split(", ")
            assert literals[alias] == accepted, alias
        # Entity types: core's message does not list them; each of the stub's is accepted.
        with pytest.raises(modelreg.Invalid):
            reg.audit_of_entity("?", model.id)  # type: ignore[arg-type]
        for entity_type in literals["_EntityType"]:
            reg.audit_of_entity(entity_type, model.id)  # type: ignore[arg-type]


def test_the_stub_matches_the_module() -> None:
    """mypy's stubtest: every class, method, argument and default of the stub exists at run time, and back."""
    pytest.importorskip("mypy")
    done = subprocess.run(
        [sys.executable, "-m", "mypy.stubtest", "modelreg._modelreg"],
        capture_output=True,
        text=True,
        env={**os.environ, "MYPY_CACHE_DIR": os.devnull},
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_every_filter_example_in_a_docstring_is_accepted(tmp_path: Path) -> None:
    examples = 0
    with modelreg.open(f"sqlite://{tmp_path / 'r.db'}", create=True) as reg:
        for method in ("models", "versions", "runs", "deployments", "audit"):
            doc = " ".join((getattr(modelreg.Registry, method).__doc__ or "").split())
            for example in re.findall(r'filter \("([^"]+)"\)', doc):
                list(getattr(reg, method)(filter=example))
                examples += 1
    assert examples >= 1
