"""Issue 14: every role finds its work from the page it lands on, in clean Chinese,
on a desktop (1366×900) and on a phone (390×844).

* Journeys: each role starts on the home page and only CLICKS (no typed addresses
  after the first page; a search box and the login form are typed into, as people do).
  Every page they open is watched by conftest's ``page_problems``: a console error, a
  script error, a failed request or an answer >= 400 fails the test.
  Screenshots: tests/e2e/screenshots/journey-<role>-<viewport>-<step>.png.
* Crawler: from the home page, each role follows the links it is shown (same site, no
  downloads, no API, no logout) and every page must be free of internal keys
  (``open_type``), Python values (``{'``, None, True, False), UTC times and CKAN's
  English UI strings in the Chinese interface.
"""
from __future__ import annotations

import re
from collections import deque
from urllib.parse import urljoin, urlparse

import pytest

import live
from test_ui_zh import ENGLISH_UI, VISIBLE_TEXT_JS

pytestmark = pytest.mark.e2e

DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
VIEWPORTS = {"desktop": DESKTOP, "phone": PHONE}


@pytest.fixture(scope="module")
def portal(live_portal):
    return live_portal


def _context(browser, viewport):
    return browser.new_context(viewport=viewport, locale="zh-CN",
                               is_mobile=viewport is PHONE, has_touch=viewport is PHONE)


def _nav(page, label):
    """Click a main-navigation link; on a phone the menu is behind its toggle button."""
    toggler = page.locator("button.navbar-toggler")
    if toggler.is_visible():
        toggler.click()
    page.locator("nav .navbar-nav a, #main-navigation-toggle a", has_text=label).first.click()
    page.wait_for_load_state()


def _menu(page, key):
    """Click an item of the header's user menu (data-menu=key); returns its count."""
    item = page.locator('[data-menu="%s"] a' % key)
    assert item.count() == 1, "no %s in the user menu of %s" % (key, page.url)
    badge = item.locator(".govopen-count")
    count = int(badge.get_attribute("data-count")) if badge.count() else None
    item.click()
    page.wait_for_load_state()
    return count


def _login_by_clicking(page, portal, role):
    page.locator(".account a", has_text="登录").first.click()
    page.wait_for_load_state()
    page.fill("#field-login", portal["users"][role]["name"])
    page.fill("#field-password", portal["password"])
    page.locator("#field-password").press("Enter")
    page.wait_for_load_state()
    assert "/user/login" not in page.url


def _fits_width(page):
    """The page does not scroll sideways (its content fits the viewport)."""
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1")


def _inside_screen(page, selector):
    """Every visible element matching ``selector`` lies within the viewport's width."""
    return page.evaluate("""sel => Array.from(document.querySelectorAll(sel)).filter(e => e.offsetParent)
        .every(e => e.getBoundingClientRect().right <= window.innerWidth + 1)""", selector)


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_anonymous_journey(portal, browser, shot, size):
    ctx = _context(browser, VIEWPORTS[size])
    page = ctx.new_page()
    page.goto(portal["url"] + "/")
    shot(page, "journey-anon-%s-1-home" % size)
    _nav(page, "数据集")
    assert "/dataset" in page.url
    page.locator(".dataset-heading a", has_text="公交站点客流统计").first.click()
    page.wait_for_load_state()
    # 下载 is a button of its own on the dataset page
    download = page.locator("a.govopen-download").first
    assert download.is_visible()
    assert page.locator(".govopen-share-panel").count() == 0  # internal to departments
    shot(page, "journey-anon-%s-2-dataset" % size)
    assert _fits_width(page)
    page.locator("a.govopen-resource-more").first.click()
    page.wait_for_load_state()
    body = page.inner_text("body")
    assert "Govopen access" not in body and "Package id" not in body
    assert page.locator("#govopen-publication").count() == 0  # no 403 probe either
    shot(page, "journey-anon-%s-3-resource" % size)
    # a search without results points to the demand board
    _nav(page, "数据集")
    page.fill("#field-giant-search", "没有这种数据")
    page.locator("#field-giant-search").press("Enter")
    page.wait_for_load_state()
    assert page.locator(".govopen-no-results a").count() == 1
    shot(page, "journey-anon-%s-4-no-results" % size)
    _nav(page, "负面清单")
    shot(page, "journey-anon-%s-5-negative-list" % size)
    assert _fits_width(page)
    ctx.close()


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_citizen_journey(portal, browser, shot, size):
    ctx = _context(browser, VIEWPORTS[size])
    page = ctx.new_page()
    page.goto(portal["url"] + "/")
    _login_by_clicking(page, portal, "citizen")
    shot(page, "journey-citizen-%s-1-signed-in" % size)
    for key in ("requests", "grants", "demands", "notifications"):
        _menu(page, key)
        shot(page, "journey-citizen-%s-2-%s" % (size, key))
        assert _fits_width(page), "%s is wider than the screen (%s)" % (page.url, size)
    ctx.close()


