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
cmake --build build-fuzz -j"$(nproc)" --target fuzz_archive_reader fuzz_mets fuzz_text_extract fuzz_http fuzz_formats bevara-sipgen
SEEDS=build-fuzz/fuzz/seeds
mkdir -p "$SEEDS/archive" "$SEEDS/mets" "$SEEDS/text" "$SEEDS/http" "$SEEDS/formats"
# Format seeds: the OLE2 fixtures, a zip (the packages), a PDF and a GIF.
cp tests/ingest/formats/fixtures/*.doc tests/ingest/formats/fixtures/*.xls "$SEEDS/formats/"
# HTTP seeds: the regression inputs (hostile requests found before), and a
# few ordinary ones.
cp tests/server/http_fuzz_regressions/* "$SEEDS/http/"
printf 'GET /health HTTP/1.1\r\nHost: x\r\n\r\n' > "$SEEDS/http/health"
printf 'GET /api/v1/packages?limit=5 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer @TOKEN@\r\n\r\n' > "$SEEDS/http/list"
printf 'GET /public/v1/search?q=bygglov&year=2020 HTTP/1.1\r\nHost: x\r\n\r\n' > "$SEEDS/http/search"
printf 'POST /public/v1/requests HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 47\r\n\r\n{"records":["x"],"contact":"a@b.se","name":"A"}' > "$SEEDS/http/request"
for fmt in tar tar.gz zip; do
  build-fuzz/bevara-sipgen --seed 1 --files 3 --max-size 200 --format "$fmt" --out "$SEEDS/archive/seed.$fmt" >/dev/null
done
rm -rf "$SEEDS/dir" && build-fuzz/bevara-sipgen --seed 2 --files 3 --max-size 200 --format dir --out "$SEEDS/dir" >/dev/null
cp "$SEEDS"/dir/*/METS.xml "$SEEDS/mets/seed.xml"
# Text seeds: the first byte picks the format (0 text, 1 XML, 2 HTML, 3 PDF).
printf '\000Beslut om bygglov, 19121212-1212.' > "$SEEDS/text/plain"
printf '\001<?xml version="1.0"?><a x="1">Beslut <b>om</b> bygglov</a>' > "$SEEDS/text/xml"
printf '\002<html><head><meta charset="iso-8859-1"><style>p{}</style></head><body><p>Beslut &amp; bygglov</p><script>x</script></body></html>' > "$SEEDS/text/html"
printf '\003%%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n3 0 obj << /Type /Page /Parent 2 0 R /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >> endobj\n4 0 obj << /Length 35 >> stream\nBT /F1 12 Tf 72 720 Td (Beslut) Tj ET\nendstream endobj\n5 0 obj << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> endobj\ntrailer << /Root 1 0 R >>\n%%%%EOF\n' > "$SEEDS/text/pdf"
cp "$SEEDS/archive/seed.zip" "$SEEDS/formats/"
printf '%%PDF-1.4\n%%%%EOF\n' > "$SEEDS/formats/pdf"
printf 'GIF89a\001\000\001\000\000\000\000;' > "$SEEDS/formats/gif"
cd build-fuzz/fuzz
./fuzz_archive_reader -max_total_time="$SECONDS_EACH" -rss_limit_mb=2048 -timeout=10 seeds/archive
./fuzz_mets -max_total_time="$SECONDS_EACH" -rss_limit_mb=2048 -timeout=10 -max_len=65536 seeds/mets
./fuzz_text_extract -max_total_time="$SECONDS_EACH" -rss_limit_mb=2048 -timeout=10 -max_len=65536 seeds/text
./fuzz_http -max_total_time="$SECONDS_EACH" -rss_limit_mb=4096 -timeout=20 -max_len=16384 seeds/http
./fuzz_formats -max_total_time="$SECONDS_EACH" -rss_limit_mb=2048 -timeout=10 -max_len=262144 seeds/formats
