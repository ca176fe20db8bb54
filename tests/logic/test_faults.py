"""Issue 19: faults, nothing lost.

1. A failing database or Redis connection is a 503 with a clear message and
   ``Retry-After`` (JSON on the API, the error page for people), never a 500.
2. A real PostgreSQL restart while 200 applications are being submitted at once: every
   submission either succeeded and is in the database with its history, or its client
   got a clear error and nothing of it exists; the portal answers again within seconds
   by itself (CKAN's pool pre-ping). The restart must not touch the machine's shared
   PostgreSQL, so the portal under test runs on a PostgreSQL cluster of its own
   (``initdb`` of the installed server, on a free port) holding a copy of the test
   world (``pg_dump``); its API tokens stay valid because the ini's secret is the same.
3. A real Redis restart (a redis-server of the test's own, started empty again) while a
   publication job runs in a real ``ckan jobs worker``, another waits in the queue and 200
   applications are submitted; and the worker killed mid-job. Nothing lost or
   half-written, the portal and the worker go on by themselves, a job that cannot finish
   is shown failed with the re-run hint (see README, "Faults").
"""
from __future__ import annotations

import concurrent.futures
import datetime as dt
import json
import os
import shutil
import subprocess
import tempfile
import time

import pytest
import sqlalchemy.exc

import ckan.logic
import ckan.plugins.toolkit as tk

import live

PG_BIN = "/usr/lib/postgresql/15/bin"
SUBMISSIONS = 200
CLIENTS = 20
VALID_ID = "11010519491231002X"


# ---------------------------------------------------------------- 1. the handler
def _failing(error):
    def action(context, data_dict):
        raise error
    action.side_effect_free = True
    action.auth_audit_exempt = True
    return action


@pytest.mark.parametrize("error", [
    sqlalchemy.exc.OperationalError("SELECT 1", {}, Exception("server closed the connection unexpectedly")),
    sqlalchemy.exc.InterfaceError("SELECT 1", {}, Exception("connection already closed")),
], ids=["operational", "interface"])
def test_a_lost_database_connection_is_a_503_in_chinese_on_the_api(world, monkeypatch, error):
    monkeypatch.setitem(ckan.logic._actions, "status_show", _failing(error))
    for prefix, words in (("/zh_Hans_CN", "请稍后重试"), ("/en", "try again")):
        r = world["app"].get(prefix + "/api/3/action/status_show", status=None)
        assert r.status_code == 503, r.body[:500]
        assert r.headers["Retry-After"].isdigit()
        body = json.loads(r.body)
        assert body["success"] is False and words in body["error"]["message"], body
        assert "Traceback" not in r.body and "Error" not in body["error"]["message"]
    # and the portal answers the next request (the session was rolled back and removed)
    monkeypatch.undo()
    assert world["app"].get("/api/3/action/status_show").status_code == 200


def test_redis_down_is_a_503_too(world, monkeypatch):
    import redis.exceptions
    monkeypatch.setitem(ckan.logic._actions, "status_show",
                        _failing(redis.exceptions.ConnectionError("Connection refused")))
    r = world["app"].get("/zh_Hans_CN/api/3/action/status_show", status=None)
    assert r.status_code == 503 and "请稍后重试" in r.body, r.body[:500]


def test_the_page_says_it_in_chinese_without_internals(world, monkeypatch):
    monkeypatch.setitem(ckan.logic._actions, "package_search", _failing(
        sqlalchemy.exc.OperationalError("SELECT 1", {}, Exception("terminating connection"))))
    r = world["app"].get("/zh_Hans_CN/dataset/", status=None)
    assert r.status_code == 503, r.body[:500]
    assert "请稍后重试" in r.body and "OperationalError" not in r.body and "SELECT" not in r.body


def test_the_database_pool_checks_a_connection_before_using_it(world):
    """CKAN's ``sqlalchemy.pool_pre_ping`` (its default, true) is what lets the portal
    recover from a PostgreSQL restart by itself: a connection the restart closed is
    replaced at checkout instead of failing a request. Nothing may turn it off."""
    import ckan.model as model
    assert tk.asbool(tk.config.get("sqlalchemy.pool_pre_ping")) is True
    assert model.meta.engine.pool._pre_ping is True


