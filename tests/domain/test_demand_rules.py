"""domain/demand.py: distinct requesters within the window, the threshold, the
board state derived from the linked requests, and direction status."""
import datetime as dt

from ckanext.govopen.domain import demand as dm
from ckanext.govopen.domain.jurisdictions import DemandBoard

NOW = dt.datetime(2026, 11, 28, 12, 0, tzinfo=dt.timezone.utc)
BOARD = DemandBoard(threshold=10, window_days=90)


def rows(n, days_ago=1, prefix="u"):
    return [("%s%d" % (prefix, i), NOW - dt.timedelta(days=days_ago)) for i in range(n)]


def test_distinct_users_only():
    r = rows(9) + rows(9)  # the same nine users twice
    assert dm.requesters_in_window(r, NOW, 90) == 9
    assert not dm.threshold_reached(r, NOW, BOARD)
    assert dm.threshold_reached(r + [("u10", NOW)], NOW, BOARD)


def test_window_edges():
    inside = rows(9, days_ago=90)                 # exactly 90 days ago: inside
    outside = [("late", NOW - dt.timedelta(days=90, seconds=1))]
    assert dm.requesters_in_window(inside + outside, NOW, 90) == 9
    assert not dm.threshold_reached(inside + outside, NOW, BOARD)
    assert dm.requesters_in_window([("future", NOW + dt.timedelta(seconds=1))], NOW, 90) == 0


def test_states():
    today = dt.date(2026, 11, 28)
    s = lambda **kw: dm.demand_state(**{**dict(in_catalog=True, routed=True, review_state=None,
                                                reconsideration_state=None, direction_open_by=None,
                                                opened_after_direction=False, today=today), **kw})
    assert s() == "collecting"
    assert s(in_catalog=False, routed=False) == "awaiting_routing"
    assert s(review_state="pending") == "under_review"
    assert s(review_state="kept_closed") == "kept_closed"
    assert s(review_state="opened") == "opened"
    assert s(review_state="kept_closed", reconsideration_state="submitted") == "reconsideration"
    assert s(review_state="kept_closed", reconsideration_state="upheld") == "upheld"
    d = dict(review_state="kept_closed", reconsideration_state="directed_open")
    assert s(direction_open_by=today, **d) == "directed_open"
    assert s(direction_open_by=today - dt.timedelta(days=1), **d) == "direction_overdue"
    assert s(direction_open_by=today - dt.timedelta(days=1), opened_after_direction=True, **d) == "fulfilled"
    assert set(dm.STATE_LABELS) == set(dm.STATES)


def test_direction_status():
    today = dt.date(2026, 11, 28)
    assert dm.direction_status(today, None, today) == "pending"
    assert dm.direction_status(today - dt.timedelta(days=1), None, today) == "overdue"
    assert dm.direction_status(today - dt.timedelta(days=1), today, today) == "fulfilled"
