"""The publication gate (issue 7) through CKAN's real paths, jobs run in-process.

One module world (tests/govopen_world.py): department ``dept`` (editor, admin),
``other`` (editor), citizen, enterprise, the authority. Each test uploads its own
files through the HTTP API as the department editor.
"""
from __future__ import annotations

import io
import json
import uuid

import pytest

import ckan.model as model

from govopen_world import ALL_YES, LEGAL_BASIS, ROLES, VALID_ENTRY, api, headers
from publication_data import HEADER, column, pii_csv

OUTSIDERS = ["anonymous", "citizen", "enterprise", "other_editor"]
DEPT = ["dept_editor", "dept_admin"]


def api_upload(world, role, action, data: bytes, filename: str, **params):
    form = {k: (json.dumps(v) if isinstance(v, (dict, list)) else v) for k, v in params.items()}
    form["upload"] = (io.BytesIO(data), filename)
    r = world["app"].post("/api/3/action/" + action, data=form, headers=headers(world, role),
                          content_type="multipart/form-data", status=None)
    return r.status_code, r.json


def new_entry(world, open_type="unconditional", role="dept_editor", **kw):
    data = {"name": "pub-" + uuid.uuid4().hex[:8], "title": "办事记录", "owner_org": world["dept"]["id"],
            "open_type": open_type, **VALID_ENTRY, **kw}
    if open_type != "unconditional":
        data["legal_basis"] = LEGAL_BASIS
    if open_type == "conditional":
        data["open_conditions"] = "仅限研究使用"
    status, body = api(world, role, "package_create", **data)
    assert status == 200, body
    return body["result"]


def upload_csv(world, pkg, data=None, filename="records.csv", role="dept_editor"):
    status, body = api_upload(world, role, "resource_create", data or pii_csv(40), filename,
                              package_id=pkg["id"], name="办事记录 " + filename, format="CSV")
    assert status == 200, body
    return body["result"]


def run_job(resource_id):
    from ckanext.govopen.publication import job, state
    model.Session.remove()
    row = state.get_row(resource_id)
    assert row is not None
    result = job.run(resource_id, row.token)
    model.Session.remove()
    return result


def download(world, role, pkg, res):
    return world["app"].get("/dataset/%s/resource/%s/download" % (pkg["id"], res["id"]),
                            headers=headers(world, role), status=None, follow_redirects=False)


def review(world, role, res, **checklist):
    return api(world, role, "govopen_publication_review", id=res["id"],
               checklist={**ALL_YES, **checklist}, note="已核查")


def says(body, code):
    """The refusal carries the policy's message for ``code`` (either language)."""
    from ckanext.govopen.domain import open_types as ot
    text = json.dumps(body, ensure_ascii=False)
    return any(m in text for m in ot._REASONS[code])


def publish_entry(world, pkg, role="dept_editor"):
    return api(world, role, "package_patch", id=pkg["id"], private=False)


# ---------------------------------------------------------------- start private, queue
def test_new_entry_of_department_member_starts_private(world):
    pkg = new_entry(world)
    assert pkg["private"] is True
    status, body = api(world, "anonymous", "package_show", id=pkg["id"])
    assert status in (403, 404)


def test_upload_queues_a_job_and_takes_the_original_out_of_the_upload_path(world):
    import os
    from ckanext.govopen.publication import state, storage
    pkg = new_entry(world)
    res = upload_csv(world, pkg)
    status, body = api(world, "dept_editor", "govopen_publication_show", id=res["id"])
    assert status == 200, body
    r = body["result"]
    assert r["state"] == "queued" and r["public"] is False and r["rows_done"] == 0
    assert set(r) >= {"state", "rows_done", "rows_total", "report", "review", "public"}
    row = state.get_row(res["id"])
    assert row.original_path and os.path.exists(row.original_path)
    assert not os.path.exists(storage.public_path(res["id"]))
    assert os.path.commonpath([row.original_path, os.path.dirname(storage.public_path(res["id"]))]) \
        != os.path.dirname(storage.public_path(res["id"]))
    assert row.rq_job_id  # on the Redis queue for `ckan jobs worker`


# ---------------------------------------------------------------- per-role: show / review
@pytest.mark.parametrize("role", ROLES)
def test_publication_show_per_role(world, role):
    res = world["datasets"]["unconditional"]["upload"]
    status, body = api(world, role, "govopen_publication_show", id=res["id"])
    if role in ("dept_editor", "dept_admin", "authority"):
        assert status == 200, body
        r = body["result"]
        assert r["state"] == "succeeded" and r["public"] is True
        assert r["review"]["checklist"] == ALL_YES
        assert r["report"]["residual"]["passed"] is True
    else:
        assert status == 403, body


