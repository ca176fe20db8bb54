"""Development set for tuning desensitize on prose (issue #13), written apart from
``desensitize_data.py``: other sentences, another name/identifier generator.

This is the set the recognizers are TUNED on. It is not the frozen outsider
evaluation set (built by someone else, without reading this code, see the README);
figures on this set are development figures only.

* Sentences: hand-written in the genres the issue names: 12345 hotline work orders,
  行政处罚决定书, court judgments, delivery records, household registers, audit-log
  lines, border-entry notes, bilingual contact lines, meeting lists, mixed cells that
  are only a name. Hard negatives in every genre: four-part version numbers, order and
  work-order numbers (some 16–19 digits passing Luhn), amounts, dates, 行政区划代码,
  place and product names holding surname characters (高新区, 张家界, 王老吉, 高速…).
* Values: names from Faker's zh_CN surnames plus compound surnames and given names
  drawn from a character pool of this file (one and two characters); identity numbers
  from Faker's ``ssn``; landlines from a table of real area codes, written with or
  without separators; passports in every current format; rural and urban addresses.

Gold spans: (start, end, type). For an address the gold span is the part that must
go (from the street / town / village on, with every number after it); the province /
city / district prefix may stay (the ``generalize: district`` operator keeps it).

Usage: python benchmarks/desensitize_devset.py [--cells 3000] [--out benchmarks/data]
writes ``devset.jsonl`` (one cell a line: text, spans, genre) and ``devset_table.csv``
(plain columns that must not change: 订单号 with Luhn-valid numbers, 版本, 金额,
行政区划代码, 工单号).
"""
from __future__ import annotations

import argparse
import csv
import json
import random
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SEED = 13013

COMPOUND = ["欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "夏侯",
            "令狐", "宇文", "司徒", "端木", "南宫", "呼延", "轩辕", "澹台", "申屠", "万俟", "闻人"]
# given-name characters (a pool of this file, not the old benchmark's)
GIVEN_CHARS = ("子梓浩宇轩涵欣怡雨晨一诺依然佳俊杰晓东秀英建华丽萍文斌海燕红霞志强玉兰淑芬桂兰德胜"
               "凤琴春生国庆永刚小龙婷婷思彤若曦嘉懿沐辰锦程天佑博涛少华冬梅雪松秋菊美玲振宇瑞")
ROLE_NAME_TEMPLATES = None  # see TEMPLATES below

# area codes (a sample of the real table: 3- and 4-digit codes)
AREA_CODES = ["010", "020", "021", "022", "023", "024", "025", "027", "028", "029",
              "0311", "0351", "0371", "0411", "0431", "0451", "0471", "0511", "0512", "0531",
              "0551", "0571", "0574", "0591", "0592", "0731", "0755", "0769", "0771", "0791",
              "0816", "0851", "0871", "0891", "0898", "0931", "0951", "0971", "0991", "0535"]

TOWNS = ["芦溪镇", "新桥镇", "石门乡", "城关街道", "柳河镇", "双龙乡", "高坪镇", "青山街道", "白马镇", "永兴乡"]
VILLAGES = ["柏林村", "红星村", "新建村", "桃园村", "三合社区", "长岭村", "团结村", "金竹村", "和平社区", "大湾村"]
ROADS = ["朝阳路", "滨河东路", "学府大道", "康宁街", "迎宾大道", "新民巷", "光华大道", "青年路", "东环路", "荷花池街"]
ESTATES = ["阳光花园", "锦绣家园", "书香苑", "金色港湾", "翠湖小区"]

# hard negatives: text holding surname characters that is not a name
NEGATIVE_PHRASES = [
    "高新区管委会", "张家界市文旅局", "王老吉凉茶", "高速公路收费站", "黄山风景区", "马鞍山市", "石家庄市",
    "周口市", "金华火腿", "常州市政府", "白云机场", "王府井大街", "李宁运动鞋", "方案评审", "任务分解",
    "文化馆", "明天上午", "林业局", "程序规定", "严格执行", "向社会公开", "于是决定", "高铁站", "华为手机",
    "东方明珠", "江山市", "杨柳青年画", "高峰时段", "万一出现", "宋体字", "钱塘江", "史料记载",
    "许可证", "常住人口", "段落", "鲁菜馆", "安全生产", "贺岁片", "毛巾厂", "孔雀东南飞", "马上办理",
    "龙头企业", "金融服务", "张贴公告", "东方红广场", "司法所", "诸葛镇卫生院",
]


