"""The publication gate rule in domain/open_types.py (no database)."""
from ckanext.govopen.domain import open_types as ot

DS = ot.Dataset(id="d", owner_org="org", open_type=ot.UNCONDITIONAL)
ALL = {k: True for k in ot.REVIEW_CHECKLIST}
EDITOR = ot.Actor(user_id="e", org_capacities={"org": "editor"})
MEMBER = ot.Actor(user_id="m", org_capacities={"org": "member"})
ADMIN = ot.Actor(user_id="a", org_capacities={"org": "admin"})
OTHER_ADMIN = ot.Actor(user_id="o", org_capacities={"other": "admin"})
AUTH = ot.Actor(user_id="s", sysadmin=True)
CITIZEN = ot.Actor(user_id="c", kind="citizen")


def pub(**kw):
    base = dict(state=ot.PUB_SUCCEEDED, residual_passed=True, review_signed=True)
    base.update(kw)
    return ot.Publication(**base)


def test_passed_only_when_current_succeeded_clean_and_signed():
    assert ot.publication_passed(pub())
    assert not ot.publication_passed(None)
    assert not ot.publication_passed(ot.Publication())
    for kw, code in [({"current": False}, "publication_outdated"),
                     ({"state": ot.PUB_QUEUED}, "publication_queued"),
                     ({"state": ot.PUB_RUNNING}, "publication_running"),
                     ({"state": ot.PUB_FAILED}, "publication_failed"),
                     ({"residual_passed": False}, "publication_residual"),
                     ({"review_signed": False}, "publication_review"),
                     ({"review_signed": False, "needs_attestation": True, "residual_passed": False},
                      "publication_attestation")]:
        d = ot.publication_status(pub(**kw))
        assert not d.allowed and d.reason_code == code, kw
        assert d.message_zh and d.message_en


def test_attested_file_passes_without_a_residual_scan():
    assert ot.publication_passed(pub(needs_attestation=True, residual_passed=False))


def test_gate_withholds_data_from_outsiders_whatever_the_open_type():
    pending = ot.Resource(id="r", publication_passed=False)
    for open_type in ot.OPEN_TYPES:
        ds = ot.Dataset(id="d", owner_org="org", open_type=open_type)
        for actor in (ot.ANONYMOUS, CITIZEN, OTHER_ADMIN):
            assert not ot.decide(actor, ds, ot.DATA, pending)
        for actor in (EDITOR, ADMIN, AUTH):
            assert ot.decide(actor, ds, ot.DATA, pending)
    assert ot.decide(ot.ANONYMOUS, DS, ot.DATA, ot.Resource(id="r", publication_passed=True))


def test_who_sees_and_who_signs():
    for actor in (MEMBER, EDITOR, ADMIN, AUTH):
        assert ot.may_see_publication(actor, DS)
    for actor in (ot.ANONYMOUS, CITIZEN, OTHER_ADMIN):
        assert not ot.may_see_publication(actor, DS)
    ready = pub(review_signed=False)
    assert ot.may_sign_review(ADMIN, DS, ready, ALL)
    assert ot.may_sign_review(AUTH, DS, ready, ALL)
    for actor in (ot.ANONYMOUS, CITIZEN, MEMBER, EDITOR, OTHER_ADMIN):
        assert ot.may_sign_review(actor, DS, ready, ALL).reason_code == "review_not_reviewer"


def test_review_refused_before_success_and_without_every_yes():
    for p in (None, pub(state=ot.PUB_QUEUED), pub(state=ot.PUB_FAILED), pub(current=False),
              pub(residual_passed=False)):
        assert ot.may_sign_review(ADMIN, DS, p, ALL).reason_code == "review_not_ready"
    for k in ot.REVIEW_CHECKLIST:
        for bad in (False, None, "true", 1):
            answers = {**ALL, k: bad}
            assert ot.may_sign_review(ADMIN, DS, pub(), answers).reason_code == "review_checklist"


def test_k_anonymity_below_the_minimum_needs_the_reviewers_statement():
    """Found by an outside walk: a file with k = 1 over its 地址 column was signed and
    published without a word. Below the minimum the review needs a written statement."""
    low = pub(k_anonymity_met=False)
    for statement in (None, "", "   "):
        assert ot.may_sign_review(ADMIN, DS, low, ALL, statement).reason_code == "review_k_anonymity"
    assert ot.may_sign_review(ADMIN, DS, low, ALL, "地址为公交站点地址，不涉及个人")
    assert ot.may_sign_review(ADMIN, DS, pub(), ALL)             # k met: no statement needed
    # the other refusals come first: the statement does not replace the checklist
    assert ot.may_sign_review(ADMIN, DS, low, {**ALL, "no_state_secret": False},
                              "理由").reason_code == "review_checklist"


def test_entry_goes_public_only_when_every_resource_passed():
    ok = ot.Resource(id="a", publication_passed=True)
    no = ot.Resource(id="b", publication_passed=False)
    assert ot.may_make_public([ok, ot.Resource(id="c")])
    assert ot.may_make_public([])
    d = ot.may_make_public([ok, no])
    assert not d and d.reason_code == "make_public_blocked"


def test_new_entries_of_department_members_start_private():
    assert ot.new_dataset_private(EDITOR) and ot.new_dataset_private(ADMIN)
    assert not ot.new_dataset_private(AUTH)


def test_a_review_covers_its_open_type_and_narrower_ones_never_wider():
    U, C, N = ot.UNCONDITIONAL, ot.CONDITIONAL, ot.NOT_OPEN
    # (signed under, now) → still passed?
    table = {(N, N): True, (N, C): False, (N, U): False,
             (C, N): True, (C, C): True, (C, U): False,
             (U, N): True, (U, C): True, (U, U): True}
    for (signed_under, now), expected in table.items():
        d = ot.publication_status(pub(reviewed_open_type=signed_under, open_type=now))
        assert d.allowed is expected, (signed_under, now)
        if not expected:
            assert d.reason_code == "publication_review_open_type" and d.message_zh


def test_widened_open_type_needs_a_new_signature_which_the_reviewer_may_give():
    widened = pub(reviewed_open_type=ot.NOT_OPEN, open_type=ot.UNCONDITIONAL)
    assert not ot.publication_passed(widened)
    assert ot.may_sign_review(ADMIN, DS, widened, ALL)
    assert ot.publication_passed(pub(reviewed_open_type=ot.UNCONDITIONAL, open_type=ot.UNCONDITIONAL))
