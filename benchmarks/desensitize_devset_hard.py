"""Hard development cases for issue #13 (second development set, written 2026-12-06):
the genres where the first development set (``desensitize_devset.py``) was already
solved but text written by others still leaks. Hand-written from the genres, not from
the recognizers' patterns and NOT from the frozen outsider set (whose cells were not
read): 信访 and 网格 notes, 村务公开 lists, clinic notes, contracts (甲方/乙方),
bilingual and English-labelled lines (also pinyin names and JSON-ish log lines),
names alone in a cell (also with a space inside), lists without any role word,
landlines as one run of digits (also with +86 / 0086 and a split local number),
passports and permits of every format with and without context, rural addresses down
to 组/号 and urban ones down to 号楼/单元/室, and hard negatives (short clean cells that
are words, products, places, versions, codes).

Values come from ``desensitize_devset.Values`` plus names of Faker's zh_TW locale,
minority names with ``·`` and pinyin names.

Usage: python benchmarks/desensitize_devset_hard.py [--cells 2000] [--out benchmarks/data]
writes ``devset_hard.jsonl`` (same format as devset.jsonl); ``python
benchmarks/desensitize_dev.py --set hard`` scores it.
"""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import desensitize_devset as base  # noqa: E402

SEED = 1313

MINORITY = ["阿依古丽·买买提", "热合曼·阿不都", "古丽娜尔·吐尔逊", "艾力·买买提", "努尔·艾合买提", "巴特尔·朝鲁",
            "扎西·多吉", "阿迪力·吾守尔"]
PINYIN_SURNAMES = ["Zhang", "Wang", "Li", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou", "Xu", "Sun", "Ma",
                   "Zhu", "Hu", "Guo", "He", "Lin", "Luo", "Zheng", "Liang", "Xie", "Song", "Tang", "Han", "Feng",
                   "Deng", "Cao", "Peng", "Zeng", "Xiao", "Tian", "Dong", "Pan", "Yuan", "Jiang", "Cai", "Du", "Ye",
                   "Cheng", "Su", "Wei", "Lv", "Ding", "Ren", "Shen", "Yao", "Lu", "Cui", "Zhong", "Tan", "Fan",
                   "Ouyang", "Sima", "Zhuge", "Shangguan"]
PINYIN_GIVEN = ["Wei", "Fang", "Na", "Xiuying", "Min", "Jing", "Li", "Qiang", "Lei", "Jun", "Yang", "Yong", "Yan",
                "Jie", "Juan", "Tao", "Ming", "Chao", "Xiuzhen", "Xiaoming", "Haiyan", "Jianhua", "Zihan",
                "Yuxuan", "Haoran", "Xinyi", "Guoqiang", "Lihua", "Shuang", "Dongmei"]

# characters of modern given names that old newspaper corpora barely knew (hand-picked)
RARE_GIVEN = ("祎玥珺瑾琰璟翊昀晗晞钰铎骞骁骐翀珩玙琮瑄瑀琇琦璇璐曦煜炜烨熠焱灏澍淼沅汐泠洵浔淇潇澜濛珈珂"
              "琬瑶瑗蕙蘅芷茗荞莜菡萱蓁婧嫣妤姝娅婕婵媛岚峥嵘崧彧昶晟暄曜桐棠楠槿樾栩桉骅骏赟翱羿弈奕皓睿诩铮锴")
RARE_SURNAMES = "酆韶巢蒯竺桓郦璩濮扈郗宓蓟訾殳夔厍乜邴糜"
# short cells and phrases that are not names although they start with a surname character
CLEAN_SHORT = ["高速", "已办结", "同意", "王府井", "黄山", "合格", "安全", "无", "男", "汉族", "党员", "李宁",
               "金额", "张贴", "方案", "任务", "程序", "文化", "明天", "马上", "龙头", "白云", "江山", "高新区",
               "万达广场", "华为", "常住", "周末", "宋体", "钱塘", "许可", "安全员", "高压", "黄金周", "严重",
               "孔雀", "石油", "卫生", "卫生间", "金属", "毛毯", "雷雨", "杨树", "丘陵", "林地", "易燃", "伍佰元",
               "段落", "章程", "车间", "成本", "苗圃", "谷雨", "曲靖", "和平", "向阳", "于洪", "罗盘", "管网",
               "农田", "牛奶", "齐全", "顾问", "丰收", "应急", "沙石", "柏油", "秦岭", "江苏", "范本", "陈列",
               "余额", "叶片", "苏打", "魏碑", "包装", "宁静", "简报", "支出", "计划", "卓越", "全程", "时间",
               "邓小平理论", "毛泽东思想", "马克思主义", "朱鹮保护区", "胡杨林", "关羽庙", "孔子学院"]
