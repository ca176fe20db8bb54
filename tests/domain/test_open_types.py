"""The access policy and catalog rules as plain functions (no CKAN, no DB)."""
import datetime as dt

import pytest

from ckanext.govopen.domain import catalog
from ckanext.govopen.domain import open_types as ot

NOW = dt.datetime(2026, 6, 1, 12, tzinfo=dt.timezone.utc)
ORG, OTHER = "org-a", "org-b"

ANON = ot.ANONYMOUS
CITIZEN = ot.Actor(user_id="u-citizen", kind="citizen")
GRANTEE = ot.Actor(user_id="u-grantee", kind="enterprise")
EDITOR = ot.Actor(user_id="u-editor", org_capacities={ORG: "editor"})
OTHER_EDITOR = ot.Actor(user_id="u-other", org_capacities={OTHER: "editor"})
AUTHORITY = ot.Actor(user_id="u-admin", sysadmin=True)


def ds(open_type, **kw):
    return ot.Dataset(id="d1", owner_org=ORG, open_type=open_type, **kw)


GRANTS = [ot.Grant(user_id="u-grantee", package_id="d1", expires=NOW + dt.timedelta(days=1))]

# Expected DATA access, written out independently of the implementation.
EXPECTED_DATA = {
    # actor:        (unconditional, conditional, not_open)
    "anon":         (True, False, False),
    "citizen":      (True, False, False),
    "grantee":      (True, True, False),
    "editor":       (True, True, True),
    "other_editor": (True, False, False),
    "authority":    (True, True, True),
}
ACTORS = {"anon": ANON, "citizen": CITIZEN, "grantee": GRANTEE, "editor": EDITOR,
          "other_editor": OTHER_EDITOR, "authority": AUTHORITY}


@pytest.mark.parametrize("who", EXPECTED_DATA)
@pytest.mark.parametrize("i,open_type", list(enumerate(ot.OPEN_TYPES)))
def test_data_matrix(who, i, open_type):
    d = ot.decide(ACTORS[who], ds(open_type), ot.DATA, grants=GRANTS, now=NOW)
    assert d.allowed is EXPECTED_DATA[who][i], d
    assert d.message_zh and d.message_en


@pytest.mark.parametrize("who", EXPECTED_DATA)
@pytest.mark.parametrize("open_type", ot.OPEN_TYPES)
def test_metadata_always_public(who, open_type):
    assert ot.decide(ACTORS[who], ds(open_type), ot.METADATA, now=NOW).allowed


def test_private_metadata_only_department_and_authority():
    d = ds(ot.UNCONDITIONAL, private=True)
    assert not ot.decide(CITIZEN, d, ot.METADATA, now=NOW)
    assert not ot.decide(OTHER_EDITOR, d, ot.METADATA, now=NOW)
    assert ot.decide(EDITOR, d, ot.METADATA, now=NOW)
    assert ot.decide(AUTHORITY, d, ot.METADATA, now=NOW)


def test_grant_expired_revoked_or_for_other_dataset():
    expired = [ot.Grant("u-grantee", "d1", expires=NOW - dt.timedelta(seconds=1))]
    revoked = [ot.Grant("u-grantee", "d1", revoked_at=NOW - dt.timedelta(days=1))]
    other = [ot.Grant("u-grantee", "d2")]
    forever = [ot.Grant("u-grantee", "d1")]
    for grants, ok in ((expired, False), (revoked, False), (other, False), (forever, True)):
        assert ot.decide(GRANTEE, ds(ot.CONDITIONAL), grants=grants, now=NOW).allowed is ok


def test_reason_codes():
    assert ot.decide(ANON, ds(ot.CONDITIONAL), now=NOW).reason_code == "conditional_login"
    assert ot.decide(CITIZEN, ds(ot.CONDITIONAL), now=NOW).reason_code == "conditional_no_grant"
    assert ot.decide(CITIZEN, ds(ot.NOT_OPEN), now=NOW).reason_code == "not_open"
    assert not ot.decide(CITIZEN, ds("bogus"), now=NOW)


def test_publication_gate_input():
    r = ot.Resource(id="r1", publication_passed=False)
    assert not ot.decide(ANON, ds(ot.UNCONDITIONAL), resource=r, now=NOW)
    assert ot.decide(EDITOR, ds(ot.UNCONDITIONAL), resource=r, now=NOW)
    assert ot.decide(ANON, ds(ot.UNCONDITIONAL), resource=ot.Resource("r1", True), now=NOW)


def test_entry_problems():
    assert catalog.entry_problems({"open_type": "unconditional"}) == {}
    p = catalog.entry_problems({"open_type": "conditional"})
    assert p == {"legal_basis": ["legal_basis_required"],
                 "open_conditions": ["open_conditions_required"]}
    assert catalog.entry_problems({"open_type": "not_open"}) == {
        "legal_basis": ["legal_basis_required"]}
    assert "open_type" in catalog.entry_problems({"open_type": "secret"})
    assert catalog.entry_problems({"open_type": "unconditional", "share_type": "not_shared"}) == {
        "share_legal_basis": ["share_legal_basis_required"]}
    assert "temporal_end" in catalog.entry_problems(
        {"open_type": "unconditional", "temporal_start": "2024-02-01", "temporal_end": "2024-01-01"})
    assert catalog.message("legal_basis_required").startswith("有条件开放")
    assert catalog.message("legal_basis_required", "en").startswith("A conditional")


def test_open_type_change_needs_reason():
    assert catalog.open_type_change_problem("unconditional", "conditional", "") 
    assert catalog.open_type_change_problem("unconditional", "conditional", "新规") is None
    assert catalog.open_type_change_problem(None, "conditional", "") is None


@pytest.mark.parametrize("code,problem", [
    ("110105", None), ("440300", None), ("11010", "spatial_code_format"),
    ("abcdef", "spatial_code_format"), ("990000", "spatial_code_province"),
    ("000000", "spatial_code_province")])
def test_spatial_code(code, problem):
    assert catalog.spatial_code_problem(code) == problem


def test_overdue():
    today = dt.date(2026, 6, 1)
    e = {"update_cycle": "monthly", "last_data_update": "2026-05-01"}
    assert not catalog.is_overdue(e, today)
    assert catalog.is_overdue({**e, "last_data_update": "2026-04-30"}, today)
    assert not catalog.is_overdue({"update_cycle": "irregular"}, today)
    assert catalog.is_overdue({"update_cycle": "daily"}, today)  # no data at all
    # derived from resources, in Asia/Shanghai: 2026-05-31T16:30Z is 06-01 00:30 in Shanghai
    e2 = {"update_cycle": "daily", "resources": [{"last_modified": "2026-05-31T16:30:00"}]}
    assert catalog.last_data_update(e2) == dt.date(2026, 6, 1)
    assert catalog.update_status(e2, today)["overdue"] is False


def test_formats():
    assert catalog.format_readability("csv") == "machine"
    assert catalog.format_readability(".XLSX") == "machine"
    assert catalog.format_readability("PDF") == "not_machine"
    assert catalog.format_readability("png") == "not_machine"
    assert catalog.format_readability("") == "unknown"
