"""Benchmark of the DataStore (issue 16): loading and searching a 1,000,000-row table.

    CKAN_SQLALCHEMY_URL=postgresql://govopen:govopen@127.0.0.1:5432/<scratch db> \\
    CKAN_DATASTORE_WRITE_URL=postgresql://govopen:govopen@127.0.0.1:5432/<scratch db>_datastore \\
    CKAN_DATASTORE_READ_URL=postgresql://govopen_ro:govopen_ro@127.0.0.1:5432/<scratch db>_datastore \\
        .venv/bin/python benchmarks/datastore.py [--rows 1000000] [--clients 20] [--requests 1000]

1. A table of ``--rows`` rows (编号 with leading zeros, 日期, 区县, 站点, 客流, 金额, 身份证号)
   is generated and desensitized (``desensitize.apply``, as the publication job does;
   not timed), then loaded by ``publication.datastore.load_file`` — the loader the gate
   uses: type inference over every cell, ``datastore_create``, PostgreSQL COPY, the
   full-text column, indexes. Printed: rows/s, and the time of each phase.
2. The resource is made public the way the portal does it (unconditional entry, the
   reviewer's signature) and a live server (``ckan run --threaded`` on 127.0.0.1, or
   gunicorn with ``--gunicorn N`` workers when installed) answers ``datastore_search``
   with a filter + sort + limit 100 over HTTP from ``--clients`` concurrent clients
   (threads, keep-alive connections), ``--requests`` requests in all; p50/p95/p99 printed.

Targets (issue 16, our 2-core machine): loading ≥ 50,000 rows/s, search p95 ≤ 100 ms.
Only 127.0.0.1 is ever contacted; the load is bounded by ``--requests``.
WARNING: it resets the databases named by CKAN_SQLALCHEMY_URL / CKAN_DATASTORE_WRITE_URL
(use scratch ones: scripts/ensure_db.sh and scripts/ensure_datastore.sh create them).
"""
from __future__ import annotations

import argparse
import csv
import http.client
import json
import os
import random
import statistics
import sys
import tempfile
import threading
import time
import urllib.parse

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
# this folder holds benchmarks/desensitize.py: it must not shadow the desensitize library
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != HERE]
sys.path.append(os.path.join(ROOT, "tests"))
import live  # noqa: E402  (tests/live.py: child ini, server process)

DISTRICTS = ["渝中区", "江北区", "南岸区", "沙坪坝区", "九龙坡区", "大渡口区", "渝北区", "巴南区",
             "北碚区", "万州区", "涪陵区", "黔江区", "长寿区", "江津区", "合川区", "永川区"]


def id_number(rng) -> str:
    body = "500103%04d%02d%02d%03d" % (rng.randint(1950, 2005), rng.randint(1, 12),
                                       rng.randint(1, 28), rng.randint(0, 999))
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    check = "10X98765432"[sum(int(c) * w for c, w in zip(body, weights)) % 11]
    return body + check


def make_table(path: str, rows: int) -> None:
    rng = random.Random(16)
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["编号", "日期", "区县", "站点", "客流", "金额", "身份证号"])
        for i in range(rows):
            w.writerow(["%08d" % i, "2025-%02d-%02d" % (1 + i % 12, 1 + i % 28),
                        DISTRICTS[i % len(DISTRICTS)], "站点%d" % (i % 5000),
                        rng.randint(0, 50000), "%d.%02d" % (rng.randint(0, 9999), i % 100),
                        id_number(rng) if i % 50 == 0 else ""])


