#!/usr/bin/env bash
# Installs what the build (and, with `test`, the tests) need, skipping what
# is already there. Safe to run again and again; `make` runs it first.
#   scripts/setup.sh build   wasm32 target, wasm-bindgen CLI, npm packages
#   scripts/setup.sh test    the above, plus Chromium, Firefox ESR, WebKitGTK (with Xvfb) and
#                            their drivers, cargo-fuzz, the consumer tests' npm packages, and
#                            PostgreSQL (the receipts service's tests run a cluster of their own)
set -euo pipefail
cd "$(dirname "$0")/.."

WASM_BINDGEN_VERSION=0.2.130   # must equal the wasm-bindgen crate pinned in Cargo.toml
need=${1:-build}
say() { printf '\033[1msetup:\033[0m %s\n' "$*"; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $WASM_BINDGEN_VERSION" ]; then
  say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (a few minutes)"
  # No --locked: a version in its lock file is missing from the registry here.
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
fi

# npm ci runs when node_modules was not installed from this very lock file.
if ! cmp -s package-lock.json node_modules/.installed-from-lock 2>/dev/null; then
  say "installing npm packages"
  npm ci --no-audit --no-fund
  cp package-lock.json node_modules/.installed-from-lock
fi

if [ "$need" = test ]; then
  # The consumer tests' own build tools (Vite, webpack, esbuild, TypeScript), pinned by their
  # own lock file, the same way: npm ci when node_modules was not installed from that lock.
  if ! cmp -s tests/consumers/package-lock.json tests/consumers/node_modules/.installed-from-lock 2>/dev/null; then
    say "installing the consumer tests' npm packages (tests/consumers/)"
    (cd tests/consumers && npm ci --no-audit --no-fund)
    cp tests/consumers/package-lock.json tests/consumers/node_modules/.installed-from-lock
  fi
  # The fuzz targets build with the nightly toolchain (installed on these machines).
  if ! cargo +nightly --version >/dev/null 2>&1; then
    echo "setup: the fuzz targets need the nightly toolchain (rustup toolchain install nightly)" >&2
    exit 1
  fi
  if ! command -v cargo-fuzz >/dev/null; then
    say "installing cargo-fuzz (a few minutes)"
    cargo install cargo-fuzz
  fi
  # Firefox's WebDriver is not a Debian package here; crates.io has it.
  if ! command -v geckodriver >/dev/null; then
    say "installing geckodriver (a few minutes)"
    cargo install geckodriver --version 0.37.1 --locked
  fi

  missing=()
  command -v chromium >/dev/null || missing+=(chromium)
  command -v chromedriver >/dev/null || missing+=(chromium-driver)
  command -v firefox-esr >/dev/null || missing+=(firefox-esr)
  # WebKit (LINE on iOS): WebKitGTK's MiniBrowser and its WebDriver, with a display for it.
  [ -x /usr/bin/WebKitWebDriver ] || missing+=(webkit2gtk-driver)
  command -v Xvfb >/dev/null || missing+=(xvfb)
  # Thai glyphs, so screenshots of the banner are readable. No pipe into `grep -q`: it exits at
  # the first line, fc-list then fails writing the rest, and under pipefail the font looked missing.
  [ -n "$(fc-list :lang=th 2>/dev/null)" ] || missing+=(fonts-thai-tlwg)
  # The receipts service on PostgreSQL: Debian's server (scripts/with-postgres.sh runs it).
  compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || missing+=(postgresql)
  if [ ${#missing[@]} -gt 0 ]; then
    say "installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
  fi
fi
