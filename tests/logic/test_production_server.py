"""The production server and the anonymous page cache (issue 19), on a live portal.

The world (tests/govopen_world.py) is served the way `make run` serves the demo
(scripts/run.sh): gunicorn with config/gunicorn.conf.py and the project's WSGI entry
``ckanext.govopen.wsgi:application``, on a free loopback port, with a child ini of the
TEST ini (the test database, never the demo one), sessions in Redis and CSRF on as in
production, and the page cache on (``govopen.page_cache.seconds``).
"""
from __future__ import annotations

import os
import re
import signal
import threading
import time

import pytest
import requests

import live
from govopen_world import TITLES

CACHE = "X-GovOpen-Cache"


@pytest.fixture(scope="module")
def portal(request, tmp_path_factory):
    from govopen_world import build_world_served
    world = build_world_served()
    port = live.free_port()
    tmp = str(tmp_path_factory.mktemp("prod"))
    ini = live.write_child_ini(tmp, "prod", request.config.getoption("--ckan-ini"), {
        "ckan.site_url": live.loopback_url(port), **live.BROWSER_SITE,
        "ckan.redis.url": live.REDIS_URL, "govopen.page_cache.seconds": "300"})
    access = os.path.join(tmp, "access.log")
    # as `make run` starts it, only with 2 workers (the machine may have more cores)
    server = live.start_gunicorn(ini, port, os.path.join(tmp, "server.log"), workers=2,
                                 access_log=access)
    try:
        yield {**world, "url": server.url, "server": server, "access_log": access}
    finally:
        server.stop(grace=20)


def anon(portal, path, session=None, **kw):
    return (session or requests).get(portal["url"] + path, timeout=30, **kw)


def login(portal, role) -> requests.Session:
    """A browser-like session signed in through CKAN's login form (CSRF token included)."""
    s = requests.Session()
    page = s.get(portal["url"] + "/user/login", timeout=30).text
    token = re.search(r'name="_csrf_token" value="([^"]+)"', page).group(1)
    r = s.post(portal["url"] + "/user/login", timeout=30, data={
        "login": portal["users"][role]["name"], "password": portal["password"],
        "_csrf_token": token})
    assert r.status_code == 200 and "/user/login" not in r.url, r.text[-2000:]
    return s


def nonce_of(response) -> str:
    return re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"]).group(1)


# ------------------------------------------------------------------ the server
def test_served_by_gunicorn_not_the_development_server(portal):
    r = anon(portal, "/dataset/" + portal["datasets"]["unconditional"]["pkg"]["name"])
    assert r.status_code == 200
    assert r.headers["Server"].startswith("gunicorn")
    assert "werkzeug" not in r.headers["Server"].lower()
    assert TITLES["unconditional"] in r.text
    log = portal["server"].log_tail(20000)
    assert "development server" not in log.lower()
    assert "Booting worker" in log
    time.sleep(0.5)  # the access log is written after the answer
    with open(portal["access_log"]) as f:
        assert re.search(r'"GET /dataset/\S+ HTTP/1\.1" 200 \d+ \d+ms', f.read())


def _workers(server) -> set:
    return set(server.descendants()) - {server.proc.pid}


def test_hup_restarts_workers_gracefully(portal):
    server = portal["server"]
    before = _workers(server)
    assert len(before) == 2
    failures, done = [], threading.Event()

    def hammer():
        while not done.is_set():
            try:
                r = anon(portal, "/api/3/action/status_show")
                if r.status_code != 200:
                    failures.append(r.status_code)
            except requests.RequestException as e:
                failures.append(repr(e))
    t = threading.Thread(target=hammer)
    t.start()
    try:
        os.kill(server.proc.pid, signal.SIGHUP)
        deadline = time.time() + 60
        while time.time() < deadline:
            now = _workers(server)
            if len(now) == 2 and not (now & before):
                break
            time.sleep(0.5)
        else:
            pytest.fail("workers not replaced after HUP: %s -> %s" % (before, _workers(server)))
        # the new workers answer
        assert anon(portal, "/api/3/action/status_show").status_code == 200
    finally:
        done.set()
        t.join()
    assert server.running()
    assert failures == []


