"""Labelled benchmark data for desensitize, generated with a fixed seed.

(a) free_text.jsonl: >= 3,000 Chinese free-text cells, each with the gold spans
    (start, end, type) of the personal data in it, mixed with hard negatives that
    must not be flagged: wrong-checksum IDs, Luhn-failing card numbers, order
    numbers, 6-digit 行政区划代码, amounts, dates, work-order numbers.
(b) table.csv: 200,000 rows x 19 columns (UTF-8) with known column types; a
    GBK copy of the first 20,000 rows (table_gbk.csv).

Usage: python benchmarks/desensitize_data.py [--rows 200000] [--cells 3000] [--out benchmarks/data]
"""
from __future__ import annotations

import argparse
import csv
import json
import random
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "desensitize"))

from desensitize.recognizers.address import division_names  # noqa: E402
from desensitize.recognizers.org_code import org_check_char  # noqa: E402
# the surname lists of the recognizer at the time this benchmark was written, frozen
# here so that the generated data stays the same when the recognizer's lists grow
SINGLE_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任"
    "沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔"
    "向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌"
    "毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦"
    "麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩"
    "明佘池查麻苑迟邝"
)
COMPOUND_SURNAMES = (
    "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙",
    "夏侯", "令狐", "宇文", "司徒", "端木", "南宫", "西门", "百里", "呼延", "轩辕",
)
from desensitize.recognizers.resident_id import region_codes  # noqa: E402

