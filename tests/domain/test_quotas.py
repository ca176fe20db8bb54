"""API quota rules (issue 16), without CKAN or Redis: which counters a call hits,
which one the headers report, when the caller is alerted, the local day, and
the jurisdiction's ``api_quotas`` settings."""
import copy
import datetime as dt
from pathlib import Path

import pytest
import yaml

from ckanext.govopen.domain import jurisdictions as j
from ckanext.govopen.domain import quotas as dq

CONFIG = Path(__file__).resolve().parents[2] / "config" / "jurisdictions"
Q = {"application": dq.ScopeQuota(100, 1000), "user": dq.ScopeQuota(200, 2000),
     "anonymous": dq.ScopeQuota(10, 100), "dataset": dq.ScopeQuota(5, 50)}


def scopes(cs):
    return sorted((c.scope, c.limit) for c in cs)


def test_counters_per_kind_of_caller():
    day = "2026-12-05"
    anon = dq.Caller(address="10.0.0.1")
    assert scopes(dq.counters(anon, "requests", Q, day)) == [("anonymous", 10)]
    assert scopes(dq.counters(anon, "rows", Q, day, "pkg1")) == [("anonymous", 100), ("dataset", 50)]
    user = dq.Caller(user_id="u1", address="10.0.0.1")
    assert scopes(dq.counters(user, "requests", Q, day, "pkg1")) == [("dataset", 5), ("user", 200)]
    app = dq.Caller(user_id="u1", app_id="ak1")
    assert scopes(dq.counters(app, "requests", Q, day)) == [("application", 100), ("user", 200)]
    assert dq.counters(dq.Caller(user_id="root", exempt=True), "requests", Q, day, "pkg1") == []


def test_dataset_counter_is_per_caller_and_day():
    a = dq.counters(dq.Caller(user_id="u1", app_id="ak1"), "requests", Q, "2026-12-05", "p")
    b = dq.counters(dq.Caller(user_id="u1", app_id="ak2"), "requests", Q, "2026-12-05", "p")
    c = dq.counters(dq.Caller(user_id="u1", app_id="ak1"), "requests", Q, "2026-12-06", "p")
    key = lambda cs: [x.key for x in cs if x.scope == "dataset"][0]  # noqa: E731
    assert key(a) != key(b) and key(a) != key(c)
    # an anonymous caller's addresses are told apart, and a user is not an address
    x = dq.counters(dq.Caller(address="1.1.1.1"), "requests", Q, "d", "p")
    y = dq.counters(dq.Caller(address="2.2.2.2"), "requests", Q, "d", "p")
    assert {c.key for c in x}.isdisjoint({c.key for c in y})


def test_zero_means_no_limit():
    q = dict(Q, anonymous=dq.ScopeQuota(0, 100))
    assert dq.counters(dq.Caller(address="a"), "requests", q, "d") == []
    assert scopes(dq.counters(dq.Caller(address="a"), "rows", q, "d")) == [("anonymous", 100)]


def test_tightest_is_the_fewest_remaining():
    cs = dq.counters(dq.Caller(user_id="u", app_id="a"), "requests", Q, "d", "p")
    by = {c.scope: c for c in cs}
    states = [(by["application"], 40), (by["user"], 150), (by["dataset"], 3)]
    assert dq.tightest(states)[0].scope == "dataset"
    assert dq.tightest([(by["application"], 7), (by["user"], 7)])[0].scope == "application"
    assert dq.tightest([]) is None


@pytest.mark.parametrize("before,after,limit,level", [
    (0, 3, 5, None), (3, 4, 5, 80), (4, 5, 5, 100), (5, 6, 5, None),
    (0, 10, 10, 100), (70, 85, 100, 80), (80, 81, 100, None), (79, 80, 100, 80),
    (99, 100, 100, 100), (0, 1, 0, None)])
def test_alert_levels_fire_once_when_crossed(before, after, limit, level):
    assert dq.alert_level(before, after, limit) == level


def test_clamp_rows():
    assert dq.clamp_rows(None, 1000) == 100
    assert dq.clamp_rows(None, 30) == 30
    assert dq.clamp_rows(500, 200) == 200
    assert dq.clamp_rows(5, 200) == 5
    assert dq.clamp_rows(-3, 200) == 0


def test_local_day_and_midnight():
    # 2026-12-05 17:30 UTC is 2026-12-06 01:30 in Shanghai
    now = dt.datetime(2026, 12, 5, 17, 30, tzinfo=dt.timezone.utc)
    assert dq.local_day(now, "Asia/Shanghai") == dt.date(2026, 12, 6)
    assert dq.seconds_to_midnight(now, "Asia/Shanghai") == 22 * 3600 + 30 * 60
    last = dt.datetime(2026, 12, 5, 15, 59, 59, 500000, tzinfo=dt.timezone.utc)
    assert dq.seconds_to_midnight(last, "Asia/Shanghai") == 1


def test_shipped_jurisdictions_have_quotas():
    for code, jur in j.load_all(CONFIG).items():
        assert set(jur.api_quotas) == set(dq.SCOPES), code
        assert jur.api_quotas["anonymous"].requests_per_day > 0
        assert jur.api_quotas["user"].requests_per_day >= jur.api_quotas["anonymous"].requests_per_day


def _demo():
    with open(CONFIG / "demo.yaml", encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def test_api_quotas_optional_and_partial():
    doc = _demo()
    doc.pop("api_quotas")
    assert j.parse(doc).api_quotas == dq.DEFAULT_QUOTAS
    doc["api_quotas"] = {"anonymous": {"requests_per_day": 7}}
    q = j.parse(doc).api_quotas
    assert q["anonymous"] == dq.ScopeQuota(7, dq.DEFAULT_QUOTAS["anonymous"].rows_per_day)
    assert q["user"] == dq.DEFAULT_QUOTAS["user"]


@pytest.mark.parametrize("bad,key", [
    ({"robots": {"requests_per_day": 1}}, "api_quotas"),
    ({"user": {"calls": 1}}, "api_quotas.user"),
    ({"user": {"requests_per_day": -1}}, "api_quotas.user.requests_per_day"),
    ({"user": {"rows_per_day": "many"}}, "api_quotas.user.rows_per_day"),
    ({"user": 5}, "api_quotas.user"),
])
def test_bad_api_quotas_name_the_key(bad, key):
    doc = copy.deepcopy(_demo())
    doc["api_quotas"] = bad
    with pytest.raises(j.JurisdictionConfigError) as exc:
        j.parse(doc, "demo.yaml")
    assert exc.value.key == key
