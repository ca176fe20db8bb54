"""Make the outsider evaluation set for ``desensitize`` (frozen as ``prose-v1``).

Written WITHOUT looking at the detector (``desensitize/desensitize/recognizers``, ``detect.py``,
the default policy) nor at the project's own benchmark generator
(``benchmarks/desensitize_data.py``): values come from ``mimesis`` (zh locale: surnames, given
names, street names, cities) and from hand-written lists below; sentences are hand-written
frames in real Chinese administrative genres.

    python benchmarks/eval/make_prose_eval.py [--out benchmarks/eval/prose-v1] [--seed 20261205]

The output of v1 is committed and FROZEN: do not re-run it into prose-v1 and do not tune the
detector on its cells. A changed generator writes a new folder (prose-v2, ...).

Gold format (``cells.jsonl``, one cell per line)::

    {"id": "c000123", "genre": "hotline", "text": "...",
     "spans": [[start, end, TYPE, {extra}], ...],   # PII, end exclusive, Python str offsets
     "keep":  [[start, end, KIND], ...]}            # non-PII tokens that must survive unchanged

TYPE is one of PERSON, MOBILE, LANDLINE, EMAIL, RESIDENT_ID, BANK_CARD, PASSPORT, USCC, PLATE,
ADDRESS. ``extra``: PERSON ``{"surname": n, "ctx": ...}`` (n leading characters are the
surname, 0 for names without a Han surname); ADDRESS ``{"kind": "urban"|"rural",
"parts": [[s, e, part], ...]}`` with part in road, number, village, group, building, unit,
room; numbers ``{"fmt": ...}``. A cell without spans is a negative: it must come out
byte-identical.
"""
from __future__ import annotations

import argparse
import csv
import hashlib
import json
import random
import re
from pathlib import Path

from mimesis import Address, Person
from mimesis.locales import Locale

HERE = Path(__file__).resolve().parent

# ---------------------------------------------------------------- names
# Common surnames roughly by frequency (hand-written), plus the compound ones.
COMMON_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛"
    "郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰"
    "焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁"
)
COMPOUND_SURNAMES = [
    "欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "慕容", "尉迟", "司徒", "夏侯", "令狐",
    "长孙", "宇文", "公孙", "端木", "独孤", "南宫", "西门", "轩辕", "呼延", "澹台", "闻人",
    "申屠", "钟离", "万俟", "淳于", "太史", "东郭", "左丘", "第五",
]
GIVEN_CHARS = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国志文斌辉鹏飞宇浩然子涵梓轩"
    "欣怡雨萱诗琪佳怡思远俊熙一诺梦瑶晨曦婷婷嘉豪家乐泽宇博文睿智雅静晓东春梅秋菊冬雪海燕"
    "德福永贵金宝长林树森立新卫东红兵跃进向阳亚男丹丹莉莉颖慧琳琳倩蓉蕾薇淑珍凤琴翠兰桂香"
)
MINORITY_NAMES = [  # no Han surname: every character identifies
    "扎西多吉", "次仁卓玛", "格桑拉姆", "旦增尼玛", "阿卜杜拉·买买提", "古丽娜尔·吐尔逊",
    "热依拉·艾力", "努尔兰·哈力克", "巴特尔", "乌云其木格", "阿依古丽", "木合塔尔·阿不都",
]
PINYIN_SURNAMES = {"王": "WANG", "李": "LI", "张": "ZHANG", "刘": "LIU", "陈": "CHEN", "杨": "YANG",
                   "黄": "HUANG", "赵": "ZHAO", "吴": "WU", "周": "ZHOU", "徐": "XU", "孙": "SUN",
                   "马": "MA", "朱": "ZHU", "胡": "HU", "郭": "GUO", "何": "HE", "林": "LIN",
                   "欧阳": "OUYANG", "司马": "SIMA", "诸葛": "ZHUGE", "上官": "SHANGGUAN"}
PINYIN_GIVEN = ["Wei", "Fang", "Na", "Min", "Jing", "Xiaoming", "Jianguo", "Yuting", "Haoran",
                "Zihan", "Lei", "Qiang", "Xiuying", "Junjie", "Mengyao", "Chen", "Yifan", "Shu"]

TITLES = ["先生", "女士", "同志", "老师", "医生", "警官", "律师", "阿姨", "师傅", "主任", "经理", "大爷"]

# ---------------------------------------------------------------- places
URBAN = [  # province, city, district (real)
    ("北京市", "", "朝阳区"), ("北京市", "", "海淀区"), ("北京市", "", "丰台区"), ("上海市", "", "浦东新区"),
    ("上海市", "", "徐汇区"), ("天津市", "", "南开区"), ("重庆市", "", "渝中区"), ("重庆市", "", "沙坪坝区"),
    ("重庆市", "", "九龙坡区"), ("广东省", "广州市", "天河区"), ("广东省", "深圳市", "南山区"),
    ("浙江省", "杭州市", "西湖区"), ("江苏省", "南京市", "鼓楼区"), ("四川省", "成都市", "武侯区"),
    ("湖北省", "武汉市", "洪山区"), ("陕西省", "西安市", "雁塔区"), ("甘肃省", "兰州市", "城关区"),
    ("甘肃省", "兰州市", "七里河区"), ("河南省", "郑州市", "金水区"), ("山东省", "济南市", "历下区"),
    ("湖南省", "长沙市", "岳麓区"), ("辽宁省", "沈阳市", "和平区"), ("福建省", "厦门市", "思明区"),
    ("云南省", "昆明市", "五华区"), ("贵州省", "贵阳市", "南明区"), ("黑龙江省", "哈尔滨市", "南岗区"),
    ("新疆维吾尔自治区", "乌鲁木齐市", "天山区"), ("海南省", "海口市", "龙华区"), ("安徽省", "合肥市", "蜀山区"),
    ("江西省", "南昌市", "东湖区"), ("广西壮族自治区", "南宁市", "青秀区"), ("河北省", "石家庄市", "长安区"),
    ("内蒙古自治区", "呼和浩特市", "新城区"), ("吉林省", "长春市", "朝阳区"), ("宁夏回族自治区", "银川市", "兴庆区"),
    ("青海省", "西宁市", "城东区"), ("西藏自治区", "拉萨市", "城关区"), ("山西省", "太原市", "小店区"),
]
RURAL = [  # province, city/prefecture, county (real)
    ("重庆市", "", "巫山县"), ("重庆市", "", "酉阳土家族苗族自治县"), ("甘肃省", "定西市", "通渭县"),
    ("甘肃省", "天水市", "秦安县"), ("甘肃省", "陇南市", "武都区"), ("甘肃省", "临夏回族自治州", "东乡族自治县"),
    ("四川省", "南充市", "仪陇县"), ("四川省", "凉山彝族自治州", "会理市"), ("贵州省", "遵义市", "湄潭县"),
    ("云南省", "大理白族自治州", "宾川县"), ("湖南省", "邵阳市", "新化县"), ("河南省", "周口市", "郸城县"),
    ("山东省", "菏泽市", "曹县"), ("安徽省", "阜阳市", "临泉县"), ("江西省", "赣州市", "于都县"),
    ("广西壮族自治区", "百色市", "田东县"), ("河北省", "保定市", "阜平县"), ("陕西省", "延安市", "延川县"),
    ("湖北省", "恩施土家族苗族自治州", "利川市"), ("黑龙江省", "绥化市", "望奎县"), ("内蒙古自治区", "赤峰市", "宁城县"),
    ("宁夏回族自治区", "固原市", "西吉县"), ("青海省", "海东市", "互助土族自治县"), ("新疆维吾尔自治区", "喀什地区", "疏附县"),
    ("福建省", "宁德市", "屏南县"), ("浙江省", "丽水市", "遂昌县"), ("江苏省", "宿迁市", "沭阳县"),
    ("吉林省", "延边朝鲜族自治州", "和龙市"), ("山西省", "吕梁市", "临县"), ("海南省", "", "琼中黎族苗族自治县"),
    ("辽宁省", "朝阳市", "建平县"), ("广东省", "梅州市", "五华县"),
]
PLACE_SYLL = "安宁平和兴隆丰收石桥柳林黄家李家王庄大坪新华红岩龙泉青山白马双河杨柳金鸡凤凰团结胜利长乐桃园梨树马鞍"
ROAD_OWN = ["人民", "解放", "建设", "中山", "和平", "文化", "胜利", "长江", "黄河", "光明", "东风", "红旗", "学府",
            "科园", "滨江", "金沙", "天府", "翠华", "南湖", "民主", "工农", "迎宾", "朝阳", "青年", "北京"]
