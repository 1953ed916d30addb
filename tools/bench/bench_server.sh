#!/usr/bin/env bash
# Benchmarks of the HTTP server, each against a baseline in the same run:
#   1. GET of a 10 MiB file over loopback, wrk -c50: bevara vs nginx (Debian)
#      serving the very same blob file. Goal: >= 0.7x nginx's throughput.
#      Also with nothing pinned ([http] pinned_bytes = 0), the path of a
#      file too large to keep verified in memory: every byte hashed as it is
#      sent, beside `openssl dgst` of the same file (the hashing limit).
#   2. GET /api/v1/packages/{id}, wrk -c50: requests/s. Goal: >= 10,000.
#   3. A 1 GiB package deposited over HTTP (curl, then polling the job to
#      "archived") vs `bevara ingest` of the same file. Goal: <= 1.3x.
# Runs alternate between bevara and its baseline; each figure is the best of
# $RUNS. Usage: tools/bench/bench_server.sh [WORKDIR] (default
# /tmp/bevara-bench-server; needs about 4 GB there). SKIP_DEPOSIT=1 leaves
# out part 3.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
WORK=${1:-/tmp/bevara-bench-server}
RUNS=${RUNS:-3}
SECONDS_PER_RUN=${SECONDS_PER_RUN:-8}
tools/install-deps.sh
source tools/bench/lib.sh
install_packages wrk nginx-light
tools/build.sh >/dev/null
BIN=$ROOT/build
mkdir -p "$WORK"

start_server() {  # start_server DATA PORT [CONFIG]
  "$BIN/bevara" serve --init --data "$1" --port "$2" ${3:+--config "$3"} >"$1.log" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$2/health" >/dev/null && return; sleep 0.1; done
  echo "server did not start" >&2; exit 1
}
stop_servers() { cleanup; PIDS=(); sleep 0.5; }
deposit() {  # deposit PORT TOKEN FILE -> waits until archived, prints the job document
  local loc
  # -T streams the file (--data-binary would read all of it into memory first).
  loc=$(curl -sf -D - -o /dev/null -X POST -H "Authorization: Bearer $2" -H "Content-Type: application/x-tar" \
        -T "$3" "http://127.0.0.1:$1/api/v1/packages" | tr -d '\r' | awk 'tolower($1)=="location:"{print $2}')
  while :; do
    local doc; doc=$(curl -sf -H "Authorization: Bearer $2" "http://127.0.0.1:$1$loc")
    case "$doc" in *'"state":"queued"'*|*'"state":"running"'*) sleep 0.05 ;; *) echo "$doc"; return ;; esac
  done
}
# wrk's requests/s or bytes/s (the "Requests/sec" / "Transfer/sec" lines, in plain numbers).
wrk_rate() {  # wrk_rate requests|bytes ARGS...
  local what=$1; shift
  wrk "$@" 2>/dev/null | awk -v w="$what" '
    w=="requests" && /Requests\/sec/ {print $2}
    w=="bytes" && /Transfer\/sec/ {v=$2; u=substr(v, length(v)-1); n=substr(v, 1, length(v)-2);
      m=(u=="GB")?1073741824:(u=="MB")?1048576:(u=="KB")?1024:1; printf "%.0f\n", n*m}'
}
max() { if [ -z "$1" ] || [ "$(echo "$2 > $1" | bc -l)" = 1 ]; then echo "$2"; else echo "$1"; fi; }

echo "== packages in $WORK"
[ -f "$WORK/p10m.tar" ] || "$BIN/bevara-sipgen" --seed 21 --files 1 --size 10485760 --nesting 0 --out "$WORK/p10m.tar" >/dev/null
[ -f "$WORK/p1g.tar" ] || "$BIN/bevara-sipgen" --seed 22 --files 1 --size 1073741824 --nesting 0 --out "$WORK/p1g.tar" >/dev/null

echo "== 1, 2: GET of a 10 MiB file vs nginx; GET of a package's metadata"
rm -rf "$WORK/data"
start_server "$WORK/data" 18080
TOKEN=$("$BIN/bevara" token create --data "$WORK/data" --role archivist 2>/dev/null)
DOC=$(deposit 18080 "$TOKEN" "$WORK/p10m.tar")
ID=$(echo "$DOC" | sed 's/.*"package_id":"\([^"]*\)".*/\1/')
BIG=$(curl -sf -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:18080/api/v1/packages/$ID" |
      python3 -c 'import json,sys; f=max(json.load(sys.stdin)["files"], key=lambda f: f["size"]); print(f["path"], f["sha256"])')
