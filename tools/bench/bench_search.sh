#!/usr/bin/env bash
# Benchmarks of search, each against a baseline in the same run:
#   1. Index RECORDS (default 1,000,000) generated records with about 1 KB of
#      text each (one in five secret; Swedish function words and a Zipf
#      vocabulary of 200,000 words): build time, records/s, index size.
#   2. Public search over HTTP on loopback with wrk: p50 and p99 at one
#      connection, requests/s and p99 at 50 connections. Goals: p50 < 5 ms,
#      p99 < 50 ms, >= 1,000 queries/s. Baseline: the same queries run
#      in-process on the same index (bevara-bench-search query).
#   3. `bevara reindex` of a real archive (REINDEX_PACKAGES packages of 50
#      text files, ingested by `bevara ingest`): records/s. Baseline: the
#      index build rate of step 1, which reads no archive and extracts nothing.
# Usage: tools/bench/bench_search.sh [WORKDIR] (default /tmp/bevara-bench-search;
# the 1,000,000-record index takes about 13 GB (and 10 GB more compacted) and
# 118 minutes to build (one thread, 141 records/s, 2026-12-01), and is kept
# between runs).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
WORK=${1:-/tmp/bevara-bench-search}
RECORDS=${RECORDS:-1000000}
REINDEX_PACKAGES=${REINDEX_PACKAGES:-200}
SECONDS_PER_RUN=${SECONDS_PER_RUN:-15}
tools/install-deps.sh
source tools/bench/lib.sh
install_packages wrk
tools/build.sh >/dev/null
BIN=$ROOT/build
mkdir -p "$WORK"

echo "== 1. index $RECORDS records"
build_search_index "$BIN" "$WORK" "$RECORDS"
du -sh "$WORK/index/all" "$WORK/index/public"

echo "== 2. public search over HTTP"
# Two query mixes of content words: as often as in the text (common words
# dominate: the harder case), and every vocabulary word alike.
"$BIN/bevara-bench-search" words 5000 > "$WORK/queries-text.txt"
"$BIN/bevara-bench-search" words 5000 uniform > "$WORK/queries-uniform.txt"
# wrk sends the queries in turn, percent-encoded.
cat > "$WORK/queries.lua" <<'LUA'
local queries = {}
for line in io.lines(os.getenv("QUERIES")) do
  queries[#queries + 1] = line:gsub("[^%w]", function(c) return string.format("%%%02X", string.byte(c)) end)
end
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", "/public/v1/search?q=" .. queries[(n % #queries) + 1])
end
LUA
# Two indexes: as incremental indexing leaves it, and compacted as
# `bevara reindex` leaves it (compacted once, kept between runs).
if [ ! -f "$WORK/compact/done" ]; then
  rm -rf "$WORK/compact"
  "$BIN/bevara-bench-search" compact "$WORK" | tee "$WORK/compact.txt"
  cp -a "$WORK/store" "$WORK/catalog" "$WORK/access" "$WORK/compact/"
  touch "$WORK/compact/done"
fi
cat "$WORK/compact.txt"; du -sh "$WORK/compact/index/all" "$WORK/compact/index/public"
for data in "$WORK" "$WORK/compact"; do
  echo "-- index in $data"
  cat > "$WORK/serve.ini" <<INI
[server]
port = 18480
data_dir = $data
[public]
requests_per_second = 0
INI
  for mix in text uniform; do
    echo "-- in-process, queries: $mix"
    "$BIN/bevara-bench-search" query "$data" "$WORK/queries-$mix.txt"
  done
  "$BIN/bevara" serve --init --config "$WORK/serve.ini" > "$WORK/serve.log" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 300); do curl -sf http://127.0.0.1:18480/health >/dev/null && break; sleep 0.2; done
  # The public answers must hold hits (published, and passing the check at
  # answer time), or the figures below would measure empty answers.
  word=$(head -1 "$WORK/queries-text.txt")
  hits=$(curl -s "http://127.0.0.1:18480/public/v1/search?q=$word" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["hits"]))')
  if [ "$hits" -eq 0 ]; then echo "the public search for '$word' answers no hits: nothing would be measured" >&2; exit 1; fi
  echo "(public search for '$word': $hits hits on the first page)"
  for mix in text uniform; do
    export QUERIES="$WORK/queries-$mix.txt"
    echo "-- HTTP, queries: $mix, one connection"
    wrk -t1 -c1 -d"${SECONDS_PER_RUN}s" --latency -s "$WORK/queries.lua" http://127.0.0.1:18480 | grep -E "Requests/sec|^ +(50|99)%"
    echo "-- HTTP, queries: $mix, 50 connections"
    wrk -t2 -c50 -d"${SECONDS_PER_RUN}s" --latency -s "$WORK/queries.lua" http://127.0.0.1:18480 | grep -E "Requests/sec|^ +(50|99)%|Non-2xx"
  done
  cleanup; wait "${PIDS[@]}" 2>/dev/null || true; PIDS=()
done

echo "== 3. bevara reindex of $REINDEX_PACKAGES packages of 50 records"
ARCHIVE="$WORK/archive-$REINDEX_PACKAGES"
if [ ! -d "$ARCHIVE/store" ]; then
  mkdir -p "$WORK/packages"
  for i in $(seq "$REINDEX_PACKAGES"); do
    "$BIN/bevara-sipgen" --seed "$((5000 + i))" --files 50 --out "$WORK/packages/p$i.tar" >/dev/null
  done
  "$BIN/bevara" init --data "$ARCHIVE" >/dev/null
  "$BIN/bevara" ingest --data "$ARCHIVE" "$WORK"/packages/p*.tar >/dev/null 2>&1
  rm -rf "$WORK/packages"
fi
"$BIN/bevara" reindex --data "$ARCHIVE" 2>/dev/null
