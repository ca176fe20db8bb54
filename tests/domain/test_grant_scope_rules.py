"""Scoped grants and the agreement as rules (issue 17): domain/grant_scope.py,
domain/agreement.py and the policy's grant answer (domain/open_types.py). No database."""
from __future__ import annotations

import datetime as dt

import pytest

from ckanext.govopen.domain import agreement, grant_scope as gs
from ckanext.govopen.domain import open_types as ot

AVAILABLE = {"区县": "text", "日期": "date", "客流": "int8", "站点": "text", "编码": "text"}
NOW = dt.datetime(2026, 12, 6, 8, 0, tzinfo=dt.timezone.utc)


# ---------------------------------------------------------------- parse
def test_absent_is_the_whole_file():
    assert gs.parse(None, None, AVAILABLE).whole
    assert gs.parse([], {}, AVAILABLE).whole
    assert gs.parse("", "", {}).whole


def test_columns_in_table_order_and_filters():
    s = gs.parse(["客流", "区县"], {"区县": "渝中区", "客流": {"from": 10}}, AVAILABLE)
    assert s.columns == ("区县", "客流")
    assert s.row_filter == (("区县", "渝中区"), ("客流", gs.Range("10", None)))
    assert s.numeric == ("客流",)
    assert gs.Scope.from_dict(s.as_dict()) == s
    # a form's comma list and a JSON text are read too
    assert gs.parse("区县，客流", '{"区县": "渝中区"}', AVAILABLE).columns == ("区县", "客流")


@pytest.mark.parametrize("columns,row_filter,key,words", [
    (["无此列"], None, "columns", "不在该数据集的字段目录中"),
    (["_id"], None, "columns", "不在该数据集的字段目录中"),
    (["区县", "区县"], None, "columns", "重复"),
    ([1], None, "columns", "字段名称的列表"),
    (["区县"], {"站点": "x"}, "row_filter", "必须是所选字段之一"),
    (None, {"无此列": "x"}, "row_filter", "不在该数据集的字段目录中"),
    (None, {"客流": "很多"}, "row_filter", "数值字段"),
    (None, {"客流": {"from": 5, "to": 1}}, "row_filter", "起点不得晚于终点"),
    (None, {"日期": {"from": "2026-02-01", "to": "2026-01-01"}}, "row_filter", "起点不得晚于终点"),
    (None, {"日期": {"since": "2026-01-01"}}, "row_filter", "至少给出一端"),
    (None, {"区县": None}, "row_filter", "筛选值应为一个值"),
    (None, {"区县": "x" * 201}, "row_filter", "筛选值应为一个值"),
    (None, ["区县"], "row_filter", "形式"),
    (None, "{not json", "row_filter", "形式"),
])
def test_refusals_name_the_field_in_chinese(columns, row_filter, key, words):
    with pytest.raises(gs.ScopeError) as e:
        gs.parse(columns, row_filter, AVAILABLE)
    assert any(words in m for m in e.value.errors[key]), e.value.errors
    assert e.value.errors_en[key]   # and in English


def test_no_field_dictionary_no_scope():
    with pytest.raises(gs.ScopeError) as e:
        gs.parse(["区县"], None, {})
    assert "字段目录" in e.value.errors["columns"][0]


# ---------------------------------------------------------------- rows of a file
def test_row_matches_numbers_as_numbers_text_as_text():
    s = gs.parse(None, {"客流": {"from": "9", "to": "100"}}, AVAILABLE)
    assert gs.row_matches(s, {"客流": "10"}) and gs.row_matches(s, {"客流": "100.0"})
    assert not gs.row_matches(s, {"客流": "101"}) and not gs.row_matches(s, {"客流": "8"})
    assert not gs.row_matches(s, {"客流": ""}) and not gs.row_matches(s, {"客流": "n/a"})
    codes = gs.parse(None, {"编码": "007"}, AVAILABLE)   # a text column: 7 is not 007
    assert gs.row_matches(codes, {"编码": " 007 "}) and not gs.row_matches(codes, {"编码": "7"})
    dates = gs.parse(None, {"日期": {"from": "2026-01-01", "to": "2026-01-31"}}, AVAILABLE)
    assert gs.row_matches(dates, {"日期": "2026-01-31"})
    assert not gs.row_matches(dates, {"日期": "2026-02-01"})
    assert not gs.row_matches(dates, {"其他": "2026-01-05"})   # no such column: never within


