"""Finding 8 (issue 12), second half: one person with ten self-registered accounts
must not reach the high-demand threshold. The threshold counts distinct VERIFIED
requesters; ``govopen.demand.requester_verification`` chooses e-mail (default), the
jurisdiction's real-name check, or none."""
from __future__ import annotations

import re

import pytest

from ckan.tests import factories, helpers

from ckanext.govopen.domain import verification as vf

pytestmark = [pytest.mark.usefixtures("with_plugins", "clean_db")]

THRESHOLD = 10  # config/jurisdictions/demo.yaml


def _self_registered(n):
    """Accounts as self-registration makes them: no verification."""
    return [factories.User() for _ in range(n)]


def _closed_entry(make_user, make_org, make_entry):
    head = make_user()
    org = make_org(users=[{"name": head["name"], "capacity": "admin"}])
    return make_entry(org["id"], "not_open", user=head, private=False)


def _demand_by(users, pkg):
    d = None
    for u in users:
        d = helpers.call_action("govopen_demand_create", {"user": u["name"]}, package_id=pkg["id"])
    return d


# ---------------------------------------------------------------- rules (no DB)
def test_domain_rules():
    assert vf.method(None) == "email"
    with pytest.raises(ValueError):
        vf.method("maybe")
    assert not vf.is_verified({}, "email")
    assert not vf.is_verified({"verified": {"real_name": {"at": "x"}}}, "email")
    assert vf.is_verified({"verified": {"email": {"at": "x"}}}, "email")
    assert vf.is_verified({}, "none")


# ---------------------------------------------------------------- the threshold
def test_ten_unverified_accounts_do_not_reach_the_threshold(make_user, make_org, make_entry):
    pkg = _closed_entry(make_user, make_org, make_entry)
    d = _demand_by(_self_registered(THRESHOLD), pkg)
    assert d["requester_count"] == THRESHOLD
    assert d["requester_count_in_window"] == 0
    assert d["review_request_id"] is None and d["state"] == "collecting"


def test_verified_requesters_reach_it_and_verifying_later_counts(sysadmin, make_user, make_org,
                                                                 make_entry):
    pkg = _closed_entry(make_user, make_org, make_entry)
    users = _self_registered(THRESHOLD)
    d = _demand_by(users, pkg)
    assert d["review_request_id"] is None
    for i, u in enumerate(users):
        out = helpers.call_action("govopen_verification_mark", {"user": sysadmin["name"]},
                                  user_id=u["id"], method="email", reference="test %d" % i)
        assert out["verified"] is True
    d = helpers.call_action("govopen_demand_show", {"user": users[0]["name"]}, id=d["id"])
    assert d["requester_count_in_window"] == THRESHOLD
    assert d["review_request_id"] and d["state"] == "under_review"


def test_only_the_authority_records_a_verification(make_user):
    u = make_user(verified=False)
    with pytest.raises(helpers.logic.NotAuthorized):
        helpers.call_action("govopen_verification_mark", {"user": u["name"]},
                            user_id=u["id"], method="email", reference="self")
    # nor through user_patch: CKAN ignores plugin_extras from anyone but a sysadmin
    helpers.call_action("user_patch", {"user": u["name"], "ignore_auth": False}, id=u["id"],
                        plugin_extras={"govopen": {"verified": {"email": {"at": "x"}}}})
    status = helpers.call_action("govopen_verification_status", {"user": u["name"]})
    assert status == {**status, "method": "email", "verified": False}


def test_email_link_verifies_the_account(app, mail_server, make_user):
    u = make_user(verified=False)
    out = helpers.call_action("govopen_verification_send", {"user": u["name"]})
    assert out["sent_to"] == u["email"]
    msgs = mail_server.get_smtp_messages()
    assert msgs and msgs[-1][2] == [u["email"]]
    import email
    body = email.message_from_string(msgs[-1][3]).get_payload(decode=True).decode("utf-8")
    link = re.search(r"https?://\S+/user/verify/email/\S+", body).group(0)
    path = "/" + link.split("/", 3)[3]
    # a tampered link does nothing
    app.get(path[:-3] + "xyz", status=None)
    assert not helpers.call_action("govopen_verification_status", {"user": u["name"]})["verified"]
    app.get(path, status=None)
    assert helpers.call_action("govopen_verification_status", {"user": u["name"]})["verified"]


@pytest.mark.ckan_config("govopen.demand.requester_verification", "real_name")
def test_real_name_without_an_integration_verifies_nobody(make_user):
    u = make_user(verified=False)
    with pytest.raises(helpers.logic.ValidationError):
        helpers.call_action("govopen_verification_send", {"user": u["name"]})
    assert not helpers.call_action("govopen_verification_status", {"user": u["name"]})["verified"]


@pytest.mark.ckan_config("govopen.demand.requester_verification", "none")
def test_none_counts_every_account(make_user, make_org, make_entry):
    pkg = _closed_entry(make_user, make_org, make_entry)
    d = _demand_by(_self_registered(THRESHOLD), pkg)
    assert d["review_request_id"]
