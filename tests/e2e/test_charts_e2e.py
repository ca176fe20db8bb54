"""The walk of 2026-12-06, finding 24: the doughnut of 目录开放比例 (/stats) had three
segments in the same red, drawn over a meaningless 0–1 axis grid. Each segment now has a
colour of its own and the doughnut has no axes."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e

DOUGHNUTS_JS = """() => Array.from(document.querySelectorAll('canvas.govopen-sc-chart')).map(c => {
  const ch = window.Chart.getChart(c);
  if (!ch || ch.config.type !== 'doughnut') return null;
  const bg = ch.data.datasets[0].backgroundColor;
  return {colours: Array.isArray(bg) ? bg : [bg], segments: ch.data.labels.length,
          axes: Object.keys(ch.scales).length};
}).filter(x => x)"""


def test_open_share_doughnut_has_a_colour_per_segment(live_portal, browser, page_problems):
    page = browser.new_context(locale="zh-CN").new_page()
    page.goto(live_portal["url"] + "/zh_Hans_CN/stats")
    page.wait_for_load_state("networkidle")
    found = page.evaluate(DOUGHNUTS_JS)
    assert found, "no doughnut on /stats"
    for d in found:
        assert len(set(d["colours"])) == d["segments"] >= 3, d
        assert d["axes"] == 0, d


COUNTS_JS = """() => Array.from(document.querySelectorAll('.govopen-dashboard-link .badge, .govopen-work-panel .badge'))
  .filter(e => e.offsetParent).map(e => {
    const rgb = s => (s.match(/[\\d.]+/g) || []).map(Number);
    const lum = ([r, g, b]) => [r, g, b].map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); })
      .reduce((a, v, i) => a + v * [0.2126, 0.7152, 0.0722][i], 0);
    let el = e, bg = getComputedStyle(el).backgroundColor;
    while (el && (bg === 'rgba(0, 0, 0, 0)' || bg === 'transparent')) { el = el.parentElement; bg = el ? getComputedStyle(el).backgroundColor : 'rgb(255, 255, 255)'; }
    const a = lum(rgb(getComputedStyle(e).color)), b = lum(rgb(bg));
    return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
  })"""


def test_dashboard_counts_are_readable(live_portal, browser, page_problems):
    """Finding 18: the dashboard's tab counts were white on a light background."""
    import live
    page = live.signed_in_page(browser, live_portal["url"], live_portal["users"]["dept_admin"]["name"],
                               live_portal["password"])
    page.goto(live_portal["url"] + "/zh_Hans_CN/dashboard/datasets")
    page.wait_for_load_state("networkidle")
    ratios = page.evaluate(COUNTS_JS)
    assert ratios, "no counts on the dashboard"
    assert min(ratios) >= 4.5, ratios