def _an_application(portal):
    """One application in the department's queue (the 待办申请 table has a row to lay out)."""
    import datetime as dt
    today = dt.date.today()
    return live.action_result(
        portal["url"], "govopen_application_create", portal["tokens"]["citizen"],
        package_id=portal["datasets"]["conditional"]["pkg"]["id"], purpose="交通规划研究（课题组内部分析用）",
        scope="仅用于课题组内部分析", period_start=today.isoformat(),
        period_end=(today + dt.timedelta(days=30)).isoformat(), security_measures="加密存储",
        applicant_type="citizen", real_name="王小明", id_number="11010519491231002X", contact="13800000000")


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_department_journey(portal, browser, shot, size):
    _an_application(portal)
    ctx = _context(browser, VIEWPORTS[size])
    page = ctx.new_page()
    page.goto(portal["url"] + "/")
    _login_by_clicking(page, portal, "dept_admin")
    for key in ("reviews", "publication", "ledger", "overdue"):
        count = _menu(page, key)
        if key == "publication":
            rows = page.locator(".govopen-publication-queue tbody tr[data-resource]").count()
            assert count == rows, (count, rows)  # the badge counts what the list shows
        shot(page, "journey-dept-%s-%s" % (size, key))
        assert _fits_width(page), "%s is wider than the screen (%s)" % (page.url, size)
        if key == "reviews":
            # every request of the queue, each of its values, inside the screen (not cut off
            # by a scroll box: on a phone the rows are cards)
            assert page.locator(".govopen-requests tbody tr[data-id]").count() >= 1
            assert _inside_screen(page, ".govopen-requests tbody td"), page.url
    ctx.close()


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_authority_journey(portal, browser, shot, size):
    ctx = _context(browser, VIEWPORTS[size])
    page = ctx.new_page()
    page.goto(portal["url"] + "/")
    _login_by_clicking(page, portal, "authority")
    for key in ("reconsideration", "stats", "calendar"):
        _menu(page, key)
        shot(page, "journey-authority-%s-%s" % (size, key))
        assert _fits_width(page), "%s is wider than the screen (%s)" % (page.url, size)
    ctx.close()


def test_notification_badge_counts_the_listed_unread(portal, browser):
    page = live.signed_in_page(browser, portal["url"], portal["users"]["citizen"]["name"],
                               portal["password"])
    count = _menu(page, "notifications")
    listed = page.locator(".govopen-notifications li.unread").count()
    assert count == listed


