#!/usr/bin/env bash
# Runs a command beside a PostgreSQL cluster of its own: made in a temporary folder, listening on
# a unix socket there only (no TCP port), stopped and removed afterwards whatever the command did.
# The command sees MOHPROMPT_TEST_POSTGRES (the cluster's URL, database `postgres`, superuser
# `mp`) and MOHPROMPT_REQUIRE_POSTGRES=1, so the PostgreSQL tests run instead of skipping.
#   scripts/with-postgres.sh cargo test --features serve --test serve
# Debian's `postgresql` provides the server (scripts/setup.sh test installs it). As root, initdb
# refuses to run, so the cluster runs as the `postgres` user.
set -euo pipefail

bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
  echo "with-postgres: no PostgreSQL server in /usr/lib/postgresql (scripts/setup.sh test installs Debian's postgresql)" >&2
  exit 1
fi
as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
if [ "$(id -u)" = 0 ] && ! id postgres >/dev/null 2>&1; then
  echo "with-postgres: running as root, and there is no postgres user to run the cluster as" >&2
  exit 1
fi

dir=$(mktemp -d "${TMPDIR:-/tmp}/mohprompt-pg.XXXXXX")
[ "$(id -u)" = 0 ] && chown postgres "$dir"
stop() {
  as_owner "$bin/pg_ctl" -D "$dir/data" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap stop EXIT

if ! as_owner "$bin/initdb" -D "$dir/data" -A trust -U mp >"$dir/initdb.log" 2>&1; then
  echo "with-postgres: initdb failed:" >&2
  cat "$dir/initdb.log" >&2
  exit 1
fi
if ! as_owner "$bin/pg_ctl" -D "$dir/data" -w -l "$dir/server.log" \
  -o "-k $dir -c listen_addresses='' -c max_connections=200" start >/dev/null; then
  echo "with-postgres: the server did not start:" >&2
  cat "$dir/server.log" >&2
  exit 1
fi

export MOHPROMPT_TEST_POSTGRES="postgres://mp@localhost/postgres?host=$dir"
export MOHPROMPT_REQUIRE_POSTGRES=1
"$@"