@pytest.mark.parametrize("role", ROLES)
def test_publication_review_per_role(world, role):
    pkg = new_entry(world)
    res = upload_csv(world, pkg)
    assert run_job(res["id"]) == "succeeded"
    status, body = review(world, role, res)
    if role in ("dept_admin", "authority"):
        assert status == 200, body
        r = body["result"]
        assert r["review"]["user_name"] == world["users"][role]["name"]
        assert r["review"]["signed_at"] and r["review"]["checklist"] == ALL_YES
        assert r["review"]["note"] == "已核查"
        assert r["passed"] is True and r["public"] is False  # the entry is still private
    else:
        assert status == 403, body
        st, shown = api(world, "dept_admin", "govopen_publication_show", id=res["id"])
        assert shown["result"]["review"] is None and shown["result"]["passed"] is False


def test_review_refused_before_the_job_succeeded(world):
    pkg = new_entry(world)
    res = upload_csv(world, pkg)
    status, body = review(world, "dept_admin", res)
    assert status == 409, body
    assert says(body, "review_not_ready")


def test_review_needs_every_checklist_answer_true_and_boolean(world):
    pkg = new_entry(world)
    res = upload_csv(world, pkg)
    run_job(res["id"])
    status, body = review(world, "dept_admin", res, no_trade_secret=False)
    assert status == 409 and says(body, "review_checklist")
    status, body = review(world, "dept_admin", res, open_type_correct="yes")
    assert status == 409, body
    status, body = api(world, "dept_admin", "govopen_publication_review", id=res["id"],
                       checklist={"no_state_secret": True})
    assert status == 409, body


# ---------------------------------------------------------------- the gate on every path
def _paths(world, role, pkg, res):
    """What each read path gives ``role`` of the resource: (download status, url in
    package_show, url in resource_show, url in package_search)."""
    dl = download(world, role, pkg, res).status_code
    st, body = api(world, role, "package_show", id=pkg["id"])
    pkg_url = next((r.get("url") for r in body["result"]["resources"] if r["id"] == res["id"]), None) \
        if st == 200 else None
    st, body = api(world, role, "resource_show", id=res["id"])
    res_url = body["result"].get("url") if st == 200 else None
    st, body = api(world, role, "govopen_catalog")
    cat = [u for e in body["result"] for r in e.get("resources") or [] if r["id"] == res["id"]
           for u in [r.get("url")] if u]
    return dl, bool(pkg_url), bool(res_url), bool(cat)


def test_gate_on_every_path_until_review_then_public(world):
    pkg = new_entry(world)
    res = upload_csv(world, pkg)
    run_job(res["id"])
    # the entry cannot go public yet, on the API ...
    status, body = publish_entry(world, pkg)
    assert status == 409 and says(body, "make_public_blocked")
    # ... nor through the organization's bulk "make public"
    status, body = api(world, "dept_admin", "bulk_update_public", datasets=[pkg["id"]],
                       org_id=world["dept"]["id"])
    assert status == 409 and says(body, "make_public_blocked")
    assert model.Package.get(pkg["id"]).private is True
    assert review(world, "dept_admin", res)[0] == 200
    status, body = publish_entry(world, pkg)
    assert status == 200, body
    for role in OUTSIDERS:
        assert _paths(world, role, pkg, res) == (200, True, True, True), role
    # a new file in a public entry stays unpublished until it passes
    res2 = upload_csv(world, pkg, pii_csv(10, seed=3), "second.csv")
    for role in OUTSIDERS:
        assert _paths(world, role, pkg, res2) == (403, False, False, False), role
        assert download(world, role, pkg, res).status_code == 200
    for role in DEPT + ["authority"]:
        st, body = api(world, role, "resource_show", id=res2["id"])
        assert body["result"]["url"], role
    run_job(res2["id"])
    for role in OUTSIDERS:
        assert download(world, role, pkg, res2).status_code == 403, role
    assert review(world, "dept_admin", res2)[0] == 200
    assert download(world, "anonymous", pkg, res2).status_code == 200


