"""Issue 18: annual reports — figures generated from govopen_scorecard (equal to it for
the same year), the narrative editable while draft, publishing freezes the report and
records its SHA-256 in the audit chain; who may do what per role."""
from __future__ import annotations

import datetime as dt

import pytest

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.tests import helpers

pytestmark = pytest.mark.ckan_config("govopen.publication.gate", "false")


def call(_action, _user=None, **kw):
    ctx = {"user": _user["name"] if _user else "", "ignore_auth": False}
    return helpers.call_action(_action, ctx, **kw)


@pytest.fixture
def scene(make_user, make_org, make_entry, sysadmin):
    from ckanext.govopen.model import DatasetUsageDay, Request
    head, editor, citizen = make_user(), make_user(), make_user(kind="citizen")
    a = make_org(users=[{"name": head["name"], "capacity": "admin"},
                        {"name": editor["name"], "capacity": "editor"}])
    b = make_org()
    e = make_entry(a["id"])
    model.Session.add(Request(kind="application", state="approved", requester_id="x", department_id=a["id"],
                              fields={}, received_at=dt.datetime(2025, 5, 6, 2), due_date=dt.date(2025, 5, 27),
                              decided_at=dt.datetime(2025, 5, 9, 2)))
    model.Session.add(DatasetUsageDay(package_id=e["id"], day=dt.date(2025, 8, 1), views=1, downloads=7))
    model.Session.commit()
    return dict(head=head, editor=editor, citizen=citizen, sysadmin=sysadmin, a=a, b=b)


def test_a_department_drafts_edits_and_publishes_its_report(scene):
    from ckanext.govopen import audit
    from ckanext.govopen.domain import scorecard as sc
    head, a = scene["head"], scene["a"]
    draft = call("govopen_annual_report_generate", head, year=2025, organization=a["name"])
    assert draft["state"] == "draft" and draft["sha256"] is None
    same = call("govopen_scorecard", head, organization=a["name"], period_start="2025-01-01",
                period_end="2025-12-31")
    assert draft["figures"] == same                              # never typed-in numbers
    card = draft["figures"]["departments"][0]
    assert card["requests"]["application"]["median_days"] == 3 and card["usage"]["downloads"] == 7
    call("govopen_annual_report_update", head, year=2025, organization=a["name"], narrative="本年度开放数据工作情况。")
    with pytest.raises(tk.NotAuthorized):                       # a draft is not public
        call("govopen_annual_report_show", None, year=2025, organization=a["name"])
    pub = call("govopen_annual_report_publish", head, year=2025, organization=a["name"])
    assert pub["state"] == "published" and pub["narrative"] == "本年度开放数据工作情况。"
    assert pub["sha256"] == sc.report_digest(2025, a["name"], pub["figures"], pub["narrative"], pub["published_at"])
    rows = call("govopen_audit_list", scene["sysadmin"], event="annual_report.published")
    assert rows[0]["data"]["sha256"] == pub["sha256"] and rows[0]["subject"] == pub["id"]
    assert audit.verify().ok
    shown = call("govopen_annual_report_show", None, year=2025, organization=a["name"])   # public now
    assert shown == pub
    for action, extra in (("govopen_annual_report_update", {"narrative": "改"}),
                          ("govopen_annual_report_generate", {})):
        with pytest.raises(tk.ValidationError):
            call(action, head, year=2025, organization=a["name"], **extra)
    assert call("govopen_annual_report_show", head, year=2025, organization=a["name"])["narrative"] == \
        "本年度开放数据工作情况。"


def test_the_authority_compiles_the_jurisdiction_report(scene):
    rep = call("govopen_annual_report_generate", scene["sysadmin"], year=2025)
    assert rep["organization"] is None
    assert {c["organization"] for c in rep["figures"]["departments"]} == {scene["a"]["name"], scene["b"]["name"]}
    assert rep["figures"] == call("govopen_scorecard", scene["sysadmin"], period_start="2025-01-01",
                                  period_end="2025-12-31")


@pytest.mark.parametrize("who", ["anonymous", "citizen", "editor", "head"])
def test_who_may_not_generate(scene, who):
    user = None if who == "anonymous" else scene[who]
    with pytest.raises(tk.NotAuthorized):
        call("govopen_annual_report_generate", user, year=2025, organization=scene["b"]["name"])
    with pytest.raises(tk.NotAuthorized):
        call("govopen_annual_report_generate", user, year=2025)   # the compilation is the authority's


def test_bad_year(scene):
    with pytest.raises(tk.ValidationError):
        call("govopen_annual_report_generate", scene["sysadmin"], year=1999)
    with pytest.raises(tk.ObjectNotFound):
        call("govopen_annual_report_show", scene["sysadmin"], year=2024)


def test_the_report_page(scene, app):
    from ckanext.govopen.domain import scorecard as sc
    head, a = scene["head"], scene["a"]

    tokens = {}

    def get(user, path, status=200):
        if user and user["name"] not in tokens:
            tokens[user["name"]] = helpers.call_action("api_token_create", {"user": user["name"]},
                                                       user=user["name"], name="t")["token"]
        hdr = {"Authorization": tokens[user["name"]]} if user else {}
        return app.get("/zh_Hans_CN" + path, headers=hdr, status=status)
    url = "/oversight/reports/2025?organization=%s" % a["name"]
    assert "生成草稿" in get(head, url).body                     # not generated yet: the head may
    get(None, url, status=403)                                   # nothing public yet (existence not told)
    rep = call("govopen_annual_report_generate", head, year=2025, organization=a["name"])
    body = get(head, url).body
    assert 'data-state="draft"' in body and "保存情况说明" in body and "利用层" in body
    assert 'data-figure="usage.downloads"' in body and ">7<" in body.split('data-figure="usage.downloads"')[1][:120]
    get(None, url, status=403)                                   # a draft is not public
    get(scene["editor"], url, status=403)
    call("govopen_annual_report_publish", head, year=2025, organization=a["name"])
    pub = get(None, url).body
    assert 'data-state="published"' in pub and "保存情况说明" not in pub
    assert call("govopen_annual_report_show", None, year=2025, organization=a["name"])["sha256"] in pub
    assert sc.layer_rows(rep["figures"]["total"])[0]["title"] == "准备度"
