"""Benchmark of the publication pipeline (issue 7) against the desensitize CLI.

    CKAN_SQLALCHEMY_URL=postgresql://govopen:govopen@127.0.0.1:5432/<bench db> \\
        .venv/bin/python benchmarks/publication.py [--ini test-govopen.ini] [--csv FILE] [--runs 1]

The same 200,000-row CSV (benchmarks/data/table.csv of benchmarks/desensitize_data.py:
19 columns, 64 MB; generated if missing) goes

1. through `desensitize apply FILE -o OUT --no-progress` (a fresh CLI process), and
2. through the portal: `resource_create` with the file as an upload (the call a web
   form or ckanapi makes, timed on its own) → the job on Redis → a real
   `ckan jobs worker` process → state `succeeded`, timed from the upload call to the
   row saying succeeded.

WARNING: it resets the database named by CKAN_SQLALCHEMY_URL (use a scratch one).
Its own queue (on tests/live.py's Redis), so no other worker takes the job.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
# appended, not first: a folder in tests/ must not shadow a library (tests/desensitize)
sys.path.append(os.path.join(ROOT, "tests"))
import live  # noqa: E402  (tests/live.py: child ini, worker process)

QUEUE = "govopen_publication_bench_%d" % os.getpid()


def child_ini(tmp, ini):
    return live.write_child_ini(tmp, "bench", ini, {
        "ckan.redis.url": live.REDIS_URL, "govopen.publication.queue": QUEUE,
        "ckan.storage_path": tmp + "/storage", "ckan.max_resource_size": 4096})


def ensure_csv(path):
    if not os.path.exists(path):
        subprocess.run([sys.executable, os.path.join(ROOT, "benchmarks", "desensitize_data.py")],
                       check=True, cwd=ROOT)
    return path


def cli_seconds(csv_path, tmp):
    env = dict(os.environ, PYTHONPATH=os.path.join(ROOT, "desensitize"))
    out = os.path.join(tmp, "cli-out.csv")
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "desensitize", "apply", csv_path, "-o", out,
                    "--no-progress", "--report", os.path.join(tmp, "cli-report.json")],
                   check=True, env=env, cwd=tmp)
    return time.perf_counter() - t0


def pipeline(csv_path, ini_path, tmp):
    from ckan.cli import load_config
    from ckan.config.middleware import make_app
    conf = load_config(ini_path)
    app = make_app(conf)
    with app._wsgi_app.test_request_context():
        import ckanapi
        import ckan.model as model
        from ckan.cli.db import _run_migrations
        from ckan.tests import helpers, factories
        helpers.reset_db()
        for name in ("activity", "govopen_search", "govopen"):
            try:
                _run_migrations(name)
            except Exception as e:  # a plugin without migrations
                print("migrations", name, e)
        from ckan.lib.jobs import get_queue
        get_queue(QUEUE).empty()
        editor = factories.User(name="bench_editor")
        org = factories.Organization(users=[{"name": editor["name"], "capacity": "editor"}])
        ck = ckanapi.LocalCKAN(username=editor["name"])
        pkg = ck.action.package_create(name="bench-publication", title="基准", owner_org=org["id"],
                                       open_type="unconditional", resource_category="basic",
                                       theme="transport", update_cycle="monthly",
                                       open_method="download", spatial_code="110000",
                                       share_type="unconditional", contact_name="张三",
                                       contact_email="a@example.gov.cn", contact_phone="010-12345678",
                                       record_count="200000")
        # the worker is up before the upload, as in production
        worker = live.start_worker(ini_path, QUEUE, os.path.join(tmp, "worker.log")).wait_ready()
        try:
            t0 = time.perf_counter()
            with open(csv_path, "rb") as fh:
                res = ck.call_action("resource_create", {"package_id": pkg["id"], "name": "table",
                                                         "format": "CSV"},
                                     files={"upload": ("table.csv", fh)})
            upload = time.perf_counter() - t0
            from ckanext.govopen.publication import state
            samples = []
            while True:
                model.Session.remove()
                row = state.get_row(res["id"])
                samples.append((time.perf_counter() - t0, row.state, row.rows_done))
                if row.state in ("succeeded", "failed"):
                    break
                if time.perf_counter() - t0 > 3600:
                    raise RuntimeError("timed out")
                time.sleep(0.1)
            total = time.perf_counter() - t0
            started = next((t for t, s, _ in samples if s == "running"), None)
            gaps, last = [], None
            for t, s, d in samples:
                if s == "running" and d != last:
                    gaps.append(t)
                    last = d
            max_gap = max((b - a for a, b in zip(gaps, gaps[1:])), default=0)
            return {"state": row.state, "upload_s": upload, "end_to_end_s": total,
                    "queue_wait_s": started, "job_s": (row.finished_at - row.started_at).total_seconds()
                    if row.finished_at and row.started_at else None,
                    "rows": row.rows_done, "max_progress_gap_s": max_gap,
                    "error": row.error}
        finally:
            worker.stop()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ini", default=os.path.join(ROOT, "test-govopen.ini"))
    ap.add_argument("--csv", default=os.path.join(ROOT, "benchmarks", "data", "table.csv"))
    args = ap.parse_args()
    csv_path = ensure_csv(os.path.abspath(args.csv))
    tmp = tempfile.mkdtemp(prefix="govopen-pub-bench-")
    ini_path = child_ini(tmp, args.ini)
    size_mb = os.path.getsize(csv_path) / 1024 / 1024
    cli = cli_seconds(csv_path, tmp)
    pipe = pipeline(csv_path, ini_path, tmp)
    load = os.getloadavg()[0]
    print(f"\n#### Publication pipeline vs CLI: {os.path.basename(csv_path)} ({size_mb:.0f} MB)\n")
    print("| run | seconds |\n|---|---:|")
    print(f"| `desensitize apply` CLI (fresh process) | {cli:.2f} |")
    print(f"| upload call (resource_create with the file) | {pipe['upload_s']:.2f} |")
    print(f"| waiting in the queue (upload → job running) | {pipe['queue_wait_s'] or 0:.2f} |")
    print(f"| job in the worker (started → succeeded) | {pipe['job_s'] or 0:.2f} |")
    print(f"| **pipeline end to end** (upload → succeeded) | **{pipe['end_to_end_s']:.2f}** |")
    print(f"\nstate {pipe['state']}, rows {pipe['rows']}, overhead over the CLI "
          f"{100 * (pipe['end_to_end_s'] / cli - 1):+.1f}% (target ≤ +30%), "
          f"largest gap between progress updates {pipe['max_progress_gap_s']:.2f} s, "
          f"load average {load:.1f} on {os.cpu_count()} cores")
    if pipe["error"]:
        print("error:", pipe["error"])


if __name__ == "__main__":
    main()
