#!/usr/bin/env bash
# Runs the HTTP tests (`cargo test -p modelreg-server`) N times in a row
# (default 20) and stops at the first failing run, printing its failures:
# the proof that no HTTP test is flaky.
#
# Usage: server/tests/repeat.sh [N] [more `cargo test` arguments]
# e.g.   MODELREG_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/test \
#        MODELREG_TEST_REQUIRE_POSTGRES=1 server/tests/repeat.sh 20
set -euo pipefail
cd "$(dirname "$0")/../.."

runs="${1:-20}"
shift || true
case "$runs" in
    '' | *[!0-9]*) echo "usage: $0 [N] [cargo test arguments]" >&2; exit 2 ;;
esac

log="$(mktemp)"
trap 'rm -f "$log"' EXIT

echo "building the tests of modelreg-server"
if ! cargo test -p modelreg-server --no-run "$@" >"$log" 2>&1; then
    cat "$log"
    exit 1
fi

started=$(date +%s)
for i in $(seq 1 "$runs"); do
    if cargo test -p modelreg-server "$@" >"$log" 2>&1; then
        tests=$(grep -Eo '[0-9]+ passed' "$log" | awk '{ n += $1 } END { print n + 0 }')
        echo "run $i of $runs: ok ($tests tests)"
    else
        echo "run $i of $runs: FAILED"
        grep -E '^test .* FAILED$|panicked at|^---- ' -A6 "$log" | head -150
        kept="${TMPDIR:-/tmp}/modelreg-server-repeat-failure.log"
        cp "$log" "$kept"
        echo "the whole output of the failing run is in $kept"
        exit 1
    fi
done
echo "all $runs runs passed in $(($(date +%s) - started)) s"
