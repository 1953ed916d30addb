#!/usr/bin/env bash
# From a fresh Debian 12 machine to a running bevara: installs dependencies,
# builds, and runs the HTTP API on its embedded default — http://127.0.0.1:8080
# with the data directory ./bevara-data (created on first start; nothing else
# to start). The first start writes an admin token to ./bevara-data/admin.token.
# Extra arguments go to `bevara serve` (--port, --address, --data, --config).
set -euo pipefail
cd "$(dirname "$0")/.."
tools/install-deps.sh
tools/build.sh
exec ./build/bevara serve --init "$@"
