"""People's words for codes shown on pages (issue 14), no database."""
from ckanext.govopen.domain import catalog
from ckanext.govopen.views.i18n_alias import aliases, js_locale_name


def test_division_codes_get_their_names():
    assert catalog.division_label("500000") == "重庆市"
    assert catalog.division_label("460000") == "海南省"
    assert catalog.division_label("500103") == "重庆市 500103"
    assert catalog.division_label("abc") == "abc" and catalog.division_label(None) == ""


def test_the_locale_name_ckan_js_asks_for_has_an_alias():
    # client.js: "zh-Hans-CN".replace('-', '_') -> only the first hyphen
    assert js_locale_name("zh_Hans_CN") == "zh_Hans-CN"
    assert aliases(["zh_Hans_CN", "en", "pt_BR"]) == {"zh_Hans-CN": "zh_Hans_CN"}


def test_the_review_queue_holds_processed_files_waiting_for_a_signature():
    from ckanext.govopen.domain import open_types as ot
    waiting = ot.Publication(state=ot.PUB_SUCCEEDED, residual_passed=True)
    assert ot.awaits_review(waiting)
    assert ot.awaits_review(ot.Publication(state=ot.PUB_SUCCEEDED, needs_attestation=True))
    assert not ot.awaits_review(ot.Publication(state=ot.PUB_SUCCEEDED, residual_passed=True,
                                               review_signed=True))
    for st in (ot.PUB_QUEUED, ot.PUB_RUNNING, ot.PUB_FAILED, None):
        assert not ot.awaits_review(ot.Publication(state=st, residual_passed=True))
    # signed under not_open, the entry widened to unconditional: a new review is due
    assert ot.awaits_review(ot.Publication(
        state=ot.PUB_SUCCEEDED, residual_passed=True, review_signed=True,
        reviewed_open_type=ot.NOT_OPEN, open_type=ot.UNCONDITIONAL))


def test_portal_roles_for_the_menu():
    from ckanext.govopen.domain import open_types as ot
    assert ot.portal_role(ot.ANONYMOUS) == "anonymous"
    assert ot.portal_role(ot.Actor(user_id="c", kind="citizen")) == "public"
    assert ot.portal_role(ot.Actor(user_id="e", org_capacities={"d": "editor"})) == "department"
    assert ot.portal_role(ot.Actor(user_id="a", sysadmin=True)) == "authority"
