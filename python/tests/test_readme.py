"""The README's Python examples run as written, locally and through a server, and type-check."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, Server, cli_env

EXAMPLES = ["train.py", "serve.py"]


def readme_examples() -> dict[str, str]:
    """The README's ```python blocks whose first line is `# NAME.py`, by name."""
    text = (REPO / "README.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    found = {}
    for block in blocks:
        first = block.splitlines()[0]
        if first.startswith("# ") and first.endswith(".py"):
            found[first[2:]] = block
    assert sorted(found) == sorted(EXAMPLES), f"README examples found: {sorted(found)}"
    return found


@pytest.fixture
def examples(tmp_path: Path) -> dict[str, Path]:
    paths = {}
    for name, code in readme_examples().items():
        paths[name] = tmp_path / name
        paths[name].write_text(code)
    return paths


def run_example(path: Path, env: dict[str, str]) -> str:
    done = subprocess.run([sys.executable, str(path)], env=env, cwd=path.parent, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout


def check_outputs(train: str, train_again: str, serve: str) -> None:
    assert "registered fraud-detector 1.3.0" in train
    assert train_again.splitlines()[-1] == train.splitlines()[-1]  # a retried run registers nothing new
    assert "serving fraud-detector 1.3.0 from s3://models/fraud-detector/1.3.0/model.json" in serve
    assert "no production version yet" in serve


def test_the_examples_run_on_the_default_registry(examples: dict[str, Path], tmp_path: Path) -> None:
    env = cli_env(tmp_path)
    train = run_example(examples["train.py"], env)
    train_again = run_example(examples["train.py"], env)
    serve = run_example(examples["serve.py"], env)
    check_outputs(train, train_again, serve)
    assert (tmp_path / "data" / "modelreg" / "registry.db").is_file()


def test_the_examples_run_through_a_server(examples: dict[str, Path], tmp_path: Path, server: Server) -> None:
    env = cli_env(tmp_path, MODELREG_URL=server.url, MODELREG_TOKEN=server.token)
    train = run_example(examples["train.py"], env)
    train_again = run_example(examples["train.py"], env)
    serve = run_example(examples["serve.py"], env)
    check_outputs(train, train_again, serve)
    assert not (tmp_path / "data").exists()


def test_mypy_accepts_the_examples_against_the_stub(examples: dict[str, Path]) -> None:
    pytest.importorskip("mypy")
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", *map(str, examples.values())],
        capture_output=True,
        text=True,
        env={**os.environ, "MYPY_CACHE_DIR": os.devnull},
    )
    assert done.returncode == 0, done.stdout + done.stderr
