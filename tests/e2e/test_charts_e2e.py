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
