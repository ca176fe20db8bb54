"""DB-free rules behind findings 10 and 11 of issue 12: the field checks of
``domain/fields.py``, the search parser's limits and the JSON depth scanner."""
from __future__ import annotations

import datetime as dt

import pytest

from ckanext.govopen.domain import fields as F
from ckanext.govopen.search import parser
from ckanext.govopen.views.input_guard import MAX_JSON_DEPTH, nesting_depth

TITLE = F.Param("title", "text", "需求名称", "Title", max_length=5)


@pytest.mark.parametrize("param,value,code", [
    (TITLE, "123456", "too_long"),
    (TITLE, ["a"], "not_text"),
    (TITLE, {"a": 1}, "not_text"),
    (TITLE, True, "not_text"),
    (TITLE, "a\x00b", "bad_text"),
    (TITLE, "\ud800", "bad_text"),
    (F.YEAR, 1e20, "not_int"),
    (F.YEAR, "abc", "not_int"),
    (F.YEAR, 10 ** 30, "out_of_range"),
    (F.YEAR, 1800, "out_of_range"),
    (F.Param("open_only", "bool", "仅看未办结", "Open only"), "maybe", "not_bool"),
    (F.Param("day", "date", "日期", "Day"), "2027-13-45", "not_date"),
    (F.Param("ids", "ids", "数据集", "Datasets"), [{"a": 1}], "not_ids"),
    (F.Param("ids", "ids", "数据集", "Datasets"), ["a"] * 51, "too_many"),
    (F.Param("o", "object", "清单", "Checklist"), "[1]", "not_object"),
    (F.Param("o", "object", "清单", "Checklist"), "[" * 5000, "not_object"),
])
def test_wrong_values_are_named_problems(param, value, code):
    problem, _ = F.check(param, value)
    assert problem is not None and problem[0] == code
    assert param.label_zh in F.message(problem[0], param, "zh", **problem[1])
    assert param.label_en in F.message(problem[0], param, "en", **problem[1])


@pytest.mark.parametrize("param,value,converted", [
    (TITLE, "12345", "12345"),
    (TITLE, 12, "12"),
    (TITLE, None, None),
    (F.YEAR, "2027", 2027),
    (F.YEAR, 2027.0, 2027),
    (F.Param("b", "bool", "b", "b"), "true", True),
    (F.Param("b", "bool", "b", "b"), 0, False),
    (F.Param("d", "date", "d", "d"), dt.date(2027, 1, 1), dt.date(2027, 1, 1)),
    (F.Param("ids", "ids", "数据集", "Datasets"), "a, b c", ["a", "b", "c"]),
])
def test_right_values_pass_converted(param, value, converted):
    assert F.check(param, value) == (None, converted)


def test_too_long_message_says_limit_and_length():
    assert F.problem_message(TITLE, "1234567") == "「需求名称」不能超过 5 个字符（现为 7 个）"
    assert F.problem_message(TITLE, "1234567", "en") == "Title: at most 5 characters (7 given)"


def test_every_declared_parameter_has_labels_and_a_limit():
    for action, params in F.ACTIONS.items():
        for p in params:
            assert p.label_zh and p.label_en, (action, p.name)
            if p.type in ("text", "id", "date", "datetime", "ids", "object"):
                assert p.limit, (action, p.name)


def test_parser_depth_limit():
    ok = "(" * parser.MAX_DEPTH + "a" + ")" * parser.MAX_DEPTH
    parser.parse("title:" + ok)
    with pytest.raises(parser.QueryParseError, match="deeply"):
        parser.parse("title:" + "(" + ok + ")")
    with pytest.raises(parser.QueryParseError):
        parser.parse("(" * 3000)


def test_parser_length_and_clause_limits():
    parser.parse("a" * parser.MAX_QUERY_LENGTH)
    with pytest.raises(parser.QueryParseError, match="too long"):
        parser.parse("a" * (parser.MAX_QUERY_LENGTH + 1))
    parser.parse(" ".join(["x"] * parser.MAX_CLAUSES))
    with pytest.raises(parser.QueryParseError, match="clauses"):
        parser.parse(" ".join(["x"] * (parser.MAX_CLAUSES + 1)))
    # dismax forgives syntax but not size
    with pytest.raises(parser.QueryParseError):
        parser.parse_dismax("a " * 6000, None)


def test_json_depth_counts_brackets_outside_strings():
    assert nesting_depth('{"a": [1, {"b": "[[[[[[["}]}') == 3
    assert nesting_depth('"\\"[[["') == 0
    assert nesting_depth("[" * 5000) == MAX_JSON_DEPTH + 1  # stops counting
    assert nesting_depth("") == 0
