"""Issue #13: names, landlines, passports and village addresses in prose; precision
on codes; quasi-identifiers by default; the independent residual scan."""
import pandas as pd
import pytest

import desensitize
from desensitize.detect import classify_column, detect_spans
from desensitize.policy import load_policy
from desensitize.recognizers import AddressRecognizer, PassportRecognizer, PersonNameRecognizer, TravelPermitRecognizer
from desensitize.residual_names import scan_cells


def names(text):
    return [text[s:e] for s, e, t, _ in detect_spans(text) if t == "CN_PERSON_NAME"]


def kinds(text):
    return [(text[s:e], t) for s, e, t, _ in detect_spans(text)]


@pytest.mark.parametrize("text, expected", [
    ("被申请人赵德胜，住所地不详", ["赵德胜"]),
    ("法定代表人：冼菊，职务：总经理", ["冼菊"]),
    ("委托诉讼代理人：申屠秀梅，某律师事务所律师。", ["申屠秀梅"]),
    ("审判长 万俟淑怡\n书记员 裘辉", ["万俟淑怡", "裘辉"]),
    ("户主应晓兰，配偶聂慧，长子程峰，次女庄璐。", ["应晓兰", "聂慧", "程峰", "庄璐"]),
    ("参会人员：张伟、李娜和王建国。", ["张伟", "李娜", "王建国"]),
    ("简彤强、舒云同志：经研究拟录用。", ["简彤强", "舒云"]),            # list before a title
    ("申请人曾春锦与被申请人来辉因纠纷申请裁决。", ["曾春锦", "来辉"]),   # both of a pair
    ("请苗依芬警官于2018年7月25日前回复。", ["苗依芬"]),
    ("感谢程林医生的悉心照料。", ["程林"]),                              # not 谢程林
    ("Name: 刘洋  Tel: 02887654321", ["刘洋"]),
    ("user=翁锦松 action=export", ["翁锦松"]),
    ("  司马莹 ", ["司马莹"]),                                          # alone in a cell
    ("欧阳晓东", ["欧阳晓东"]),
    ("满淑秀（户主）", ["满淑秀"]),
])
def test_names_in_prose(text, expected):
    assert names(text) == expected


@pytest.mark.parametrize("text", [
    "高新区管委会", "张家界市文旅局", "王老吉凉茶", "高速公路收费站", "任务已完成，方案待定", "高峰时段",
    "严格执行", "明天上午", "于是决定", "向社会公开", "黄山风景区", "马上办理", "文化馆",
])
def test_product_and_place_names_are_not_names(text):
    assert names(text) == []


def test_passports_every_format_with_context_for_short_ones():
    recognizer = PassportRecognizer()
    found = lambda t: [t[s:e] for s, e, _, _ in recognizer.find(t)]  # noqa: E731
    assert found("护照E12345678，") == ["E12345678"]
    assert found("护照EA1234567") == ["EA1234567"]
    assert found("护照号码：G3114561；") == ["G3114561"]
    assert found("Passport No. S8078798, holder") == ["S8078798"]
    assert found("批次G3114561") == []            # letter + 7 digits without a passport word
    recognizer = TravelPermitRecognizer()
    assert [m for m in recognizer.find("持台湾居民来往大陆通行证57838445入境")]
    assert recognizer.find("编号57838445") == []


def test_rural_and_trailing_building_numbers():
    recognizer = AddressRecognizer()
    found = lambda t: [t[s:e] for s, e, _, _ in recognizer.find(t)]  # noqa: E731
    assert found("住四川省绵阳市三台县芦溪镇柏林村3组12号。") == ["四川省绵阳市三台县芦溪镇柏林村3组12号"]
    assert found("住址：湖北省武汉市江岸区青山街道三合社区3社。") == ["湖北省武汉市江岸区青山街道三合社区3社"]
    assert found("陕西省西安市户县东环路901号6幢2单元2603室") == ["陕西省西安市户县东环路901号6幢2单元2603室"]
    assert found("滨河东路295号金色港湾14栋2单元1404房") == ["滨河东路295号金色港湾14栋2单元1404房"]
    assert found("东环路3号锦绣家园3单元601，") == ["东环路3号锦绣家园3单元601"]
    assert found("学府大道367号403") == ["学府大道367号403"]            # a bare room after the number
    assert found("荷花池街439号翠湖小区1103，") == ["荷花池街439号翠湖小区1103"]
    assert found("解放路12号2024年建成") == ["解放路12号"]               # a year is no room