# ---------------------------------------------------------------- 2. a real restart
class PrivatePostgres:
    """A PostgreSQL cluster of the test's own: initdb, start, restart, stop."""

    def __init__(self, root: str):
        self.dir = os.path.join(root, "pgdata")
        self.port = live.free_port()
        self.log = os.path.join(root, "pg.log")
        os.makedirs(self.dir)
        shutil.chown(root, "postgres")
        shutil.chown(self.dir, "postgres")

    def _as_postgres(self, *args, check=True):
        cmd = list(args)
        if os.geteuid() == 0:  # initdb and postgres refuse to run as root
            cmd = ["runuser", "-u", "postgres", "--"] + cmd
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        assert r.returncode == 0 or not check, "%s -> %s\n%s%s" % (args[0], r.returncode, r.stdout, r.stderr)
        return r

    def init(self):
        self._as_postgres(PG_BIN + "/initdb", "-D", self.dir, "-A", "trust", "-U", "postgres",
                          "--no-sync")
        return self

    def start(self):
        self._as_postgres(PG_BIN + "/pg_ctl", "-D", self.dir, "-l", self.log, "-w", "-o",
                          "-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off"
                          % (self.port, self.dir), "start")
        return self

    def restart(self):
        self._as_postgres(PG_BIN + "/pg_ctl", "-D", self.dir, "-l", self.log, "-w", "-m", "fast",
                          "-o", "-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off"
                          % (self.port, self.dir), "restart")

    def stop(self):
        self._as_postgres(PG_BIN + "/pg_ctl", "-D", self.dir, "-w", "-m", "immediate", "stop",
                          check=False)

    def url(self, db: str, user: str = "govopen") -> str:
        return "postgresql://%s@127.0.0.1:%d/%s" % (user, self.port, db)

    def psql(self, db: str, sql: str) -> str:
        r = subprocess.run(["psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
                            "-d", db, "-v", "ON_ERROR_STOP=1", "-tAc", sql],
                           check=True, capture_output=True, text=True, timeout=60)
        return r.stdout


def _pg_available() -> bool:
    return os.path.exists(PG_BIN + "/initdb") and shutil.which("runuser") is not None


@pytest.fixture(scope="module")
def private_portal(world, request, tmp_path_factory):
    if not _pg_available():
        pytest.fail("PostgreSQL's server binaries (%s) are needed for the restart test" % PG_BIN)
    # not under pytest's tmp root: that is private to root, and the cluster runs as postgres
    root = tempfile.mkdtemp(prefix="govopen-faults-")
    os.chmod(root, 0o755)
    pg = PrivatePostgres(root).init().start()
    server = None
    try:
        pg.psql("postgres", "create role govopen login superuser password 'govopen'")
        pg.psql("postgres", "create database govopen_faults owner govopen")
        # a copy of the test world (users, tokens, entries, grants) in the private cluster
        source = tk.config["sqlalchemy.url"]
        dump = subprocess.run(["pg_dump", "--no-owner", "--no-privileges", source],
                              check=True, capture_output=True, timeout=300).stdout
        subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", pg.url("govopen_faults")],
                       input=dump, check=True, capture_output=True, timeout=300)
        base_ini = os.path.abspath(request.config.getoption("--ckan-ini"))
        port = live.free_port()
        ini = live.write_child_ini(root, "faults", base_ini, {
            "ckan.site_url": live.loopback_url(port),
            "sqlalchemy.url": pg.url("govopen_faults")})
        env = {k: v for k, v in os.environ.items() if k != "CKAN_SQLALCHEMY_URL"}
        server = live.Server(ini, port, os.path.join(root, "portal.log"), threaded=True, env=env)
        server.start().wait_ready()
        yield {"pg": pg, "server": server}
    finally:
        if server:
            server.stop()
        pg.stop()
        if os.path.exists(os.path.join(root, "portal.log")):  # kept for a failure's reader
            shutil.copy(os.path.join(root, "portal.log"), os.path.join(tempfile.gettempdir(), "govopen-faults-portal.log"))
        shutil.rmtree(root, ignore_errors=True)


