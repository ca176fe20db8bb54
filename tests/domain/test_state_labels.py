"""Issue 14: one table of state labels for every request kind and the demand board."""
from ckanext.govopen.domain import demand as dm
from ckanext.govopen.domain import requests as rq
from ckanext.govopen.domain.state_labels import STATE_LABELS, state_label


def test_every_state_has_a_chinese_and_an_english_label():
    states = {s for k in rq.KINDS.values() for s in k.states} | set(dm.STATES)
    missing = sorted(states - set(STATE_LABELS))
    assert not missing, missing
    for s in states:
        zh, en = STATE_LABELS[s]
        assert zh != s and any("\u4e00" <= ch <= "\u9fff" for ch in zh), s
        assert en and "_" not in en, s


def test_the_demand_board_takes_its_labels_from_the_one_table():
    assert all(dm.STATE_LABELS[s] == STATE_LABELS[s] for s in dm.STATES)


def test_an_unknown_state_is_not_shown_as_its_value():
    assert state_label("half_done") == "未知状态" and state_label("half_done", en=True) == "Unknown state"
