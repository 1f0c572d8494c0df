"""modelreg's Python package against MLflow's model registry client, on one workload.

    python python/bench/compare.py [--modelreg-python PY] [--mlflow-python PY] [--versions N] [--lookups N]

Each library runs in fresh interpreters of its own (PY: a Python that can
import it; by default this one), in-process on a new SQLite file (MLflow: its
model registry on a local `sqlite:///` tracking URI; modelreg: an embedded
registry), and is measured the same way:

- import time: `import modelreg` / `import mlflow` (with MlflowClient), in
  5 fresh interpreters, median;
- register N versions of one model, one call each;
- get a version by model and version, M times (after 50 untimed calls);
- resolve an alias to its version, M times (after 50 untimed calls);
- peak memory: the process's peak RSS at the end (and before the import).

Each workload runs `--runs` times (3), each in a fresh process; every
figure is the median of the runs.

Calls per second and p50/p99 latencies per phase, then the ratios
(modelreg / MLflow for rates, MLflow / modelreg for times and memory).
`--output json` prints everything as one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from typing import Any

MODEL = "fraud-detector"
WARMUP = 50


def peak_rss_mib() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(calls: int, call: Callable[[int], object]) -> dict[str, float]:
    """Runs call(i) for i in range(calls), one at a time: the rate and latency percentiles."""
    latencies = []
    started = time.perf_counter()
    for i in range(calls):
        t = time.perf_counter()
        call(i)
        latencies.append(time.perf_counter() - t)
    elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "calls": calls,
        "per_second": calls / elapsed,
        "p50_ms": latencies[len(latencies) // 2] * 1000,
        "p99_ms": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000,
    }


def import_only(library: str) -> dict[str, float]:
    before = peak_rss_mib()
    started = time.perf_counter()
    if library == "modelreg":
        import modelreg  # noqa: F401
    else:
        import mlflow  # noqa: F401
        from mlflow import MlflowClient  # noqa: F401
    return {"import_ms": (time.perf_counter() - started) * 1000, "rss_before_mib": before}


def workload_modelreg(folder: str, versions: int, lookups: int) -> dict[str, Any]:
    imported = import_only("modelreg")
    import modelreg

    reg = modelreg.open(f"sqlite://{folder}/modelreg.db", create=True, actor="bench")
    reg.create_model(MODEL)
    register = timed(
        versions,
        lambda i: reg.register_version(
            MODEL, f"1.{i}.0", artifact_uri=f"s3://models/{MODEL}/1.{i}.0", framework="sklearn"
        ),
    )
    reg.set_alias(f"{MODEL}@1.{versions // 2}.0", "champion")
    for i in range(WARMUP):
        reg.version(f"{MODEL}@1.{i % versions}.0")
    get = timed(lookups, lambda i: reg.version(f"{MODEL}@1.{i % versions}.0"))
    for _ in range(WARMUP):
        reg.version(f"{MODEL}@champion")
    alias = timed(lookups, lambda i: reg.version(f"{MODEL}@champion"))
    assert reg.version(f"{MODEL}@champion").semver == f"1.{versions // 2}.0"
    reg.close()
    return {**imported, "register": register, "get_version": get, "resolve_alias": alias, "peak_rss_mib": peak_rss_mib()}


def workload_mlflow(folder: str, versions: int, lookups: int) -> dict[str, Any]:
    imported = import_only("mlflow")
    from mlflow import MlflowClient

    uri = f"sqlite:///{folder}/mlflow.db"
    client = MlflowClient(tracking_uri=uri, registry_uri=uri)
    client.create_registered_model(MODEL)
    register = timed(
        versions, lambda i: client.create_model_version(MODEL, source=f"s3://models/{MODEL}/1.{i}.0")
    )
    client.set_registered_model_alias(MODEL, "champion", str(versions // 2 + 1))
    for i in range(WARMUP):
        client.get_model_version(MODEL, str(i % versions + 1))
    get = timed(lookups, lambda i: client.get_model_version(MODEL, str(i % versions + 1)))
    for _ in range(WARMUP):
        client.get_model_version_by_alias(MODEL, "champion")
    alias = timed(lookups, lambda i: client.get_model_version_by_alias(MODEL, "champion"))
    assert str(client.get_model_version_by_alias(MODEL, "champion").version) == str(versions // 2 + 1)
    return {**imported, "register": register, "get_version": get, "resolve_alias": alias, "peak_rss_mib": peak_rss_mib()}


def worker(args: argparse.Namespace) -> None:
    if args.imports_only:
        print(json.dumps(import_only(args.worker)))
        return
    with tempfile.TemporaryDirectory() as folder:
        run = workload_modelreg if args.worker == "modelreg" else workload_mlflow
        print(json.dumps(run(folder, args.versions, args.lookups)))


def spawn(python: str, library: str, extra: list[str]) -> dict[str, Any]:
    env = {**os.environ, "MLFLOW_DISABLE_TELEMETRY": "true", "DO_NOT_TRACK": "true", "PYTHONWARNINGS": "ignore"}
    done = subprocess.run(
        [python, __file__, "--worker", library, *extra], capture_output=True, text=True, env=env, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"{library} worker failed:\n{done.stderr}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


PHASES = ["register", "get_version", "resolve_alias"]


def measure(python: str, library: str, versions: int, lookups: int, runs: int) -> dict[str, Any]:
    """The library's figures: each the median over `runs` workloads (each in a fresh process)."""
    imports = [spawn(python, library, ["--imports-only"])["import_ms"] for _ in range(5)]
    results = [spawn(python, library, ["--versions", str(versions), "--lookups", str(lookups)]) for _ in range(runs)]
    result: dict[str, Any] = {
        phase: {key: statistics.median(r[phase][key] for r in results) for key in results[0][phase]}
        for phase in PHASES
    }
    for key in ["peak_rss_mib", "rss_before_mib"]:
        result[key] = statistics.median(r[key] for r in results)
    result["import_ms"] = statistics.median(imports)
    result["runs"] = runs
    result["version"] = subprocess.run(
        [python, "-c", f"import {library}; print({library}.__version__)"], capture_output=True, text=True, check=True
    ).stdout.strip()
    return result


