"""Issue #13, second pass: names in the genres the first pass missed (信访, 网格, 村务公开,
clinic notes, contracts, English-labelled and log lines, lists without a role word,
names alone with a space inside, rare given-name characters, traditional surnames,
transliterated names with a middle dot, pinyin), landlines written with +86 or a split
local number, every passport / permit format, 港澳台 residence permits, estate and
tower addresses; the cells without personal data stay byte-identical and the
independent scan raises no alarm on them."""
import pandas as pd
import pytest

import desensitize
from desensitize.detect import detect_spans, detect_spans_in_series
from desensitize.recognizers import (
    AddressRecognizer, LandlineRecognizer, PassportRecognizer, ResidentIdRecognizer, TravelPermitRecognizer,
)
from desensitize.residual_names import scan_cells


def found(text, entity):
    return [text[s:e] for s, e, t, _ in detect_spans(text) if t == entity]


def names(text):
    return found(text, "CN_PERSON_NAME")


NAME_CASES = [
    ("信访人游菊龙反映其承包地被占用，联系电话02436158139。", ["游菊龙"]),
    ("来访群众庄佳蓉、仇华等3人到市信访局反映拖欠工资问题。", ["庄佳蓉", "仇华"]),
    ("已电话告知戚丽华，处理结果为不予受理。", ["戚丽华"]),
    ("网格员李晨走访独居老人蔺瑞，身体状况良好。", ["李晨", "蔺瑞"]),
    ("帮扶责任人：东方少辰；帮扶对象：魏玲嘉", ["东方少辰", "魏玲嘉"]),
    ("低保户名单：黄淑玲（3人）、陈雅婷（2人）、庞小桂（1人）。", ["黄淑玲", "陈雅婷", "庞小桂"]),
    ("宋梓 1200元；吉艳 800元；毛宇 600元", ["宋梓", "吉艳", "毛宇"]),
    ("一组 许霞 二组 樊英 三组 海飞", ["许霞", "樊英", "海飞"]),
    ("卜辰文户 耕地面积3.5亩", ["卜辰文"]),
    ("序号 1 秦桂花 男 65", ["秦桂花"]),
    ("就诊人：蔡秀美；陪同人：佟程玲（其女）", ["蔡秀美", "佟程玲"]),
    ("权成大夫建议住院观察，家属粟琴锦签字同意。", ["权成", "粟琴锦"]),
    ("出租方（甲方）：夏侯龙怡  承租方（乙方）：诸葛娟", ["夏侯龙怡", "诸葛娟"]),
    ("债权人闻懿振与债务人奉冬梅签订借款合同", ["闻懿振", "奉冬梅"]),
    ("经手人：费诺志  领款人：戎燕", ["费诺志", "戎燕"]),
    ("Prepared by: 姜洋   Checked by: 浦秀淑", ["姜洋", "浦秀淑"]),
    ('{"name": "奚兰", "phone": "x"}', ["奚兰"]),
    ("Received by 乐秀冬 on 2024年9月26日", ["乐秀冬"]),
    ("Customer: 洪萍博 / Mobile", ["洪萍博"]),
    ("Name: Xiaoming Dong  Tel: 075551160347", ["Xiaoming Dong"]),
    ("Guest: ZHANG Wei, Room 1203", ["ZHANG Wei"]),
    ("当事人热合曼·阿不都，维吾尔族", ["热合曼·阿不都"]),
    ("阿依古丽·买买提", ["阿依古丽·买买提"]),
    ("冶 梅", ["冶 梅"]),
    ("邹子思 翟小佳", ["邹子思", "翟小佳"]),
    ("容桂荣/母秋兰", ["容桂荣", "母秋兰"]),
    ("出席：曲轩曦、方晨桂、殷宁", ["曲轩曦", "方晨桂", "殷宁"]),
    ("辛璟祎", ["辛璟祎"]),                         # rare given-name characters
    ("濮玥珺（本人）", ["濮玥珺"]),
    ("谷雨伟来电反映，其住址不详", ["谷雨伟"]),          # 谷雨 alone is a solar term, 谷雨伟 a name                  # and a rare surname of 百家姓
    ("蘇雅雯(户主)", ["蘇雅雯"]),                    # a traditional surname
    ("主治医师：陳秀美；护士：盧聰明", ["陳秀美", "盧聰明"]),
]


@pytest.mark.parametrize("text, expected", NAME_CASES)
def test_names_in_the_genres(text, expected):
    assert names(text) == expected


