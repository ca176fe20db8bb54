#!/usr/bin/env bash
# The DataStore's own database and its read-only role, set up as CKAN's docs prescribe
# ("Setting up the DataStore": a separate database, a read-only user, then
# `ckan datastore set-permissions | psql` as the superuser). Idempotent.
#   scripts/ensure_datastore.sh CONFIG.ini DATASTORE_DBNAME
# The config's ckan.datastore.write_url / read_url (or CKAN_DATASTORE_WRITE_URL /
# CKAN_DATASTORE_READ_URL) must name DATASTORE_DBNAME, the owner DB_USER and DS_RO_USER.
set -euo pipefail
cd "$(dirname "$0")/.."
INI=$1
DS_DB=$2
DB_HOST=${DB_HOST:-127.0.0.1}
DB_PORT=${DB_PORT:-5432}
DS_RO_USER=${DS_RO_USER:-govopen_ro}
DS_RO_PASSWORD=${DS_RO_PASSWORD:-govopen_ro}

as_super() {  # as in ensure_db.sh: TCP where auth is trust, else the postgres OS user
  if psql -h "$DB_HOST" -p "$DB_PORT" -U postgres -d postgres -tAc 'select 1' >/dev/null 2>&1; then
    psql -h "$DB_HOST" -p "$DB_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -tA "$@"
  else
    runuser -u postgres -- psql -p "$DB_PORT" -d postgres -v ON_ERROR_STOP=1 -tA "$@"
  fi
}

bash scripts/ensure_db.sh "$DS_DB"
if [ "$(as_super -c "select 1 from pg_roles where rolname = '$DS_RO_USER'")" != 1 ]; then
  as_super -c "create role \"$DS_RO_USER\" login nosuperuser nocreatedb nocreaterole password '$DS_RO_PASSWORD'" \
    >/dev/null 2>&1 || true  # a parallel run may have created it a moment ago
fi
.venv/bin/ckan -c "$INI" datastore set-permissions 2>/dev/null | as_super -q >/dev/null
