"""The independent residual scan does not take station and place names for people
(an outside test: 26 of the demo's 37 files failed the gate on 杨家坪站, 陈家桥站 …),
and still finds a person before a verb that looks like a place suffix."""
from desensitize.residual_names import scan_cells

STATIONS = ["沙坪坝区杨家坪站", "陈家桥站", "李家沱站", "冉家坝站", "九龙坡区杨家坪站"]


def test_station_names_are_not_people():
    assert scan_cells(STATIONS, names=True, addresses=False) == []


def test_a_person_before_a_verb_is_still_found():
    found = scan_cells(["投诉人杨家明站在门口等候处理"], names=True, addresses=False)
    assert any(f[1] <= 3 < f[2] for f in found), found
