"""Real portal processes for tests and benchmarks: ``ckan run`` and ``ckan jobs worker``.

Browser tests need a server the browser can reach, and the publication gate has to
be proven with the worker in a process of its own (crashes, memory, queueing), as in
production. Both start from a *child ini* that inherits the ini under test and
changes only what the run needs (site URL, queue, …), so they see the same database
and plugins as the test process.

    ini = write_child_ini(tmp, "e2e", base_ini, {"ckan.site_url": loopback_url(port)})
    server = start_server(ini, port, log_path)      # server.url, server.log, server.stop()
    server = start_gunicorn(ini, port, log_path)    # the production server of `make run`
    worker = start_worker(ini, queue, log_path)     # .wait_ready(), .stop(), .kill(), .pss_mb()
    redis = PrivateRedis(tmp).start()               # .url, .restart(), .stop(): a Redis of its own

Imported as ``live`` by the tests (``tests/`` is on sys.path under pytest) and by
``benchmarks/publication.py`` (which puts ``tests/`` on sys.path itself).
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from typing import Mapping, Optional

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
CKAN = os.path.join(os.path.dirname(sys.executable), "ckan")

#: The Redis the test process and its workers share. CKAN lets CKAN_REDIS_URL override
#: ``ckan.redis.url`` of any ini, and the children inherit the environment, so where
#: it is set everybody must use it; otherwise db 3, away from the test ini's db 1.
#: Queue names carry the pid, so parallel runs on one Redis never take each other's jobs.
REDIS_URL = os.environ.get("CKAN_REDIS_URL") or "redis://127.0.0.1:6379/3"

#: What a server driven by a browser needs: the portal in Chinese, as its users see it,
#: with CSRF protection on, as in production (the forms must carry their tokens).
#: No Gravatar (config/ckan.ini.template: the portal may not reach gravatar.com; a browser
#: test fails on the failed request).
BROWSER_SITE = {"ckan.locale_default": "zh_Hans_CN", "ckan.locale_order": "zh_Hans_CN en",
                "ckan.locales_offered": "zh_Hans_CN en", "WTF_CSRF_ENABLED": "true",
                # sessions in Redis as in production (config/ckan.ini.template)
                "SESSION_TYPE": "redis", "SESSION_USE_SIGNER": "true",
                "ckan.gravatar_default": "disabled"}

# An ini read by ``ckan -c`` configures logging from that file only (``use = config:``
# does not carry the base file's logging sections), and ``ckan`` fails without them.
_LOGGING = """
[loggers]
keys = root
[handlers]
keys = console
[formatters]
keys = generic
[logger_root]
level = WARNING
handlers = console
[handler_console]
class = StreamHandler
args = (sys.stderr,)
level = NOTSET
formatter = generic
[formatter_generic]
format = %(asctime)s %(levelname)-5.5s [%(name)s] %(message)s
"""


def write_child_ini(tmp_dir: str, name: str, base_ini: str,
                    settings: Mapping[str, object] = {}) -> str:
    """Write ``<tmp_dir>/<name>.ini``: ``base_ini`` with ``settings`` overriding its
    [app:main] values, plus the logging sections. Returns the path."""
    lines = ["[app:main]", "use = config:" + os.path.abspath(base_ini)]
    lines += ["%s = %s" % (key, value) for key, value in settings.items()]
    path = os.path.join(tmp_dir, name + ".ini")
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n" + _LOGGING)
    return path


def free_port() -> int:
    """A loopback port nobody listens on now (the OS picks it)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def loopback_url(port: int) -> str:
    return "http://127.0.0.1:%d" % port


