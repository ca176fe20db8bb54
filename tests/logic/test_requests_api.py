"""Issue 5 glue: applications, share requests, show/act/list per role, IDOR,
extension rules via the API, grants (approval → download → expiry), e-mails in
an SMTP sink, notify-due idempotence, statistics, calendar admin, CLI deadline."""
from __future__ import annotations

import datetime as dt
import socket

import pytest

import ckan.model as model
from ckan.tests import helpers

# These tests are about requests and grants; the publication gate (issue 7: new
# entries start private, files must pass review) is tested in its own module.
pytestmark = pytest.mark.ckan_config("govopen.publication.gate", "false")

VALID_ID = "11010519491231002X"
VALID_USCC = "91110000600037341L"


def _free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


SMTP_PORT = _free_port()


class Sink:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append({"to": list(envelope.rcpt_tos), "data": envelope.content.decode("utf-8", "replace")})
        return "250 OK"


@pytest.fixture(scope="module")
def smtp_sink():
    from aiosmtpd.controller import Controller
    sink = Sink()
    ctl = Controller(sink, hostname="127.0.0.1", port=SMTP_PORT)
    ctl.start()
    yield sink
    ctl.stop()


def call(_action, _user=None, **kw):
    ctx = {"user": _user["name"] if _user else "", "ignore_auth": False}
    return helpers.call_action(_action, ctx, **kw)


@pytest.fixture
def world(make_user, make_org, make_entry, sysadmin):
    head_a = make_user()
    editor_a = make_user()
    member_a = make_user()
    head_b = make_user()
    editor_b = make_user()
    dept_a = make_org(users=[{"name": head_a["name"], "capacity": "admin"},
                             {"name": editor_a["name"], "capacity": "editor"},
                             {"name": member_a["name"], "capacity": "member"}])
    dept_b = make_org(users=[{"name": head_b["name"], "capacity": "admin"},
                             {"name": editor_b["name"], "capacity": "editor"}])
    conditional = make_entry(dept_a["id"], "conditional", user=head_a)
    shared = make_entry(dept_a["id"], "unconditional", user=head_a, share_type="conditional",
                        share_conditions="仅限履职使用", share_legal_basis="《政务数据共享条例》")
    citizen = make_user(kind="citizen")
    citizen2 = make_user(kind="citizen")
    enterprise = make_user(kind="enterprise")
    return dict(head_a=head_a, editor_a=editor_a, member_a=member_a, head_b=head_b, editor_b=editor_b,
                dept_a=dept_a, dept_b=dept_b, conditional=conditional, shared=shared, citizen=citizen,
                citizen2=citizen2, enterprise=enterprise, sysadmin=sysadmin)


def application(w, user=None, **kw):
    today = dt.date.today()
    data = dict(package_id=w["conditional"]["id"], purpose="交通规划研究", scope="仅课题组内部使用",
                period_start=today.isoformat(), period_end=(today + dt.timedelta(days=90)).isoformat(),
                security_measures="专机存储，访问留痕", applicant_type="citizen", real_name="王小明",
                id_number=VALID_ID, contact="13800000000")
    data.update(kw)
    return call("govopen_application_create", user or w["citizen"], **data)


