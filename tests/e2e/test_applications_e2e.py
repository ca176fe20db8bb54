"""Issue 5 end to end against a live `ckan run` (tests/e2e/conftest.py's live_portal)
in headless Chromium: a citizen applies for conditional data, the department
proposes an extension that its head approves, and approves, the citizen downloads through
the portal and through the API with a token (both logged with the grant id), the
grant expires and the download is refused; a rejected application shows its
reasons; e-mails arrive in an aiosmtpd sink. Screenshots: tests/e2e/screenshots/."""
from __future__ import annotations

import datetime as dt
import os
import time

import pytest
import requests

import live

pytestmark = pytest.mark.e2e

VALID_ID = "11010519491231002X"


class Sink:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append({"to": list(envelope.rcpt_tos),
                              "data": envelope.content.decode("utf-8", "replace")})
        return "250 OK"


@pytest.fixture(scope="module")
def smtp_sink():
    """Started before the server: `ckan run` reads CKAN_SMTP_SERVER from the environment."""
    from aiosmtpd.controller import Controller
    sink = Sink()
    port = live.free_port()
    ctl = Controller(sink, hostname="127.0.0.1", port=port)
    ctl.start()
    old = os.environ.get("CKAN_SMTP_SERVER")
    os.environ["CKAN_SMTP_SERVER"] = "127.0.0.1:%d" % port
    yield sink
    ctl.stop()
    if old is None:
        os.environ.pop("CKAN_SMTP_SERVER", None)
    else:
        os.environ["CKAN_SMTP_SERVER"] = old


@pytest.fixture(scope="module")
def portal(smtp_sink, live_portal):
    return live_portal


def _login(browser, portal, role):
    return live.signed_in_page(browser, portal["url"], portal["users"][role]["name"],
                               portal["password"])


def _apply(page, portal, purpose):
    pkg = portal["datasets"]["conditional"]["pkg"]
    page.goto("%s/dataset/%s/apply/form" % (portal["url"], pkg["name"]))
    today = dt.date.today()
    page.fill("#f-purpose", purpose)
    page.fill("#f-scope", "仅用于课题组内部分析")
    page.fill("#f-period-start", today.isoformat())
    page.fill("#f-period-end", (today + dt.timedelta(days=60)).isoformat())
    page.fill("#f-security", "专用计算机存储，访问留痕，不对外提供")
    page.check("input[name=applicant_type][value=citizen]")
    page.fill("#f-real-name", "王小明")
    page.fill("#f-id-number", VALID_ID)
    page.fill("#f-contact", "13800000000")
    page.click("#govopen-apply-submit")
    page.wait_for_load_state()
    assert "/dashboard/requests/" in page.url, page.content()[:2000]
    return page.url.rstrip("/").rsplit("/", 1)[1]


def _act(page, action, **fields):
    form = page.locator("form.govopen-action[data-action=%s]" % action)
    for name, value in fields.items():
        el = form.locator("[name=%s]" % name)
        if el.evaluate("e => e.tagName") == "SELECT":  # the approver is chosen by name
            el.select_option(str(value))
        else:
            el.fill(str(value))
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()


def _download_url(portal):
    d = portal["datasets"]["conditional"]
    return "%s/dataset/%s/resource/%s/download/passengers.csv" % (portal["url"], d["pkg"]["id"],
                                                                  d["upload"]["id"])


def _grant_logs(request_id):
    import ckan.model as model
    from ckanext.govopen.model import Grant, GrantDownload
    model.Session.remove()
    g = model.Session.query(Grant).filter(Grant.request_id == request_id).one()
    return g, model.Session.query(GrantDownload).filter(GrantDownload.grant_id == g.id).all()


