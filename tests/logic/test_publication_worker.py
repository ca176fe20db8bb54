"""The publication gate with a REAL `ckan jobs worker` process (tests/live.py: its
own queue on the test Redis): an upload through the HTTP API that returns fast with
progress at least every 2 s, bulk ckanapi uploads, a worker killed mid-file, and
issue 7's fault test: a 1 GB CSV generated in the test, the worker's memory bounded,
nothing original public, the editor told what happened.

The fault test's size is ``GOVOPEN_BIG_CSV_MB`` (default 1024, the real 1 GB: 13.7M
rows). On 2 cores at load 6-8 it took 103-122 s: generating 5 s, upload 4 s, the job
51-105 s, checking the whole output ~45 s. It needs ~2 GB of free disk while it runs
and removes its files at the end.
"""
from __future__ import annotations

import io
import os
import threading
import time

import pytest

import ckan.model as model
import ckan.plugins as plugins
import ckan.plugins.toolkit as tk
from ckan.tests import helpers

import live
from govopen_world import ALL_YES, VALID_ENTRY
from publication_data import HEADER, column, pii_csv, write_big_pii_csv, write_pii_csv

REDIS_URL = live.REDIS_URL
QUEUE = "govopen_publication_worker_test_%d" % os.getpid()  # unique: parallel runs share Redis
BIG_MB = int(os.environ.get("GOVOPEN_BIG_CSV_MB", "1024"))
WEB_FORM_ROWS = 381_300  # ~28 MB: many 2 s progress periods, still a quick HTTP upload
#: Worker tree memory (PSS summed over its processes, MB) that no file size may exceed.
#: The tree is four processes: the rq worker, the work-horse it forks per job (both
#: CKAN with the portal's plugins) and desensitize's two forked chunk workers (pandas,
#: pyarrow), of which the few 4 MB blocks in flight are a small part: flat in the file
#: size. Since issue 13 the name recognizer and the independent residual scan use
#: jieba, whose dictionary costs ~120 MB once (loaded in the rq worker before it forks,
#: shared by the job's processes; a third copy of dict.txt was removed for it).
#: Peaks seen since: 707-765 MB for the 28 MB file, 751-792 MB for 1 GB. 850 MB leaves
#: room for run-to-run variation; a pipeline that holds the 1 GB file, or a share of it
#: growing with the rows, is far above it (pandas alone needs several GB for it).
MEMORY_BOUND_MB = 850
#: And flat in the size: the 1 GB file may not cost more than this over the 28 MB file
#: of the same run (seen: 27-44 MB more; 135 MB once, 2026-12-06, when the 28 MB job
#: peaked lower than usual at 590 MB and the 1 GB one at 725 MB). A share of the file
#: growing with the rows would cost gigabytes, far above this.
GROWTH_BOUND_MB = 200
#: Peaks measured in this module's run, by test, for the growth check.
PEAKS_MB: dict = {}


@pytest.fixture(scope="module")
def wworld(request, tmp_path_factory):
    import ckan.lib.redis as ckan_redis
    from govopen_world import build_world
    plugins.load_all()
    old = {k: tk.config.get(k) for k in ("ckan.redis.url", "govopen.publication.queue",
                                          "govopen.publication.stale_seconds",
                                          "ckan.max_resource_size")}
    tk.config["ckan.max_resource_size"] = 4096
    tk.config["ckan.redis.url"] = REDIS_URL
    tk.config["govopen.publication.queue"] = QUEUE
    tk.config["govopen.publication.stale_seconds"] = 6
    ckan_redis._connection_pool = None
    tmp = str(tmp_path_factory.mktemp("worker"))
    worker = None
    try:
        w = build_world()
        w["app"] = helpers._get_test_app()
        # an empty queue: nothing left over from an earlier run
        from ckan.lib.jobs import get_queue
        get_queue(QUEUE).empty()
        ini = live.write_child_ini(tmp, "worker", request.config.getoption("--ckan-ini"), {
            "ckan.redis.url": REDIS_URL, "govopen.publication.queue": QUEUE,
            "ckan.max_resource_size": 4096})
        worker = live.start_worker(ini, QUEUE, os.path.join(tmp, "worker.log"))
        w["worker"] = worker
        w["log_path"] = worker.log
        yield w
    finally:
        if worker:
            worker.stop()
        for k, v in old.items():
            if v is None:
                tk.config.pop(k, None)
            else:
                tk.config[k] = v
        ckan_redis._connection_pool = None
        plugins.unload_non_system_plugins()


@pytest.fixture(autouse=True)
def worker_config(wworld):
    """CKAN's pytest plugin restores the config after each test: set ours again."""
    tk.config["ckan.redis.url"] = REDIS_URL
    tk.config["govopen.publication.queue"] = QUEUE
    tk.config["govopen.publication.stale_seconds"] = 6
    tk.config["ckan.max_resource_size"] = 4096
    yield


