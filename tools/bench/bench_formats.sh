#!/usr/bin/env bash
# Benchmarks of the preservation checks of an ingest, each against a
# baseline in the same run, reported as a ratio:
#   1. Compiling the PRONOM signature files (goal: under 1 s).
#   2. `bevara ingest` of 10,000 files of 10 KiB and of one 1 GiB file, with
#      PRONOM identification vs the same ingest without it
#      (BEVARA_BENCH_SKIP_PRONOM=1). Goals: at most +10% and +5%.
#   3. ClamAV on the 1 GiB package: the scan inside `bevara ingest` (its
#      ingest time with [scan] minus without) vs `clamscan` of the same
#      package with the same database and the same limits; and one scan of
#      the same 1 GiB file by bevara's scanner vs clamscan. Goal: >= 1.0x
#      clamscan's throughput. The database is built with sigtool here (an
#      MD5 and a body signature of the EICAR file): nothing is downloaded.
# Runs alternate; each figure is the best of $RUNS.
# Usage: tools/bench/bench_formats.sh [WORKDIR] (default /tmp/bevara-bench-formats; ~2.5 GB)
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
WORK=${1:-/tmp/bevara-bench-formats}
RUNS=${RUNS:-3}
tools/install-deps.sh
tools/build.sh >/dev/null
mkdir -p "$WORK"
BIN=$ROOT/build
source tools/bench/lib.sh

echo "== generating packages in $WORK"
[ -f "$WORK/p1g.tar" ] || "$BIN/bevara-sipgen" --format tar --out "$WORK/p1g.tar" --seed 9 --files 1 --size 1073741824 --nesting 0 >/dev/null
[ -f "$WORK/p10k.tar" ] || "$BIN/bevara-sipgen" --format tar --out "$WORK/p10k.tar" --seed 6 --files 9990 --size 10240 >/dev/null

DB=$WORK/clamav
rm -rf "$DB" && mkdir -p "$DB"
printf '%s%s%s' 'X5O!P%@AP[4\PZX54(P^)7CC)7}$' 'EICAR-STANDARD-ANTIVIRUS-TEST-FILE' '!$H+H*' > "$WORK/eicar.com"
(cd "$WORK" && sigtool --md5 eicar.com > "$DB/bench.hdb")
printf %s 'EICAR-STANDARD-ANTIVIRUS' | sigtool --hex-dump | sed 's/^/Bench.EicarBody:0:*:/' > "$DB/bench.ndb"
printf '[scan]\nclamav_database = %s\n' "$DB" > "$WORK/scan.ini"

fresh() { rm -rf "$WORK/data"; "$BIN/bevara" init --data "$WORK/data" >/dev/null; sync; }
ingest() { fresh; time_once "$BIN/bevara" ingest --data "$WORK/data" "$@"; }
ingest_plain() { fresh; time_once env BEVARA_BENCH_SKIP_PRONOM=1 "$BIN/bevara" ingest --data "$WORK/data" "$@"; }

echo "== 1. signature compilation"
echo "DROID V118 + container signatures compiled in: $("$BIN/bevara-bench-formats" compile) s  (goal: < 1 s)"

echo "== 2. PRONOM identification in the ingest"
for p in p10k p1g; do
  t_with=""; t_without=""
  for _ in $(seq "$RUNS"); do
    t_without=$(min "$t_without" "$(ingest_plain "$WORK/$p.tar")")
    t_with=$(min "$t_with" "$(ingest "$WORK/$p.tar")")
  done
  echo "$p: with PRONOM ${t_with} s, without ${t_without} s: $(ratio "$t_with" "$t_without")x  (goal: <= $([ $p = p10k ] && echo 1.10 || echo 1.05)x)"
done
mkdir -p "$WORK/p10k-files" && tar -xf "$WORK/p10k.tar" -C "$WORK/p10k-files"
echo "identification alone over the 10,000 files: $(find "$WORK/p10k-files" -type f -print0 | xargs -0 "$BIN/bevara-bench-formats" identify | tail -1)"

echo "== 3. ClamAV on the 1 GiB package"
CLAMSCAN=(clamscan --no-summary --database="$DB" --max-filesize=4000M --max-scansize=4000M --alert-exceeds-max=yes)
t_scan=""; t_plain=""; t_clam=""
for _ in $(seq "$RUNS"); do
  t_plain=$(min "$t_plain" "$(ingest "$WORK/p1g.tar")")
  fresh; t=$(time_once "$BIN/bevara" ingest --data "$WORK/data" --config "$WORK/scan.ini" "$WORK/p1g.tar"); t_scan=$(min "$t_scan" "$t")
  t_clam=$(min "$t_clam" "$(time_once "${CLAMSCAN[@]}" "$WORK/p1g.tar")")
done
delta=$(echo "$t_scan - $t_plain" | bc -l)
echo "bevara ingest with [scan] ${t_scan} s, without ${t_plain} s: the scan costs $(printf %.3f "$delta") s"
echo "clamscan of the package:  ${t_clam} s"
echo "throughput ratio (clamscan time / bevara's scan time): $(ratio "$t_clam" "$delta")x  (goal: >= 1.0x)"
fresh; "$BIN/bevara" ingest --data "$WORK/data" "$WORK/p1g.tar" >/dev/null 2>&1
blob=$(find "$WORK/data/store/blobs" -type f -size +1000M | head -1)
t_own=""; t_clam_file=""
for _ in $(seq "$RUNS"); do
  t_own=$(min "$t_own" "$("$BIN/bevara-bench-formats" scan "$DB" "$blob")")
  t_clam_file=$(min "$t_clam_file" "$(time_once "${CLAMSCAN[@]}" "$blob")")
done
echo "the 1 GiB file alone: bevara's scanner ${t_own} s, clamscan ${t_clam_file} s: $(ratio "$t_clam_file" "$t_own")x"