ROAD_SFX = ["路", "路", "路", "街", "大街", "大道", "巷", "南路", "北路", "中路", "东路", "西路"]
COMMUNITY = ["阳光花园", "锦绣家园", "幸福小区", "金色港湾", "翠湖苑", "绿地新都会", "滨江华府", "和谐家园",
             "书香门第", "碧桂园", "龙湖春森彼岸", "电力宿舍", "教育局家属院", "棉纺厂生活区", "丽景湾"]

CN_NUM = "零一二三四五六七八九十"

# ---------------------------------------------------------------- identifiers
ID_REGIONS = [  # real county-level division codes, many provinces (incl. Gansu 62xxxx)
    "110101", "110105", "110108", "120104", "130102", "130629", "140105", "150102", "210102", "220102",
    "230103", "310104", "310115", "320106", "320829", "330106", "330782", "340104", "341221", "350203",
    "360102", "360731", "370102", "371721", "410105", "411625", "420111", "422802", "430104", "430522",
    "440106", "440305", "441424", "450103", "450322", "460106", "469030", "500103", "500106", "500237",
    "500242", "510107", "511324", "513402", "520102", "520328", "530102", "532924", "540102", "610113",
    "610622", "620102", "620103", "620201", "620302", "620402", "620502", "620522", "620602", "620702",
    "620802", "620902", "621002", "621102", "621121", "621202", "622926", "630102", "632126", "640104",
    "640422", "650102", "653121", "652301",
]
CARD_BINS = [  # (prefix, length): real Chinese issuer prefixes
    ("622202", 19), ("621226", 19), ("622208", 19), ("622848", 19), ("622845", 19), ("621700", 19),
    ("622700", 19), ("436742", 16), ("621661", 19), ("456351", 16), ("622260", 19), ("622588", 16),
    ("621483", 16), ("622609", 16), ("623058", 19), ("621098", 19), ("622188", 19), ("625965", 16),
    ("621799", 19), ("622155", 16), ("603367", 19), ("622908", 18), ("621485", 16), ("622580", 16),
]
MOBILE_PREFIX = ["130", "131", "132", "133", "134", "135", "136", "137", "138", "139", "145", "147",
                 "150", "151", "152", "153", "155", "156", "157", "158", "159", "166", "173", "176",
                 "177", "180", "181", "182", "183", "185", "186", "187", "188", "189", "191", "193",
                 "195", "198", "199"]
AREA3 = ["010", "020", "021", "022", "023", "024", "025", "027", "028", "029"]
AREA4 = ["0311", "0351", "0371", "0431", "0451", "0471", "0512", "0531", "0532", "0551", "0571",
         "0574", "0591", "0592", "0731", "0755", "0757", "0769", "0771", "0791", "0851", "0871",
         "0898", "0891", "0931", "0937", "0938", "0943", "0951", "0971", "0991", "0816", "0838"]
AREA4_7 = {"0891", "0931", "0937", "0938", "0943", "0951", "0971", "0991", "0816", "0838"}  # 7-digit numbers
EMAIL_DOMAINS = ["163.com", "126.com", "qq.com", "foxmail.com", "sina.com", "sina.cn", "sohu.com",
                 "yeah.net", "139.com", "gmail.com", "outlook.com", "hotmail.com", "aliyun.com",
                 "cq.gov.cn", "gs.chinatax.gov.cn", "mail.tsinghua.edu.cn", "huawei.com", "189.cn"]
PLATE_PROV = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
PLATE_LET = "ABCDEFGHJKLMNPQRSTUVWXY"
USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_W = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
ORG_W = [3, 7, 9, 10, 5, 8, 4, 2]
ID_W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
PASSPORT_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"  # no I, O