# ------------------------------------------------------------------ submission
@pytest.mark.usefixtures("with_request_context")
class TestSubmit:
    def test_citizen_applies_masked_id_due_date(self, world):
        r = application(world)
        assert r["kind"] == "application" and r["state"] == "submitted"
        assert r["due_date"] and r["fields"]["applicant_id_masked"] == "110***********002X"
        assert "identity_number" not in r  # the applicant sees the masked number only
        assert r["department"]["id"] == world["dept_a"]["id"]
        assert [h["to"] for h in r["history"]] == ["submitted"]
        assert r["history"][0]["fields"].get("applicant_id_masked") == "110***********002X"
        assert VALID_ID not in str(r["history"])
        assert r["due_explanation"] and r["available_actions"] == ["withdraw"]
        reviewer_view = call("govopen_request_show", world["editor_a"], id=r["id"])
        assert reviewer_view["identity_number"] == VALID_ID
        assert "start_review" in reviewer_view["available_actions"]

    def test_bad_resident_id_refused(self, world):
        with pytest.raises(helpers.logic.ValidationError) as e:
            application(world, id_number="110105194912310021")
        assert "id_number" in e.value.error_dict

    def test_enterprise_uscc(self, world):
        r = application(world, world["enterprise"], applicant_type="enterprise", enterprise_name="某某科技有限公司",
                        uscc=VALID_USCC, real_name="", id_number="")
        assert r["fields"]["uscc"] == VALID_USCC
        with pytest.raises(helpers.logic.ValidationError) as e:
            application(world, world["enterprise"], applicant_type="enterprise", enterprise_name="某某",
                        uscc="91110000600037341X")
        assert "uscc" in e.value.error_dict

    def test_required_fields_and_period(self, world):
        with pytest.raises(helpers.logic.ValidationError) as e:
            application(world, purpose="", security_measures="")
        assert {"purpose", "security_measures"} <= set(e.value.error_dict)
        with pytest.raises(helpers.logic.ValidationError) as e:
            application(world, period_start="2025-01-10", period_end="2025-01-01")
        assert "period_end" in e.value.error_dict

    def test_anonymous_cannot_apply(self, world):
        with pytest.raises(helpers.logic.NotAuthorized):
            helpers.call_action("govopen_application_create", {"user": "", "ignore_auth": False},
                                package_id=world["conditional"]["id"])

    def test_only_conditional_data(self, world, make_entry):
        open_entry = make_entry(world["dept_a"]["id"], "unconditional", user=world["head_a"])
        with pytest.raises(helpers.logic.ValidationError):
            application(world, package_id=open_entry["id"])

    def test_several_datasets(self, world, make_entry):
        other = make_entry(world["dept_b"]["id"], "conditional", user=world["head_b"])
        today = dt.date.today()
        out = call("govopen_application_create", world["citizen"],
                   package_ids=[world["conditional"]["id"], other["id"]], purpose="研究", scope="内部",
                   period_start=today.isoformat(), period_end=(today + dt.timedelta(days=30)).isoformat(),
                   security_measures="加密", applicant_type="citizen", real_name="王小明",
                   id_number=VALID_ID, contact="x@example.com")
        assert {r["department"]["id"] for r in out["requests"]} == {world["dept_a"]["id"], world["dept_b"]["id"]}

    def test_share_request(self, world):
        r = call("govopen_share_request_create", world["editor_b"], package_id=world["shared"]["id"],
                 purpose="履职需要", requester_org_id=world["dept_b"]["id"])
        assert r["kind"] == "share_request" and r["requester_org"]["id"] == world["dept_b"]["id"]
        # another member of the requesting department sees it as requester
        assert call("govopen_request_show", world["head_b"], id=r["id"])["id"] == r["id"]
        # a citizen cannot file for a department
        with pytest.raises(helpers.logic.NotAuthorized):
            call("govopen_share_request_create", world["citizen"], package_id=world["shared"]["id"],
                 purpose="x", requester_org_id=world["dept_b"]["id"])
        # data not conditionally shared
        with pytest.raises(helpers.logic.ValidationError):
            call("govopen_share_request_create", world["editor_b"], package_id=world["conditional"]["id"],
                 purpose="x", requester_org_id=world["dept_b"]["id"])