def report(figures: dict[str, dict[str, Any]]) -> None:
    ours, theirs = figures["modelreg"], figures["mlflow"]
    print(
        f"modelreg {ours['version']} vs MLflow {theirs['version']}, in-process on SQLite, one call at a time,"
        f" medians of {ours['runs']} runs\n"
    )
    print(f"{'':24}{'modelreg':>22}{'MLflow':>22}{'ratio':>10}")
    print(f"{'import (median of 5)':24}{ours['import_ms']:>19.1f} ms{theirs['import_ms']:>19.1f} ms"
          f"{theirs['import_ms'] / ours['import_ms']:>9.0f}x")
    for phase, label in [("register", "register a version"), ("get_version", "get a version"),
                         ("resolve_alias", "resolve an alias")]:
        a, b = ours[phase], theirs[phase]
        print(f"{label + ' /s':24}{a['per_second']:>22,.0f}{b['per_second']:>22,.0f}"
              f"{a['per_second'] / b['per_second']:>9.1f}x")
        print(f"{'  p50 / p99 ms':24}{a['p50_ms']:>12.3f} / {a['p99_ms']:<7.3f}{b['p50_ms']:>12.3f} / {b['p99_ms']:<7.3f}"
              f"{b['p99_ms'] / a['p99_ms']:>9.1f}x")
    print(f"{'peak RSS':24}{ours['peak_rss_mib']:>18.1f} MiB{theirs['peak_rss_mib']:>18.1f} MiB"
          f"{theirs['peak_rss_mib'] / ours['peak_rss_mib']:>9.1f}x")
    print(f"{'  RSS before import':24}{ours['rss_before_mib']:>18.1f} MiB{theirs['rss_before_mib']:>18.1f} MiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--modelreg-python", default=sys.executable, help="a Python that imports modelreg")
    parser.add_argument("--mlflow-python", default=sys.executable, help="a Python that imports mlflow")
    parser.add_argument("--versions", type=int, default=500, help="versions to register (default 500)")
    parser.add_argument("--lookups", type=int, default=2000, help="calls of each read phase (default 2000)")
    parser.add_argument("--runs", type=int, default=3, help="workloads per library; figures are medians (default 3)")
    parser.add_argument("--output", choices=["table", "json"], default="table")
    parser.add_argument("--worker", choices=["modelreg", "mlflow"], help=argparse.SUPPRESS)
    parser.add_argument("--imports-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args)
        return
    figures = {
        "modelreg": measure(args.modelreg_python, "modelreg", args.versions, args.lookups, args.runs),
        "mlflow": measure(args.mlflow_python, "mlflow", args.versions, args.lookups, args.runs),
    }
    if args.output == "json":
        print(json.dumps(figures, indent=2))
    else:
        report(figures)


if __name__ == "__main__":
    main()