def _submit(url, token, package_id, i, label="故障演练"):
    today = dt.date.today()
    marker = "%s-%03d" % (label, i)
    try:
        status, body = live.post_action(
            url, "govopen_application_create", token, package_id=package_id,
            purpose="交通规划研究 " + marker, scope="仅课题组内部使用",
            period_start=today.isoformat(), period_end=(today + dt.timedelta(days=90)).isoformat(),
            security_measures="专机存储，访问留痕", applicant_type="citizen", real_name="王小明",
            id_number=VALID_ID, contact="13800000000")
    except Exception as e:  # connection reset by the server: the client saw an error
        return marker, None, {"transport": repr(e)}
    return marker, status, body


def _submit_during(url, token, package_id, label, fault):
    """SUBMISSIONS applications by CLIENTS clients at once; ``fault()`` runs once a fifth
    of them are through, while the rest are in flight. Returns (results, the moment
    the fault began, how long it took)."""
    results = []
    with concurrent.futures.ThreadPoolExecutor(CLIENTS) as pool:
        # in Chinese, as the portal's users ask (the test ini's default language is English)
        futures = [pool.submit(_submit, url + "/zh_Hans_CN", token, package_id, i, label)
                   for i in range(SUBMISSIONS)]
        deadline = time.time() + 120
        while sum(f.done() for f in futures) < SUBMISSIONS // 5 and time.time() < deadline:
            time.sleep(0.05)
        began = time.time()
        fault()
        took = time.time() - began
        for f in futures:
            results.append(f.result())
    return results, began, took


def _assert_clear_errors(results, what, took):
    """Every refused submission got a clear error: 503 with the message (or the
    connection cut while the server itself waited: the client knows it failed), never
    a 500 or a traceback. Returns (markers answered 200, refused)."""
    ok = [m for m, st, _ in results if st == 200]
    refused = [(m, st, body) for m, st, body in results if st != 200]
    print("\n%d submissions: %d saved, %d refused during a %.1f s %s (%s)"
          % (len(results), len(ok), len(refused), took, what,
             sorted({str(st) for _, st, _ in refused})))
    for marker, status, body in refused:
        assert status in (503, None), (marker, status, str(body)[:500])
        if status == 503:
            assert "请稍后重试" in body["error"]["message"], body
    return ok, refused


def _wait_answering(url, token, package_id, since, seconds=30):
    """The portal answers again by itself: within ``seconds`` from now, and within a
    minute of the fault (``since``). Returns the seconds since the fault."""
    deadline = time.time() + seconds
    while True:
        status, body = live.post_action(url, "package_show", token, id=package_id)
        if status == 200:
            break
        assert time.time() < deadline, (status, body)
        time.sleep(0.5)
    assert time.time() - since < 60
    return time.time() - since


def _assert_saved_exactly(rows: str, label: str, ok: list):
    """``rows`` (psql -tA: request id|purpose|events) hold exactly the submissions that
    were answered 200, each once and with its history."""
    saved = {}
    for line in filter(None, rows.splitlines()):
        _rid, purpose, events = line.split("|")
        marker = purpose[purpose.index(label + "-"):]
        assert marker not in saved, "a submission saved twice: %s" % marker
        saved[marker] = int(events)
    assert sorted(saved) == sorted(ok), (sorted(set(saved) ^ set(ok)))
    assert all(n >= 1 for n in saved.values()), saved


SAVED_SQL = """
    select r.id, r.fields->>'purpose', count(e.id)
    from govopen_request r left join govopen_request_event e on e.request_id = r.id
    where r.fields->>'purpose' like '%%%s-%%' group by r.id, r.fields->>'purpose'"""


def test_postgres_restart_during_200_submissions_loses_nothing(world, private_portal):
    pg, server = private_portal["pg"], private_portal["server"]
    token = world["tokens"]["citizen"]
    package_id = world["datasets"]["conditional"]["pkg"]["id"]
    results, restarted_at, took = _submit_during(server.url, token, package_id, "故障演练",
                                                 pg.restart)
    ok, refused = _assert_clear_errors(results, "PostgreSQL restart", took)
    assert refused, "the restart came too late to hit any submission: the test proved nothing"
    _wait_answering(server.url, token, package_id, restarted_at)
    # saved: exactly the submissions that said so, each with its history; the refused
    # left nothing, and no request exists without its submission event
    _assert_saved_exactly(pg.psql("govopen_faults", SAVED_SQL % "故障演练"), "故障演练", ok)


