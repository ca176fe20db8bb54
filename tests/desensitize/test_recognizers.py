"""Each recognizer: valid values, broken checksums, and boundaries against Chinese text."""
import pandas as pd
import pytest
from stdnum import luhn
from stdnum.cn import ric, uscc

from desensitize.detect import detect_spans
from desensitize.recognizers import (
    AddressRecognizer, BankCardRecognizer, CnEmailRecognizer, CnIpAddressRecognizer, LandlineRecognizer,
    LicencePlateRecognizer, MobilePhoneRecognizer, OrgCodeRecognizer, PassportRecognizer,
    PersonNameRecognizer, ResidentIdRecognizer, TravelPermitRecognizer, UsccRecognizer,
)
from desensitize.recognizers.bank_card import luhn_ok

VALID_ID = "11010519491231002X"      # GB 11643 example: 北京市朝阳区, 1949-12-31, check X
VALID_ID_2 = "440308199901010012"
VALID_USCC = "91110000600037341L"
VALID_CARD = "6222021234567890128"   # 19 digits, Luhn-valid, UnionPay prefix


def found(recognizer, text):
    return [text[s:e] for s, e, _, _ in recognizer.find(text)]


def flip_last_digit(value):
    last = value[-1]
    return value[:-1] + ("0" if last != "0" else "1")


@pytest.fixture(scope="module")
def ids():
    return ResidentIdRecognizer()


def test_fixtures_are_valid_by_stdnum():
    assert ric.is_valid(VALID_ID) and ric.is_valid(VALID_ID_2)
    assert uscc.is_valid(VALID_USCC)
    assert luhn.is_valid(VALID_CARD)


class TestResidentId:
    def test_valid_18_and_x_check(self, ids):
        assert found(ids, VALID_ID) == [VALID_ID]
        assert found(ids, VALID_ID.lower()) == [VALID_ID.lower()]

    def test_bad_check_digit(self, ids):
        assert found(ids, "110105194912310021") == []

    def test_unknown_region_and_impossible_date(self, ids):
        body = "990105194912310"  # region 99 does not exist
        assert not ids.is_valid(body + "02X")
        assert found(ids, "110105194902300028") == []  # 30 February

    def test_future_birth_date_refused(self, ids):
        assert not ids.is_valid("110105209901010011")

    def test_touching_chinese_characters(self, ids):
        assert found(ids, f"身份证号{VALID_ID}，已核验") == [VALID_ID]

    def test_not_inside_longer_digit_runs(self, ids):
        assert found(ids, f"1{VALID_ID}") == []
        assert found(ids, f"{VALID_ID}9") == []
        assert found(ids, f"A{VALID_ID}") == []

    def test_old_15_digit(self, ids):
        assert found(ids, "身份证110105491231002") == ["110105491231002"]
        assert found(ids, "990105491231002") == []  # unknown region

    def test_vectorized_agrees_with_scalar_and_stdnum(self, ids):
        values = [VALID_ID, VALID_ID_2, "110105194912310021", "", "abc", "110105491231002", " " + VALID_ID + " "]
        mask = ids.valid_mask(pd.Series(values)).tolist()
        assert mask == [ids.is_valid(v) for v in values]
        assert mask == [True, True, False, False, False, True, True]


class TestUscc:
    def test_valid_and_bad_check_character(self):
        recognizer = UsccRecognizer()
        assert found(recognizer, f"统一社会信用代码{VALID_USCC}。") == [VALID_USCC]
        assert found(recognizer, VALID_USCC[:-1] + "M") == []
        assert recognizer.valid_mask(pd.Series([VALID_USCC, VALID_USCC[:-1] + "M"])).tolist() == [True, False]

    def test_boundary(self):
        assert found(UsccRecognizer(), "X" + VALID_USCC) == []


class TestOrgCode:
    def test_valid_and_invalid(self):
        recognizer = OrgCodeRecognizer()
        assert found(recognizer, "组织机构代码60003734-1") == ["60003734-1"]  # the org code inside VALID_USCC
        assert found(recognizer, "组织机构代码60003734-2") == []