NEG = base.NEGATIVE_PHRASES + ["黄河路桥", "高家庄村委会", "王家湾大桥", "李庄镇政府", "杨浦区", "陈家祠",
                               "周庄古镇", "张江高科", "宋庆龄故居", "孙中山纪念馆"]

TEMPLATES = {
    "xinfang": [
        "信访人{N}反映其承包地被{NEG}占用，要求给予补偿，联系电话{LN}。",
        "来访群众{N}、{N}等3人到{NEG}反映拖欠工资问题。",
        "上访人{N}（{A}）称，{DATE}其房屋被强拆。",
        "经与{N}本人沟通，其对处理意见表示认可。",
        "{N}等人反映的问题已转{NEG}办理。",
        "来信人：{N}；来信日期：{DATE}；信访事项：征地补偿。",
        "接访领导：{N}；接访人员：{N}、{N}。",
        "已电话告知{N}，处理结果为不予受理，回访电话{LN}。",
    ],
    "grid": [
        "网格员{N}走访独居老人{N}（{A}），身体状况良好。",
        "楼栋长{N}报告：{A}住户{N}家中漏水。",
        "{N}户，3人，低保边缘户，联系电话{M}。",
        "帮扶责任人：{N}；帮扶对象：{N}；住址：{A}。",
        "包村干部{N}、驻村第一书记{N}到户核实。",
        "走访对象 {N} 男 72岁 {A}",
    ],
    "village": [
        "低保户名单：{N}（3人）、{N}（2人）、{N}（1人）。",
        "{N} 1200元；{N} 800元；{N} 600元",
        "补助对象：{N}，补助金额{AMT}元。",
        "一组 {N} 二组 {N} 三组 {N}",
        "经村民代表大会评议，{N}、{N}、{N}等户符合条件，现予公示。",
        "五保户{N}，地址{A}。",
        "{N}户 耕地面积3.5亩 补贴{AMT}元",
        "序号 1 {N} 男 65 {A}",
    ],
    "clinic": [
        "患者{N}，男，45岁，主诉头痛三天。",
        "就诊人：{N}；陪同人：{N}（其女）；联系电话：{L}",
        "主治医师：{N}；护士：{N}",
        "{N}，女，32岁，门诊号{WO}，诊断：上呼吸道感染。",
        "{N}大夫建议住院观察，家属{N}签字同意。",
    ],
    "contract": [
        "甲方：{N}，身份证号：{ID}；乙方：{N}，联系电话：{LN}。",
        "出租方（甲方）：{N}  承租方（乙方）：{N}",
        "转让人{N}将位于{A}的房屋转让给受让人{N}。",
        "债权人{N}与债务人{N}签订借款合同，借款金额{AMT}元。",
        "经手人：{N}  领款人：{N}  日期：{DATE}",
        "制表人：{N} 审核：{N} 批准：{N}",
    ],
    "english": [
        "Name: {PY}  Tel: {LN}",
        "Contact person - {N}, phone {L}",
        "Applicant Name: {N}; Passport No.: {P}",
        "Full name：{N}",
        "Customer: {N} / Mobile: {M}",
        "Emergency contact: {N} ({M})",
        '{"name": "{N}", "phone": "{M}", "ver": "{VER}"}',
        "name='{N}' action=login ip={IP}",
        "Received by {N} on {DATE}",
        "Mr. {N} called about the permit, tel {LN}.",
        "Guest: {PY}, Room 1203",
        "Prepared by: {N}   Checked by: {N}",
    ],
    "alone2": ["{N}", "{N} ", "{N}（本人）", "{N}、{N}", "{N}，{N}", "{N} {N}", "{N}/{N}", "{MIN}",
               "{NS}", "  {N}  ", "{N}(户主)"],
    "lists": [
        "出席：{N}、{N}、{N}",
        "{N}、{N}、{N}同志",
        "{N}、{N}二人系邻居关系。",
        "参加人员：{N} {N} {N} {N}",
        "{N}和{N}于{DATE}登记结婚。",
        "{N}与其妻{N}共同经营{NEG}。",
        "{N}的丈夫{N}在外务工。",
        "{N}夫妇及其子{N}",
    ],
    "minority": [
        "当事人{MIN}，维吾尔族，住{A}。",
        "申请人：{MIN}，联系电话{M}",
        "患者{MIN}，女，28岁。",
    ],
    "landline": [
        "联系电话：{LN}",
        "{LN}",
        "办公电话{LN}，传真{LN}。",
        "座机{LN}（工作日）",
        "咨询热线{L8}，监督电话{LN}",
        "电话 +86{LI}",
        "Tel: 0086-{LI}",
        "值班电话{LS}",
        "如有疑问请拨打{LN}或{M}。",
    ],
    "passport": [
        "护照号{P}",
        "{P}",
        "证件号码：{P}，国籍：中国",
        "持外交护照{PD}入境。",
        "公务护照号码{PD}",
        "持往来港澳通行证{CP}",
        "回乡证{HM}",
        "台胞证号码{TW}",
        "持台湾居民来往大陆通行证（{TW}）",
        "赴台通行证{L8T}",
        "大陆居民往来台湾通行证号码：{L8T}",
        "港澳居民居住证{HKR}",
    ],
    "address": [
        "住{A}",
        "家住{AR}",
        "现住址：{AR}",
        "地址：{AU}",
        "{AU}",
        "送货地址 {AU}",
        "户籍地{AR}，现居{AU}",
        "住{AH}",
        "{AH}",
        "家住{AH}，电话{M}",
        "地址：{AH}",
        "现住址{AH}。",
        "被告{N}，住{AH}。",
    ],
    "clean2": ["{CLEAN}", "{CLEAN}", "{CLEAN}", "{NEG}", "系统版本{VER}", "V{VER}", "{VER}", "订单号：{ORD}",
               "工单号{WO}", "{AMT}元", "{DATE}", "区划代码{ADC}", "{NEG}、{NEG}", "{CLEAN}、{CLEAN}",
               "批次{ORD}，版本{VER}，金额{AMT}", "已通知{NEG}整改。", "客服热线12345", "服务电话400-820-8820",
               "{CLEAN}（已核实）", "共计{AMT}元，含税。"],
}
WEIGHTS = {"xinfang": 10, "grid": 8, "village": 10, "clinic": 6, "contract": 8, "english": 10, "alone2": 10,
           "lists": 10, "minority": 3, "landline": 9, "passport": 8, "address": 14, "clean2": 16}

