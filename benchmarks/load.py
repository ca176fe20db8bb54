"""Load benchmark of a running portal (issue 19): locust, headless, a fixed time.

    .venv/bin/python benchmarks/load.py --host http://127.0.0.1:5000 --users 50 --seconds 60

A mixed workload, no think time (each simulated user sends its next request when the
last one answered): anonymous visitors open the home page, the search page with facets,
dataset pages, download files of unconditional entries and call the API's
``package_search``; ``--citizens`` of the users (default 1 in 10) sign in with the
demo citizen account (README) and file applications for conditional entries and
demands. Prints one line per request kind (requests/s, p50/p95/p99 in ms, errors) and
a total line. Targets on our 2-core machine: ≥ 100 requests/s with 50 users, p95 ≤ 300
ms for pages, ≤ 150 ms for API search, 0 errors.

Point it at a portal started with its own database, e.g.
``DB_NAME=govopen_demo_load PORT=5099 make run`` (the demo data; never a real site:
it files applications and demands as the citizen). Only ``--host`` is contacted.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import re
import sys
import time
import urllib.parse
import urllib.request

from gevent import monkey  # locust runs on gevent; patch before anything opens sockets

monkey.patch_all()

from locust import HttpUser, constant, events, task  # noqa: E402
from locust.env import Environment  # noqa: E402

TARGETS: dict = {}
OPTS: dict = {}
FACETS = ["open_type", "organization", "theme", "res_format"]
WORDS = ["交通", "公交", "卫生", "医院", "市场", "企业", "环境", "空气", "社保", "就业", ""]
VALID_ID = "11010519491231002X"  # GB 11643's example number (checksum valid, not a person)


def discover(host: str) -> dict:
    """Dataset names, downloadable files of unconditional entries and conditional entries,
    from the portal's public API (before the clock starts)."""
    url = host + "/api/3/action/package_search?rows=1000"
    with urllib.request.urlopen(url, timeout=60) as r:
        results = json.load(r)["result"]["results"]
    names = [p["name"] for p in results]
    downloads, conditional = [], []
    for p in results:
        if p.get("open_type") == "conditional":
            conditional.append(p["id"])
        if p.get("open_type") != "unconditional":
            continue
        for res in p.get("resources", []):
            u = res.get("url") or ""
            if u.startswith(host) and "/download/" in u:
                downloads.append(urllib.parse.urlsplit(u).path)
    if not names:
        sys.exit("the portal at %s lists no datasets" % host)
    return {"names": names, "downloads": downloads, "conditional": conditional}


class Visitor(HttpUser):
    """An anonymous visitor."""
    weight = 9
    wait_time = constant(0)

    @task(2)
    def home(self):
        self.client.get("/", name="home")

    @task(3)
    def search(self):
        params = [("q", random.choice(WORDS))]
        if random.random() < 0.6:
            params.append(("open_type", random.choice(["unconditional", "conditional", "not_open"])))
        if random.random() < 0.3:
            params.append(("page", str(random.randint(1, 2))))
        self.client.get("/dataset/?" + urllib.parse.urlencode(params), name="search page (facets)")

    @task(4)
    def dataset(self):
        self.client.get("/dataset/" + random.choice(TARGETS["names"]), name="dataset page")

    @task(1)
    def download(self):
        if TARGETS["downloads"]:
            self.client.get(random.choice(TARGETS["downloads"]), name="download (unconditional)")

    @task(3)
    def api_search(self):
        params = {"q": random.choice(WORDS), "rows": 10,
                  "facet.field": json.dumps(FACETS)}
        if random.random() < 0.5:
            params["fq"] = "open_type:%s" % random.choice(["unconditional", "conditional"])
        self.client.get("/api/3/action/package_search?" + urllib.parse.urlencode(params),
                        name="API package_search")