SEED = 20261128
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红玉兰春梅海燕雪琳晨宇浩然欣怡子涵梓轩思雨佳琪博文嘉豪诗雅俊辉鹏飞"
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
PLATE_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
PLATE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"
ROADS = ["建国", "人民", "解放", "中山", "文三", "长江", "黄河", "和平", "胜利", "新华", "光明", "幸福", "友谊", "青年", "东风", "学院", "科技", "滨江", "金桥", "望京"]
ROAD_SUFFIX = ["路", "街", "大道", "巷"]
DOMAINS = ["163.com", "qq.com", "126.com", "sina.com", "gov.cn", "example.com.cn", "outlook.com"]
MOBILE_PREFIXES = ["130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "155", "157", "158", "159", "166", "170", "173", "177", "180", "181", "186", "187", "188", "189", "191", "198", "199"]


class Gen:
    def __init__(self, seed: int = SEED):
        self.r = random.Random(seed)
        regions = sorted(region_codes())
        # current county-level codes (not ending 00) so the IDs are realistic
        self.regions = [c for c in regions if not c.endswith("00")]
        self.names = division_names()
        self._build_divisions()

    def _build_divisions(self):
        import importlib.resources as res

        text = res.files("desensitize").joinpath("data/admin_divisions.csv").read_text(encoding="utf-8")
        rows = [l.split(",") for l in text.splitlines() if l and not l.startswith(("#", "adcode"))]
        by_code = {code: name for code, name in rows}
        self.districts = []
        for code, name in rows:
            if code.endswith("00") or name in ("市辖区", "县"):
                continue
            province = by_code.get(code[:2] + "0000", "")
            city = by_code.get(code[:4] + "00", "")
            if city in ("市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"):
                city = ""
            self.districts.append((province, city, name, code))
        self.adcodes = [code for code, _ in rows]

    # ---- identifiers ----------------------------------------------------------------
    def resident_id(self, valid: bool = True) -> str:
        r = self.r
        body = r.choice(self.regions) + f"{r.randint(1940, 2010)}{r.randint(1, 12):02d}{r.randint(1, 28):02d}{r.randint(0, 999):03d}"
        total = sum(int(d) * pow(2, 17 - i, 11) for i, d in enumerate(body))
        check = "10X98765432"[total % 11]
        if not valid:
            check = r.choice([c for c in "0123456789X" if c != check])
        return body + check

    def old_id(self) -> str:
        r = self.r
        return r.choice(self.regions) + f"{r.randint(40, 84):02d}{r.randint(1, 12):02d}{r.randint(1, 28):02d}{r.randint(0, 999):03d}"

    def mobile(self) -> str:
        return self.r.choice(MOBILE_PREFIXES) + f"{self.r.randint(0, 99999999):08d}"

    def landline(self) -> str:
        r = self.r
        if r.random() < 0.3:
            return r.choice(["010", "020", "021", "022", "023", "025", "027", "028", "029"]) + "-" + str(r.randint(2, 8)) + f"{r.randint(0, 9999999):07d}"
        area = "0" + str(r.randint(3, 9)) + f"{r.randint(10, 99)}"
        local = str(r.randint(2, 8)) + f"{r.randint(0, 999999):06d}" + ("" if r.random() < 0.5 else str(r.randint(0, 9)))
        return f"({area}){local}" if r.random() < 0.2 else f"{area}-{local}"

    def _luhn_complete(self, body: str) -> str:
        total = 0
        for i, d in enumerate(reversed(body)):
            n = int(d)
            if i % 2 == 0:
                n *= 2
                n -= 9 if n > 9 else 0
            total += n
        return body + str((10 - total % 10) % 10)

    def bank_card(self, valid: bool = True) -> str:
        r = self.r
        length = r.choice([16, 16, 19, 19, 17, 18])
        prefix = r.choice(["62", "622848", "621700", "4", "5"])
        body = prefix + "".join(str(r.randint(0, 9)) for _ in range(length - 1 - len(prefix)))
        card = self._luhn_complete(body)
        if not valid:
            card = card[:-1] + str((int(card[-1]) + r.randint(1, 9)) % 10)
        return card

    def org_body(self) -> str:
        body = "".join(self.r.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(8))
        return body

    def org_code(self) -> str:
        body = self.org_body()
        return body + "-" + org_check_char(body)

    def uscc(self) -> str:
        r = self.r
        body = r.choice("159Y") + r.choice("1239") + r.choice(self.regions)
        org = self.org_body()
        body += org + org_check_char(org)
        total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(body, USCC_WEIGHTS))
        return body + USCC_ALPHABET[(31 - total % 31) % 31]

    def passport(self) -> str:
        r = self.r
        if r.random() < 0.5:
            return "E" + f"{r.randint(10000000, 99999999)}"
        return "E" + r.choice("ABCDEFGHJKLMNPQRSTUVWXYZ") + f"{r.randint(1000000, 9999999)}"

    def permit(self) -> str:
        r = self.r
        if r.random() < 0.5:
            return "C" + r.choice("ABCDEFGHJKLMNPQRSTUVWXYZ") + f"{r.randint(1000000, 9999999)}"
        return r.choice("HM") + f"{r.randint(10000000, 99999999)}"

    def plate(self) -> str:
        r = self.r
        head = r.choice(PLATE_PROVINCES) + r.choice(PLATE_LETTERS)
        if r.random() < 0.25:
            tail = r.choice("DF") + f"{r.randint(0, 99999):05d}"
        else:
            chars = [str(r.randint(0, 9)) for _ in range(5)]
            for i in r.sample(range(5), r.randint(0, 2)):
                chars[i] = r.choice("ABCDEFGHJKLMNPQRSTUVWXYZ")
            tail = "".join(chars)
        return head + ("·" if r.random() < 0.1 else "") + tail

    def email(self) -> str:
        r = self.r
        user = "".join(r.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(r.randint(3, 9)))
        if r.random() < 0.5:
            user += str(r.randint(1, 9999))
        if r.random() < 0.2:
            user = user[:3] + "." + user[3:]
        return f"{user}@{r.choice(DOMAINS)}"

    def ip(self) -> str:
        r = self.r
        if r.random() < 0.15:
            return ":".join(f"{r.randint(0, 65535):x}" for _ in range(8)) if r.random() < 0.5 else f"2001:db8::{r.randint(1, 65535):x}"
        return ".".join(str(r.randint(1, 254)) for _ in range(4))

    def name(self) -> str:
        r = self.r
        surname = r.choice(COMPOUND_SURNAMES) if r.random() < 0.03 else r.choice(SINGLE_SURNAMES)
        return surname + "".join(r.choice(GIVEN) for _ in range(r.choice([1, 2, 2])))

    def address(self) -> str:
        r = self.r
        province, city, district, _ = r.choice(self.districts)
        prefix = (province if r.random() < 0.8 else "") + (city if city != province else "") + district
        road = r.choice(ROADS) + r.choice(ROAD_SUFFIX) + f"{r.randint(1, 999)}号"
        if r.random() < 0.4:
            road += f"{r.randint(1, 30)}栋{r.randint(1, 6)}单元{r.randint(1, 30)}{r.randint(1, 4):02d}室"
        return prefix + road

    # ---- hard negatives ----------------------------------------------------------
    def order_number(self) -> str:
        r = self.r
        return f"{r.randint(2019, 2025)}{r.randint(1, 12):02d}{r.randint(1, 28):02d}" + "".join(str(r.randint(0, 9)) for _ in range(r.choice([10, 12, 14])))

    def adcode(self) -> str:
        return self.r.choice(self.adcodes)

    def amount(self) -> str:
        r = self.r
        value = r.randint(1, 99999999) / 100
        return f"{value:,.2f}" if r.random() < 0.3 else f"{value:.2f}"

    def date(self) -> str:
        r = self.r
        y, m, d = r.randint(2015, 2025), r.randint(1, 12), r.randint(1, 28)
        return r.choice([f"{y}-{m:02d}-{d:02d}", f"{y}年{m}月{d}日", f"{y}{m:02d}{d:02d}", f"{y}/{m}/{d}"])


