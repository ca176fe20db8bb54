"""Share request (共享申请) end to end in headless Chromium against a live `ckan run`:
the providing department marks an entry 有条件共享; an editor of another department
finds "申请共享" on the entry's page, files the form (purpose, scope, 履职依据) and
lands on the request's page (state, due date and how it was worked out); the
providing department's admin finds it in the review queue and approves it; the
requesting editor sees the decision. A not_shared entry says why it cannot be
requested. Screenshots: tests/e2e/screenshots/share-*.png."""
from __future__ import annotations

import pytest

import live

pytestmark = pytest.mark.e2e

SHARE_BASIS = "《政务数据共享条例》第十二条"
NOT_SHARED_BASIS = "《中华人民共和国个人信息保护法》第二十八条"


def api(portal, action, token=None, **data):
    return live.action_result(portal["url"], action, token, **data)


def _login(browser, portal, role):
    return live.signed_in_page(browser, portal["url"], portal["users"][role]["name"],
                               portal["password"])


@pytest.fixture(scope="module")
def portal(live_portal):
    admin = live_portal["tokens"]["dept_admin"]
    shared = live_portal["datasets"]["unconditional"]["pkg"]
    api(live_portal, "package_patch", admin, id=shared["id"], share_type="conditional",
        share_conditions="仅限突发公共卫生事件应急处置使用", share_legal_basis=SHARE_BASIS,
        share_type_change_reason="应急处置需要，按规定有条件共享")
    closed = live_portal["datasets"]["not_open"]["pkg"]
    api(live_portal, "package_patch", admin, id=closed["id"], share_type="not_shared",
        share_legal_basis=NOT_SHARED_BASIS,
        share_type_change_reason="含涉密内容，按规定不予共享")
    return {**live_portal, "shared": shared, "closed": closed}


def test_other_department_files_provider_approves(portal, browser, shot):
    editor = _login(browser, portal, "other_editor")
    editor.goto("%s/dataset/%s" % (portal["url"], portal["shared"]["name"]))
    panel = editor.locator(".govopen-share-panel")
    assert panel.get_attribute("data-reason") == "share_ok"
    assert "有条件共享" in panel.inner_text() and SHARE_BASIS in panel.inner_text()
    shot(editor, "share-01-dataset-page")
    panel.locator("a.govopen-share-request").click()
    editor.wait_for_load_state()
    assert editor.url.endswith("/dataset/%s/share" % portal["shared"]["name"])
    form = editor.locator("#govopen-share")
    assert "市卫生健康委员会" in form.inner_text()  # the one department this editor belongs to
    assert "10 个工作日内答复" in editor.locator(".govopen-share-limit").inner_text()
    editor.fill("#f-purpose", "突发公共卫生事件流调中核查密接人员乘车轨迹")
    editor.fill("#f-scope", "市疾控中心流调组")
    editor.fill("#f-legal-basis", "《传染病防治法》第十二条")
    shot(editor, "share-02-form")
    editor.click("#govopen-share-submit")
    editor.wait_for_load_state()
    assert "/dashboard/requests/" in editor.url, editor.content()[:3000]
    rid = editor.url.rstrip("/").rsplit("/", 1)[1]
    req = editor.locator(".govopen-request")
    assert req.get_attribute("data-state") == "submitted"
    text = req.inner_text()
    assert "数据共享申请" in text and "市卫生健康委员会" in text and "市疾控中心流调组" in text
    assert editor.locator(".govopen-due-explanation li").count() >= 1
    assert editor.locator("form.govopen-action[data-action=approve]").count() == 0
    assert editor.locator("form.govopen-action[data-action=withdraw]").count() == 1
    shot(editor, "share-03-submitted")

    head = _login(browser, portal, "dept_admin")
    head.goto(portal["url"] + "/dashboard/reviews")
    row = head.locator("tr[data-id='%s']" % rid)
    assert row.count() == 1 and "市卫生健康委员会" in row.inner_text()
    shot(head, "share-04-review-queue")
    row.locator("a").first.click()
    head.wait_for_load_state()
    assert head.url.endswith("/dashboard/requests/" + rid)
    head.locator("form.govopen-action[data-action=approve] [name=comment]").fill("同意，限流调使用")
    head.locator("form.govopen-action[data-action=approve] button[type=submit]").click()
    head.wait_for_load_state()
    assert head.locator(".govopen-request").get_attribute("data-state") == "approved"
    assert "同意共享" in head.locator(".govopen-history").inner_text()
    shot(head, "share-05-approved")

    editor.goto(portal["url"] + "/dashboard/requests/" + rid)
    assert editor.locator(".govopen-request").get_attribute("data-state") == "approved"
    assert "同意，限流调使用" in editor.locator(".govopen-decision").inner_text()
    shot(editor, "share-06-requester-sees-decision")


def test_not_shared_says_why(portal, browser, shot):
    editor = _login(browser, portal, "other_editor")
    editor.goto("%s/dataset/%s" % (portal["url"], portal["closed"]["name"]))
    panel = editor.locator(".govopen-share-panel")
    assert panel.get_attribute("data-reason") == "share_not_shared"
    assert panel.locator("a.govopen-share-request").count() == 0
    assert "不予共享" in panel.inner_text() and NOT_SHARED_BASIS in panel.inner_text()
    shot(editor, "share-07-not-shared")