def test_public_copy_has_no_identifiers_and_other_columns_byte_identical(world):
    original = pii_csv(60, seed=11)
    pkg = new_entry(world)
    res = upload_csv(world, pkg, original)
    run_job(res["id"])
    review(world, "dept_admin", res)
    assert publish_entry(world, pkg)[0] == 200
    public = download(world, "anonymous", pkg, res)
    assert public.status_code == 200
    data = public.data
    for col in ("姓名", "身份证号", "联系电话"):
        for value in column(original, col):
            assert value.encode() not in data, (col, value)
    for col in ("序号", "办理事项", "金额", "办理日期"):
        assert column(data, col) == column(original, col)
    # the lines of the non-sensitive columns are byte for byte the same
    orig_lines = original.decode().splitlines()
    pub_lines = data.decode().splitlines()
    assert len(orig_lines) == len(pub_lines) and orig_lines[0] == pub_lines[0]
    keep = [HEADER.index(c) for c in ("序号", "办理事项", "金额", "办理日期")]
    for a, b in zip(orig_lines, pub_lines):
        assert [a.split(",")[i] for i in keep] == [b.split(",")[i] for i in keep]
    st, body = api(world, "dept_editor", "govopen_publication_show", id=res["id"])
    rep = body["result"]["report"]
    changed = {c["column"]: c["cells_changed"] for c in rep["columns"]}
    assert changed["身份证号"] == 60 and changed["联系电话"] == 60 and changed["序号"] == 0
    assert rep["residual"]["passed"] is True and "k_anonymity" in rep


@pytest.mark.parametrize("role", ROLES)
def test_original_unreachable_outside_the_department(world, role):
    pkg = world["datasets"]["unconditional"]["pkg"]
    res = world["datasets"]["unconditional"]["upload"]
    r = world["app"].get("/dataset/%s/resource/%s/original" % (pkg["id"], res["id"]),
                         headers=headers(world, role), status=None)
    if role in ("dept_editor", "dept_admin", "authority"):
        assert r.status_code == 200
    else:
        assert r.status_code in (403, 404)


def test_external_link_needs_attestation_before_the_entry_goes_public(world):
    pkg = new_entry(world)
    status, body = api(world, "dept_editor", "resource_create", package_id=pkg["id"], name="链接",
                       url="https://data.example.invalid/x.json", format="JSON")
    res = body["result"]
    st, shown = api(world, "dept_editor", "govopen_publication_show", id=res["id"])
    r = shown["result"]
    assert r["state"] == "succeeded" and r["needs_attestation"] is True and r["passed"] is False
    assert r["report"]["kind"] == "link"
    assert publish_entry(world, pkg)[0] == 409
    assert review(world, "dept_admin", res)[0] == 200
    assert publish_entry(world, pkg)[0] == 200
    r = download(world, "anonymous", pkg, res)
    assert r.status_code in (301, 302) and r.headers["Location"].startswith("https://data.example")


def test_pdf_is_flagged_for_attestation(world):
    pkg = new_entry(world)
    status, body = api_upload(world, "dept_editor", "resource_create", b"%PDF-1.4 fake",
                              "notice.pdf", package_id=pkg["id"], name="通知", format="PDF")
    res = body["result"]
    assert run_job(res["id"]) == "succeeded"
    st, shown = api(world, "dept_admin", "govopen_publication_show", id=res["id"])
    r = shown["result"]
    assert r["report"]["needs_attestation"] is True and r["report"]["kind"] == "file"
    assert r["passed"] is False and r["status"]["reason_code"] == "publication_attestation"
    assert review(world, "dept_admin", res)[0] == 200
    assert publish_entry(world, pkg)[0] == 200
    assert download(world, "anonymous", pkg, res).data == b"%PDF-1.4 fake"


def test_not_open_entry_turned_unconditional_exposes_only_passed_files(world):
    pkg = new_entry(world, "not_open")
    passed = upload_csv(world, pkg, pii_csv(5, seed=1), "a.csv")
    run_job(passed["id"])
    review(world, "dept_admin", passed)
    pending = upload_csv(world, pkg, pii_csv(5, seed=2), "b.csv")
    run_job(pending["id"])
    # the pending file blocks publishing the entry ...
    assert publish_entry(world, pkg)[0] == 409
    review(world, "dept_admin", pending)
    assert publish_entry(world, pkg)[0] == 200
    third = upload_csv(world, pkg, pii_csv(5, seed=3), "c.csv")  # ... a later file is unpublished
    st, body = api(world, "dept_admin", "package_patch", id=pkg["id"], open_type="unconditional",
                   open_type_change_reason="经审查可无条件开放")
    assert st == 200, body
    # its review was signed for not_open: signed again for the wider open type, it is public
    assert download(world, "anonymous", pkg, passed).status_code == 403
    review(world, "dept_admin", passed)
    assert download(world, "anonymous", pkg, passed).status_code == 200
    assert download(world, "anonymous", pkg, third).status_code == 403