SLOT = re.compile(r"\{(N|NS|MIN|PY|M|L|LN|L8|LI|LS|ID|P|PD|CP|HM|TW|L8T|HKR|A|AR|AU|AH|E|IP|VER|ORD|AMT|DATE|ADC|WO|NEG|CLEAN)\}")
TYPES = {"N": "CN_PERSON_NAME", "NS": "CN_PERSON_NAME", "MIN": "CN_PERSON_NAME", "PY": "CN_PERSON_NAME",
         "M": "CN_MOBILE_PHONE", "L": "CN_LANDLINE", "LN": "CN_LANDLINE", "L8": "CN_LANDLINE", "LI": "CN_LANDLINE",
         "LS": "CN_LANDLINE", "ID": "CN_RESIDENT_ID", "P": "CN_PASSPORT", "PD": "CN_PASSPORT",
         "CP": "CN_HK_MACAU_PERMIT", "HM": "CN_HK_MACAU_PERMIT", "TW": "CN_HK_MACAU_PERMIT",
         "L8T": "CN_HK_MACAU_PERMIT", "HKR": "CN_RESIDENT_ID", "A": "CN_ADDRESS", "AR": "CN_ADDRESS",
         "AU": "CN_ADDRESS", "AH": "CN_ADDRESS", "E": "EMAIL_ADDRESS", "IP": "IP_ADDRESS"}


