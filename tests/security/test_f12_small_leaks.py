"""Finding 12 (issue 12): small leaks of private entries.

``govopen_objection_list`` listed the objections of an entry that became private,
and ``format_autocomplete`` listed formats that exist only in private entries. Both
ask the policy (METADATA), per role."""
from __future__ import annotations

import json
import uuid

import pytest

from govopen_world import ROLES, VALID_ENTRY, api

INSIDERS = ("dept_editor", "dept_admin", "authority")
FORMAT = "ZQSECRETFMT"


@pytest.fixture(scope="module")
def private_entry(world):
    st, body = api(world, "dept_editor", "package_create", name="f12-" + uuid.uuid4().hex[:6],
                   title="曾公开的目录", owner_org=world["dept"]["id"], open_type="unconditional",
                   private=False, **VALID_ENTRY)
    assert st == 200, body
    pkg = body["result"]
    st, body = api(world, "citizen", "govopen_objection_create", package_id=pkg["id"],
                   what="数据有误：第3行客流数字不对", evidence="现场统计")
    assert st == 200, body
    st, body = api(world, "dept_admin", "package_patch", id=pkg["id"], private=True)
    assert st == 200 and body["result"]["private"] is True, body
    st, body = api(world, "dept_editor", "resource_create", package_id=pkg["id"], name="私有格式",
                   format=FORMAT, url="https://data.example.invalid/x.zq")
    assert st == 200, body
    return pkg


@pytest.mark.parametrize("role", ROLES)
def test_objection_list_of_a_private_entry(world, private_entry, role):
    st, body = api(world, role, "govopen_objection_list", package_id=private_entry["id"])
    if role in INSIDERS:
        assert st == 200 and len(body["result"]) == 1, body
    else:
        assert st in (403, 404), body
        assert "第3行" not in json.dumps(body, ensure_ascii=False)


@pytest.mark.parametrize("role", ROLES)
def test_format_autocomplete_hides_formats_of_private_entries(world, private_entry, role):
    st, body = api(world, role, "format_autocomplete", q="zqsecret")
    assert st == 200, body
    if role in INSIDERS:
        assert FORMAT.lower() in body["result"], body
    else:
        assert FORMAT.lower() not in body["result"], body


def test_format_autocomplete_still_lists_public_formats(world, private_entry):
    st, body = api(world, "anonymous", "format_autocomplete", q="cs")
    assert st == 200 and "csv" in body["result"], body


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("which", ["unknown", "of_another_entry"])
def test_access_check_with_a_resource_not_of_the_entry_is_not_found(world, role, which):
    """govopen_access_check answered an unknown or another entry's resource_id with an
    empty answer (200) instead of saying that the entry has no such file."""
    entry = world["datasets"]["unconditional"]["pkg"]
    rid = (str(uuid.uuid4()) if which == "unknown"
           else world["datasets"]["conditional"]["upload"]["id"])
    st, body = api(world, role, "govopen_access_check", id=entry["id"], resource_id=rid)
    assert st == 404, body
    assert rid not in json.dumps(body), body
    # the entry's own file is still answered
    own = entry["resources"][0]["id"]
    st, body = api(world, role, "govopen_access_check", id=entry["id"], resource_id=own)
    assert st == 200 and list(body["result"]["resources"]) == [own], body