# ------------------------------------------------------------------ the anonymous page cache
def test_anonymous_page_is_cached_with_a_fresh_nonce(portal):
    path = "/dataset/" + portal["datasets"]["unconditional"]["pkg"]["name"]
    first, second = anon(portal, path), anon(portal, path)
    assert first.headers.get(CACHE) in ("miss", "hit")
    assert second.headers.get(CACHE) == "hit"
    assert TITLES["unconditional"] in second.text
    # each answer has its own nonce (inline scripts get it: test_stored_pages_get_...)
    n1, n2 = nonce_of(first), nonce_of(second)
    assert n1 != n2 and n1 not in second.text
    # the filler's CSRF token is not in the next visitor's page
    assert csrf_of(first) not in second.text


def test_api_package_search_cached_for_anonymous_only(portal):
    path = "/api/3/action/package_search?q=%E5%85%AC%E4%BA%A4&rows=5"
    anon(portal, path)
    r = anon(portal, path)
    assert r.status_code == 200 and r.headers.get(CACHE) == "hit"
    assert r.json()["result"]["count"] >= 1
    authed = anon(portal, path, headers={"Authorization": portal["tokens"]["dept_editor"]})
    assert authed.status_code == 200 and CACHE not in authed.headers


def test_logged_in_pages_never_enter_or_come_from_the_cache(portal):
    entry = portal["datasets"]["not_open"]
    path = "/dataset/" + entry["pkg"]["name"]
    secret = entry["external"]["url"]
    editor = login(portal, "dept_editor")
    for _ in range(2):
        seen = editor.get(portal["url"] + path, timeout=30)
        assert seen.status_code == 200
        assert CACHE not in seen.headers  # neither served from nor stored in the cache
    # the department's editor sees the restricted link on the resource's page
    res_page = editor.get(portal["url"] + path + "/resource/" + entry["external"]["id"], timeout=30)
    assert secret in res_page.text and CACHE not in res_page.headers
    # an anonymous visitor after them gets the anonymous answer, filled afresh
    for page in (path, path + "/resource/" + entry["external"]["id"]):
        r = anon(portal, page)
        assert r.headers.get(CACHE) in ("miss", None), page
        assert secret not in r.text
        again = anon(portal, page)
        assert secret not in again.text
    # and a logged-in user is never served the anonymous copy
    mine = editor.get(portal["url"] + path + "/resource/" + entry["external"]["id"], timeout=30)
    assert CACHE not in mine.headers and secret in mine.text


def test_an_edit_shows_at_once(portal):
    entry = portal["datasets"]["unconditional"]
    path = "/dataset/" + entry["pkg"]["name"]
    token = portal["tokens"]["dept_editor"]
    anon(portal, path)
    assert anon(portal, path).headers.get(CACHE) == "hit"
    search = "/dataset/?q=" + requests.utils.quote("新标题")
    assert "公交站点客流统计新标题" not in anon(portal, search).text
    live.action_result(portal["url"], "package_patch", token, id=entry["pkg"]["id"],
                       title="公交站点客流统计新标题")
    r = anon(portal, path)
    assert "公交站点客流统计新标题" in r.text and r.headers.get(CACHE) != "hit"
    assert "公交站点客流统计新标题" in anon(portal, search).text
    # a resource change
    live.action_result(portal["url"], "resource_patch", token, id=entry["external"]["id"],
                       name="外部链接改名")
    assert "外部链接改名" in anon(portal, path).text
    # private (unpublished) at once: anonymous gets no page, from the cache neither
    assert anon(portal, path).headers.get(CACHE) == "hit"
    live.action_result(portal["url"], "package_patch", token, id=entry["pkg"]["id"],
                       private=True)
    gone = anon(portal, path)
    assert gone.status_code in (403, 404) and "公交站点客流统计新标题" not in gone.text
    live.action_result(portal["url"], "package_patch", token, id=entry["pkg"]["id"],
                       private=False)
    assert anon(portal, path).status_code == 200


def test_an_open_type_change_shows_at_once(portal):
    entry = portal["datasets"]["conditional"]
    path = "/dataset/" + entry["pkg"]["name"]
    anon(portal, path)
    before = anon(portal, path)
    assert before.headers.get(CACHE) == "hit"
    live.action_result(portal["url"], "package_patch", portal["tokens"]["dept_admin"],
                       id=entry["pkg"]["id"], open_type="not_open",
                       open_type_change_reason="测试：改为不予开放")
    after = anon(portal, path)
    assert after.headers.get(CACHE) != "hit"
    assert after.text != before.text


def csrf_of(page) -> str:
    return re.search(r'name="_csrf_token" (?:value|content)="([^"]+)"', page.text).group(1)


