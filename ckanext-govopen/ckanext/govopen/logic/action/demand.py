"""Issue 8 actions: the demand board, high-demand review, reconsideration (复核)
and objections (疑义校核), all on the one request engine.

  govopen_demand_create        {package_id} | {title, description, suggested_org?}   logged in
  govopen_demand_second        {id}                               logged in, for oneself only
  govopen_demand_show          {id}                               public
  govopen_demand_list          {organization?, state?, q?, package_id?, limit?}  public, most requesters first
  govopen_demand_route         {id, org_id}                       competent authority (not-in-catalog demands)
  govopen_reconsideration_create {request_id, reasons}            a requester of the demand / the applicant
  govopen_objection_create     {package_id, resource_id?, what, where?, evidence}   logged in
  govopen_objection_list       {package_id}                       public: flags and outcomes of a dataset
  govopen_direction_list       {organization?}                    department members / the authority
  govopen_direction_fulfil     {id (reconsideration), open_type?, open_conditions?, reason?}  department admin

Transitions of the three kinds go through ``govopen_request_act``; it calls
:func:`before_commit` (open the entry when a review answers ``open``) and
:func:`after_commit` (tell every requester and the department).
"""
from __future__ import annotations

import datetime as dt
import logging
from typing import Any, Dict, List, Optional

import ckan.model as model
import ckan.plugins.toolkit as tk

from ...domain import demand as dm
from ...domain import open_types as ot
from ...domain import requests as rq
from ...domain import workdays
from ...domain.kinds import SYSTEM
from .. import access
from .. import requests_glue as glue
from ... import audit

log = logging.getLogger(__name__)

OPEN_DEMAND_STATES = ("collecting", "under_review", "awaiting_routing")
ANSWERING_STATES = ("kept_closed", "reconsideration", "directed_open", "direction_overdue")


def _t(zh: str, en: str) -> str:
    return en if glue.is_en() else zh


def _text(data_dict, name):
    v = (data_dict or {}).get(name)
    return v.strip() if isinstance(v, str) else v


def _required(errors, name):
    errors[name] = [_t("必填", "Missing value")]


# ------------------------------------------------------------------ rows
def _demand(demand_id):
    from ...model import Demand
    row = model.Session.query(Demand).get(demand_id) if demand_id else None
    if row is None:
        raise tk.ObjectNotFound(_t("数据需求不存在", "Demand not found"))
    return row


def _requester_rows(demand) -> list:
    from ...model import DemandRequester
    return (model.Session.query(DemandRequester).filter(DemandRequester.demand_id == demand.id)
            .order_by(DemandRequester.created).all())


def requester_ids(demand) -> List[str]:
    return [r.user_id for r in _requester_rows(demand)]


def _review(demand):
    from ...model import Request
    return model.Session.query(Request).get(demand.review_request_id) if demand.review_request_id else None


def _reconsiderations_of(original_id: str) -> list:
    from ...model import Request
    rows = (model.Session.query(Request).filter(Request.kind == "reconsideration")
            .order_by(Request.received_at).all())
    return [r for r in rows if (r.fields or {}).get("original_request_id") == original_id]


def _event(demand, action, actor_id, **fields):
    from ...model import DemandEvent
    model.Session.add(DemandEvent(demand_id=demand.id, actor_id=actor_id, action=action,
                                  fields={k: v for k, v in fields.items() if v not in (None, "")}))
    audit.record(model.Session, actor_id, "demand." + action, demand.id, {k: v for k, v in fields.items() if v not in (None, "")})


def _system_actor() -> rq.Actor:
    site = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    return rq.Actor(user_id=model.User.get(site["name"]).id, roles={SYSTEM})


def _logged_in_user(context):
    u = model.User.get(context.get("user")) if context.get("user") else None
    if u is None:
        raise tk.NotAuthorized(_t("请先登录", "Please log in"))
    return u


def _notify(row, kind: str, extra: str = "", users=None):
    """Dashboard rows + e-mail for ``users`` (default: the request's recipients)."""
    from ... import notifications
    try:
        rows = notifications.create(row, kind, extra, users=users)
        model.Session.commit()
    except Exception:
        log.exception("notifications for %s not stored", row.id)
        model.Session.rollback()
        return []
    notifications.send(rows)
    return rows