class Citizen(HttpUser):
    """The demo citizen, signed in, filing applications and demands."""
    weight = 1
    wait_time = constant(0)

    def on_start(self):
        page = self.client.get("/user/login", name="citizen: sign in").text
        token = re.search(r'name="_csrf_token" value="([^"]+)"', page).group(1)
        with self.client.post("/user/login", name="citizen: sign in", catch_response=True,
                              data={"login": OPTS["citizen"], "password": OPTS["password"],
                                    "_csrf_token": token}) as r:
            if "/user/login" in r.url:
                r.failure("sign-in refused")
        page = self.client.get("/dashboard/", name="citizen: dashboard").text
        m = re.search(r'name="_csrf_token" content="([^"]+)"', page)
        self.csrf = m.group(1) if m else ""

    def _action(self, name, kind, **params):
        with self.client.post("/api/3/action/" + name, json=params, name=kind,
                              headers={"X-CSRFToken": self.csrf}, catch_response=True) as r:
            if r.status_code != 200 or not r.json().get("success"):
                r.failure("%s %s" % (r.status_code, r.text[:200]))

    @task(2)
    def application(self):
        if not TARGETS["conditional"]:
            return
        today = dt.date.today()
        self._action("govopen_application_create", "citizen: application",
                     package_id=random.choice(TARGETS["conditional"]), purpose="交通规划研究（压测）",
                     scope="仅课题组内部使用", period_start=today.isoformat(),
                     period_end=(today + dt.timedelta(days=90)).isoformat(),
                     security_measures="专机存储，访问留痕", applicant_type="citizen",
                     real_name="王小明", id_number=VALID_ID, contact="13800000000")

    @task(2)
    def demand(self):
        self._action("govopen_demand_create", "citizen: demand",
                     title="压测需求 %d" % random.randint(1, 10 ** 9),
                     description="希望开放历年公交客流数据（压测）")

    @task(3)
    def dataset(self):
        self.client.get("/dataset/" + random.choice(TARGETS["names"]),
                        name="citizen: dataset page")


CACHE = {"hit": 0, "miss": 0, "none": 0}


@events.request.add_listener
def _count_cache(response=None, **kw):
    """How the portal's anonymous page cache answered (X-GovOpen-Cache)."""
    if response is not None and getattr(response, "headers", None) is not None:
        CACHE[response.headers.get("X-GovOpen-Cache", "none")] = \
            CACHE.get(response.headers.get("X-GovOpen-Cache", "none"), 0) + 1


def pct(entry, p):
    return entry.get_response_time_percentile(p) if entry.num_requests else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--host", default="http://127.0.0.1:5000")
    ap.add_argument("--users", type=int, default=50)
    ap.add_argument("--seconds", type=int, default=60)
    ap.add_argument("--citizens", type=int, default=None,
                    help="how many of the users are the signed-in citizen (default users/10)")
    ap.add_argument("--citizen", default="citizen")
    ap.add_argument("--password", default="Demo-2026-citizen")
    args = ap.parse_args()
    host = args.host.rstrip("/")
    TARGETS.update(discover(host))
    OPTS.update(citizen=args.citizen, password=args.password)
    citizens = args.citizens if args.citizens is not None else max(1, args.users // 10)
    Citizen.fixed_count = min(citizens, args.users)
    Visitor.host = Citizen.host = host
    env = Environment(user_classes=[Visitor, Citizen], events=events)
    runner = env.create_local_runner()
    runner.start(args.users, spawn_rate=args.users)  # everyone at once
    t0 = time.time()
    while time.time() - t0 < args.seconds:
        time.sleep(0.5)
    runner.quit()
    elapsed = time.time() - t0
    print("\n%d users (%d citizens), %d s, %s; %d datasets, %d downloadable files"
          % (args.users, Citizen.fixed_count, args.seconds, host, len(TARGETS["names"]),
             len(TARGETS["downloads"])))
    print("%-28s %9s %7s %7s %7s %7s" % ("kind", "req/s", "p50", "p95", "p99", "errors"))
    for (name, method), e in sorted(env.stats.entries.items()):
        print("%-28s %9.1f %7.0f %7.0f %7.0f %7d" % (
            name, e.num_requests / elapsed, pct(e, 0.5), pct(e, 0.95), pct(e, 0.99),
            e.num_failures))
    t = env.stats.total
    print("%-28s %9.1f %7.0f %7.0f %7.0f %7d" % (
        "total", t.num_requests / elapsed, pct(t, 0.5), pct(t, 0.95), pct(t, 0.99),
        t.num_failures))
    print("page cache (X-GovOpen-Cache): %(hit)d hits, %(miss)d misses, %(none)d not cacheable "
          "or no cache" % CACHE)
    for err in list(env.stats.errors.values())[:5]:
        print("error: %s %s ×%d: %s" % (err.method, err.name, err.occurrences, str(err.error)[:200]))


if __name__ == "__main__":
    main()