def test_replacing_a_file_repeats_the_whole_gate(world):
    pkg = new_entry(world)
    res = upload_csv(world, pkg)
    run_job(res["id"])
    review(world, "dept_admin", res)
    assert publish_entry(world, pkg)[0] == 200
    assert download(world, "anonymous", pkg, res).status_code == 200
    status, body = api_upload(world, "dept_editor", "resource_patch", pii_csv(8, seed=99),
                              "new.csv", id=res["id"])
    assert status == 200, body
    assert download(world, "anonymous", pkg, res).status_code == 403
    st, shown = api(world, "dept_editor", "govopen_publication_show", id=res["id"])
    assert shown["result"]["state"] == "queued" and shown["result"]["review"] is None
    run_job(res["id"])
    assert download(world, "anonymous", pkg, res).status_code == 403
    review(world, "dept_admin", res)
    assert download(world, "anonymous", pkg, res).status_code == 200
    assert len(column(download(world, "anonymous", pkg, res).data, "序号")) == 8


def test_a_forged_publication_passed_extra_does_not_open_the_gate(world):
    pkg = new_entry(world)
    res = upload_csv(world, pkg)
    run_job(res["id"])
    review(world, "dept_admin", res)
    assert publish_entry(world, pkg)[0] == 200
    res2 = upload_csv(world, pkg, pii_csv(3, seed=5), "x.csv")
    st, body = api(world, "dept_editor", "resource_patch", id=res2["id"], publication_passed="true")
    assert download(world, "anonymous", pkg, res2).status_code == 403


# ---------------------------------------------------------------- failures
def _failed(world, res):
    st, body = api(world, "dept_editor", "govopen_publication_show", id=res["id"])
    r = body["result"]
    assert r["state"] == "failed" and r["passed"] is False and r["public"] is False
    assert r["error"]["message_zh"] and r["error"]["hint_zh"]
    return r


def test_ragged_csv_fails_with_a_reason_and_nothing_public(world):
    from ckanext.govopen.publication import storage
    import os
    pkg = new_entry(world)
    data = "姓名,身份证号\n张伟,110105198503121234,多余\n李娜\n".encode()
    res = upload_csv(world, pkg, data, "ragged.csv")
    assert run_job(res["id"]) == "failed"
    r = _failed(world, res)
    assert r["error"]["code"] == "input"
    assert not os.path.exists(storage.public_path(res["id"]))
    assert review(world, "dept_admin", res)[0] == 409


def test_gbk_file_is_desensitized_in_its_encoding(world):
    original = pii_csv(20, seed=4, encoding="gbk")
    pkg = new_entry(world)
    res = upload_csv(world, pkg, original, "gbk.csv")
    assert run_job(res["id"]) == "succeeded"
    st, body = api(world, "dept_editor", "govopen_publication_show", id=res["id"])
    assert body["result"]["report"]["encoding"] in ("gbk", "gb18030")
    review(world, "dept_admin", res)
    assert publish_entry(world, pkg)[0] == 200
    data = download(world, "anonymous", pkg, res).data
    for v in column(original, "身份证号", "gbk"):
        assert v.encode() not in data
    assert column(data, "办理事项", "gbk") == column(original, "办理事项", "gbk")


def test_residual_scan_failure_publishes_nothing(world):
    import os
    from ckanext.govopen.publication import storage
    pkg = new_entry(world)
    st, body = api(world, "dept_admin", "govopen_publication_policy_update", package_id=pkg["id"],
                   yaml="columns:\n  身份证号: {operator: keep}\n")
    assert st == 200, body
    res = upload_csv(world, pkg)
    assert run_job(res["id"]) == "failed"
    r = _failed(world, res)
    assert r["error"]["code"] == "residual" and "身份证号" in r["error"]["detail"]
    assert r["report"]["residual"]["passed"] is False
    assert not os.path.exists(storage.public_path(res["id"]))
    assert review(world, "dept_admin", res)[0] == 409


def test_stale_running_job_is_shown_failed(world):
    import datetime as dt
    from ckanext.govopen.publication import state
    pkg = new_entry(world)
    res = upload_csv(world, pkg)
    row = state.get_row(res["id"])
    row.state = "running"
    row.heartbeat_at = dt.datetime.utcnow() - dt.timedelta(minutes=10)
    model.repo.commit()
    r = _failed(world, res)
    assert r["error"]["code"] == "stale"
    # re-running is safe: the original is still there
    st, body = api(world, "dept_editor", "govopen_publication_rerun", id=res["id"])
    assert st == 200 and body["result"]["state"] == "queued", body
    assert run_job(res["id"]) == "succeeded"
    assert run_job(res["id"]) == "superseded"  # the same attempt twice: no-op