# ---------------------------------------------------------------- 3. Redis and the worker
# The portal and a real `ckan jobs worker` on a Redis of the test's own (live.PrivateRedis:
# the machine's shared Redis serves other test runs and is never restarted), against the
# test database. Restarting it forgets every key, as the portal's Redis does (nothing on
# disk): the job queue, rq's registries, the quota counters, the page cache.
#: The file of the job that a fault hits mid-way: ~1.5M rows, a job of ~10 s on a quiet
#: machine (the 200 submissions before the restart take ~2 s), with progress to see it
#: running. The test fails, saying so, if the job ended before the fault came.
JOB_MB = 120
STALE_SECONDS = 6


@pytest.fixture(scope="module")
def redis_portal(world, request):
    import sqlalchemy as sa
    if not shutil.which("redis-server"):
        pytest.fail("redis-server is needed for the Redis restart test "
                    "(scripts/ensure_system.sh installs it)")
    root = tempfile.mkdtemp(prefix="govopen-faults-redis-")
    redis = live.PrivateRedis(root).start()
    queue = "govopen_faults_%d" % os.getpid()
    server = worker = None
    try:
        port = live.free_port()
        ini = live.write_child_ini(root, "faults-redis", request.config.getoption("--ckan-ini"), {
            "ckan.site_url": live.loopback_url(port), "ckan.redis.url": redis.url,
            "govopen.publication.queue": queue, "ckan.max_resource_size": 4096,
            "govopen.publication.stale_seconds": STALE_SECONDS,
            # the API quota on, as in production (off in the test ini): every API call
            # counts on Redis, the 200 submissions through the restart included
            "govopen.api_quota.user.requests": 1_000_000})
        # CKAN_REDIS_URL would override the child ini's ckan.redis.url
        env = {k: v for k, v in os.environ.items() if k != "CKAN_REDIS_URL"}
        server = live.Server(ini, port, os.path.join(root, "portal.log"), threaded=True, env=env)
        server.start().wait_ready()
        worker = live.Worker(ini, queue, os.path.join(root, "worker.log"), env=env).start()
        worker.wait_ready(redis_url=redis.url)
        engine = sa.create_engine(tk.config["sqlalchemy.url"], poolclass=sa.pool.NullPool)
        yield {"redis": redis, "server": server, "worker": worker, "engine": engine,
               "root": root, "ini": ini, "queue": queue, "env": env}
    finally:
        for proc in (worker, server):
            if proc:
                proc.stop()
        redis.stop()
        for name in ("portal.log", "worker.log"):  # kept for a failure's reader
            if os.path.exists(os.path.join(root, name)):
                shutil.copy(os.path.join(root, name),
                            os.path.join(tempfile.gettempdir(), "govopen-faults-redis-" + name))
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="module")
def job_files(tmp_path_factory):
    """A big CSV (the job a fault hits) and a small one (the job waiting behind it)."""
    from publication_data import write_big_pii_csv, write_pii_csv
    tmp = tmp_path_factory.mktemp("fault-jobs")
    _size, rows, _block = write_big_pii_csv(tmp / "big.csv", JOB_MB << 20, seed=19)
    write_pii_csv(tmp / "small.csv", 200, seed=20)
    yield {"big": tmp / "big.csv", "small": tmp / "small.csv", "big_rows": rows}


def _partial_copies(resource_id):
    """The temporary copies (``.<name>.<random>.part``) next to the public path."""
    from ckanext.govopen.publication import storage
    path = storage.public_path(resource_id)
    folder, name = os.path.split(path)
    return [n for n in os.listdir(folder) if n.startswith("." + name + ".") and n.endswith(".part")]


