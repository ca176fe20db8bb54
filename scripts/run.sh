#!/usr/bin/env bash
# `make run`: database, config, demo data (once), a jobs worker, then the web app.
# Safe to run again: nothing is created twice and a previous worker/server is replaced.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
INI=config/ckan.ini
mkdir -p var/log var/run

bash scripts/ensure_db.sh "$DB_NAME"
$BIN/python scripts/write_config.py "$INI"
# issue 16: the DataStore's database, read-only role and permissions
bash scripts/ensure_datastore.sh "$INI" "${DATASTORE_DB:-${DB_NAME}_datastore}"

echo "[govopen] migrating the database" >&2
$BIN/ckan -c "$INI" db init >var/log/db.log 2>&1 || { cat var/log/db.log; exit 1; }
$BIN/ckan -c "$INI" db upgrade -p govopen >>var/log/db.log 2>&1 || true

# Stop what a previous `make run` left running.
for name in worker daily web smtp; do
  pidfile=var/run/$name.pid
  if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
    kill "$(cat "$pidfile")" 2>/dev/null || true
    # gunicorn finishes its requests first (graceful_timeout): wait until it is gone
    for _ in $(seq 40); do kill -0 "$(cat "$pidfile")" 2>/dev/null || break; sleep 1; done
  fi
  rm -f "$pidfile"
done

# A local mail sink so notifications can be read in var/mail/ (demo only).
$BIN/python scripts/mail_sink.py var/mail >var/log/smtp.log 2>&1 &
echo $! >var/run/smtp.pid

echo "[govopen] loading demo data (only the first time)" >&2
$BIN/ckan -c "$INI" govopen demo load
# issue 16: every table that passed the gate in the DataStore, nothing else (idempotent)
$BIN/ckan -c "$INI" govopen datastore-sync >>var/log/db.log 2>&1 || echo "[govopen] datastore-sync failed: var/log/db.log" >&2

$BIN/ckan -c "$INI" jobs worker >var/log/worker.log 2>&1 &
echo $! >var/run/worker.pid
# the daily duties (due-date reminders, overdue notices, annual-report deadlines) at 08:00
# Asia/Shanghai and once now: no cron entry needed
$BIN/ckan -c "$INI" govopen daily >var/log/daily.log 2>&1 &
echo $! >var/run/daily.pid

URL=${SITE_URL:-http://$HOST:$PORT}
if [ "${DEV:-}" = 1 ]; then
  SERVER="CKAN's development server (DEV=1; not for production)"
else
  SERVER="gunicorn $($BIN/python -c "import runpy; c = runpy.run_path('config/gunicorn.conf.py'); print('%d workers x %d threads' % (c['workers'], c['threads']))")"
fi
cat >&2 <<MSG

  GovOpen 政府数据开放平台 is starting on $URL
  Server: $SERVER
  Jobs worker: var/log/worker.log · daily reminders: var/log/daily.log · mail sink: var/mail/ · access log: var/log/access.log

MSG
$BIN/ckan -c "$INI" govopen demo accounts >&2 || true
echo $$ >var/run/web.pid
if [ "${DEV:-}" = 1 ]; then
  exec $BIN/ckan -c "$INI" run -H "$HOST" -p "$PORT" --disable-reloader --threaded
fi
# Production server (issue 19): gunicorn, sized from the machine (config/gunicorn.conf.py);
# `kill -HUP $(cat var/run/web.pid)` restarts its workers gracefully.
export CKAN_INI="$PWD/$INI"
WEB_ACCESS_LOG=${WEB_ACCESS_LOG:-var/log/access.log} \
  exec $BIN/gunicorn -c config/gunicorn.conf.py ckanext.govopen.wsgi:application
