"""Jurisdiction settings: the shipped files hold the issue's values; bad files fail clearly."""
import copy
from pathlib import Path

import pytest
import yaml

from ckanext.govopen.domain import jurisdictions as j

CONFIG = Path(__file__).resolve().parents[2] / "config" / "jurisdictions"
KIND_NAMES = {"application", "share_request", "high_demand_review", "reconsideration", "objection"}


@pytest.fixture(scope="module")
def all_j():
    return j.load_all(CONFIG)


def test_all_four_load(all_j):
    assert set(all_j) == {"chongqing", "hainan", "huarong", "demo"}
    for code, jur in all_j.items():
        assert jur.timezone == "Asia/Shanghai"
        assert set(jur.kinds) == KIND_NAMES
        assert jur.reminder_days_before_due == 3
        for limits in jur.kinds.values():
            assert limits.extensions_allowed in (0, 1)


def test_chongqing_values(all_j):
    cq = all_j["chongqing"]
    assert (cq.limits("application").limit, cq.limits("application").max_extension_days,
            cq.limits("application").extensions_allowed) == (15, 15, 1)
    assert cq.limits("share_request").limit == 10
    assert (cq.limits("objection").limit, cq.limits("objection").max_extension_days) == (10, 15)


def test_huarong_and_hainan_share_limits(all_j):
    assert all_j["huarong"].limits("share_request").limit == 5
    assert all_j["hainan"].limits("share_request").limit == 10


def test_demo_values(all_j):
    d = all_j["demo"]
    assert (d.limits("application").limit, d.limits("application").max_extension_days) == (15, 15)
    assert d.limits("share_request").limit == 10
    assert d.limits("high_demand_review").limit == 15
    assert d.reconsideration.filing_period == 15
    assert d.reconsideration_decision_limit == 15
    assert (d.limits("objection").limit, d.limits("objection").max_extension_days) == (10, 15)
    assert (d.demand_board.threshold, d.demand_board.window_days) == (10, 90)


def _demo_doc():
    with open(CONFIG / "demo.yaml", encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def _set(doc, path, value):
    keys = path.split(".")
    node = doc
    for k in keys[:-1]:
        node = node[k]
    if value is KeyError:
        del node[keys[-1]]
    else:
        node[keys[-1]] = value


@pytest.mark.parametrize("path,value,fragment", [
    ("timezone", "Asia/Beijing", "timezone"),
    ("name", "", "name"),
    ("kinds.objection", KeyError, "kinds.objection"),
    ("kinds.application.limit", "15", "kinds.application.limit"),
    ("kinds.application.limit", 0, "kinds.application.limit"),
    ("kinds.application.extensions_allowed", 2, "extensions_allowed"),
    ("kinds.share_request.max_extension_days", 5, "kinds.share_request.extensions_allowed"),
    ("kinds.application.max_extension_days", 0, "max_extension_days"),
    ("kinds.application.limt", 3, "unknown keys"),
    ("kinds.appeal", {"limit": 3}, "unknown keys"),
    ("demand_board.threshold", KeyError, "demand_board.threshold"),
    ("reconsideration.filing_period", -1, "reconsideration.filing_period"),
    ("reminder_days_before_due", True, "reminder_days_before_due"),
    ("colour", "red", "unknown keys"),
])
def test_invalid_settings_name_the_key(path, value, fragment):
    doc = copy.deepcopy(_demo_doc())
    _set(doc, path, value)
    with pytest.raises(j.JurisdictionConfigError) as e:
        j.parse(doc, "demo.yaml")
    assert fragment in str(e.value) and "demo.yaml" in str(e.value)


def test_file_errors(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("kinds: [unclosed", encoding="utf-8")
    with pytest.raises(j.JurisdictionConfigError, match="invalid YAML"):
        j.load(bad)
    with pytest.raises(j.JurisdictionConfigError, match="cannot read"):
        j.load(tmp_path / "missing.yaml")


def test_code_defaults_to_file_name_and_duplicates_refused(tmp_path):
    doc = _demo_doc()
    doc.pop("code")
    (tmp_path / "a.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    doc["code"] = "a"
    (tmp_path / "b.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    assert j.load(tmp_path / "a.yaml").code == "a"
    with pytest.raises(j.JurisdictionConfigError, match="duplicate"):
        j.load_all(tmp_path)
