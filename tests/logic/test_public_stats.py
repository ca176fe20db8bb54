"""Issue 18: the public statistics page ``/stats`` and ``govopen_public_stats``: anyone,
anonymous included; only public catalog entries count; linked from the footer."""
from __future__ import annotations

import pytest

import ckan.model as model
from ckan.tests import helpers

pytestmark = pytest.mark.ckan_config("govopen.publication.gate", "false")


def test_anyone_sees_public_figures_only(make_org, make_entry, app):
    from ckanext.govopen.domain import catalog
    from ckanext.govopen.model import usage
    org = make_org(title="统计测试局")
    public = make_entry(org["id"], "unconditional", title="公开的公交数据")
    secret = make_entry(org["id"], "unconditional", title="未公开的草稿目录", private=True)
    make_entry(org["id"], "not_open")
    for _ in range(3):
        usage.count(public["id"], "downloads")
    usage.count(secret["id"], "downloads")
    out = helpers.call_action("govopen_public_stats", {"user": "", "ignore_auth": False})
    assert out["catalog"]["entries"] == 2                       # the private draft is not counted
    assert out["catalog"]["open_share"] == 0.5
    assert [u["title"] for u in out["most_used"]] == ["公开的公交数据"]
    assert out["most_used"][0]["downloads"] == 3
    body = app.get("/zh_Hans_CN/stats").body
    assert "平台统计" in body and "公开的公交数据" in body and "未公开的草稿目录" not in body
    assert body.count('class="govopen-sc-chart"') == 4
    assert 'data-footer="stats"' in app.get("/zh_Hans_CN/").body
    bad = app.get("/zh_Hans_CN/stats?period_start=2030-01-01").body
    assert "统计期起不能晚于今天" in bad
    today = catalog.today_shanghai().isoformat()
    assert 'value="%s"' % today in bad
