#!/usr/bin/env bash
# `make run`: the receipts service (`mohprompt-privacy serve`, SQLite in the data folder) beside
# the demo page, whose server forwards the page's receipts to it on the page's own origin. Stops
# both on Ctrl+C. PORT (the page, 8080), RECEIPTS_PORT (the service, 8090) and DATA_DIR (a fresh
# temporary folder by default) may be set.
set -euo pipefail
cd "$(dirname "$0")/.."

port=${PORT:-8080}
receipts_port=${RECEIPTS_PORT:-8090}
dir=${DATA_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/mohprompt-demo.XXXXXX")}
mkdir -p "$dir"

cargo build --quiet --features serve --bin mohprompt-privacy
token="$dir/office-token"
if [ ! -s "$token" ]; then
  (umask 077 && od -An -N24 -tx1 /dev/urandom | tr -d ' \n' >"$token")
fi

target/debug/mohprompt-privacy serve --db "sqlite://$dir/consent-receipts.db" \
  --listen "127.0.0.1:$receipts_port" \
  --allow-origin "http://127.0.0.1:$port" --allow-origin "http://localhost:$port" \
  --admin-token-file "$token" &
service=$!
trap 'kill "$service" 2>/dev/null || true; wait "$service" 2>/dev/null || true' EXIT
for _ in $(seq 50); do
  curl -fs "http://127.0.0.1:$receipts_port/" >/dev/null 2>&1 && break
  kill -0 "$service" 2>/dev/null || { echo "run: the receipts service did not start" >&2; exit 1; }
  sleep 0.1
done
echo "receipts service: http://127.0.0.1:$receipts_port/ (SQLite $dir/consent-receipts.db; the office's token in $token)"

PORT=$port DATA_DIR=$dir RECEIPTS_SERVICE="http://127.0.0.1:$receipts_port" node www/server.mjs
