"""open_types.may_see_people (outside attack F10): who may list accounts and read one."""
from ckanext.govopen.domain import open_types as ot

CITIZEN = ot.Actor(user_id="u-citizen", kind="citizen")
ENTERPRISE = ot.Actor(user_id="u-ent", kind="enterprise")
EDITOR = ot.Actor(user_id="u-editor", org_capacities={"org": "editor"})
ADMIN = ot.Actor(user_id="u-admin", org_capacities={"org": "admin"})
MEMBER = ot.Actor(user_id="u-member", org_capacities={"org": "member"})
AUTHORITY = ot.Actor(user_id="u-auth", sysadmin=True)


def test_listing_is_for_staff_and_the_authority():
    for a in (EDITOR, ADMIN, MEMBER, AUTHORITY):
        assert ot.may_see_people(a).allowed, a
    for a in (ot.ANONYMOUS, CITIZEN, ENTERPRISE):
        d = ot.may_see_people(a)
        assert not d.allowed and d.message_zh, a


def test_an_account_is_for_itself_staff_and_the_authority():
    assert ot.may_see_people(CITIZEN, "u-citizen").allowed
    assert not ot.may_see_people(CITIZEN, "u-ent").allowed
    assert not ot.may_see_people(ENTERPRISE, "u-citizen").allowed
    assert not ot.may_see_people(ot.ANONYMOUS, "u-citizen").allowed
    assert ot.may_see_people(EDITOR, "u-citizen").allowed
    assert ot.may_see_people(AUTHORITY, "u-citizen").allowed
    assert ot.may_see_people(CITIZEN, "u-ent").reason_code == "people_denied"