def test_one_visitors_csrf_token_and_session_never_reach_another(portal):
    """Every CKAN page carries the visitor's CSRF token (meta tag, language form). The
    visitor whose visit fills the cache keeps theirs; the next one gets a page with
    their own token and their own session, and that token works for them."""
    path = "/dataset/?q=" + requests.utils.quote("出租车")
    a, b = requests.Session(), requests.Session()
    page_a = a.get(portal["url"] + path, timeout=30)
    token_a, cookie_a = csrf_of(page_a), a.cookies.get("ckan")
    assert token_a and cookie_a
    page_b = b.get(portal["url"] + path, timeout=30)
    assert page_b.headers.get(CACHE) == "hit"
    token_b, cookie_b = csrf_of(page_b), b.cookies.get("ckan")
    assert token_b != token_a and token_a not in page_b.text
    assert cookie_b and cookie_b != cookie_a and cookie_a not in page_b.text
    assert "__govopen_page_cache_csrf__" not in page_b.text
    # each page's token is the signed form of the raw token in that visitor's own
    # server-side session (Redis), which is what flask-wtf checks a form against
    assert raw_token(token_a) == session_of(cookie_a)["_csrf_token"]
    assert raw_token(token_b) == session_of(cookie_b)["_csrf_token"]
    assert raw_token(token_a) != raw_token(token_b)
    # and B's token works for B: the login form answers (no 400 "CSRF token invalid")
    ok = b.post(portal["url"] + "/user/login", allow_redirects=False, timeout=30,
                data={"login": "nobody-%d" % time.time_ns(), "password": "x",
                      "_csrf_token": token_b})
    assert ok.status_code != 400, ok.text[-500:]


def raw_token(signed: str) -> str:
    """flask-wtf's token is itsdangerous-signed: base64(JSON raw token).timestamp.signature."""
    import base64
    import json
    payload = signed.split(".")[0]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def session_of(cookie: str) -> dict:
    """The server-side session (Flask-Session on Redis) named by a session cookie."""
    import json
    import redis
    raw = redis.Redis.from_url(live.REDIS_URL).get("session:" + cookie.split(".")[0])
    assert raw is not None, "no session in Redis for this cookie"
    return json.loads(raw)


def test_sessions_with_a_user_or_messages_are_personal():
    """A visitor with a user or a message waiting (a flash) gets their page made for
    them, not the cached one; a CSRF token alone does not make a session personal."""
    from ckanext.govopen import page_cache
    assert page_cache.session_is_personal(["_flashes"])
    assert page_cache.session_is_personal(["_user_id"])
    assert not page_cache.session_is_personal(["_permanent", "_csrf_token"])


def test_keys_ignore_parameter_order_and_carry_language_and_generation():
    from ckanext.govopen import page_cache as pc
    a = pc.page_key("s", 3, "zh_Hans_CN", "/dataset/", [("q", "公交"), ("open_type", "x")])
    b = pc.page_key("s", 3, "zh_Hans_CN", "/dataset/", [("open_type", "x"), ("q", "公交")])
    assert a == b
    assert a != pc.page_key("s", 4, "zh_Hans_CN", "/dataset/", [("q", "公交"), ("open_type", "x")])
    assert a != pc.page_key("s", 3, "en", "/dataset/", [("q", "公交"), ("open_type", "x")])
    assert pc.endpoint_is_cached("api.action", {"logic_function": "package_search"}, "GET")
    assert not pc.endpoint_is_cached("api.action", {"logic_function": "package_show"}, "GET")
    assert not pc.endpoint_is_cached("dataset.read", {}, "POST")
    assert not pc.endpoint_is_cached("user.login", {}, "GET")


def test_stored_pages_get_the_served_responses_nonce_and_visitors_token():
    from ckanext.govopen import page_cache as pc
    page = b'<meta name="_csrf_token" content="TOKEN-A"/><script nonce="N1">x()</script>' \
           b'<input name="_csrf_token" value="TOKEN-A"/>'
    stored = pc.body_to_store(page, "TOKEN-A")
    assert b"TOKEN-A" not in stored
    served = pc.body_to_serve(stored, "N1", "N2", lambda: "TOKEN-B")
    assert served == page.replace(b"TOKEN-A", b"TOKEN-B").replace(b"N1", b"N2")
    calls = []
    pc.body_to_serve(b"<p>no form</p>", "", "N2", lambda: calls.append(1) or "T")
    assert calls == []  # no token made for a page without one
