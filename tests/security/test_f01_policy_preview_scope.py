"""Finding 1 (issue 12): the policy preview must not read another department's original.

``govopen_publication_policy_preview`` with one's own ``organization`` (or own
``package_id``) and another department's ``resource_id`` returned that
department's ORIGINAL rows. The resource must belong to the scope checked, and the
preview asks the same policy as the original-file download."""
from __future__ import annotations

import json

import pytest

from govopen_world import ROLES, api, headers

YAML = "columns:\n  站点: {operator: keep}\n"
SECRET = "天安门东"  # a cell of the world's original CSV


def _original_allowed(world, role, pkg, res):
    r = world["app"].get("/dataset/%s/resource/%s/original" % (pkg["id"], res["id"]),
                         headers=headers(world, role), status=None)
    return r.status_code == 200


def _own_org(world, role):
    return world["other"]["id"] if role == "other_editor" else world["dept"]["id"]


@pytest.mark.parametrize("role", ROLES)
def test_preview_of_a_resource_follows_the_original_download_policy(world, role):
    pkg = world["datasets"]["not_open"]["pkg"]
    res = world["datasets"]["not_open"]["upload"]
    st, body = api(world, role, "govopen_publication_policy_preview",
                   organization=_own_org(world, role), resource_id=res["id"], yaml=YAML, rows=5)
    text = json.dumps(body, ensure_ascii=False)
    if _original_allowed(world, role, pkg, res):
        assert role in ("dept_editor", "dept_admin", "authority")
        assert st == 200 and SECRET in text, body
    else:
        assert st in (403, 404, 409), body
        assert SECRET not in text, body


def test_other_department_cannot_borrow_its_own_scope_for_a_foreign_resource(world):
    res = world["datasets"]["conditional"]["upload"]
    # own organization + foreign resource
    st, body = api(world, "other_editor", "govopen_publication_policy_preview",
                   organization=world["other"]["id"], resource_id=res["id"], yaml=YAML, rows=200)
    assert st in (403, 404, 409), body
    assert SECRET not in json.dumps(body, ensure_ascii=False)
    # own dataset + foreign resource
    own = api(world, "other_editor", "package_create", name="other-own-entry",
              title="本部门目录", owner_org=world["other"]["id"], open_type="unconditional",
              **_entry_fields())
    assert own[0] == 200, own
    st, body = api(world, "other_editor", "govopen_publication_policy_preview",
                   package_id=own[1]["result"]["id"], resource_id=res["id"], yaml=YAML, rows=200)
    assert st in (403, 404, 409), body
    assert SECRET not in json.dumps(body, ensure_ascii=False)


def test_own_department_still_previews_its_own_resource(world):
    res = world["datasets"]["conditional"]["upload"]
    st, body = api(world, "dept_admin", "govopen_publication_policy_preview",
                   organization=world["dept"]["id"], resource_id=res["id"], yaml=YAML, rows=5)
    assert st == 200 and body["result"]["source"] == res["id"], body


def _entry_fields():
    from govopen_world import VALID_ENTRY
    return dict(VALID_ENTRY)