# ------------------------------------------------------------------ visibility per role (IDOR)
@pytest.mark.usefixtures("with_request_context")
class TestVisibility:
    def test_show_per_role(self, world):
        r = application(world)
        allowed = ["citizen", "head_a", "editor_a", "member_a", "sysadmin"]
        refused = ["citizen2", "enterprise", "head_b", "editor_b"]
        for who in allowed:
            assert call("govopen_request_show", world[who], id=r["id"])["id"] == r["id"], who
        for who in refused:
            with pytest.raises(helpers.logic.NotAuthorized):
                call("govopen_request_show", world[who], id=r["id"])
        with pytest.raises(helpers.logic.NotAuthorized):
            helpers.call_action("govopen_request_show", {"user": "", "ignore_auth": False}, id=r["id"])

    def test_other_department_cannot_act(self, world):
        r = application(world)
        for who in ("head_b", "editor_b", "citizen2"):
            with pytest.raises(helpers.logic.NotAuthorized):
                call("govopen_request_act", world[who], id=r["id"], action="approve")
        # a plain member of the answering department sees it but does not review it
        seen = call("govopen_request_show", world["member_a"], id=r["id"])
        assert seen["available_actions"] == [] and "identity_number" not in seen
        with pytest.raises(helpers.logic.NotAuthorized):
            call("govopen_request_act", world["member_a"], id=r["id"], action="approve")
        # the competent authority sees every request but does not decide applications
        assert call("govopen_request_show", world["sysadmin"], id=r["id"])["available_actions"] == []
        # the applicant cannot decide their own application
        with pytest.raises(helpers.logic.NotAuthorized):
            call("govopen_request_act", world["citizen"], id=r["id"], action="approve")

    def test_lists_are_scoped(self, world):
        mine = application(world)
        theirs = application(world, world["citizen2"])
        ids = lambda rows: {x["id"] for x in rows}  # noqa: E731
        assert ids(call("govopen_request_list", world["citizen"], scope="mine")) == {mine["id"]}
        assert ids(call("govopen_request_list", world["citizen2"], scope="mine")) == {theirs["id"]}
        assert call("govopen_request_list", world["citizen"], scope="department") == []
        assert ids(call("govopen_request_list", world["editor_a"], scope="department")) == {mine["id"], theirs["id"]}
        assert call("govopen_request_list", world["head_b"], scope="department") == []
        assert ids(call("govopen_request_list", world["sysadmin"], scope="department")) >= {mine["id"], theirs["id"]}

    def test_grants_are_private(self, world):
        r = application(world)
        call("govopen_request_act", world["editor_a"], id=r["id"], action="approve")
        assert len(call("govopen_my_grants", world["citizen"])) == 1
        assert call("govopen_my_grants", world["citizen2"]) == []
        with pytest.raises(helpers.logic.NotAuthorized):
            call("govopen_grant_list", world["citizen2"], user_id=world["citizen"]["id"])
        with pytest.raises(helpers.logic.NotAuthorized):
            call("govopen_department_grant_list", world["head_b"], organization=world["dept_a"]["id"])
        assert len(call("govopen_department_grant_list", world["head_a"], organization=world["dept_a"]["id"])) == 1
        gid = call("govopen_my_grants", world["citizen"])[0]["id"]
        assert call("govopen_grant_download_list", world["citizen"], grant_id=gid) == []
        for who in ("citizen2", "head_b", "enterprise"):
            with pytest.raises(helpers.logic.NotAuthorized):
                call("govopen_grant_download_list", world[who], grant_id=gid)


