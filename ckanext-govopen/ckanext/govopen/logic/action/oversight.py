"""Actions of the tamper-evident audit trail (issue 18), for the competent
authority only (``logic/auth/audit.py``):

  govopen_audit_list         {event?, subject?, limit?}  newest first
  govopen_audit_anchor_list  {}                          the stored anchors, newest first
  govopen_audit_verify       {}                          {ok, rows, head_id, head_hash, broken}
"""
from __future__ import annotations

import ckan.model as model
import ckan.plugins.toolkit as tk

from ... import audit
from .. import requests_glue as glue

MAX_LIMIT = 1000


def _t(zh: str, en: str) -> str:
    return en if glue.is_en() else zh


def _limit(value) -> int:
    if value in (None, ""):
        return 100
    try:
        n = int(str(value).strip())
    except (TypeError, ValueError):
        n = 0
    if not 1 <= n <= MAX_LIMIT:
        raise tk.ValidationError({"limit": [_t("条数应为 1 到 %d 之间的整数" % MAX_LIMIT,
                                               "Use a whole number from 1 to %d" % MAX_LIMIT)]})
    return n


@tk.side_effect_free
def govopen_audit_list(context, data_dict):
    """Audit rows, newest first. ``event``: an event name (``grant.created``) or a
    prefix ending in '.' (``request.``); ``subject``: the id the events are about."""
    tk.check_access("govopen_audit_list", context, data_dict)
    from ...model import AuditRow
    limit = _limit(data_dict.get("limit"))
    q = model.Session.query(AuditRow)
    event = (data_dict.get("event") or "").strip()
    if event:
        q = q.filter(AuditRow.event.startswith(event, autoescape=True) if event.endswith(".")
                     else AuditRow.event == event)
    subject = (data_dict.get("subject") or "").strip()
    if subject:
        q = q.filter(AuditRow.subject == subject)
    rows = q.order_by(AuditRow.id.desc()).limit(limit).all()
    names = audit._user_names(r.actor for r in rows)
    return [dict(r.as_dict(), actor_name=names.get(r.actor)) for r in rows]


@tk.side_effect_free
def govopen_audit_anchor_list(context, data_dict):
    tk.check_access("govopen_audit_anchor_list", context, data_dict)
    return audit.anchors()


@tk.side_effect_free
def govopen_audit_verify(context, data_dict):
    tk.check_access("govopen_audit_verify", context, data_dict)
    return audit.result_dict(audit.verify(), en=glue.is_en())


def get_actions():
    return {f.__name__: f for f in (govopen_audit_list, govopen_audit_anchor_list, govopen_audit_verify)}
