#!/usr/bin/env bash
# Starts the servers the integration tests need and exports their addresses.
# Sourced by scripts/test.sh before ctest (it also works when executed, for a
# manual start: `source scripts/start-services.sh`).
#
# PostgreSQL: a private cluster from the Debian packages (postgresql-15),
# initialised with initdb in $INFX_PG_DIR (default /tmp/infx-pg), listening
# on 127.0.0.1:$INFX_PG_PORT (default 55432) with trust auth for local
# connections only. As root the server runs as user postgres; as any other
# user it runs as that user. Idempotent: a running cluster is reused, the
# test role and database are created only when missing.
#
# Slurm: a single-node cluster, scripts/start-slurm.sh.
#
# Exports INFX_TEST_PG_URL=postgresql://infx_test@127.0.0.1:PORT/infx_test.
# On failure it prints why and leaves INFX_TEST_PG_URL unset (PostgreSQL
# tests then skip, or fail when CI=true) without aborting the caller.

infx_start_postgres() {
  local dir="${INFX_PG_DIR:-/tmp/infx-pg}"
  local port="${INFX_PG_PORT:-55432}"
  local bindir
  bindir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
  if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
    echo "start-services: PostgreSQL server binaries not found" \
         "(apt-get install postgresql)" >&2
    return 1
  fi

  local -a as_db=()
  if [ "$(id -u)" -eq 0 ]; then
    as_db=(runuser -u postgres --)
  fi
  mkdir -p "$dir" || return 1
  if [ "$(id -u)" -eq 0 ]; then chown postgres:postgres "$dir" || return 1; fi
  chmod 700 "$dir" || return 1

  if [ ! -f "$dir/data/PG_VERSION" ]; then
    echo "start-services: initdb $dir/data"
    "${as_db[@]}" "$bindir/initdb" -D "$dir/data" -U postgres \
      --auth=trust --encoding=UTF8 --locale=C >"$dir/initdb.log" 2>&1 || {
      echo "start-services: initdb failed, see $dir/initdb.log" >&2
      return 1
    }
  fi

  if ! "${as_db[@]}" "$bindir/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
    echo "start-services: starting PostgreSQL on 127.0.0.1:$port"
    "${as_db[@]}" "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
      -t 60 -o "-p $port -k $dir -c listen_addresses=127.0.0.1" start \
      >/dev/null || {
      echo "start-services: PostgreSQL did not start, see $dir/server.log" >&2
      return 1
    }
  fi

  local psql=("$bindir/psql" -X -q -h 127.0.0.1 -p "$port" -U postgres \
              -d postgres -v ON_ERROR_STOP=1 -tA)
  if [ "$("${psql[@]}" -c "SELECT 1 FROM pg_roles WHERE rolname = 'infx_test'")" != "1" ]; then
    "${psql[@]}" -c "CREATE ROLE infx_test LOGIN" || return 1
  fi
  if [ "$("${psql[@]}" -c "SELECT 1 FROM pg_database WHERE datname = 'infx_test'")" != "1" ]; then
    "${psql[@]}" -c "CREATE DATABASE infx_test OWNER infx_test" || return 1
  fi
  export INFX_TEST_PG_URL="postgresql://infx_test@127.0.0.1:$port/infx_test"
  echo "start-services: INFX_TEST_PG_URL=$INFX_TEST_PG_URL"
}

if ! infx_start_postgres; then
  echo "start-services: PostgreSQL unavailable; its tests will skip" \
       "(or fail when CI=true)" >&2
fi
unset -f infx_start_postgres
# Slurm (cluster-executor tests): exports INFX_TEST_SLURM=1 when up.
# shellcheck disable=SC1091
source "$(dirname "${BASH_SOURCE[0]}")/start-slurm.sh"
# When sourced, never leave a failing status behind for `set -e` callers.
true