def test_file_columns_and_serves_nothing():
    s = gs.parse(["区县", "客流"], {"区县": "渝中区"}, AVAILABLE)
    assert gs.file_columns(s, ["站点", "区县", "日期", "客流"]) == [1, 3]
    assert gs.file_columns(gs.WHOLE, ["a", "b"]) == [0, 1]
    assert gs.serves_nothing(s, ["站点", "客流"])          # lacks the filter column
    assert not gs.serves_nothing(s, ["区县"])
    assert gs.serves_nothing(gs.parse(["客流"], None, AVAILABLE), ["站点"])


# ---------------------------------------------------------------- DataStore requests
def test_search_request_keeps_granted_columns_and_refuses_hidden_ones():
    s = gs.parse(["区县", "客流"], {"区县": "渝中区"}, AVAILABLE)
    cols = ["_id"] + list(AVAILABLE)
    out, q = gs.search_request(s, {"resource_id": "r", "sort": '"客流" desc, _id'}, cols)
    assert out["fields"] == ["_id", "区县", "客流"] and q is None
    out, q = gs.search_request(s, {"resource_id": "r", "fields": "站点,客流", "q": "渝中"}, cols)
    assert out["fields"] == ["客流"] and q == "渝中" and "q" not in out
    for bad in ({"filters": {"站点": "x"}}, {"sort": "站点"}, {"q": {"日期": "2026"}},
                {"fields": ["站点"]}, {"full_text": "x"}):
        with pytest.raises(gs.OutOfScope):
            gs.search_request(s, dict(bad, resource_id="r"), cols)
    whole, q = gs.search_request(gs.WHOLE, {"resource_id": "r", "q": "x"}, cols)
    assert whole == {"resource_id": "r", "q": "x"} and q is None


def test_sql_where_binds_every_value():
    s = gs.parse(["区县", "客流", "日期"],
                 {"区县": "渝中'; DROP TABLE x; --", "客流": {"to": 5}, "日期": {"from": "2026-01-01"}},
                 AVAILABLE)
    clauses = gs.sql_where(s, {"_id": "int", **AVAILABLE}, "50%_")
    text = " ".join(c for c, _ in clauses)
    assert "DROP" not in text and "50%" not in text
    params = {k: v for _, p in clauses for k, v in p.items()}
    assert "渝中'; DROP TABLE x; --" in params.values()
    assert params["govopen_scope_q"] == "%50\\%\\_%"
    assert "站点" not in clauses[-1][0]   # q only within the granted columns
    assert gs.sql_where(s, {"客流": "int8"})[0] == ("FALSE", {})   # table lacks 区县


def test_describe_in_chinese():
    s = gs.parse(["区县", "客流"], {"区县": "渝中区", "客流": {"from": 1, "to": 9}}, AVAILABLE)
    words = gs.describe(s)
    assert words == {"columns": "区县、客流", "rows": "区县为“渝中区”，且客流在 1 至 9 之间（含）"}
    assert gs.describe(gs.WHOLE) == {"columns": "全部字段", "rows": "全部行"}


# ---------------------------------------------------------------- the policy
DS = ot.Dataset(id="d1", owner_org="org", open_type=ot.CONDITIONAL)
USER = ot.Actor(user_id="u1")
SCOPE = gs.parse(["区县"], {"区县": "渝中区"}, AVAILABLE)


def grant(**kw):
    base = dict(user_id="u1", package_id="d1", expires=NOW + dt.timedelta(days=30))
    base.update(kw)
    return ot.Grant(**base)


