#!/usr/bin/env bash
# Lints the API description with redocly's recommended rules (redocly.yaml):
# zero errors and zero warnings, or the default test run fails. Installs the
# pinned @redocly/cli (package-lock.json) on first use; needs Node.js >= 20.19.
set -euo pipefail
cd "$(dirname "$0")"
if ! command -v node >/dev/null || ! node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a==20&&b>=19)?0:1)'; then
  echo "tools/openapi/lint.sh: @redocly/cli needs Node.js 20.19 or later (found: $(node --version 2>/dev/null || echo none))" >&2
  exit 1
fi
if [ ! -x node_modules/.bin/redocly ]; then
  npm ci --no-audit --no-fund --loglevel=error >/dev/null
fi
out=$(NO_UPDATE_NOTIFIER=1 REDOCLY_TELEMETRY=off ./node_modules/.bin/redocly lint ../../src/server/openapi.json \
        --config redocly.yaml --format=stylish 2>&1) || { echo "$out"; exit 1; }
if echo "$out" | grep -qE "You have [0-9]+ warnings?"; then echo "$out"; exit 1; fi
echo "openapi.json: no errors, no warnings"
