#!/usr/bin/env bash
# Builds the Python package into a virtual environment (python/.venv, or
# $MODELREG_PY_VENV) exactly as `pip install ./python` does, and runs its
# tests: pytest python/tests (SQLite, PostgreSQL and through `modelreg
# serve`, the README's examples and mypy on them, stubtest). Arguments go to
# pytest. PostgreSQL as for `cargo test`: MODELREG_TEST_POSTGRES_URL, and
# MODELREG_TEST_REQUIRE_POSTGRES=1 to fail rather than skip without it.
set -euo pipefail
cd "$(dirname "$0")"

venv="${MODELREG_PY_VENV:-.venv}"
case "$venv" in /*) ;; *) venv="$PWD/$venv" ;; esac
if [ ! -x "$venv/bin/python" ]; then
    "${PYTHON:-python3}" -m venv "$venv"
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check pytest mypy

# The tests take a debug build (MODELREG_PY_PROFILE=release for the real
# thing): it builds in a fraction of the time on two cores.
echo "== pip install ./python (cargo profile ${MODELREG_PY_PROFILE:-dev})"
MATURIN_PEP517_ARGS="--profile ${MODELREG_PY_PROFILE:-dev}" \
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --force-reinstall --no-deps .

# The server the tests start: the CLI of this checkout.
if [ -z "${MODELREG_BIN:-}" ]; then
    echo "== cargo build -p modelreg"
    cargo build --quiet -p modelreg --bin modelreg
    MODELREG_BIN="$(cargo metadata --format-version 1 --no-deps | "$venv/bin/python" -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')/debug/modelreg"
    export MODELREG_BIN
fi

echo "== pytest python/tests"
export MODELREG_TEST_REQUIRE_SERVER=1
# Run from the tests' folder so that `modelreg` is the installed package, not ./modelreg.
cd tests
exec "$venv/bin/python" -m pytest -q "$@"