def test_a_scoped_grant_answers_with_its_scope():
    d = ot.decide(USER, DS, ot.DATA, grants=[grant(scope=SCOPE)], now=NOW)
    assert d.allowed and d.reason_code == "grant" and d.scoped and d.scope == SCOPE
    assert d.as_dict()["scope"]["columns"] == ["区县"]
    whole = ot.decide(USER, DS, ot.DATA, grants=[grant(scope=SCOPE), grant()], now=NOW)
    assert whole.allowed and not whole.scoped   # a whole-file grant covers the scoped one


def test_newest_scoped_grant_when_several():
    older = grant(scope=gs.parse(["客流"], None, AVAILABLE), created=NOW - dt.timedelta(days=9))
    newer = grant(scope=SCOPE, created=NOW - dt.timedelta(days=1))
    assert ot.decide(USER, DS, ot.DATA, grants=[newer, older], now=NOW).scope == SCOPE


@pytest.mark.parametrize("kw,code", [
    ({"agreement_pending": True}, "grant_agreement_pending"),
    ({"suspended": True}, "grant_suspended"),
    ({"revoked_at": NOW - dt.timedelta(seconds=1)}, "conditional_no_grant"),
    ({"expires": NOW}, "conditional_no_grant"),
    ({"expires": NOW, "agreement_pending": True}, "conditional_no_grant"),
])
def test_a_grant_that_does_not_serve(kw, code):
    d = ot.decide(USER, DS, ot.DATA, grants=[grant(scope=SCOPE, **kw)], now=NOW)
    assert not d.allowed and d.reason_code == code


@pytest.mark.parametrize("actor", [ot.Actor(user_id="x", org_capacities={"org": "editor"}),
                                   ot.Actor(user_id="a", sysadmin=True)])
def test_department_and_authority_are_never_scoped(actor):
    d = ot.decide(actor, DS, ot.DATA, grants=[grant(user_id=actor.user_id, scope=SCOPE)], now=NOW)
    assert d.allowed and not d.scoped


# ---------------------------------------------------------------- the agreement
def terms(**kw):
    base = dict(request_id="r1", applicant_name="张三", applicant_type="citizen",
                applicant_account="zhangsan", provider="市交通局", portal="重庆数据开放平台",
                dataset_title="公交客流", dataset_name="bus", scope=SCOPE, purpose="交通研究",
                use_scope="规划系统", period_start="2026-12-01", period_end="2027-11-30",
                security_measures="加密存储", conditions=None, approved_on="2026-12-06")
    base.update(kw)
    return agreement.Terms(**base)


def test_agreement_text_carries_the_terms():
    text = agreement.generate(terms())
    for words in ("数据开放利用协议", "甲方（数据提供方）：市交通局", "张三（个人", "公交客流（bus）",
                  "字段：区县", "行范围：区县为“渝中区”", "用途：交通研究", "规划系统",
                  "2026-12-01 至 2027-11-30", "加密存储", "到期销毁", "数据来源：“市交通局，重庆数据开放平台”"):
        assert words in text, words
    assert agreement.generate(terms()) == text              # same terms, same text
    assert agreement.generate(terms(purpose="别的")) != text


def test_acceptance_rules():
    text = agreement.generate(terms())
    sha = agreement.digest(text)
    assert len(sha) == 64 and agreement.matches(text, sha.upper())
    ok = dict(user_id="u", requester_id="u", text=text, sha256=sha, accepted_at=None, ended=False)
    assert agreement.acceptance_refusal(**ok) is None
    assert agreement.acceptance_refusal(**dict(ok, user_id="v")) == "not_applicant"
    assert agreement.acceptance_refusal(**dict(ok, sha256=agreement.digest(text + " "))) == "hash_mismatch"
    assert agreement.acceptance_refusal(**dict(ok, sha256=None)) == "hash_mismatch"
    assert agreement.acceptance_refusal(**dict(ok, accepted_at="2026-12-06")) == "already"
    assert agreement.acceptance_refusal(**dict(ok, ended=True)) == "grant_ended"
    assert agreement.acceptance_refusal(**dict(ok, text=None)) == "no_agreement"