def luhn_digit(body: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def luhn_ok(num: str) -> bool:
    return luhn_digit(num[:-1]) == num[-1]


class Gen:
    def __init__(self, seed: int):
        self.r = random.Random(seed)
        self.person = Person(Locale.ZH, seed=seed)
        self.address = Address(Locale.ZH, seed=seed + 1)

    # ---- people
    def surname(self) -> str:
        x = self.r.random()
        if x < 0.10:
            return self.r.choice(COMPOUND_SURNAMES)
        if x < 0.22:
            return self.person.last_name()          # mimesis: the whole 百家姓, rare ones too
        return self.r.choice(COMMON_SURNAMES)

    def given(self) -> str:
        x = self.r.random()
        if x < 0.55:
            g = self.person.first_name()            # mimesis given names (1-3 chars)
            if 1 <= len(g) <= 2:
                return g
        if x < 0.8:
            return "".join(self.r.choice(GIVEN_CHARS) for _ in range(2))
        return self.r.choice(GIVEN_CHARS)

    def name(self, allow_minority=True) -> tuple[str, int]:
        if allow_minority and self.r.random() < 0.025:
            return self.r.choice(MINORITY_NAMES), 0
        s = self.surname()
        return s + self.given(), len(s)

    def pinyin_name(self) -> tuple[str, int]:
        s = self.r.choice(list(PINYIN_SURNAMES.values()))
        g = self.r.choice(PINYIN_GIVEN)
        if self.r.random() < 0.5:
            return f"{s} {g}", len(s)
        return f"{g} {s.title()}", 0   # given name first: every letter identifies

    # ---- numbers
    def mobile(self) -> tuple[str, str]:
        d = self.r.choice(MOBILE_PREFIX) + "".join(self.r.choice("0123456789") for _ in range(8))
        f = self.r.choices(["plain", "dash", "space", "+86", "+86sp", "344"], [60, 10, 10, 8, 7, 5])[0]
        if f == "dash":
            return f"{d[:3]}-{d[3:7]}-{d[7:]}", f
        if f == "space":
            return f"{d[:3]} {d[3:7]} {d[7:]}", f
        if f == "+86":
            return "+86" + d, f
        if f == "+86sp":
            return f"+86 {d}", f
        if f == "344":
            return f"{d[:3]}-{d[3:]}", f
        return d, f

    def landline(self, fmt=None) -> tuple[str, str]:
        if self.r.random() < 0.4:
            area = self.r.choice(AREA3)
            num = self.r.choice("2345678") + "".join(self.r.choice("0123456789") for _ in range(7))
        else:
            area = self.r.choice(AREA4)
            n = 7 if area in AREA4_7 else self.r.choice([7, 8, 8])
            num = self.r.choice("2345678") + "".join(self.r.choice("0123456789") for _ in range(n - 1))
        f = fmt or self.r.choices(["dash", "nosep", "paren", "fullparen", "space", "dash4"],
                                  [35, 30, 12, 8, 8, 7])[0]
        if f == "nosep":
            return area + num, f
        if f == "paren":
            return f"({area}){num}", f
        if f == "fullparen":
            return f"（{area}）{num}", f
        if f == "space":
            return f"{area} {num}", f
        if f == "dash4" and len(num) == 8:
            return f"{area}-{num[:4]}-{num[4:]}", f
        return f"{area}-{num}", "dash"

    def resident_id(self) -> tuple[str, str]:
        region = self.r.choice(ID_REGIONS)
        y = self.r.randint(1938, 2012)
        m = self.r.randint(1, 12)
        d = self.r.randint(1, 28)
        body = f"{region}{y:04d}{m:02d}{d:02d}{self.r.randint(0, 999):03d}"
        s = sum(int(c) * w for c, w in zip(body, ID_W))
        chk = "10X98765432"[s % 11]
        v = body + chk
        if chk == "X" and self.r.random() < 0.3:
            v = body + "x"
            return v, "lower_x"
        return v, "18"

    def bank_card(self) -> tuple[str, str]:
        prefix, length = self.r.choice(CARD_BINS)
        body = prefix + "".join(self.r.choice("0123456789") for _ in range(length - len(prefix) - 1))
        v = body + luhn_digit(body)
        if length == 16 and self.r.random() < 0.3:
            return " ".join(v[i:i + 4] for i in range(0, 16, 4)), "grouped"
        return v, f"{length}"

    def passport(self, kind=None) -> tuple[str, str]:
        r = self.r
        digits = lambda n: "".join(r.choice("0123456789") for _ in range(n))  # noqa: E731
        kind = kind or r.choices(["E8", "EL7", "G8", "P7", "S7", "D8", "DE7", "C8", "CL7", "H8", "H10",
                                  "M8", "TW8", "L8"], [22, 22, 8, 4, 4, 3, 3, 8, 6, 6, 3, 3, 5, 3])[0]
        if kind == "E8":
            return "E" + digits(8), kind
        if kind == "EL7":
            return "E" + r.choice(PASSPORT_LETTERS) + digits(7), kind
        if kind == "G8":
            return "G" + digits(8), kind
        if kind == "P7":
            return "P" + digits(7), kind
        if kind == "S7":
            return "S" + digits(r.choice([7, 8])), kind
        if kind == "D8":
            return "D" + digits(8), kind
        if kind == "DE7":
            return "DE" + digits(7), kind
        if kind == "C8":
            return "C" + digits(8), kind
        if kind == "CL7":
            return "C" + r.choice(PASSPORT_LETTERS) + digits(7), kind
        if kind == "H8":
            return "H" + digits(8), kind
        if kind == "H10":
            return "H" + digits(10), kind
        if kind == "M8":
            return "M" + digits(8), kind
        if kind == "TW8":
            return digits(8), kind
        return "L" + digits(8), kind

    def uscc(self) -> tuple[str, str]:
        r = self.r
        head = r.choice(["91", "92", "93", "11", "12", "51", "52", "31"]) + r.choice(ID_REGIONS)
        org = "".join(r.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(8))
        org_vals = [int(c) if c.isdigit() else ord(c) - 55 for c in org]
        oc = 11 - sum(v * w for v, w in zip(org_vals, ORG_W)) % 11
        org += {10: "X", 11: "0"}.get(oc, str(oc))
        body = head + org
        s = sum(USCC_CHARS.index(c) * w for c, w in zip(body, USCC_W))
        c = (31 - s % 31) % 31
        return body + USCC_CHARS[c], "18"

    def plate(self) -> tuple[str, str]:
        r = self.r
        p = r.choice(PLATE_PROV) + r.choice(PLATE_LET)
        k = r.choices(["fuel", "nev_small", "nev_large"], [75, 18, 7])[0]
        if k == "fuel":
            chars = [r.choice("0123456789") for _ in range(5)]
            for _ in range(r.choice([0, 0, 1, 2])):
                chars[r.randrange(5)] = r.choice(PLATE_LET)
            tail = "".join(chars)
        elif k == "nev_small":
            tail = r.choice("DF") + r.choice(PLATE_LET + "0123456789") + "".join(r.choice("0123456789") for _ in range(4))
        else:
            tail = "".join(r.choice("0123456789") for _ in range(5)) + r.choice("DF")
        sep = r.choices(["", "·", " "], [70, 22, 8])[0]
        return p + sep + tail, k

    def email(self, name_py=None) -> tuple[str, str]:
        r = self.r
        if r.random() < 0.35:
            local = self.person.email().split("@")[0]     # mimesis local parts
        else:
            s = r.choice(list(PINYIN_SURNAMES.values())).lower()
            g = r.choice(PINYIN_GIVEN).lower()
            local = r.choice([f"{s}{g}", f"{g}.{s}", f"{s}_{g}{r.randint(1, 99)}", f"{s}{r.randint(1960, 2010)}",
                              f"{g[0]}{s}", f"{r.randint(10000, 999999999)}"])
        if r.random() < 0.08:
            local = local.upper()
        return f"{local}@{r.choice(EMAIL_DOMAINS)}", "plain"

    # ---- addresses: return text and parts relative to its start
    def _road(self):
        base = self.address.street_name() if self.r.random() < 0.5 else self.r.choice(ROAD_OWN)
        base = base.rstrip("路街")
        return base + self.r.choice(ROAD_SFX)

    def _cn(self, n):
        return CN_NUM[n] if n <= 10 else f"十{CN_NUM[n - 10]}"

    def urban_address(self) -> tuple[str, list]:
        r = self.r
        prov, city, dist = r.choice(URBAN)
        pieces: list[tuple[str, str | None]] = []
        style = r.choices(["full", "city", "district", "bare", "cq"], [35, 25, 20, 10, 10])[0]
        if style == "cq":
            prov, city, dist = r.choice([u for u in URBAN if u[0] == "重庆市"])
        if style in ("full", "cq"):
            pieces.append((prov + city, None))
        elif style == "city":
            pieces.append((city or prov, None))
        if style != "bare":
            pieces.append((dist, None))
        pieces.append((self._road(), "road"))
        pieces.append((f"{r.randint(1, 999)}号", "number"))
        if r.random() < 0.5:
            pieces.append((r.choice(COMMUNITY), None))
        b, u, room = r.randint(1, 32), r.randint(1, 6), r.randint(1, 33) * 100 + r.randint(1, 12)
        form = r.choices(["hlr", "dong", "dash", "cqfloor", "roomonly", "none"], [30, 25, 12, 10, 13, 10])[0]
        if style == "cq" and form != "none":
            form = "cqfloor"
        if form == "hlr":
            pieces += [(f"{b}号楼", "building"), (f"{u}单元", "unit"), (f"{room}室", "room")]
        elif form == "dong":
            pieces += [(f"{b}{r.choice(['栋', '幢', '座'])}", "building"), (f"{u}单元", "unit"),
                       (f"{room}{r.choice(['室', '号', ''])}", "room")]
        elif form == "dash":
            pieces += [(f"{b}", "building"), ("-", None), (f"{u}", "unit"), ("-", None), (f"{room}", "room")]
        elif form == "cqfloor":
            pieces += [(f"{u}单元", "unit"), (f"{r.randint(1, 33)}-{r.randint(1, 8)}", "room")]
        elif form == "roomonly":
            pieces += [(f"{room}室", "room")]
        return self._join(pieces)

    def rural_address(self) -> tuple[str, list]:
        r = self.r
        prov, city, county = r.choice(RURAL)
        syl = lambda: "".join(r.sample(PLACE_SYLL, 2))  # noqa: E731
        pieces: list[tuple[str, str | None]] = []
        style = r.choices(["full", "county", "town"], [45, 40, 15])[0]
        if style == "full":
            pieces.append((prov + city, None))
        if style != "town":
            pieces.append((county, None))
        pieces.append((syl() + r.choice(["镇", "镇", "乡", "街道"]), None))
        if r.random() < 0.8:
            pieces.append((syl() + "村", "village"))
        else:
            pieces.append((syl() + "社区", "village"))
        g = r.randint(1, 12)
        gform = r.choices(["digit_zu", "cn_zu", "cn_she", "digit_she", "xiaozu", "none"], [25, 25, 15, 10, 10, 15])[0]
        if gform == "digit_zu":
            pieces.append((f"{g}组", "group"))
        elif gform == "cn_zu":
            pieces.append((f"{self._cn(g)}组", "group"))
        elif gform == "cn_she":
            pieces.append((f"{self._cn(g)}社", "group"))
        elif gform == "digit_she":
            pieces.append((f"{g}社", "group"))
        elif gform == "xiaozu":
            pieces.append((f"第{self._cn(g)}村民小组", "group"))
        if r.random() < 0.65 or gform == "none":
            pieces.append((f"{r.randint(1, 150)}号", "number"))
        return self._join(pieces)

    @staticmethod
    def _join(pieces):
        text, parts, pos = "", [], 0
        for s, kind in pieces:
            if kind:
                parts.append([pos, pos + len(s), kind])
            text += s
            pos += len(s)
        return text, parts

    # ---- non-PII fillers (text, kind)
    def filler(self, key: str) -> tuple[str, str | None]:
        r = self.r
        if key == "date":
            y, m, d = r.randint(2019, 2026), r.randint(1, 12), r.randint(1, 28)
            return r.choice([f"{y}年{m}月{d}日", f"{y}-{m:02d}-{d:02d}", f"{y}/{m}/{d}", f"{y}.{m:02d}.{d:02d}"]), "date"
        if key == "time":
            return f"{r.randint(0, 23):02d}:{r.randint(0, 59):02d}", "time"
        if key == "amt":
            v = r.randint(1, 2_000_000) / r.choice([1, 100])
            return r.choice([f"{v:,.2f}元", f"¥{v:.2f}", f"{int(v)}元", f"{v / 10000:.2f}万元", f"人民币{int(v)}元"]), "amount"
        if key == "order":
            n = r.choice([16, 17, 18, 19])
            body = r.choice(["2024", "2025", "2026", str(r.randint(1, 5))]) + "".join(r.choice("0123456789") for _ in range(30))
            body = body[:n - 1]
            last = luhn_digit(body) if r.random() < 0.5 else r.choice("0123456789")
            return body + last, "order_no"
        if key == "wo":
            v = r.choice([f"{r.randint(2023, 2026)}{r.randint(1, 12):02d}{r.randint(1, 28):02d}{r.randint(0, 99999999):08d}",
                          f"GD{r.randint(2023, 2026)}{r.randint(10000000, 99999999)}",
                          f"12345-{r.randint(2023, 2026)}-{r.randint(100000, 999999)}"])
            if v.isdigit() and r.random() < 0.5:
                v = v[:-1] + luhn_digit(v[:-1])
            return v, "work_order_no"
        if key == "ver":
            return r.choice(["1.2.3.4", "10.0.19045.3803", "10.0.22631.4460", f"{r.randint(1, 12)}.{r.randint(0, 9)}.{r.randint(0, 30)}.{r.randint(0, 9999)}",
                             f"V{r.randint(1, 5)}.{r.randint(0, 20)}.{r.randint(0, 99)}", f"v{r.randint(1, 3)}.{r.randint(0, 9)}.{r.randint(0, 9)}-build{r.randint(100, 9999)}",
                             f"{r.randint(1, 200)}.0.{r.randint(1000, 7000)}.{r.randint(10, 250)}"]), "version"
        if key == "code":
            return r.choice(ID_REGIONS + [c + r.choice(["000000", "001000", "102000"]) for c in ID_REGIONS[:20]]), "division_code"
        if key == "waybill":
            return r.choice([f"SF{r.randint(10**12, 10**13 - 1)}", f"YT{r.randint(10**12, 10**13 - 1)}",
                             f"JDX{r.randint(10**11, 10**12 - 1)}", f"{r.randint(7 * 10**11, 8 * 10**11)}",
                             f"9{r.randint(10**11, 10**12 - 1)}"]), "waybill_no"
        if key == "case":
            return f"（{r.randint(2019, 2026)}）{r.choice(['渝0106', '甘0102', '京0105', '川0107', '粤0305'])}{r.choice(['民初', '刑初', '行初', '执'])}{r.randint(100, 19999)}号", "case_no"
        if key == "doc":
            return f"{r.choice(['渝', '甘', '京', '沪', '川'])}{r.choice(['市监', '城管', '公', '环', '税'])}{r.choice(['罚', '处罚', '决'])}〔{r.randint(2020, 2026)}〕{r.randint(1, 3999)}号", "doc_no"
        if key == "hotline":
            return r.choice(["12345", "110", "119", "120", "122", "12315", "12366", "12333", "12369", "95598",
                             "95588", "10086", "10000", "12306", "400-820-8820", "400-600-3333", "800-810-8888",
                             "4006-888-999"]), "service_number"
        if key == "law":
            return r.choice(["《中华人民共和国行政处罚法》第二十八条第一款", "《中华人民共和国道路交通安全法》第九十条",
                             "《治安管理处罚法》第二十六条第（四）项", "《中华人民共和国食品安全法》第一百二十四条",
                             "《民法典》第一千一百六十五条", "《中华人民共和国个人信息保护法》第十三条",
                             "《城市市容和环境卫生管理条例》第三十四条", "《信访工作条例》第三十一条",
                             "GB/T 37964-2019", "《中华人民共和国出境入境管理法》第十二条"]), "statute"
        if key == "n":
            return str(r.randint(2, 60)), "count"
        if key == "age":
            return str(r.randint(18, 92)), "age"
        if key == "pct":
            return f"{r.randint(1, 99)}.{r.randint(0, 9)}%", "percent"
        if key == "serial":
            return f"{r.randint(100000000, 999999999)}", "serial_no"
        raise KeyError(key)


# ---------------------------------------------------------------- templates (hand-written)
# Placeholders: {P..} person, {PY} pinyin name, {M..} mobile, {T..} landline ({TN} no separator,
# {TS} with separator), {E} e-mail, {ID} resident ID, {BC} bank card, {PP} passport (any
# format), {PE} ordinary passport (E/EL/G), {HK} HK-Macau permit, {HX} 回乡证, {TW} Taiwan
# permit (8 digits), {U} USCC, {PL} plate, {A} urban address, {AR} rural address, {AX} either.
# lower-case: non-PII fillers (date, time, amt, order, wo, ver, code, waybill, case, doc, hotline,
# law, n, age, pct, serial). A key repeated in one frame gets the same value.
T = {}
T["hotline"] = [
    "工单编号：{wo}。来电人{P}反映：{AX}楼下餐馆油烟扰民，要求处理。联系电话{M}。",
    "市民{P}来电称其于{date}在{A}附近被共享单车挡住消防通道，回访电话：{M}",
    "{P}（{M}）投诉：{AR}自来水停水已{n}天，村委会电话{T}无人接听。",
    "来电人：{P}  电话：{M}  诉求：小区电梯故障{n}天未修复，物业经理{P2}电话{TS}。",
    "承办单位已联系诉求人{P}，告知处理结果，{P}表示满意。",
    "经核实，投诉人{P}所述情况属实，已责令整改。经办人：{P2}",
    "{date} {time}，{P}女士来电反映其母亲{P2}在{A}独居，需社区关注。",
    "诉求人{P}再次来电，称上次工单{wo}办理不满意，要求{P2}主任回电（{M}）。",
    "匿名来电，反映{AR}附近有人焚烧秸秆。接线员：{P}",
    "回访：已电话联系{P}先生，其对处理结果表示认可。回访人员{P2}，{date}。",
    "{P}反映楼上住户{P2}长期在阳台饲养家禽，地址：{A}。",
    "来电号码{M}，来电人自称姓{S}，反映{AX}路灯不亮。",
    "转办意见：请{P}同志于{date}前办结并回复来电人{P2}（{TN}）。",
    "派单：区城管局。联系人{P}，座机{T}，手机{M}。",
    "{P}、{P2}等{n}户居民联名反映{A}噪音扰民。",
    "来电人{P}称其丈夫{P2}被拖欠工资{amt}，用人单位统一社会信用代码{U}。",
    "诉求人：{P}\t联系方式：{TN}\t事项：垃圾清运不及时",
    "市民反映{AR}道路塌陷，请{P}尽快处置，联系电话{TN}。",
    "已联系诉求人，号码为{M}，本人不接受回访，工单按{hotline}热线规定办结。",
    "{P}老师来电咨询子女入学政策，家庭住址{A}，学籍号不详。",
    "投诉人{P}，身份证号{ID}，投诉{A}一商户短斤少两，涉及金额{amt}。",
    "来电人要求保密，只留姓名{P}和邮箱{E}。",
]
T["penalty"] = [
    "当事人：{P}，性别：男，身份证号码：{ID}，住址：{A}。",
    "当事人：{P}，女，{age}岁，居民身份证号{ID}，户籍地{AR}，现住{A}。",
    "当事人名称：{company}，统一社会信用代码：{U}，法定代表人：{P}，联系电话：{T}。",
    "本机关于{date}对{P}作出{doc}行政处罚决定，依据{law}，罚款{amt}。",
    "执法人员{P}、{P2}（执法证号{serial}）向当事人出示证件，当事人{P3}在场。",
    "经查，当事人{P}驾驶车牌号为{PL}的小型汽车违法停放，违反了{law}。",
    "当事人{P}未按规定办理相关许可，经营场所位于{A}，负责人{P2}。",
    "听证主持人：{P}；记录人：{P2}；当事人委托代理人：{P3}，律师，联系电话{M}。",
    "送达地址：{A}，受送达人：{P}，签收人{P2}（系受送达人之妻）。",
    "{doc}：对{company}（负责人{P}）罚款{amt}，没收违法所得{amt}。",
    "本决定书送达之日起十五日内，当事人{P}应将罚款缴至指定账户，逾期每日加处{pct}。",
    "当事人{P}的银行账户{BC}已被依法冻结，冻结金额{amt}。",
    "车辆{PL}登记所有人{P}，身份证{ID}，于{date}在{AX}超速{pct}。",
    "承办人：{P}　　审核人：{P2}　　批准人：{P3}",
    "案由：{company}未履行告知义务。法定代表人{P}，经营地址{A}，统一社会信用代码{U}。",
]
T["judgment"] = [
    "原告：{P}，男，{date}出生，汉族，住{A}，公民身份号码{ID}。",
    "被告：{P}，女，汉族，住{AR}。委托诉讼代理人：{P2}，{company}律师。",
    "原告{P}与被告{P2}民间借贷纠纷一案，本院于{date}立案后，依法适用简易程序。",
    "委托诉讼代理人：{P}，系原告之子，住{A}。",
    "第三人：{P}，{date}出生，住{AR}，联系电话{M}。",
    "上诉人（原审被告）：{P}，住{A}。被上诉人（原审原告）：{P2}。",
    "审判长{P}　审判员{P2}　人民陪审员{P3}　书记员{P4}",
    "原告{P}向本院提出诉讼请求：判令被告{P2}偿还借款{amt}及利息。",
    "被告{P}辩称，其已于{date}通过尾号为{BC}的银行卡还款。",
    "证人{P}出庭作证称，{date}曾在{A}见到被告{P2}。",
    "申请执行人{P}，被执行人{P2}，案号{case}，执行标的{amt}。",
    "被告人{P}，绰号“小{S}”，{date}因涉嫌盗窃被{company}刑事拘留，现羁押于看守所。",
    "法定代理人：{P}（系原告{P2}之母），住同上。",
    "原告：{company}，住所地{A}，统一社会信用代码{U}。法定代表人：{P}，董事长。",
    "被申请人{P}，身份证号{ID}，户籍所在地{AR}。",
    "辩护人{P}，{company}律师；指定辩护人{P2}。",
]
T["delivery"] = [
    "收件人：{P} {M} {A}",
    "寄件人{P}，电话{M}，寄往{AX}，运单号{waybill}。",
    "快递员{P}（{M}）于{date} {time}派送，收件人{P2}本人签收。",
    "订单号{order}，收货人：{P}，手机：{M}，地址：{A}，实付{amt}。",
    "{P}  {M}  {AR}",
    "代收点：{company}，取件人{P}，取件码{n}-{n}-{serial}。",
    "物流信息：包裹已由{P}代签收（{M}），如有疑问请联系{hotline}。",
    "收货地址：{A}；联系人：{P}先生；备用电话：{TN}",
    "退货寄回{A}，收件人{P}，联系电话{T}，请备注订单{order}。",
    "骑手{P}送达{A}，用户{P2}评价五星。",
    "Consignee: {PY}, Tel: {M}, Address: {A}",
    "运单{waybill}：寄件人{P}→收件人{P2}，{AR}。",
]
T["hukou"] = [
    "户主姓名：{P}，与户主关系：本人，公民身份号码：{ID}，住址：{AR}。",
    "户主：{P}；妻：{P2}；长子：{P3}；户籍地址：{AR}",
    "{P}，与户主关系：女，出生地{AX}，身份证号{ID}，{date}迁入。",
    "迁出原因：婚嫁。迁出人{P}，迁往{A}，经办民警{P2}。",
    "户号{serial}　户主{P}　住址{AR}　联系电话{M}",
    "{P}、{P2}、{P3}三人户口由{AR}迁入本户。",
    "监护人：{P}（{ID}），被监护人：{P2}，关系：祖孙。",
    "户籍民警：{P}警官，警务室电话{TN}。",
    "死亡注销：{P}，身份证{ID}，于{date}注销户口，申报人{P2}（系其子）。",
    "{P}",
    " {P} ",
    "{P}、{P2}",
    "{P} ",
    "　{P}",
]
T["clinic"] = [
    "患者{P}，{age}岁，主诉头痛{n}天。既往史：无。接诊医生{P2}。",
    "姓名：{P}  性别：女  年龄：{age}  联系电话：{M}  住址：{AR}",
    "{P}医生查房：患者{P2}术后恢复良好，家属{P3}陪护。",
    "门诊号{serial}，患者{P}，医保卡{BC}，费用合计{amt}。",
    "紧急联系人：{P}（配偶），电话{M}；家庭住址：{A}。",
    "患儿{P}，监护人{P2}，联系电话{TN}，疫苗批号{ver}。",
    "转诊单：患者{P}，身份证号{ID}，由{company}转入我院，主治医师{P2}。",
    "护士{P}于{date} {time}为{P2}更换输液。",
    "体检编号{order}，受检人{P}，单位{company}，手机{M}。",
    "{P}，男，{age}岁，住{AR}，因发热伴咳嗽{n}天入院。",
]
T["audit"] = [
    "{date} {time} user={E} action=export dataset=人口信息 rows={n}",
    "[INFO] {date} {time} 操作员{P}（工号{serial}）查询了{P2}的身份证信息{ID}",
    "登录成功 账号:{M} 姓名:{P} 客户端版本{ver}",
    "{date} {time} 审批人{P}通过申请单{wo}，申请人{P2}",
    "WARN export by {PY} <{E}> client {ver}",
    "系统管理员{P}修改了用户{P2}的手机号：{M} -> {M2}",
    "{time} 经办人{P}导出{n}条记录（含手机号{M}）",
    "audit: operator={P} target={P2} field=bank_card old={BC}",
    "{date} 用户{E}重置密码，绑定手机{M}，操作人{P}",
    "复核人：{P}；录入人：{P2}；版本{ver}",
]
T["border"] = [
    "旅客{P}，护照号{PE}，于{date}经{company}口岸出境。",
    "出入境记录：{P}，证件号码{PP}，航班{order}。",
    "Name: {PY}  Passport No.: {PE}  Nationality: CHN",
    "持往来港澳通行证{HK}的旅客{P}于{date}入境。",
    "{P}持港澳居民来往内地通行证{HX}入境，同行人{P2}。",
    "台湾居民{P}，台胞证号码{TW}，联系地址{A}。",
    "签注申请人{P}，通行证号码{HK}，手机{M}，邮箱{E}。",
    "护照：{PE}",
    "{PP}",
    "证件类型：普通护照 证件号：{PE} 姓名：{P}",
    "{P}（护照{PE}）与{P2}（护照{PE2}）同行。",
    "边检民警{P}查验旅客{P2}的公务护照{PP}。",
    "申请人{P}的旧护照{PE}已于{date}作废，新护照号码为{PE2}。",
    "回乡证号码：{HX}；姓名：{P}；联系电话：{TN}",
    "Passport {PE}, holder {PY}, mobile +86 {M}",
    "港澳通行证 {HK} {P}",
]
T["bilingual"] = [
    "Name: {P}, Tel: {M}",
    "Name: {P}; Tel: {T}; Email: {E}",
    "Contact: {P}  Phone: {TN}",
    "联系人 Contact person: {P}（{PY}），电话 Tel: {M}",
    "Applicant: {PY}, ID No.: {ID}, Address: {A}",
    "Tel/电话: {TN}  Fax/传真: {T2}",
    "Email: {E}",
    "Name/姓名: {P}",
    "Mr. {PY}, mobile {M}, e-mail {E}",
    "Contact {P} at {M} or {E}.",
    "Legal representative: {P}; USCC: {U}",
    "Bank account: {BC} (holder {P})",
]
T["petition"] = [
    "信访人{P}，住{AR}，反映其承包地被{P2}侵占，要求调解。",
    "来信人：{P}　联系电话：{M}　信访事项：征地补偿款{amt}未发放。",
    "{P}等{n}人到{company}集体上访，带头人{P2}、{P3}。",
    "信访件编号{wo}，信访人{P}，接访领导{P2}同志。",
    "经调查，信访人{P}反映的{P2}违建问题属实，地址{A}。",
    "答复意见已于{date}送达信访人{P}，签收人{P2}。",
    "信访人：{P}（身份证{ID}），代理人：{P2}，联系地址：{A}",
    "{P}多次来访，称其父{P2}的工伤认定不公。",
    "接谈人员：{P}、{P2}；记录人：{P3}",
    "反映人{P}称村干部{P2}优亲厚友，涉及低保金{amt}。",
]
T["grid"] = [
    "网格员{P}走访{AR}，重点人员{P2}情况稳定。",
    "{date}网格员{P}（{M}）入户核查{A}出租屋，承租人{P2}。",
    "独居老人{P}，{age}岁，住{AR}，紧急联系人{P2}{M}。",
    "网格：{serial}；网格长：{P}；专职网格员：{P2}；电话{TN}",
    "{P}家（{AR}）新增外来人员{P2}，身份证号{ID}。",
    "楼栋长{P}报告：{A}有高空抛物现象。",
    "走访记录：留守儿童{P}，监护人{P2}（祖母），联系电话{M}。",
    "{A}住户{P}家中燃气泄漏已处置，处置人{P2}。",
    "特殊人群：{P}，身份证{ID}，现居{AR}，帮扶责任人{P2}。",
    "{P}，{AR}",
]
T["village"] = [
    "村务公开：{date}低保对象{P}、{P2}、{P3}，每人每月{amt}。",
    "{AR}农户{P}，一卡通账号{BC}，发放耕地地力保护补贴{amt}。",
    "村委会主任{P}，村支书{P2}，监委会主任{P3}，联系电话{T}。",
    "宅基地申请人{P}，申请地点{AR}，面积{n}平方米，经村民代表大会通过。",
    "危房改造户：{P}（{AR}），补助{amt}，施工方负责人{P2}{M}。",
    "公示期{date}至{date2}，如有异议请联系{P}，电话{TN}。",
    "五保户{P}，{age}岁，住{AR}，由{P2}负责照料。",
    "土地流转：转出方{P}，转入方{company}，法定代表人{P2}，流转费{amt}。",
    "{P}和{P2}的山林权属纠纷已调解，调解员{P3}。",
    "村民小组长：{P}（{AR}）",
]
T["misc"] = [
    "车主{P}，车牌号{PL}，驾驶证号{ID}，于{date}在{AX}发生轻微事故。",
    "停车场记录：{PL} 入场{time}，车主电话{M}。",
    "{PL}",
    "{M}",
    "{TN}",
    "{T}",
    "{E}",
    "{ID}",
    "{BC}",
    "{A}",
    "{AR}",
    "{U}",
    "{P}先生",
    "{P}女士，{M}",
    "联系人：{P}",
    "开户名：{P}　开户行：{company}　账号：{BC}",
    "收款人{P}，卡号{BC}，金额{amt}，订单号{order}。",
    "企业名称：{company}；统一社会信用代码：{U}；联系人：{P}；电话：{TN}",
    "{P}的车{PL}停在{A}楼下。",
    "请{P}、{P2}和{P3}于{date}到{company}报到。",
    "经办：{P}；复核：{P2}",
    "投递员{P}反映{AR}无人签收。",
    "负责人：{P}（{M}）",
    "房东{P}，房屋地址{A}，租金{amt}/月。",
    "报警人{P}称其电动车在{A}被盗，车架号{order}。",
    "申请人：{P}；被申请人：{P2}；仲裁员：{P3}",
    "{P}　{ID}　{M}",
    "值班领导：{P}；值班员：{P2}；值班电话：{TS}",
    "{P} {TN}",
    "致{P}：您的申请已受理，受理号{wo}。",
    "请与{P}联系：{E} / {M}",
    "{P}与{P2}系夫妻关系。",
    "感谢{P}志愿者捐赠物资{n}箱。",
    "{P}，{P2}，{P3}",
    "表彰名单：{P}、{P2}、{P3}、{P4}",
    "{P}（{age}岁）",
]
NEGATIVES = [  # hand-written cells without personal data ({...} are non-PII fillers only)
    "客户端版本{ver}已于{date}推送，请各单位及时升级。",
    "系统版本号：{ver}",
    "{ver}",
    "Windows {ver} 补丁已安装",
    "订单号{order}，金额{amt}，已于{date}退款。",
    "订单编号：{order}",
    "{order}",
    "工单{wo}已办结，满意度{pct}。",
    "{wo}",
    "行政区划代码：{code}",
    "{code}",
    "统计用区划代码{code}，城乡分类代码{n}。",
    "依据{law}，责令限期改正。",
    "{law}",
    "案号：{case}",
    "文号：{doc}",
    "如有疑问请拨打{hotline}热线。",
    "政务服务热线{hotline}，24小时受理。",
    "客服电话：{hotline}",
    "{hotline}",
    "金额：{amt}",
    "{amt}",
    "{date}",
    "{date} {time}",
    "张家界市武陵源区旅游旺季交通管制，请绕行。",
    "王老吉凉茶抽检合格，批次号{serial}。",
    "高新区管委会发布{date}停水通知。",
    "高速公路{n}号出口临时封闭。",
    "江南水乡文化节于{date}开幕。",
    "周大福珠宝店消防检查合格。",
    "马应龙药业产品抽检结果公示。",
    "黄焖鸡米饭店后厨卫生整改完成。",
    "李宁专卖店促销活动报备。",
    "石家庄至太原高铁票价调整。",
    "白云机场T2航站楼施工公告。",
    "钱塘江大潮观潮安全提示。",
    "杜甫草堂博物馆闭馆维护。",
    "华为手机售后网点迁址。",
    "金龙鱼食用油批次召回。",
    "孔子学院开放日活动安排。",
    "高级工程师职称评审结果公示。",
    "王府井步行街夜间经济试点。",
    "黄山风景区门票{amt}。",
    "万达广场周末限流。",
    "方正县政府常务会议纪要。",
    "江北区、高新区、万州区联合执法。",
    "龙泉驿区水蜜桃上市。",
    "投诉人未留姓名，无联系方式。",
    "联系人：无",
    "申请人：（匿名）",
    "经办人签字：________",
    "姓名：不详",
    "受理人：系统自动受理",
    "本次共处理{n}件，办结率{pct}，平均用时{n}天。",
    "罚款{amt}，没收违法所得{amt}。",
    "资金拨付{amt}，剩余{amt}。",
    "设备编号SN-{serial}，固件{ver}。",
    "IPv6过渡方案评审会于{date}召开。",
    "快递单号{waybill}已揽收。",
    "运单号：{waybill}",
    "{waybill}",
    "第{n}期{n}号楼盘价格备案{amt}/平方米。",
    "全区{n}个村、{n}个社区完成换届。",
    "{n}组数据异常，已上报。",
    "温度{n}℃，湿度{pct}。",
    "会议室{n}层{n}号。",
    "编号：{serial}-{n}",
    "《{company}年度报告》第{n}页",
    "中国工商银行股份有限公司重庆分行营业部",
    "国家税务总局甘肃省税务局12366纳税服务热线",
    "市长信箱回复：感谢您的建议。",
    "请于{date}前提交材料，逾期不予受理。",
    "审核通过",
    "无",
    "—",
    "同意。",
    "已电话回访，群众满意。",
    "{date}至{date}期间暂停办理。",
    "价格：{amt}；规格：{n}ml×{n}瓶",
    "疫苗批号{ver}，有效期至{date}。",
    "车次G{n}{n}次晚点{n}分钟。",
    "{company}年度纳税信用等级A级。",
    "本公告自{date}起施行。",
]


class Maker:
    def __init__(self, seed):
        self.g = Gen(seed)
        self.r = self.g.r
        self.companies = ["重庆市渝中区某某餐饮管理有限公司", "甘肃陇原物流有限公司", "兰州某商贸有限责任公司",
                          "四川天府律师事务所", "北京市某某律师事务所", "中国邮政集团有限公司某分公司",
                          "市第一人民医院", "县人民法院", "区市场监督管理局", "首都国际机场", "罗湖口岸",
                          "拱北口岸", "某某物业服务有限公司", "县农村商业银行", "中国农业银行"]

    def fill(self, tpl: str):
        text, spans, keep = "", [], []
        cache: dict[str, tuple] = {}
        for m in re.finditer(r"\{([A-Za-z]+[0-9]?)\}|[^{]+|\{", tpl):
            if not m.group(1):
                text += m.group(0)
                continue
            key = m.group(1)
            start = len(text)
            if key in cache and not key[0].islower():  # non-PII fillers are drawn anew each time
                val, typ, extra = cache[key]
            else:
                val, typ, extra = self.value(key)
                cache[key] = (val, typ, extra)
            text += val
            if typ == "KEEP":
                keep.append([start, start + len(val), extra])
            elif typ:
                ex = dict(extra) if extra else {}
                if typ == "ADDRESS":
                    ex["parts"] = [[start + s, start + e, k] for s, e, k in ex["parts"]]
                spans.append([start, start + len(val), typ, ex])
        # the context of each name, derived from the text around it (for the per-context breakdown)
        for sp in spans:
            if sp[2] == "PERSON":
                sp[3]["ctx"] = self.ctx(text, sp, spans)
        return text, spans, keep

    @staticmethod
    def ctx(text, sp, spans):
        s, e = sp[0], sp[1]
        before, after = text[:s], text[e:]
        if text.strip() == text[s:e]:
            return "alone"
        if any(after.startswith(t) for t in TITLES):
            return "title"
        others = [o for o in spans if o is not sp and o[2] == "PERSON"]
        for o in others:
            gap = text[o[1]:s] if o[1] <= s else text[e:o[0]]
            if gap in ("、", "和", "与", "及", "，", ",", "，", " ", "　", "、 "):
                return "list"
        if re.search(r"[A-Za-z][A-Za-z .]*:\s*$|Mr\. $|holder $|by $|Contact $", before):
            return "english"
        if re.search(r"[:：]\s*$", before):
            return "label"
        return "role_or_context"

    def value(self, key):
        g = self.g
        base = key.rstrip("0123456789")
        if base == "P":
            v, n = g.name()
            return v, "PERSON", {"surname": n}
        if base == "PY":
            v, n = g.pinyin_name()
            return v, "PERSON", {"surname": n, "script": "latin"}
        if base == "S":  # a bare surname (not PII on its own: no span)
            return g.surname(), None, None
        if base == "M":
            v, f = g.mobile()
            return v, "MOBILE", {"fmt": f}
        if base == "T":
            v, f = g.landline()
            return v, "LANDLINE", {"fmt": f}
        if base == "TN":
            v, f = g.landline("nosep")
            return v, "LANDLINE", {"fmt": f}
        if base == "TS":
            v, f = g.landline("dash")
            return v, "LANDLINE", {"fmt": f}
        if base == "E":
            v, f = g.email()
            return v, "EMAIL", {}
        if base == "ID":
            v, f = g.resident_id()
            return v, "RESIDENT_ID", {"fmt": f}
        if base == "BC":
            v, f = g.bank_card()
            return v, "BANK_CARD", {"fmt": f}
        if base == "PP":
            v, f = g.passport()
            return v, "PASSPORT", {"fmt": f}
        if base == "PE":
            v, f = g.passport(self.r.choice(["E8", "EL7", "EL7", "E8", "G8"]))
            return v, "PASSPORT", {"fmt": f}
        if base == "HK":
            v, f = g.passport(self.r.choice(["C8", "CL7"]))
            return v, "PASSPORT", {"fmt": f}
        if base == "HX":
            v, f = g.passport(self.r.choice(["H8", "H10", "M8"]))
            return v, "PASSPORT", {"fmt": f}
        if base == "TW":
            v, f = g.passport("TW8")
            return v, "PASSPORT", {"fmt": f}
        if base == "U":
            v, f = g.uscc()
            return v, "USCC", {}
        if base == "PL":
            v, f = g.plate()
            return v, "PLATE", {"fmt": f}
        if base == "A":
            v, parts = g.urban_address()
            return v, "ADDRESS", {"kind": "urban", "parts": parts}
        if base == "AR":
            v, parts = g.rural_address()
            return v, "ADDRESS", {"kind": "rural", "parts": parts}
        if base == "AX":
            return self.value("A" if self.r.random() < 0.5 else "AR")
        if base == "company":
            return self.r.choice(self.companies), None, None
        v, kind = g.filler(base)
        return v, "KEEP", kind


def make_cells(seed: int, n_pos_rounds: int, n_neg_rounds: int):
    mk = Maker(seed)
    cells = []
    for genre, tpls in T.items():
        for i, tpl in enumerate(tpls):
            for _ in range(n_pos_rounds):
                text, spans, keep = mk.fill(tpl)
                cells.append({"genre": genre, "text": text, "spans": spans, "keep": keep})
    for i, tpl in enumerate(NEGATIVES):
        for _ in range(n_neg_rounds):
            text, spans, keep = mk.fill(tpl)
            assert not spans, tpl
            cells.append({"genre": "negative", "text": text, "spans": [], "keep": keep})
    mk.r.shuffle(cells)
    for i, c in enumerate(cells):
        c["id"] = f"c{i:06d}"
    return mk, [{"id": c["id"], **{k: v for k, v in c.items() if k != "id"}} for c in cells]


# ---------------------------------------------------------------- table
TABLE_COLUMNS = [  # header, gold: a TYPE (whole cell), "plain:<kind>" or "free_text"
    ("工单编号", "plain:work_order_no"), ("订单号", "plain:order_no"), ("姓名", "PERSON"),
    ("手机号码", "MOBILE"), ("固定电话", "LANDLINE"), ("身份证号", "RESIDENT_ID"),
    ("家庭住址", "ADDRESS"), ("银行卡号", "BANK_CARD"), ("版本号", "plain:version"),
    ("金额", "plain:amount"), ("受理日期", "plain:date"), ("行政区划代码", "plain:division_code"),
    ("诉求内容", "free_text"), ("备注", "free_text"),
]
TABLE_FREE = [  # short hand-written remarks for the table's free-text columns
    "{P}反映{AX}噪音扰民", "联系人{P}，电话{M}", "已回访{P}先生，满意", "来电人{P}（{TN}）要求回电",
    "{P}、{P2}夫妻反映邻里纠纷", "地址：{AR}", "请{P}同志跟进", "诉求人邮箱{E}", "车辆{PL}占道",
    "退款至卡号{BC}", "护照{PE}遗失补办", "经办：{P}", "{P}", "网格员{P}核实{A}情况属实",
    "Name: {P}, Tel: {M}", "座机{TN}无人接听", "投诉商户信用代码{U}", "身份证{ID}核验通过",
]
TABLE_FREE_NEG = ["已办结", "群众满意", "无", "转区住建委", "版本{ver}", "订单{order}已退款", "拨打{hotline}咨询",
                  "金额{amt}", "{date}回访", "高新区转办", "张家界景区投诉转文旅局", "依据{law}处理", ""]


PART_CODE = {"road": "r", "number": "n", "village": "v", "group": "g", "building": "b", "unit": "u", "room": "m"}


def make_table(mk: Maker, rows: int):
    """Rows of the table and their compact gold: one JSON object per row (line i = data row i),
    keyed by column index (as a string), with the free-text columns' spans, the name column's surname length and the address column's
    parts as "start:end:code" (codes in PART_CODE); every other non-blank cell of a PII column is one span of its column's type over the
    whole cell (see ``table_columns`` in manifest.json); blank cells and plain columns hold none."""
    r = mk.r
    header = [h for h, _ in TABLE_COLUMNS]
    out_rows, gold = [], []
    for _ in range(rows):
        row, row_gold = [], {}
        for ci, (h, kind) in enumerate(TABLE_COLUMNS):
            col = str(ci)
            if kind.startswith("plain:"):
                k = kind.split(":")[1]
                key = {"work_order_no": "wo", "order_no": "order", "version": "ver", "amount": "amt",
                       "date": "date", "division_code": "code"}[k]
                v, _, _ = mk.value(key)
                if k == "order_no" and r.random() < 0.6:  # many Luhn-valid 16-19-digit order numbers
                    v = v[:-1] + luhn_digit(v[:-1])
                row.append(v)
            elif kind == "free_text":
                if r.random() < 0.35:
                    text, spans, _keep = mk.fill(r.choice(TABLE_FREE))
                    for sp in spans:  # the per-context breakdown is reported for the prose cells only
                        sp[3].pop("ctx", None)
                        if not sp[3]:
                            sp.pop()
                    row_gold[col] = spans
                else:
                    text, _s, _k = mk.fill(r.choice(TABLE_FREE_NEG))
                row.append(text)
            else:
                if r.random() < 0.03:
                    row.append("")
                    continue
                key = {"PERSON": "P", "MOBILE": "M", "LANDLINE": "T", "RESIDENT_ID": "ID", "ADDRESS": "AX",
                       "BANK_CARD": "BC"}[kind]
                v, typ, extra = mk.value(key)
                row.append(v)
                if typ == "PERSON":
                    row_gold[col] = extra["surname"]
                elif typ == "ADDRESS":
                    row_gold[col] = " ".join(f"{a}:{b}:{PART_CODE[k]}" for a, b, k in extra["parts"])
        out_rows.append(row)
        gold.append(row_gold)
    return header, out_rows, gold


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(HERE / "prose-v1"))  # v1 is frozen: this refuses to overwrite it
    ap.add_argument("--seed", type=int, default=20261205)
    ap.add_argument("--rounds", type=int, default=28, help="cells per positive frame")
    ap.add_argument("--neg-rounds", type=int, default=20, help="cells per negative frame")
    ap.add_argument("--rows", type=int, default=18000)
    ap.add_argument("--force", action="store_true", help="overwrite a folder that already holds a set")
    a = ap.parse_args()
    out = Path(a.out)
    if (out / "manifest.json").exists() and not a.force:
        raise SystemExit(f"{out} already holds a frozen set; write a new version into a new folder (--out …/prose-v2)")
    out.mkdir(parents=True, exist_ok=True)
    mk, cells = make_cells(a.seed, a.rounds, a.neg_rounds)
    with open(out / "cells.jsonl", "w", encoding="utf-8", newline="\n") as f:
        for c in cells:
            f.write(json.dumps(c, ensure_ascii=False, separators=(",", ":")) + "\n")
    header, rows, gold = make_table(mk, a.rows)
    with open(out / "table.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)
    with open(out / "table_gold.jsonl", "w", encoding="utf-8", newline="\n") as f:
        for gr in gold:
            f.write(json.dumps(gr, ensure_ascii=False, separators=(",", ":")) + "\n")
    manifest = {
        "version": "prose-v1", "seed": a.seed, "generator": "benchmarks/eval/make_prose_eval.py",
        "mimesis": __import__("mimesis").__version__,
        "frames": {g: len(v) for g, v in T.items()} | {"negative": len(NEGATIVES)},
        "table_columns": {h: k for h, k in TABLE_COLUMNS},
        "sha256": {p: sha256(out / p) for p in ("cells.jsonl", "table.csv", "table_gold.jsonl")},
    }
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(manifest, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
