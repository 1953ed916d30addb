#!/usr/bin/env bash
# Builds the fuzz targets with clang (libFuzzer, ASan, UBSan) into
# ./build-fuzz and runs each for SECONDS (default 60). Seeds are generated
# packages and METS documents; findings land in build-fuzz/fuzz/crash-*.
#   tools/fuzz/run.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/../.."
SECONDS_EACH=${1:-60}
tools/install-deps.sh
command -v clang++ >/dev/null || { apt-get install -y -qq clang libclang-rt-14-dev; }
CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBEVARA_FUZZ=ON >/dev/null
cmake --build build-fuzz -j"$(nproc)" --target fuzz_archive_reader fuzz_mets bevara-sipgen
SEEDS=build-fuzz/fuzz/seeds
mkdir -p "$SEEDS/archive" "$SEEDS/mets"
for fmt in tar tar.gz zip; do
  build-fuzz/bevara-sipgen --seed 1 --files 3 --max-size 200 --format "$fmt" --out "$SEEDS/archive/seed.$fmt" >/dev/null
done
rm -rf "$SEEDS/dir" && build-fuzz/bevara-sipgen --seed 2 --files 3 --max-size 200 --format dir --out "$SEEDS/dir" >/dev/null
cp "$SEEDS"/dir/*/METS.xml "$SEEDS/mets/seed.xml"
cd build-fuzz/fuzz
./fuzz_archive_reader -max_total_time="$SECONDS_EACH" -rss_limit_mb=2048 -timeout=10 seeds/archive
./fuzz_mets -max_total_time="$SECONDS_EACH" -rss_limit_mb=2048 -timeout=10 -max_len=65536 seeds/mets
