"""The desensitization report in people's words (publication/words.py), no database."""
from ckanext.govopen.publication import words


def test_operators_in_chinese():
    assert words.operator_label({"operator": "mask", "keep_first": 6, "keep_last": 4}) == "遮盖（保留前 6 位、保留后 4 位）"
    assert words.operator_label({"operator": "pseudonymize", "style": "surname"}) == "化名（只保留姓氏）"
    assert words.operator_label({"operator": "generalize", "to": "year"}) == "泛化到年份"
    assert words.operator_label(None, dropped=True) == "整列删除"
    assert words.operator_label({"operator": "mask", "keep_last": 4}, zh=False) == "masked (last 4 kept)"


def test_findings_and_k_anonymity():
    assert words.column_finding({"entity_type": "CN_RESIDENT_ID"}) == "居民身份证号码"
    assert words.column_finding({"kind": "free_text", "counts": {"CN_BANK_CARD": 193}}) == "银行卡号 193 处"
    assert words.column_finding({"kind": "plain", "counts": {}}) == "未发现个人信息"
    text = words.k_anonymity_text({"quasi_identifiers": ["年龄", "区县"], "k": 3, "min_k": 5, "passed": False})
    assert "最小组 3 条" in text and "未达到要求" in text and "年龄、区县" in text
    assert "未配置" in words.k_anonymity_text(None)


def test_event_detail_has_no_json():
    text = words.event_detail("uploaded", {"kind": "tabular", "token": "abc", "reason": "upload"})
    assert text == "上传新文件" and "{" not in text and "token" not in text


def test_masked_samples_read_the_published_file(tmp_path):
    p = tmp_path / "out.csv"
    p.write_text("\ufeff姓名,手机\n张*,138****1234\n李*,139****0000\n张*,\n王*,137****1111\n", encoding="utf-8")
    assert words.masked_samples(str(p), ["姓名", "手机"], n=2) == {
        "姓名": ["张*", "李*"], "手机": ["138****1234", "139****0000"]}
    assert words.masked_samples(str(tmp_path / "missing.csv"), ["姓名"]) == {}


def test_masked_values_come_first_and_free_text_changes_are_named(tmp_path):
    p = tmp_path / "out.csv"
    p.write_text("卡号\n3100383372548385\n3100****5226\n3100285806339250\n", encoding="utf-8")
    assert words.masked_samples(str(p), ["卡号"], n=2) == {"卡号": ["3100****5226", "3100383372548385"]}
    assert words.operator_label("free_text") == "遮盖文本中的个人信息"