# ------------------------------------------------------------------ direction (责令开放)
def _direction_fulfilled_on(recon) -> Optional[dt.date]:
    """The local day the department opened the entry (or, for an application,
    granted it) after the direction; None while not fulfilled."""
    from ...model import Grant, OpenTypeChange, Request
    if recon.state != "directed_open" or recon.decided_at is None:
        return None
    original = model.Session.query(Request).get((recon.fields or {}).get("original_request_id") or "")
    package_id = recon.subject or (original.subject if original is not None else None)
    if not package_id:
        return None
    change = (model.Session.query(OpenTypeChange).filter(OpenTypeChange.package_id == package_id)
              .filter(OpenTypeChange.created >= recon.decided_at)
              .filter(OpenTypeChange.new_open_type != ot.NOT_OPEN)
              .order_by(OpenTypeChange.created).first())
    when = change.created if change is not None else None
    if original is not None and original.kind == "application":
        g = (model.Session.query(Grant).filter(Grant.user_id == original.requester_id)
             .filter(Grant.package_id == package_id).filter(Grant.created >= recon.decided_at)
             .order_by(Grant.created).first())
        if g is not None and (when is None or g.created < when):
            when = g.created
    return workdays.to_local_date(workdays.utc(when), glue.tz()) if when else None


def _open_by(recon) -> Optional[dt.date]:
    v = (recon.fields or {}).get("open_by")
    if not v:
        for h in glue.history(recon):
            if h["action"] == "direct_open":
                v = h["fields"].get("open_by")
    try:
        return dt.date.fromisoformat(v) if v else None
    except ValueError:
        return None


def direction_dict(recon, today=None) -> Optional[dict]:
    if recon is None or recon.state != "directed_open":
        return None
    today = today or glue.today_local()
    open_by = _open_by(recon)
    fulfilled = _direction_fulfilled_on(recon)
    status = dm.direction_status(open_by, fulfilled, today)
    fields = recon.fields or {}
    pkg = model.Package.get(recon.subject) if recon.subject else None
    return {"reconsideration_id": recon.id, "original_request_id": fields.get("original_request_id"),
            "original_kind": fields.get("original_kind"), "demand_id": fields.get("demand_id"),
            "department_id": fields.get("original_department_id"),
            "package_id": pkg.id if pkg else recon.subject, "package_name": pkg.name if pkg else None,
            "package_title": (pkg.title or pkg.name) if pkg else None,
            "open_by": open_by.isoformat() if open_by else None,
            "fulfilled_on": fulfilled.isoformat() if fulfilled else None,
            "status": status, "overdue": status == "overdue",
            "status_label": {"fulfilled": _t("已履行", "Fulfilled"), "overdue": _t("已逾期", "Overdue"),
                             "pending": _t("待履行", "Pending")}[status]}


# ------------------------------------------------------------------ demand → dict
def _state_of(demand, review=None, recons=None, today=None) -> str:
    review = review if review is not None else _review(demand)
    recons = recons if recons is not None else (_reconsiderations_of(review.id) if review else [])
    recon = recons[-1] if recons else None
    direction = direction_dict(recon, today) if recon is not None else None
    return dm.demand_state(
        in_catalog=bool(demand.package_id), routed=bool(demand.department_id),
        review_state=review.state if review else None,
        reconsideration_state=recon.state if recon else None,
        direction_open_by=dt.date.fromisoformat(direction["open_by"]) if direction and direction["open_by"]
        else None,
        opened_after_direction=bool(direction and direction["fulfilled_on"]),
        today=today or glue.today_local())


def _state_label(state: str) -> str:
    return glue.state_label(state)


def _count_in_window(demand, now=None) -> int:
    """Distinct VERIFIED requesters within the window (issue 12 finding 8: one person
    with ten self-registered accounts must not reach the threshold alone)."""
    from .. import verification
    from ...domain import verification as vf
    j = glue.jurisdiction()
    now = now or glue.now_utc()
    rows = [(r.user_id, workdays.utc(r.created)) for r in _requester_rows(demand)]
    rows = vf.verified_rows(rows, verification.verified_user_ids(uid for uid, _ in rows))
    return dm.requesters_in_window(rows, now, j.demand_board.window_days)


def _public_history(demand, review, recons, viewer: rq.Actor) -> List[dict]:
    """The demand's whole story, oldest first: create/second/route (requesters'
    names only to the competent authority), the review's and every
    reconsideration's audit events, and the fulfilment of a direction."""
    from ...model import DemandEvent
    authority = "sysadmin" in viewer.roles
    out = []
    labels = {"create": _t("提出需求", "Demand filed"), "second": _t("我也需要", "Seconded"),
              "route": _t("分派部门", "Routed to a department"),
              "review_opened": _t("启动高需求审查", "High-demand review opened"),
              "fulfil": _t("按责令开放", "Opened as directed")}
    for e in (model.Session.query(DemandEvent).filter(DemandEvent.demand_id == demand.id)
              .order_by(DemandEvent.at, DemandEvent.id)):
        who = glue._user_label(e.actor_id) if e.actor_id else None
        hide = e.action in ("create", "second") and not authority and e.actor_id != viewer.user_id
        out.append({"source": "demand", "request_id": None, "kind": "demand", "action": e.action,
                    "action_label": labels.get(e.action, e.action),
                    "actor": None if hide or not who else who["name"],
                    "actor_display_name": _t("需求人", "A requester") if hide else
                    (who or {}).get("display_name"),
                    "at": workdays.utc(e.at).isoformat(), "from": None, "to": None,
                    "from_label": "", "to_label": "", "comment": "", "fields": dict(e.fields or {})})
    for row in ([review] if review is not None else []) + list(recons):
        for h in glue.history(row):  # the platform's own steps read 系统 (logic/people.py)
            if row.kind == "reconsideration" and h["action"] == "submit" and not authority \
                    and row.requester_id != viewer.user_id:
                h = dict(h, actor=None, actor_display_name=_t("需求人", "A requester"))
            out.append(dict(h, source="request", request_id=row.id, kind=row.kind,
                            kind_title=glue.kind_title(row.kind)))
    out.sort(key=lambda h: h["at"])
    return out


