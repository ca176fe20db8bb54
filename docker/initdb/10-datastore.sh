#!/bin/sh
# First start of the db container (postgres image, /docker-entrypoint-initdb.d): the
# DataStore's own database and its read-only role (issue 16). The permissions themselves
# are set by the ckan container with `ckan datastore set-permissions | psql`, as CKAN's
# docs prescribe (docker/entrypoint.sh).
set -e
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres <<SQL
CREATE ROLE govopen_ro LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD '${DATASTORE_RO_PASSWORD}';
CREATE DATABASE govopen_datastore OWNER "${POSTGRES_USER}" ENCODING 'UTF8' TEMPLATE template0;
SQL
