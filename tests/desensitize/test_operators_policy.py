"""Operators, the YAML policy's validation, k-anonymity, and the offline Presidio engine."""
import socket

import pandas as pd
import pytest

import desensitize
from desensitize.kanon import choose_levels, group_sizes
from desensitize.operators import generalize, keyed_hash, mask, pseudonymize, redact
from desensitize.policy import load_policy


def test_mask_keeps_first_and_last():
    values = pd.Series(["11010519491231002X", "13800138000", "", "ab"])
    assert mask(values, 6, 4).tolist() == ["110105********002X", "138001*8000", "", "**"]
    assert mask(pd.Series(["13800138000"]), 3, 4).tolist() == ["138****8000"]


def test_mask_email_keeps_domain():
    assert mask(pd.Series(["zhang.san@example.com"]), 1, 0, keep_domain=True).tolist() == ["z********@example.com"]


def test_keyed_hash_is_consistent_and_keyed():
    values = pd.Series(["11010519491231002X", "11010519491231002X", "440308199901010012", ""])
    first = keyed_hash(values, b"secret-1")
    assert first[0] == first[1] != first[2] and first[3] == ""
    assert "11010519491231002X" not in first.tolist()
    assert keyed_hash(values, b"secret-2")[0] != first[0]


def test_generalize():
    assert generalize(pd.Series(["1990-03-07", "11010519491231002X", ""]), "year").tolist() == ["1990", "1949", ""]
    assert generalize(pd.Series(["34", "7", "x"]), "band", width=10).tolist() == ["30-39", "0-9", "*"]
    address = pd.Series(["浙江省杭州市西湖区文三路90号", "建国路1号"])
    assert generalize(address, "district").tolist() == ["浙江省杭州市西湖区", "*"]
    assert generalize(address, "city").tolist() == ["浙江省杭州市", "*"]
    assert generalize(pd.Series(["192.168.1.20"]), "subnet").tolist() == ["192.168.*.*"]


def test_pseudonymize():
    assert pseudonymize(pd.Series(["张伟", "欧阳娜娜", ""])).tolist() == ["张*", "欧阳**", ""]
    consistent = pseudonymize(pd.Series(["张伟", "张伟", "李四"]), "consistent", secret=b"k")
    assert consistent[0] == consistent[1] != consistent[2] and consistent[0].startswith("张某")


def test_redact():
    assert redact(pd.Series(["abc", ""]), "【已删除】").tolist() == ["【已删除】", ""]


@pytest.mark.parametrize("document,where", [
    ({"columns": {"a": {"operator": "maskk"}}}, "columns.a"),
    ({"types": {"CN_RESIDENT_ID": {"operator": "mask", "keep_first": "6"}}}, "types.CN_RESIDENT_ID"),
    ({"types": {"CN_SSN": {"operator": "mask"}}}, "types.CN_SSN"),
    ({"columns": {"a": {"operator": "generalize", "to": "galaxy"}}}, "columns.a"),
    ({"k_anonymity": {"min_k": 0}}, "k_anonymity.min_k"),
    ({"colums": {}}, "<top>"),
])
def test_policy_errors_name_the_key(document, where):
    with pytest.raises(desensitize.PolicyError) as error:
        load_policy(document)
    assert where in str(error.value)
    assert str(error.value).startswith("策略错误")


def test_policy_file_errors(tmp_path):
    with pytest.raises(desensitize.PolicyError, match="找不到策略文件"):
        load_policy(tmp_path / "missing.yaml")
    (tmp_path / "bad.yaml").write_text("columns: [unclosed", encoding="utf-8")
    with pytest.raises(desensitize.PolicyError, match="YAML"):
        load_policy(tmp_path / "bad.yaml")