def _review_summary(review) -> Optional[dict]:
    if review is None:
        return None
    d = glue.request_dict(review, rq.Actor(user_id=""), full=False)
    decision = next((h for h in reversed(glue.history(review))
                     if h["to"] in rq.get_kind(review.kind).final_states), None)
    d["decision"] = decision
    d["filing_deadline"] = None
    if review.state == "kept_closed" and review.decided_at:
        d["filing_deadline"] = rq.filing_deadline(workdays.utc(review.decided_at), glue.calendar(),
                                                  glue.jurisdiction()).date.isoformat()
    return d


def _recon_summary(recon) -> dict:
    d = glue.request_dict(recon, rq.Actor(user_id=""), full=False)
    d.pop("requester", None)
    d["decision"] = next((h for h in reversed(glue.history(recon))
                          if h["to"] in rq.get_kind("reconsideration").final_states), None)
    d["direction"] = direction_dict(recon)
    return d


def demand_dict(demand, viewer: rq.Actor, full: bool = True) -> Dict[str, Any]:
    j = glue.jurisdiction()
    pkg = model.Package.get(demand.package_id) if demand.package_id else None
    review = _review(demand)
    recons = _reconsiderations_of(review.id) if review is not None else []
    state = _state_of(demand, review, recons)
    ids = requester_ids(demand)
    out = {
        "id": demand.id, "package_id": demand.package_id,
        "package_name": pkg.name if pkg else None,
        "title": (pkg.title or pkg.name) if pkg else demand.title,
        "description": demand.description,
        "in_catalog": bool(demand.package_id),
        "open_type": (pkg.extras or {}).get("open_type") if pkg else None,
        "suggested_org": glue._org_label(demand.suggested_org_id),
        "department": glue._org_label(demand.department_id),
        "requester_count": len(ids),
        "requester_count_in_window": _count_in_window(demand),
        "threshold": j.demand_board.threshold, "window_days": j.demand_board.window_days,
        "state": state, "state_label": _state_label(state),
        "review_request_id": demand.review_request_id,
        "created": workdays.utc(demand.created).isoformat(),
        "review": _review_summary(review),
        "due_date": review.due_date.isoformat() if review is not None and review.due_date else None,
    }
    if not full:
        return out
    out["reconsiderations"] = [_recon_summary(r) for r in recons]
    out["history"] = _public_history(demand, review, recons, viewer)
    uid = viewer.user_id
    is_requester = bool(uid) and uid in ids
    pending_recon = any(r.state == "submitted" for r in recons)
    out["viewer"] = {
        "logged_in": bool(uid), "is_requester": is_requester,
        "may_second": bool(uid) and not is_requester and state in OPEN_DEMAND_STATES,
        "may_reconsider": is_requester and review is not None and review.state == "kept_closed"
        and not recons,
        "may_route": "sysadmin" in viewer.roles and not demand.package_id and not demand.department_id,
        "review_actions": (rq.available_actions(glue.snapshot(review), glue.acting_actor(viewer, review),
                                                j) if review is not None and uid else []),
        "pending_reconsideration": pending_recon,
    }
    last = recons[-1] if recons else None
    direction = direction_dict(last) if last is not None else None
    out["direction"] = direction
    out["viewer"]["may_fulfil"] = bool(
        direction and direction["status"] != "fulfilled" and demand.package_id and uid
        and (viewer.org_roles.get(direction["department_id"]) == "admin" or "sysadmin" in viewer.roles))
    return out


