"""Outside test, finding F11 (workflow integrity): records that say something false.

- An objection's correction named another department's resource and was accepted: the
  audit chain then said jiaotong corrected weijian's data. The correction must name a
  resource of the flagged entry (``demand.before_act``).
- A department admin could grant a person the data of a not_open (or unconditional)
  entry: the policy still refused the data, but the grant showed as active in
  ``govopen_my_grants``. Grants exist for conditionally open data only
  (``open_types.may_grant_to_user``)."""
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
