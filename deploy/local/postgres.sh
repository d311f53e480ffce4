#!/usr/bin/env bash
# Local PostgreSQL for kirim without Docker.
#
#   postgres.sh ensure   use the server on DATABASE_HOST:DATABASE_PORT if it answers; otherwise init and
#                        start a project-local cluster in $KIRIM_HOME/pgdata; then create each service's
#                        role and the database it alone owns (deploy/postgres/service-database.sql),
#                        the role's password made once under $KIRIM_HOME/keys/postgres/. A service
#                        database another checkout made (its rows encrypted under that checkout's
#                        .local/keys, which this one does not have) is dropped and made afresh.
#   postgres.sh stop     stop the project-local cluster (never a server this script did not start)
#   postgres.sh status   exit 0 if a server answers on DATABASE_HOST:DATABASE_PORT
#   postgres.sh server-stop|server-start   take the answering server down and up (resilience tests only)
#
# Environment: DATABASE_HOST (127.0.0.1), DATABASE_PORT (5432), DATABASE_USER (postgres), KIRIM_HOME (<repo>/.local).
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"
KIRIM_HOME="${KIRIM_HOME:-$REPO_ROOT/.local}"
DATABASE_HOST="${DATABASE_HOST:-127.0.0.1}"
DATABASE_PORT="${DATABASE_PORT:-5432}"
DATABASE_USER="${DATABASE_USER:-postgres}"
PGDATA_DIR="$KIRIM_HOME/pgdata"
PG_LOG="$KIRIM_HOME/pg.log"

# One role per service, owning only its database (docs/data-at-rest.md, "Database roles"); the
# services connect as their role (scripts/lib.sh database_url). kirim_test is the integration tests'
# scratch database, used as DATABASE_USER like the per-file databases the test harness creates.
SERVICE_DATABASES=(kirim_identity kirim_payments kirim_bank_connector kirim_notifications kirim_example_partner)
DATABASES=(kirim_test)
PASSWORD_DIR="$KIRIM_HOME/keys/postgres"
# Which checkout's keys the service databases' rows are encrypted under: a random id made with the
# keys, written as each database's comment. Rows written under keys this checkout does not have
# cannot be read by its services (docs/data-at-rest.md), so such a database is not reused.
STACK_ID_FILE="$KIRIM_HOME/keys/postgres/stack-id"

log() { echo "[postgres] $*" >&2; }
die() { log "error: $*"; exit 1; }