# free-text templates: {TYPE} slots are labelled PII, {neg:kind} slots hard negatives
TEMPLATES = [
    "申请人{CN_PERSON_NAME}，身份证号{CN_RESIDENT_ID}，联系电话{CN_MOBILE_PHONE}。",
    "联系人：{CN_PERSON_NAME}，手机{CN_MOBILE_PHONE}，办公电话{CN_LANDLINE}",
    "{CN_PERSON_NAME}来电反映，其住址{CN_ADDRESS}附近噪音扰民。",
    "经核实，{CN_PERSON_NAME}女士的银行卡号{CN_BANK_CARD}已冻结，订单号{neg:order}金额{neg:amount}元。",
    "企业统一社会信用代码{CN_USCC}，组织机构代码{CN_ORG_CODE}，所在地行政区划代码{neg:adcode}。",
    "当事人{CN_PERSON_NAME}持护照{CN_PASSPORT}于{neg:date}入境，登记邮箱{EMAIL_ADDRESS}。",
    "车主{CN_PERSON_NAME}，车牌号{CN_LICENSE_PLATE}，违章时间{neg:date}，罚款{neg:amount}元",
    "登录IP：{IP_ADDRESS}，操作时间{neg:date}，工单号GD{neg:order}",
    "往来港澳通行证{CN_HK_MACAU_PERMIT}，申请人{CN_PERSON_NAME}，现住{CN_ADDRESS}",
    "身份证号{neg:bad_id}校验不通过，请{CN_PERSON_NAME}先生重新提交（电话{CN_MOBILE_PHONE}）",
    "卡号{neg:bad_card}无效，订单{neg:order}已退款{neg:amount}元。",
    "区划代码{neg:adcode}，统计日期{neg:date}，合计金额{neg:amount}元。",
    "投诉人{CN_PERSON_NAME}（身份证{CN_RESIDENT_ID}）称于{neg:date}在{CN_ADDRESS}被收取费用{neg:amount}元",
    "户主{CN_PERSON_NAME}，男，家庭住址{CN_ADDRESS}，老身份证号{CN_RESIDENT_ID_15}",
    "请将材料寄至{CN_ADDRESS}，收件人{CN_PERSON_NAME}，电话{CN_LANDLINE}或{CN_MOBILE_PHONE}",
    "来访人员{CN_PERSON_NAME}，证件号码{CN_RESIDENT_ID}，车辆{CN_LICENSE_PLATE}",
    "邮件发送至{EMAIL_ADDRESS}，抄送{EMAIL_ADDRESS}，服务器{IP_ADDRESS}",
    "本次共办理业务{neg:amount}笔，涉及区划{neg:adcode}，办结日期{neg:date}",
    "经办：{CN_PERSON_NAME}；复核：{CN_PERSON_NAME}",  # no role word: the hard case for names
    "{CN_PERSON_NAME}，女，{neg:date}出生，身份证号码{CN_RESIDENT_ID}，户籍地{CN_ADDRESS}",
    "转账至{CN_BANK_CARD}，流水号{neg:order}，金额{neg:amount}",
    "无",
    "情况属实，已按规定办理。",
]


