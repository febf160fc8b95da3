#!/usr/bin/env bash
# Bundles the LIFF mini-app page's script (www/liff/app.js) with the parts of the LINE LIFF SDK
# it uses into www/liff/dist/app.js. LINE's mock plugin, imported only with ?mock=1, becomes a
# chunk of its own that real visitors never load. The privacy module (/pkg/…) and the pages'
# shared helpers (/banner-space.js, /privacy-start.js) stay outside: the page loads the same
# files as the web page does.
# The bundle runs under the demo's strict CSP (no eval, no inline code). Prints the raw and
# gzip bytes of each file.
set -euo pipefail
cd "$(dirname "$0")/.."

rm -rf www/liff/dist
node_modules/.bin/esbuild www/liff/app.js \
  --bundle --splitting --format=esm --minify --target=es2020 \
  --external:/pkg/* --external:/banner-space.js --external:/privacy-start.js \
  --define:process.env.NODE_ENV='"production"' \
  --legal-comments=none --log-level=warning \
  --outdir=www/liff/dist

node -e '
  const { readFileSync, readdirSync } = require("node:fs");
  const { gzipSync } = require("node:zlib");
  const row = (name, raw, gzip) => `${name.padEnd(28)}${String(raw).padStart(9)}${String(gzip).padStart(9)}`;
  console.log(row("www/liff/dist/", "raw B", "gzip B"));
  for (const name of readdirSync("www/liff/dist").sort()) {
    const bytes = readFileSync(`www/liff/dist/${name}`);
    console.log(row(name, bytes.length, gzipSync(bytes, { level: 9 }).length));
  }
'
