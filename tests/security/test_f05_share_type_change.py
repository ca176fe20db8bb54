"""Finding 5 (issue 12): the share type changed silently.

``package_patch share_type=unconditional`` on a not_shared entry needed no reason,
was not recorded and kept the gate passed, so another department could download at
once. Share-type changes follow the open type's rules: a reason, a record (who,
when, old → new, why) in the change log and the history, and widening withdraws the
passed files until the reviewer signs again."""
from __future__ import annotations

import uuid

import pytest

from govopen_world import (ALL_YES, CSV_BYTES, LEGAL_BASIS, ROLES, VALID_ENTRY, api, headers,
                           publish, upload)


@pytest.fixture(scope="module")
def entry(world):
    from ckan.tests import helpers
    ctx = {"user": world["users"]["dept_editor"]["name"]}
    data = {**VALID_ENTRY, "share_type": "not_shared", "share_legal_basis": LEGAL_BASIS}
    pkg = helpers.call_action("package_create", dict(ctx), name="f05-" + uuid.uuid4().hex[:6],
                              title="不予共享的目录", owner_org=world["dept"]["id"],
                              open_type="not_open", legal_basis=LEGAL_BASIS, **data)
    res = helpers.call_action("resource_create", dict(ctx), package_id=pkg["id"], name="表",
                              format="CSV", url="t.csv", upload=upload(CSV_BYTES, "t.csv"))
    publish(pkg["id"], world["users"]["dept_admin"]["name"], world["users"]["dept_editor"]["name"])
    return pkg, res


def _download(world, role, pkg, res):
    return world["app"].get("/dataset/%s/resource/%s/download" % (pkg["id"], res["id"]),
                            headers=headers(world, role), status=None, follow_redirects=False)


def test_share_type_change_needs_a_reason_is_recorded_and_withdraws_until_re_signed(world, entry):
    pkg, res = entry
    assert _download(world, "other_editor", pkg, res).status_code == 403
    st, body = api(world, "dept_editor", "package_patch", id=pkg["id"], share_type="unconditional")
    assert st == 409 and "share_type_change_reason" in body["error"], body
    st, body = api(world, "dept_admin", "package_show", id=pkg["id"])
    assert body["result"]["share_type"] == "not_shared"
    st, body = api(world, "dept_editor", "package_patch", id=pkg["id"], share_type="unconditional",
                   share_type_change_reason="经协商向各部门共享")
    assert st == 200, body
    # recorded: who, when, old → new, why
    st, body = api(world, "anonymous", "govopen_share_type_changes", id=pkg["id"])
    assert st == 200, body
    last = body["result"][0]
    assert (last["old_share_type"], last["new_share_type"]) == ("not_shared", "unconditional")
    assert last["reason"] == "经协商向各部门共享"
    assert last["user_name"] == world["users"]["dept_editor"]["name"] and last["created"]
    # on the entry's page, in its own table
    page = world["app"].get("/dataset/%s" % pkg["name"], headers=headers(world, "dept_admin")).body
    table = page[page.index("govopen-share-type-changes"):]
    assert "经协商向各部门共享" in table[:table.index("</section>")]
    # the open-type log is not mixed with it
    st, body = api(world, "anonymous", "govopen_open_type_changes", id=pkg["id"])
    assert all(c["field"] == "open_type" for c in body["result"])
    # in the history
    st, body = api(world, "dept_admin", "package_activity_list", id=pkg["id"])
    changes = [a["data"].get("share_type_change") for a in body["result"]
               if a["data"].get("share_type_change")]
    assert changes and changes[0]["reason"] == "经协商向各部门共享", body
    # widening withdrew the file: the review was signed for not_shared
    assert _download(world, "other_editor", pkg, res).status_code == 403
    st, body = api(world, "dept_admin", "govopen_publication_show", id=res["id"])
    assert body["result"]["status"]["reason_code"] == "publication_review_share_type", body
    events = api(world, "dept_admin", "govopen_publication_events", package_id=pkg["id"])[1]["result"]
    assert any(e["action"] == "withdrawn" and (e.get("detail") or {}).get("reason") == "share_type_widened"
               for e in events), events
    # signed again for the new share type: other departments get it, the public still not
    st, body = api(world, "dept_admin", "govopen_publication_review", id=res["id"],
                   checklist=dict(ALL_YES), note="按无条件共享重新审查")
    assert st == 200 and body["result"]["review"]["share_type"] == "unconditional", body
    assert _download(world, "other_editor", pkg, res).status_code == 200
    assert _download(world, "citizen", pkg, res).status_code == 403
    # narrowing needs a reason too, but no new signature
    st, body = api(world, "dept_admin", "package_patch", id=pkg["id"], share_type="conditional",
                   share_conditions="仅限履职使用", share_legal_basis=LEGAL_BASIS,
                   share_type_change_reason="收紧")
    assert st == 200, body
    st, body = api(world, "dept_admin", "govopen_publication_show", id=res["id"])
    assert body["result"]["passed"] is True


@pytest.mark.parametrize("role", ROLES)
def test_share_type_changes_readable_as_the_entry(world, entry, role):
    pkg, _ = entry
    st, body = api(world, role, "govopen_share_type_changes", id=pkg["id"])
    assert st == 200 and body["result"], body  # the entry is public: its record is too
