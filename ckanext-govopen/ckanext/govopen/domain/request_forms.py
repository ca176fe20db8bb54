"""What the request pages show besides the engine's answer (issue 14): the application
number people quote, the progress steps of a receipt, and the legal bases a reviewer
picks from. Plain functions; the request engine (domain/requests.py) decides the rest."""
from __future__ import annotations

import datetime as _dt
from typing import Iterable, Optional

#: the four steps of a receipt: 提交 → 受理 → 审核 → 决定
STEPS = (("submitted", "提交", "Submitted"), ("accepted", "受理", "Accepted"),
         ("review", "审核", "Review"), ("decision", "决定", "Decision"))

#: how far each engine state got (index in STEPS of the step under way)
_REACHED = {"submitted": 1, "pending": 1, "under_review": 2, "extended": 2}
_FAILED_FINAL = {"rejected", "kept_closed", "upheld", "withdrawn"}

#: prefixes of the application numbers, per request kind
_PREFIX = {"application": "SQ", "share_request": "GX", "objection": "YY",
           "reconsideration": "FH", "high_demand_review": "XQ"}


def request_number(kind: str, received_at, request_id: str) -> str:
    """SQ20261205-3F2A9C: kind, day received (as given), first six of the id."""
    day = ""
    if isinstance(received_at, str) and received_at:
        day = received_at[:10].replace("-", "")
    elif isinstance(received_at, (_dt.date, _dt.datetime)):
        day = received_at.strftime("%Y%m%d")
    return "%s%s-%s" % (_PREFIX.get(kind, "QQ"), day, (request_id or "").replace("-", "")[:6].upper())


def progress_steps(state: str, final_states: Iterable[str], zh: bool = True) -> list:
    """[{key, label, status: done|current|todo|failed}] for a request in ``state``."""
    final = set(final_states or ())
    if state in final:
        current = len(STEPS)  # all done
    else:
        current = _REACHED.get(state, 1)
    out = []
    for i, (key, label_zh, label_en) in enumerate(STEPS):
        if i < current:
            status = "done"
        elif i == current:
            status = "current"
        else:
            status = "todo"
        if key == "decision" and state in final and state in _FAILED_FINAL:
            status = "failed"
        out.append({"key": key, "label": label_zh if zh else label_en, "status": status})
    return out


def remaining_tone(remaining: Optional[int], overdue: bool = False) -> str:
    """The queue's colour for the working days left: late (overdue or none left),
    soon (3 or fewer), ok."""
    if overdue or (remaining is not None and remaining <= 0):
        return "late"
    if remaining is not None and remaining <= 3:
        return "soon"
    return "ok"
