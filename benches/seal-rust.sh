#!/usr/bin/env bash
# What a pure-Rust HPKE seal (RFC 9180 base mode, P-256 / HKDF-SHA256 /
# AES-128-GCM) adds to the page, in bytes, to weigh against WebCrypto.
# Builds benches/seal-rust/ twice, with `baseline` (the same export returning
# its input) and with HPKE, each as scripts/build.sh builds pkg/: wasm-bindgen
# --target web, the same wasm-opt and terser (not minify-names, which shortens
# both alike). Prints raw and gzip -9 bytes of wasm and glue, the delta, and
# last a JSON line. Builds in target/seal-rust, never the main crate's target.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$SECONDS

want="wasm-bindgen 0.2.130"   # the crate pinned in benches/seal-rust/Cargo.toml
if [ "$(wasm-bindgen --version 2>/dev/null)" != "$want" ]; then
  echo "seal-rust: needs $want (scripts/setup.sh installs it)" >&2
  exit 1
fi

dir=target/seal-rust
for variant in baseline hpke; do
  features=()
  [ "$variant" = baseline ] && features=(--no-default-features --features baseline)
  cargo build --quiet --locked --release --target wasm32-unknown-unknown \
    --manifest-path benches/seal-rust/Cargo.toml --target-dir "$dir" "${features[@]}"
  out=$dir/pkg-$variant
  rm -rf "$out"
  wasm-bindgen --target web --out-dir "$out" --out-name seal_rust \
    "$dir/wasm32-unknown-unknown/release/seal_rust.wasm"
  # getrandom 0.2 has no backend here (see the crate's Cargo.toml): a call to
  # it would be an import that no page provides.
  if grep -q 'from "env"' "$out/seal_rust.js"; then
    echo "seal-rust: the $variant module imports from \"env\"" >&2
    exit 1
  fi
  # Exactly as scripts/build.sh.
  node_modules/.bin/wasm-opt -Oz --converge --strip-debug --strip-producers \
    --zero-filled-memory --low-memory-unused \
    --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-mutable-globals --enable-reference-types --enable-multivalue \
    "$out/seal_rust_bg.wasm" -o "$out/seal_rust_bg.wasm"
  node_modules/.bin/terser "$out/seal_rust.js" --module --compress passes=2 --mangle \
    -o "$out/seal_rust.js"
done

# gzip at level 9 through node's zlib, as scripts/sizes.mjs counts pkg/.
node - "$dir" "$((SECONDS - start))" <<'JS'
const { readFileSync } = require('fs');
const { gzipSync } = require('zlib');
const [dir, seconds] = process.argv.slice(2);
const size = (variant, file) => {
  const bytes = readFileSync(`${dir}/pkg-${variant}/${file}`);
  return { raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
};
const files = ['seal_rust_bg.wasm', 'seal_rust.js'];
const row = (...cells) => cells.map((c, i) => String(c)[i ? 'padStart' : 'padEnd'](i ? 9 : 20)).join('');
const totals = {};
console.log(row('', 'raw B', 'gzip B'));
for (const variant of ['baseline', 'hpke']) {
  totals[variant] = { raw: 0, gzip: 0 };
  for (const file of files) {
    const s = size(variant, file);
    totals[variant].raw += s.raw;
    totals[variant].gzip += s.gzip;
    console.log(row(`${variant} ${file.endsWith('.js') ? 'glue' : 'wasm'}`, s.raw, s.gzip));
  }
  console.log(row(`${variant} total`, totals[variant].raw, totals[variant].gzip));
}
const raw = totals.hpke.raw - totals.baseline.raw;
const gzip = totals.hpke.gzip - totals.baseline.gzip;
console.log(row('HPKE adds', raw, gzip));
console.log(`(built and measured in ${seconds} s)`);
console.log(JSON.stringify({ rust_hpke_added_gzip: gzip, rust_hpke_added_raw: raw }));
JS
