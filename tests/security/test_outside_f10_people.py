"""Outside test, finding F10: any self-registered user could list every account's real
name (``user_list``), read any profile (``user_show``) and its activity.

One rule (``open_types.may_see_people``, applied by the auth layer over CKAN's own
checks): listing and autocompleting accounts is for department staff and the competent
authority; an account's profile and activity for them and the account itself. Per role,
through the API and the web pages."""
from __future__ import annotations

import pytest

from govopen_world import ROLES, api, headers

pytestmark = pytest.mark.usefixtures("with_plugins")

#: who may list and search accounts
LISTS = {"anonymous": False, "citizen": False, "enterprise": False, "dept_editor": True,
         "dept_admin": True, "other_editor": True, "authority": True}


def test_every_role_is_covered():
    assert set(LISTS) == set(ROLES)


@pytest.mark.parametrize("role", ROLES)
def test_user_list_and_autocomplete_per_role(world, role):
    for action, params in (("user_list", {}), ("user_autocomplete", {"q": "c"})):
        status, body = api(world, role, action, **params)
        if LISTS[role]:
            assert status == 200, (action, body)
        else:
            assert status == 403, (action, status, body)
            # the refusal in the user's language, no English, no names
            assert world["users"]["citizen"]["name"] not in str(body)
    if not LISTS[role] and role != "anonymous":
        msg = api(world, role, "user_list")[1]["error"]["message"]
        # the rule's message (the test ini's default locale is English)
        assert "仅主管部门和部门工作人员" in msg or "department staff may see" in msg, msg


@pytest.mark.parametrize("role", ROLES)
def test_another_persons_account_per_role(world, role):
    """Citizen A reads enterprise B's account, and the reverse; staff may."""
    other = "enterprise" if role != "enterprise" else "citizen"
    name = world["users"][other]["name"]
    for action in ("user_show", "user_activity_list"):
        status, body = api(world, role, action, id=name)
        assert status == (200 if LISTS[role] else 403), (action, role, status, body)
        if status == 403:
            assert world["users"][other]["fullname"] not in str(body)


@pytest.mark.parametrize("role", [r for r in ROLES if r != "anonymous"])
def test_own_account_per_role(world, role):
    name = world["users"][role]["name"]
    status, body = api(world, role, "user_show", id=name)
    assert status == 200, body
    assert api(world, role, "user_show")[0] == 200  # no id: oneself
    assert api(world, role, "user_activity_list", id=name)[0] == 200
    # one's own profile page still opens
    world["app"].get("/user/" + name, headers=headers(world, role), status=200)


@pytest.mark.parametrize("role", ["citizen", "enterprise"])
def test_web_pages_of_other_accounts_refused(world, role):
    other = world["users"]["dept_editor" if role == "citizen" else "citizen"]
    r = world["app"].get("/user/" + other["name"], headers=headers(world, role), status=None)
    assert r.status_code in (403, 404), r.status_code
    assert other["fullname"] not in r.body
    r = world["app"].get("/user/", headers=headers(world, role), status=None)
    assert r.status_code in (403, 404), r.status_code
    assert other["fullname"] not in r.body
    assert world["app"].get("/user/" + other["name"], headers=headers(world, "dept_admin"),
                            status=None).status_code == 200


@pytest.mark.parametrize("role", [r for r in ROLES if r != "anonymous"])
def test_own_pages_link_the_account_list_only_to_who_may_open_it(world, role):
    """The profile's breadcrumb linked /user/ for everyone: a citizen's click got a 403
    (the browser crawl of the citizen's pages)."""
    name = world["users"][role]["name"]
    for path in ("/user/" + name, "/user/edit/" + name):
        page = world["app"].get(path, headers=headers(world, role), status=200).body
        assert ('href="/user/"' in page) == LISTS[role], (role, path)
