"""Sharing between departments (共享, 国发〔2016〕51号) in the one access policy.

Share types govern what OTHER departments get, apart from the open type (what the
public gets): unconditional sharing → any other department's member; conditional →
the members of a department whose share request the providing department approved
(a department grant, until revoked); not_shared → none. Citizens and enterprises
never gain anything from sharing, and the publication gate binds other departments
too. The access matrix (test_open_types_matrix.py) covers unconditional sharing.
"""
from __future__ import annotations

import uuid

import pytest

import ckan.model as model
from ckan.tests import factories, helpers

from govopen_world import CSV_BYTES, LEGAL_BASIS, VALID_ENTRY, api, headers, publish, upload

SHARE_BASIS = "《政务信息资源共享管理暂行办法》第九条"


@pytest.fixture(scope="module")
def world(world):
    """The shared world plus a second member of the other department: a department
    grant is every member's."""
    member = factories.User(name="other_member_" + uuid.uuid4().hex[:4])
    helpers.call_action("organization_member_create", {"ignore_auth": True},
                        id=world["other"]["id"], username=member["name"], role="member")
    world["users"]["other_member"] = member
    world["tokens"]["other_member"] = helpers.call_action(
        "api_token_create", {"user": member["name"]}, user=member["name"], name="t")["token"]
    return world


def entry(world, share_type, open_type="not_open", published=True):
    data = {"name": "s-" + uuid.uuid4().hex[:8], "title": "医疗机构执业人员信息",
            "owner_org": world["dept"]["id"], "open_type": open_type, **VALID_ENTRY,
            "share_type": share_type}
    if open_type != "unconditional":
        data["legal_basis"] = LEGAL_BASIS
    if open_type == "conditional":
        data["open_conditions"] = "仅限研究使用"
    if share_type != "unconditional":
        data["share_legal_basis"] = SHARE_BASIS
    if share_type == "conditional":
        data["share_conditions"] = "仅用于本部门履职"
    editor = {"user": world["users"]["dept_editor"]["name"]}
    pkg = helpers.call_action("package_create", dict(editor), **data)
    res = helpers.call_action("resource_create", dict(editor), package_id=pkg["id"], name="名单",
                              format="CSV", url="list.csv", upload=upload(CSV_BYTES, "list.csv"))
    if published:
        publish(pkg["id"], world["users"]["dept_admin"]["name"], world["users"]["dept_editor"]["name"])
    return pkg, res


def download(world, role, pkg, res):
    return world["app"].get("/dataset/%s/resource/%s/download" % (pkg["id"], res["id"]),
                            headers=headers(world, role), status=None)


def access(world, role, pkg, res):
    st, body = api(world, role, "govopen_access_check", id=pkg["id"], resource_id=res["id"])
    assert st == 200, body
    return body["result"]["resources"][res["id"]]


OUTSIDERS = ["anonymous", "citizen", "enterprise"]
OTHER_DEPT = ["other_editor", "other_member"]


