# Helpers shared by the benchmark scripts (sourced, not run).

# best_of N command... : the best wall time of N runs, in seconds.
best_of() {
  local n=$1; shift
  local best=""
  for _ in $(seq "$n"); do
    local t
    t=$(time_once "$@")
    if [ -z "$best" ] || [ "$(echo "$t < $best" | bc -l)" = 1 ]; then best=$t; fi
  done
  printf "%.3f" "$best"
}

# time_once command... : the wall time of one run, in seconds.
time_once() {
  local s e
  s=$(date +%s.%N); "$@" >/dev/null 2>&1 || true; e=$(date +%s.%N)
  printf "%.3f" "$(echo "$e - $s" | bc -l)"
}

# min A B : the smaller of two decimals.
min() { if [ -z "$1" ] || [ "$(echo "$2 < $1" | bc -l)" = 1 ]; then echo "$2"; else echo "$1"; fi; }

# ratio A B : A / B with two decimals.
ratio() { echo "scale=2; $1 / $2" | bc -l; }

# peak_mb command... : peak resident memory of a command, in MB.
peak_mb() {
  /usr/bin/time -f "%M" "$@" 2>&1 >/dev/null | tail -1 | awk '{printf "%.1f", $1/1024}'
}

# install_packages PKG... : installs the Debian packages a benchmark needs beyond tools/install-deps.sh.
install_packages() {
  local p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" && continue
    local sudo=""; [ "$(id -u)" -ne 0 ] && sudo=sudo
    $sudo apt-get install -y -qq --no-install-recommends "$p" >/dev/null
  done
}

# Background processes a benchmark started; killed on exit.
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

# build_search_index BIN WORK RECORDS : the generated search index of
# RECORDS records in WORK (bench_search.sh and bench_web.sh share it), built
# unless one of this kind is there. The marker names the generator and index
# format: an index of another kind is built again (opening one of another
# format would empty it). Since format 4 the build also writes the archive
# the public answers are checked against (each package's head in the
# catalog, a publication rule per creator).
build_search_index() {
  local bin=$1 work=$2 records=$3
  if [ ! -f "$work/built-v4-$records" ]; then
    rm -rf "$work/index" "$work/compact" "$work/store" "$work/catalog" "$work/access" "$work"/built-*
    "$bin/bevara-bench-search" build "$work" "$records" | tee "$work/build.txt"
    touch "$work/built-v4-$records"
  else
    echo "(kept from an earlier run)"; cat "$work/build.txt"
  fi
}