CLEAN = [
    "宁静", "陈列", "顾问", "谷雨", "杨树", "高速、高铁", "宁静、常住", "系统版本10.2.2.7786", "V3.1.4.1592",
    "订单号：4532015112830366", "工单号GD20240315000123", "区划代码620201", "客服热线12345",
    "服务电话400-820-8820", "和平社区居委会", "由红星村村委会负责", "2024年城区3栋房屋", "高新区3楼会议室",
    "编号S1030999", "编号L12345678", "港澳居民", "共计1203.50元，含税。", "黄金周", "邓小平理论",
    "已通知李庄镇政府整改。", "承包地被占用", "周庄古镇", "胡杨林、毛毯", "雷雨、罗盘",
]


@pytest.mark.parametrize("text", CLEAN)
def test_cells_without_personal_data_are_not_touched(text):
    assert detect_spans(text) == []


def test_clean_cells_stay_byte_identical_and_the_independent_scan_is_quiet():
    frame = pd.DataFrame({"备注": CLEAN})
    report = desensitize.apply(frame, None, {"columns": {"备注": {"type": "free_text"}}}, workers=1)
    assert report.frame["备注"].tolist() == CLEAN
    assert scan_cells(CLEAN + ["楼栋长王*报告：住户李**家中漏水。", "信访人张*反映其承包地被占用"]) == []


def test_table_path_finds_the_same_spans_as_the_scalar_path():
    texts = [t for t, _ in NAME_CASES] + CLEAN + ["x"] * 80
    joined = detect_spans_in_series(pd.Series(texts, dtype="str"))
    for i, text in enumerate(texts):
        assert sorted(s[:3] for s in joined.get(i, [])) == sorted(s[:3] for s in detect_spans(text)), text


@pytest.mark.parametrize("text, expected", [
    ("电话 +86591 62218362", "+86591 62218362"),
    ("Tel: 0086-10 58095781", "0086-10 58095781"),
    ("值班电话025 3421 9949", "025 3421 9949"),
    ("0769-3869-3577", "0769-3869-3577"),
    ("Tel02887654321", "02887654321"),
    ("监督电话02282201804。", "02282201804"),
    ("联系电话09512345678", "09512345678"),    # 0951 uses 7-digit numbers; 8 written after it still counts
])
def test_landlines_in_every_writing(text, expected):
    assert [text[s:e] for s, e, _, _ in LandlineRecognizer().find(text)] == [expected]


@pytest.mark.parametrize("text", ["订单号0571123456789", "版本 10.2.3.4", "金额 0571 元", "+86 13912345678",
                                  "编号00123456789", "编号05711234567", "编号0951234567"])
def test_no_landline_in_codes(text):
    assert LandlineRecognizer().find(text) == []


def test_passports_and_permits_of_every_format():
    passport = PassportRecognizer()
    get = lambda r, t: [t[s:e] for s, e, _, _ in r.find(t)]  # noqa: E731
    assert get(passport, "持外交护照DE1922653入境。") == ["DE1922653"]
    assert get(passport, "公务护照号码PE1504208") == ["PE1504208"]
    assert get(passport, "SE7596625") == ["SE7596625"]
    assert get(passport, " P9508534 ") == ["P9508534"]        # short form alone in a cell
    assert get(passport, "编号S1030999") == []                # short form in text without a passport word
    permit = TravelPermitRecognizer()
    assert get(permit, "赴台通行证L54488552") == ["L54488552"]
    assert get(permit, "通行证号码L12345678") == ["L12345678"]
    assert get(permit, "编号L12345678") == []


def _with_check(body):
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, weights)) % 11]


@pytest.mark.parametrize("body", ["81000019800101123", "83000019760715045", "62020119850312001"])
def test_residence_permits_and_city_district_codes(body):
    number = _with_check(body)
    assert found(f"港澳居民居住证{number}", "CN_RESIDENT_ID") == [number]
    assert ResidentIdRecognizer().is_valid(number)


@pytest.mark.parametrize("text, expected", [
    ("住山西省朔州市应县书香苑28栋2单元1602", "山西省朔州市应县书香苑28栋2单元1602"),
    ("家住湖南省衡阳市常宁市金色港湾16-2-701，电话", "湖南省衡阳市常宁市金色港湾16-2-701"),
    ("现住址四川省广元市朝天区国贸大厦37楼1501。", "四川省广元市朝天区国贸大厦37楼1501"),
    ("时代广场B座1018室", "时代广场B座1018室"),
    ("新桥镇柏林村村委会3组", "新桥镇柏林村村委会3组"),
    ("石门乡红星村第三村民小组12号", "石门乡红星村第三村民小组12号"),
    ("白马镇桃园村王家湾组23号", "白马镇桃园村王家湾组23号"),
    ("朝阳路12号8-2-301", "朝阳路12号8-2-301"),
    ("青年路5号附3号", "青年路5号附3号"),
    ("城关镇朝阳路165号院9排8号", "城关镇朝阳路165号院9排8号"),
])
def test_addresses_leave_no_part(text, expected):
    assert [text[s:e] for s, e, _, _ in AddressRecognizer().find(text)] == [expected]