class TestBankCard:
    def test_luhn(self):
        recognizer = BankCardRecognizer()
        assert found(recognizer, f"卡号{VALID_CARD}请核对") == [VALID_CARD]
        assert found(recognizer, flip_last_digit(VALID_CARD)) == []

    def test_grouped_digits(self):
        grouped = "6222 0212 3456 7890 128"
        assert found(BankCardRecognizer(), f"卡号：{grouped}") == [grouped]

    def test_resident_id_passing_luhn_is_not_a_card(self):
        # find an ID that passes Luhn: it must be reported as an ID, not a card
        for serial in range(1000):
            body = f"11010519900307{serial:03d}"
            check = ric.calc_check_digit(body + "0")
            candidate = body + check
            if check != "X" and luhn.is_valid(candidate):
                break
        assert found(BankCardRecognizer(), candidate) == []
        assert [s[2] for s in detect_spans(candidate)] == ["CN_RESIDENT_ID"]

    def test_scalar_luhn_matches_stdnum(self):
        for number in ["4111111111111111", "4111111111111112", VALID_CARD, "6228480402564890018"]:
            assert luhn_ok(number) == luhn.is_valid(number)


class TestPhones:
    def test_mobile(self):
        recognizer = MobilePhoneRecognizer()
        assert found(recognizer, "电话13800138000。") == ["13800138000"]
        assert found(recognizer, "+86 138-0013-8000") == ["+86 138-0013-8000"]
        assert found(recognizer, "12800138000") == []   # no 12x segment
        assert found(recognizer, "15400138000") == []   # 154 is not allocated
        assert found(recognizer, "订单213800138000") == []  # inside a longer number

    def test_landline(self):
        recognizer = LandlineRecognizer()
        assert found(recognizer, "办公电话010-62345678转") == ["010-62345678"]
        assert found(recognizer, "（0571）88886666") == ["（0571）88886666"]
        assert found(recognizer, "电话0571-8888666") == ["0571-8888666"]
        assert found(recognizer, "031-12345678") == []  # 3-digit codes are 010 and 02x only
        # without a separator only when libphonenumber's table knows the area code and length
        assert found(recognizer, "回访电话01062345678。") == ["01062345678"]
        assert found(recognizer, "回访电话02887654321") == ["02887654321"]
        assert found(recognizer, "编号01234567890") == []      # 012 is no area code
        assert found(recognizer, "订单05712345678") == []      # Hangzhou numbers have 8 digits


class TestDocumentsAndPlates:
    def test_passport(self):
        recognizer = PassportRecognizer()
        assert found(recognizer, "护照E12345678号") == ["E12345678"]
        assert found(recognizer, "护照EA1234567") == ["EA1234567"]
        assert found(recognizer, "E11111111") == []  # all the same digits
        assert found(recognizer, "XE12345678") == []

    def test_travel_permit(self):
        recognizer = TravelPermitRecognizer()
        assert found(recognizer, "通行证C12345678") == ["C12345678"]
        assert found(recognizer, "回乡证H1234567801") == ["H1234567801"]

    def test_plates(self):
        recognizer = LicencePlateRecognizer()
        assert found(recognizer, "车牌京A12345违停") == ["京A12345"]
        assert found(recognizer, "粤B·D12345") == ["粤B·D12345"]  # new energy, 8 characters
        assert found(recognizer, "沪A12345D") == ["沪A12345D"]
        assert found(recognizer, "京AABC12") == []  # three letters in an ordinary plate
        assert found(recognizer, "京a12345") == []  # plates are upper case


class TestNetwork:
    def test_email(self):
        assert found(CnEmailRecognizer(), "邮箱zhang.san@example.com.cn联系") == ["zhang.san@example.com.cn"]
        assert found(CnEmailRecognizer(), "a@b") == []

    def test_ip(self):
        recognizer = CnIpAddressRecognizer()
        assert found(recognizer, "登录IP192.168.1.20，") == ["192.168.1.20"]
        assert found(recognizer, "版本1.2.3.456") == []  # 456 is no octet
        assert found(recognizer, "地址2001:db8::8a2e:370:7334结束") == ["2001:db8::8a2e:370:7334"]
        assert found(recognizer, "时间12:30:45") == []


class TestNamesAndAddresses:
    def test_names_in_person_contexts(self):
        recognizer = PersonNameRecognizer()
        assert found(recognizer, "联系人张伟电话13800138000") == ["张伟"]
        assert found(recognizer, "申请人：欧阳娜娜，男") == ["欧阳娜娜"]
        assert found(recognizer, "王小明来电咨询") == ["王小明"]
        assert found(recognizer, "请和王芳女士联系") == ["王芳"]

    def test_words_are_not_names(self):
        recognizer = PersonNameRecognizer()
        assert found(recognizer, "任务已完成，方案待定") == []

    def test_address_from_province_to_room(self):
        text = "他家住在北京市朝阳区建国路88号院3号楼2单元301室，电话"
        assert found(AddressRecognizer(), text) == ["北京市朝阳区建国路88号院3号楼2单元301室"]

    def test_place_name_alone_is_not_an_address(self):
        assert found(AddressRecognizer(), "北京市朝阳区人民政府") == []


