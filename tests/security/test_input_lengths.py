"""Finding 10 of issue 12: every free-text field has a length limit, declared once.

The fields are read from their declarations, so a field added there is tested
here without touching this file: the parameters of the ``govopen_*`` actions
(``domain/fields.py`` and the request kinds' ``FieldSpec``), the request kinds'
action fields (the engine), and the catalog entry's scheming fields
(``schemas/dataset.yaml``: ``max_length``). A value one character too long is
refused (409) with the field's label in the message, and nothing is written.
"""
from __future__ import annotations

import datetime as dt
import json
import uuid

import pytest

from govopen_world import VALID_ENTRY, api, headers

pytestmark = pytest.mark.ckan_config("ckan.locale_default", "zh_Hans_CN")

TEXTUAL = ("text", "id", "user", "date", "datetime")


def _counts():
    import ckan.model as model
    from ckanext.govopen.model import CalendarDay, CalendarYear, Demand, PublicationPolicy, Request
    from ckanext.govopen.model import RequestEvent
    model.Session.remove()
    return {t.__name__: model.Session.query(t).count()
            for t in (Request, RequestEvent, Demand, CalendarDay, CalendarYear, PublicationPolicy,
                      model.Package, model.Resource)}


def _error_text(body):
    return json.dumps(body.get("error") or {}, ensure_ascii=False)


def test_a_2mb_demand_title_is_refused_and_nothing_written(world):
    before = _counts()
    status, body = api(world, "citizen", "govopen_demand_create", title="需" * (2 * 1024 * 1024),
                       description="想要这份数据")
    assert status == 409, status
    assert "需求名称" in _error_text(body) and "200" in _error_text(body)
    assert _counts() == before
    board = world["app"].get("/demand", status=None)
    assert "需" * 300 not in board.get_data(as_text=True)


def test_every_declared_action_parameter_has_a_limit_and_names_its_label(world):
    """Each textual parameter of each govopen_* action, one character over its limit
    (as the competent authority, who passes every role check), then at its limit."""
    from ckanext.govopen.logic import schema
    from govopen_input_helpers import govopen_actions
    before = _counts()
    failures = []
    for name in govopen_actions():
        for p in schema.params_of(name):
            if p.type not in TEXTUAL:
                continue
            assert p.limit, "%s.%s has no length limit" % (name, p.name)
            status, body = api(world, "authority", name, **{p.name: "字" * (p.limit + 1)})
            if status != 409 or p.label_zh not in _error_text(body) or str(p.limit) not in _error_text(body):
                failures.append("%s.%s: %s %s" % (name, p.name, status, _error_text(body)[:200]))
            if p.type in ("text",):
                status, body = api(world, "authority", name, **{p.name: "字" * p.limit})
                if "不能超过" in json.dumps((body.get("error") or {}).get(p.name), ensure_ascii=False):
                    failures.append("%s.%s refused at its limit" % (name, p.name))
    assert not failures, "\n".join(failures)
    assert _counts() == before


def test_engine_refuses_every_kind_field_over_its_limit_with_its_label():
    """DB-free: every text field of every request kind (submit and action fields)."""
    from ckanext.govopen.domain import kinds, requests as rq
    checked = 0
    for kind in kinds.KINDS.values():
        specs = [("submit", kind.submit_fields)] + [(a.name, a.fields) for a in kind.actions.values()]
        for where, fields in specs:
            for f in fields:
                if f.type not in ("text", "user"):
                    continue
                assert f.limit and f.label_zh and f.label_en, (kind.name, f.name)
                with pytest.raises(rq.InvalidFields) as e:
                    rq.validate_fields(fields, {f.name: "x" * (f.limit + 1)})
                assert f.label_zh in e.value.message_zh and f.label_en in e.value.message_en, \
                    (kind.name, where, f.name, e.value.message_zh)
                assert f.name in e.value.errors
                ok = rq.validate_fields((f,), {f.name: "x" * f.limit})
                assert ok[f.name] == "x" * f.limit
                checked += 1
    assert checked > 30


