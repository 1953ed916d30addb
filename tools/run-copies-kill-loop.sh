#!/usr/bin/env bash
# The copies' long kill loop: `bevara serve` with a copy on a real object
# store (Ceph RGW, tools/object-store.sh) is killed with SIGKILL CYCLES times
# (default 20) in the middle of replication, then CYCLES times in the middle
# of repairs; afterwards nothing is confirmed that the store does not hold
# whole, the copy is level and every local blob is whole. Takes several
# minutes; not in the default run.
#   tools/run-copies-kill-loop.sh [CYCLES]
set -euo pipefail
cd "$(dirname "$0")/.."
tools/install-deps.sh
tools/build.sh >/dev/null
store="$PWD/build/object-store"
BEVARA_S3_PORT=17480 tools/object-store.sh start "$store" >/dev/null
trap 'BEVARA_S3_PORT=17480 tools/object-store.sh stop "$store"' EXIT
BEVARA_KILL_CYCLES=${1:-20} build/tests/copies_kill_loop_test
