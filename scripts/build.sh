#!/usr/bin/env bash
# Builds pkg/: the banner module's and the full module's wasm and JS glue
# (wasm-bindgen --target web), shrunk with wasm-opt -Oz, the package's entry
# script over both, the stylesheet, package.json from pkg.json, the README and
# the licences; checks the file list of the npm tarball.
# Prints the raw and gzip bytes of what a page loads.
set -euo pipefail
cd "$(dirname "$0")/.."

# Two entry points from one crate, each its own wasm: the banner module
# (feature `banner`, src/banner_module/), which pages load first, and the full
# module (feature `full`, the default, src/web/), loaded after the banner.
# Same target folder: cargo keeps both builds of the crate apart by features.
release=target/wasm32-unknown-unknown/release
cargo build --release --target wasm32-unknown-unknown --no-default-features --features banner
cp "$release/mohprompt_privacy.wasm" "$release/mohprompt_privacy_banner.wasm"
cargo build --release --target wasm32-unknown-unknown
rm -rf pkg
wasm-bindgen --target web --no-typescript --out-dir pkg --out-name mohprompt_privacy_banner \
  "$release/mohprompt_privacy_banner.wasm"
wasm-bindgen --target web --out-dir pkg --out-name mohprompt_privacy_full \
  "$release/mohprompt_privacy.wasm"
# The full module's wasm keeps the name it always had (the public contract's).
mv pkg/mohprompt_privacy_full_bg.wasm pkg/mohprompt_privacy_bg.wasm
# An Error that says to call init() first, and typings a strict tsc accepts.
node scripts/glue.mjs pkg/mohprompt_privacy_banner.js
node scripts/glue.mjs pkg/mohprompt_privacy_full.js pkg/mohprompt_privacy_full.d.ts mohprompt_privacy_bg.wasm

# wasm-bindgen drops the target-features section, so name the features rustc
# uses by default for wasm32; wasm-opt then strips names and producers. The
# module's memory is its own, so it starts zeroed, and its first kilobyte is
# never addressed (the stack starts at 1 MiB and grows down): wasm-opt may use
# both facts (half a kilobyte gzip).
for wasm in pkg/mohprompt_privacy_banner_bg.wasm pkg/mohprompt_privacy_bg.wasm; do
  node_modules/.bin/wasm-opt -Oz --converge --strip-debug --strip-producers \
    --zero-filled-memory --low-memory-unused \
    --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-mutable-globals --enable-reference-types --enable-multivalue \
    "$wasm" -o "$wasm"
done

# The glues import the crate's JS snippets (src/web/seal.js, src/page/policy_value.js)
# from pkg/snippets/: bundle them in, so each module is still one script and one wasm
# (the banner glue's with the entry, below).
node_modules/.bin/esbuild pkg/mohprompt_privacy_full.js --bundle --format=esm --log-level=warning \
  --outfile=pkg/mohprompt_privacy_full.js --allow-overwrite

# The glues are read by browsers, not people: minify them (export names and
# the wasm import names are kept), then give the wasm's imports and exports
# short names in both the wasm and its glue.
# The functions they define are called, never constructed and never bound to
# `this` (wasm-bindgen's import shims, the classes' methods), so they may be
# written as arrows and method shorthand (terser's unsafe_arrows and
# unsafe_methods), which browsers of ES2020 read.
terse=(--module --ecma 2020 --compress passes=2,unsafe_arrows=true,unsafe_methods=true --mangle)
for js in pkg/mohprompt_privacy_banner.js pkg/mohprompt_privacy_full.js; do
  node_modules/.bin/terser "$js" "${terse[@]}" -o "$js"
done
node scripts/minify-names.mjs pkg/mohprompt_privacy_banner_bg.wasm pkg/mohprompt_privacy_banner.js
node scripts/minify-names.mjs pkg/mohprompt_privacy_bg.wasm pkg/mohprompt_privacy_full.js

# The package's entry script (src/entry/) with the banner module's glue bundled
# into it: one script on the page's critical path (each request is at least a
# round trip on a phone network). The full module's glue stays a file of its
# own, which that script imports when the full module is wanted; the "node"
# entry is the same script importing it at once, so initSync stays synchronous.
# Each glue still finds its wasm next to it (`new URL(…, import.meta.url)`).
# Its typings: the full glue's, with what the entry adds.
cp src/entry/mohprompt_privacy.js pkg/entry.js
for target in browser node; do
  cp "src/entry/full-glue.$target.js" pkg/full-glue.js
  out=pkg/mohprompt_privacy.js
  [ "$target" = node ] && out=pkg/mohprompt_privacy_node.js
  node_modules/.bin/esbuild pkg/entry.js --bundle --format=esm --log-level=warning \
    --external:./mohprompt_privacy_full.js --outfile="$out"
  # Minified again as one script (export names kept; the .d.ts describes them).
  node_modules/.bin/terser "$out" "${terse[@]}" -o "$out"
done
rm -r pkg/entry.js pkg/full-glue.js pkg/mohprompt_privacy_banner.js pkg/snippets
# Nearly every function of the banner's script runs as soon as its module does
# (the imports the wasm calls at start): V8's explicit compile hint has Chromium
# compile them all at once while the script loads, rather than one by one on the
# main thread at their first call. Other engines read a comment.
{ echo '//# allFunctionsCalledOnLoad'; cat pkg/mohprompt_privacy.js; } > pkg/hinted.js
mv pkg/hinted.js pkg/mohprompt_privacy.js
node scripts/entry-types.mjs pkg/mohprompt_privacy_full.d.ts src/entry/mohprompt_privacy.d.ts \
  > pkg/mohprompt_privacy.d.ts
rm pkg/mohprompt_privacy_full.d.ts

# The raw wasm's own typings name the long exports; the glue is the interface.
rm -f pkg/*_bg.wasm.d.ts

# Comments and indentation are for readers of style/privacy.css, not for phones.
node -e '
  const fs = require("fs");
  const css = fs.readFileSync("style/privacy.css", "utf8")
    .replace(/\/\*[\s\S]*?\*\//g, "").replace(/\s+/g, " ")
    .replace(/\s*([{}:;,>])\s*/g, "$1").replace(/;}/g, "}").trim();
  fs.writeFileSync("pkg/privacy.css", css + "\n");
  const manifest = JSON.parse(fs.readFileSync("pkg.json", "utf8"));
  fs.writeFileSync("pkg/package.json", JSON.stringify(manifest, null, 2) + "\n");
'
rm -f pkg/.gitignore
# What npm shows on the package's page, and the two licences (MIT OR Apache-2.0).
cp README.md LICENSE-MIT LICENSE-APACHE pkg/

# The tarball holds exactly these files: a file missing from pkg.json's "files"
# (or a stray one, such as the snippets folder) stops the build here, not an app.
node scripts/check-pack.mjs pkg \
  LICENSE-APACHE LICENSE-MIT README.md mohprompt_privacy.d.ts mohprompt_privacy.js \
  mohprompt_privacy_banner_bg.wasm mohprompt_privacy_bg.wasm mohprompt_privacy_full.js \
  mohprompt_privacy_node.js package.json privacy.css

node scripts/sizes.mjs

# The LIFF mini-app page's script, bundled with the LINE SDK (not part of pkg/).
scripts/build-liff.sh