def setup(ini_path: str, table: str, tmp: str):
    """Reset the scratch databases, create an unconditional entry whose resource passed
    the gate, load the table. Returns (app, resource_id, load result, desensitize seconds)."""
    import subprocess
    from ckan.cli import load_config
    from ckan.config.middleware import make_app
    subprocess.run([live.CKAN, "-c", ini_path, "db", "init"], check=True, cwd=ROOT,
                   stdout=subprocess.DEVNULL)
    conf = load_config(ini_path)
    app = make_app(conf)
    with app._wsgi_app.test_request_context():
        import desensitize
        import ckan.model as model
        from ckan.cli.db import _run_migrations
        from ckan.tests import factories, helpers
        from ckanext.govopen.publication import datastore as ds
        helpers.reset_db()
        import sqlalchemy as sa
        from ckanext.datastore.backend.postgres import get_write_engine, identifier
        with get_write_engine().begin() as conn:  # the scratch DataStore's tables
            for (name,) in conn.execute(sa.text("select tablename from pg_tables "
                                                "where schemaname = 'public'")).fetchall():
                conn.execute(sa.text("DROP TABLE %s CASCADE" % identifier(name)))
        for name in ("activity", "govopen_search", "govopen"):
            try:
                _run_migrations(name)
            except Exception as e:  # a plugin without migrations
                print("migrations", name, e)
        os.environ.setdefault("DESENSITIZE_SECRET", "benchmark-only")
        public = os.path.join(tmp, "public.csv")
        t0 = time.perf_counter()
        report = desensitize.apply(table, public).to_dict()
        desens = time.perf_counter() - t0
        admin = factories.User(name="bench_admin")
        org = factories.Organization(users=[{"name": admin["name"], "capacity": "admin"}])
        ctx = {"user": admin["name"]}
        pkg = helpers.call_action("package_create", dict(ctx), name="bench-datastore",
                                  title="基准 DataStore", owner_org=org["id"],
                                  open_type="unconditional", resource_category="basic",
                                  theme="transport", update_cycle="monthly",
                                  open_method="download", spatial_code="500000",
                                  share_type="unconditional", contact_name="张三",
                                  contact_email="a@example.gov.cn", contact_phone="023-12345678",
                                  record_count=str(report["rows"]))
        # a link resource: its gate passes on the reviewer's attestation (the table itself
        # is loaded below from the desensitized file, as the job would load it)
        res = helpers.call_action("resource_create", dict(ctx), package_id=pkg["id"],
                                  name="客流", format="CSV",
                                  url="https://data.example.invalid/bench.csv")
        helpers.call_action("govopen_publication_review", dict(ctx), id=res["id"], note="基准",
                            checklist={"no_state_secret": True, "no_trade_secret": True,
                                       "personal_data_within_policy": True,
                                       "open_type_correct": True})
        helpers.call_action("package_patch", dict(ctx), id=pkg["id"], private=False)
        model.repo.commit()
        result = ds.load_file(res["id"], public, report)
        return res["id"], result, desens


def search_load(base: str, resource_id: str, clients: int, requests: int) -> list:
    """``requests`` datastore_search calls from ``clients`` threads (keep-alive)."""
    url = urllib.parse.urlsplit(base)
    lat, lock, errors = [], threading.Lock(), []
    todo = iter(range(requests))

    def client(seed):
        rng = random.Random(seed)
        conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
        while True:
            with lock:
                n = next(todo, None)
            if n is None:
                break
            body = json.dumps({"resource_id": resource_id,
                               "filters": {"区县": rng.choice(DISTRICTS)},
                               "sort": "客流 desc", "limit": 100}).encode()
            t0 = time.perf_counter()
            conn.request("POST", "/api/3/action/datastore_search", body,
                         {"Content-Type": "application/json"})
            resp = conn.getresponse()
            data = resp.read()
            dt = time.perf_counter() - t0
            if resp.status != 200 or len(json.loads(data)["result"]["records"]) != 100:
                errors.append((resp.status, data[:200]))
            with lock:
                lat.append(dt)
        conn.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        print("errors:", len(errors), errors[:3])
    return lat


