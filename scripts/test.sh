#!/usr/bin/env bash
# `make test`: every test, against the real PostgreSQL and Redis, in a test database of its
# own (never the demo one). Two runs:
#   1. CKAN's own dataset-search suite against govopen_search (test.ini, core-faithful);
#   2. GovOpen's suite (test-govopen.ini: the portal's plugins) over tests/.
# pytest's exit code 5 (no tests collected) counts as a failure: a run that tests nothing
# must never pass.
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
TEST_DB_NAME=${TEST_DB_NAME:-govopen_test}
export CKAN_SQLALCHEMY_URL=${CKAN_SQLALCHEMY_URL:-postgresql://${DB_USER:-govopen}:${DB_PASSWORD:-govopen}@${DB_HOST:-127.0.0.1}:${DB_PORT:-5432}/$TEST_DB_NAME}

if [ "$TEST_DB_NAME" = "${DB_NAME:-govopen}" ]; then
  echo "[govopen] TEST_DB_NAME must differ from the demo database" >&2; exit 1
fi
bash scripts/ensure_db.sh "$TEST_DB_NAME" --fresh || exit 1
# issue 16: the tests' own DataStore database (never the demo one) with its read-only role
DS=postgresql://${DB_USER:-govopen}:${DB_PASSWORD:-govopen}@${DB_HOST:-127.0.0.1}:${DB_PORT:-5432}/${TEST_DB_NAME}_datastore
export CKAN_DATASTORE_WRITE_URL=${CKAN_DATASTORE_WRITE_URL:-$DS}
export CKAN_DATASTORE_READ_URL=${CKAN_DATASTORE_READ_URL:-postgresql://${DS_RO_USER:-govopen_ro}:${DS_RO_PASSWORD:-govopen_ro}@${DB_HOST:-127.0.0.1}:${DB_PORT:-5432}/${TEST_DB_NAME}_datastore}
bash scripts/ensure_datastore.sh test-govopen.ini "${TEST_DB_NAME}_datastore" || exit 1
$BIN/ckan -c test-govopen.ini db init >/tmp/govopen-test-dbinit.log 2>&1 \
  || { cat /tmp/govopen-test-dbinit.log; exit 1; }

status=0
run_pytest() {
  $BIN/python -m pytest "$@"
  local rc=$?
  if [ $rc -eq 5 ]; then
    echo "[govopen] pytest collected no tests for: $* — failing" >&2
    rc=1
  fi
  [ $rc -ne 0 ] && status=1
  return 0
}

echo "== CKAN's own TestPackageSearch against govopen_search" >&2
run_pytest --ckan-ini=test.ini -p no:cacheprovider -q \
  --pyargs ckan.tests.logic.action.test_get -k TestPackageSearch

echo "== GovOpen test suite" >&2
run_pytest --ckan-ini=test-govopen.ini -p no:cacheprovider -q tests "$@"

exit $status
