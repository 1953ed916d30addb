#!/usr/bin/env bash
# From a fresh Debian 12 machine to a running bevara: installs dependencies,
# builds, creates the data directory ./bevara-data and runs bevara on it.
#
# Until the HTTP server lands (issue: `bevara serve`), this generates a sample
# submission package, validates it, archives it in the data directory and
# audits the archive, all with the CLI.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/install-deps.sh
tools/build.sh
DATA=${BEVARA_DATA:-./bevara-data}
mkdir -p "$DATA/samples"
./build/bevara-sipgen --seed 1 --files 25 --format tar --out "$DATA/samples/sample-sip.tar"
./build/bevara validate "$DATA/samples/sample-sip.tar"
./build/bevara ingest --data "$DATA" "$DATA/samples/sample-sip.tar" > "$DATA/samples/sample-sip.receipt.json"
./build/bevara audit --data "$DATA"
