"""Issue 16 end to end in headless Chromium against a live `ckan run`: a citizen
queries an unconditional table by the API without a key until the anonymous quota
(set to 3 calls a day for this server) answers 429 with Retry-After and a message in
Chinese; then logs in, goes from the dataset page to its API page (接口说明), creates an
application there, sees its key once in the curl and ckanapi examples, and continues
with the key in the Authorization header. Screenshots: tests/e2e/screenshots/."""
from __future__ import annotations

import json
import re

import pytest

import live

pytestmark = pytest.mark.e2e

ANONYMOUS_CALLS = 3


def _forget_loopback_counters():
    """Today's quota counters of 127.0.0.1 start at 0 (the readiness check of the
    server calls the API too, and an earlier run the same day left its counts)."""
    import redis
    r = redis.Redis.from_url(live.REDIS_URL)
    for key in r.scan_iter("*govopen*ip:127.0.0.1*"):
        r.delete(key)


def _loopback_counters() -> dict:
    """The quota counters of 127.0.0.1 in Redis (to say what was counted when a
    remaining count is not the one expected)."""
    import redis
    r = redis.Redis.from_url(live.REDIS_URL)
    return {k.decode(): r.get(k) for k in r.scan_iter("*govopen*ip:127.0.0.1*")}


@pytest.fixture(scope="module")
def portal(serve_world):
    _forget_loopback_counters()
    p = serve_world("e2e-data-api", settings={
        # the counters this test clears and reads: without it the server used CKAN's
        # default Redis database and the test cleared another (CI: one call too many)
        "ckan.redis.url": live.REDIS_URL,
        "govopen.api_quota.anonymous.requests": str(ANONYMOUS_CALLS),
        "govopen.api_quota.user.requests": "100",
        "govopen.api_quota.application.requests": "100"})
    _forget_loopback_counters()
    return p


def test_citizen_api_until_429_then_creates_a_key_and_continues(browser, portal, shot,
                                                              page_problems):
    unc = portal["datasets"]["unconditional"]
    rid = unc["upload"]["id"]
    api_url = "%s/api/3/action/datastore_search?resource_id=%s&limit=5" % (portal["url"], rid)
    ctx = browser.new_context(**live.BROWSER_CONTEXT)
    page = ctx.new_page()
    _forget_loopback_counters()         # start from zero right before counting
    # 1. no key: the table by API, within the anonymous quota
    for n in range(ANONYMOUS_CALLS):
        resp = page.goto(api_url)
        assert resp.status == 200, resp.text()[:500]
        assert resp.headers["x-ratelimit-remaining"] == str(ANONYMOUS_CALLS - 1 - n), \
            _loopback_counters()
        body = json.loads(resp.text())
        assert body["result"]["records"][0]["站点"] == "天安门东"
    shot(page, "data-api-01-anonymous-json")
    # 2. over it: 429, Retry-After, the reason in Chinese with the way out
    page_problems.allow(429, "/api/3/action/datastore_search")
    resp = page.goto(api_url)
    assert resp.status == 429
    retry = int(resp.headers["retry-after"])
    assert 0 < retry <= 86400
    message = json.loads(resp.text())["error"]["message"]
    assert "已达上限" in message and "应用" in message and str(retry) in message, message
    assert "已达上限" in page.inner_text("body")      # what the citizen sees
    shot(page, "data-api-02-quota-429")
    # 3. logs in, dataset page → 接口说明 → create an application there
    live.sign_in(page, portal["url"], portal["users"]["citizen"]["name"], portal["password"])
    page.goto("%s/dataset/%s" % (portal["url"], unc["pkg"]["name"]))
    page.click(".govopen-api-link a")
    page.wait_for_load_state()
    assert page.url.endswith("/dataset/%s/api" % unc["pkg"]["name"]), page.url
    assert "接口说明" in page.inner_text("h1")
    shot(page, "data-api-03-api-page-before")
    page.fill("#app-title", "公交到站查询")
    page.fill("#app-description", "个人小程序")
    page.click("#govopen-api-create-app")
    page.wait_for_load_state()
    key = page.input_value("#govopen-new-token")
    assert key and "只显示这一次" in page.inner_text(".govopen-new-key")
    examples = page.inner_text("pre.govopen-api-example >> nth=0")
    assert 'Authorization: %s' % key in examples and rid in examples
    assert any('apikey="%s"' % key in t for t in page.locator("pre.govopen-api-example").all_inner_texts())
    shot(page, "data-api-04-key-shown-once")
    # 4. continues with the key: the same call from the same (exhausted) address
    status, body = live.post_action(portal["url"], "datastore_search", key, resource_id=rid, limit=5)
    assert status == 200 and body["result"]["records"][0]["站点"] == "天安门东", body
    status, _ = live.post_action(portal["url"], "datastore_search", None, resource_id=rid)
    assert status == 429                               # without it, still refused
    # 5. a later visit: the application's name and a placeholder, never the key
    page.goto("%s/dataset/%s/api" % (portal["url"], unc["pkg"]["name"]))
    html = page.content()
    assert key not in html
    assert re.search("应用「公交到站查询」的密钥", page.inner_text("pre.govopen-api-example >> nth=0"))
    shot(page, "data-api-05-later-visit-placeholder")
    ctx.close()
