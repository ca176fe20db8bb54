"""Outside test, finding F11 (workflow integrity): records that say something false.

- An objection's correction named another department's resource and was accepted: the
  audit chain then said jiaotong corrected weijian's data. The correction must name a
  resource of the flagged entry (``demand.before_act``).
- A department admin could grant a person the data of a not_open (or unconditional)
  entry: the policy still refused the data, but the grant showed as active in
  ``govopen_my_grants``. Grants exist for conditionally open data only
  (``open_types.may_grant_to_user``).
- An application for a period beginning on 12-10, approved on 12-06, served at once:
  a grant now serves from the first local day of the period applied for
  (``Grant.starts``, ``open_types.Grant.valid_at``)."""
from __future__ import annotations

import pytest

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.tests import helpers

from ckanext.govopen.domain import open_types as ot

pytestmark = [pytest.mark.usefixtures("with_plugins", "clean_db")]


def call(_action, _user=None, **kw):
    ctx = {"user": _user["name"] if _user else "", "ignore_auth": False}
    return helpers.call_action(_action, ctx, **kw)


@pytest.fixture
def two_departments(make_user, make_org, make_entry):
    head, head_b = make_user(), make_user()
    dept = make_org(users=[{"name": head["name"], "capacity": "admin"}])
    dept_b = make_org(users=[{"name": head_b["name"], "capacity": "admin"}])
    entry = make_entry(dept["id"], "unconditional", user=head, private=False)
    res = helpers.call_action("resource_create", {"user": head["name"]}, package_id=entry["id"],
                              name="客流", url="https://example.invalid/v1.csv", format="CSV")
    entry_b = make_entry(dept_b["id"], "unconditional", user=head_b, private=False)
    res_b = helpers.call_action("resource_create", {"user": head_b["name"]}, package_id=entry_b["id"],
                                name="病案", url="https://example.invalid/b.csv", format="CSV")
    citizen = make_user(kind="citizen")
    return dict(head=head, head_b=head_b, dept=dept, entry=entry, res=res, res_b=res_b,
                citizen=citizen, make_entry=make_entry)


def test_correction_must_name_a_resource_of_the_flagged_entry(two_departments):
    f = two_departments
    o = call("govopen_objection_create", f["citizen"], package_id=f["entry"]["id"],
             resource_id=f["res"]["id"], what="三月数据有误", evidence="与公告不符")
    events_before = call("govopen_request_show", f["head"], id=o["id"])["history"]
    for foreign in (f["res_b"]["id"], "no-such-resource"):
        with pytest.raises(tk.ValidationError) as e:
            call("govopen_request_act", f["head"], id=o["id"], action="correct",
                 note="已更正", resource_id=foreign)
        assert "resource_id" in e.value.error_dict
        message = e.value.error_dict["resource_id"][0]  # no request here: English is chosen
        assert "数据集" in message or "dataset the objection" in message, message
        model.Session.rollback()
    shown = call("govopen_request_show", f["head"], id=o["id"])
    assert shown["state"] == "submitted" and shown["history"] == events_before  # nothing written
    done = call("govopen_request_act", f["head"], id=o["id"], action="correct",
                note="已更正", resource_id=f["res"]["id"])
    assert done["state"] == "corrected"


@pytest.mark.parametrize("open_type", ["not_open", "unconditional"])
def test_no_grant_on_entries_that_are_not_conditional(two_departments, open_type):
    f = two_departments
    entry = f["make_entry"](f["dept"]["id"], open_type, user=f["head"], private=False)
    with pytest.raises(tk.ValidationError) as e:
        call("govopen_grant_create", f["head"], user_id=f["citizen"]["id"], package_id=entry["id"])
    message = e.value.error_dict["package_id"][0]
    assert "有条件开放" in message or "conditionally open" in message, message
    model.Session.rollback()
    assert call("govopen_my_grants", f["citizen"]) == []


def test_grant_on_a_conditional_entry_still_works(two_departments):
    f = two_departments
    entry = f["make_entry"](f["dept"]["id"], "conditional", user=f["head"], private=False)
    g = call("govopen_grant_create", f["head"], user_id=f["citizen"]["id"], package_id=entry["id"])
    assert g["package_id"] == entry["id"]
    assert [x["package_id"] for x in call("govopen_my_grants", f["citizen"])] == [entry["id"]]


def test_the_rule_itself():
    for open_type, allowed in (("conditional", True), ("not_open", False),
                               ("unconditional", False), (None, False)):
        d = ot.Dataset(id="d", owner_org="o", open_type=open_type)
        assert ot.may_grant_to_user(d).allowed is allowed


def test_a_grant_serves_from_the_first_day_of_the_period_applied_for(two_departments, make_entry):
    import datetime as dt
    from zoneinfo import ZoneInfo
    from ckanext.govopen.logic import access
    from ckanext.govopen.model import Grant
    f = two_departments
    entry = make_entry(f["dept"]["id"], "conditional", user=f["head"], private=False)
    local_today = dt.datetime.now(ZoneInfo("Asia/Shanghai")).date()
    start = local_today + dt.timedelta(days=4)
    r = call("govopen_application_create", f["citizen"], package_id=entry["id"], purpose="交通规划研究",
             scope="仅课题组内部使用", period_start=start.isoformat(),
             period_end=(start + dt.timedelta(days=30)).isoformat(),
             security_measures="专机存储", applicant_type="citizen", real_name="王小明",
             id_number="11010519491231002X", contact="13800000000")
    out = call("govopen_request_act", f["head"], id=r["id"], action="approve")
    doc = call("govopen_agreement_show", f["citizen"], id=r["id"])
    call("govopen_agreement_accept", f["citizen"], id=r["id"], sha256=doc["sha256"])
    shown = call("govopen_request_show", f["citizen"], id=r["id"])["grant"]
    assert shown["active"] is False and shown["not_started"] is True
    assert shown["starts_local"] == start.isoformat()
    citizen = access.actor_for(f["citizen"]["name"])
    pkg = model.Package.get(entry["id"])
    assert not access.decide_data(citizen, pkg).allowed
    # the first day comes: it serves
    g = model.Session.query(Grant).get(out["grant"]["id"])
    g.starts = dt.datetime.utcnow() - dt.timedelta(minutes=1)
    model.Session.commit()
    assert access.decide_data(citizen, pkg).allowed
    assert call("govopen_request_show", f["citizen"], id=r["id"])["grant"]["active"] is True


def test_grant_start_rule():
    import datetime as dt
    utc = dt.timezone.utc
    now = dt.datetime(2026, 12, 6, 8, 0, tzinfo=utc)
    later = ot.Grant(user_id="u", package_id="p", starts=now + dt.timedelta(hours=1))
    assert not later.valid_at(now) and later.valid_at(now + dt.timedelta(hours=1))
    assert ot.Grant(user_id="u", package_id="p").valid_at(now)
