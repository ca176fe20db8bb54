"""The demand board's rules (数据需求), plain Python, no CKAN.

* ``requesters_in_window``: distinct users whose request falls in the window
  ending ``now`` (``window_days`` calendar days); a user counted once whatever
  the number of rows.
* ``threshold_reached``: whether a high-demand review must open.
* ``demand_state``: the state shown on the board, derived from the linked
  requests (never stored, so it cannot drift from the request engine):

  ``awaiting_routing``  not in the catalog, the competent authority has not routed it
  ``collecting``        below the threshold (or the entry is no longer not_open)
  ``under_review``      the high-demand review is pending
  ``opened``            the department opened the entry
  ``kept_closed``       kept closed with reasons and legal basis (reconsideration possible)
  ``reconsideration``   a reconsideration is pending at the competent authority
  ``upheld``            the authority upheld the department's answer
  ``directed_open``     the authority directed opening by a date (not fulfilled yet)
  ``direction_overdue`` that date has passed and the entry is still not open
  ``fulfilled``         the department opened the entry after the direction
"""
from __future__ import annotations

import datetime as _dt
from typing import Iterable, Optional, Tuple

STATES = ("awaiting_routing", "collecting", "under_review", "opened", "kept_closed", "reconsideration",
          "upheld", "directed_open", "direction_overdue", "fulfilled")

from .state_labels import STATE_LABELS as _ALL_LABELS

# the labels of the board's states, from the one table (domain/state_labels.py)
STATE_LABELS = {s: _ALL_LABELS[s] for s in STATES}


def requesters_in_window(rows: Iterable[Tuple[str, _dt.datetime]], now: _dt.datetime,
                         window_days: int) -> int:
    """``rows``: (user_id, when) pairs, both aware or both naive UTC. Distinct
    users with a row no older than ``window_days`` days before ``now``."""
    since = now - _dt.timedelta(days=window_days)
    return len({uid for uid, at in rows if uid and since <= at <= now})


def threshold_reached(rows, now, board) -> bool:
    """``board``: a ``jurisdictions.DemandBoard`` (threshold, window_days)."""
    return requesters_in_window(rows, now, board.window_days) >= board.threshold


def demand_state(in_catalog: bool, routed: bool, review_state: Optional[str],
                 reconsideration_state: Optional[str], direction_open_by: Optional[_dt.date],
                 opened_after_direction: bool, today: _dt.date) -> str:
    """The board state from the linked requests' states (see module doc)."""
    if reconsideration_state == "directed_open":
        if opened_after_direction:
            return "fulfilled"
        if direction_open_by is not None and today > direction_open_by:
            return "direction_overdue"
        return "directed_open"
    if reconsideration_state == "submitted":
        return "reconsideration"
    if reconsideration_state == "upheld":
        return "upheld"
    if review_state == "pending":
        return "under_review"
    if review_state in ("opened", "kept_closed"):
        return review_state
    if not in_catalog and not routed:
        return "awaiting_routing"
    return "collecting"


def direction_status(open_by: Optional[_dt.date], fulfilled_on: Optional[_dt.date], today: _dt.date) -> str:
    """``fulfilled`` | ``overdue`` | ``pending`` for a direction to open by ``open_by``."""
    if fulfilled_on is not None:
        return "fulfilled"
    if open_by is not None and today > open_by:
        return "overdue"
    return "pending"
