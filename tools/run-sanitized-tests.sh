#!/usr/bin/env bash
# The test suite again, built with clang, AddressSanitizer and
# UndefinedBehaviorSanitizer into ./build-asan: memory errors, leaks and
# undefined behaviour fail the run. CI runs it after the default test command.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/install-deps.sh
if ! command -v clang++ >/dev/null || ! dpkg-query -W -f='${Status}' libclang-rt-14-dev 2>/dev/null | grep -q "ok installed"; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends clang libclang-rt-14-dev
fi
CC=clang CXX=clang++ cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBEVARA_SANITIZE=ON -DBEVARA_WERROR=ON >/dev/null
cmake --build build-asan -j"$(nproc)"
# Fast (frame-pointer) unwinding at every malloc: the slow unwinder made the
# suite 20x slower (29 min on CI's two cores). Stacks through Xerces, which
# has no frame pointers, can come out short; to read a leak report whole, run
# the one test again with ASAN_OPTIONS=detect_leaks=1:fast_unwind_on_malloc=0.
export ASAN_OPTIONS=detect_leaks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
ctest --test-dir build-asan --output-on-failure -j"$(nproc)" "$@"
