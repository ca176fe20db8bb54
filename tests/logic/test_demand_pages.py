"""Issue 8 pages through the Flask app: the board, a demand page, the dataset
panel (demand + objections) and the department's oversight dashboard."""
from __future__ import annotations

import pytest

from ckan.tests import helpers

pytestmark = [pytest.mark.usefixtures("with_plugins", "clean_db")]


def call(_action, _user=None, **kw):
    return helpers.call_action(_action, {"user": _user["name"] if _user else "", "ignore_auth": False}, **kw)


def _auth(user):
    tok = helpers.call_action("api_token_create", {"user": user["name"]}, user=user["name"], name="t")["token"]
    return {"Authorization": tok}


def test_pages(app, make_user, make_org, make_entry):
    head = make_user()
    dept = make_org(users=[{"name": head["name"], "capacity": "admin"}], title="市交通运输局")
    closed = make_entry(dept["id"], "not_open", user=head, private=False, title="违法信息")
    open_ = make_entry(dept["id"], "unconditional", user=head, private=False, title="客流统计")
    u1, u2 = make_user(), make_user()
    d = call("govopen_demand_create", u1, package_id=closed["id"])
    call("govopen_demand_second", u2, id=d["id"])
    call("govopen_objection_create", u1, package_id=open_["id"], what="数值翻倍", evidence="公报")
    html = app.get("/demand").body
    assert "违法信息" in html and d["id"] in html
    page = app.get("/demand/%s" % d["id"]).body
    assert "govopen-demand-history" in page and 'data-action="second"' in page
    ds = app.get("/dataset/%s" % closed["name"], headers=_auth(make_user())).body
    assert "govopen-dataset-demand" in ds and "govopen-second" in ds
    ds2 = app.get("/dataset/%s" % open_["name"]).body
    assert "数值翻倍" in ds2
    dash = app.get("/dashboard/oversight", headers=_auth(head)).body
    assert "govopen-oversight-objection" in dash and "客流统计" in dash