class Hard(base.Values):
    def __init__(self, seed):
        super().__init__(seed)
        from faker import Faker

        self.tw = Faker("zh_TW")
        self.tw.seed_instance(seed)

    def name(self):
        r = self.r
        roll = r.random()
        if roll < 0.2:
            return self.tw.name()
        if roll < 0.45:  # modern given names of rare characters, some rare surnames
            surname = r.choice(RARE_SURNAMES) if r.random() < 0.2 else r.choice(self.surnames)
            return surname + "".join(r.choice(RARE_GIVEN) for _ in range(r.choice((1, 2, 2))))
        return super().name()

    def spaced_name(self):
        while True:
            name = self.name()
            if len(name) == 2:
                return name[0] + " " + name[1]
            if len(name) == 3 and self.r.random() < 0.3:
                return name[0] + " " + name[1:]

    def pinyin(self):
        r = self.r
        surname, given = r.choice(PINYIN_SURNAMES), r.choice(PINYIN_GIVEN)
        return r.choice([f"{surname} {given}", f"{surname.upper()} {given}", f"{given} {surname}"])

    def hard_address(self):
        """(text, offset of the part that must go): shapes the first set lacks."""
        r = self.r
        province, city, county, _ = r.choice(self.counties)
        prefix = province + (city if city != province else "") + county
        n = lambda a, b: str(r.randint(a, b))  # noqa: E731
        cn = lambda: r.choice("一二三四五六七八九") # noqa: E731
        town, village = r.choice(base.TOWNS), r.choice(base.VILLAGES)
        estate = r.choice(base.ESTATES + ["书香苑", "金色港湾", "阳光城", "万科城", "碧桂园", "世纪华庭", "御景湾"])
        road = r.choice(base.ROADS)
        tails = [
            town + village.replace("社区", "村") + "村委会" + n(1, 12) + "组",
            town + village + "第" + cn() + "村民小组" + n(1, 80) + "号",
            town + village + r.choice(["王家湾", "李家沟", "张家坪", "石板"]) + "组" + n(1, 60) + "号",
            town + village + "第" + n(1, 9) + "组",
            village + n(1, 15) + "组" + n(1, 99) + "号",
            town + village + r.choice(["前屯", "后屯", "东屯"]) + n(1, 50) + "号",
            estate + n(1, 30) + "栋" + n(1, 6) + "单元" + n(1, 30) + f"{r.randint(1, 4):02d}",
            estate + n(1, 20) + "-" + n(1, 6) + "-" + n(1, 30) + f"{r.randint(1, 4):02d}",
            road + n(1, 300) + "号" + n(1, 20) + "-" + n(1, 6) + "-" + n(1, 30) + f"{r.randint(1, 4):02d}",
            road + n(1, 300) + "号附" + n(1, 9) + "号",
            road + n(1, 300) + "弄" + n(1, 40) + "号" + n(1, 30) + f"{r.randint(1, 4):02d}室",
            r.choice(["国贸大厦", "金融中心", "时代广场", "世贸大厦"]) + r.choice("ABCD") + "座" + n(5, 40)
            + f"{r.randint(1, 20):02d}室",
            r.choice(["国贸大厦", "时代广场"]) + n(5, 40) + "楼" + n(5, 40) + f"{r.randint(1, 20):02d}",
            road + n(1, 300) + "号" + estate + n(1, 30) + "号楼" + n(1, 6) + "单元" + n(2, 30) + "层" + n(1, 4) + "号",
            "城关镇" + road + n(1, 300) + "号院" + n(1, 9) + "排" + n(1, 9) + "号",
        ]
        return prefix + r.choice(tails), len(prefix)

    def digits(self, n):
        return "".join(self.r.choice("0123456789") for _ in range(n))

    def landline_parts(self):
        bare = self.landline("none")
        area = bare[:3] if bare[:3] in ("010",) or bare[1] == "2" else bare[:4]
        return area, bare[len(area):]

    def value(self, slot):
        r = self.r
        if slot == "N":
            return self.name()
        if slot == "NS":
            return self.spaced_name()
        if slot == "MIN":
            return r.choice(MINORITY)
        if slot == "PY":
            return self.pinyin()
        if slot == "L8":  # a local number written with its area code in brackets
            area, local = self.landline_parts()
            return f"（{area}）{local}"
        if slot == "LI":  # international form without the trunk 0
            area, local = self.landline_parts()
            return r.choice([f"{area[1:]}{local}", f"{area[1:]}-{local}", f" {area[1:]} {local}".strip()])
        if slot == "LS":  # local number split in two
            area, local = self.landline_parts()
            cut = len(local) // 2
            return r.choice([f"{area}-{local[:cut]}-{local[cut:]}", f"{area} {local[:cut]} {local[cut:]}"])
        if slot == "PD":
            return r.choice(["DE", "SE", "PE"]) + self.digits(7)
        if slot == "CP":
            return r.choice(["C" + self.digits(8), "C" + r.choice("ABCDEFGHJKLMNPQRSTUVWXYZ") + self.digits(7)])
        if slot == "HM":
            return r.choice("HM") + self.digits(r.choice((8, 10)))
        if slot == "TW":
            return self.digits(8)
        if slot == "L8T":
            return "L" + self.digits(8)
        if slot == "HKR":  # 港澳台居民居住证: an 18-digit number with 810000/820000/830000
            return None
        if slot == "AR":
            while True:
                text, start = self.address()
                if "村" in text or "社区" in text:
                    return text, start
        if slot == "AU":
            while True:
                text, start = self.address()
                if "村" not in text and "社区" not in text:
                    return text, start
        if slot == "AH":
            return self.hard_address()
        if slot == "CLEAN":
            return r.choice(CLEAN_SHORT)
        if slot == "NEG":
            return r.choice(NEG)
        return None


