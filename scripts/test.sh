#!/usr/bin/env bash
# The whole test suite: lint, migrations, pytest on SQLite, then again on
# PostgreSQL + Redis when they are reachable (required when CI=true).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/bootstrap.sh dev
PY=.venv/bin/python
PG_URL=${CONSULT_PG_URL:-postgresql://postgres@127.0.0.1:5432}
REDIS_URL_TEST=${CONSULT_REDIS_URL:-redis://127.0.0.1:6379/15}
export FLASK_APP=wsgi
failures=()

section() { printf '\n=== %s ===\n' "$*"; }

ensure_chromium() {
  # Debian's headless shell (chromium-headless-shell) does the journeys with about a third
  # less CPU than the whole browser (chromium), which is used when the shell cannot be had.
  command -v chromium-headless-shell >/dev/null && return 0
  if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
    section "Installation de Chromium (paquets Debian)"
    apt-get update -qq || true
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium-headless-shell >/dev/null ||
      command -v chromium >/dev/null ||
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null || true
  fi
  command -v chromium-headless-shell >/dev/null || command -v chromium >/dev/null ||
    echo "ATTENTION : Chromium absent, parcours navigateur ignorés."
}

services_up() {
  pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null && redis-cli -h 127.0.0.1 ping >/dev/null 2>&1
}

start_services() {
  # The commands this machine kind documents to (re)start its services.
  if command -v pg_ctlcluster >/dev/null && ! pg_isready -q -h 127.0.0.1 2>/dev/null; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
  fi
  if command -v redis-server >/dev/null && ! redis-cli -h 127.0.0.1 ping >/dev/null 2>&1; then
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no || true
  fi
  sleep 1
}

recreate_db() {  # $1 = database name
  $PY - "$PG_URL" "$1" <<'PYEOF'
import sys, psycopg
url, name = sys.argv[1], sys.argv[2]
with psycopg.connect(url + "/postgres", autocommit=True) as conn:
    conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    conn.execute(f'CREATE DATABASE "{name}"')
PYEOF
}

migration_check() {  # $1 = label; DATABASE_URL set by caller
  section "Migrations ($1) : flask db upgrade puis flask db check"
  CONSULT_CONFIG=config.DevelopmentConfig .venv/bin/flask db upgrade >/dev/null
  CONSULT_CONFIG=config.DevelopmentConfig .venv/bin/flask db check
}

section "Lint (ruff)"
.venv/bin/ruff check . || failures+=("ruff check")
.venv/bin/ruff format --check . || failures+=("ruff format")

section "Couches (import-linter : pas d'import vers un domaine plus haut)"
PYTHONPATH=. .venv/bin/lint-imports || failures+=("couches")

ensure_chromium
tmp=$(mktemp -d)
pg_pid=""
# On any exit: stop the PostgreSQL half if it still runs, remove the temporary folder.
# (A failing `kill` must not become the script's status: `set -e` applies in traps.)
trap 'if [[ -n $pg_pid ]]; then kill "$pg_pid" 2>/dev/null || true; fi; rm -rf "$tmp"' EXIT

DATABASE_URL="sqlite:///$tmp/migrations.db" migration_check SQLite || failures+=("migrations SQLite")

run_sqlite() {
  # Each half has its own temporary folder: two pytest runs cleaning the shared
  # /tmp/pytest-of-<user> at once can fail on each other's files.
  CONSULT_INSTANCE_DIR="$tmp/instance" $PY -m pytest --durations=10 --basetemp="$tmp/pytest-sqlite" "$@"
}

run_postgres() {
  redis-cli -u "$REDIS_URL_TEST" flushdb >/dev/null
  # The tests that touch no database ran in the SQLite half: not twice.
  CONSULT_INSTANCE_DIR="$tmp/instance-pg" CONSULT_TEST_DATABASE_URL="$PG_URL/consult_test" \
    CONSULT_TEST_REDIS_URL="$REDIS_URL_TEST" CONSULT_TEST_SKIP_DATABASE_FREE=1 \
    $PY -m pytest --durations=10 --basetemp="$tmp/pytest-postgres" "$@"
}

if ! services_up; then start_services; fi
if services_up; then
  recreate_db consult_migcheck && DATABASE_URL="$PG_URL/consult_migcheck" \
    migration_check PostgreSQL || failures+=("migrations PostgreSQL")
  recreate_db consult_test
  if [[ ${CONSULT_TEST_SERIAL:-} == 1 ]]; then
    section "Tests sur SQLite (tâches en ligne, sans Redis)"
    run_sqlite "$@" || failures+=("pytest SQLite")
    section "Tests sur PostgreSQL + Redis"
    run_postgres "$@" || failures+=("pytest PostgreSQL")
  else
    # The two runs are independent (own database, instance folder, free ports): run them side
    # by side, one per core. SQLite is shown as it goes; PostgreSQL's report follows it.
    section "Tests sur SQLite (tâches en ligne, sans Redis) et, en parallèle, sur PostgreSQL + Redis"
    echo "(CONSULT_TEST_SERIAL=1 pour les lancer l'un après l'autre)"
    run_postgres "$@" >"$tmp/pytest-postgres.log" 2>&1 &
    pg_pid=$!
    run_sqlite "$@" || failures+=("pytest SQLite")
    pg_status=0
    wait "$pg_pid" || pg_status=$?
    pg_pid=""  # finished: nothing to stop on exit
    section "Tests sur PostgreSQL + Redis (rapport)"
    cat "$tmp/pytest-postgres.log"
    ((pg_status == 0)) || failures+=("pytest PostgreSQL")
  fi
else
  section "Tests sur SQLite (tâches en ligne, sans Redis)"
  run_sqlite "$@" || failures+=("pytest SQLite")
  if [[ ${CI:-} == true ]]; then
    failures+=("PostgreSQL ou Redis injoignable sous CI")
  else
    echo "IGNORÉ : PostgreSQL ou Redis injoignable sur 127.0.0.1, tests PostgreSQL + Redis non lancés."
  fi
fi

section "Bilan"
if ((${#failures[@]})); then
  printf 'ÉCHEC : %s\n' "${failures[@]}"
  exit 1
fi
echo "Tout est vert."
