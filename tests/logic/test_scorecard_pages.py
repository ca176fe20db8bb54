"""Issue 18: the scorecard page ``/oversight/scorecards`` (+ CSV) per role, its menu
links, the period filter, the charts' data and Chinese labels; the API over HTTP."""
from __future__ import annotations

import csv
import io
import json
import re

import pytest

from govopen_world import api, headers

pytestmark = pytest.mark.usefixtures("with_plugins")


def _get(world, role, path, status=200):
    return world["app"].get("/zh_Hans_CN" + path, headers=headers(world, role), status=status,
                            follow_redirects=False)


def test_who_gets_the_page(world):
    assert _get(world, "anonymous", "/oversight/scorecards", status=302).status_code == 302
    for role in ("citizen", "enterprise", "dept_editor", "other_editor"):
        r = _get(world, role, "/oversight/scorecards", status=403)
        assert "部门评估仅对主管部门和部门管理员开放" in r.body, role
    own = _get(world, "dept_admin", "/oversight/scorecards").body
    assert 'data-scope="department"' in own
    assert 'data-org="%s"' % world["dept"]["name"] in own
    assert 'data-org="%s"' % world["other"]["name"] not in own
    assert 'data-org="total"' in own                       # the jurisdiction's totals
    _get(world, "dept_admin", "/oversight/scorecards?organization=" + world["other"]["name"], status=403)
    full = _get(world, "authority", "/oversight/scorecards").body
    assert 'data-scope="all"' in full and 'data-org="%s"' % world["other"]["name"] in full


def test_the_page_has_charts_labels_in_chinese_and_a_period_filter(world):
    body = _get(world, "authority", "/oversight/scorecards?period_start=2026-01-01&period_end=2026-12-31").body
    for label in ("部门评估", "部门对比", "开放依据完整率", "答复时间", "月度趋势", "按期率"):
        assert label in body, label
    specs = [json.loads(s.replace("&#39;", "'").replace("&#34;", '"').replace("&amp;", "&"))
             for s in re.findall(r"data-chart='([^']*)'", body)]
    assert len(specs) == 4
    compare = specs[0]
    assert world["dept"]["title"] in compare["labels"]
    i = compare["labels"].index(world["dept"]["title"])
    legal = next(d for d in compare["datasets"] if d["label"] == "开放依据完整率")
    assert legal["data"][i] == 1.0                          # the world's two restricted entries have a basis
    trend = specs[2]
    assert trend["labels"][0] == "2026-01" and len(trend["labels"]) == 12
    assert 'value="2026-01-01"' in body and 'value="2026-12-31"' in body
    bad = _get(world, "authority", "/oversight/scorecards?period_start=2026-05-01&period_end=2026-04-01").body
    assert "统计期止不得早于统计期起" in bad                # flashed, then the default period


def test_menu_links(world):
    home = {role: _get(world, role, "/").body for role in ("dept_admin", "dept_editor", "authority", "citizen")}
    assert 'data-menu="scorecards"' in home["authority"]
    assert 'data-menu="scorecard"' in home["dept_admin"]
    item = home["dept_admin"].split('data-menu="scorecard"')[1][:300]
    assert "/oversight/scorecards?organization=%s" % world["dept"]["name"] in item
    for role in ("dept_editor", "citizen"):
        assert 'data-menu="scorecard' not in home[role], role


def test_csv_download(world):
    r = _get(world, "authority", "/oversight/scorecards.csv?period_start=2026-01-01&period_end=2026-12-31")
    assert r.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.body.lstrip("\ufeff"))))
    titles = [row["organization_title"] for row in rows]
    assert world["dept"]["title"] in titles and titles[-1] == "全辖区合计"
    dept = rows[titles.index(world["dept"]["title"])]
    assert int(dept["catalog_entries"]) == 3
    _get(world, "dept_editor", "/oversight/scorecards.csv", status=403)


def test_the_api_over_http_per_role(world):
    for role in ("anonymous", "citizen", "enterprise", "dept_editor"):
        status, body = api(world, role, "govopen_scorecard")
        assert status == 403, role
    status, body = api(world, "dept_admin", "govopen_scorecard")
    assert status == 200 and [c["organization"] for c in body["result"]["departments"]] == [world["dept"]["name"]]
    status, body = api(world, "authority", "govopen_scorecard", period_start="bad")
    assert status == 409
