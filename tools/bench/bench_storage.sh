#!/usr/bin/env bash
# Benchmarks of archival storage, each against a baseline run in the same
# session on the same bytes, reported as a ratio (the machines are noisy):
#   1. `bevara ingest` (durable) of a package with one 1 GiB file, vs the
#      physical limit: the slower of `dd conv=fsync` (a durable copy of the
#      package on the same file system) and `openssl dgst -sha256` (hashing
#      it once); and vs `cp` + `sync` + `sha256sum`.
#   2. `bevara ingest` of a package with 10,000 files of 10 KiB, vs
#      `cp -r` of its files + `sync` + `sha256sum` of every file; files/s.
#   3. `bevara audit` of everything stored, vs `openssl dgst -sha256` over
#      the same blob files (both with a warm page cache).
#   4. Peak memory of ingests, up to a package of 100,000 files.
# Runs alternate between bevara and its baseline; each figure is the best of
# $RUNS. Usage: tools/bench/bench_storage.sh [WORKDIR] (default
# /tmp/bevara-bench-storage; needs about 5 GB there, on the file system to
# measure).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
WORK=${1:-/tmp/bevara-bench-storage}
RUNS=${RUNS:-3}
tools/install-deps.sh
tools/build.sh >/dev/null
mkdir -p "$WORK"
BIN=$ROOT/build
source tools/bench/lib.sh

echo "== generating packages in $WORK"
gen() {  # gen NAME ARGS... : a tar package, and its files unpacked for the baselines
  if [ ! -f "$WORK/$1.tar" ]; then
    "$BIN/bevara-sipgen" --format tar --out "$WORK/$1.tar" "${@:2}" >/dev/null
    rm -rf "$WORK/$1" && mkdir -p "$WORK/$1" && tar -xf "$WORK/$1.tar" -C "$WORK/$1"
  fi
}
gen p1g --seed 9 --files 1 --size 1073741824 --nesting 0
gen p10k --seed 6 --files 9990 --size 10240     # + 10 metadata and schema files
gen p100k --seed 7 --files 99989 --min-size 256 --max-size 2048   # + 11 = 100,000 files, the limit

fresh() { rm -rf "$WORK/data" "$WORK/copy"; "$BIN/bevara" init --data "$WORK/data" >/dev/null; sync; }
ingest() { fresh; time_once "$BIN/bevara" ingest --data "$WORK/data" "$WORK/$1.tar"; }
copy_file() { fresh; time_once bash -c "cp '$WORK/$1.tar' '$WORK/copy' && sync && sha256sum '$WORK/copy'"; }
copy_tree() {
  fresh
  time_once bash -c "cp -r '$WORK/$1' '$WORK/copy' && sync && find '$WORK/copy' -type f -print0 | xargs -0 sha256sum"
}

dd_fsync() { fresh; time_once dd if="$WORK/$1.tar" of="$WORK/copy" bs=1M conv=fsync; }
hash_once() { time_once openssl dgst -sha256 "$WORK/$1.tar"; }

echo "== 1. ingest of one 1 GiB file, durable"
t_in=""; t_base=""; t_dd=""; t_ssl=""
for _ in $(seq "$RUNS"); do
  t_in=$(min "$t_in" "$(ingest p1g)")
  t_base=$(min "$t_base" "$(copy_file p1g)")
  t_dd=$(min "$t_dd" "$(dd_fsync p1g)")
  t_ssl=$(min "$t_ssl" "$(hash_once p1g)")
done
t_limit=$t_dd; if [ "$(echo "$t_ssl > $t_dd" | bc -l)" = 1 ]; then t_limit=$t_ssl; fi
echo "bevara ingest:              ${t_in} s"
echo "dd conv=fsync:              ${t_dd} s"
echo "openssl dgst -sha256:       ${t_ssl} s"
echo "time ratio (bevara / the slower of the two, the physical limit): $(ratio "$t_in" "$t_limit")x  (goal: <= 1.5x)"
echo "cp + sync + sha256sum:      ${t_base} s"
echo "time ratio (bevara / cp + sync + sha256sum): $(ratio "$t_in" "$t_base")x"

echo "== 2. ingest of 10,000 files of 10 KiB, durable"
t_in=""; t_base=""
for _ in $(seq "$RUNS"); do
  t_in=$(min "$t_in" "$(ingest p10k)")
  t_base=$(min "$t_base" "$(copy_tree p10k)")
done
echo "bevara ingest:              ${t_in} s, $(echo "scale=0; 10000 / $t_in" | bc -l) files/s  (goal: >= 3,000)"
echo "cp -r + sync + sha256sum:   ${t_base} s"
echo "time ratio (bevara / baseline): $(ratio "$t_in" "$t_base")x  (goal: <= 2x)"

echo "== 3. full audit"
fresh
"$BIN/bevara" ingest --data "$WORK/data" "$WORK/p1g.tar" "$WORK/p10k.tar" >/dev/null 2>&1
bytes=$(du -sb "$WORK/data/store/blobs" | cut -f1)
openssl_all() { find "$WORK/data/store/blobs" -type f -print0 | xargs -0 openssl dgst -sha256; }
t_audit=$(best_of "$RUNS" "$BIN/bevara" audit --data "$WORK/data")
t_ssl=$(best_of "$RUNS" openssl_all)
mib=$(echo "$bytes / 1048576" | bc -l)
echo "bevara audit:               ${t_audit} s, $(echo "scale=0; $mib / $t_audit" | bc -l) MiB/s"
echo "openssl dgst -sha256:       ${t_ssl} s, $(echo "scale=0; $mib / $t_ssl" | bc -l) MiB/s"
echo "throughput ratio (bevara / openssl): $(ratio "$t_ssl" "$t_audit")x  (goal: >= 0.8x)"

echo "== 4. peak memory of an ingest"
for p in p1g p10k p100k; do
  fresh
  echo "$p: $(peak_mb "$BIN/bevara" ingest --data "$WORK/data" "$WORK/$p.tar") MB  (goal: < 200 MB)"
done
fresh