BIG_PATH=${BIG% *}; BIG_SHA=${BIG#* }
mkdir -p "$WORK/nginx/root" "$WORK/nginx/tmp"
cp "$WORK/data/store/blobs/sha256/${BIG_SHA:0:2}/$BIG_SHA" "$WORK/nginx/root/file"
cat >"$WORK/nginx/nginx.conf" <<CONF
worker_processes auto;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log;
events { worker_connections 1024; }
http {
  access_log off; sendfile on; tcp_nopush on; keepalive_requests 1000;
  client_body_temp_path $WORK/nginx/tmp; proxy_temp_path $WORK/nginx/tmp; fastcgi_temp_path $WORK/nginx/tmp;
  uwsgi_temp_path $WORK/nginx/tmp; scgi_temp_path $WORK/nginx/tmp;
  server { listen 127.0.0.1:18081; root $WORK/nginx/root; }
}
CONF
nginx -c "$WORK/nginx/nginx.conf"
trap 'cleanup; nginx -c "$WORK/nginx/nginx.conf" -s stop 2>/dev/null || true' EXIT
AUTH="Authorization: Bearer $TOKEN"
FILE_URL="http://127.0.0.1:18080/api/v1/packages/$ID/files/$BIG_PATH"
curl -sf -H "$AUTH" "$FILE_URL" | sha256sum | grep -q "$BIG_SHA"   # the right bytes, before timing them
b_file=""; n_file=""; b_meta=""
for _ in $(seq "$RUNS"); do
  n_file=$(max "$n_file" "$(wrk_rate bytes -t2 -c50 -d"${SECONDS_PER_RUN}s" http://127.0.0.1:18081/file)")
  b_file=$(max "$b_file" "$(wrk_rate bytes -t2 -c50 -d"${SECONDS_PER_RUN}s" -H "$AUTH" "$FILE_URL")")
  b_meta=$(max "$b_meta" "$(wrk_rate requests -t2 -c50 -d"${SECONDS_PER_RUN}s" -H "$AUTH" "http://127.0.0.1:18080/api/v1/packages/$ID")")
done
printf "10 MiB GET: bevara %.0f MiB/s, nginx %.0f MiB/s = %sx nginx (goal >= 0.7)\n" \
  "$(echo "$b_file/1048576" | bc -l)" "$(echo "$n_file/1048576" | bc -l)" "$(ratio "$b_file" "$n_file")"
printf "GET /api/v1/packages/{id}: %.0f requests/s with 50 connections (goal >= 10000)\n" "$b_meta"
stop_servers

printf "[http]\npinned_bytes = 0\n" >"$WORK/unpinned.ini"
start_server "$WORK/data" 18080 "$WORK/unpinned.ini"
h_file=""
for _ in $(seq "$RUNS"); do
  h_file=$(max "$h_file" "$(wrk_rate bytes -t2 -c50 -d"${SECONDS_PER_RUN}s" -H "$AUTH" "$FILE_URL")")
done
# SHA-256 on one core, in memory (bytes/s): the most one sender can hash.
sha_rate=$(openssl speed -evp sha256 -bytes 1048576 -seconds 2 2>/dev/null | awk '/^sha256/ {sub("k", "", $2); print $2 * 1000}')
printf "10 MiB GET, nothing pinned (hashed as sent): %.0f MiB/s = %sx nginx; SHA-256 on one core %.0f MiB/s\n" \
  "$(echo "$h_file/1048576" | bc -l)" "$(ratio "$h_file" "$n_file")" "$(echo "$sha_rate/1048576" | bc -l)"
stop_servers
nginx -c "$WORK/nginx/nginx.conf" -s stop 2>/dev/null || true
[ "${SKIP_DEPOSIT:-0}" = 1 ] && exit 0

echo "== 3: 1 GiB deposit over HTTP vs bevara ingest"
t_http=""; t_cli=""
for _ in $(seq "$RUNS"); do
  rm -rf "$WORK/cli" && "$BIN/bevara" init --data "$WORK/cli" >/dev/null && sync
  t_cli=$(min "$t_cli" "$(time_once "$BIN/bevara" ingest --data "$WORK/cli" "$WORK/p1g.tar")")
  rm -rf "$WORK/http" && sync
  start_server "$WORK/http" 18082
  T=$("$BIN/bevara" token create --data "$WORK/http" --role archivist 2>/dev/null)
  s=$(date +%s.%N); doc=$(deposit 18082 "$T" "$WORK/p1g.tar"); e=$(date +%s.%N)
  case "$doc" in *'"state":"archived"'*) ;; *) echo "deposit failed: ${doc:0:300}" >&2; exit 1 ;; esac
  t_http=$(min "$t_http" "$(printf "%.3f" "$(echo "$e - $s" | bc -l)")")
  stop_servers
done
echo "1 GiB deposit: HTTP ${t_http}s, bevara ingest ${t_cli}s = $(ratio "$t_http" "$t_cli")x (goal <= 1.3)"
