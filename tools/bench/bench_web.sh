#!/usr/bin/env bash
# The public search page against the JSON public search, in one run, on the
# same index and the same queries: the page (/sok) must answer within 1.3x
# the JSON route's (/public/v1/search) latency, and weigh under 100 KB with
# its stylesheet.
#   - the index: RECORDS generated records (default 1,000,000), built by
#     bench_search.sh's generator and kept in WORKDIR between runs (shared
#     with tools/bench/bench_search.sh; the build is one thread: 1,000,000
#     records took 118 minutes, 141 records/s, on 2026-12-01);
#   - wrk on loopback, one connection (p50, p99, requests/s) and 50
#     connections (requests/s, p99), the JSON route and the page taking turns
#     (JSON, page, page, JSON: the mean of each route's two runs) over two
#     query mixes (words as often as in the text, and uniform).
# Usage: tools/bench/bench_web.sh [WORKDIR] (default /tmp/bevara-bench-search)
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
WORK=${1:-/tmp/bevara-bench-search}
RECORDS=${RECORDS:-1000000}
SECONDS_PER_RUN=${SECONDS_PER_RUN:-15}
tools/install-deps.sh
source tools/bench/lib.sh
install_packages wrk
tools/build.sh >/dev/null
BIN=$ROOT/build
mkdir -p "$WORK"
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

build_search_index "$BIN" "$WORK" "$RECORDS"
echo "== index of $RECORDS records in $WORK"; du -sh "$WORK/index/public"
"$BIN/bevara-bench-search" words 5000 > "$WORK/queries-text.txt"
"$BIN/bevara-bench-search" words 5000 uniform > "$WORK/queries-uniform.txt"
cat > "$WORK/web-queries.lua" <<'LUA'
local queries = {}
for line in io.lines(os.getenv("QUERIES")) do
  queries[#queries + 1] = line:gsub("[^%w]", function(c) return string.format("%%%02X", string.byte(c)) end)
end
local prefix = os.getenv("ROUTE")
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", prefix .. queries[(n % #queries) + 1])
end
LUA
cat > "$WORK/serve-web.ini" <<INI
[server]
port = 18481
data_dir = $WORK
[public]
requests_per_second = 0
INI
"$BIN/bevara" serve --init --config "$WORK/serve-web.ini" > "$WORK/serve-web.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 300); do curl -sf http://127.0.0.1:18481/health >/dev/null && break; sleep 0.2; done
URL=http://127.0.0.1:18481
word=$(head -1 "$WORK/queries-text.txt")
hits=$(curl -s "$URL/public/v1/search?q=$word" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["hits"]))')
if [ "$hits" -eq 0 ]; then echo "the public search for '$word' answers no hits: nothing would be measured" >&2; exit 1; fi
page_bytes=$(curl -s "$URL/sok?q=$word" | wc -c)
css_bytes=$(curl -s "$URL/static/bevara.css" | wc -c)
json_bytes=$(curl -s "$URL/public/v1/search?q=$word" | wc -c)
echo "(public search for '$word': $hits hits on the first page)"
echo "page weight: $page_bytes bytes of HTML + $css_bytes bytes of CSS = $((page_bytes + css_bytes)) bytes (goal < 100 KB); the JSON answer $json_bytes bytes"

# wrk's "50%" and "99%" lines, in milliseconds.
ms() { awk -v q="$1" '$1 == q { v = $2; if (v ~ /us$/) { sub(/us$/, "", v); v = v / 1000 } else if (v ~ /ms$/) { sub(/ms$/, "", v) } else if (v ~ /s$/) { sub(/s$/, "", v); v = v * 1000 } print v }'; }
run() {  # run ROUTE CONNECTIONS -> "p50 p99 rps"
  local out
  out=$(ROUTE="$1" wrk -t"$([ "$2" -gt 1 ] && echo 2 || echo 1)" -c"$2" -d"${SECONDS_PER_RUN}s" --latency -s "$WORK/web-queries.lua" "$URL")
  if echo "$out" | grep -q "Non-2xx"; then echo "$out" >&2; echo "non-2xx answers on $1" >&2; exit 1; fi
  echo "$(echo "$out" | ms 50%) $(echo "$out" | ms 99%) $(echo "$out" | awk '/Requests\/sec/ {print $2}')"
}
mean2() { echo "$1 $2" | awk '{ printf "%.3f %.3f %.1f\n", ($1 + $4) / 2, ($2 + $5) / 2, ($3 + $6) / 2 }'; }
for mix in text uniform; do
  export QUERIES="$WORK/queries-$mix.txt"
  for c in 1 50; do
    # JSON, page, page, JSON, each figure the mean of its route's two runs:
    # the same queries in the same order, so whichever runs first warms the
    # index's pages for the other.
    read -r j1p50 j1p99 j1rps < <(run "/public/v1/search?q=" "$c")
    read -r p1p50 p1p99 p1rps < <(run "/sok?q=" "$c")
    read -r p2p50 p2p99 p2rps < <(run "/sok?q=" "$c")
    read -r j2p50 j2p99 j2rps < <(run "/public/v1/search?q=" "$c")
    read -r jp50 jp99 jrps < <(mean2 "$j1p50 $j1p99 $j1rps" "$j2p50 $j2p99 $j2rps")
    read -r pp50 pp99 prps < <(mean2 "$p1p50 $p1p99 $p1rps" "$p2p50 $p2p99 $p2rps")
    echo "-- queries: $mix, $c connection(s) (runs: JSON p50 $j1p50/$j2p50 ms, page $p1p50/$p2p50 ms)"
    echo "   JSON /public/v1/search: p50 ${jp50} ms, p99 ${jp99} ms, ${jrps} requests/s"
    echo "   page /sok:              p50 ${pp50} ms, p99 ${pp99} ms, ${prps} requests/s"
    echo "   page / JSON: p50 $(ratio "$pp50" "$jp50")x, p99 $(ratio "$pp99" "$jp99")x (goal <= 1.3x), throughput $(ratio "$prps" "$jrps")x"
  done
done