# ------------------------------------------------------------------ high-demand review
def _maybe_open_review(demand, now=None):
    """Open the high-demand review when the distinct requesters within the window
    reach the threshold (a not_open catalog entry, no review yet). → row or None."""
    if demand.review_request_id or not demand.package_id:
        return None
    pkg = model.Package.get(demand.package_id)
    if pkg is None or (pkg.extras or {}).get("open_type") != ot.NOT_OPEN:
        return None
    j = glue.jurisdiction()
    now = now or glue.now_utc()
    count = _count_in_window(demand, now)
    if count < j.demand_board.threshold:
        return None
    row = glue.submit("high_demand_review", _system_actor(), pkg.owner_org, pkg.id,
                      {"dataset_id": pkg.id, "requester_count": count, "demand_id": demand.id}, now=now)
    demand.review_request_id = row.id
    demand.department_id = pkg.owner_org
    _event(demand, "review_opened", None, request_id=row.id, requester_count=count,
           due_date=row.due_date.isoformat() if row.due_date else None)
    return row


def _after_review_opened(demand, row):
    _notify(row, "submitted")  # the department's admins and editors
    _notify(row, "submitted", _t("您提出的数据需求已达到高需求标准，部门正在审查。",
                                 "Your demand reached the high-demand threshold; the department is reviewing it."),
            users=requester_ids(demand))


# ------------------------------------------------------------------ demand actions
def govopen_demand_create(context, data_dict):
    """Ask for data: ``package_id`` of a not_open entry (an existing open demand
    for it is seconded instead), or ``title`` + ``description`` (+
    ``suggested_org``) for data not in the catalog. → the demand."""
    tk.check_access("govopen_demand_create", context, data_dict)
    from ...model import Demand, DemandRequester
    user = _logged_in_user(context)
    actor = glue.engine_actor_from_context(context)
    package_id = _text(data_dict, "package_id")
    if package_id:
        pkg = model.Package.get(package_id)
        if pkg is None or pkg.state != "active" or not access.decide_metadata(
                access.actor_from_context(context), pkg).allowed:
            raise tk.ValidationError({"package_id": [_t("数据集不存在", "Dataset not found")]})
        if (pkg.extras or {}).get("open_type") != ot.NOT_OPEN:
            raise tk.ValidationError({"package_id": [_t(
                "只能对“不予开放”的目录提出开放需求（有条件开放的数据请直接申请）",
                "Only not_open entries can be demanded (apply for conditional data instead)")],
                "rule": ["demand_not_open_only"]})
        existing = [d for d in model.Session.query(Demand).filter(Demand.package_id == pkg.id)
                    .order_by(Demand.created.desc()).all()]
        states = [(d, _state_of(d)) for d in existing]
        current = next((d for d, st in states if st in OPEN_DEMAND_STATES), None)
        if current is not None:
            return govopen_demand_second(context, {"id": current.id})
        answering = next((d for d, st in states if st in ANSWERING_STATES), None)
        if answering is not None:  # one process at a time: the answer may still be reconsidered
            raise tk.ValidationError({"package_id": [_t(
                "该目录的开放需求正在答复或复核中，请在需求页面查看进展",
                "A demand for this entry is being answered or reconsidered; see its page")],
                "rule": ["demand_being_answered"], "demand_id": [answering.id]})
        demand = Demand(package_id=pkg.id, department_id=pkg.owner_org, creator_id=user.id)
    else:
        errors = {}
        title, description = _text(data_dict, "title"), _text(data_dict, "description")
        if not title:
            _required(errors, "title")
        if not description:
            _required(errors, "description")
        org = None
        if _text(data_dict, "suggested_org"):
            org = model.Group.get(_text(data_dict, "suggested_org"))
            if org is None or not org.is_organization:
                errors["suggested_org"] = [_t("部门不存在", "Department not found")]
        if errors:
            raise tk.ValidationError(errors)
        demand = Demand(title=title, description=description, suggested_org_id=org.id if org else None,
                        creator_id=user.id)
    model.Session.add(demand)
    model.Session.flush()
    model.Session.add(DemandRequester(demand_id=demand.id, user_id=user.id))
    _event(demand, "create", user.id)
    review = _maybe_open_review(demand)
    model.Session.commit()
    if review is not None:
        _after_review_opened(demand, review)
    return demand_dict(demand, actor)


def govopen_demand_second(context, data_dict):
    """“我也需要”: the caller joins the demand's requesters (once; seconding
    again changes nothing). Nobody seconds for another user."""
    tk.check_access("govopen_demand_second", context, data_dict)
    from ...model import DemandRequester
    user = _logged_in_user(context)
    other = data_dict.get("user_id") or data_dict.get("user")
    if other and other not in (user.id, user.name):
        raise tk.NotAuthorized(_t("不能代他人提出需求 (second_self_only)",
                                  "Nobody seconds on behalf of another user (second_self_only)"))
    demand = _demand(tk.get_or_bust(data_dict, "id"))
    actor = glue.engine_actor_from_context(context)
    state = _state_of(demand)
    already = (model.Session.query(DemandRequester).filter(DemandRequester.demand_id == demand.id)
               .filter(DemandRequester.user_id == user.id).first())
    if already is None:
        if state not in OPEN_DEMAND_STATES:
            raise tk.ValidationError({"id": [_t("该需求已办结，不能再附议", "This demand is closed")],
                                      "rule": ["demand_closed"]})
        model.Session.add(DemandRequester(demand_id=demand.id, user_id=user.id))
        _event(demand, "second", user.id)
        model.Session.flush()
    review = _maybe_open_review(demand)
    model.Session.commit()
    if review is not None:
        _after_review_opened(demand, review)
    out = demand_dict(demand, actor)
    out["already_requester"] = already is not None
    return out