def luhn_complete(prefix: str) -> str:
    digits = [int(c) for c in prefix + "0"]
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2:
            d *= 2
            d -= 9 if d > 9 else 0
        total += d
    return prefix + str((10 - total % 10) % 10)


class Values:
    def __init__(self, seed: int):
        from faker import Faker

        self.r = random.Random(seed)
        self.f = Faker("zh_CN")
        self.f.seed_instance(seed)
        import faker.providers.person.zh_CN as zh

        self.surnames = [s for s in zh.Provider.last_names if len(s) == 1]
        sys.path.insert(0, str(HERE.parent / "desensitize"))
        import csv as _csv
        from importlib import resources

        text = resources.files("desensitize").joinpath("data/admin_divisions.csv").read_text(encoding="utf-8")
        rows = [l.split(",") for l in text.splitlines() if l and not l.startswith(("#", "adcode"))]
        by_code = {c: n for c, n in rows}
        self.counties = []
        for code, name in rows:
            if code.endswith("00") or name in ("市辖区", "县"):
                continue
            city = by_code.get(code[:4] + "00", "")
            if city in ("市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"):
                city = ""
            self.counties.append((by_code.get(code[:2] + "0000", ""), city, name, code))

    def name(self) -> str:
        r = self.r
        surname = r.choice(COMPOUND) if r.random() < 0.12 else r.choice(self.surnames)
        if r.random() < 0.5:
            given = self.f.first_name()
        else:
            given = "".join(r.choice(GIVEN_CHARS) for _ in range(r.choice((1, 2, 2))))
        return surname + given

    def mobile(self) -> str:
        r = self.r
        number = r.choice(["139", "138", "186", "152", "177", "199", "135", "187", "158", "166"]) + "".join(
            r.choice("0123456789") for _ in range(8))
        return r.choice([number, number, f"{number[:3]}-{number[3:7]}-{number[7:]}", f"{number[:3]} {number[3:7]} {number[7:]}"])

    def landline(self, style: str = None) -> str:
        r = self.r
        import phonenumbers

        while True:  # a number Google's libphonenumber table calls a valid fixed line
            area = r.choice(AREA_CODES)
            local = str(r.randint(2, 8)) + "".join(r.choice("0123456789") for _ in range(7 if len(area) == 3 else r.choice((6, 7))))
            if phonenumbers.is_valid_number(phonenumbers.parse(area + local, "CN")):
                break
        style = style or r.choice(["none", "none", "dash", "paren", "space"])
        return {"none": area + local, "dash": f"{area}-{local}", "paren": f"({area}){local}",
                "space": f"{area} {local}"}[style]

    def resident_id(self) -> str:
        return self.f.ssn()

    def passport(self) -> str:
        r = self.r
        d = lambda n: "".join(r.choice("0123456789") for _ in range(n))  # noqa: E731
        kind = r.choice(["E8", "EL7", "G8", "G7", "P7", "S7", "D7", "S8", "D8"])
        if kind == "E8":
            return "E" + d(8)
        if kind == "EL7":
            return "E" + r.choice("ABCDEFGHJKLMNPQRSTUVWXYZ") + d(7)
        return kind[0] + d(int(kind[1]))

    def permit(self) -> tuple:
        r = self.r
        d = lambda n: "".join(r.choice("0123456789") for _ in range(n))  # noqa: E731
        kind = r.choice(["C8", "CL7", "H8", "M8", "H10", "T8", "L8"])
        if kind == "CL7":
            return "往来港澳通行证", "C" + r.choice("ABCDEFGHJKLMNPQRSTUVWXYZ") + d(7)
        if kind in ("T8",):
            return "台湾居民来往大陆通行证", d(8)
        if kind == "L8":
            return "大陆居民往来台湾通行证", "L" + d(8)
        if kind[0] == "C":
            return "往来港澳通行证", "C" + d(8)
        return "港澳居民来往内地通行证", kind[0] + d(int(kind[1:]))

    def address(self) -> tuple:
        """(full text, offset where the part that must go starts)."""
        r = self.r
        province, city, county, _ = r.choice(self.counties)
        prefix = province + (city if city != province else "") + county
        if r.random() < 0.45:  # rural
            tail = r.choice(TOWNS) + r.choice(VILLAGES)
            if r.random() < 0.8:
                tail += f"{r.randint(1, 12)}" + r.choice(["组", "社"])
            if r.random() < 0.7:
                tail += f"{r.randint(1, 99)}号"
        else:
            tail = r.choice(ROADS) + f"{r.randint(1, 999)}号"
            if r.random() < 0.4:
                tail = r.choice(ROADS) + f"{r.randint(1, 500)}号" + r.choice(ESTATES)
            tail += r.choice(["", f"{r.randint(1, 30)}号楼", f"{r.randint(1, 30)}栋", f"{r.randint(1, 9)}幢"])
            tail += r.choice(["", f"{r.randint(1, 6)}单元"])
            tail += r.choice([f"{r.randint(1, 33)}{r.randint(1, 4):02d}室", f"{r.randint(1, 33)}{r.randint(1, 4):02d}房",
                              f"{r.randint(1, 33)}{r.randint(1, 4):02d}", ""])
        return prefix + tail, len(prefix)

    def email(self) -> str:
        return self.f.user_name() + "@" + self.r.choice(["163.com", "qq.com", "foxmail.com", "gov.cn", "hotmail.com"])

    def card(self) -> str:
        r = self.r
        prefix = r.choice(["622202", "621700", "622848", "623058", "625807"]) + "".join(
            r.choice("0123456789") for _ in range(r.choice((9, 12)) - 1 + 0))
        return luhn_complete(prefix)

    # ---- negatives
    def ip(self) -> str:
        return f"{self.r.choice([10, 172, 192, 61, 114])}.{self.r.randint(0, 255)}.{self.r.randint(0, 255)}.{self.r.randint(1, 254)}"

    def version(self) -> str:
        r = self.r
        return f"{r.randint(1, 12)}.{r.randint(0, 30)}.{r.randint(0, 40)}.{r.randint(0, 9999)}"

    def order_number(self) -> str:
        r = self.r
        n = r.choice((16, 17, 18, 19))
        return luhn_complete(r.choice("3456") + "".join(r.choice("0123456789") for _ in range(n - 2)))

    def amount(self) -> str:
        return f"{self.r.randint(1, 99999)}.{self.r.randint(0, 99):02d}"

    def date(self) -> str:
        return f"{self.r.randint(2015, 2026)}年{self.r.randint(1, 12)}月{self.r.randint(1, 28)}日"

    def adcode(self) -> str:
        return self.r.choice(self.counties)[3]

    def work_order(self) -> str:
        return f"GD{self.r.randint(2019, 2026)}{self.r.randint(1, 12):02d}{self.r.randint(1, 28):02d}{self.r.randint(0, 999999):06d}"


