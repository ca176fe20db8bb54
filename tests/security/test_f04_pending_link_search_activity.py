"""Finding 4 (issue 12): a link waiting for review leaked its URL.

``package_show`` strips a pending link's URL, but ``package_search`` with
``fl=res_url`` / ``validated_data_dict`` / ``data_dict``, ``facet.field=res_url``,
``q=res_url:…`` and the activity lists (package, organization, recently changed,
user, dashboard) showed it to anonymous users. Every path that returns a resource
asks the policy per resource, not per dataset."""
from __future__ import annotations

import json

import pytest

from govopen_world import ALL_YES, ROLES, api

MARK = "pending-f04-secret"
URL = "https://data.example.invalid/%s.json" % MARK
OUTSIDERS = ["anonymous", "citizen", "enterprise", "other_editor"]


@pytest.fixture(scope="module")
def pending(world):
    pkg = world["datasets"]["unconditional"]["pkg"]
    # the citizen follows the entry (dashboard) before the link is added
    st, body = api(world, "citizen", "follow_dataset", id=pkg["id"])
    assert st == 200, body
    st, body = api(world, "dept_editor", "resource_create", package_id=pkg["id"],
                   name="待审核链接", format="JSON", url=URL)
    assert st == 200, body
    res = body["result"]
    st, body = api(world, "dept_admin", "govopen_publication_show", id=res["id"])
    assert body["result"]["passed"] is False, body
    return pkg, res


def _leaks(body) -> bool:
    return MARK in json.dumps(body, ensure_ascii=False)


def _search_calls(pkg):
    return {
        "fl=res_url": dict(q="id:%s" % pkg["id"], fl="id,res_url"),
        "fl=validated_data_dict": dict(q="id:%s" % pkg["id"], fl="id,validated_data_dict"),
        "fl=data_dict": dict(q="id:%s" % pkg["id"], fl="id,data_dict"),
        "facet.field=res_url": dict(q="id:%s" % pkg["id"], **{"facet.field": ["res_url"]}),
        "q=res_url": dict(q='res_url:"%s"' % URL),
        "q=free text": dict(q=MARK),
        "full rows": dict(q="id:%s" % pkg["id"]),
    }


@pytest.mark.parametrize("role", OUTSIDERS)
def test_package_search_does_not_leak_a_pending_link(world, pending, role):
    pkg, _ = pending
    for name, params in _search_calls(pkg).items():
        st, body = api(world, role, "package_search", **params)
        assert st == 200, (name, body)
        assert not _leaks(body), (name, body)


@pytest.mark.parametrize("role", ROLES)
def test_activity_lists_do_not_leak_a_pending_link(world, pending, role):
    pkg, _ = pending
    calls = {
        "package": ("package_activity_list", dict(id=pkg["id"])),
        "organization": ("organization_activity_list", dict(id=world["dept"]["id"])),
        "recently changed": ("recently_changed_packages_activity_list", {}),
        "user": ("user_activity_list", dict(id=world["users"]["dept_editor"]["name"])),
    }
    if role != "anonymous":
        calls["dashboard"] = ("dashboard_activity_list", {})
    for name, (action, params) in calls.items():
        st, body = api(world, role, action, **params)
        if st != 200:
            assert st == 403, (name, body)
            continue
        if role in OUTSIDERS:
            assert not _leaks(body), (name, body)
    if role == "citizen":  # the follower's dashboard does show the change itself
        st, body = api(world, role, "dashboard_activity_list")
        assert any(a.get("object_id") == pkg["id"] for a in body["result"]), body


@pytest.mark.parametrize("role", ["dept_editor", "dept_admin", "authority"])
def test_the_department_still_sees_its_pending_link(world, pending, role):
    pkg, _ = pending
    st, body = api(world, role, "package_show", id=pkg["id"])
    assert st == 200 and _leaks(body), body


def test_activity_detail_and_diff_do_not_leak(world, pending):
    pkg, _ = pending
    st, body = api(world, "dept_admin", "package_activity_list", id=pkg["id"])
    ids = [a["id"] for a in body["result"]]
    for aid in ids[:3]:
        for action in ("activity_show", "activity_data_show"):
            st, body = api(world, "anonymous", action, id=aid, include_data=True)
            assert st in (200, 403), body
            assert not _leaks(body), (action, body)
        st, body = api(world, "anonymous", "activity_diff", id=aid, object_type="package")
        assert st in (200, 403, 404, 409), body
        assert not _leaks(body), ("activity_diff", body)


def test_after_review_the_link_is_public_everywhere(world, pending):
    pkg, res = pending
    st, body = api(world, "dept_admin", "govopen_publication_review", id=res["id"],
                   checklist=dict(ALL_YES), note="链接已核查")
    assert st == 200, body
    st, body = api(world, "anonymous", "package_show", id=pkg["id"])
    assert _leaks(body), body
    st, body = api(world, "anonymous", "package_search", q='res_url:"%s"' % URL)
    assert body["result"]["count"] == 1, body