def test_policy_change_after_publication_withdraws_and_requeues(world):
    pkg = new_entry(world)
    res = upload_csv(world, pkg)
    run_job(res["id"])
    review(world, "dept_admin", res)
    assert publish_entry(world, pkg)[0] == 200
    assert download(world, "anonymous", pkg, res).status_code == 200
    st, body = api(world, "dept_editor", "govopen_publication_policy_update", package_id=pkg["id"],
                   yaml="columns:\n  办理事项: {operator: drop}\n")
    assert st == 403  # editors do not change policies
    st, body = api(world, "dept_admin", "govopen_publication_policy_update", package_id=pkg["id"],
                   yaml="columns:\n  办理事项: {operator: drop}\n")
    assert st == 200 and res["id"] in body["result"]["requeued"], body
    assert download(world, "anonymous", pkg, res).status_code == 403
    run_job(res["id"])
    assert download(world, "anonymous", pkg, res).status_code == 403
    review(world, "dept_admin", res)
    data = download(world, "anonymous", pkg, res).data
    assert "办理事项" not in data.decode()
    st, body = api(world, "dept_admin", "govopen_publication_events", id=res["id"])
    actions = [e["action"] for e in body["result"]]
    for a in ("uploaded", "started", "succeeded", "reviewed", "requeued", "withdrawn"):
        assert a in actions, actions
    st, body = api(world, "dept_admin", "govopen_publication_events", package_id=pkg["id"])
    assert {"policy_changed", "published"} <= {e["action"] for e in body["result"]}
    reviewed = [e for e in body["result"] if e["action"] == "reviewed"]
    assert reviewed[-1]["user_name"] == world["users"]["dept_admin"]["name"]
    assert reviewed[-1]["detail"]["report_hash"] and reviewed[-1]["detail"]["checklist"] == ALL_YES
    # the review is in the dataset's history too
    st, body = api(world, "dept_admin", "package_activity_list", id=pkg["id"], include_data=True)
    assert st == 200, body
    assert any((a.get("data") or {}).get("govopen_publication", {}).get("action") == "reviewed"
               for a in body["result"]), body["result"][:2]


def test_policy_validation_and_preview(world):
    pkg = new_entry(world)
    upload_csv(world, pkg)  # the preview reads this file's original
    st, body = api(world, "dept_admin", "govopen_publication_policy_update", package_id=pkg["id"],
                   yaml="types:\n  CN_RESIDENT_ID: {operator: explode}\n")
    assert st == 409 and "yaml" in body["error"], body
    st, body = api(world, "dept_admin", "govopen_publication_policy_update", package_id=pkg["id"],
                   yaml="a: [unclosed\n")
    assert st == 409, body
    st, body = api(world, "dept_editor", "govopen_publication_policy_preview", package_id=pkg["id"],
                   yaml="columns:\n  姓名: {operator: drop}\n", rows=5)
    assert st == 200, body
    prev = body["result"]
    assert len(prev["rows"]) == 5
    assert prev["rows"][0]["身份证号"]["changed"] is True and prev["rows"][0]["序号"]["changed"] is False
    assert prev["rows"][0]["姓名"]["after"] is None
    st, body = api(world, "other_editor", "govopen_publication_policy_preview", package_id=pkg["id"],
                   yaml="", rows=5)
    assert st == 403


def test_department_default_policy_applies_and_dataset_override_wins(world):
    pkg = new_entry(world)
    st, body = api(world, "dept_admin", "govopen_publication_policy_update",
                   organization=world["dept"]["id"], yaml="columns:\n  金额: {operator: drop}\n")
    assert st == 200, body
    try:
        res = upload_csv(world, pkg, pii_csv(5))
        run_job(res["id"])
        st, body = api(world, "dept_admin", "govopen_publication_show", id=res["id"])
        dropped = {c["column"] for c in body["result"]["report"]["columns"] if c["dropped"]}
        assert dropped == {"金额"}
        st, body = api(world, "dept_admin", "govopen_publication_policy_show", package_id=pkg["id"])
        assert body["result"]["inherited"] is True
    finally:
        api(world, "dept_admin", "govopen_publication_policy_update",
            organization=world["dept"]["id"], yaml="version: 1\n")