def _assert_no_partial_public_copy(resource_id, rows):
    """The public path holds nothing, or a whole copy (desensitize writes a temporary name
    and renames it; the residual scan runs after the rename, so a job killed at its very
    end may leave a whole copy there, which the gate does not serve)."""
    from ckanext.govopen.publication import storage
    path = storage.public_path(resource_id)
    if os.path.exists(path):
        with open(path, "rb") as f:
            assert sum(1 for _ in f) == rows + 1, "a partial public copy"


def _new_entry(url, world, name):
    from govopen_world import VALID_ENTRY
    return live.action_result(url, "package_create", world["tokens"]["dept_editor"], name=name,
                              title="办事记录（故障演练）", owner_org=world["dept"]["id"],
                              open_type="unconditional", **VALID_ENTRY)


def _upload(url, world, package_id, path, name):
    """resource_create with the file, as a department's clerk uploads it (multipart)."""
    import requests
    with open(path, "rb") as fh:
        r = requests.post(url + "/api/3/action/resource_create",
                          headers={"Authorization": world["tokens"]["dept_editor"]},
                          data={"package_id": package_id, "name": name, "format": "CSV"},
                          files={"upload": (os.path.basename(path), fh, "text/csv")}, timeout=120)
    assert r.status_code == 200, r.text[:2000]
    return r.json()["result"]["id"]


def _gate(url, world, resource_id):
    return live.action_result(url, "govopen_publication_show", world["tokens"]["dept_editor"],
                              id=resource_id)


def _wait_gate(portal, world, resource_id, until, timeout=120, what=""):
    """Poll the gate row through the portal (where the staleness check runs) until
    ``until(row)``; the worker's log in the failure."""
    deadline = time.time() + timeout
    while True:
        p = _gate(portal["server"].url, world, resource_id)
        if until(p):
            return p
        if time.time() > deadline:
            raise AssertionError("%s: %s\n--- worker log:\n%s" % (
                what, {k: p.get(k) for k in ("state", "rows_done", "error")},
                portal["worker"].log_tail()))
        time.sleep(0.3)


def _running(p):
    assert p["state"] in ("queued", "running"), p
    return p["state"] == "running" and (p.get("rows_done") or 0) > 0


def _wait_listening(portal, timeout=30):
    """The worker listens on its rq command channel (pub/sub) on the private Redis."""
    import redis
    conn = redis.Redis.from_url(portal["redis"].url)
    deadline = time.time() + timeout
    while not conn.pubsub_channels("rq:pubsub:*"):
        assert time.time() < deadline, "the worker no longer listens for rq's commands:\n" + \
            portal["worker"].log_tail()
        time.sleep(0.3)


def _ended(p):
    return p["state"] in ("succeeded", "failed")


def _saved_rows(engine, label):
    """SAVED_SQL's rows from the test database, as psql -tA prints them."""
    import sqlalchemy as sa
    with engine.connect() as conn:
        rows = conn.execute(sa.text(SAVED_SQL.replace("'%%%s-%%'", ":pattern")),
                            {"pattern": "%%%s-%%" % label}).all()
    return "\n".join("%s|%s|%s" % tuple(r) for r in rows)


def _download_status(url, world, package_id, resource_id, role=None):
    import requests
    r = requests.get("%s/dataset/%s/resource/%s/download" % (url, package_id, resource_id),
                     headers={"Authorization": world["tokens"][role]} if role else {},
                     allow_redirects=False, timeout=30)
    return r.status_code


def _two_jobs(portal, world, files, name):
    """A new entry with two uploads: the big file's job running (seen with progress),
    the small file's job waiting behind it in the queue (one worker). Returns
    (entry, running id, waiting id)."""
    url = portal["server"].url
    pkg = _new_entry(url, world, "%s-%d" % (name, os.getpid()))
    running_id = _upload(url, world, pkg["id"], files["big"], "处理中")
    waiting_id = _upload(url, world, pkg["id"], files["small"], "排队中")
    _wait_gate(portal, world, running_id, _running, what="never saw the job running")
    return pkg, running_id, waiting_id