# Server binaries (initdb, pg_ctl) are often not on PATH on Debian; pg_config names their folder.
find_bin() {
  local name="$1"
  if command -v "$name" >/dev/null 2>&1; then command -v "$name"; return 0; fi
  if command -v pg_config >/dev/null 2>&1 && [[ -x "$(pg_config --bindir)/$name" ]]; then
    echo "$(pg_config --bindir)/$name"; return 0
  fi
  local candidate
  for candidate in /usr/lib/postgresql/*/bin/"$name"; do
    [[ -x "$candidate" ]] && { echo "$candidate"; return 0; }
  done
  return 1
}

# initdb and postgres refuse to run as root; as root, run them as the `postgres` OS user.
as_pg() {
  if [[ "$EUID" -eq 0 ]]; then
    id postgres >/dev/null 2>&1 || die "running as root and there is no 'postgres' OS user to run the server as"
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

answers() { pg_isready -q -h "$DATABASE_HOST" -p "$DATABASE_PORT" -U "$DATABASE_USER" -t 2 >/dev/null 2>&1; }

local_running() {
  local pg_ctl
  pg_ctl="$(find_bin pg_ctl)" || return 1
  [[ -f "$PGDATA_DIR/PG_VERSION" ]] && as_pg "$pg_ctl" -D "$PGDATA_DIR" status >/dev/null 2>&1
}

start_local() {
  local initdb pg_ctl
  initdb="$(find_bin initdb)" || die "no server on $DATABASE_HOST:$DATABASE_PORT and no initdb to start one (install postgresql, or use docker compose)"
  pg_ctl="$(find_bin pg_ctl)" || die "pg_ctl not found"
  mkdir -p "$KIRIM_HOME" "$PGDATA_DIR"
  if [[ "$EUID" -eq 0 ]]; then
    chown postgres "$PGDATA_DIR"; chmod 700 "$PGDATA_DIR"
    touch "$PG_LOG"; chown postgres "$PG_LOG"
  fi
  if [[ ! -f "$PGDATA_DIR/PG_VERSION" ]]; then
    log "initialising a project-local cluster in $PGDATA_DIR"
    as_pg "$initdb" -D "$PGDATA_DIR" -U "$DATABASE_USER" --auth=trust -E UTF8 --locale=C.UTF-8 >"$KIRIM_HOME/initdb.log" 2>&1 \
      || as_pg "$initdb" -D "$PGDATA_DIR" -U "$DATABASE_USER" --auth=trust -E UTF8 --no-locale >"$KIRIM_HOME/initdb.log" 2>&1 \
      || { tail -n 20 "$KIRIM_HOME/initdb.log" >&2; die "initdb failed"; }
  fi
  log "starting the project-local cluster on $DATABASE_HOST:$DATABASE_PORT"
  # Socket in the data dir: /var/run/postgresql may not be writable for this user.
  as_pg "$pg_ctl" -D "$PGDATA_DIR" -l "$PG_LOG" -w -t 60 \
    -o "-c listen_addresses=$DATABASE_HOST -p $DATABASE_PORT -k $PGDATA_DIR" start >/dev/null \
    || { tail -n 20 "$PG_LOG" >&2; die "pg_ctl start failed"; }
  local deadline=$((SECONDS + 30))
  until answers; do
    ((SECONDS < deadline)) || die "the project-local cluster did not answer on $DATABASE_HOST:$DATABASE_PORT"
    sleep 0.5
  done
}

create_databases() {
  local db
  for db in "${DATABASES[@]}"; do
    if [[ "$(psql -h "$DATABASE_HOST" -p "$DATABASE_PORT" -U "$DATABASE_USER" -d postgres -tAq -v ON_ERROR_STOP=1 \
      -c "SELECT 1 FROM pg_database WHERE datname = '$db'")" != 1 ]]; then
      psql -h "$DATABASE_HOST" -p "$DATABASE_PORT" -U "$DATABASE_USER" -d postgres -q -v ON_ERROR_STOP=1 \
        -c "CREATE DATABASE \"$db\"" >/dev/null
      log "created database $db"
    fi
  done
}

# The role of each service database, named as the database, with a password made once (hex: safe in a URL).
create_service_databases() {
  local db password_file
  mkdir -p "$PASSWORD_DIR"
  chmod 700 "$PASSWORD_DIR"
  [[ -s "$STACK_ID_FILE" ]] || (umask 077 && head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$STACK_ID_FILE")
  local owner owned_by
  owner="kirim local stack $(cat "$STACK_ID_FILE")"
  for db in "${SERVICE_DATABASES[@]}"; do
    owned_by="$(psql -h "$DATABASE_HOST" -p "$DATABASE_PORT" -U "$DATABASE_USER" -d postgres -tAq -v ON_ERROR_STOP=1 \
      -c "SELECT coalesce(shobj_description(oid, 'pg_database'), '-') FROM pg_database WHERE datname = '$db'")"
    if [[ -n "$owned_by" && "$owned_by" != "$owner" ]]; then
      # Never pull a database from under a running stack: another checkout's services are connected to it.
      if [[ "$(psql -h "$DATABASE_HOST" -p "$DATABASE_PORT" -U "$DATABASE_USER" -d postgres -tAq -v ON_ERROR_STOP=1 \
        -c "SELECT count(*) FROM pg_stat_activity WHERE datname = '$db'")" != 0 ]]; then
        die "database $db belongs to another checkout's stack, which is using it now: stop that stack first (scripts/stack.sh down in that checkout)"
      fi
      log "database $db was made by another checkout (its rows are under keys this one does not have): dropping it to make it afresh"
      psql -h "$DATABASE_HOST" -p "$DATABASE_PORT" -U "$DATABASE_USER" -d postgres -q -v ON_ERROR_STOP=1 \
        -c "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" >/dev/null
    fi
    password_file="$PASSWORD_DIR/$db.password"
    if [[ ! -s "$password_file" ]]; then
      (umask 077 && head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$password_file")
    fi
    # The password travels in the environment, never in psql's arguments.
    KIRIM_SERVICE_DB_PASSWORD="$(cat "$password_file")" psql -h "$DATABASE_HOST" -p "$DATABASE_PORT" -U "$DATABASE_USER" -d postgres \
      -X -q -v ON_ERROR_STOP=1 -v "database=$db" -v "role=$db" -f "$REPO_ROOT/deploy/postgres/service-database.sql" >/dev/null \
      || die "could not set up the role and database $db"
    psql -h "$DATABASE_HOST" -p "$DATABASE_PORT" -U "$DATABASE_USER" -d postgres -q -v ON_ERROR_STOP=1 \
      -c "COMMENT ON DATABASE \"$db\" IS '$owner'" >/dev/null
  done
}

cmd_ensure() {
  if answers; then
    log "server answers on $DATABASE_HOST:$DATABASE_PORT"
  else
    start_local
  fi
  create_databases
  create_service_databases
  log "databases ready, each owned by its service's role: ${SERVICE_DATABASES[*]}; and ${DATABASES[*]}"
}

cmd_stop() {
  if local_running; then
    as_pg "$(find_bin pg_ctl)" -D "$PGDATA_DIR" -m fast -w -t 30 stop >/dev/null
    log "stopped the project-local cluster"
  else
    log "no project-local cluster running (a server this script did not start is left alone)"
  fi
}

# The Debian cluster (pg_lsclusters) serving DATABASE_PORT, as "<version> <name>", if there is one.
debian_cluster() {
  command -v pg_lsclusters >/dev/null 2>&1 || return 1
  pg_lsclusters -h 2>/dev/null | awk -v port="$DATABASE_PORT" '$3 == port { print $1, $2; found = 1; exit } END { exit !found }'
}

# server-stop / server-start: take whichever server answers on DATABASE_PORT down and back up.
# Only the resilience tests use these, to prove the services ride out a database outage.
cmd_server_stop() {
  local cluster
  if local_running; then
    as_pg "$(find_bin pg_ctl)" -D "$PGDATA_DIR" -m fast -w -t 30 stop >/dev/null
  elif cluster="$(debian_cluster)"; then
    # shellcheck disable=SC2086
    pg_ctlcluster --skip-systemctl-redirect $cluster stop -m fast
  else
    die "cannot stop the server on $DATABASE_HOST:$DATABASE_PORT: neither a project-local cluster nor a Debian cluster"
  fi
  log "server on $DATABASE_PORT stopped"
}

cmd_server_start() {
  local cluster
  if [[ -f "$PGDATA_DIR/PG_VERSION" ]]; then
    start_local
  elif cluster="$(debian_cluster)"; then
    # shellcheck disable=SC2086
    pg_ctlcluster --skip-systemctl-redirect $cluster start
  else
    die "cannot start a server on $DATABASE_HOST:$DATABASE_PORT"
  fi
  local deadline=$((SECONDS + 30))
  until answers; do
    ((SECONDS < deadline)) || die "the server did not answer on $DATABASE_HOST:$DATABASE_PORT"
    sleep 0.5
  done
  log "server on $DATABASE_PORT answers again"
}

cmd_status() {
  if answers; then
    echo "postgres answers on $DATABASE_HOST:$DATABASE_PORT$(local_running && echo ' (project-local cluster)')"
    return 0
  fi
  echo "postgres not answering on $DATABASE_HOST:$DATABASE_PORT"
  return 1
}

case "${1:-}" in
  ensure) cmd_ensure ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  server-stop) cmd_server_stop ;;
  server-start) cmd_server_start ;;
  *) echo "usage: $0 ensure|stop|status|server-stop|server-start" >&2; exit 2 ;;
esac