def test_versions_and_order_numbers_are_not_ip_or_card():
    assert kinds("系统已升级至2.10.3.1版本") == []
    assert kinds("客户端版本 1.5.1.49") == []
    assert kinds("登录IP 10.2.3.4") == [("10.2.3.4", "IP_ADDRESS")]
    assert kinds("订单号4893901660095366830，金额9437.25元") == []
    assert kinds("银行卡号6222021234567890128") == [("6222021234567890128", "CN_BANK_CARD")]


def _luhn(prefix):
    digits = [int(c) for c in prefix + "0"]
    total = sum((d * 2 - 9 if d * 2 > 9 else d * 2) if i % 2 else d for i, d in enumerate(reversed(digits)))
    return prefix + str((10 - total % 10) % 10)


def test_order_number_column_is_plain_and_the_report_says_why():
    orders = [_luhn(f"6{i:016d}") for i in range(300)]  # every one passes Luhn
    klass = classify_column("订单号", pd.Series(orders))
    assert klass.kind == "plain" and "CN_BANK_CARD" in klass.note["ignored_types"]
    frame = pd.DataFrame({"订单号": orders, "版本": ["1.2.3.4"] * 300})
    report = desensitize.apply(frame, None, None, workers=1)
    assert report.frame["订单号"].tolist() == orders and report.frame["版本"].tolist() == ["1.2.3.4"] * 300
    column = {c["column"]: c for c in report.to_dict()["columns"]}["订单号"]
    assert column["note"]["reason_zh"] and column["cells_changed"] == 0
    # without the header it is a column of card numbers
    assert classify_column("号码", pd.Series(orders)).entity_type == "CN_BANK_CARD"


def test_quasi_identifiers_by_default_with_minimum_from_the_caller():
    frame = pd.DataFrame({"性别": ["男", "女"] * 10, "出生日期": [f"19{80 + i}-03-0{1 + i % 9}" for i in range(20)],
                          "年龄": [str(20 + i) for i in range(20)], "备注": ["无"] * 20})
    report = desensitize.apply(frame, None, None, workers=1, min_k=3).to_dict()
    assert report["k_anonymity"]["quasi_identifiers"] == ["性别", "出生日期", "年龄"]
    assert report["k_anonymity"]["min_k"] == 3 and report["k_anonymity"]["smallest_groups"]
    out = desensitize.apply(frame, None, None, workers=1).frame
    assert out["出生日期"].str.fullmatch(r"\d{4}").all()          # birth date → year
    assert out["年龄"].iloc[0] != "20"                             # age → band
    explicit = load_policy({"k_anonymity": {"quasi_identifiers": ["性别"], "min_k": 10}})
    assert explicit.with_min_k(3).min_k == 10                      # a stricter policy keeps its own


def test_independent_scan_finds_names_without_context_words():
    cells = ["经核实，王芳符合条件", "高新区张家界王老吉高速公路", "系统版本1.2.3.4", "张*来电反映", "参会人员：桂*、乌*和扈**。"]
    found = [(p, cells[p][s:e], t) for p, s, e, t in scan_cells(cells)]
    assert found == [(0, "王芳", "CN_PERSON_NAME")]


def test_independent_scan_blocks_the_output_and_lists_the_cells(tmp_path):
    # 王芳 has no role word around it: the recognizers leave it, the second detector does not
    frame = pd.DataFrame({"情况": ["经核实，王芳符合条件，予以办理"] * 3 + ["情况属实"]})
    out = tmp_path / "out.csv"
    with pytest.raises(desensitize.ResidualPIIError) as caught:
        desensitize.apply(frame, out, None, workers=1)
    assert not out.exists()
    finding = [f for f in caught.value.findings if f["entity_type"] == "CN_PERSON_NAME"][0]
    assert finding["detector"] == "independent" and finding["count"] == 3
    assert [c["row"] for c in finding["cells"]] == [1, 2, 3]
    assert "王芳" not in finding["cells"][0]["snippet"]           # the snippet is masked
    # the policy can switch it off (then the name goes out: the check above is what stops it)
    desensitize.apply(frame, out, {"residual": {"independent": False}}, workers=1)
    assert out.exists()
