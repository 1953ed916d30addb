#!/usr/bin/env bash
# Benchmarks of the copies on an object store (issue 18), each against rclone
# (Debian's) on the same bytes, the same object store, in the same run:
#   1. `bevara copies sync` of an archive holding one 1 GiB file, vs
#      `rclone copy` of the archive's blob files to another bucket.
#   2. the same for an archive of 10,000 files of 10 KiB.
#   3. `bevara audit --copy offsite` (downloads every object and re-hashes
#      it), vs `rclone cat` of the same bucket piped to `openssl dgst -sha256`.
#   4. Peak memory of `bevara copies sync` for both archives.
# The object store is Ceph's RADOS Gateway on 127.0.0.1, started here by
# tools/object-store.sh (port BEVARA_S3_PORT, 17680 by default, so that it
# does not meet the tests' store); it shares the machine's cores with what
# it measures, as rclone does. Each figure is the best of $RUNS, bevara and
# rclone alternating. Usage: tools/bench/bench_copies.sh [WORKDIR] (default
# /tmp/bevara-bench-copies; about 6 GB there, and the store's 10 GB sparse
# OSD file).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
WORK=${1:-/tmp/bevara-bench-copies}
RUNS=${RUNS:-3}
export BEVARA_S3_PORT=${BEVARA_S3_PORT:-17680}
tools/install-deps.sh
tools/build.sh >/dev/null
mkdir -p "$WORK"
BIN=$ROOT/build
source tools/bench/lib.sh

STORE="$WORK/object-store"
tools/object-store.sh start "$STORE"
stop_store() { tools/object-store.sh stop "$STORE" || true; cleanup; }
trap stop_store EXIT
ENDPOINT="http://127.0.0.1:$BEVARA_S3_PORT"
KEY=bevara-test
SECRET=bevara-test-secret-not-for-production

# rclone's remote "bench", from the environment (no configuration file).
export RCLONE_CONFIG_BENCH_TYPE=s3 RCLONE_CONFIG_BENCH_PROVIDER=Ceph RCLONE_CONFIG_BENCH_ENDPOINT="$ENDPOINT"
export RCLONE_CONFIG_BENCH_ACCESS_KEY_ID=$KEY RCLONE_CONFIG_BENCH_SECRET_ACCESS_KEY=$SECRET
export RCLONE_CONFIG_BENCH_FORCE_PATH_STYLE=true
# rclone refuses to start at all when AWS_CA_BUNDLE is set (plain http here).
unset AWS_CA_BUNDLE

echo "== generating and ingesting the archives in $WORK"
archive() {  # archive NAME SIPGEN-ARGS... : $WORK/NAME, an archive of one package
  if [ ! -f "$WORK/$1.done" ]; then
    rm -rf "$WORK/$1" "$WORK/$1.tar"
    "$BIN/bevara-sipgen" --format tar --out "$WORK/$1.tar" "${@:2}" >/dev/null
    "$BIN/bevara" init --data "$WORK/$1" >/dev/null
    "$BIN/bevara" ingest --data "$WORK/$1" "$WORK/$1.tar" >/dev/null
    rm -f "$WORK/$1.tar"
    touch "$WORK/$1.done"
  fi
  echo "$1: $(find "$WORK/$1/store/blobs" -type f | wc -l) blobs, $(du -sb "$WORK/$1/store/blobs" | cut -f1) bytes"
}
archive a1g --seed 9 --files 1 --size 1073741824 --nesting 0
archive a10k --seed 6 --files 9990 --size 10240

# checked COMMAND... : like time_once, but a failure ends the benchmark (a
# quick failure is no figure).
checked() {
  local s e
  s=$(date +%s.%N)
  "$@" >/dev/null 2>"$WORK/last.err" || { echo "FAILED: $*" >&2; cat "$WORK/last.err" >&2; exit 1; }
  e=$(date +%s.%N)
  printf "%.3f" "$(echo "$e - $s" | bc -l)"
}

# A new bucket (named by the clock: this runs in a subshell).
bucket() {
  local b; b="bench-$(date +%s%N)"
  rclone mkdir "bench:$b" 2>"$WORK/last.err" || { echo "FAILED: rclone mkdir" >&2; cat "$WORK/last.err" >&2; exit 1; }
  echo "$b"
}
# The configuration naming one copy in a new bucket; its ledger starts empty.
config_for() {  # config_for ARCHIVE BUCKET
  rm -rf "$WORK/$1/store/copies"
  cat > "$WORK/$1.ini" <<EOF
[server]
data_dir = $WORK/$1
[copy.offsite]
type = s3
endpoint = $ENDPOINT
bucket = $2
access_key_id = $KEY
secret_access_key = $SECRET
audit_max_bytes_per_second = 0
EOF
}
sync_once() {  # bevara copies sync of ARCHIVE to a new bucket; prints the seconds
  local b; b=$(bucket) || exit 1
  config_for "$1" "$b"
  checked "$BIN/bevara" copies sync --config "$WORK/$1.ini"
}
rclone_once() { local b; b=$(bucket) || exit 1; checked rclone copy "$WORK/$1/store/blobs" "bench:$b"; }

replicate() {  # replicate ARCHIVE LABEL
  local t_b="" t_r=""
  local t
  for _ in $(seq "$RUNS"); do
    t=$(sync_once "$1") || exit 1; t_b=$(min "$t_b" "$t")
    t=$(rclone_once "$1") || exit 1; t_r=$(min "$t_r" "$t")
  done
  local mib; mib=$(echo "$(du -sb "$WORK/$1/store/blobs" | cut -f1) / 1048576" | bc -l)
  echo "bevara copies sync:         ${t_b} s, $(echo "scale=1; $mib / $t_b" | bc -l) MiB/s"
  echo "rclone copy:                ${t_r} s, $(echo "scale=1; $mib / $t_r" | bc -l) MiB/s"
  echo "throughput ratio (bevara / rclone): $(ratio "$t_r" "$t_b")x  (goal: >= 1.0x)"
}

echo "== 1. replication of one 1 GiB blob"
replicate a1g
echo "== 2. replication of 10,000 blobs of 10 KiB"
replicate a10k

echo "== 3. remote audit"
for a in a1g a10k; do
  b=$(bucket) || exit 1
  config_for "$a" "$b"
  "$BIN/bevara" copies sync --config "$WORK/$a.ini" >/dev/null
  t_audit=""; t_cat=""
  for _ in $(seq "$RUNS"); do
    t=$(checked "$BIN/bevara" audit --copy offsite --config "$WORK/$a.ini") || exit 1; t_audit=$(min "$t_audit" "$t")
    t=$(checked bash -o pipefail -c "rclone cat 'bench:$b' | openssl dgst -sha256") || exit 1; t_cat=$(min "$t_cat" "$t")
  done
  echo "$a: bevara audit --copy:  ${t_audit} s;  rclone cat | openssl dgst: ${t_cat} s"
  echo "$a: throughput ratio (bevara / rclone cat): $(ratio "$t_cat" "$t_audit")x  (goal: >= 0.8x)"
done

echo "== 4. peak memory of the replicator"
for a in a1g a10k; do
  b=$(bucket) || exit 1
  config_for "$a" "$b"
  echo "$a: $(peak_mb "$BIN/bevara" copies sync --config "$WORK/$a.ini") MB  (goal: < 100 MB)"
done
