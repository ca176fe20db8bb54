"""数据开放利用协议 (issue 17): the agreement of an approved application's grant.

  govopen_agreement_show   {id: request id} → {text, sha256, accepted, accepted_at,
                           accepted_by, pdf_url} (the parties of the request: applicant,
                           department, competent authority)
  govopen_agreement_accept {id, sha256}     the applicant accepts the text whose SHA-256
                           they send (it must be the text shown); the grant serves from then

Rules: ``domain/agreement.py``; the text is written on approval and kept with the grant
(``requests_glue.create_grant_for``).
"""
from __future__ import annotations

import datetime as dt

import ckan.model as model
import ckan.plugins.toolkit as tk

from ... import audit
from ...domain import agreement
from .. import requests_glue as glue


def _msg(code: str, *args) -> str:
    zh, en = agreement.REASONS[code]
    text = en if glue.is_en() else zh
    return text % args if args else text


def _grant(row):
    g = glue.grant_of_request(row.id) if row.kind == "application" else None
    if g is None or not g.agreement_required or not g.agreement_text:
        raise tk.ObjectNotFound(_msg("no_agreement"))
    return g


def _local(at):
    from ...domain import workdays
    if at is None:
        return None
    return workdays.utc(at).astimezone(__import__("zoneinfo").ZoneInfo(glue.tz())).isoformat()


def _ended(g) -> bool:
    now = dt.datetime.utcnow()
    return g.revoked_at is not None or (g.expires is not None and g.expires <= now)


def _answer(g, row=None, caller_id=None) -> dict:
    """The agreement; ``may_accept``: whether the caller may accept it now (the rule of
    domain/agreement, asked with the text's own digest)."""
    user = model.User.get(g.agreement_accepted_by) if g.agreement_accepted_by else None
    may_accept = row is not None and agreement.acceptance_refusal(
        caller_id, row.requester_id, g.agreement_text, g.agreement_sha256,
        _local(g.agreement_accepted_at), _ended(g)) is None
    return {"request_id": g.request_id, "grant_id": g.id, "text": g.agreement_text,
            "sha256": g.agreement_sha256, "accepted": g.agreement_accepted_at is not None,
            "accepted_at": _local(g.agreement_accepted_at),
            "accepted_by": user.name if user else g.agreement_accepted_by,
            "accepted_by_name": (user.fullname or user.name) if user else None,
            "pdf_url": None, "may_accept": may_accept}


@tk.side_effect_free
def govopen_agreement_show(context, data_dict):
    row = glue.get_row(tk.get_or_bust(data_dict, "id"))
    tk.check_access("govopen_agreement_show", context, {"id": row.id})
    user = model.User.get(context.get("user") or "")
    return _answer(_grant(row), row, user.id if user else None)


def govopen_agreement_accept(context, data_dict):
    row = glue.get_row(tk.get_or_bust(data_dict, "id"))
    tk.check_access("govopen_agreement_accept", context, {"id": row.id})
    user = model.User.get(context.get("user") or "")
    if user is None:
        raise tk.NotAuthorized(tk._("Please log in"))
    if user.id != row.requester_id:   # the authority too: it is the applicant's promise
        raise tk.NotAuthorized(_msg("not_applicant"))
    g = _grant(row)
    now = dt.datetime.utcnow()
    code = agreement.acceptance_refusal(user.id, row.requester_id, g.agreement_text,
                                        data_dict.get("sha256"),
                                        _local(g.agreement_accepted_at), _ended(g))
    if code == "already":
        raise tk.ValidationError({"sha256": [_msg(code, _local(g.agreement_accepted_at)[:16].replace("T", " "))]})
    if code:
        raise tk.ValidationError({"sha256": [_msg(code)]})
    g.agreement_accepted_at = now
    g.agreement_accepted_by = user.id
    audit.record(model.Session, user.id, "grant.agreement_accepted", g.id,
                 {"grant_id": g.id, "request_id": row.id, "sha256": g.agreement_sha256})
    model.Session.commit()
    return _answer(g, row, user.id)


def get_actions():
    return {f.__name__: f for f in (govopen_agreement_show, govopen_agreement_accept)}