# ---------------------------------------------------------------- pages
def test_publication_and_policy_pages(world):
    pkg = new_entry(world)
    res = upload_csv(world, pkg)
    run_job(res["id"])
    url = "/dataset/%s/resource/%s/publication" % (pkg["name"], res["id"])
    page = world["app"].get(url, headers=headers(world, "dept_admin"), status=None)
    assert page.status_code == 200, page.body[-3000:]
    assert 'id="chk-no_state_secret"' in page.body and "govopen-report" in page.body
    page = world["app"].get(url, headers=headers(world, "dept_editor"))
    assert 'id="chk-no_state_secret"' not in page.body  # editors do not sign
    for role in OUTSIDERS:
        assert world["app"].get(url, headers=headers(world, role), status=None).status_code == 403
    page = world["app"].get("/dataset/%s/resource/%s" % (pkg["name"], res["id"]),
                            headers=headers(world, "dept_editor"))
    assert 'id="govopen-publication"' in page.body
    page = world["app"].get("/dataset/%s/publication/policy" % pkg["name"],
                            headers=headers(world, "dept_admin"), status=None)
    assert page.status_code == 200, page.body[-3000:]
    assert 'name="yaml"' in page.body


# ---------------------------------------------------------------- history and lost jobs
def _gate_history(world, role, pkg):
    """The publication-gate events in the dataset's history as ``role`` sees it."""
    st, body = api(world, role, "package_activity_list", id=pkg["id"], include_data=True, limit=100)
    if st != 200:
        return st, []
    return st, [a["data"]["govopen_publication"] for a in reversed(body["result"])
                if (a.get("data") or {}).get("govopen_publication")]


def test_history_records_upload_job_review_and_publication_for_the_department_only(world):
    pkg = new_entry(world)
    res = upload_csv(world, pkg)
    assert run_job(res["id"]) == "succeeded"
    review(world, "dept_admin", res)
    assert publish_entry(world, pkg)[0] == 200
    st, events = _gate_history(world, "dept_editor", pkg)
    assert st == 200
    actions = [e["action"] for e in events]
    assert actions == ["uploaded", "succeeded", "reviewed", "published"], actions
    row_st, shown = api(world, "dept_admin", "govopen_publication_show", id=res["id"])
    succeeded = events[1]
    assert succeeded["resource_id"] == res["id"] and succeeded["resource_name"] == res["name"]
    assert succeeded["report_hash"] == shown["result"]["report_hash"]
    assert "policy_version" in succeeded  # 0: desensitize's default policy
    assert events[2]["report_hash"] == shown["result"]["report_hash"]
    # who: the uploader, the platform (the job), the reviewer, the publisher
    st, body = api(world, "dept_admin", "package_activity_list", id=pkg["id"], include_data=True)
    by_action = {a["data"]["govopen_publication"]["action"]: a["user_id"] for a in body["result"]
                 if (a.get("data") or {}).get("govopen_publication")}
    assert by_action["uploaded"] == world["users"]["dept_editor"]["id"]
    assert by_action["reviewed"] == world["users"]["dept_admin"]["id"]
    assert by_action["succeeded"] not in (world["users"]["dept_editor"]["id"],
                                          world["users"]["dept_admin"]["id"])
    st, events = _gate_history(world, "authority", pkg)
    assert [e["action"] for e in events] == actions
    # the public dataset's history does not show the department's gate record to outsiders
    for role in OUTSIDERS:
        st, events = _gate_history(world, role, pkg)
        assert st == 200 and events == [], (role, events)
    # the dataset's activity page shows the events, in Chinese and in English
    page = world["app"].get("/zh_Hans_CN/dataset/activity/%s" % pkg["name"],
                            headers=headers(world, "dept_admin"))
    assert "保密审查已签署" in page.body and "脱敏处理完成" in page.body, page.body[-2000:]
    assert shown["result"]["report_hash"][:12] in page.body
    version = shown["result"]["policy_version"]  # 0: desensitize's default policy
    assert ("策略版本 %d" % version if version else "默认脱敏策略") in page.body
    page = world["app"].get("/en/dataset/activity/%s" % pkg["name"], headers=headers(world, "dept_admin"))
    assert "Confidentiality review signed" in page.body and "Desensitization finished" in page.body


def test_history_records_a_failed_job_with_its_reason(world):
    pkg = new_entry(world)
    res = upload_csv(world, pkg, b"a,b\n1,2,3\n", filename="ragged.csv")
    assert run_job(res["id"]) == "failed"
    st, events = _gate_history(world, "dept_admin", pkg)
    assert [e["action"] for e in events] == ["uploaded", "failed"]
    assert events[-1]["code"] == "input"


