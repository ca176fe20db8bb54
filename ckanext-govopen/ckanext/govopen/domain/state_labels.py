"""The one table of state labels: every state of every request kind (domain/kinds) and
of the demand board (domain/demand.STATES) in people's words, Chinese first. Pages,
refusal messages and choice lists take their labels from here; an internal value such
as ``rejected`` is never shown (issue 14)."""
from __future__ import annotations

from typing import Dict, Tuple

STATE_LABELS: Dict[str, Tuple[str, str]] = {
    # request kinds (application, share_request, reconsideration, objection, high_demand_review)
    "submitted": ("已提交", "Submitted"),
    "under_review": ("审核中", "Under review"),
    "extension_proposed": ("延期待批准", "Extension proposed"),
    "extended": ("已延期", "Extended"),
    "approved": ("已同意", "Approved"),
    "rejected": ("不予同意", "Rejected"),
    "withdrawn": ("已撤回", "Withdrawn"),
    "pending": ("待审查", "Pending"),
    "opened": ("已开放", "Opened"),
    "kept_closed": ("维持不开放", "Kept closed"),
    "upheld": ("维持原决定", "Upheld"),
    "directed_open": ("责令开放", "Directed to open"),
    "corrected": ("已更正", "Corrected"),
    "confirmed": ("确认无误", "Confirmed"),
    "suspended": ("授权已暂停", "Grant suspended"),     # issue 17
    "revoked": ("授权已撤销", "Grant revoked"),
    # the demand board
    "awaiting_routing": ("待主管部门分派", "Awaiting routing"),
    "collecting": ("征集中", "Collecting requesters"),
    "reconsideration": ("复核中", "Under reconsideration"),
    "direction_overdue": ("责令开放已逾期", "Direction overdue"),
    "fulfilled": ("已按责令开放", "Opened as directed"),
}


def state_label(state: str, en: bool = False) -> str:
    """``state`` in people's words; an unknown state reads as the neutral 未知状态."""
    zh, en_label = STATE_LABELS.get(state, ("未知状态", "Unknown state"))
    return en_label if en else zh
