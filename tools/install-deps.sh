#!/usr/bin/env bash
# Installs bevara's build and test dependencies from Debian 12 packages.
# Idempotent: does nothing (and touches no network) when all are present.
set -euo pipefail

PACKAGES=(
  cmake g++ ninja-build pkg-config
  libpoco-dev libarchive-dev libssl-dev libxerces-c-dev librocksdb-dev
  libmagic-dev nlohmann-json3-dev libutf8proc-dev zlib1g-dev   # zlib: the record logs' CRC-32
  libxapian-dev libpoppler-cpp-dev libxml2-dev   # search: index, PDF and HTML text
  libcli11-dev                                   # the command line
  libclamav-dev clamav                           # virus scanning; sigtool builds the test databases
  googletest libgtest-dev
  libxml2-utils openssl time bc   # baselines, peak memory and arithmetic for the benchmarks
  unzip curl                      # the server tests (a DIP, TLS) and README's examples
  nginx-light                     # the nginx front (tools/nginx), tested in front of bevara
  libkainjow-mustache-dev libsodium-dev   # web pages: templates; people's passwords (Argon2id)
  chromium                        # the web pages tested in a real browser (tools/webtest; Node.js is on the machine)
  libcurl4-openssl-dev            # copies on S3 object stores (requests signed by curl)
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "Installing: ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
