"""Against a live `ckan run`: ckanapi as anonymous, and the dataset pages, the
negative list, the 403 page and the dataset form in headless Chromium.
Screenshots: tests/e2e/screenshots/ (git-ignored)."""
from __future__ import annotations

import pytest
import requests

import live

from govopen_world import CSV_BYTES
from govopen_world import LEGAL_BASIS

pytestmark = pytest.mark.e2e


def _download_url(portal, ot, which="upload"):
    d = portal["datasets"][ot]
    return "%s/dataset/%s/resource/%s/download/passengers.csv" % (
        portal["url"], d["pkg"]["id"], d[which]["id"])


def test_ckanapi_anonymous(live_portal):
    import ckanapi
    ck = ckanapi.RemoteCKAN(live_portal["url"], user_agent="govopen-e2e")
    # unconditional: resource_show gives the URL, anonymous download is the real bytes
    res = ck.action.resource_show(id=live_portal["datasets"]["unconditional"]["upload"]["id"])
    assert res["url"].endswith("/download/passengers.csv")
    r = requests.get(res["url"].replace("http://test.ckan.net", live_portal["url"]), timeout=10)
    assert r.status_code == 200 and r.content == CSV_BYTES
    # conditional / not_open: no URL in the API, and the download route answers 403
    for ot in ("conditional", "not_open"):
        shown = ck.action.resource_show(id=live_portal["datasets"][ot]["upload"]["id"])
        assert shown["url"] == "" and shown["govopen_access"]["allowed"] is False
        r = requests.get(_download_url(live_portal, ot), timeout=10, allow_redirects=False)
        assert r.status_code == 403
        assert CSV_BYTES not in r.content
        r = requests.get(_download_url(live_portal, ot, "external").rsplit("/", 1)[0],
                         timeout=10, allow_redirects=False)
        assert r.status_code == 403 and "secret-" not in r.text
    # the negative list names the not_open entry with its legal basis
    neg = ck.action.govopen_negative_list()
    row = next(x for x in neg if x["name"] == live_portal["datasets"]["not_open"]["pkg"]["name"])
    assert row["open_type"] == "not_open" and row["legal_basis"] == LEGAL_BASIS
    dept = ck.action.govopen_negative_list(organization=live_portal["dept"]["name"])
    assert {x["open_type"] for x in dept} == {"conditional", "not_open"}


def _login(page, portal, role, prefix=""):
    live.sign_in(page, portal["url"], portal["users"][role]["name"], portal["password"], prefix)


def test_dataset_pages_and_negative_list(live_portal, browser, shot, page_problems):
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    for ot in ("unconditional", "conditional", "not_open"):
        pkg = live_portal["datasets"][ot]["pkg"]
        page.goto("%s/dataset/%s" % (live_portal["url"], pkg["name"]))
        assert page.locator(".govopen-open-type-%s" % ot).first.is_visible()
        assert page.locator(".govopen-update-status").count() == 1
        body = page.content()
        assert pkg["title"] in body
        if ot == "unconditional":
            assert page.locator(".govopen-access-notice").count() == 0
            assert "机器可读" in body
        else:
            assert LEGAL_BASIS in body
            assert page.locator(".govopen-access-notice").count() == 1
            assert "secret-%s" % ot not in body
        if ot == "conditional":
            assert page.locator("a.govopen-apply").count() >= 1
        shot(page, "dataset-%s-anonymous" % ot)
    page.goto(live_portal["url"] + "/negative-list")
    rows = page.locator("table.govopen-negative-table tbody tr")
    names = [rows.nth(i).get_attribute("data-name") for i in range(rows.count())]
    assert live_portal["datasets"]["not_open"]["pkg"]["name"] in names
    assert live_portal["datasets"]["conditional"]["pkg"]["name"] in names
    assert live_portal["datasets"]["unconditional"]["pkg"]["name"] not in names
    assert "负面清单" in page.content() and LEGAL_BASIS in page.content()
    shot(page, "negative-list")
    # the 403 page explains the conditions and links to apply
    page_problems.allow(403, "/download/")  # the refusal is what we check
    resp = page.goto(_download_url(live_portal, "conditional"))
    assert resp.status == 403
    assert page.locator(".govopen-forbidden").count() == 1
    assert page.locator("a.govopen-apply").count() == 1
    shot(page, "download-conditional-403")
    # English
    page.goto("%s/en/dataset/%s" % (live_portal["url"],
                                   live_portal["datasets"]["not_open"]["pkg"]["name"]))
    assert "Not open" in page.content()
    shot(page, "dataset-not_open-en")
    page.close()


def test_department_editor_sees_data(live_portal, browser, shot):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    _login(page, live_portal, "dept_editor")
    pkg = live_portal["datasets"]["not_open"]["pkg"]
    page.goto("%s/dataset/%s" % (live_portal["url"], pkg["name"]))
    assert page.locator(".govopen-access-notice").count() == 0
    shot(page, "dataset-not_open-dept-editor")
    page.close()


@pytest.mark.parametrize("prefix,expected", [
    ("", "有条件开放和不予开放的目录必须填写开放依据"),
    ("/en", "A conditional or not-open entry needs a legal basis")])
def test_form_rejects_conditional_without_legal_basis(live_portal, browser, shot, prefix, expected):
    page = browser.new_page(viewport={"width": 1280, "height": 1400})
    _login(page, live_portal, "dept_editor", prefix)
    page.goto(live_portal["url"] + prefix + "/dataset/new")
    page.fill("#field-title", "表单测试 conditional")
    # the URL field is hidden behind the slug preview widget once JS runs
    page.locator("#field-name").evaluate("e => { e.value = 'form-test-conditional'; }")
    page.select_option("#field-resource_category", "basic")
    page.select_option("#field-open_type", "conditional")
    page.fill("#field-open_conditions", "仅限科研用途")
    page.select_option("#field-update_cycle", "monthly")
    page.click("button[name=save]")
    page.wait_for_load_state()
    body = page.content()
    assert expected in body, body[-4000:]
    shot(page, "form-conditional-without-legal-basis%s" % (prefix.replace("/", "-") or "-zh"))
    page.close()


def test_search_page_facets_and_badges(live_portal, browser, shot):
    page = browser.new_page(viewport={"width": 1280, "height": 1200})
    page.goto(live_portal["url"] + "/dataset/")
    body = page.content()
    for label in ("开放类型", "数据提供部门", "主题", "共享类型", "格式"):
        assert label in body, label
    for label in ("无条件开放", "有条件开放", "不予开放"):
        assert label in body, label
    assert page.locator("li.dataset-item .govopen-open-type").count() == 3
    shot(page, "search-facets-badges")
    page.close()


@pytest.mark.parametrize("prefix,expected", [
    ("", "有条件开放和不予开放的目录必须填写开放依据"),
    ("/en", "A conditional or not-open entry needs a legal basis")])
def test_api_rejects_conditional_without_legal_basis(live_portal, prefix, expected):
    from govopen_world import VALID_ENTRY
    r = requests.post(
        live_portal["url"] + prefix + "/api/3/action/package_create",
        headers={"Authorization": live_portal["tokens"]["dept_editor"]}, timeout=20,
        json={"name": "api-no-basis", "title": "无依据", "owner_org": live_portal["dept"]["id"],
              "open_type": "conditional", "open_conditions": "仅限科研", **VALID_ENTRY})
    assert r.status_code == 409
    assert expected in r.json()["error"]["legal_basis"][0]