def _assert_hit_mid_job(portal, world, running_id, waiting_id, fault):
    """``fault()`` while the one job runs and the other waits (checked right before it,
    and by the row afterwards: the running job finished after the fault began)."""
    url = portal["server"].url
    before = (_gate(url, world, running_id)["state"], _gate(url, world, waiting_id)["state"])
    began = dt.datetime.utcnow()
    fault()
    assert before == ("running", "queued"), (
        "the job ended before the fault came: the test proved nothing (%s)" % (before,))
    return began


def test_redis_restart_mid_job_and_during_200_submissions_loses_nothing(
        world, redis_portal, job_files):
    """Redis restarts (empty) while a publication job runs, another waits in the queue and
    200 applications are being submitted: every submission is saved with its history or
    was refused clearly; the portal answers by itself; the running job finishes (its
    state is in PostgreSQL, not in Redis); the job the restart took from the queue is
    shown failed (lost) with the re-run hint, not left queued, and a re-run publishes it;
    the same worker takes the new job, nobody restarting it."""
    portal, url = redis_portal, redis_portal["server"].url
    pkg, running_id, waiting_id = _two_jobs(portal, world, job_files, "faults-redis")
    token = world["tokens"]["citizen"]
    package_id = world["datasets"]["conditional"]["pkg"]["id"]
    fault_began = []

    def restart_redis():
        fault_began.append(_assert_hit_mid_job(
            portal, world, running_id, waiting_id,
            lambda: portal["redis"].restart(down_seconds=2)))

    results, restarted_at, took = _submit_during(url, token, package_id, "缓存重启",
                                                 restart_redis)
    ok, _refused = _assert_clear_errors(results, "Redis restart", took)
    _wait_answering(url, token, package_id, restarted_at)
    _assert_saved_exactly(_saved_rows(portal["engine"], "缓存重启"), "缓存重启", ok)
    # the portal's own Redis clients reconnected by themselves: the API quota (its own
    # connection pool, flask-limiter's storage) counts again, as its headers say
    import requests
    r = requests.get(url + "/api/3/action/package_show", params={"id": package_id},
                     headers={"Authorization": token}, timeout=30)
    assert r.status_code == 200 and "X-RateLimit-Remaining" in r.headers, dict(r.headers)

    # the job that was running when Redis restarted: finished after it, in PostgreSQL
    p = _wait_gate(portal, world, running_id, _ended, what="the running job never ended")
    assert p["state"] == "succeeded", p
    assert dt.datetime.fromisoformat(p["finished_at"]) > fault_began[0], (p, fault_began)
    assert portal["worker"].running(), portal["worker"].log_tail()
    # and it is the same worker to Redis as before: registered again (rq info and
    # monitoring see it) and listening on its command channel (rq's stop/kill commands)
    portal["worker"].wait_ready(redis_url=portal["redis"].url, timeout=30)
    _wait_listening(portal)

    # the waiting job went with Redis' memory: shown failed with the re-run hint once the
    # staleness limit passed (not left queued until somebody looks), nothing of it public
    p = _wait_gate(portal, world, waiting_id, lambda p: p["state"] != "queued",
                   timeout=STALE_SECONDS + 30, what="the lost job stayed queued")
    assert p["state"] == "failed" and p["error"]["code"] == "lost", p
    assert "重新运行" in p["error"]["hint_zh"] and p["public"] is False, p
    assert _download_status(url, world, pkg["id"], waiting_id) in (403, 404)
    # a re-run queues it on the restarted Redis and the same worker takes it
    live.action_result(url, "govopen_publication_rerun", world["tokens"]["dept_editor"],
                       id=waiting_id)
    p = _wait_gate(portal, world, waiting_id, _ended, timeout=60, what="the re-run never ended")
    assert p["state"] == "succeeded", p


