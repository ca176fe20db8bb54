#!/usr/bin/env bash
# Makes sure the machine has what GovOpen needs outside Python, and that PostgreSQL and
# Redis answer on loopback. Reuses services that are already up; installs them with
# apt-get when absent (needs root, as on our Debian machines); starts them when stopped.
#
#   scripts/ensure_system.sh            build tools, PostgreSQL, Redis
#   scripts/ensure_system.sh --browser  also Chromium and CJK fonts for the browser tests
set -euo pipefail

DB_HOST=${DB_HOST:-127.0.0.1}
DB_PORT=${DB_PORT:-5432}
REDIS_HOST=${REDIS_HOST:-127.0.0.1}
REDIS_PORT=${REDIS_PORT:-6379}

say() { printf '[govopen] %s\n' "$*" >&2; }

apt_updated=0
apt_install() {
  local missing=()
  for pkg in "$@"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" != 0 ]; then
    say "missing system packages: ${missing[*]} (run as root, or install them yourself)"
    return 1
  fi
  if [ $apt_updated = 0 ]; then
    say "apt-get update"
    apt-get update -qq
    apt_updated=1
  fi
  say "installing ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# psycopg2 is built from source; python-magic needs libmagic; the annual report's PDF a CJK font.
apt_install gcc libpq-dev python3-dev libmagic1 fonts-noto-cjk
command -v psql >/dev/null 2>&1 || apt_install postgresql-client

# Python 3 venv support (Debian splits it out of python3).
python3 -m venv --help >/dev/null 2>&1 || apt_install python3-venv

pg_up() { pg_isready -q -h "$DB_HOST" -p "$DB_PORT" 2>/dev/null; }
if ! pg_up; then
  if ! ls /etc/postgresql/*/main >/dev/null 2>&1; then
    apt_install postgresql
  fi
  for v in $(ls /etc/postgresql); do
    say "starting PostgreSQL $v"
    pg_ctlcluster --skip-systemctl-redirect "$v" main start 2>/dev/null || pg_ctlcluster "$v" main start || true
  done
  for _ in $(seq 1 30); do pg_up && break; sleep 1; done
  pg_up || { say "PostgreSQL does not answer on $DB_HOST:$DB_PORT"; exit 1; }
fi

redis_up() { (exec 3<>"/dev/tcp/$REDIS_HOST/$REDIS_PORT" && printf 'PING\r\n' >&3 && head -c 5 <&3 | grep -q PONG) 2>/dev/null; }
# the server binary even where a Redis already answers: the fault test
# (tests/logic/test_faults.py) restarts a redis-server of its own, never the shared one
command -v redis-server >/dev/null 2>&1 || apt_install redis-server
if ! redis_up; then
  say "starting Redis on $REDIS_HOST:$REDIS_PORT"
  mkdir -p /var/lib/redis /var/log/redis 2>/dev/null || true
  redis-server --daemonize yes --bind "$REDIS_HOST" --port "$REDIS_PORT" --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/govopen.log
  for _ in $(seq 1 20); do redis_up && break; sleep 0.5; done
  redis_up || { say "Redis does not answer on $REDIS_HOST:$REDIS_PORT"; exit 1; }
fi

if [ "${1:-}" = "--browser" ]; then
  apt_install chromium
fi