def test_request_act_field_over_its_limit_changes_nothing(world):
    today = dt.date.today()
    status, body = api(world, "citizen", "govopen_application_create",
                       package_id=world["datasets"]["conditional"]["pkg"]["id"], purpose="研究",
                       scope="课题组", period_start=today.isoformat(),
                       period_end=(today + dt.timedelta(days=30)).isoformat(), security_measures="专机",
                       applicant_type="citizen", real_name="王小明", id_number="11010519491231002X",
                       contact="13800000000")
    assert status == 200, body
    rid = body["result"]["id"]
    before = _counts()
    status, body = api(world, "dept_admin", "govopen_request_act", id=rid, action="reject",
                       reasons="理" * 2001, legal_basis="《条例》第十条")
    assert status == 409 and "理由" in _error_text(body) and "2000" in _error_text(body)
    assert _counts() == before
    status, body = api(world, "dept_admin", "govopen_request_show", id=rid)
    assert body["result"]["state"] == "submitted"
    r = world["app"].post("/en/api/3/action/govopen_request_act", headers=headers(world, "dept_admin"),
                          json={"id": rid, "action": "reject", "reasons": "r" * 2001, "legal_basis": "x"},
                          status=None)
    assert r.status_code == 409 and "Reasons: at most 2000 characters" in _error_text(r.json)


def _catalog_fields():
    from ckanext.scheming.helpers import scheming_get_dataset_schema
    schema = scheming_get_dataset_schema("dataset")
    return ([("dataset", f) for f in schema["dataset_fields"] if f.get("max_length")]
            + [("resource", f) for f in schema["resource_fields"] if f.get("max_length")])


def test_catalog_fields_declare_limits_in_the_scheming_schema(world):
    names = {f["field_name"] for _, f in _catalog_fields()}
    for must in ("title", "notes", "legal_basis", "open_conditions", "open_type_change_reason",
                 "share_conditions", "share_legal_basis", "contact_name", "contact_phone", "name",
                 "description"):
        assert must in names, must


def test_catalog_field_over_its_limit_is_refused_with_its_label(world):
    fields = _catalog_fields()
    assert len(fields) >= 10  # the schema declares them (not an empty loop)
    before = _counts()
    failures = []
    for level, f in fields:
        value = "字" * (f["max_length"] + 1)
        label = f["label"]["zh_Hans_CN"]
        if level == "dataset":
            data = {"name": "len-" + uuid.uuid4().hex[:8], "title": "长度测试", "owner_org": world["dept"]["id"],
                    "open_type": "conditional", "legal_basis": "《条例》", "open_conditions": "签署协议",
                    **VALID_ENTRY, "share_type": "conditional", "share_conditions": "履职",
                    "share_legal_basis": "《条例》"}
            data[f["field_name"]] = value
            if f["field_name"] == "open_type_change_reason":
                # only read on a change of open type
                pkg = world["datasets"]["unconditional"]["pkg"]
                status, body = api(world, "dept_editor", "package_patch", id=pkg["id"],
                                   open_type="not_open", legal_basis="《条例》", open_type_change_reason=value)
            else:
                status, body = api(world, "dept_editor", "package_create", **data)
        else:
            status, body = api(world, "dept_editor", "resource_create",
                               package_id=world["datasets"]["unconditional"]["pkg"]["id"],
                               url="https://example.invalid/x.csv", format="CSV",
                               **{f["field_name"]: value})
        if status != 409 or label not in _error_text(body):
            failures.append("%s.%s: %s %s" % (level, f["field_name"], status, _error_text(body)[:200]))
    assert not failures, "\n".join(failures)
    assert _counts() == before


def test_forms_render_the_declared_limits(world):
    """The demand form's fields carry the limits the action enforces (maxlength)."""
    from ckanext.govopen.logic import schema
    page = world["app"].get("/demand", headers=headers(world, "citizen")).get_data(as_text=True)
    for field in ("title", "description"):
        limit = schema.max_length("govopen_demand_create", field)
        assert 'name="%s"' % field in page and 'maxlength="%d"' % limit in page, field