# ------------------------------------------------------------------ transitions
@pytest.mark.usefixtures("with_request_context")
class TestTransitions:
    def test_extension_needs_the_head(self, world):
        r = application(world)
        # an editor cannot extend, naming himself or the head as approver (issue 12, finding 6)
        for approver in (world["editor_a"]["name"], world["head_a"]["name"]):
            with pytest.raises(helpers.logic.NotAuthorized):
                call("govopen_request_act", world["editor_a"], id=r["id"], action="extend",
                     approver=approver, reason="数据量大", days=10)
        # too many days
        with pytest.raises(helpers.logic.ValidationError) as e:
            call("govopen_request_act", world["head_a"], id=r["id"], action="extend",
                 approver=world["head_a"]["name"], reason="x", days=16)
        assert e.value.error_dict["rule"] == ["extension_days_exceeded"]
        # the editor proposes; the head approves in a step of his own
        out = call("govopen_request_act", world["editor_a"], id=r["id"], action="propose_extension",
                   reason="数据量大", days=10)
        assert out["state"] == "extension_proposed" and out["due_date"] == r["due_date"]
        out = call("govopen_request_act", world["head_a"], id=r["id"], action="approve_extension")
        assert out["state"] == "extended" and out["extensions"] == 1 and out["due_date"] > r["due_date"]
        assert any("10" in line for line in out["due_explanation"])
        # only once
        with pytest.raises(helpers.logic.ValidationError) as e:
            call("govopen_request_act", world["head_a"], id=r["id"], action="extend",
                 approver=world["head_a"]["name"], reason="x", days=2)
        assert e.value.error_dict["rule"] == ["extension_once"]

    def test_reject_needs_reasons_and_shows_them(self, world):
        r = application(world)
        with pytest.raises(helpers.logic.ValidationError) as e:
            call("govopen_request_act", world["editor_a"], id=r["id"], action="reject")
        assert e.value.error_dict["rule"] == ["required_fields"]
        assert "reasons" in e.value.error_dict and e.value.error_dict["message"][0].startswith(("请填写", "Required fields missing"))
        call("govopen_request_act", world["editor_a"], id=r["id"], action="reject",
             reasons="用途与开放条件不符", legal_basis="《数据安全法》第三十八条")
        seen = call("govopen_request_show", world["citizen"], id=r["id"])
        assert seen["state"] == "rejected" and seen["decision"]["fields"]["reasons"] == "用途与开放条件不符"
        assert seen["available_actions"] == [] and seen["grant"] is None
        with pytest.raises(helpers.logic.ValidationError) as e:
            call("govopen_request_act", world["editor_a"], id=r["id"], action="approve")
        assert e.value.error_dict["rule"] == ["already_decided"]

    def test_approval_grant_download_expiry(self, world, create_with_upload):
        res = create_with_upload(b"a,b\n1,2\n", "data.csv", package_id=world["conditional"]["id"],
                                 context={"user": world["head_a"]["name"]})
        from ckanext.govopen.logic import access
        pkg = model.Package.get(world["conditional"]["id"])
        citizen = access.actor_for(world["citizen"]["name"])
        assert not access.decide_data(citizen, pkg).allowed
        r = application(world)
        out = call("govopen_request_act", world["head_a"], id=r["id"], action="approve", conditions="不得转让")
        # issue 17: nothing until the citizen accepts the data-use agreement
        assert out["state"] == "approved" and out["grant"]["agreement_pending"] and not out["grant"]["active"]
        assert not access.decide_data(citizen, pkg).allowed
        doc = call("govopen_agreement_show", world["citizen"], id=r["id"])
        call("govopen_agreement_accept", world["citizen"], id=r["id"], sha256=doc["sha256"])
        out = call("govopen_request_show", world["citizen"], id=r["id"])
        assert out["grant"]["active"]
        assert out["grant"]["expires_local"] == r["fields"]["period_end"]
        assert access.decide_data(citizen, pkg).allowed
        # download through the API with the citizen's token: logged with the grant id
        token = helpers.call_action("api_token_create", {"user": world["citizen"]["name"]},
                                    user=world["citizen"]["name"], name="t")["token"]
        app = helpers._get_test_app()
        url = "/dataset/%s/resource/%s/download/data.csv" % (pkg.id, res["id"])
        resp = app.get(url, headers={"Authorization": token})
        assert resp.status_code == 200
        from ckanext.govopen.model import Grant, GrantDownload
        logs = model.Session.query(GrantDownload).all()
        assert len(logs) == 1 and logs[0].grant_id == out["grant"]["id"] and logs[0].via == "api"
        # expiry in the past → refused
        g = model.Session.query(Grant).get(out["grant"]["id"])
        g.expires = dt.datetime.utcnow() - dt.timedelta(minutes=1)
        model.Session.commit()
        assert not access.decide_data(citizen, pkg).allowed
        assert app.get(url, headers={"Authorization": token}).status_code == 403
        # revocation also ends it
        g = model.Session.query(Grant).get(out["grant"]["id"])  # the request ended the old session
        g.expires = None
        model.Session.commit()
        assert access.decide_data(citizen, pkg).allowed
        call("govopen_grant_revoke", world["head_a"], id=g.id)
        assert not access.decide_data(citizen, pkg).allowed

    def test_withdraw_by_applicant(self, world):
        r = application(world)
        out = call("govopen_request_act", world["citizen"], id=r["id"], action="withdraw")
        assert out["state"] == "withdrawn"

    def test_queue_order_overdue_first(self, world):
        from ckanext.govopen.model import Request
        a = application(world)
        b = application(world, world["citizen2"])
        row = model.Session.query(Request).get(b["id"])
        row.received_at = dt.datetime(2025, 9, 1)
        row.due_date = dt.date(2025, 9, 22)
        model.Session.commit()
        rows = call("govopen_request_list", world["editor_a"], scope="department")
        assert rows[0]["id"] == b["id"] and rows[0]["overdue"] is True
        assert rows[1]["id"] == a["id"] and rows[1]["remaining_working_days"] > 0