def test_conditional_sharing_needs_an_approved_share_request_then_the_whole_department_has_it(world):
    pkg, res = entry(world, "conditional")
    for role in OTHER_DEPT + OUTSIDERS:
        assert download(world, role, pkg, res).status_code == 403, role
    refusal = access(world, "other_editor", pkg, res)
    assert refusal["reason_code"] == "share_request_needed" and "共享申请" in refusal["message_zh"]
    # the other department asks; the providing department approves
    st, body = api(world, "other_editor", "govopen_share_request_create", package_id=pkg["id"],
                   purpose="核查医疗机构执业资格", requester_org_id=world["other"]["id"])
    assert st == 200, body
    rid = body["result"]["id"]
    assert download(world, "other_editor", pkg, res).status_code == 403  # not before approval
    st, body = api(world, "dept_admin", "govopen_request_act", id=rid, action="approve")
    assert st == 200 and body["result"]["state"] == "approved", body
    grant = body["result"]["grant"]
    assert grant["org_id"] == world["other"]["id"] and grant["user_id"] is None
    for role in OTHER_DEPT:
        r = download(world, role, pkg, res)
        assert r.status_code == 200 and r.data == CSV_BYTES, role
        assert access(world, role, pkg, res)["reason_code"] == "shared_grant"
    for role in OUTSIDERS:  # sharing is not opening
        assert download(world, role, pkg, res).status_code == 403, role
    # every member sees the department's grant among their grants
    st, body = api(world, "other_member", "govopen_my_grants")
    mine = [g for g in body["result"] if g["id"] == grant["id"]]
    assert mine and mine[0]["org_title"] == world["other"]["title"], body["result"]
    # revoked: gone for the whole department
    st, body = api(world, "dept_admin", "govopen_grant_revoke", id=grant["id"])
    assert st == 200, body
    for role in OTHER_DEPT:
        assert download(world, role, pkg, res).status_code == 403, role


def test_unconditional_sharing_reaches_other_departments_only(world):
    pkg, res = entry(world, "unconditional")
    for role in OTHER_DEPT:
        assert download(world, role, pkg, res).status_code == 200, role
        assert access(world, role, pkg, res)["reason_code"] == "shared_unconditional"
    for role in OUTSIDERS:
        assert download(world, role, pkg, res).status_code == 403, role


def test_not_shared_reaches_no_other_department_and_cannot_be_asked_for(world):
    pkg, res = entry(world, "not_shared")
    for role in OTHER_DEPT + OUTSIDERS:
        assert download(world, role, pkg, res).status_code == 403, role
    st, body = api(world, "other_editor", "govopen_share_request_create", package_id=pkg["id"],
                   purpose="核查", requester_org_id=world["other"]["id"])
    assert st == 409 and SHARE_BASIS in str(body["error"]), body


def test_a_grant_of_another_department_or_a_users_grant_does_not_share(world):
    pkg, res = entry(world, "conditional")
    from ckanext.govopen.model import Grant
    # a department grant to a third department: not the other department's
    third = factories.Organization()
    model.Session.add(Grant(user_id=None, org_id=third["id"], package_id=pkg["id"],
                            granted_by=world["users"]["dept_admin"]["id"]))
    model.repo.commit()
    assert download(world, "other_editor", pkg, res).status_code == 403
    # the enterprise's (user) grant on a not_open entry gives nothing either
    model.Session.add(Grant(user_id=world["users"]["enterprise"]["id"], package_id=pkg["id"],
                            granted_by=world["users"]["dept_admin"]["id"]))
    model.repo.commit()
    assert download(world, "enterprise", pkg, res).status_code == 403


def test_the_publication_gate_binds_other_departments(world):
    pkg, res = entry(world, "unconditional", open_type="unconditional", published=False)
    for role in OTHER_DEPT:
        r = download(world, role, pkg, res)
        assert r.status_code in (403, 404), role
        assert CSV_BYTES not in r.data


def test_a_private_entry_cannot_be_asked_for_by_id(world):
    """A share request names its dataset: for an entry the asker may not see (private),
    the answer is the same as for no entry at all, and nothing is filed."""
    pkg, _res = entry(world, "conditional", published=False)
    assert pkg["private"] is True
    st, before = api(world, "other_editor", "govopen_request_list", scope="mine")
    st, body = api(world, "other_editor", "govopen_share_request_create", package_id=pkg["id"],
                   purpose="核查", requester_org_id=world["other"]["id"])
    assert st == 409, body
    st, missing = api(world, "other_editor", "govopen_share_request_create",
                      package_id="no-such-dataset", purpose="核查",
                      requester_org_id=world["other"]["id"])
    assert body["error"]["package_id"] == missing["error"]["package_id"]
    st, after = api(world, "other_editor", "govopen_request_list", scope="mine")
    assert len(after["result"]) == len(before["result"])