def fill(gen: Gen, template: str):
    """(text, spans) with spans = [(start, end, type)] of the labelled PII."""
    import re

    out, spans, cursor = [], [], 0
    length = 0
    for match in re.finditer(r"\{([^}]+)\}", template):
        literal = template[cursor:match.start()]
        out.append(literal)
        length += len(literal)
        slot = match.group(1)
        if slot.startswith("neg:"):
            kind = slot[4:]
            value = {
                "order": gen.order_number, "adcode": gen.adcode, "amount": gen.amount, "date": gen.date,
                "bad_id": lambda: gen.resident_id(valid=False), "bad_card": lambda: gen.bank_card(valid=False),
            }[kind]()
        else:
            entity = "CN_RESIDENT_ID" if slot == "CN_RESIDENT_ID_15" else slot
            value = {
                "CN_PERSON_NAME": gen.name, "CN_RESIDENT_ID": gen.resident_id, "CN_RESIDENT_ID_15": gen.old_id,
                "CN_MOBILE_PHONE": gen.mobile, "CN_LANDLINE": gen.landline, "CN_ADDRESS": gen.address,
                "CN_BANK_CARD": gen.bank_card, "CN_USCC": gen.uscc, "CN_ORG_CODE": gen.org_code,
                "CN_PASSPORT": gen.passport, "EMAIL_ADDRESS": gen.email, "CN_LICENSE_PLATE": gen.plate,
                "IP_ADDRESS": gen.ip, "CN_HK_MACAU_PERMIT": gen.permit,
            }[slot]()
            spans.append((length, length + len(value), entity))
        out.append(value)
        length += len(value)
        cursor = match.end()
    out.append(template[cursor:])
    return "".join(out), spans


def free_text_cells(gen: Gen, count: int):
    for i in range(count):
        template = TEMPLATES[i % len(TEMPLATES)] if i < len(TEMPLATES) else gen.r.choice(TEMPLATES)
        text, spans = fill(gen, template)
        yield {"text": text, "spans": spans}


TABLE_COLUMNS = [
    ("序号", None), ("姓名", "CN_PERSON_NAME"), ("性别", None), ("身份证号", "CN_RESIDENT_ID"),
    ("出生日期", None), ("联系电话", "CN_MOBILE_PHONE"), ("固定电话", "CN_LANDLINE"),
    ("电子邮箱", "EMAIL_ADDRESS"), ("住址", "CN_ADDRESS"), ("行政区划代码", None),
    ("银行卡号", "CN_BANK_CARD"), ("单位统一社会信用代码", "CN_USCC"), ("车牌号", "CN_LICENSE_PLATE"),
    ("护照号", "CN_PASSPORT"), ("登录IP", "IP_ADDRESS"), ("订单号", None), ("金额", None),
    ("办理日期", None), ("备注", "free_text"),
]


def table_rows(gen: Gen, rows: int):
    r = gen.r
    remark_templates = TEMPLATES
    for i in range(rows):
        pid = gen.resident_id()
        birth = f"{pid[6:10]}-{pid[10:12]}-{pid[12:14]}"
        remark = fill(gen, r.choice(remark_templates))[0] if r.random() < 0.5 else r.choice(["无", "", "已办结", "材料齐全，准予办理"])
        yield [
            str(i + 1), gen.name(), "男" if int(pid[16]) % 2 else "女", pid, birth, gen.mobile(), gen.landline(),
            gen.email(), gen.address(), gen.adcode(), gen.bank_card(), gen.uscc(), gen.plate(), gen.passport(),
            gen.ip(), gen.order_number(), gen.amount(), gen.date(), remark,
        ]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--cells", type=int, default=3_000)
    parser.add_argument("--out", default=str(HERE / "data"))
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    gen = Gen(SEED)
    with open(out / "free_text.jsonl", "w", encoding="utf-8") as handle:
        for cell in free_text_cells(gen, args.cells):
            handle.write(json.dumps(cell, ensure_ascii=False) + "\n")
    header = [c for c, _ in TABLE_COLUMNS]
    with open(out / "table.csv", "w", encoding="utf-8", newline="") as utf8, \
            open(out / "table_gbk.csv", "w", encoding="gbk", newline="") as gbk:
        w_utf8, w_gbk = csv.writer(utf8, lineterminator="\n"), csv.writer(gbk, lineterminator="\n")
        w_utf8.writerow(header)
        w_gbk.writerow(header)
        for i, row in enumerate(table_rows(gen, args.rows)):
            w_utf8.writerow(row)
            if i < 20_000:
                w_gbk.writerow(row)
    with open(out / "table_columns.json", "w", encoding="utf-8") as handle:
        json.dump(dict(TABLE_COLUMNS), handle, ensure_ascii=False, indent=1)
    print(f"wrote {args.cells} free-text cells and {args.rows} table rows to {out}")


if __name__ == "__main__":
    main()
