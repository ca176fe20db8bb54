"""A year of generated activity for the demo (issue 18), so that a newcomer sees a
filled scorecard (``/oversight/scorecards``) and can generate last year's draft annual
report from ``make run``: per department, applications, share requests and objections
received over the last 13 months, with replies (approved / rejected after 1–20 working
days, a few late, a few still open) and daily downloads of its public entries.

Idempotent: the generated requests carry ``fields.demo_activity``; when any exists
nothing is added. Deterministic (a seeded generator). Rows are written directly, as
history: each request has its submit and decision events; due dates come from the
working-day calendar and the jurisdiction's limits, like the engine's.
"""
from __future__ import annotations

import datetime as _dt
import random
from typing import Callable, Optional

from .catalog import OBJECTION

MARK = "demo_activity"
KINDS = (("application", 14), ("share_request", 4), ("objection", 3))   # per department per year


def _already() -> bool:
    import ckan.model as model
    from ..model import Request
    return any((r.fields or {}).get(MARK) for r in model.Session.query(Request).limit(5000))


def activity_demo(echo: Callable[[str], None] = lambda s: None,
                  today: Optional[_dt.date] = None, seed: int = 18) -> dict:
    import ckan.model as model
    from ..domain import requests as rq
    from ..domain import workdays
    from ..logic import requests_glue as glue
    from ..model import DatasetUsageDay, Request, RequestEvent
    if _already():
        fixed = _real_requesters(random.Random(seed))
        echo("  = 演示活动数据已存在" + ("（%d 件改为演示账号提交）" % fixed if fixed else ""))
        return {"requests": 0, "download_days": 0}
    rnd = random.Random(seed)
    today = today or glue.today_local()
    start = _dt.date(today.year - 1, 1, 1)
    cal, j, tz = glue.calendar(), glue.jurisdiction(), glue.tz()
    site = model.User.get(tk_site_user())
    orgs = (model.Session.query(model.Group).filter(model.Group.is_organization == True)  # noqa: E712
            .filter(model.Group.state == "active").order_by(model.Group.name).all())
    made = days_made = 0
    span = (today - start).days
    for org in orgs:
        pkgs = (model.Session.query(model.Package).filter(model.Package.owner_org == org.id)
                .filter(model.Package.state == "active").all())
        for kind, per_year in KINDS:
            limit = j.limits(rq.get_kind(kind).limit_key).limit
            for _ in range(int(per_year * span / 365) + 1):
                day = start + _dt.timedelta(days=rnd.randrange(span))
                got = _dt.datetime.combine(day, _dt.time(1 + rnd.randrange(8), rnd.randrange(60)))
                due = workdays.due_date(got.replace(tzinfo=_dt.timezone.utc), limit, cal, tz).date
                reply_days = rnd.choice([1, 2, 3, 4, 5, 6, 8, 10, 12, 14]) if rnd.random() < 0.9 \
                    else limit + rnd.randrange(1, 6)
                answer_day = got.date()
                n = 0
                while n < reply_days:
                    answer_day += _dt.timedelta(days=1)
                    n += cal.is_workday(answer_day)
                decided = _dt.datetime.combine(answer_day, got.time())
                final = {"objection": ("corrected", "confirmed")}.get(kind, ("approved", "rejected"))
                state = final[0] if rnd.random() < 0.7 else final[1]
                if decided.date() >= today:
                    state, decided = "submitted", None
                # generated objections stay off the hand-made demo objection's entry: its
                # list must show that one flag (the number drawn changes with the date)
                subjects = [p for p in pkgs if kind != "objection" or p.name != OBJECTION["package"]]
                row = Request(kind=kind, state=state, jurisdiction=j.code, requester_id=site.id,
                              department_id=org.id, subject=rnd.choice(subjects).id if subjects else None,
                              fields={MARK: True, ("description" if kind == "objection" else "purpose"):
                                      "演示数据（生成的活动）"}, received_at=got,
                              due_date=due, decided_at=decided, created=got, modified=decided or got)
                who, who_org = _requester(kind, org, rnd)
                row.requester_id, row.requester_org_id = (who or site).id, who_org.id if who_org else None
                model.Session.add(row)
                model.Session.flush()
                model.Session.add(RequestEvent(request_id=row.id, actor_id=row.requester_id, actor_roles=[], at=got,
                                               action="submit", from_state=None,
                                               to_state=rq.get_kind(kind).initial, fields={}))
                if decided is not None:
                    head = _user("%s_admin" % org.name)
                    model.Session.add(RequestEvent(request_id=row.id, actor_id=(head or site).id, actor_roles=[],
                                                   at=decided, action="demo_reply", from_state="submitted",
                                                   to_state=state, fields={}))
                made += 1
        for pkg in pkgs:
            # downloads only of what the public can download: generated downloads of
            # 不予开放 entries put them at the top of /stats' most used (an outside walk)
            if pkg.private or (pkg.extras or {}).get("open_type") == "not_open":
                continue
            base = rnd.randrange(0, 4)
            for i in range(0, span + 1, 3):
                n = max(0, base + rnd.randrange(-2, 5))
                if n:
                    model.Session.merge(DatasetUsageDay(package_id=pkg.id, day=start + _dt.timedelta(days=i),
                                                        views=n * 3, downloads=n))
                    days_made += 1
    model.Session.commit()
    echo("  + 演示活动数据：%d 件申请，%d 天下载记录" % (made, days_made))
    return {"requests": made, "download_days": days_made}


def _user(name: str):
    import ckan.model as model
    u = model.User.get(name)
    return u if u is not None and u.state == "active" else None


def _requester(kind: str, org, rnd: random.Random):
    """(user, requesting department or None) of a generated request: a demo member of the
    public for applications and objections, another department's admin for a share
    request (an outside walk saw every generated request filed by 申请人 "系统", the
    site's own account). (None, None) when the demo accounts are missing."""
    from .catalog import ORGANIZATIONS, SECONDERS, USERS
    import ckan.model as model
    if kind == "share_request":
        others = [o["name"] for o in ORGANIZATIONS if o["name"] != org.name]
        rnd.shuffle(others)
        for name in others:
            u, dept = _user("%s_admin" % name), model.Group.get(name)
            if u is not None and dept is not None:
                return u, dept
        return None, None
    public = [u["name"] for u in USERS if u.get("kind") in ("citizen", "enterprise")] + \
        [u["name"] for u in SECONDERS]
    found = [u for u in (_user(n) for n in public) if u is not None]
    return (rnd.choice(found) if found else None), None


def _real_requesters(rnd: random.Random) -> int:
    """Generated requests of an earlier demo, filed by the site's own account, get a demo
    account as requester (idempotent). → how many were changed."""
    import ckan.model as model
    from ..model import Request, RequestEvent
    site = model.User.get(tk_site_user())
    changed = 0
    for row in model.Session.query(Request).filter(Request.requester_id == site.id).limit(20000):
        if not (row.fields or {}).get(MARK):
            continue
        org = model.Group.get(row.department_id)
        who, who_org = _requester(row.kind, org, rnd) if org is not None else (None, None)
        if who is None:
            continue
        row.requester_id, row.requester_org_id = who.id, who_org.id if who_org else None
        (model.Session.query(RequestEvent).filter(RequestEvent.request_id == row.id)
         .filter(RequestEvent.action == "submit").update({"actor_id": who.id}))
        changed += 1
    model.Session.commit()
    return changed


def tk_site_user() -> str:
    import ckan.plugins.toolkit as tk
    return tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]