def test_apply_extend_approve_download_expire(portal, browser, shot, smtp_sink, page_problems):
    from govopen_world import CSV_BYTES
    citizen = _login(browser, portal, "citizen")
    smtp_sink.messages.clear()
    rid = _apply(citizen, portal, "交通规划研究")
    assert citizen.locator(".govopen-request").get_attribute("data-state") == "submitted"
    assert citizen.locator(".govopen-due-explanation li").count() >= 1
    assert VALID_ID not in citizen.content()  # the applicant sees the masked number
    shot(citizen, "requests-01-submitted")

    editor = _login(browser, portal, "dept_editor")
    editor.goto(portal["url"] + "/dashboard/reviews")
    assert editor.locator("tr[data-id='%s']" % rid).count() == 1
    shot(editor, "requests-02-review-queue")
    editor.goto(portal["url"] + "/dashboard/requests/" + rid)
    assert VALID_ID in editor.content()  # reviewers see the full number
    # the editor cannot extend (the head's own act): he proposes, the head approves (issue 12)
    assert editor.locator("form.govopen-action[data-action=extend]").count() == 0
    _act(editor, "propose_extension", reason="数据量大，需要脱敏处理", days=5)
    assert editor.locator(".govopen-request").get_attribute("data-state") == "extension_proposed"
    assert editor.locator("form.govopen-action[data-action=approve_extension]").count() == 0
    shot(editor, "requests-03-extension-proposed")
    head = _login(browser, portal, "dept_admin")
    head.goto(portal["url"] + "/dashboard/requests/" + rid)
    _act(head, "approve_extension")
    assert head.locator(".govopen-request").get_attribute("data-state") == "extended"
    editor.goto(portal["url"] + "/dashboard/requests/" + rid)
    assert editor.locator(".govopen-request").get_attribute("data-state") == "extended"
    assert editor.locator("form.govopen-action[data-action=propose_extension]").count() == 0  # only once
    _act(editor, "approve", conditions="不得向第三方提供")
    assert editor.locator(".govopen-request").get_attribute("data-state") == "approved"
    shot(editor, "requests-04-approved")

    # issue 17: nothing until the citizen accepts the data-use agreement on its page
    r = citizen.request.get(_download_url(portal))
    assert r.status == 403
    page_problems.allow(403, "/download/")
    citizen.goto(portal["url"] + "/dashboard/requests/" + rid)
    citizen.locator(".govopen-agreement-link a").click()
    citizen.wait_for_load_state()
    assert "数据开放利用协议" in citizen.locator(".govopen-agreement-text").inner_text()
    shot(citizen, "requests-04b-agreement")
    citizen.locator("#govopen-agreement-accept button[type=submit]").click()
    citizen.wait_for_load_state()
    assert "/agreement" not in citizen.url and citizen.locator(".govopen-grant-scope").count() == 1

    # the citizen downloads through the portal (session) and through the API (token)
    r = citizen.request.get(_download_url(portal))
    assert r.status == 200 and r.body() == CSV_BYTES, r.text()[:3000]
    r = requests.get(_download_url(portal), headers={"Authorization": portal["tokens"]["citizen"]}, timeout=10)
    assert r.status_code == 200 and r.content == CSV_BYTES
    g, logs = _grant_logs(rid)
    assert sorted(x.via for x in logs) == ["api", "portal"]
    citizen.goto(portal["url"] + "/dashboard/requests")
    assert citizen.locator("tr[data-grant='%s']" % g.id).count() == 1
    shot(citizen, "requests-05-my-applications")

    # expiry in the past (through the database) → refused, both ways
    import ckan.model as model
    g.expires = dt.datetime.utcnow() - dt.timedelta(minutes=1)
    model.Session.commit()
    page_problems.allow(403, "/download/")  # the refusal is what we check
    r = citizen.request.get(_download_url(portal))
    assert r.status == 403, (r.headers, r.text()[:500], g.expires, dt.datetime.utcnow())
    assert requests.get(_download_url(portal), headers={"Authorization": portal["tokens"]["citizen"]},
                        timeout=10).status_code == 403
    citizen.goto(_download_url(portal))
    shot(citizen, "requests-06-expired-refused")

    # e-mails: submission to the citizen and the department, extension, decision
    deadline = time.time() + 10
    while time.time() < deadline and len(smtp_sink.messages) < 3:
        time.sleep(0.2)
    to = [t for m in smtp_sink.messages for t in m["to"]]
    assert portal["users"]["citizen"]["email"] in to and portal["users"]["dept_editor"]["email"] in to
    assert portal["users"]["other_editor"]["email"] not in to
    assert to.count(portal["users"]["citizen"]["email"]) >= 3  # submitted, extended, decided


def test_rejection_shows_reasons(portal, browser, shot, page_problems):
    citizen = _login(browser, portal, "citizen")
    rid = _apply(citizen, portal, "商业分析")
    head = _login(browser, portal, "dept_admin")
    head.goto(portal["url"] + "/dashboard/requests/" + rid)
    _act(head, "reject", reasons="申请用途超出开放条件范围", legal_basis="《数据安全法》第三十八条")
    assert head.locator(".govopen-request").get_attribute("data-state") == "rejected"
    citizen.goto(portal["url"] + "/dashboard/requests/" + rid)
    assert "申请用途超出开放条件范围" in citizen.locator(".govopen-decision").inner_text()
    shot(citizen, "requests-07-rejected-with-reasons")
    # another department cannot open it
    other = _login(browser, portal, "other_editor")
    page_problems.allow(403, "/dashboard/requests/" + rid)  # the refusal is what we check
    resp = other.goto(portal["url"] + "/dashboard/requests/" + rid)
    assert resp.status == 403


def test_stats_page(portal, browser, shot):
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page.goto(portal["url"] + "/stats/requests")
    assert page.locator("svg.govopen-chart rect").count() >= 1
    shot(page, "requests-08-stats")
    r = requests.get(portal["url"] + "/stats/requests.csv", timeout=10)
    assert r.status_code == 200 and "median_reply_days" in r.text
