"""Fixtures: a fresh registry on SQLite, on PostgreSQL and through `modelreg serve`.

Every test that takes `reg` runs three times, once per backend, each on a
registry of its own. PostgreSQL comes from MODELREG_TEST_POSTGRES_URL (default
postgres://postgres@127.0.0.1:5432/test), with a fresh schema per test; when
it cannot be reached the PostgreSQL cases are skipped, unless
MODELREG_TEST_REQUIRE_POSTGRES=1 (as in CI), where they fail. The server is
the `modelreg` binary (MODELREG_BIN, default target/debug/modelreg), started
per test on a free loopback port with an API token named "pytest"; without
it the server cases are skipped (so that `pip install ./python && pytest
python/tests` passes on a machine with no build of the CLI), unless
MODELREG_TEST_REQUIRE_SERVER=1 (as in python/test.sh), where they fail.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

import modelreg

REPO = Path(__file__).resolve().parents[2]
ACTOR = "pytest"
BACKENDS = ["sqlite", "postgres", "http"]


def modelreg_bin() -> Path:
    """The CLI binary the server tests start."""
    path = Path(os.environ.get("MODELREG_BIN", REPO / "target" / "debug" / "modelreg"))
    if not path.is_file():
        message = f"{path} is missing: build it with `cargo build -p modelreg` (or set MODELREG_BIN)"
        if os.environ.get("MODELREG_TEST_REQUIRE_SERVER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return path


def cli_env(tmp: Path, **extra: str) -> dict[str, str]:
    """An environment for the CLI that reads no configuration of the user's."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MODELREG_")}
    env.update(
        HOME=str(tmp),
        XDG_CONFIG_HOME=str(tmp / "config"),
        XDG_DATA_HOME=str(tmp / "data"),
        MODELREG_LOG="warn",
    )
    env.update(extra)
    return env


def run_cli(tmp: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Runs `modelreg ARGS` in `tmp`; a failure fails the test."""
    done = subprocess.run(
        [str(modelreg_bin()), *args],
        cwd=tmp,
        env=cli_env(tmp, **env),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, f"modelreg {' '.join(args)}: {done.stderr}"
    return done


# PostgreSQL.

POSTGRES_URL = os.environ.get("MODELREG_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/test")


def _psql(sql: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["psql", POSTGRES_URL, "-v", "ON_ERROR_STOP=1", "-q", "-c", sql],
        capture_output=True,
        text=True,
        timeout=60,
    )


def _postgres_reachable() -> str | None:
    if shutil.which("psql") is None:
        return "psql is not installed"
    done = _psql("SELECT 1")
    return None if done.returncode == 0 else done.stderr.strip()


@pytest.fixture(scope="session")
def postgres_available() -> None:
    problem = _postgres_reachable()
    if problem is not None:
        message = f"PostgreSQL at {POSTGRES_URL} is unavailable: {problem}"
        if os.environ.get("MODELREG_TEST_REQUIRE_POSTGRES") == "1":
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture
def postgres_url(postgres_available: None) -> Iterator[str]:
    """The URL of a fresh, empty schema (its own search_path), dropped after the test."""
    name = f"modelreg_py_{uuid.uuid4().hex[:16]}"
    done = _psql(f'CREATE SCHEMA "{name}"')
    assert done.returncode == 0, done.stderr
    parts = urlsplit(POSTGRES_URL)
    option = f"options=-c%20search_path%3D{name}"
    yield urlunsplit(parts._replace(query=f"{parts.query}&{option}" if parts.query else option))
    _psql(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')


# The server.


@dataclass
class Server:
    """A `modelreg serve` process."""

    url: str
    token: str
    process: subprocess.Popen[str]

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start_server(tmp: Path, database_url: str) -> Server:
    """Serves `database_url` on a free loopback port with one token, named "pytest"."""
    token = secrets.token_hex(16)
    process = subprocess.Popen(
        [str(modelreg_bin()), "serve", "--listen", "127.0.0.1:0"],
        cwd=tmp,
        env=cli_env(tmp, MODELREG_DATABASE_URL=database_url, MODELREG_API_TOKENS=f"{ACTOR}:{token}"),
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline().strip()
    if not line.startswith("listening on "):
        process.kill()
        pytest.fail(f"modelreg serve did not start: {line!r}")
    return Server(url=line.removeprefix("listening on "), token=token, process=process)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    """A server over a fresh SQLite registry."""
    db = tmp_path / "served.db"
    run_cli(tmp_path, "init", "--database-url", f"sqlite://{db}")
    served = start_server(tmp_path, f"sqlite://{db}")
    yield served
    served.stop()


# Registries.


@dataclass
class Target:
    """Where a test's registry lives, to open it again."""

    backend: str
    url: str
    token: str | None = None

    def open(self, actor: str = ACTOR) -> modelreg.Registry:
        if self.backend == "sqlite":
            return modelreg.open(self.url, actor=actor, create=True)
        return modelreg.open(self.url, token=self.token, actor=actor)


@pytest.fixture(params=BACKENDS)
def target(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Target]:
    """A fresh registry on each backend."""
    backend: str = request.param
    if backend == "sqlite":
        yield Target(backend, f"sqlite://{tmp_path / 'registry.db'}")
    elif backend == "postgres":
        yield Target(backend, request.getfixturevalue("postgres_url"))
    else:
        served: Server = request.getfixturevalue("server")
        yield Target(backend, served.url, served.token)


@pytest.fixture
def reg(target: Target) -> Iterator[modelreg.Registry]:
    """A fresh, empty registry, closed after the test."""
    registry = target.open()
    yield registry
    registry.close()