# Templates: {N} name, {M} mobile, {L} landline, {LN} landline without separator,
# {ID} identity number, {P} passport, {PERMIT} permit with its name, {A} address,
# {E} e-mail, {C} bank card; negatives {VER} {ORD} {AMT} {DATE} {ADC} {WO} {NEG}.
TEMPLATES = {
    "hotline": [
        "工单编号{WO}，来电人{N}，联系电话{LN}，反映{A}附近施工噪音扰民，要求夜间停工。",
        "市民{N}来电反映：{NEG}附近路灯不亮，诉求人联系方式{M}。",
        "{DATE}，诉求人{N}（电话{L}）称其在{A}租住的房屋漏水，房东拒不维修。",
        "投诉人：{N}；被投诉人：{N}；投诉内容：噪音扰民；处理结果已反馈投诉人。",
        "来电人{N}女士反映所在小区物业费上涨，回访电话{LN}，工单{WO}已办结。",
        "求助人{N}，其子{N}走失，现已联系{NEG}派出所协助寻找。",
        "承办人：{N}；审批人：{N}；办结时间{DATE}；满意度：满意。",
        "转办单位回复：已联系{N}先生，其反映的{NEG}问题已整改完毕。",
        "反映人{N}称其母亲{N}长期独居于{A}，申请纳入特困供养。",
        "{N}来电，要求查询公积金提取进度，身份证号{ID}，联系电话{M}。",
    ],
    "penalty": [
        "当事人：{N}，性别：男，出生日期：1983年7月12日，身份证号码：{ID}，住址：{A}。",
        "当事人{N}于{DATE}在{NEG}从事无证经营，违反了《无证无照经营查处办法》第六条。",
        "法定代表人：{N}，职务：总经理，联系电话：{L}。",
        "委托代理人：{N}、{N}，系当事人员工。",
        "执法人员{N}、{N}出示执法证件后对现场进行了检查，罚款金额{AMT}元。",
        "负责人{N}对违法事实无异议，并于{DATE}缴纳罚款{AMT}元。",
        "被申请人{N}，住所地{A}，联系人{N}，电话{LN}。",
        "申请人{N}与被申请人{N}因土地承包经营权发生纠纷，申请行政裁决。",
    ],
    "judgment": [
        "原告{N}，女，1975年2月3日出生，汉族，住{A}。",
        "被告{N}，男，1968年出生，汉族，农民，住{A}，公民身份号码{ID}。",
        "委托诉讼代理人：{N}，{NEG}律师事务所律师。",
        "审判长 {N}\n审判员 {N}\n书记员 {N}",
        "原告{N}与被告{N}民间借贷纠纷一案，本院于{DATE}立案后依法适用简易程序。",
        "第三人{N}经本院合法传唤未到庭参加诉讼。",
        "上诉人{N}因与被上诉人{N}离婚纠纷一案，不服{NEG}人民法院判决。",
        "法定代理人{N}（系原告之母），住同上。",
        "证人{N}出庭作证称，{DATE}其看见被告驾车驶离现场。",
    ],
    "delivery": [
        "收件人：{N} {M} {A}",
        "寄件人：{N}，电话：{LN}，寄件地址：{A}，订单号{ORD}",
        "快递员{N}已将包裹放至{NEG}驿站，取件码8-3-2217，如有疑问请联系{M}。",
        "签收人：{N}（本人签收），运单号SF{ORD}，金额{AMT}元",
        "收货人 {N} / {M} / {A}",
        "代收人{N}代{N}签收，配送员联系电话{L}。",
    ],
    "register": [
        "户主{N}，配偶{N}，长子{N}，次女{N}，户籍地址{A}。",
        "{N}之子{N}，现年12岁，随母亲{N}共同居住。",
        "与户主关系：妻；姓名：{N}；公民身份号码：{ID}；服务处所：{NEG}",
        "监护人{N}为被监护人{N}的祖父，联系电话{LN}。",
        "申报人{N}为其女儿{N}办理出生登记，出生地{A}。",
        "迁入人员：{N}、{N}、{N}；迁出地：{A}。",
    ],
    "audit": [
        "{DATE} 10:21:33 操作员{N}登录系统，版本V{VER}，终端{IP}",
        "2024-05-17 09:12:08 user={N} action=export rows=1200 client={IP} ver {VER}",
        "审核人：{N}，复核人：{N}，系统版本 {VER}，工单{WO}",
        "录入人{N}修改了{N}的联系电话（原{M}）",
        "管理员{N}将数据包升级至{VER}，行政区划代码{ADC}保持不变。",
    ],
    "border": [
        "旅客{N}持护照{P}于{DATE}经{NEG}口岸出境。",
        "{N}，持{PERMIT}，{DATE}入境，随行人员{N}。",
        "护照号码：{P}；持有人：{N}；签发地：{NEG}",
        "证件类型：普通护照 证件号码：{P} 姓名：{N}",
        "Passport No. {P}, holder {N}, entry {DATE}.",
    ],
    "bilingual": [
        "Name: {N}  Tel: {LN}  Email: {E}",
        "Contact: {N} / Mobile: {M} / Address: {A}",
        "Applicant: {N}; ID No.: {ID}",
        "联系人 Contact Person：{N}，Phone：{L}",
        "Recipient: {N}, {A}, Tel {M}",
        "Attn: {N}, Fax {L}",
    ],
    "list": [
        "参会人员：{N}、{N}、{N}和{N}。",
        "经研究，同意{N}、{N}两名同志为{NEG}评审专家。",
        "{N}与{N}系夫妻关系，共同居住于{A}。",
        "值班人员：{N}，{N}；带班领导：{N}",
        "获奖名单：{N} {N} {N}",
        "{N}、{N}同志：经{NEG}推荐，拟录用为公益性岗位人员。",
    ],
    "title": [
        "请{N}警官于{DATE}前回复。",
        "感谢{N}医生和{N}护士的悉心照料。",
        "{N}主任批示：请{NEG}牵头办理。",
        "{N}老师反映{NEG}周边交通拥堵。",
        "经{N}同志核实，情况属实，金额{AMT}元。",
        "{N}局长、{N}科长参加了会议。",
        "由{N}律师代为办理，联系电话{L}。",
    ],
    "alone": ["{N}", " {N} ", "{N} ", " {N}", "{N}（户主）", "{N}\t"],
    "clean": [
        "系统已升级至{VER}版本，请各单位及时更新。",
        "订单号{ORD}，金额{AMT}元，已于{DATE}退款。",
        "工单{WO}已转{NEG}办理，办结时限{DATE}。",
        "行政区划代码{ADC}，统计口径调整。",
        "{NEG}周边道路于{DATE}起实行交通管制。",
        "客户端版本 {VER}，服务器版本 {VER}。",
        "本月共受理{NEG}相关诉求{AMT}件。",
        "请于{DATE}前将{NEG}材料报送至办公室。",
        "合同编号HT{ORD}，合同金额{AMT}万元。",
        "{NEG}，{NEG}，情况已核实。",
        "固件版本{VER}，批次号{ORD}。",
        "高速公路ETC发票金额{AMT}元，开票日期{DATE}。",
    ],
}
# how often each genre is drawn
WEIGHTS = {"hotline": 14, "penalty": 10, "judgment": 10, "delivery": 8, "register": 8, "audit": 6,
           "border": 6, "bilingual": 7, "list": 8, "title": 7, "alone": 6, "clean": 14}

