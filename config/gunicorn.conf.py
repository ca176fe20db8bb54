"""gunicorn settings for both ways of serving the portal (issue 19): `make run`
(scripts/run.sh) and docker/ (docker/entrypoint.sh). The app is
``ckanext.govopen.wsgi:application`` (reads the ini named by CKAN_INI).

Sized from the machine: ``WEB_WORKERS`` processes (default 2 × cores + 1, at most 8:
CKAN renders in Python, so processes, not threads, use the cores; the extra ones cover
time spent waiting on PostgreSQL and Redis), each with ``WEB_THREADS`` threads (default
1: gunicorn's sync worker). Each process holds the whole CKAN app (~200 MB), hence the
cap. Not threads by default: CKAN 2.11.6 builds its action and auth tables at the
first requests of a process and, under threads, a concurrent request may find a table
half built (500 "Authorization function not found"); and gunicorn's threaded worker
drops connections it has accepted but not yet read when it exits at a graceful
restart (both seen in tests/logic/test_production_server.py).

Graceful restart: ``kill -HUP <master pid>`` (var/run/web.pid under `make run`) starts new
workers with fresh code and config and lets the old ones finish their requests; requests
that arrive meanwhile wait in the listen queue until a new worker has loaded CKAN (a
few seconds), none fails. The app is not preloaded in the master, so HUP reloads code.
Access log: ``WEB_ACCESS_LOG`` (default ``-``, standard output; `make run` writes
var/log/access.log), one line per request with its duration in ms.
"""
import multiprocessing
import os

_cores = multiprocessing.cpu_count()
bind = os.environ.get("WEB_BIND", "%s:%s" % (os.environ.get("HOST", "127.0.0.1"),
                                              os.environ.get("PORT", "5000")))
workers = int(os.environ.get("WEB_WORKERS") or min(2 * _cores + 1, 8))
threads = int(os.environ.get("WEB_THREADS") or 1)
worker_class = "gthread" if threads > 1 else "sync"
# a request that takes longer is stuck (the longest legitimate ones are uploads)
timeout = int(os.environ.get("WEB_TIMEOUT") or 120)
graceful_timeout = 30
keepalive = 5
# bound the memory a long-lived worker may gather; restarts are staggered
max_requests = 2000
max_requests_jitter = 200
accesslog = os.environ.get("WEB_ACCESS_LOG", "-")
access_log_format = '%(h)s %(t)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'
errorlog = "-"
loglevel = "info"
proc_name = "govopen-web"
