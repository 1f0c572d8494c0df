"""One registry shared by threads; the GIL is released while the database works."""

from __future__ import annotations

import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import modelreg
from conftest import Target


def test_threads_share_one_registry(target: Target) -> None:
    with target.open() as reg:
        reg.create_model("shared")

        def work(worker: int) -> list[str]:
            done = []
            for i in range(10):
                semver = f"{worker}.{i}.0"
                reg.register_version("shared", semver, artifact_uri=f"s3://shared/{semver}", framework="onnx")
                assert reg.version(f"shared@{semver}").semver == semver
                done.append(semver)
            return done

        with ThreadPoolExecutor(max_workers=8) as pool:
            registered = [semver for batch in pool.map(work, range(1, 9)) for semver in batch]

        assert len(registered) == 80
        assert reg.model_summary("shared").version_count == 80
        latest = reg.latest_version("shared")
        assert latest is not None and latest.semver == "8.9.0"
        assert len(reg.audit(filter="entity_type = 'model_version'", limit=1000)) == 80


BLOCKER = """
import sqlite3, sys
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
sys.stdin.readline()
db.execute("COMMIT")
"""


def test_a_call_waiting_for_the_database_lets_other_threads_run(tmp_path: Path) -> None:
    """A write waits for another process's lock on the SQLite file; meanwhile
    this thread runs Python and then lets the other process go. Were the GIL
    held during the wait, this thread could not run, and the write would time out."""
    path = tmp_path / "locked.db"
    reg = modelreg.open(f"sqlite://{path}", create=True)
    blocker = subprocess.Popen(
        [sys.executable, "-c", BLOCKER, str(path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert blocker.stdin is not None and blocker.stdout is not None
    assert blocker.stdout.readline().strip() == "locked"
    outcome: list[object] = []
    writer = threading.Thread(target=lambda: outcome.append(reg.create_team("waited")))
    writer.start()
    writer.join(timeout=1.0)
    assert writer.is_alive(), "the write should wait for the lock"
    ran_meanwhile = sum(range(100_000))  # Python work while the other thread waits
    blocker.stdin.write("go\n")
    blocker.stdin.flush()
    writer.join(timeout=30)
    assert not writer.is_alive()
    assert ran_meanwhile == 4999950000
    assert isinstance(outcome[0], modelreg.Team)
    assert blocker.wait(timeout=30) == 0
    reg.close()
