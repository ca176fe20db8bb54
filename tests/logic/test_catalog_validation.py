"""Catalog entry validation: open type, legal basis, conditions, codes, dates;
messages in the user's language; open-type change log."""
import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import helpers

from govopen_world import LEGAL_BASIS


@pytest.fixture
def org(make_org):
    return make_org()


def _errors(exc):
    return exc.value.error_dict


def test_unconditional_entry_is_valid(make_entry, org):
    pkg = make_entry(org["id"])
    assert pkg["open_type"] == "unconditional"
    assert pkg["spatial_code"] == "110000"
    assert "open_type_change_reason" not in pkg


@pytest.mark.ckan_config("ckan.locale_default", "zh_Hans_CN")
@pytest.mark.parametrize("open_type", ["conditional", "not_open"])
def test_legal_basis_required_zh(make_entry, org, open_type):
    with pytest.raises(tk.ValidationError) as e:
        make_entry(org["id"], open_type=open_type, legal_basis="")
    assert "必须填写开放依据" in _errors(e)["legal_basis"][0]


@pytest.mark.ckan_config("ckan.locale_default", "en")
def test_legal_basis_required_en(make_entry, org):
    with pytest.raises(tk.ValidationError) as e:
        make_entry(org["id"], open_type="conditional", legal_basis="  ")
    assert "needs a legal basis" in _errors(e)["legal_basis"][0]


@pytest.mark.ckan_config("ckan.locale_default", "zh_Hans_CN")
def test_conditions_required_for_conditional(make_entry, org):
    with pytest.raises(tk.ValidationError) as e:
        make_entry(org["id"], open_type="conditional", open_conditions="")
    assert "开放条件" in _errors(e)["open_conditions"][0]


@pytest.mark.ckan_config("ckan.locale_default", "zh_Hans_CN")
@pytest.mark.parametrize("value", ["secret", "open", ""])
def test_unknown_or_missing_open_type_rejected(make_entry, org, value):
    with pytest.raises(tk.ValidationError) as e:
        make_entry(org["id"], open_type=value)
    assert "开放类型" in _errors(e)["open_type"][0]


@pytest.mark.ckan_config("ckan.locale_default", "zh_Hans_CN")
def test_share_type_rule(make_entry, org):
    with pytest.raises(tk.ValidationError) as e:
        make_entry(org["id"], share_type="not_shared")
    assert "共享依据" in _errors(e)["share_legal_basis"][0]
    ok = make_entry(org["id"], share_type="conditional", share_conditions="政务用途",
                    share_legal_basis="《政务信息资源共享管理暂行办法》第九条")
    assert ok["share_type"] == "conditional"


@pytest.mark.parametrize("field,value", [
    ("spatial_code", "12345"), ("spatial_code", "990100"), ("record_count", "-1"),
    ("record_count", "many"), ("temporal_start", "2024/01/01"), ("theme", "space"),
    ("update_cycle", "hourly"), ("resource_category", "misc")])
def test_field_validation(make_entry, org, field, value):
    with pytest.raises(tk.ValidationError) as e:
        make_entry(org["id"], **{field: value})
    assert field in _errors(e)


def test_temporal_order(make_entry, org):
    with pytest.raises(tk.ValidationError) as e:
        make_entry(org["id"], temporal_start="2025-02-01", temporal_end="2025-01-01")
    assert "temporal_end" in _errors(e)
    pkg = make_entry(org["id"], temporal_start="2025-01-01", temporal_end="2025-12-31")
    assert pkg["temporal_end"] == "2025-12-31"


@pytest.mark.ckan_config("ckan.locale_default", "zh_Hans_CN")
def test_open_type_change_needs_reason_and_is_logged(make_entry, make_org, make_user, app):
    editor = make_user()
    org = make_org(users=[{"name": editor["name"], "capacity": "editor"}])
    pkg = make_entry(org["id"], user=editor)
    ctx = {"user": editor["name"], "ignore_auth": False}
    with pytest.raises(tk.ValidationError) as e:
        helpers.call_action("package_patch", dict(ctx), id=pkg["id"], open_type="not_open",
                            legal_basis=LEGAL_BASIS)
    assert "变更原因" in _errors(e)["open_type_change_reason"][0]
    helpers.call_action("package_patch", dict(ctx), id=pkg["id"], open_type="not_open",
                        legal_basis=LEGAL_BASIS, open_type_change_reason="涉及个人隐私")
    shown = helpers.call_action("package_show", id=pkg["id"])
    assert shown["open_type"] == "not_open"
    assert "open_type_change_reason" not in shown
    # an update that keeps the open type needs no reason and logs nothing
    helpers.call_action("package_patch", dict(ctx), id=pkg["id"], title="新标题")
    changes = helpers.call_action("govopen_open_type_changes", id=pkg["id"])
    assert [(c["old_open_type"], c["new_open_type"], c["reason"], c["user_name"])
            for c in changes] == [
        ("unconditional", "not_open", "涉及个人隐私", editor["name"]),
        (None, "unconditional", None, editor["name"])]
    assert changes[0]["created"]
    # and in the dataset's activity stream (history), with the reason
    acts = helpers.call_action("package_activity_list", id=pkg["id"], include_data=True)
    marked = [a["data"]["open_type_change"] for a in acts
              if (a.get("data") or {}).get("open_type_change")]
    assert marked == [{"old": "unconditional", "new": "not_open", "reason": "涉及个人隐私",
                       "user": editor["name"]}]
    page = app.get("/dataset/activity/" + pkg["name"])
    assert "govopen-activity-open-type-change" in page.body and "涉及个人隐私" in page.body
    page = app.get("/dataset/" + pkg["name"])
    assert "govopen-open-type-changes" in page.body and "涉及个人隐私" in page.body
