"""Finding 3 (issue 12): CSRF on every form of the portal's own.

Every route of the Flask app that accepts POST — read from the app's url_map, so a
route added later is covered without editing this test — refuses a POST that carries
a logged-in user's session cookie but no CSRF token (400/403), and nothing is written
(the row count of every table is unchanged). The competent authority (sysadmin) is the
user: the one who may do the most. A positive control proves the session is logged
in and that the same POST with the page's token is accepted; the API keeps working
with an API token header and no CSRF token, as in CKAN.
"""
from __future__ import annotations

import pytest

import websession

pytestmark = [pytest.mark.usefixtures("with_plugins")]

#: form data that would let many of the portal's POST routes write something
#: (a demand, an objection, a calendar day, a request transition, a policy …)
FORM = {"title": "CSRF 需求", "description": "跨站请求", "what": "数据有误", "evidence": "见公报",
        "action": "approve", "op": "day", "day": "2031-01-02", "workday": "false",
        "name": "CSRF", "source": "csrf", "year": "2031", "yaml": "rules: []\n",
        "reasons": "x", "note": "x", "purpose": "x", "org_id": "x", "package_id": "x",
        "no_state_secret": "on", "no_trade_secret": "on",
        "personal_data_within_policy": "on", "open_type_correct": "on"}


def _table_counts():
    import ckan.model as model
    import sqlalchemy as sa
    names = [r[0] for r in model.Session.execute(sa.text(
        "SELECT table_name FROM information_schema.tables "
        "WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"))]
    counts = {n: model.Session.execute(sa.text('SELECT count(*) FROM "%s"' % n)).scalar()
              for n in names}
    model.Session.remove()
    return counts


def _post_routes(flask_app, world):
    """(rule, url) for every url_map rule with POST, its variables filled from the world."""
    ds = world["datasets"]["not_open"]
    values = {"id": ds["pkg"]["name"], "resource_id": ds["upload"]["id"],
              "package_type": "dataset", "group_type": "organization",
              "ver": 3, "logic_function": "govopen_demand_create"}
    out = []
    for rule in flask_app.url_map.iter_rules():
        if "POST" not in (rule.methods or ()) or rule.endpoint == "static":
            continue
        url = rule.build({a: values.get(a, "x") for a in rule.arguments},
                         append_unknown=False)[1]
        out.append((rule, url))
    return out


def _our_routes(rules):
    return [(r, u) for r, u in rules if r.endpoint.split(".")[0].startswith("govopen")]


@pytest.fixture(scope="module")
def session(world):
    c = websession.client(world["app"])
    resp = websession.login(c, world["users"]["authority"]["name"], world["password"])
    assert resp.status_code == 302, resp.get_data(as_text=True)[:500]
    assert websession.logged_in_as(c) == world["users"]["authority"]["name"]
    return c


def test_every_post_route_refuses_a_cookie_without_token(world, session):
    flask_app = world["app"].flask_app
    routes = _post_routes(flask_app, world)
    ours = _our_routes(routes)
    # the portal's own forms are among them (sanity: the enumeration found them)
    assert {"govopen_demand.new", "govopen_requests.act", "govopen_requests.calendar_admin",
            "govopen_publication.review"} <= {r.endpoint for r, _ in ours}
    before = _table_counts()
    accepted = []
    for rule, url in routes:
        try:
            r = session.post(url, data=dict(FORM), follow_redirects=False, status=None)
        except Exception as e:  # the view ran (and failed): the token was not checked
            accepted.append("%s %s → %s" % (rule.endpoint, url, type(e).__name__))
            continue
        if r.status_code not in (400, 403):
            accepted.append("%s %s → %s" % (rule.endpoint, url, r.status_code))
    after = _table_counts()
    changed = {t: (before[t], after.get(t)) for t in before if before[t] != after.get(t)}
    assert not accepted, "POST without CSRF token accepted:\n" + "\n".join(accepted)
    assert not changed, "rows written by token-less POSTs: %r" % changed
    # still logged in: the refusals were not for want of a session
    assert websession.logged_in_as(session) == world["users"]["authority"]["name"]


def test_the_same_post_with_the_pages_token_is_accepted(world, session):
    """Positive control: the refusal above is the missing token, nothing else."""
    from ckan.tests import helpers
    before = len(helpers.call_action("govopen_demand_list", {"ignore_auth": True}))
    token = websession.csrf_token(session, "/demand")
    r = session.post("/demand/new", data={"title": "有令牌的需求", "description": "正常提交",
                                          "_csrf_token": token},
                     follow_redirects=False, status=None)
    assert r.status_code == 302 and "/demand/" in r.headers["Location"]
    after = helpers.call_action("govopen_demand_list", {"ignore_auth": True})
    assert len(after) == before + 1


def test_api_with_token_header_needs_no_csrf_token(world):
    """The API with an API token (no cookie) works as in CKAN."""
    c = websession.client(world["app"])
    r = c.post("/api/3/action/govopen_demand_create",
               json={"title": "API 需求", "description": "经 API 提交"},
               headers={"Authorization": world["tokens"]["citizen"]}, status=None)
    assert r.status_code == 200, r.get_data(as_text=True)[:300]
    assert r.json["success"] is True


def test_api_with_cookie_and_no_token_is_refused(world, session):
    """A browser session calling the write API without the token is refused too."""
    r = session.post("/api/3/action/govopen_demand_create",
                     json={"title": "跨站 API", "description": "x"}, status=None)
    assert r.status_code in (400, 403)