def _age_past_staleness_then_lost_and_rerun(world, res):
    """Time passes beyond the staleness limit: the queued job is shown failed (lost)
    with the re-run hint, nothing public; a re-run queues it and it succeeds."""
    import datetime as dt
    from ckanext.govopen.publication import state
    model.Session.remove()
    row = state.get_row(res["id"])
    row.queued_at = dt.datetime.utcnow() - dt.timedelta(seconds=state.stale_seconds() + 5)
    model.repo.commit()
    st, body = api(world, "dept_editor", "govopen_publication_show", id=res["id"])
    r = body["result"]
    assert r["state"] == "failed" and r["error"]["code"] == "lost", r
    assert r["public"] is False and "重新运行" in r["error"]["hint_zh"]
    st, body = api(world, "dept_editor", "govopen_publication_rerun", id=res["id"])
    assert st == 200 and body["result"]["state"] == "queued", body
    assert run_job(res["id"]) == "succeeded"


def test_a_queued_job_lost_by_the_queue_is_shown_failed_and_can_be_rerun(world):
    from ckanext.govopen.publication import state
    pkg = new_entry(world)
    res = upload_csv(world, pkg)
    row = state.get_row(res["id"])
    assert row.state == "queued" and row.rq_job_id
    # a fresh job: still queued even if the check runs
    st, body = api(world, "dept_editor", "govopen_publication_show", id=res["id"])
    assert body["result"]["state"] == "queued"
    # Redis forgets the job (restart without persistence) and time passes
    from ckan.lib.redis import connect_to_redis
    from rq.job import Job
    Job.fetch(row.rq_job_id, connection=connect_to_redis()).delete()
    _age_past_staleness_then_lost_and_rerun(world, res)


def test_a_job_consumed_by_a_worker_of_another_site_is_shown_failed(world):
    """Issue 19: a worker of another site or an older deployment on the same Redis and
    queue takes the job and finishes it without writing to this database: the queue
    says finished, the row still says queued. Shown failed (lost) with the re-run hint,
    not left queued until Redis forgets the job."""
    from ckan.lib.redis import connect_to_redis
    from rq.job import Job, JobStatus
    from ckanext.govopen.publication import state
    pkg = new_entry(world)
    res = upload_csv(world, pkg)
    row = state.get_row(res["id"])
    job = Job.fetch(row.rq_job_id, connection=connect_to_redis())
    job.set_status(JobStatus.FINISHED)  # what the foreign worker left
    _age_past_staleness_then_lost_and_rerun(world, res)


def test_a_queued_job_still_in_the_queue_is_not_failed_however_long_it_waits(world):
    import datetime as dt
    from ckanext.govopen.publication import state
    pkg = new_entry(world)
    res = upload_csv(world, pkg)
    model.Session.remove()
    row = state.get_row(res["id"])
    row.queued_at = dt.datetime.utcnow() - dt.timedelta(hours=3)  # a long queue
    model.repo.commit()
    st, body = api(world, "dept_editor", "govopen_publication_show", id=res["id"])
    assert body["result"]["state"] == "queued", body["result"]
    model.Session.remove()
    assert state.get_row(res["id"]).queued_at < dt.datetime.utcnow() - dt.timedelta(hours=2)


def test_widening_the_open_type_withdraws_files_until_the_reviewer_signs_again(world):
    pkg = new_entry(world, open_type="not_open")
    res = upload_csv(world, pkg)
    assert run_job(res["id"]) == "succeeded"
    review(world, "dept_admin", res)
    assert publish_entry(world, pkg)[0] == 200
    st, body = api(world, "dept_admin", "package_patch", id=pkg["id"], open_type="unconditional",
                   open_type_change_reason="经审查可以开放")
    assert st == 200, body
    # the review attested the open type not_open: the file is not public as unconditional data
    assert download(world, "anonymous", pkg, res).status_code == 403
    st, body = api(world, "dept_admin", "govopen_publication_show", id=res["id"])
    r = body["result"]
    assert r["passed"] is False and r["status"]["reason_code"] == "publication_review_open_type", r
    st, events = _gate_history(world, "dept_admin", pkg)
    withdrawn = [e for e in events if e["action"] == "withdrawn"]
    assert withdrawn and withdrawn[-1]["reason"] == "open_type_widened"
    assert withdrawn[-1]["new_open_type"] == "unconditional"
    # signed again for the new open type: public
    st, body = review(world, "dept_admin", res)
    assert st == 200 and body["result"]["review"]["open_type"] == "unconditional", body
    assert download(world, "anonymous", pkg, res).status_code in (200, 302)
    # narrowing needs no new signature
    st, body = api(world, "dept_admin", "package_patch", id=pkg["id"], open_type="conditional",
                   legal_basis=LEGAL_BASIS, open_conditions="仅限研究使用",
                   open_type_change_reason="收紧")
    assert st == 200, body
    st, body = api(world, "dept_admin", "govopen_publication_show", id=res["id"])
    assert body["result"]["passed"] is True