@tk.side_effect_free
def govopen_demand_show(context, data_dict):
    tk.check_access("govopen_demand_show", context, data_dict)
    demand = _demand(tk.get_or_bust(data_dict, "id"))
    return demand_dict(demand, glue.engine_actor_from_context(context))


@tk.side_effect_free
def govopen_demand_list(context, data_dict):
    """Public board, most distinct requesters first. Filters: ``organization``
    (answering or suggested department), ``state``, ``q`` (title/description),
    ``package_id``, ``open_only``, ``mine`` (the demands the caller filed or seconded;
    none for a visitor)."""
    tk.check_access("govopen_demand_list", context, data_dict)
    from ...model import Demand
    q = model.Session.query(Demand)
    if data_dict.get("organization"):
        org = model.Group.get(data_dict["organization"])
        oid = org.id if org else data_dict["organization"]
        q = q.filter((Demand.department_id == oid) | (Demand.suggested_org_id == oid))
    if data_dict.get("package_id"):
        pkg = model.Package.get(data_dict["package_id"])
        q = q.filter(Demand.package_id == (pkg.id if pkg else data_dict["package_id"]))
    actor = glue.engine_actor_from_context(context)
    rows = q.all()
    if tk.asbool(data_dict.get("mine")):
        rows = [d for d in rows if actor.user_id and actor.user_id in requester_ids(d)]
    out = [demand_dict(d, actor, full=False) for d in rows]
    text = (_text(data_dict, "q") or "").lower()
    if text:
        out = [d for d in out if text in (d["title"] or "").lower() or text in (d["description"] or "").lower()]
    if data_dict.get("state"):
        out = [d for d in out if d["state"] == data_dict["state"]]
    if tk.asbool(data_dict.get("open_only")):
        out = [d for d in out if d["state"] in OPEN_DEMAND_STATES]
    out.sort(key=lambda d: (-d["requester_count"], d["created"]))
    try:
        limit = int(data_dict.get("limit") or 0)
    except ValueError:
        limit = 0
    return out[:limit] if limit > 0 else out


def govopen_demand_route(context, data_dict):
    """The competent authority routes a demand for data not in the catalog to a
    department; a review opens for it on the request engine at once."""
    tk.check_access("govopen_demand_route", context, data_dict)
    demand = _demand(tk.get_or_bust(data_dict, "id"))
    org = model.Group.get(tk.get_or_bust(data_dict, "org_id"))
    if org is None or not org.is_organization:
        raise tk.ValidationError({"org_id": [_t("部门不存在", "Department not found")]})
    if demand.package_id:
        raise tk.ValidationError({"id": [_t("目录内数据的需求由提供部门审查，无需分派",
                                            "Demands for catalog entries go to their department")],
                                  "rule": ["route_not_in_catalog_only"]})
    if demand.department_id or demand.review_request_id:
        raise tk.ValidationError({"id": [_t("该需求已分派", "Already routed")], "rule": ["already_routed"]})
    actor = glue.engine_actor_from_context(context)
    count = len(requester_ids(demand))
    row = glue.submit("high_demand_review", actor, org.id, None,
                      {"requester_count": max(count, 1), "demand_id": demand.id})
    demand.department_id = org.id
    demand.review_request_id = row.id
    _event(demand, "route", actor.user_id, org_id=org.id, org_title=org.title or org.name, request_id=row.id)
    model.Session.commit()
    _after_review_opened(demand, row)
    return demand_dict(demand, actor)


