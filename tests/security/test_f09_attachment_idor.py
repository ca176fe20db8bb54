"""Finding 9 (issue 12): attachment IDOR.

``govopen_application_create`` accepted ``attachment_url`` naming another
applicant's stored attachment, and the attachment route then served it to the
second applicant. Attachments are stored under the request that uploaded them and
never named by the client; the route serves only the request's own file, to those
who may see that request."""
from __future__ import annotations

import datetime as dt
import io

import pytest

from govopen_world import ROLES, headers

VALID_ID = "11010519491231002X"
VALID_USCC = "91110000600037341L"
SECRET = b"%PDF-1.4 citizen's signed agreement"


def _form(world, **kw):
    today = dt.date.today()
    data = dict(package_id=world["datasets"]["conditional"]["pkg"]["id"], purpose="交通规划研究",
                scope="仅课题组内部使用", period_start=today.isoformat(),
                period_end=(today + dt.timedelta(days=90)).isoformat(),
                security_measures="专机存储，访问留痕", applicant_type="citizen",
                real_name="王小明", id_number=VALID_ID, contact="13800000000")
    data.update(kw)
    return data


def _apply(world, role, upload=None, **kw):
    data = _form(world, **kw)
    if upload is not None:
        data["upload"] = (io.BytesIO(upload[1]), upload[0])
        r = world["app"].post("/api/3/action/govopen_application_create", data=data,
                              headers=headers(world, role), content_type="multipart/form-data",
                              status=None)
    else:
        r = world["app"].post("/api/3/action/govopen_application_create", json=data,
                              headers=headers(world, role), status=None)
    return r.status_code, r.json


@pytest.fixture(scope="module")
def victim(world):
    st, body = _apply(world, "citizen", upload=("agreement.pdf", SECRET))
    assert st == 200, body
    return body["result"]


def _get_attachment(world, role, request_id):
    return world["app"].get("/dashboard/requests/%s/attachment" % request_id,
                            headers=headers(world, role), status=None, follow_redirects=False)


def test_client_named_attachment_is_refused(world, victim):
    stored = victim["fields"]["attachment"]
    st, body = _apply(world, "enterprise", applicant_type="enterprise", enterprise_name="某某公司",
                      uscc=VALID_USCC, real_name="", id_number="", attachment_url=stored)
    if st == 200:  # even if a client name were accepted it must not reach the victim's file
        r = _get_attachment(world, "enterprise", body["result"]["id"])
        assert SECRET not in r.data
        assert body["result"]["fields"].get("attachment") != stored
    else:
        assert st in (400, 409), body
        assert "attachment_url" in body["error"], body


@pytest.mark.parametrize("role", ROLES)
def test_attachment_route_per_role(world, victim, role):
    r = _get_attachment(world, role, victim["id"])
    if role in ("citizen", "dept_editor", "dept_admin", "authority"):
        assert r.status_code == 200 and r.data == SECRET
        assert r.headers["Content-Disposition"].startswith("attachment")
    else:
        assert r.status_code in (302, 403, 404)
        assert SECRET not in r.data


def test_attachment_is_stored_under_its_request(world, victim):
    import os
    import ckan.plugins.toolkit as tk
    folder = os.path.join(tk.config.get("ckan.storage_path"), "govopen_attachments", victim["id"])
    assert os.path.isdir(folder) and any(
        open(os.path.join(folder, f), "rb").read() == SECRET for f in os.listdir(folder))
