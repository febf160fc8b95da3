#!/usr/bin/env bash
# Runs the wasm-bindgen-test DOM tests (tests/web.rs) in headless Firefox ESR
# through geckodriver; `scripts/setup.sh test` installs both. Arguments go to
# `cargo test`, e.g. `scripts/test-firefox.sh closing_the_banner` runs one test.
# The runner always starts Firefox with -headless (no display needed, fine as
# root) and a fresh profile, and reads moz:firefoxOptions from webdriver.json.
# There, services.settings.server points Firefox's Remote Settings at a dummy,
# so it does not look up Mozilla's servers on this closed network. Release
# builds obey that pref only with MOZ_REMOTE_SETTINGS_DEVTOOLS=1 in Firefox's
# environment, and geckodriver ignores moz:firefoxOptions.env for a local
# Firefox, so the variable is set here and passed down through geckodriver.
set -euo pipefail
cd "$(dirname "$0")/.."

geckodriver=$(command -v geckodriver) || {
  echo "test-firefox: geckodriver not found (scripts/setup.sh test installs it)" >&2
  exit 1
}
# GECKODRIVER wins over CHROMEDRIVER in the runner, but a *_REMOTE driver
# address would win over both.
unset CHROMEDRIVER_REMOTE MSEDGEDRIVER_REMOTE SAFARIDRIVER_REMOTE

GECKODRIVER="$geckodriver" MOZ_REMOTE_SETTINGS_DEVTOOLS=1 WASM_BINDGEN_TEST_TIMEOUT=120 \
  cargo test --target wasm32-unknown-unknown --test web "$@"