# ------------------------------------------------------------------ reconsideration
def govopen_reconsideration_create(context, data_dict):
    """File a reconsideration (复核) against a department's answer: a
    high-demand review kept closed (any requester of its demand) or a rejected
    conditional-data application (its applicant). It goes to the competent
    authority, within the filing period after the answer."""
    tk.check_access("govopen_reconsideration_create", context, data_dict)
    from ...model import Demand, DemandRequester
    user = _logged_in_user(context)
    original = glue.get_row(tk.get_or_bust(data_dict, "request_id"))
    reasons = _text(data_dict, "reasons")
    if not reasons:
        raise tk.ValidationError({"reasons": [_t("必填", "Missing value")], "rule": ["required_fields"]})
    demand = None
    if original.kind == "high_demand_review":
        demand = model.Session.query(Demand).filter(Demand.review_request_id == original.id).first()
        is_requester = demand is not None and model.Session.query(DemandRequester).filter(
            DemandRequester.demand_id == demand.id).filter(DemandRequester.user_id == user.id).first()
        if not is_requester:
            raise tk.NotAuthorized(_t("只有该需求的需求人可以申请复核 (reconsideration_requester_only)",
                                      "Only a requester of the demand may file a reconsideration "
                                      "(reconsideration_requester_only)"))
        contestable = ("kept_closed",)
    elif original.kind == "application":
        if original.requester_id != user.id:
            raise tk.NotAuthorized(_t("只有申请人可以申请复核 (reconsideration_requester_only)",
                                      "Only the applicant may file a reconsideration "
                                      "(reconsideration_requester_only)"))
        contestable = ("rejected",)
    else:
        raise tk.ValidationError({"request_id": [_t("该类申请不能复核", "This kind cannot be reconsidered")],
                                  "rule": ["reconsideration_not_applicable"]})
    if original.state not in contestable or original.decided_at is None:
        raise tk.ValidationError({"request_id": [_t("只能对不予开放/不予同意的答复申请复核",
                                                    "Only a refusal can be reconsidered")],
                                  "rule": ["reconsideration_refusals_only"]})
    if _reconsiderations_of(original.id):
        raise tk.ValidationError({"request_id": [_t("该答复已申请复核", "A reconsideration was already filed")],
                                  "rule": ["reconsideration_once"]})
    actor = glue.engine_actor_from_context(context)
    now = glue.now_utc()
    fields = {"original_request_id": original.id, "reasons": reasons}
    try:  # the engine's filing-period rule (answered_at = the department's answer)
        rq.new_request("reconsideration", actor, None, now, glue.calendar(), glue.jurisdiction(), fields,
                       answered_at=workdays.utc(original.decided_at))
    except rq.TransitionRefused as exc:
        raise glue.refusal_to_ckan(exc)
    row = glue.submit("reconsideration", actor, None, original.subject, fields, now=now)
    row.fields = dict(row.fields, original_kind=original.kind, original_department_id=original.department_id,
                      demand_id=demand.id if demand is not None else None)
    model.Session.commit()
    _notify(row, "submitted")  # the filer and the competent authority
    return glue.request_dict(row, actor)


# ------------------------------------------------------------------ objections
def govopen_objection_create(context, data_dict):
    """Flag a dataset or one of its resources as doubtful or wrong (疑义):
    ``what`` is wrong, ``where`` (optional), ``evidence``. The department
    verifies within the objection limit."""
    tk.check_access("govopen_objection_create", context, data_dict)
    _logged_in_user(context)
    errors = {}
    pkg = model.Package.get(_text(data_dict, "package_id") or "")
    if pkg is None or pkg.state != "active" or not access.decide_metadata(
            access.actor_from_context(context), pkg).allowed:
        errors["package_id"] = [_t("数据集不存在", "Dataset not found")]
    res_id = _text(data_dict, "resource_id")
    if pkg is not None and res_id:
        res = model.Resource.get(res_id)
        if res is None or res.package_id != pkg.id or res.state != "active":
            errors["resource_id"] = [_t("资源不属于该数据集", "Not a resource of this dataset")]
        else:
            res_id = res.id
    for name in ("what", "evidence"):
        if not _text(data_dict, name):
            _required(errors, name)
    if errors:
        raise tk.ValidationError(errors)
    actor = glue.engine_actor_from_context(context)
    fields = {"dataset_id": pkg.id, "description": _text(data_dict, "what"),
              "evidence": _text(data_dict, "evidence")}
    if res_id:
        fields["resource_id"] = res_id
    if _text(data_dict, "where"):
        fields["where"] = _text(data_dict, "where")
    row = glue.submit("objection", actor, pkg.owner_org, pkg.id, fields)
    model.Session.commit()
    _notify(row, "submitted")  # the flagger and the department's admins and editors
    return glue.request_dict(row, actor)


def objection_public(row) -> dict:
    d = glue.request_dict(row, rq.Actor(user_id=""), full=False)
    d.pop("requester", None)
    f = row.fields or {}
    d["what"], d["where"], d["evidence"] = f.get("description"), f.get("where"), f.get("evidence")
    res = model.Resource.get(f.get("resource_id")) if f.get("resource_id") else None
    d["resource"] = {"id": res.id, "name": res.name or res.id} if res else None
    decision = next((h for h in reversed(glue.history(row))
                     if h["to"] in rq.get_kind("objection").final_states), None)
    d["decision"] = decision
    d["extension"] = next(({"days": h["fields"].get("days"), "reason": h["fields"].get("reason"),
                            "approver": h["fields"].get("approver_name")}
                           for h in glue.history(row)
                           if h["action"] in ("extend", "approve_extension")), None)
    if decision and decision["action"] == "correct":
        new = model.Resource.get(decision["fields"].get("resource_id") or "")
        d["new_version"] = {"id": new.id, "name": new.name or new.id, "package_id": new.package_id} \
            if new else None
    d["resolved"] = row.state in ("corrected", "confirmed")
    return d


