#!/usr/bin/env bash
# Benchmark of `bevara sip create` against what it must at least do: put the
# files in an archive and hash them. Baseline, on the same folder in the same
# run: `tar cf` of the folder plus `openssl dgst -sha256` of every file.
#   10,000 files of 10 KiB in 1,000 records (tar and zip), and one 1 GiB file.
# Each timing is the best of $RUNS runs (warm page cache for both).
# Usage: tools/bench/bench_sip_create.sh [WORKDIR]   (default: /tmp/bevara-bench-sip)
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
WORK=${1:-/tmp/bevara-bench-sip}
RUNS=${RUNS:-3}
tools/install-deps.sh
tools/build.sh >/dev/null
BIN=$ROOT/build
source tools/bench/lib.sh
mkdir -p "$WORK"

# make_case DIR RECORDS FILES_PER_RECORD: a description of DIR/files/f<r>-<i>.bin
make_case() {
  python3 - "$1" "$2" "$3" <<'PY'
import json, sys
work, records, per = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
d = {"package": {"id": "bench", "archival_creator": {"name": "Exempelby kommun", "id": "212000-0001"},
                 "producer": {"name": "Exempelby kommun, e-tjänst", "id": "212000-0001"}},
     "case": {"case_number": "KS 2026/1", "title": "Benchmark", "closed": "2026-11-30",
              "records": [{"title": "Handling %d" % r, "files": ["f%d-%d.bin" % (r, i) for i in range(per)]}
                          for r in range(records)]}}
json.dump(d, open(work + "/case.json", "w"))
PY
}

if [ ! -d "$WORK/small/files" ]; then
  mkdir -p "$WORK/small/files"
  for r in $(seq 0 999); do for i in $(seq 0 9); do
    head -c 10240 /dev/urandom > "$WORK/small/files/f$r-$i.bin"
  done; done
  make_case "$WORK/small" 1000 10
fi
if [ ! -d "$WORK/large/files" ]; then
  mkdir -p "$WORK/large/files"
  head -c 1073741824 /dev/urandom > "$WORK/large/files/f0-0.bin"
  make_case "$WORK/large" 1 1
fi

baseline() {  # DIR: tar of the folder, then SHA-256 of every file
  tar cf "$WORK/baseline.tar" -C "$1" files
  find "$1/files" -type f -print0 | xargs -0 openssl dgst -sha256 >/dev/null
  rm -f "$WORK/baseline.tar"
}
create() {  # DIR FORMAT
  rm -f "$WORK/out.$2"
  "$BIN/bevara" sip create --case "$1/case.json" --files "$1/files" --out "$WORK/out.$2"
}

for set in small large; do
  dir=$WORK/$set
  mb=$(du -sm "$dir/files" | cut -f1)
  t_base=$(best_of "$RUNS" baseline "$dir")
  for fmt in tar zip; do
    t=$(best_of "$RUNS" create "$dir" "$fmt")
    echo "$set ($mb MB), $fmt: bevara sip create ${t} s; tar cf + openssl dgst ${t_base} s;" \
         "throughput ratio $(ratio "$t_base" "$t")x (goal >= 0.8x)"
  done
  create "$dir" tar >/dev/null
  echo "  peak memory of sip create: $(peak_mb "$BIN/bevara" sip create --case "$dir/case.json" --files "$dir/files" --out "$WORK/mem.tar") MB"
  rm -f "$WORK/mem.tar"
  "$BIN/bevara" validate "$WORK/out.tar" | head -1
done