def headers(w, role):
    return {"Authorization": w["tokens"][role]}


def api(w, role, action, **params):
    r = w["app"].post("/api/3/action/" + action, json=params, headers=headers(w, role), status=None)
    return r.status_code, r.json


def new_entry(w, **kw):
    import uuid
    st, body = api(w, "dept_editor", "package_create", name="wk-" + uuid.uuid4().hex[:8],
                   title="办事记录", owner_org=w["dept"]["id"], open_type="unconditional",
                   **VALID_ENTRY, **kw)
    assert st == 200, body
    return body["result"]


def show(w, rid, role="dept_editor"):
    model.Session.remove()
    st, body = api(w, role, "govopen_publication_show", id=rid)
    assert st == 200, body
    return body["result"]


def wait_for(w, rid, states=("succeeded", "failed"), timeout=600, sample=None):
    deadline = time.time() + timeout
    while time.time() < deadline:
        p = show(w, rid)
        if sample:
            sample(p)
        if p["state"] in states:
            return p
        time.sleep(0.5)
    raise AssertionError("job of %s not done: %s\n%s" % (rid, p, open(w["log_path"]).read()[-3000:]))


def test_web_form_upload_returns_fast_and_the_worker_finishes(wworld, tmp_path):
    """A large file through the HTTP API: the request returns in < 2 s, the job runs
    in the worker, progress is stamped at least every 2 s, memory stays bounded."""
    w = wworld
    big = tmp_path / "big.csv"
    rows = WEB_FORM_ROWS
    size = write_pii_csv(big, rows, seed=21)
    pkg = new_entry(w)
    t0 = time.time()
    with open(big, "rb") as fh:
        r = w["app"].post("/api/3/action/resource_create",
                          data={"package_id": pkg["id"], "name": "大文件", "format": "CSV",
                                "upload": (fh, "big.csv")},
                          headers=headers(w, "dept_editor"), content_type="multipart/form-data")
    upload_seconds = time.time() - t0
    assert r.status_code == 200, r.json
    rid = r.json["result"]["id"]
    # the request itself (parsing the multipart body is the test client's part) is short
    assert upload_seconds < 2 + size / (200 * 1024 * 1024), upload_seconds
    stamps, peak = [], [0.0]

    def sample(p):
        if p["state"] == "running":
            stamps.append((time.time(), p["rows_done"], p["heartbeat_at"]))
        peak[0] = max(peak[0], w["worker"].pss_mb())
    p = wait_for(w, rid, sample=sample)
    assert p["state"] == "succeeded", p
    assert p["rows_done"] == rows
    # rows done never goes backwards (the 1 GB test below runs long enough to time it)
    done = [d for (_t, d, _h) in stamps]
    assert done == sorted(done), done
    print("\nBIG CSV %d MB (%d rows): upload request %.2f s, worker tree peak PSS %.0f MB"
          % (size // (1024 * 1024), rows, upload_seconds, peak[0]))
    PEAKS_MB["web_form"] = peak[0]
    assert peak[0] < MEMORY_BOUND_MB, peak[0]
    assert p["public"] is False and p["review"] is None


def test_ckanapi_bulk_50_resources_queue_50_jobs_and_all_finish(wworld):
    import ckanapi
    w = wworld
    pkg = new_entry(w)
    ck = ckanapi.LocalCKAN(username=w["users"]["dept_editor"]["name"])
    ids = []
    for i in range(50):
        data = pii_csv(20, seed=100 + i)
        r = ck.call_action("resource_create", {"package_id": pkg["id"], "name": "批量 %02d" % i,
                                               "format": "CSV"},
                           files={"upload": ("bulk-%02d.csv" % i, io.BytesIO(data))})
        ids.append(r["id"])
    from ckanext.govopen.publication import state
    model.Session.remove()
    assert all(state.get_row(i).rq_job_id for i in ids)
    deadline = time.time() + 900
    done = {}
    while time.time() < deadline and len(done) < 50:
        for i in ids:
            if i not in done:
                p = show(w, i)
                if p["state"] in ("succeeded", "failed"):
                    done[i] = p["state"]
        time.sleep(1)
    assert len(done) == 50 and set(done.values()) == {"succeeded"}, done
    # the entry cannot go public before the reviews; bulk review via ckanapi works
    with pytest.raises(ckanapi.ValidationError):
        ck.action.package_patch(id=pkg["id"], private=False)
    admin = ckanapi.LocalCKAN(username=w["users"]["dept_admin"]["name"])
    for i in ids:
        admin.action.govopen_publication_review(id=i, checklist=ALL_YES)
    assert ck.action.package_patch(id=pkg["id"], private=False)["private"] is False


def test_worker_killed_mid_job_leaves_nothing_public_and_is_shown_failed(wworld, tmp_path):
    from ckanext.govopen.publication import storage
    w = wworld
    big = tmp_path / "kill.csv"
    write_pii_csv(big, 250_000, seed=5)
    pkg = new_entry(w)
    with open(big, "rb") as fh:
        r = w["app"].post("/api/3/action/resource_create",
                          data={"package_id": pkg["id"], "name": "中断", "format": "CSV",
                                "upload": (fh, "kill.csv")},
                          headers=headers(w, "dept_editor"), content_type="multipart/form-data")
    rid = r.json["result"]["id"]
    deadline = time.time() + 300
    while time.time() < deadline:
        p = show(w, rid)
        if p["state"] == "running" and p["rows_done"] > 0:
            break
        assert p["state"] in ("queued", "running"), p
        time.sleep(0.2)
    else:
        raise AssertionError("never saw the job running")
    w["worker"].kill()
    assert not os.path.exists(storage.public_path(rid))  # no half-written public file
    p = wait_for(w, rid, states=("failed",), timeout=60)
    assert p["error"]["code"] == "stale" and p["error"]["hint_zh"]
    assert p["public"] is False
    dl = w["app"].get("/dataset/%s/resource/%s/download" % (pkg["id"], rid), status=None)
    assert dl.status_code in (403, 404)
    # restart the worker; re-running is safe and finishes
    w["worker"].start()
    st, body = api(w, "dept_editor", "govopen_publication_rerun", id=rid)
    assert st == 200, body
    p = wait_for(w, rid)
    assert p["state"] == "succeeded", p
    assert os.path.exists(storage.public_path(rid))


class PssSampler(threading.Thread):
    """Samples the worker tree's summed PSS every 0.2 s from another thread, so the
    peak does not depend on how often the test polls the job."""

    def __init__(self, worker):
        super().__init__(daemon=True, name="pss-sampler")
        self.worker, self.peak_mb, self.samples = worker, 0.0, 0
        self.done = threading.Event()

    def run(self):
        while not self.done.wait(0.2):
            self.peak_mb = max(self.peak_mb, self.worker.pss_mb())
            self.samples += 1

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.done.set()
        self.join(5)


def _scan(path, sensitive, chunk=16 << 20):
    """(the ``sensitive`` values that are a whole comma-separated field somewhere in
    the file, its line count), read in 16 MB pieces cut at line ends: the output is
    as large as the input and must not be read whole into the test process."""
    found, lines, rest = set(), 0, b""
    with open(path, "rb") as f:
        while True:
            piece = f.read(chunk)
            data = rest + piece
            cut = data.rfind(b"\n") + 1 if piece else len(data)
            data, rest = data[:cut], data[cut:]
            lines += data.count(b"\n")
            found |= sensitive.intersection(data.replace(b"\n", b",").split(b","))
            if not piece:
                return found, lines


def progress_gaps(stamps):
    """Seconds between successive changes of rows done in ``(time, rows_done)`` samples
    taken while the job ran (the first sample counts as a change)."""
    changes = [t for i, (t, d) in enumerate(stamps) if i == 0 or d != stamps[i - 1][1]]
    return [b - a for a, b in zip(changes, changes[1:])]


def test_1gb_csv_worker_memory_bounded_nothing_original_public_editor_told(wworld, tmp_path):
    """Issue 7's fault test: a 1 GB CSV (``GOVOPEN_BIG_CSV_MB``) of resident IDs,
    phones and names, generated here. The real worker runs the real desensitize
    pipeline over all of it; its tree's memory stays under MEMORY_BOUND_MB; the job
    succeeds (or fails closed: a timeout, no public copy); nothing original is ever
    public; the editor sees what happened.

    The file reaches the resource through ``resource_create`` with the file as the
    upload (ckanapi's LocalCKAN, the bulk-upload path): the same action, uploader and
    gate hooks as the web form (CKAN streams it into storage, the gate moves it to
    the private originals and queues the job), without the test client building a
    1 GB multipart body in memory; the HTTP form itself is the 28 MB test above."""
    import ckanapi
    from ckanext.govopen.publication import state, storage
    w = wworld
    started = time.monotonic()
    big = tmp_path / "big.csv"
    size, rows, block = write_big_pii_csv(big, BIG_MB << 20, seed=21)
    generated = time.monotonic()
    sensitive = {v.encode() for r in block for v in (r[1], r[2], r[3])}  # 姓名 身份证号 联系电话
    kept = [HEADER.index(c) for c in ("序号", "办理事项", "金额", "办理日期")]
    pkg = new_entry(w)
    ck = ckanapi.LocalCKAN(username=w["users"]["dept_editor"]["name"])
    rid = original = None
    try:
        with open(big, "rb") as fh:
            rid = ck.call_action("resource_create", {"package_id": pkg["id"], "name": "1 GB",
                                                     "format": "CSV"},
                                 files={"upload": ("big.csv", fh)})["id"]
        big.unlink()  # CKAN holds its own copy now; free the disk for the output
        uploaded = time.monotonic()
        model.Session.remove()
        original = state.get_row(rid).original_path
        assert original and os.path.getsize(original) == size  # the whole file, kept private
        public = storage.public_path(rid)
        stamps, checked_running = [], False

        def sample(p):
            nonlocal checked_running
            if p["state"] != "succeeded" and os.path.exists(public):
                # fail closed while it runs: the copy is renamed into place only after the
                # residual scan passed, a moment before the job records its success (CI,
                # 2026-12-06, caught that moment). A copy there must therefore be the
                # finished one, and the state must follow at once
                deadline = time.monotonic() + 30
                while show(w, rid)["state"] == "running" and time.monotonic() < deadline:
                    time.sleep(0.1)
                assert show(w, rid)["state"] == "succeeded", p
            if p["state"] == "running":
                stamps.append((time.monotonic(), p["rows_done"]))
                if not checked_running:
                    checked_running = True
                    dl = w["app"].get("/dataset/%s/resource/%s/download" % (pkg["id"], rid),
                                      status=None)
                    assert dl.status_code in (403, 404)
        with PssSampler(w["worker"]) as pss:
            p = wait_for(w, rid, timeout=4 * 3600, sample=sample)  # a hang guard, not a speed limit
        finished = time.monotonic()
        assert pss.samples > 0 and checked_running
        print("\n1 GB test: %d MB, %d rows; generate %.0f s, upload %.0f s, job %.0f s; "
              "worker tree peak PSS %.0f MB (%d samples); largest progress gap %.1f s; load %.1f"
              % (size >> 20, rows, generated - started, uploaded - generated,
                 finished - uploaded, pss.peak_mb, pss.samples,
                 max(progress_gaps(stamps), default=0), os.getloadavg()[0]))
        assert pss.peak_mb < MEMORY_BOUND_MB, pss.peak_mb
        if "web_form" in PEAKS_MB:  # run together (make test does): the growth is bounded too
            assert pss.peak_mb - PEAKS_MB["web_form"] < GROWTH_BOUND_MB, (pss.peak_mb, PEAKS_MB)
        # the progress bar's figure, rows done, kept moving while the job ran: the job
        # writes it at least every 2 s (+ the 0.5 s polling here and the job's 0.5 s write
        # throttle); the bound here only catches a stall, it is no speed target: with two
        # test runs at once on 2 cores one gap reached 4.3 s (CI, 2026-12-06). The
        # heartbeat does not count: it says the job lives, not that it advances
        assert [d for _t, d in stamps] == sorted(d for _t, d in stamps)
        gaps = progress_gaps(stamps)
        assert len(gaps) >= 10 and max(gaps) < 10, gaps

        # nothing public, for nobody; the original stays the department's
        assert p["public"] is False and p["review"] is None
        for role in (None, "citizen", "other_editor"):
            hdr = headers(w, role) if role else {}
            for what in ("download", "original"):
                r = w["app"].get("/dataset/%s/resource/%s/%s" % (pkg["id"], rid, what),
                                 headers=hdr, status=None)
                assert r.status_code in (403, 404), (role, what, r.status_code)
        if p["state"] == "failed":  # fail closed: only running out of time is acceptable
            assert p["error"]["code"] == "timeout", p["error"]
            assert p["error"]["message_zh"] and p["error"]["hint_zh"]
            assert not os.path.exists(public)
            return
        assert p["state"] == "succeeded", p
        # the editor is told what happened: every row, which columns changed, scan passed
        report = show(w, rid)["report"]
        assert p["rows_done"] == rows and report["rows"] == rows
        changed = {c["column"]: c["cells_changed"] for c in report["columns"]}
        assert changed["身份证号"] == rows and changed["联系电话"] == rows, changed
        assert changed["序号"] == 0
        assert report["residual"]["passed"] is True
        # the desensitized copy (public once reviewed): no original name, ID or phone
        # anywhere, every row there, the other columns as they were
        leaked, lines = _scan(public, sensitive)
        assert lines == rows + 1
        assert not leaked, sorted(leaked)[:5]
        with open(public, "rb") as f:
            assert next(f).decode().rstrip("\n").split(",") == HEADER
            for r, line in zip(block, f):
                assert [line.decode().rstrip("\n").split(",")[i] for i in kept] == \
                    [r[i] for i in kept]
        print("1 GB test: output checked in %.0f s; whole test %.0f s"
              % (time.monotonic() - finished, time.monotonic() - started))
    finally:
        if big.exists():
            big.unlink()
        if rid:  # the 1 GB original and its copy live in the shared test storage
            storage.remove_public(rid)
            storage.discard_original(original)