@tk.side_effect_free
def govopen_objection_list(context, data_dict):
    """Flags on one dataset and their outcomes (public; the flagger is not named)."""
    tk.check_access("govopen_objection_list", context, data_dict)
    from ...model import Request
    pkg = model.Package.get(tk.get_or_bust(data_dict, "package_id"))
    # the entry's objections go with its catalog entry: an entry that is (or became)
    # private is not there for whoever may not see it (issue 12, finding 12)
    if pkg is None or not access.decide_metadata(access.actor_from_context(context), pkg).allowed:
        raise tk.ObjectNotFound()
    rows = (model.Session.query(Request).filter(Request.kind == "objection")
            .filter(Request.subject == pkg.id).order_by(Request.received_at.desc()).all())
    return [objection_public(r) for r in rows]


# ------------------------------------------------------------------ directions
def _all_directions(actor: rq.Actor, organization=None) -> List[dict]:
    from ...model import Request
    rows = (model.Session.query(Request).filter(Request.kind == "reconsideration")
            .filter(Request.state == "directed_open").all())
    out = []
    for r in rows:
        d = direction_dict(r)
        if d is None:
            continue
        if organization and d["department_id"] != organization:
            continue
        if "sysadmin" not in actor.roles and d["department_id"] not in actor.org_roles:
            continue
        dep = glue._org_label(d["department_id"])
        d["department_title"] = dep["title"] if dep else None
        out.append(d)
    order = {"overdue": 0, "pending": 1, "fulfilled": 2}
    out.sort(key=lambda d: (order[d["status"]], d["open_by"] or ""))
    return out


@tk.side_effect_free
def govopen_direction_list(context, data_dict):
    """Directions to open (责令开放) for the caller's departments (all for the
    authority): pending, overdue or fulfilled; overdue first."""
    tk.check_access("govopen_direction_list", context, data_dict)
    org = None
    if data_dict.get("organization"):
        g = model.Group.get(data_dict["organization"])
        org = g.id if g else data_dict["organization"]
    return _all_directions(glue.engine_actor_from_context(context), org)


def _patch_open_type(context, package_id, open_type, reason, open_conditions=None, defer_commit=False):
    patch = {"id": package_id, "open_type": open_type, "open_type_change_reason": reason}
    if open_type == ot.CONDITIONAL and open_conditions:
        patch["open_conditions"] = open_conditions
    ctx = {"user": context.get("user"), "auth_user_obj": context.get("auth_user_obj")}
    if defer_commit:
        ctx["defer_commit"] = True
    return tk.get_action("package_patch")(ctx, patch)


def govopen_direction_fulfil(context, data_dict):
    """The department opens the entry as directed: the open type changes through
    the open-type rules (``package_patch`` with a reason); for a rejected
    application, the applicant is granted the data instead."""
    from ...model import Request
    recon = glue.get_row(tk.get_or_bust(data_dict, "id"))
    if recon.kind != "reconsideration" or recon.state != "directed_open":
        raise tk.ValidationError({"id": [_t("没有待履行的责令开放", "No direction to fulfil")],
                                  "rule": ["no_direction"]})
    tk.check_access("govopen_direction_fulfil", context, {"id": recon.id})
    d = direction_dict(recon)
    if d["status"] == "fulfilled":
        raise tk.ValidationError({"id": [_t("已履行", "Already fulfilled")], "rule": ["direction_fulfilled"]})
    original = model.Session.query(Request).get(d["original_request_id"])
    actor = glue.engine_actor_from_context(context)
    if original is not None and original.kind == "application":
        glue.create_grant_for(original, actor.user_id)
        model.Session.commit()
    else:
        open_type = _text(data_dict, "open_type") or ot.UNCONDITIONAL
        if open_type not in (ot.UNCONDITIONAL, ot.CONDITIONAL):
            raise tk.ValidationError({"open_type": ["unconditional | conditional"]})
        reason = _text(data_dict, "reason") or "按主管部门复核决定责令开放 (opened as directed on reconsideration)"
        _patch_open_type(context, d["package_id"], open_type, reason, _text(data_dict, "open_conditions"))
    if d.get("demand_id"):
        from ...model import Demand
        demand = model.Session.query(Demand).get(d["demand_id"])
        if demand is not None:
            _event(demand, "fulfil", actor.user_id, reconsideration_id=recon.id)
            model.Session.commit()
            _notify(recon, "decided", _t("部门已按责令开放。", "The department opened the data as directed."),
                    users=requester_ids(demand))
    return direction_dict(recon)


