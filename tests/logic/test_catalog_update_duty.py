"""Update duty: overdue entries per department (action and dashboard page)."""
import datetime as dt

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import helpers


@pytest.fixture
def setup(make_user, make_org, make_entry):
    editor, outsider = make_user(), make_user()
    org = make_org(users=[{"name": editor["name"], "capacity": "editor"}])
    other = make_org(users=[{"name": outsider["name"], "capacity": "editor"}])
    old = (dt.date.today() - dt.timedelta(days=40)).isoformat()
    fresh = dt.date.today().isoformat()
    late = make_entry(org["id"], update_cycle="monthly", last_data_update=old)
    ok = make_entry(org["id"], update_cycle="monthly", last_data_update=fresh)
    irregular = make_entry(org["id"], update_cycle="irregular", last_data_update=old)
    return locals()


def test_overdue_list_for_department(setup):
    rows = helpers.call_action("govopen_overdue_list", {"user": setup["editor"]["name"],
                                                        "ignore_auth": False})
    assert [r["name"] for r in rows] == [setup["late"]["name"]]
    assert rows[0]["overdue"] is True and rows[0]["due_date"]
    other = helpers.call_action("govopen_overdue_list", {"user": setup["outsider"]["name"],
                                                         "ignore_auth": False})
    assert other == []
    with pytest.raises(tk.NotAuthorized):
        helpers.call_action("govopen_overdue_list", {"user": "", "ignore_auth": False})


def test_dashboard_and_dataset_page(setup, app):
    token = helpers.call_action("api_token_create", {"user": setup["editor"]["name"]},
                                user=setup["editor"]["name"], name="t")["token"]
    page = app.get("/dashboard/govopen", headers={"Authorization": token})
    assert setup["late"]["title"] in page.body and 'data-name="%s"' % setup["late"]["name"] in page.body
    assert 'data-name="%s"' % setup["ok"]["name"] not in page.body
    page = app.get("/dataset/" + setup["late"]["name"])
    assert 'data-overdue="true"' in page.body
    page = app.get("/dataset/" + setup["ok"]["name"])
    assert 'data-overdue="false"' in page.body