# ---------------------------------------------------------------- the crawler
PYTHON_VALUE = re.compile(r"\{'|'\}|\[\]|\bNone\b|\bTrue\b|\bFalse\b")
INTERNAL_KEY = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")
UTC_TIME = re.compile(r"\bUTC\b|\+00:00|\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
SKIP = re.compile(r"/download|/api/|\.(csv|json|ttl|rdf|xml|jsonld)(\?|$)|/user/_logout|/user/logout"
                  r"|^/en/|/user/edit|/api-tokens|/activity|/changes|/history|/user/reset|/user/register"
                  r"|/attachment")
MAX_PAGES = 35

#: visible form controls without a label (label[for], a wrapping label, aria-label, title)
UNLABELLED_JS = """() => Array.from(document.querySelectorAll('input, select, textarea')).filter(e => {
  if (['hidden', 'submit', 'button', 'reset', 'image'].includes(e.type)) return false;
  const st = getComputedStyle(e);
  if (st.display === 'none' || st.visibility === 'hidden' || e.offsetParent === null) return false;
  if (e.getAttribute('aria-label') || e.getAttribute('aria-labelledby') || e.title) return false;
  if (e.id && document.querySelector('label[for="' + e.id + '"]')) return false;
  return !e.closest('label'); }).map(e => e.outerHTML.slice(0, 100))"""


def _problems(texts, allowed_words):
    found = []
    for t in texts:
        for rx, what in ((PYTHON_VALUE, "python value"), (UTC_TIME, "UTC time")):
            m = rx.search(t)
            if m:
                found.append((what, t[:120]))
        for m in INTERNAL_KEY.finditer(t):
            if m.group(0) not in allowed_words:
                found.append(("internal key", t[:120]))
        if t in ENGLISH_UI:
            found.append(("CKAN English", t))
    return found


def _crawl(page, base, allowed_words):
    host = urlparse(base).netloc
    seen, todo, report = set(), deque(["/"]), []
    while todo and len(seen) < MAX_PAGES:
        path = todo.popleft()
        if path in seen:
            continue
        seen.add(path)
        resp = page.goto(base + path)
        if resp is None or resp.status >= 400:
            report.append(("HTTP %s" % (resp.status if resp else "?"), path))
            continue
        for what, text in _problems(page.evaluate(VISIBLE_TEXT_JS), allowed_words):
            report.append((what, path, text))
        for control in page.evaluate(UNLABELLED_JS):
            report.append(("input without a label", path, control))
        for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))"):
            url = urlparse(urljoin(base + path, href))
            if url.netloc != host or not url.path or url.fragment and url.path == path:
                continue
            target = url.path + ("?" + url.query if url.query else "")
            if SKIP.search(target) or "page=" in url.query or target in seen:
                continue
            todo.append(target)
    return seen, report


@pytest.mark.parametrize("role", ["anonymous", "citizen", "dept_admin", "authority"])
def test_crawl_pages_each_role_reaches(portal, browser, role):
    if role == "anonymous":
        page = browser.new_context(viewport=DESKTOP, locale="zh-CN").new_page()
    else:
        page = live.signed_in_page(browser, portal["url"], portal["users"][role]["name"],
                                   portal["password"])
    # the world's own data may hold such words (user names like citizen_ab12, URLs)
    allowed = {w for u in portal["users"].values() for w in INTERNAL_KEY.findall(u["name"])}
    seen, report = _crawl(page, portal["url"], allowed)
    assert len(seen) >= 10, seen
    assert not report, "\n".join(map(str, report[:40]))


def test_core_typo_is_corrected():
    from test_ui_zh import _merged_catalog
    zh = _merged_catalog().gettext("A resource can be any file or link to a file containing useful data.")
    assert "文挡" not in zh and "文件" in zh