def direction_overdue_notices(today=None) -> list:
    """Notification rows (not committed, idempotent) for every direction to open
    whose date has passed unfulfilled: the directed department's admins and
    editors and the competent authority. Called by ``notifications.notify_due``."""
    from ... import notifications
    from ...model import Request
    today = today or glue.today_local()
    out = []
    for r in (model.Session.query(Request).filter(Request.kind == "reconsideration")
              .filter(Request.state == "directed_open").all()):
        d = direction_dict(r, today)
        if d is None or d["status"] != "overdue":
            continue
        users = glue.org_member_ids(d["department_id"]) + glue.sysadmin_ids()
        extra = "责令开放期限 %s 已过，部门尚未开放。\nThe direction to open by %s is overdue." % (
            d["open_by"], d["open_by"])
        out.extend(notifications.create(r, "direction_overdue", extra, users=list(dict.fromkeys(users)),
                                        dedup=True))
    return out


# ------------------------------------------------------------------ hooks from govopen_request_act
def before_act(row, action, fields):
    """Checks the engine cannot make (it knows no resources): a correction names a
    resource of the entry the objection is about — a department corrects the flagged
    data, not another department's (outside test F11)."""
    if row.kind == "objection" and action == "correct" and fields.get("resource_id"):
        res = model.Resource.get(str(fields["resource_id"]))
        if res is None or res.package_id != row.subject or res.state != "active":
            message = _t("更正的资源须属于被提出疑义的数据集",
                         "The corrected resource must belong to the dataset the objection is about")
            raise tk.ValidationError({"resource_id": [message], "rule": ["invalid_fields"],
                                      "message": [message]})
        fields["resource_id"] = res.id


def before_commit(context, row, result, fields):
    """Runs inside govopen_request_act after the engine accepted the transition,
    before the commit: a review answered ``open`` changes the entry's open type
    in the same transaction (a refused change refuses the transition)."""
    if row.kind != "high_demand_review" or result.new_state != "opened" or not row.subject:
        return
    open_type = fields.get("open_type") or ot.UNCONDITIONAL
    if open_type not in (ot.UNCONDITIONAL, ot.CONDITIONAL):
        model.Session.rollback()
        raise tk.ValidationError({"open_type": ["unconditional | conditional"], "rule": ["invalid_fields"]})
    reason = "高需求数据开放审查：开放 (High-demand review: opened)"
    if fields.get("comment"):
        reason += " — " + fields["comment"]
    try:
        _patch_open_type(context, row.subject, open_type, reason, fields.get("open_conditions"),
                         defer_commit=True)
    except (tk.ValidationError, tk.NotAuthorized):
        model.Session.rollback()
        raise


def after_commit(context, row, result, fields):
    """After a transition was committed: tell every requester of the demand (and,
    for a reconsideration, the department) what was decided."""
    from ...model import Demand
    try:
        if result.new_state == result.event.from_state or rq.is_open(glue.snapshot(row)):
            return
        extra = fields.get("reasons", "") or fields.get("comment", "")
        if fields.get("legal_basis"):
            extra += "\n" + _t("法律依据：", "Legal basis: ") + fields["legal_basis"]
        if fields.get("open_by"):
            extra += "\n" + _t("开放期限：", "Open by: ") + str(fields["open_by"])
        if row.kind == "high_demand_review":
            demand = model.Session.query(Demand).filter(Demand.review_request_id == row.id).first()
            if demand is not None:
                _notify(row, "decided", extra.strip(), users=requester_ids(demand))
        elif row.kind == "reconsideration":
            f = row.fields or {}
            if f.get("open_by") is None and fields.get("open_by"):
                row.fields = dict(f, open_by=str(fields["open_by"]))
                model.Session.commit()
            users = glue.org_member_ids(f.get("original_department_id"))
            demand = model.Session.query(Demand).get(f["demand_id"]) if f.get("demand_id") else None
            if demand is not None:
                users = users + requester_ids(demand)
            _notify(row, "decided", extra.strip(), users=[u for u in users if u != row.requester_id])
    except Exception:  # never fail a committed transition because of a message
        log.exception("issue 8 notifications after %s failed", row.id)


def get_actions():
    return {f.__name__: f for f in (
        govopen_demand_create, govopen_demand_second, govopen_demand_show, govopen_demand_list,
        govopen_demand_route, govopen_reconsideration_create, govopen_objection_create,
        govopen_objection_list, govopen_direction_list, govopen_direction_fulfil)}