class _Process:
    """A ``ckan -c INI …`` child in its own session with its output in a log file;
    it can be started again after it stopped (the log is appended to)."""

    executable = CKAN

    def __init__(self, args: list, log: str, env: Optional[Mapping[str, str]] = None):
        self.args, self.log = args, log
        self.env = env  # None: this process's environment
        self.proc: Optional[subprocess.Popen] = None
        self._log_file = None

    def start(self):
        self._log_file = open(self.log, "a")
        # its own session: stop() signals its process group without touching ours
        self.proc = subprocess.Popen([self.executable] + self.args, cwd=ROOT, stdout=self._log_file,
                                     stderr=subprocess.STDOUT,
                                     env=dict(os.environ if self.env is None else self.env),
                                     start_new_session=True)
        return self

    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def log_tail(self, chars: int = 3000) -> str:
        with open(self.log, errors="replace") as f:
            return f.read()[-chars:]

    def descendants(self) -> list:
        """This process and every process below it (pids, parents first); found by
        parent pid, because rq puts its work-horse in a session of its own."""
        if not self.proc:
            return []
        children: dict = {}
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    with open("/proc/%s/stat" % entry) as f:
                        ppid = int(f.read().rsplit(")", 1)[1].split()[1])
                    children.setdefault(ppid, []).append(int(entry))
                except (OSError, ValueError, IndexError):
                    pass  # gone meanwhile
        out, todo = [], [self.proc.pid]
        while todo:
            pid = todo.pop()
            out.append(pid)
            todo.extend(children.get(pid, []))
        return out

    def kill(self) -> None:
        """SIGKILL the whole tree, children first: a crash, not a shutdown."""
        if self.running():
            for pid in reversed(self.descendants()):
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            self.proc.wait(10)
        self._close_log()

    def stop(self, grace: float = 15) -> None:
        """SIGTERM (rq: finish the current job, then exit); SIGKILL after ``grace`` s."""
        if self.running():
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(grace)
            except subprocess.TimeoutExpired:
                self.kill()
        self._close_log()

    def _close_log(self):
        if self._log_file:
            self._log_file.close()
            self._log_file = None


class Server(_Process):
    """``ckan run`` on a loopback port; ``url`` is where it answers."""

    def __init__(self, ini: str, port: int, log: str, threaded: bool = False,
                 env: Optional[Mapping[str, str]] = None):
        super().__init__(["-c", ini, "run", "-H", "127.0.0.1", "-p", str(port),
                          "--disable-reloader"] + (["--threaded"] if threaded else []), log, env)
        self.url = loopback_url(port)

    def wait_ready(self, timeout: float = 60) -> "Server":
        """Until the API answers; RuntimeError with the log's end if it died or timed out."""
        deadline = time.time() + timeout
        while True:
            try:
                urllib.request.urlopen(self.url + "/api/3/action/status_show", timeout=2)
                return self
            except Exception:
                if not self.running() or time.time() > deadline:
                    self._log_file.flush()
                    self.stop()
                    raise RuntimeError("the server did not start:\n" + self.log_tail())
                time.sleep(0.5)


GUNICORN = os.path.join(os.path.dirname(sys.executable), "gunicorn")
GUNICORN_CONF = os.path.join(ROOT, "config", "gunicorn.conf.py")
WSGI_APP = "ckanext.govopen.wsgi:application"


class GunicornServer(Server):
    """The production server as `make run` starts it (scripts/run.sh): gunicorn with
    config/gunicorn.conf.py and the project's WSGI entry, the ini in CKAN_INI;
    ``workers``/``threads`` override the machine-sized defaults, the access log goes
    to ``access_log``."""
    executable = GUNICORN

    def __init__(self, ini: str, port: int, log: str, workers: Optional[int] = None,
                 threads: Optional[int] = None, access_log: str = "-"):
        env = {"CKAN_INI": os.path.abspath(ini), "WEB_BIND": "127.0.0.1:%d" % port,
               "WEB_ACCESS_LOG": access_log}
        if workers:
            env["WEB_WORKERS"] = str(workers)
        if threads:
            env["WEB_THREADS"] = str(threads)
        # _Process takes a whole environment (None: ours): ours plus these
        _Process.__init__(self, ["-c", GUNICORN_CONF, WSGI_APP], log, {**os.environ, **env})
        self.url = loopback_url(port)


def start_gunicorn(ini: str, port: int, log: str, timeout: float = 90, **kw) -> GunicornServer:
    """Start gunicorn like `make run` and wait until it answers."""
    return GunicornServer(ini, port, log, **kw).start().wait_ready(timeout)


class Worker(_Process):
    """``ckan jobs worker QUEUE``: the worker, the work-horse rq forks for each job,
    and desensitize's forked processes below that."""

    def __init__(self, ini: str, queue: str, log: str,
                 env: Optional[Mapping[str, str]] = None):
        super().__init__(["-c", ini, "jobs", "worker", queue], log, env)
        self.queue = queue

    def wait_ready(self, redis_url: str = REDIS_URL, timeout: float = 60) -> "Worker":
        """Until rq has registered this worker on its queue in Redis; from then on a
        job is taken at once (a benchmark must not time the worker's start-up). Needs
        CKAN's config in this process: queue names carry the site's prefix."""
        import redis
        import rq
        from ckan.lib.jobs import add_queue_name_prefix
        conn = redis.Redis.from_url(redis_url)
        queue = rq.Queue(add_queue_name_prefix(self.queue), connection=conn)
        deadline = time.time() + timeout
        while not any(w.pid == self.proc.pid for w in rq.Worker.all(connection=conn, queue=queue)):
            if not self.running() or time.time() > deadline:
                self.stop()
                raise RuntimeError("ckan jobs worker did not start:\n" + self.log_tail())
            time.sleep(0.2)
        return self

    def pss_mb(self) -> float:
        """Memory of the whole tree now: PSS (proportional set size) summed over its
        processes, in MB. PSS splits the pages forked processes share among them, so
        the sum is what the tree costs the machine; summed RSS would count the shared
        modules once per process."""
        total_kb = 0
        for pid in self.descendants():
            try:
                with open("/proc/%d/smaps_rollup" % pid) as f:
                    for line in f:
                        if line.startswith("Pss:"):
                            total_kb += int(line.split()[1])
                            break
            except OSError:
                pass  # exited meanwhile
        return total_kb / 1024