def test_citizen_applies_after_login_by_clicking(portal, browser, shot, page_problems):
    """登录后申请 returns to the form; the form keeps what was typed and names errors by
    their labels; the receipt has a number and steps; 撤回 asks first."""
    import datetime as dt
    ctx = _context(browser, DESKTOP)
    page = ctx.new_page()
    page.goto(portal["url"] + "/")
    _nav(page, "数据集")
    page.locator(".dataset-heading a", has_text="出租车运营轨迹").first.click()
    page.wait_for_load_state()
    page.locator("a.govopen-apply").first.click()   # straight to the login (no interstitial)
    page.wait_for_load_state()
    assert "/user/login" in page.url, page.url
    page.fill("#field-login", portal["users"]["citizen"]["name"])
    page.fill("#field-password", portal["password"])
    page.locator("#field-password").press("Enter")
    page.wait_for_load_state()
    assert page.url.endswith("/apply/form"), page.url          # back to the form
    assert "15" in page.locator(".govopen-apply-limit").inner_text()  # the reply limit first
    # only the chosen applicant type's fields
    assert page.locator("#f-real-name").is_visible() and not page.locator("#f-uscc").is_visible()
    page.check("input[name=applicant_type][value=enterprise]")
    assert page.locator("#f-uscc").is_visible() and not page.locator("#f-real-name").is_visible()
    page.check("input[name=applicant_type][value=citizen]")
    today = dt.date.today()
    page.fill("#f-purpose", "交通规划研究")
    page.fill("#f-scope", "仅用于课题组内部分析")
    page.fill("#f-period-start", today.isoformat())
    page.fill("#f-period-end", (today + dt.timedelta(days=30)).isoformat())
    page.fill("#f-security", "加密存储")
    page.fill("#f-real-name", "王小明")
    page.fill("#f-id-number", "110105194912310021")  # wrong check digit
    page.fill("#f-contact", "13800000000")
    page.click("#govopen-apply-submit")
    page.wait_for_load_state()
    errors = page.locator(".govopen-errors").inner_text()
    assert "居民身份证号码" in errors and "id_number" not in errors
    assert page.input_value("#f-purpose") == "交通规划研究"          # typed text kept
    shot(page, "journey-citizen-apply-error")
    page.fill("#f-id-number", "11010519491231002X")
    page.click("#govopen-apply-submit")
    page.wait_for_load_state()
    assert "/dashboard/requests/" in page.url
    assert page.locator(".govopen-request-number strong").inner_text().startswith("SQ")
    steps = page.locator(".govopen-steps li")
    assert steps.count() == 4 and steps.nth(0).get_attribute("class") == "done"
    fields = page.locator(".govopen-request-fields").inner_text()
    assert "个人" in fields and "citizen" not in fields  # the applicant type in words
    shot(page, "journey-citizen-receipt")
    page.locator("form.govopen-action[data-action=withdraw] button").click()
    page.wait_for_load_state()
    assert page_problems.dialogs, "撤回 did not ask for confirmation"
    assert page.locator(".govopen-request").get_attribute("data-state") == "withdrawn"
    ctx.close()


# ---------------------------------------------------------------- keyboard order
FOCUSED_JS = """() => { const e = document.activeElement; const r = e.getBoundingClientRect();
  const where = e.closest('[role=main]') ? 'main' : (e.closest('aside') ? 'aside' : 'other');
  return {where: where, y: Math.round(r.top + window.scrollY), x: Math.round(r.left),
          what: e.tagName + ' ' + (e.id || e.name || (e.innerText || '').slice(0, 20))}; }"""


def _tab_through(page, presses=70):
    """The elements Tab reaches in the page's content (main column, side column), in order."""
    page.locator("body").focus()
    seen = []
    for _ in range(presses):
        page.keyboard.press("Tab")
        f = page.evaluate(FOCUSED_JS)
        if f["where"] == "other":
            continue
        if seen and f["what"] == seen[-1]["what"] and f["y"] == seen[-1]["y"]:
            continue  # the parts of one control (a date input's fields)
        if f in seen:
            break     # round the page once
        seen.append(f)
    return seen


def _backwards(seq):
    """Steps where Tab moved up the page (more than a line's slack)."""
    return [(a["what"], a["y"], b["what"], b["y"]) for a, b in zip(seq, seq[1:]) if b["y"] < a["y"] - 8]


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_keyboard_order_follows_the_page(portal, browser, size):
    """Issue 14: Tab goes through the dataset page and the application form in the order
    they are read: the dataset's content (title, apply/download, files) before its side
    column, down the page on a phone; the form's fields top to bottom."""
    ctx = _context(browser, VIEWPORTS[size])
    page = ctx.new_page()
    page.goto(portal["url"] + "/")
    _login_by_clicking(page, portal, "citizen")
    name = portal["datasets"]["conditional"]["pkg"]["name"]
    page.goto(portal["url"] + "/dataset/" + name)
    seq = _tab_through(page)
    where = [f["where"] for f in seq]
    assert "main" in where and "aside" in where, seq
    assert where.index("aside") > len(where) - 1 - where[::-1].index("main"), \
        "the side column is reached before the dataset's content: %s" % seq
    main = [f for f in seq if f["where"] == "main"]
    assert not _backwards(main), _backwards(main)
    if size == "phone":  # one column: Tab goes down the page
        assert not _backwards(seq), _backwards(seq)
    page.goto(portal["url"] + "/dataset/%s/apply/form" % name)
    form = [f for f in _tab_through(page) if f["where"] == "main"]
    assert any("f-purpose" in f["what"] for f in form) and any("govopen-apply-submit" in f["what"] for f in form)
    assert not _backwards(form), _backwards(form)
    ctx.close()
