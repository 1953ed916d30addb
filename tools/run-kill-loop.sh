#!/usr/bin/env bash
# The long kill loop: `bevara serve` is killed with SIGKILL CYCLES times
# (default 30) while tar and zip deposits arrive; then every acknowledged
# deposit must be archived and export byte-identical, and audit and
# `log verify` must be clean. Takes a few minutes; not in the default run.
#   tools/run-kill-loop.sh [CYCLES]
set -euo pipefail
cd "$(dirname "$0")/.."
tools/install-deps.sh
tools/build.sh >/dev/null
BEVARA_KILL_CYCLES=${1:-30} build/tests/kill_loop_test
