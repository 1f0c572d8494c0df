"""Each error of the registry as its exception, with its fields."""

from __future__ import annotations

import socket
import sqlite3
from pathlib import Path

import pytest

import modelreg


def test_the_hierarchy_has_one_base() -> None:
    for cls in [
        modelreg.NotFound,
        modelreg.Conflict,
        modelreg.Invalid,
        modelreg.Unavailable,
        modelreg.StorageFull,
        modelreg.SchemaTooNew,
        modelreg.Internal,
    ]:
        assert issubclass(cls, modelreg.Error)
        assert cls.__module__ == "modelreg"
    assert issubclass(modelreg.Error, Exception)


def test_not_found_names_the_entity_and_key(reg: modelreg.Registry) -> None:
    with pytest.raises(modelreg.NotFound) as err:
        reg.version("ghost@1.0.0")
    assert err.value.entity == "model"
    assert err.value.key == "ghost"
    reg.create_model("m")
    with pytest.raises(modelreg.NotFound) as err:
        reg.version("m@champion")
    assert err.value.entity == "model_version"
    assert "m@champion" in err.value.key


def test_conflict_names_the_field_and_value(reg: modelreg.Registry) -> None:
    reg.create_team("search")
    with pytest.raises(modelreg.Conflict) as err:
        reg.create_team("search")
    assert (err.value.entity, err.value.field, err.value.value, err.value.fields) == (
        "team",
        "name",
        "search",
        ("name",),
    )
    assert err.value.key is None
    assert "already exists" in str(err.value)


def test_invalid_names_the_field_and_changes_nothing(reg: modelreg.Registry) -> None:
    reg.create_model("m")
    cases = [
        (lambda: reg.create_model(" padded"), "name"),
        (lambda: reg.create_model("x", risk_level="extreme"), "risk_level"),  # type: ignore[arg-type]
        (lambda: reg.register_version("m", "1.0", artifact_uri="s3://a", framework="jax"), "semver"),
        (lambda: reg.register_version("m", "1.0.0", artifact_uri="s3://a", framework="keras"), "framework"),  # type: ignore[arg-type]
        (lambda: reg.register_version("m", "1.0.0", artifact_uri="", framework="jax"), "artifact_uri"),
        (lambda: reg.register_version("m", "1.0.0", artifact_uri="s3://a", framework="jax", checksum_sha256="xyz"), "checksum_sha256"),
        (lambda: reg.register_version("m", "1.0.0", artifact_uri="s3://a", framework="jax", metadata={"n": float("inf")}), "metadata"),
        (lambda: reg.register_version("m", "1.0.0", artifact_uri="s3://a", framework="jax", metadata={1: "a"}), "metadata"),  # type: ignore[dict-item]
        (lambda: reg.register_version("m", "1.0.0", artifact_uri="s3://a", framework="jax", metadata={"s": {1, 2}}), "metadata"),
        (lambda: reg.register_version("m", "1.0.0", artifact_uri="s3://a", framework="jax", metadata={"n": 2**70}), "metadata"),
        (lambda: reg.version("m"), "version"),
        (lambda: reg.run("not-a-uuid"), "run"),
        (lambda: reg.list_models(limit=0), "limit"),
    ]
    for call, field in cases:
        with pytest.raises(modelreg.Invalid) as err:
            call()
        assert err.value.field == field, (field, str(err.value))
        assert err.value.reason in str(err.value)
    assert reg.stats().model_versions == 0
    assert [m.name for m in reg.list_models()] == ["m"]


def test_deep_json_is_refused_by_core(reg: modelreg.Registry) -> None:
    reg.create_model("m")
    deep: dict[str, object] = {}
    node = deep
    for _ in range(40):
        node["k"] = {}
        node = node["k"]  # type: ignore[assignment]
    with pytest.raises(modelreg.Invalid) as err:
        reg.register_version("m", "1.0.0", artifact_uri="s3://a", framework="jax", metadata=deep)
    assert err.value.field == "metadata"
    cyclic: dict[str, object] = {}
    cyclic["self"] = cyclic
    with pytest.raises(modelreg.Invalid):
        reg.register_version("m", "1.0.0", artifact_uri="s3://a", framework="jax", metadata=cyclic)


def test_wrong_python_types_are_type_errors(reg: modelreg.Registry) -> None:
    with pytest.raises(TypeError):
        reg.create_team(42)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        reg.version(3.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        reg.create_team("t", colour="red")  # type: ignore[call-arg]


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_an_unreachable_postgres_is_unavailable_and_hides_the_password() -> None:
    port = _closed_port()
    with pytest.raises(modelreg.Unavailable) as err:
        modelreg.open(f"postgres://app:s3cr3t@127.0.0.1:{port}/registry")
    assert "s3cr3t" not in str(err.value)


def test_an_unreachable_server_is_unavailable() -> None:
    port = _closed_port()
    try:
        reg = modelreg.open(f"http://127.0.0.1:{port}", token="x" * 32)
    except modelreg.Unavailable:
        return
    with pytest.raises(modelreg.Unavailable):
        reg.stats()


def test_a_schema_from_a_newer_modelreg_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    modelreg.open(f"sqlite://{path}", create=True).close()
    with sqlite3.connect(path) as db:
        db.execute("INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', 0)")
    with pytest.raises(modelreg.SchemaTooNew) as err:
        modelreg.open(f"sqlite://{path}")
    assert (err.value.database, err.value.supported) == (999, err.value.supported)
    assert err.value.supported < 999


def test_a_missing_file_or_unknown_scheme_is_invalid(tmp_path: Path) -> None:
    with pytest.raises(modelreg.Invalid) as err:
        modelreg.open(f"sqlite://{tmp_path / 'nope.db'}")
    assert err.value.field == "database_url"
    assert not (tmp_path / "nope.db").exists()
    with pytest.raises(modelreg.Invalid):
        modelreg.open("mysql://db/registry")