SLOT = re.compile(r"\{(N|M|L|LN|ID|P|PERMIT|A|E|C|IP|VER|ORD|AMT|DATE|ADC|WO|NEG)\}")
TYPES = {"N": "CN_PERSON_NAME", "M": "CN_MOBILE_PHONE", "L": "CN_LANDLINE", "LN": "CN_LANDLINE",
         "ID": "CN_RESIDENT_ID", "P": "CN_PASSPORT", "A": "CN_ADDRESS", "E": "EMAIL_ADDRESS",
         "C": "CN_BANK_CARD", "IP": "IP_ADDRESS"}


def fill(template: str, v: Values) -> dict:
    out, spans, pos = [], [], 0
    length = 0
    for match in SLOT.finditer(template):
        literal = template[pos:match.start()]
        out.append(literal)
        length += len(literal)
        slot = match.group(1)
        start_offset = 0
        if slot == "N":
            value = v.name()
        elif slot == "M":
            value = v.mobile()
        elif slot == "L":
            value = v.landline()
        elif slot == "LN":
            value = v.landline("none")
        elif slot == "ID":
            value = v.resident_id()
        elif slot == "P":
            value = v.passport()
        elif slot == "PERMIT":
            label, number = v.permit()
            value = label + number
            start_offset = len(label)
        elif slot == "A":
            value, start_offset = v.address()
        elif slot == "E":
            value = v.email()
        elif slot == "C":
            value = v.card()
        elif slot == "IP":
            value = v.ip()
        else:
            value = {"VER": v.version, "ORD": v.order_number, "AMT": v.amount, "DATE": v.date,
                     "ADC": v.adcode, "WO": v.work_order, "NEG": lambda: v.r.choice(NEGATIVE_PHRASES)}[slot]()
        if slot in TYPES or slot == "PERMIT":
            kind = "CN_HK_MACAU_PERMIT" if slot == "PERMIT" else TYPES[slot]
            spans.append([length + start_offset, length + len(value), kind])
        out.append(value)
        length += len(value)
        pos = match.end()
    out.append(template[pos:])
    return {"text": "".join(out), "spans": spans}


