#!/usr/bin/env bash
# Benchmarks of `bevara validate`, each against a baseline run in the same
# session on the same bytes, reported as a ratio (the machines are noisy):
#   1. METS of a 100,000-file package: bevara's METS validation vs
#      `xmllint --noout --schema` with the same schemas; peak memory.
#   2. One 1 GiB file: checksum verification (`bevara validate` of the tar)
#      vs `openssl dgst -sha256` of the payload.
# Each timing is the best of $RUNS runs. Usage:
#   tools/bench/bench_validate.sh [WORKDIR]     (default: /tmp/bevara-bench)
# Needs about 3 GB free in WORKDIR.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
WORK=${1:-/tmp/bevara-bench}
RUNS=${RUNS:-3}
tools/install-deps.sh
tools/build.sh >/dev/null
mkdir -p "$WORK"
BIN=$ROOT/build
source tools/bench/lib.sh

echo "== generating packages in $WORK"
if [ ! -d "$WORK/p100k" ]; then
  # 99,990 content files + 10 metadata, schema and documentation files = 100,000
  "$BIN/bevara-sipgen" --seed 5 --files 99990 --min-size 64 --max-size 512 --format dir --out "$WORK/p100k" >/dev/null
fi
if [ ! -f "$WORK/p1g.tar" ]; then
  "$BIN/bevara-sipgen" --seed 9 --files 1 --size 1073741824 --nesting 0 --format tar --out "$WORK/p1g.tar" >/dev/null
  rm -rf "$WORK/p1g" && mkdir -p "$WORK/p1g" && tar -xf "$WORK/p1g.tar" -C "$WORK/p1g"
fi
METS=$(ls "$WORK"/p100k/*/METS.xml)
PAYLOAD=$(find "$WORK/p1g" -name '*.bin')

# xmllint gets the same schemas through one driver schema that imports them.
cat > "$WORK/all.xsd" <<XSD
<?xml version="1.0"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">
  <xs:import namespace="http://www.loc.gov/METS/" schemaLocation="$ROOT/schemas/mets.xsd"/>
  <xs:import namespace="https://DILCIS.eu/XML/METS/CSIPExtensionMETS" schemaLocation="$ROOT/schemas/csip-extension-mets.xsd"/>
  <xs:import namespace="https://DILCIS.eu/XML/METS/SIPExtensionMETS" schemaLocation="$ROOT/schemas/sip-extension-mets.xsd"/>
</xs:schema>
XSD
xmllint --noout --schema "$WORK/all.xsd" "$METS" 2>&1 | tail -1

echo "== 1. METS validation, $(du -m "$METS" | cut -f1) MB, 100,000 files"
t_bevara=$(best_of "$RUNS" "$BIN/bevara-bench-mets" "$METS")
t_xmllint=$(best_of "$RUNS" xmllint --noout --schema "$WORK/all.xsd" "$METS")
mem_mets=$(peak_mb "$BIN/bevara-bench-mets" "$METS")
t_full=$(best_of 1 "$BIN/bevara" validate "$WORK/p100k")
mem_full=$(peak_mb "$BIN/bevara" validate "$WORK/p100k")
echo "bevara METS validation:   ${t_bevara} s, peak ${mem_mets} MB"
echo "xmllint --schema:         ${t_xmllint} s"
echo "ratio (xmllint / bevara): $(echo "scale=2; $t_xmllint / $t_bevara" | bc -l)x  (goal: >= 3x)"
echo "whole package, bevara validate (100,000 files): ${t_full} s, peak ${mem_full} MB"

echo "== 2. checksum verification of one 1 GiB file"
t_val=$(best_of "$RUNS" "$BIN/bevara" validate "$WORK/p1g.tar")
t_ssl=$(best_of "$RUNS" openssl dgst -sha256 "$PAYLOAD")
mem_1g=$(peak_mb "$BIN/bevara" validate "$WORK/p1g.tar")
echo "bevara validate (tar):    ${t_val} s, $(echo "scale=0; 1024 / $t_val" | bc -l) MiB/s, peak ${mem_1g} MB"
echo "openssl dgst -sha256:     ${t_ssl} s, $(echo "scale=0; 1024 / $t_ssl" | bc -l) MiB/s"
echo "throughput ratio (bevara / openssl): $(echo "scale=2; $t_ssl / $t_val" | bc -l)x  (goal: >= 0.8x)"
