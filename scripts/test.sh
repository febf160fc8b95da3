#!/usr/bin/env bash
# Runs every test, cheapest and most likely to fail first.
set -euo pipefail
cd "$(dirname "$0")/.."
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "format"
cargo fmt --check

step "lints (host and wasm32)"
# --features serve: the command-line tool (src/bin/mohprompt-privacy/, `serve` implies `cli`) with
# the receipts service, and their tests too.
cargo clippy --all-targets --features serve -- -D warnings
# Each wasm entry point on its own (the full module, the default; the banner module), and the
# wasm tests, which run against the full module.
cargo clippy --target wasm32-unknown-unknown -- -D warnings
cargo clippy --target wasm32-unknown-unknown --no-default-features --features banner -- -D warnings
cargo clippy --all-targets --target wasm32-unknown-unknown -- -D warnings

step "native unit tests (with the command-line tool and the receipts service, on SQLite and PostgreSQL)"
# A PostgreSQL cluster of their own in a temporary folder, on a unix socket, stopped after.
scripts/with-postgres.sh cargo test --features serve

step "docs without warnings (host and wasm32)"
RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --quiet
RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --quiet --target wasm32-unknown-unknown --features banner

step "build pkg/ and hold the size budgets (what the banner needs, the full module)"
scripts/build.sh
node scripts/check-size.mjs

step "normalizeThaiPhone against libphonenumber's Thai metadata (Node, pkg/)"
node --test tests/node/

step "the package as users install it: npm pack, Vite, webpack, esbuild, a plain page, Node, strict tsc"
node --test tests/consumers/consumers.test.mjs

step "DOM tests in headless Chromium (wasm-bindgen-test)"
CHROMEDRIVER=/usr/bin/chromedriver WASM_BINDGEN_TEST_TIMEOUT=120 \
  cargo test --target wasm32-unknown-unknown --test web

step "DOM tests in headless Firefox ESR (wasm-bindgen-test)"
scripts/test-firefox.sh

step "smoke test in WebKit (WebKitGTK MiniBrowser)"
scripts/test-webkit.sh

step "fuzzing: every cargo-fuzz target for 20 s from its seed corpus"
cargo fmt --manifest-path fuzz/Cargo.toml --check
scripts/fuzz.sh 20

step "end-to-end tests of the demo in headless Chromium"
node --test --test-concurrency=1 tests/e2e/
