"""Every day on the clock is a day in the jurisdiction's zone (Asia/Shanghai),
whatever zone the server runs in: the glue is run here with the process in
America/Los_Angeles and in UTC."""
from __future__ import annotations

import datetime as dt
import os
import time
from zoneinfo import ZoneInfo

import pytest

from ckan.tests import helpers

pytestmark = [pytest.mark.usefixtures("with_plugins", "clean_db")]

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(params=["America/Los_Angeles", "UTC"])
def server_tz(request):
    old = os.environ.get("TZ")
    os.environ["TZ"] = request.param
    time.tzset()
    yield request.param
    if old is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = old
    time.tzset()


def test_received_on_the_beijing_day(server_tz, make_user, make_org, make_entry):
    from ckanext.govopen.domain import workdays
    from ckanext.govopen.logic import requests_glue as glue
    import ckan.model as model
    head = make_user()
    dept = make_org(users=[{"name": head["name"], "capacity": "admin"}])
    entry = make_entry(dept["id"], "unconditional", user=head, private=False)
    citizen = make_user()
    actor = glue.engine_actor(citizen["name"])
    cal = glue.calendar()
    # Monday 01:00 in Beijing is still Sunday in UTC and in Los Angeles
    monday_beijing = dt.datetime(2026, 12, 7, 1, 0, tzinfo=SHANGHAI)
    assert time.localtime(monday_beijing.timestamp()).tm_wday == 6  # the server thinks: Sunday
    row = glue.submit("objection", actor, dept["id"], entry["id"],
                      {"description": "数值错误", "evidence": "公告原文", "dataset_id": entry["id"]}, now=monday_beijing)
    model.Session.commit()
    assert workdays.to_local_date(workdays.utc(row.received_at), glue.tz()) == dt.date(2026, 12, 7)
    expected = workdays.due_date(dt.date(2026, 12, 7), 10, cal).date
    assert expected != workdays.due_date(dt.date(2026, 12, 6), 10, cal).date
    assert row.due_date == expected
    shown = helpers.call_action("govopen_request_show", {"user": citizen["name"]}, id=row.id)
    assert shown["due_date"] == expected.isoformat()
    # recomputing from the stored (naive UTC) receipt gives the same day
    from ckanext.govopen.domain import requests as rq
    snap = glue.snapshot(row)
    assert rq.compute_due("objection", snap.received_at, cal, glue.jurisdiction()).date == expected
    # and a Saturday 01:00 Beijing receipt was received on Saturday
    saturday = dt.datetime(2026, 12, 5, 1, 0, tzinfo=SHANGHAI)
    row2 = glue.submit("objection", actor, dept["id"], entry["id"],
                       {"description": "x", "evidence": "y", "dataset_id": entry["id"]}, now=saturday)
    model.Session.commit()
    assert workdays.to_local_date(workdays.utc(row2.received_at), glue.tz()).weekday() == 5


def test_today_is_the_beijing_day(server_tz):
    from ckanext.govopen.logic import requests_glue as glue
    late = dt.datetime(2026, 12, 6, 17, 30, tzinfo=dt.timezone.utc)  # Monday 01:30 in Beijing
    assert glue.today_local(late) == dt.date(2026, 12, 7)