def generate(cells: int, seed: int = SEED, values=None, templates=None, weights=None, filler=None) -> list:
    """``cells`` cells drawn genre by genre (the hard set passes its own values,
    templates, weights and filler)."""
    v = values or Values(seed)
    templates, weights, filler = templates or TEMPLATES, weights or WEIGHTS, filler or fill
    genres = [g for g, w in weights.items() for _ in range(w)]
    result = []
    for _ in range(cells):
        genre = v.r.choice(genres)
        cell = filler(v.r.choice(templates[genre]), v)
        cell["genre"] = genre
        result.append(cell)
    return result


def plain_table(rows: int, seed: int = SEED) -> list:
    v = Values(seed + 1)
    return [{"订单号": v.order_number(), "版本": v.version(), "金额": v.amount(), "行政区划代码": v.adcode(),
             "工单号": v.work_order(), "说明": v.r.choice(NEGATIVE_PHRASES)} for _ in range(rows)]


def write_cells(path: Path, cells: list) -> Path:
    """One cell a JSON line; returns the folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as fh:
        for cell in cells:
            fh.write(json.dumps(cell, ensure_ascii=False) + "\n")
    return path.parent


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cells", type=int, default=3000)
    parser.add_argument("--rows", type=int, default=5000, help="rows of the plain-column table")
    parser.add_argument("--out", default=str(HERE / "data"))
    args = parser.parse_args(argv)
    out = write_cells(Path(args.out) / "devset.jsonl", generate(args.cells))
    rows = plain_table(args.rows)
    with open(out / "devset_table.csv", "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {out / 'devset.jsonl'} ({args.cells} cells) and {out / 'devset_table.csv'} ({args.rows} rows)")


if __name__ == "__main__":
    main()