def fill(template: str, v: Hard) -> dict:
    out, spans, length, pos = [], [], 0, 0
    for match in SLOT.finditer(template):
        literal = template[pos:match.start()]
        out.append(literal)
        length += len(literal)
        slot = match.group(1)
        start_offset = 0
        value = v.value(slot)
        if slot == "HKR":
            value = resident_permit(v)
        if isinstance(value, tuple):
            value, start_offset = value
        if value is None:
            value = base.fill("{" + slot + "}", v)["text"]
            if slot == "A":
                value, start_offset = v.address()
        if slot in TYPES:
            spans.append([length + start_offset, length + len(value), TYPES[slot]])
        out.append(value)
        length += len(value)
        pos = match.end()
    out.append(template[pos:])
    return {"text": "".join(out), "spans": spans}


def resident_permit(v: Hard) -> str:
    """港澳台居民居住证 number: 810000 (HK) / 820000 (Macau) / 830000 (Taiwan) + birth
    date + sequence + MOD 11-2 check, like a resident identity number."""
    body = v.r.choice(["810000", "820000", "830000"]) + f"{v.r.randint(1950, 2005)}{v.r.randint(1, 12):02d}" \
        f"{v.r.randint(1, 28):02d}" + v.digits(3)
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    check = "10X98765432"[sum(int(c) * w for c, w in zip(body, weights)) % 11]
    return body + check


def generate(cells: int, seed: int = SEED) -> list:
    return base.generate(cells, values=Hard(seed), templates=TEMPLATES, weights=WEIGHTS, filler=fill)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cells", type=int, default=2000)
    parser.add_argument("--out", default=str(HERE / "data"))
    args = parser.parse_args(argv)
    path = Path(args.out) / "devset_hard.jsonl"
    base.write_cells(path, generate(args.cells))
    print(f"wrote {path} ({args.cells} cells)")


if __name__ == "__main__":
    main()
