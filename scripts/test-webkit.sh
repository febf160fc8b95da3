#!/usr/bin/env bash
# Runs the WebKit smoke test (tests/webkit/smoke.test.mjs) in WebKitGTK's MiniBrowser through
# WebKitWebDriver; `scripts/setup.sh test` installs both, and Xvfb. WebKit is the engine of
# LINE's in-app browser on iOS, and Playwright cannot drive WebKitGTK, so the test speaks plain
# W3C WebDriver to the driver this script starts. MiniBrowser needs an X display even when driven:
# without DISPLAY a private Xvfb is started on a display number it picks itself (-displayfd).
# The driver gets a free port and its own process group, so the browsers it starts are stopped
# with it; both are stopped when this script exits, pass or fail. Arguments go to `node --test`,
# e.g. `scripts/test-webkit.sh --test-name-pattern=purpose`.
set -euo pipefail
cd "$(dirname "$0")/.."

driver=${WEBKIT_WEBDRIVER:-/usr/bin/WebKitWebDriver}
export MINIBROWSER=${MINIBROWSER:-/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser}
for bin in "$driver" "$MINIBROWSER"; do
  [ -x "$bin" ] || { echo "test-webkit: $bin not found (scripts/setup.sh test installs webkit2gtk-driver)" >&2; exit 1; }
done

work=$(mktemp -d)
xvfb_pid= driver_pid=
cleanup() {
  if [ -n "$driver_pid" ]; then kill -- "-$driver_pid" 2>/dev/null || true; wait "$driver_pid" 2>/dev/null || true; fi
  if [ -n "$xvfb_pid" ]; then kill "$xvfb_pid" 2>/dev/null || true; wait "$xvfb_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Waits up to 10 s for a command to succeed; fails naming what it waited for.
wait_for() {
  local what=$1; shift
  for _ in $(seq 100); do "$@" && return 0; sleep 0.1; done
  echo "test-webkit: $what did not come up within 10 s" >&2
  return 1
}

if [ -z "${DISPLAY:-}" ]; then
  command -v Xvfb >/dev/null || { echo "test-webkit: Xvfb not found (scripts/setup.sh test installs xvfb)" >&2; exit 1; }
  Xvfb -displayfd 3 -screen 0 1280x1024x24 -nolisten tcp 3>"$work/display" 2>"$work/xvfb.log" &
  xvfb_pid=$!
  wait_for Xvfb test -s "$work/display" || { cat "$work/xvfb.log" >&2; exit 1; }
  export DISPLAY=":$(cat "$work/display")"
fi

port=$(node -e "const s = require('node:net').createServer().listen(0, '127.0.0.1', () => { console.log(s.address().port); s.close(); })")
export WEBKIT_DRIVER_LOG="$work/driver.log"
# setsid: the driver leads its own process group (MiniBrowser and WebKit's helper processes join
# it), which the cleanup stops as a whole.
setsid "$driver" --host=127.0.0.1 --port="$port" >"$WEBKIT_DRIVER_LOG" 2>&1 &
driver_pid=$!
export WEBKIT_WEBDRIVER_URL="http://127.0.0.1:$port"
driver_up() { node -e 'fetch(process.argv[1]).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))' "$WEBKIT_WEBDRIVER_URL/status"; }
wait_for WebKitWebDriver driver_up || { cat "$WEBKIT_DRIVER_LOG" >&2; exit 1; }

echo "test-webkit: WebKitWebDriver on port $port, DISPLAY $DISPLAY"
node --test --test-concurrency=1 "$@" tests/webkit/