def test_worker_killed_mid_job_is_shown_failed_and_the_queue_behind_it_goes_on(
        world, redis_portal, job_files):
    """The worker (with the work-horse running the job and desensitize's processes) is
    killed mid-job while another job waits: the killed job is shown failed (stale: its
    heartbeat stopped) with the re-run hint within seconds, nothing of it public, no
    half-written public copy; the job behind it is still in Redis and the next worker
    (what a supervisor starts) runs it without a re-run; the killed one re-runs to success."""
    from ckanext.govopen.publication import storage
    portal, url = redis_portal, redis_portal["server"].url
    pkg, killed_id, behind_id = _two_jobs(portal, world, job_files, "faults-worker")
    _assert_hit_mid_job(portal, world, killed_id, behind_id, portal["worker"].kill)
    killed_at = time.time()
    _assert_no_partial_public_copy(killed_id, job_files["big_rows"])
    p = _wait_gate(portal, world, killed_id, lambda p: p["state"] != "running",
                   timeout=STALE_SECONDS + 30, what="the killed job stayed running")
    assert p["state"] == "failed" and p["error"]["code"] == "stale", p
    assert "重新运行" in p["error"]["hint_zh"] and p["public"] is False, p
    assert time.time() - killed_at < STALE_SECONDS + 30
    assert _download_status(url, world, pkg["id"], killed_id) in (403, 404)
    _assert_no_partial_public_copy(killed_id, job_files["big_rows"])
    assert _gate(url, world, behind_id)["state"] == "queued"  # still in Redis: not lost
    left = _partial_copies(killed_id)  # the killed attempt's temporary copy, if it had one

    portal["worker"].start()
    p = _wait_gate(portal, world, behind_id, _ended, timeout=90, what="the job behind never ran")
    assert p["state"] == "succeeded", p
    live.action_result(url, "govopen_publication_rerun", world["tokens"]["dept_editor"],
                       id=killed_id)
    p = _wait_gate(portal, world, killed_id, _ended, timeout=120, what="the re-run never ended")
    assert p["state"] == "succeeded", p
    assert os.path.exists(storage.public_path(killed_id))
    # and the temporary copy the killed attempt left half-written is gone
    assert not set(left) & set(_partial_copies(killed_id)), left


def test_an_attempt_removes_the_temporary_copies_a_killed_one_left(world):
    """What ``_partial_copies`` finds is what the job's start removes: this resource's
    ``.<name>.<random>.part`` files, nothing of another resource's, not the copy itself."""
    import uuid
    from ckanext.govopen.publication import storage
    mine, other = str(uuid.uuid4()), str(uuid.uuid4())
    paths = []
    for rid, suffix in ((mine, ".ab12cd.part"), (mine, ".zz99.part"), (mine, ""),
                        (other, ".ab12cd.part")):
        path = storage.public_path(rid)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        name = "." + os.path.basename(path) + suffix if suffix else os.path.basename(path)
        paths.append(os.path.join(os.path.dirname(path), name))
        with open(paths[-1], "w") as f:
            f.write("x")
    try:
        assert len(_partial_copies(mine)) == 2
        assert storage.discard_partial_copies(mine) == 2
        assert _partial_copies(mine) == [] and len(_partial_copies(other)) == 1
        assert os.path.exists(storage.public_path(mine))
    finally:
        for path in paths:
            if os.path.exists(path):
                os.remove(path)


def test_a_job_that_ends_while_redis_is_away_leaves_the_worker_working(
        world, redis_portal, job_files):
    """Redis goes away while a job runs and is still away when the job ends: the job
    records its result (PostgreSQL), and the worker, whose writes of the job's end to
    Redis fail, waits for Redis and goes on (rq alone quit here: "found an unhandled
    exception, quitting", and no job ran until somebody restarted it)."""
    portal, url = redis_portal, redis_portal["server"].url
    pkg, running_id, waiting_id = _two_jobs(portal, world, job_files, "faults-redis-away")
    _assert_hit_mid_job(portal, world, running_id, waiting_id, portal["redis"].stop)
    try:
        p = _wait_gate(portal, world, running_id, _ended, what="the job never ended")
        assert p["state"] == "succeeded", p
        time.sleep(3)  # the worker meets the missing Redis after the job
        assert portal["worker"].running(), portal["worker"].log_tail()
    finally:
        portal["redis"].start()
    portal["worker"].wait_ready(redis_url=portal["redis"].url, timeout=60)
    # the waiting job went with Redis' memory (shown lost, as above); a new upload runs
    new_id = _upload(url, world, pkg["id"], job_files["small"], "恢复后上传")
    p = _wait_gate(portal, world, new_id, _ended, timeout=60, what="the worker took no new job")
    assert p["state"] == "succeeded", p