def test_hard_negatives_are_not_flagged():
    text = ("订单号202403150001234567890，行政区划代码110105，金额12,345.67元，"
            "日期2024-03-15，20240315，身份证号110105194912310021")
    assert detect_spans(text) == []


TABLE_PATH_TEXTS = [
    "往来港澳通行证M28678112，申请人包诗秀，现住黑龙江省齐齐哈尔市富裕县东风大道302号13栋3单元2001室",
    "户主文雪欣，男，家庭住址福建省宁德市屏南县幸福大道538号，老身份证号441230630602469",
    "联系人：缪强怡，手机19966396025，办公电话023-40773133",
    "邮件发送至abc.def@qq.com，抄送x@163.com.cn，服务器169.24.192.80，2001:db8::1",
    "车主王芳，车牌号粤B·D12345，卡号6222 0212 3456 7890 128，USCC 91110000600037341L，组织机构代码60003734-1",
    "护照E12345678，回乡证H1234567801，家住幸福村3组，经办：康春；复核：尉迟军琳",
    "无", "", "a\x00身份证号11010519491231002X",
]


def test_table_path_finds_what_the_per_cell_path_finds():
    """The table path (RE2 prefilters + one find over joined cells) must agree with
    detect_spans cell by cell: a prefilter that is not a superset loses PII silently."""
    from desensitize.detect import detect_spans_in_series

    batched = detect_spans_in_series(pd.Series(TABLE_PATH_TEXTS, dtype="str"))
    single = {i: detect_spans(t) for i, t in enumerate(TABLE_PATH_TEXTS)}
    assert batched == {i: s for i, s in single.items() if s}
    assert {t for spans in batched.values() for _, _, t, _ in spans} >= {
        "CN_ADDRESS", "CN_PERSON_NAME", "CN_HK_MACAU_PERMIT", "CN_RESIDENT_ID", "CN_MOBILE_PHONE", "CN_LANDLINE",
        "EMAIL_ADDRESS", "IP_ADDRESS", "CN_LICENSE_PLATE", "CN_BANK_CARD", "CN_USCC", "CN_ORG_CODE", "CN_PASSPORT"}


def test_vectorized_dates_agree_with_scalar_check():
    import numpy as np

    from desensitize.recognizers.resident_id import _real_date, real_dates

    cases = [(2000, 2, 29), (1900, 2, 29), (1999, 2, 29), (2024, 4, 31), (2024, 4, 30), (1990, 13, 1),
             (1990, 0, 10), (1990, 1, 0), (2999, 1, 1), (1949, 12, 31)]
    years, months, days = (np.array(part) for part in zip(*cases))
    assert real_dates(years, months, days).tolist() == [_real_date(*c) for c in cases]
    assert real_dates(years, months, days).tolist() == [True, False, False, False, True, False, False, False, False, True]


def test_fast_ipv4_check_agrees_with_ipaddress():
    from itertools import product

    from desensitize.recognizers.ip_address import CnIpAddressRecognizer, valid_ipv4

    recognizer = CnIpAddressRecognizer()
    octets = ["0", "00", "01", "1", "9", "99", "255", "256", "1000", "", "１", "٣"]
    for parts in product(octets, repeat=4):
        text = ".".join(parts)
        assert valid_ipv4(text) == recognizer.validate_result(text), text
    assert not valid_ipv4("1.2.3") and not valid_ipv4("1.2.3.4.5")


def test_names_in_joined_cells_same_as_find():
    """The table path runs each name pattern only on the cells holding its anchor; the
    spans must be those of ``find`` over all cells (random cells of role words,
    honorifics, predicates, surnames, Unicode digits after 于)."""
    import random

    from desensitize.recognizers import person_name as names

    recognizer = names.PersonNameRecognizer()
    rnd = random.Random(7)
    pieces = list(names.ROLE_WORDS + names.HONORIFICS + names.PREDICATES) + [
        "于3", "于٣", "和", "王", "欧阳", "芳", "伟", "：", " ", "，", "张", "李", "明", "x", "1"]
    cells = ["".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 12))) for _ in range(3000)]
    cells[::50] = ["姓名：李四，王芳于٣日到场"] * len(cells[::50])  # only 于 + a non-ASCII digit after 王芳
    text = "\x00".join(cells)
    expected = recognizer.find(text)
    assert len(expected) > 500
    assert recognizer.find_joined(text) == expected