# ------------------------------------------------------------------ mail + notify-due
@pytest.mark.ckan_config("smtp.server", "127.0.0.1:%d" % SMTP_PORT)
@pytest.mark.ckan_config("smtp.mail_from", "portal@govopen.test")
@pytest.mark.usefixtures("with_request_context")
class TestMail:
    def test_submission_and_decision_mail(self, world, smtp_sink):
        smtp_sink.messages.clear()
        r = application(world)
        rcpts = {t for m in smtp_sink.messages for t in m["to"]}
        assert world["citizen"]["email"] in rcpts and world["editor_a"]["email"] in rcpts
        assert world["head_b"]["email"] not in rcpts and world["member_a"]["email"] not in rcpts
        smtp_sink.messages.clear()
        call("govopen_request_act", world["editor_a"], id=r["id"], action="reject", reasons="不符合条件",
             legal_basis="依据")
        assert any(world["citizen"]["email"] in m["to"] for m in smtp_sink.messages)
        notes = call("govopen_notification_list", world["citizen"])
        assert {n["kind"] for n in notes} == {"submitted", "decided"}
        assert all(n["emailed_at"] for n in notes)

    def test_notify_due_idempotent(self, world, smtp_sink, monkeypatch):
        from ckanext.govopen import notifications
        from ckanext.govopen.model import Request
        # the request reminders alone, whatever the real date: the annual report's (January
        # to March) are tested on fixed days in tests/logic/test_annual_report_outputs.py
        monkeypatch.setattr(notifications, "report_reminders", lambda today: [])
        r = application(world)
        row = model.Session.query(Request).get(r["id"])
        due = row.due_date
        smtp_sink.messages.clear()
        day_before = due - dt.timedelta(days=1)
        while day_before.weekday() >= 5:
            day_before -= dt.timedelta(days=1)
        from ckanext.govopen.logic import requests_glue as glue
        reviewers = len(glue.reviewer_ids(row))  # dept A's admins and editors
        assert reviewers >= 2
        first = notifications.notify_due(day_before)
        assert first["reminder"] == reviewers
        assert first["emailed"] == len({t for m in smtp_sink.messages for t in m["to"]}) >= 2
        again = notifications.notify_due(day_before)
        assert again == {"reminder": 0, "overdue": 0, "report": 0, "emailed": 0}
        late = notifications.notify_due(due + dt.timedelta(days=1))
        assert late["overdue"] == reviewers
        assert notifications.notify_due(due + dt.timedelta(days=2))["overdue"] == 0


@pytest.mark.ckan_config("smtp.server", "127.0.0.1:1")  # nothing listens: every send fails
@pytest.mark.usefixtures("with_request_context")
def test_mail_failure_keeps_transition(world):
    r = application(world)
    assert r["state"] == "submitted"
    out = call("govopen_request_act", world["editor_a"], id=r["id"], action="start_review")
    assert out["state"] == "under_review"
    notes = call("govopen_notification_list", world["citizen"])
    assert notes and all(n["email_error"] and not n["emailed_at"] for n in notes)


# ------------------------------------------------------------------ stats, calendar, CLI
@pytest.mark.usefixtures("with_request_context")
def test_stats(world):
    a = application(world)
    b = application(world, world["citizen2"])
    application(world)
    call("govopen_request_act", world["editor_a"], id=a["id"], action="approve")
    call("govopen_request_act", world["editor_a"], id=b["id"], action="reject", reasons="r", legal_basis="l")
    rows = helpers.call_action("govopen_stats", {"user": "", "ignore_auth": False})
    row = next(x for x in rows if x["organization"] == world["dept_a"]["name"])
    assert (row["received"], row["approved"], row["rejected"], row["open"]) == (3, 1, 1, 1)
    assert row["median_reply_days"] == 0 and row["p90_reply_days"] == 0 and row["overdue_rate"] == 0.0


