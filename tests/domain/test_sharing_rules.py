"""Sharing between departments in domain/open_types.decide (no database)."""
import datetime as dt

from ckanext.govopen.domain import open_types as ot

NOW = dt.datetime(2026, 12, 1, tzinfo=dt.timezone.utc)
OTHER = ot.Actor(user_id="o", org_capacities={"other": "editor"})
MEMBER = ot.Actor(user_id="m", org_capacities={"other": "member"})
THIRD = ot.Actor(user_id="t", org_capacities={"third": "admin"})
CITIZEN = ot.Actor(user_id="c", kind="citizen")
OWN = ot.Actor(user_id="e", org_capacities={"dept": "editor"})


def ds(share_type, open_type=ot.NOT_OPEN, **kw):
    return ot.Dataset(id="d", owner_org="dept", open_type=open_type, share_type=share_type, **kw)


def data(actor, dataset, grants=(), resource=None):
    return ot.decide(actor, dataset, ot.DATA, resource, grants, NOW)


def org_grant(org, **kw):
    return ot.Grant(user_id=None, org_id=org, package_id="d", **kw)


def test_unconditional_sharing_reaches_every_other_department_member_not_the_public():
    for actor in (OTHER, MEMBER, THIRD):
        d = data(actor, ds("unconditional"))
        assert d.allowed and d.reason_code == "shared_unconditional"
    for actor in (ot.ANONYMOUS, CITIZEN):
        assert not data(actor, ds("unconditional"))


def test_conditional_sharing_only_with_a_valid_grant_of_the_actors_department():
    d = data(OTHER, ds("conditional"))
    assert not d and d.reason_code == "share_request_needed"
    grant = org_grant("other")
    assert data(OTHER, ds("conditional"), [grant]).reason_code == "shared_grant"
    assert data(MEMBER, ds("conditional"), [grant])
    assert not data(THIRD, ds("conditional"), [grant])          # another department's grant
    assert not data(CITIZEN, ds("conditional"), [grant])
    assert not data(OTHER, ds("conditional"), [org_grant("other", revoked_at=NOW - dt.timedelta(1))])
    assert not data(OTHER, ds("conditional"), [org_grant("other", expires=NOW)])
    other_pkg = ot.Grant(user_id=None, org_id="other", package_id="x")
    assert not data(OTHER, ds("conditional"), [other_pkg])


def test_not_shared_reaches_no_other_department_and_a_users_grant_is_not_a_departments():
    assert data(OTHER, ds("not_shared"), [org_grant("other")]).reason_code == "not_open"
    user_grant = ot.Grant(user_id="o", package_id="d")
    assert not data(OTHER, ds("conditional"), [user_grant])      # sharing needs the department's
    # and a department's grant is not the user's own for conditionally OPEN data
    assert not data(OTHER, ds("not_shared", open_type=ot.CONDITIONAL), [org_grant("other")])


def test_the_gate_and_privacy_bind_sharing_and_the_own_department_is_not_other():
    pending = ot.Resource(id="r", publication_passed=False)
    assert data(OTHER, ds("unconditional"), resource=pending).reason_code == "publication_pending"
    assert data(OTHER, ds("unconditional", private=True)).reason_code == "private"
    assert not ot.is_other_department(OWN, ds("unconditional"))
    assert not ot.is_other_department(CITIZEN, ds("unconditional"))
    assert data(OWN, ds("not_shared")).reason_code == "department"


def test_grants_matter_where_a_grant_can_change_the_answer():
    assert ot.grants_matter(ds("conditional"))
    assert ot.grants_matter(ds("not_shared", open_type=ot.CONDITIONAL))
    assert not ot.grants_matter(ds("unconditional"))
    assert not ot.grants_matter(ds("not_shared"))


def test_who_may_file_a_share_request_and_why_not():
    cond = ds("conditional")
    assert ot.may_request_share(OTHER, cond).reason_code == "share_ok"
    assert ot.may_request_share(OTHER, cond, "other")
    for share_type, code in (("unconditional", "share_unconditional"),
                             ("not_shared", "share_not_shared"), (None, "share_no_type")):
        d = ot.may_request_share(OTHER, ds(share_type))
        assert not d and d.reason_code == code and d.message_zh
    for actor, code in ((ot.ANONYMOUS, "share_login"), (CITIZEN, "share_not_department"),
                        (OWN, "share_own_department"),
                        (ot.Actor(user_id="s", sysadmin=True), "share_authority")):
        assert ot.may_request_share(actor, cond).reason_code == code, actor
    d = ot.may_request_share(OWN, cond, "dept")  # the providing department asking itself
    assert not d and d.reason_code == "share_ask_itself"
    both = ot.Actor(user_id="b", org_capacities={"dept": "editor", "other": "member"})
    assert ot.requesting_departments(both, cond) == ["other"]


def test_the_sharing_block_is_for_departments_and_the_authority_only():
    for actor in (OTHER, MEMBER, THIRD, OWN, ot.Actor(user_id="a", sysadmin=True)):
        assert ot.sees_sharing(actor)
    for actor in (ot.ANONYMOUS, CITIZEN, ot.Actor(user_id="x", kind="enterprise")):
        assert not ot.sees_sharing(actor)