def test_hash_without_secret_is_refused(monkeypatch):
    monkeypatch.delenv("DESENSITIZE_SECRET", raising=False)
    frame = pd.DataFrame({"身份证号": ["11010519491231002X"]})
    with pytest.raises(desensitize.PolicyError, match="DESENSITIZE_SECRET"):
        desensitize.apply(frame, policy={"columns": {"身份证号": {"operator": "hash"}}})
    monkeypatch.setenv("DESENSITIZE_SECRET", "s3cret")
    report = desensitize.apply(frame, policy={"columns": {"身份证号": {"operator": "hash", "length": 12}}})
    assert len(report.frame["身份证号"][0]) == 12


def test_policy_column_rules_drop_and_generalize():
    frame = pd.DataFrame({"出生日期": ["1990-03-07", "1985-12-01"], "照片": ["a.jpg", "b.jpg"], "年龄": ["34", "39"]})
    policy = {"columns": {"出生日期": {"operator": "generalize", "to": "year"}, "照片": {"operator": "drop"},
                          "年龄": {"operator": "generalize", "to": "band", "width": 10}}}
    report = desensitize.apply(frame, policy=policy)
    assert list(report.frame.columns) == ["出生日期", "年龄"]
    assert report.frame["出生日期"].tolist() == ["1990", "1985"] and report.frame["年龄"].tolist() == ["30-39"] * 2


def _people(n):
    return pd.DataFrame({
        "性别": ["男" if i % 2 else "女" for i in range(n)],
        "出生日期": [f"{1950 + i % 40}-0{1 + i % 9}-1{i % 10}" for i in range(n)],
        "金额": [str(i) for i in range(n)],
    })


def test_k_anonymity_is_reported():
    report = desensitize.apply(_people(40), policy={"k_anonymity": {"quasi_identifiers": ["性别", "出生日期"], "min_k": 2}})
    assert report.k_anonymity["k"] == 1 and not report.k_anonymity["passed"]


def test_k_anonymity_enforced_by_generalizing():
    policy = {"k_anonymity": {"quasi_identifiers": ["性别", "出生日期"], "min_k": 5, "enforce": True}}
    report = desensitize.apply(_people(200), policy=policy)
    assert report.k_anonymity["passed"] and report.k_anonymity["k"] >= 5
    assert group_sizes(report.frame, ["性别", "出生日期"]).min() >= 5
    assert report.frame["金额"].tolist() == [str(i) for i in range(200)]  # non-QI columns untouched


def test_choose_levels_stops_as_soon_as_k_is_reached():
    frame = pd.DataFrame({"性别": ["男", "女"] * 10, "出生日期": ["1990-01-01"] * 20})
    assert choose_levels(frame, 5) == {"性别": 0, "出生日期": 0}


def test_presidio_analyzer_starts_offline_and_finds_chinese_pii(monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("the analyzer tried to open a network connection")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    from desensitize.detect import build_analyzer

    analyzer = build_analyzer()
    results = analyzer.analyze("身份证号11010519491231002X，联系人张伟电话13800138000", language="zh")
    assert {r.entity_type for r in results} == {"CN_RESIDENT_ID", "CN_PERSON_NAME", "CN_MOBILE_PHONE"}
    names = {r.name for r in analyzer.registry.recognizers}
    assert {"ResidentIdRecognizer", "UsccRecognizer", "AddressRecognizer"} <= names


def test_presidio_default_registry_still_loads_after_import(tmp_path):
    """Presidio resolves its default recognizers by class name among all subclasses:
    a class of ours named like one of its own (EmailRecognizer) would break it."""
    import spacy
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    import desensitize.recognizers  # noqa: F401  (registers our subclasses)

    spacy.blank("en").to_disk(tmp_path / "blank_en")
    provider = NlpEngineProvider(nlp_configuration={
        "nlp_engine_name": "spacy", "models": [{"lang_code": "en", "model_name": str(tmp_path / "blank_en")}]})
    analyzer = AnalyzerEngine(nlp_engine=provider.create_engine(), supported_languages=["en"])
    assert "EmailRecognizer" in {r.name for r in analyzer.registry.recognizers}