@pytest.mark.usefixtures("with_request_context")
def test_calendar_admin(world):
    with pytest.raises(helpers.logic.NotAuthorized):
        call("govopen_calendar_day_set", world["head_a"], day="2027-02-08", workday=False, name="春节")
    with pytest.raises(helpers.logic.NotAuthorized):
        call("govopen_calendar_list", world["citizen"])
    out = call("govopen_calendar_day_set", world["sysadmin"], day="2027-02-08", workday=False, name="春节",
               source="国办发明电〔2026〕1号")
    assert out["day"] == "2027-02-08" and out["workday"] is False
    call("govopen_calendar_year_set", world["sysadmin"], year=2027, official=True, source="通知")
    listing = call("govopen_calendar_list", world["sysadmin"], year=2027)
    assert 2027 in listing["official_years"] and listing["days"][0]["name"] == "春节"
    from ckanext.govopen.logic import requests_glue as glue
    cal = glue.calendar()
    assert not cal.is_workday(dt.date(2027, 2, 8)) and cal.has_official_schedule(2027)


def test_cli_deadline(clean_db):
    from click.testing import CliRunner
    from ckanext.govopen.cli import govopen
    result = CliRunner().invoke(govopen, ["deadline", "2025-09-26", "15"])
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert lines[-1] == "2025-10-23"
    assert any("国庆节" in ln for ln in lines)


# ------------------------------------------------------------------ pages through the test app
def test_pages_and_attachment(world, app):
    # no outer request context here: it would share flask-login's cached (anonymous) user with app.get
    import io
    from werkzeug.datastructures import FileStorage
    r = application(world, upload=FileStorage(io.BytesIO(b"%PDF-1.4 test"), filename="agreement.pdf"))
    assert r["fields"]["attachment"].startswith("attachment:")
    tok = {who: helpers.call_action("api_token_create", {"user": world[who]["name"]},
                                    user=world[who]["name"], name="t")["token"]
           for who in ("citizen", "citizen2", "editor_a", "head_b")}
    page = "/dashboard/requests/%s" % r["id"]
    body = app.get(page, headers={"Authorization": tok["editor_a"]}).body
    assert VALID_ID in body and 'data-action="start_review"' in body
    body = app.get(page, headers={"Authorization": tok["citizen"]}).body
    assert VALID_ID not in body and 'data-action="withdraw"' in body and 'data-action="approve"' not in body
    assert app.get(page, headers={"Authorization": tok["citizen2"]}).status_code == 403
    assert app.get(page, headers={"Authorization": tok["head_b"]}).status_code == 403
    att = page + "/attachment"
    resp = app.get(att, headers={"Authorization": tok["editor_a"]})
    assert resp.status_code == 200 and resp.data == b"%PDF-1.4 test"
    assert app.get(att, headers={"Authorization": tok["citizen2"]}).status_code == 404
    queue = app.get("/dashboard/reviews", headers={"Authorization": tok["editor_a"]}).body
    assert r["id"] in queue
    assert r["id"] not in app.get("/dashboard/reviews", headers={"Authorization": tok["head_b"]}).body
    mine = app.get("/dashboard/requests", headers={"Authorization": tok["citizen"]}).body
    assert r["id"] in mine
    assert r["id"] not in app.get("/dashboard/requests", headers={"Authorization": tok["citizen2"]}).body
    assert app.get("/stats/requests").status_code == 200
    csv_text = app.get("/stats/requests.csv").body
    assert csv_text.splitlines()[0].lstrip("\ufeff").startswith("organization,organization_title,received")


def test_calendar_page(world, app):
    tok = {who: helpers.call_action("api_token_create", {"user": world[who]["name"]},
                                    user=world[who]["name"], name="t")["token"]
           for who in ("sysadmin", "head_a")}
    helpers.call_action("govopen_calendar_day_set", {"user": world["sysadmin"]["name"]},
                        day="2027-10-08", workday=False, name="国庆节")
    body = app.get("/ckan-admin/calendar?year=2027", headers={"Authorization": tok["sysadmin"]}).body
    assert 'data-day="2027-10-08"' in body and "国庆节" in body
    assert app.get("/ckan-admin/calendar?year=2027", headers={"Authorization": tok["head_a"]}).status_code == 403