def test_a_name_the_independent_scan_finds_blocks_publication_and_the_reviewer_sees_the_cell(world):
    """Issue #13: 王芳 stands in the 情况 column without any role word, so the
    recognizers leave it; the independent residual scan finds it in the output: the
    job fails closed (nothing public, no review possible) and the review page lists the
    row and column with a masked snippet."""
    import os
    from ckanext.govopen.publication import storage
    pkg = new_entry(world)
    data = ("序号,情况\n1,经核实，王芳符合条件，予以办理\n2,情况属实\n3,经核实，王芳符合条件，予以办理\n"
            ).encode("utf-8")
    res = upload_csv(world, pkg, data, filename="notes.csv")
    assert run_job(res["id"]) == "failed"
    r = _failed(world, res)
    assert r["error"]["code"] == "residual" and "情况" in r["error"]["detail"]
    finding = [f for f in r["report"]["residual"]["findings"] if f["entity_type"] == "CN_PERSON_NAME"][0]
    assert finding["detector"] == "independent"
    assert [(c["row"], c["column"]) for c in finding["cells"]] == [(1, "情况"), (3, "情况")]
    assert not os.path.exists(storage.public_path(res["id"]))
    assert review(world, "dept_admin", res)[0] == 409
    assert publish_entry(world, pkg)[0] != 200 or download(world, "anonymous", pkg, res).status_code != 200
    page = world["app"].get("/dataset/%s/resource/%s/publication" % (pkg["name"], res["id"]),
                            headers=headers(world, "dept_admin"))
    assert "govopen-residual-cells" in page.body and "王芳" not in page.body
    assert "<td>3</td><td>情况</td>" in page.body


def test_k_anonymity_below_the_minimum_is_signed_only_with_a_statement(world):
    """An outside walk published a table whose 地址 column singled out every row (k = 1,
    minimum 5) without the reviewer being asked anything. Now the review is refused
    until the reviewer writes why the file may go out; the statement is kept with the
    review and shown on the review page."""
    pkg = new_entry(world)
    data = "站点编号,站点名称,地址\n" + "".join(
        "%d,站点%d,渝中区解放碑%d号\n" % (i, i, i) for i in range(12))
    res = upload_csv(world, pkg, data.encode("utf-8"), filename="stations.csv")
    assert run_job(res["id"]) == "succeeded"
    st, body = api(world, "dept_admin", "govopen_publication_show", id=res["id"])
    kan = body["result"]["report"]["k_anonymity"]
    assert kan["k"] == 1 and kan["passed"] is False, kan
    page = world["app"].get("/dataset/%s/resource/%s/publication" % (pkg["name"], res["id"]),
                            headers=headers(world, "dept_admin"))
    assert 'name="k_anonymity_statement"' in page.body
    status, body = review(world, "dept_admin", res)
    assert status == 409 and says(body, "review_k_anonymity"), body
    assert download(world, "anonymous", pkg, res).status_code != 200
    statement = "地址列为公交站点地址，不涉及个人"
    status, body = api(world, "dept_admin", "govopen_publication_review", id=res["id"],
                       checklist=ALL_YES, note="已核查", k_anonymity_statement=statement)
    assert status == 200, body
    assert body["result"]["review"]["k_anonymity_statement"] == statement
    page = world["app"].get("/dataset/%s/resource/%s/publication" % (pkg["name"], res["id"]),
                            headers=headers(world, "dept_admin"))
    assert statement in page.body


def test_k_anonymity_met_needs_no_statement(world):
    pkg = new_entry(world)
    data = "站点编号,地址\n" + "".join("%d,渝中区\n" % i for i in range(12))
    res = upload_csv(world, pkg, data.encode("utf-8"), filename="districts.csv")
    assert run_job(res["id"]) == "succeeded"
    page = world["app"].get("/dataset/%s/resource/%s/publication" % (pkg["name"], res["id"]),
                            headers=headers(world, "dept_admin"))
    assert 'name="k_anonymity_statement"' not in page.body
    status, body = review(world, "dept_admin", res)
    assert status == 200, body
