#!/usr/bin/env bash
# Creates the database role and a database if they do not exist yet (idempotent).
#   scripts/ensure_db.sh DBNAME [--fresh]
# --fresh drops DBNAME first (test databases only: every run starts from the migrations,
# so a test database left behind by older code cannot hide a migration that fails).
set -euo pipefail
DB_NAME=$1
FRESH=${2:-}
DB_HOST=${DB_HOST:-127.0.0.1}
DB_PORT=${DB_PORT:-5432}
DB_USER=${DB_USER:-govopen}
DB_PASSWORD=${DB_PASSWORD:-govopen}

# As the PostgreSQL superuser: over TCP where auth is trust (our machines), else over the
# local socket as the postgres OS user (peer auth, a fresh Debian install).
as_super() {
  if psql -h "$DB_HOST" -p "$DB_PORT" -U postgres -d postgres -tAc 'select 1' >/dev/null 2>&1; then
    psql -h "$DB_HOST" -p "$DB_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -tA "$@"
  else
    runuser -u postgres -- psql -p "$DB_PORT" -d postgres -v ON_ERROR_STOP=1 -tA "$@"
  fi
}

if [ "$(as_super -c "select 1 from pg_roles where rolname = '$DB_USER'")" != 1 ]; then
  as_super -c "create role \"$DB_USER\" login createdb password '$DB_PASSWORD'" >/dev/null
fi
if [ "$FRESH" = --fresh ]; then
  as_super -c "drop database if exists \"$DB_NAME\" with (force)" >/dev/null
fi
if [ "$(as_super -c "select 1 from pg_database where datname = '$DB_NAME'")" != 1 ]; then
  as_super -c "create database \"$DB_NAME\" owner \"$DB_USER\" encoding 'UTF8' template template0" >/dev/null
  echo "[govopen] created database $DB_NAME" >&2
fi
