"""The walk of 2026-12-06 on a phone (390×844): pages that were wider than the screen
(/stats/requests by 286 px, /demand 123, 我的应用 141, 部门评估 176–193) fit it now; wide
tables scroll inside their wrapper and their headers stay on one line."""
from __future__ import annotations

import pytest

import live

pytestmark = pytest.mark.e2e

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}

#: role → pages a phone user reaches by the menu (the walk's overflowing pages)
PAGES = {
    "anonymous": ["/stats/requests", "/stats", "/demand"],
    "citizen": ["/demand", "/dashboard/apps"],
    "dept_admin": ["/oversight/scorecards?organization={org}"],
    "authority": ["/oversight/scorecards", "/dashboard/oversight", "/stats/requests"],
}

#: a mobile browser widens its layout viewport to content that overflows (innerWidth
#: then grows with it), so the page is measured against the device's 390 px
WIDTH_JS = """() => ({doc: Math.max(document.documentElement.scrollWidth, document.body.scrollWidth),
  view: window.innerWidth,
  tallHeaders: Array.from(document.querySelectorAll('.govopen-scroll th')).filter(e => e.offsetParent)
    .filter(e => e.textContent.trim().length > 1 && e.getBoundingClientRect().width < 20)
    .map(e => e.textContent.trim())})"""


@pytest.mark.parametrize("role", sorted(PAGES))
def test_pages_fit_a_phone(live_portal, browser, role, page_problems):
    base = live_portal["url"]
    if role == "anonymous":
        page = browser.new_context(locale="zh-CN", **PHONE).new_page()
    else:
        page = live.signed_in_page(browser, base, live_portal["users"][role]["name"],
                                   live_portal["password"], **PHONE)
    wide = []
    for path in PAGES[role]:
        path = path.format(org=live_portal["dept"]["name"])
        page.goto(base + "/zh_Hans_CN" + path)
        page.wait_for_load_state("networkidle")
        got = page.evaluate(WIDTH_JS)
        if got["doc"] > 391 or got["view"] > 391 or got["tallHeaders"]:
            wide.append((path, got))
    assert not wide, wide