class Gunicorn(live.Server):
    """The same app under gunicorn (several processes: the 2 cores, not one GIL)."""

    def start(self):
        import subprocess
        self._log_file = open(self.log, "a")
        self.proc = subprocess.Popen(self.gunicorn_args, cwd=ROOT, stdout=self._log_file,
                                     stderr=subprocess.STDOUT, env=os.environ.copy(),
                                     start_new_session=True)
        return self


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ini", default=os.path.join(ROOT, "test-govopen.ini"))
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--requests", type=int, default=1000)
    ap.add_argument("--gunicorn", type=int, default=0,
                    help="serve with gunicorn and N worker processes (if installed)")
    args = ap.parse_args()
    if not os.environ.get("CKAN_SQLALCHEMY_URL") or not os.environ.get("CKAN_DATASTORE_WRITE_URL"):
        sys.exit("set CKAN_SQLALCHEMY_URL and CKAN_DATASTORE_WRITE_URL/READ_URL to scratch databases")
    tmp = tempfile.mkdtemp(prefix="govopen-ds-bench-")
    ini = live.write_child_ini(tmp, "bench", args.ini, {
        "ckan.redis.url": live.REDIS_URL, "ckan.storage_path": tmp + "/storage",
        "govopen.publication.queue": "govopen_ds_bench_%d" % os.getpid(),
        "govopen.datastore.load_inline": "false"})
    table = os.path.join(tmp, "table.csv")
    make_table(table, args.rows)
    rid, result, desens = setup(ini, table, tmp)
    load_avg_load = os.getloadavg()
    rows = result["rows"]
    phases = result.get("phases", {})
    print(f"\n#### DataStore load: {rows:,} rows × {len(result['fields'])} columns "
          f"({os.path.getsize(table) / 1e6:.0f} MB CSV)\n")
    print("| phase | seconds |\n|---|---:|")
    for name, sec in phases.items():
        print(f"| {name} | {sec:.2f} |")
    print(f"| **total** | **{result['seconds']:.2f}** |")
    print(f"\nload: **{rows / result['seconds']:,.0f} rows/s** (target ≥ 50,000); "
          f"COPY alone {rows / result['copy_seconds']:,.0f} rows/s; desensitize before it "
          f"{desens:.1f} s (not counted); types: "
          + ", ".join(f"{f['id']} {f['type']}" for f in result["fields"])
          + f"; load average {load_avg_load[0]:.2f} on {os.cpu_count()} cores")

    port = live.free_port()
    log = os.path.join(tmp, "server.log")
    gunicorn = os.path.join(os.path.dirname(sys.executable), "gunicorn")
    if args.gunicorn and os.path.exists(gunicorn):
        wsgi = os.path.join(tmp, "wsgi.py")
        with open(wsgi, "w") as f:
            f.write("from ckan.config.middleware import make_app\n"
                    "from ckan.cli import load_config\n"
                    "application = make_app(load_config(%r))\n" % ini)
        server = Gunicorn(ini, port, log)
        server.gunicorn_args = [gunicorn, "-w", str(args.gunicorn), "--threads", "4",
                                "-b", "127.0.0.1:%d" % port, "--chdir", tmp, "wsgi:application"]
        served = "gunicorn, %d workers × 4 threads" % args.gunicorn
    else:
        server = live.Server(ini, port, log, threaded=True)
        served = "ckan run --threaded (one process)"
    server.start()
    try:
        server.wait_ready(120)
        search_load(server.url, rid, 4, 40)  # warm-up: connections, caches
        t0 = time.perf_counter()
        lat = search_load(server.url, rid, args.clients, args.requests)
        wall = time.perf_counter() - t0
        la = os.getloadavg()
        # one client alone: the cost of a search without queueing behind the others
        single = [x * 1000 for x in search_load(server.url, rid, 1, 50)]
    finally:
        server.stop()
    ms = [x * 1000 for x in lat]
    print(f"\n#### datastore_search over HTTP: filter 区县 + sort 客流 desc + limit 100, "
          f"{args.clients} concurrent clients, {len(ms)} requests ({served})\n")
    print("| p50 | p95 | p99 | mean | throughput |\n|---:|---:|---:|---:|---:|")
    print(f"| {statistics.median(ms):.0f} ms | {pct(ms, 95):.0f} ms | {pct(ms, 99):.0f} ms | "
          f"{statistics.mean(ms):.0f} ms | {len(ms) / wall:.0f} req/s |")
    print(f"\none client alone, 50 requests: p50 {statistics.median(single):.0f} ms, "
          f"p95 {pct(single, 95):.0f} ms")
    print(f"\ntarget p95 ≤ 100 ms; load average {la[0]:.2f} / {la[1]:.2f} (1 / 5 min) on "
          f"{os.cpu_count()} cores")


if __name__ == "__main__":
    main()
