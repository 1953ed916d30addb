#!/usr/bin/env bash
# The whole default test suite: installs what is missing, builds, runs CTest.
# Benchmarks and long-running loops are separate (see README.md).
set -euo pipefail
cd "$(dirname "$0")/.."
tools/install-deps.sh
tools/build.sh
ctest --test-dir build --output-on-failure -j"$(nproc)" "$@"
