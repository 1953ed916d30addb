#!/usr/bin/env bash
# bevara's web pages in a real browser: builds an archive with one public
# and one secret record, starts `bevara serve` on it, creates an archivist
# and an auditor (password + TOTP), and runs web_test.mjs in Debian's
# chromium, headless (puppeteer-core and axe-core from npm, pinned in
# package-lock.json, installed without install scripts on first use).
#
# usage: tools/webtest/run.sh BEVARA [SCREENSHOT-DIR]
# With SCREENSHOT-DIR the main pages are saved there as PNG (README's).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bevara="$(realpath "$1")"
shots="${2:-}"
[ -n "$shots" ] && shots="$(realpath -m "$shots")"
command -v chromium >/dev/null || { echo "webtest: chromium is not installed (tools/install-deps.sh)" >&2; exit 1; }
if [ ! -d "$here/node_modules/puppeteer-core" ] || [ ! -d "$here/node_modules/axe-core" ]; then
  (cd "$here" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null)
fi
work="$(mktemp -d /tmp/bevara-webtest.XXXXXX)"
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

# A case of two records: a decision that may be published, and a secret one.
mkdir -p "$work/files"
printf 'Beslut: bygglov för garage beviljas.\n' > "$work/files/beslut.txt"
printf 'Uppgifter om skyddad adress.\n' > "$work/files/adress.txt"
cat > "$work/case.json" <<'JSON'
{
  "package": {
    "id": "bn-2024-112",
    "archival_creator": {"name": "Exempelby kommun, byggnadsnämnden", "id": "212000-0001"},
    "producer": {"name": "Exempelby kommun, e-tjänst Bygglov", "id": "212000-0001"}
  },
  "case": {
    "case_number": "BN 2024/112",
    "title": "Bygglov för garage, Exempelby 1:23",
    "classification": {"code": "3.2.1", "name": "Bygglov"},
    "opened": "2024-01-15",
    "closed": "2024-03-02",
    "records": [
      {"id": "beslut-1", "title": "Beslut om bygglov för garage", "type": "beslut", "direction": "outgoing",
       "date": "2024-03-01", "files": ["beslut.txt"]},
      {"id": "adress-1", "title": "Skyddad adress för sökande", "type": "uppgift", "direction": "incoming",
       "date": "2024-01-15",
       "restrictions": [{"type": "confidential", "ground": "OSL 21 kap. 3 §", "ends": "2094-03-01"}],
       "files": ["adress.txt"]}
    ]
  }
}
JSON
"$bevara" sip create --case "$work/case.json" --files "$work/files" --out "$work/sip.tar" >/dev/null
# A producer's record id that is a path: it must not aim a decision elsewhere.
cat > "$work/hostile.json" <<'JSON'
{"package": {"id": "hx-1", "archival_creator": {"name": "Exempelby kommun", "id": "212000-0001"},
             "producer": {"name": "Exempelby kommun", "id": "212000-0001"}},
 "case": {"case_number": "X 2024/1", "title": "Ett annat ärende", "closed": "2024-01-01",
          "records": [{"id": "../../bn-2024-112/handlingar/adress-1/atkomst?", "title": "Ofarlig handling",
                       "files": ["beslut.txt"]}]}}
JSON
"$bevara" sip create --case "$work/hostile.json" --files "$work/files" --out "$work/hostile.tar" >/dev/null
# A package for the browser's upload.
sed -e 's/"hx-1"/"upl-1"/' -e 's/X 2024\/1/U 2024\/1/' -e 's|"id": "\.\./[^"]*", ||' "$work/hostile.json" > "$work/upload.json"
"$bevara" sip create --case "$work/upload.json" --files "$work/files" --out "$work/upload.tar" >/dev/null
export BEVARA_DATA="$work/data"
"$bevara" init >/dev/null
"$bevara" ingest "$work/sip.tar" "$work/hostile.tar" >/dev/null 2>&1
"$bevara" token create --role archivist --label webtest > "$work/archivist.token" 2>/dev/null
printf 'ett-langt-losenord-1\n' | "$bevara" user create arkivarie --role archivist --password-stdin > "$work/arkivarie.txt" 2>/dev/null
printf 'ett-langt-losenord-2\n' | "$bevara" user create granskare --role auditor --password-stdin > "$work/granskare.txt" 2>/dev/null

"$bevara" serve --port 0 >"$work/serve.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do
  [ -s "$work/data/server/address" ] && curl -sf "$(cat "$work/data/server/address")/health" >/dev/null && break
  sleep 0.1
done
url="$(cat "$work/data/server/address")"

cd "$here"
BEVARA_URL="$url" BEVARA_TOKEN="$(cat "$work/archivist.token")" \
  ARCHIVIST_SECRET="$(sed -n 's/^one-time code secret: //p' "$work/arkivarie.txt")" \
  AUDITOR_SECRET="$(sed -n 's/^one-time code secret: //p' "$work/granskare.txt")" \
  UPLOAD="$work/upload.tar" SCREENSHOTS="$shots" node web_test.mjs || { echo "--- server log"; tail -50 "$work/serve.log"; exit 1; }