class PrivateRedis:
    """A redis-server of the test's own on a free loopback port, with nothing on disk
    (like the portal's Redis: a restart forgets every key). For fault tests that restart
    Redis: the machine's shared Redis (6379) serves other test runs and is never touched.
    A child process that should use it needs an environment without CKAN_REDIS_URL
    (which overrides ``ckan.redis.url`` of any ini) and ``ckan.redis.url = .url``."""

    def __init__(self, root: str):
        self.root, self.port = root, free_port()
        self.url = "redis://127.0.0.1:%d/0" % self.port
        self.log = os.path.join(root, "redis.log")
        self.proc: Optional[subprocess.Popen] = None

    def start(self, timeout: float = 20) -> "PrivateRedis":
        import redis
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", self.root, "--logfile", self.log],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        deadline = time.time() + timeout
        while True:
            try:
                if redis.Redis.from_url(self.url, socket_timeout=1).ping():
                    return self
            except redis.exceptions.ConnectionError:
                if self.proc.poll() is not None or time.time() > deadline:
                    raise RuntimeError("redis-server did not start (%s)" % self.log)
                time.sleep(0.05)

    def stop(self) -> None:
        """SIGKILL: a crash, nothing saved (there is nothing on disk anyway)."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)
        self.proc = None

    def restart(self, down_seconds: float = 0.0) -> None:
        """Kill it, stay down ``down_seconds``, start it again (empty) on the same port."""
        self.stop()
        time.sleep(down_seconds)
        self.start()


def start_server(ini: str, port: int, log: str, threaded: bool = False,
                 timeout: float = 60) -> Server:
    """Start ``ckan run`` with ``ini`` on ``port`` and wait until it answers."""
    return Server(ini, port, log, threaded).start().wait_ready(timeout)


def start_worker(ini: str, queue: str, log: str) -> Worker:
    """Start ``ckan jobs worker queue`` with ``ini``. Not waiting for it: jobs queued
    meanwhile wait in Redis (``Worker.wait_ready`` where start-up must not count)."""
    return Worker(ini, queue, log).start()


# ---------------------------------------------------------------- browser sign-in
BROWSER_CONTEXT = {"viewport": {"width": 1280, "height": 900}, "locale": "zh-CN"}


def sign_in(page, base_url: str, user_name: str, password: str, prefix: str = ""):
    """Sign in through CKAN's own login form on ``page`` (``prefix``: a locale such as
    "/en"), and fail loudly with the page's end if the form did not take."""
    page.goto(base_url + prefix + "/user/login")
    page.fill("#field-login", user_name)
    page.fill("#field-password", password)
    page.locator("#field-password").press("Enter")
    page.wait_for_load_state()
    assert "/user/login" not in page.url, page.content()[-3000:]
    return page


def signed_in_page(browser, base_url: str, user_name: str, password: str, **context):
    """A new browser context (Chinese locale, desktop size) with a signed-in page."""
    ctx = browser.new_context(**{**BROWSER_CONTEXT, **context})
    return sign_in(ctx.new_page(), base_url, user_name, password)


# ---------------------------------------------------------------- API calls to a live portal
def post_action(base_url: str, name: str, token: Optional[str] = None, /, **params):
    """POST the API action ``name`` with JSON ``params`` (as the given API token):
    (HTTP status, decoded answer), errors included."""
    import json
    import urllib.error
    req = urllib.request.Request(base_url + "/api/3/action/" + name, data=json.dumps(params).encode(),
                                 headers={"Content-Type": "application/json",
                                          **({"Authorization": token} if token else {})})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"{}")


def action_result(base_url: str, name: str, token: Optional[str] = None, /, **params):
    """The action's result; an AssertionError naming the action and its answer if refused."""
    status, body = post_action(base_url, name, token, **params)
    assert status == 200, "%s -> %s %s" % (name, status, str(body)[:2000])
    return body["result"]
