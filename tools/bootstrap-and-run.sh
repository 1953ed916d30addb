#!/usr/bin/env bash
# From a fresh Debian 12 machine to a running bevara: installs dependencies,
# builds, creates the data directory ./bevara-data and runs bevara on it.
#
# Until the HTTP server lands (issue: `bevara serve`), this generates a sample
# submission package into the data directory and validates it with the CLI.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/install-deps.sh
tools/build.sh
DATA=${BEVARA_DATA:-./bevara-data}
mkdir -p "$DATA/samples"
./build/bevara-sipgen --seed 1 --files 25 --format tar --out "$DATA/samples/sample-sip.tar"
./build/bevara validate "$DATA/samples/sample-sip.tar"
