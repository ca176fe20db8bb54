"""Realistic demo files for the catalog's resources, generated from a FIXED seed.

Every generator is ``fn(rng, n) -> rows`` (or a document) and is named in
``catalog.py``; :func:`render` turns it into the bytes of one file. The same key,
format and scale always give the same bytes (the random stream is seeded from
``SEED`` and the key, never from Python's salted ``hash``; XLSX timestamps are
pinned), so the demo portal, the tests and the desensitization benchmarks all see
the same data.

All people here are invented. Resident IDs (居民身份证号码) carry a valid
GB 11643 check digit and USCCs (统一社会信用代码) valid GB 32100 / GB 11714 check
characters, so the desensitization pipeline meets realistic values; names,
mobiles and addresses are random combinations. Institution phone numbers are
landlines of the 023 area, as public directories list them.

Plain Python + openpyxl; no CKAN import.
"""
from __future__ import annotations

import csv
import datetime as _dt
import io
import json
import random
import zipfile
import zlib
from typing import Callable, Dict, List

SEED = 20261128
#: Data in the files runs up to this day; fixed so the bytes never change.
DATA_END = _dt.date(2026, 11, 20)
XLSX_TIMESTAMP = _dt.datetime(2026, 11, 20, 9, 0, 0)

# ------------------------------------------------------------------ vocabulary
DISTRICTS = [  # (行政区划代码, name, centre lon, centre lat)
    ("500103", "渝中区", 106.5687, 29.5528), ("500104", "大渡口区", 106.4826, 29.4841),
    ("500105", "江北区", 106.5742, 29.6066), ("500106", "沙坪坝区", 106.4568, 29.5410),
    ("500107", "九龙坡区", 106.5110, 29.5020), ("500108", "南岸区", 106.5630, 29.5230),
    ("500109", "北碚区", 106.3962, 29.8057), ("500112", "渝北区", 106.6310, 29.7180),
    ("500113", "巴南区", 106.5400, 29.4023),
]
STREETS = ["解放碑", "朝天门", "观音桥", "三峡广场", "杨家坪", "南坪", "大坪", "石桥铺", "两路口",
           "红旗河沟", "龙头寺", "李家沱", "鱼洞", "北碚天生", "礼嘉", "大竹林", "茶园", "西永",
           "陈家桥", "九宫庙", "弹子石", "五里店", "冉家坝", "人和"]
ROADS = ["民生路", "中山一路", "建新北路", "渝州路", "石杨路", "南坪正街", "江南大道", "金开大道",
         "红锦大道", "北环大道", "嘉陵江滨江路", "长江滨江路", "科园一路", "汉渝路", "天生路",
         "鲁能大道", "黄山大道", "新牌坊路", "五红路", "学府大道", "龙华大道", "松石大道"]
SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程"
            "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛")
GIVEN = ("伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志红玉兰晨宇浩然子涵欣怡梓轩"
         "雨桐思远嘉怡俊杰文博一鸣诗琪佳琪雅婷鑫磊海燕春梅小龙德华卫东建军淑珍凤英")
BRANDS = ["渝", "巴", "山城", "嘉陵", "长江", "两江", "缙云", "南山", "鹅岭", "朝天", "锦程", "鼎泰",
          "恒信", "华宇", "瑞丰", "兴隆", "宏达", "博远", "聚鑫", "天成", "云帆", "金桥", "海川", "新元"]
TRADES = [("科技", "软件开发；信息技术咨询服务；数据处理服务"),
          ("商贸", "日用百货销售；食品销售（仅销售预包装食品）"),
          ("餐饮管理", "餐饮服务；食品经营"), ("建筑工程", "建设工程施工；建筑劳务分包"),
          ("物流", "道路货物运输（不含危险货物）；国内货物运输代理"),
          ("医药", "药品零售；第二类医疗器械销售"), ("文化传媒", "广告设计、代理；组织文化艺术交流活动"),
          ("汽车服务", "机动车修理和维护；汽车零配件零售"), ("教育咨询", "教育咨询服务（不含涉许可审批的教育培训活动）"),
          ("农业开发", "蔬菜种植；水果种植；农产品的生产、销售"), ("环保科技", "环境保护监测；污水处理及其再生利用"),
          ("物业管理", "物业管理；停车场服务")]
MOBILE_PREFIXES = ["130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152",
                   "153", "155", "156", "157", "158", "159", "166", "173", "177", "180", "181", "182",
                   "183", "185", "186", "187", "188", "189", "191", "198", "199"]


# ------------------------------------------------------------------ identifiers
ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
ID_CHECK = "10X98765432"


def id_check_digit(first17: str) -> str:
    """GB 11643 (ISO 7064 MOD 11-2) check character of a resident ID."""
    return ID_CHECK[sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS)) % 11]


def valid_resident_id(value: str) -> bool:
    s = str(value).strip().upper()
    if len(s) != 18 or not s[:17].isdigit():
        return False
    try:
        _dt.date(int(s[6:10]), int(s[10:12]), int(s[12:14]))
    except ValueError:
        return False
    return id_check_digit(s[:17]) == s[17]


USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]


def org_code_check(body8: str) -> str:
    """GB 11714 check character of an organization code (组织机构代码)."""
    def val(c):
        return int(c) if c.isdigit() else ord(c) - 55
    r = 11 - sum(val(c) * w for c, w in zip(body8, ORG_WEIGHTS)) % 11
    return "X" if r == 10 else ("0" if r == 11 else str(r))


def uscc_check(first17: str) -> str:
    """GB 32100 check character of a unified social credit code."""
    r = 31 - sum(USCC_CHARS.index(c) * w for c, w in zip(first17, USCC_WEIGHTS)) % 31
    return USCC_CHARS[0 if r == 31 else r]


def valid_uscc(value: str) -> bool:
    s = str(value).strip().upper()
    if len(s) != 18 or any(c not in USCC_CHARS for c in s):
        return False
    return uscc_check(s[:17]) == s[17] and org_code_check(s[8:16]) == s[16]


# ------------------------------------------------------------------ fake values
class Faker:
    """Small, seeded source of Chongqing-flavoured fake values."""

    def __init__(self, rng: random.Random):
        self.r = rng
        self._ids: set = set()

    def pick(self, seq):
        return self.r.choice(seq)

    def district(self):
        return self.pick(DISTRICTS)

    def name(self):
        n = self.r.choice((1, 2, 2))
        return self.pick(SURNAMES) + "".join(self.pick(GIVEN) for _ in range(n))

    def gender(self):
        return self.pick(("男", "女"))

    def birth(self, min_age=18, max_age=70):
        days = self.r.randint(min_age * 365, max_age * 365)
        return DATA_END - _dt.timedelta(days=days)

    def resident_id(self, birth: _dt.date = None, gender: str = None, region: str = None):
        birth = birth or self.birth()
        region = region or self.district()[0]
        while True:
            seq = self.r.randint(0, 999)
            if gender == "男" and seq % 2 == 0:
                seq += 1
            elif gender == "女" and seq % 2 == 1:
                seq -= 1
            first = f"{region}{birth:%Y%m%d}{seq % 1000:03d}"
            rid = first + id_check_digit(first)
            if rid not in self._ids:
                self._ids.add(rid)
                return rid

    def mobile(self):
        return self.pick(MOBILE_PREFIXES) + f"{self.r.randint(0, 99999999):08d}"

    def landline(self):
        return f"023-{self.r.choice('4678')}{self.r.randint(0, 9999999):07d}"

    def address(self, district=None):
        d = district or self.district()
        return (f"重庆市{d[1]}{self.pick(STREETS)}街道{self.pick(ROADS)}{self.r.randint(1, 399)}号"
                + (f"{self.r.randint(1, 32)}-{self.r.randint(1, 8)}" if self.r.random() < 0.5 else ""))

    def lonlat(self, district=None, spread=0.04):
        d = district or self.district()
        return (round(d[2] + self.r.uniform(-spread, spread), 6),
                round(d[3] + self.r.uniform(-spread, spread), 6))

    def uscc(self, dept="9", kind="1", region=None):
        region = region or self.district()[0]
        body = "".join(self.pick("0123456789ABCDEFGHJKLMNPQRTUWXY"[:10 + 8]) for _ in range(8))
        first = dept + kind + region + body + org_code_check(body)
        return first + uscc_check(first)

    def company(self, district=None):
        d = district or self.district()
        trade, scope = self.pick(TRADES)
        return f"重庆{self.pick(BRANDS)}{self.pick(BRANDS)}{trade}有限公司", scope

    def date_between(self, start: _dt.date, end: _dt.date):
        return start + _dt.timedelta(days=self.r.randint(0, (end - start).days))

    def plate(self):
        """A Chongqing plate (GA 36): 渝A·5 characters, or a small new-energy 渝A·D/F + 5."""
        letters = "ABCDEFGHJKLMNPQRSTUVWXYZ"
        digits = "0123456789"
        city = self.pick("ABCDFGH")
        if self.r.random() < 0.35:  # new energy: D/F, a letter or digit, then 4 digits
            return ("渝" + city + self.pick("DF") + self.pick(letters + digits)
                    + "".join(self.pick(digits) for _ in range(4)))
        body = [self.pick(digits) for _ in range(5)]
        for i in self.r.sample(range(5), self.r.choice((0, 1, 1, 2))):
            body[i] = self.pick(letters)
        return "渝" + city + "".join(body)


def _add_years(d: _dt.date, years: int) -> _dt.date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


# ------------------------------------------------------------------ generators
# Each returns (columns, rows) or, for JSON, a JSON-able object.
GENERATORS: Dict[str, Callable] = {}


def generator(key):
    def deco(fn):
        GENERATORS[key] = fn
        return fn
    return deco


def _lines(f):
    lines = []
    for i in range(1, 61):
        no = f"{i * 10 + f.r.randint(0, 9)}路" if i % 7 else f"轨道{i // 7}号线接驳{i}路"
        lines.append(no)
    return lines


@generator("bus_stops")
def bus_stops(f, n):
    cols = ["线路编号", "线路名称", "方向", "站序", "站点编号", "站点名称", "经度", "纬度",
            "所属区县", "首班时间", "末班时间", "票价(元)"]
    rows, stop_no = [], 10000
    for li, line in enumerate(_lines(f)[:max(3, n // 50)]):
        d = f.district()
        stops = [f"{f.pick(STREETS)}{f.pick(('站', '路口站', '公交站', '枢纽站', '东站', '西站'))}"
                 for _ in range(f.r.randint(14, 32))]
        coords = [f.lonlat(d, 0.06) for _ in stops]
        first, last = f"06:{f.r.randint(0, 4)}0", f"2{f.r.randint(1, 3)}:{f.r.randint(0, 5)}0"
        fare = f.pick(("2", "2", "1", "3"))
        for direction, seq in (("上行", stops), ("下行", list(reversed(stops)))):
            cs = coords if direction == "上行" else list(reversed(coords))
            for k, (s, (lon, lat)) in enumerate(zip(seq, cs), 1):
                stop_no += 1
                rows.append([f"L{li + 1:04d}", line, direction, k, f"S{stop_no}", s, lon, lat,
                             d[1], first, last, fare])
    return cols, rows


@generator("bus_lines")
def bus_lines(f, n):
    out = []
    for li, line in enumerate(_lines(f)[:max(3, n // 50)]):
        d = f.district()
        out.append({"line_id": f"L{li + 1:04d}", "line_name": line, "district": d[1],
                    "district_code": d[0], "operator": f"重庆{f.pick(BRANDS)}公共交通有限公司",
                    "length_km": round(f.r.uniform(8, 36), 1), "stops": f.r.randint(14, 32),
                    "first_bus": f"06:{f.r.randint(0, 4)}0", "last_bus": f"2{f.r.randint(1, 3)}:00",
                    "fare_yuan": f.pick((1, 2, 2, 3)), "air_conditioned": f.r.random() < 0.9})
    return {"source": "市交通局", "updated": DATA_END.isoformat(), "lines": out}


@generator("traffic_flow")
def traffic_flow(f, n):
    cols = ["日期", "时段", "监测点编号", "道路名称", "方向", "车流量(辆)", "平均车速(km/h)", "交通拥堵指数"]
    points = [(f"JC{500 + i:04d}", f.pick(ROADS), f.pick(("东向西", "西向东", "南向北", "北向南")))
              for i in range(20)]
    days = max(1, n // (20 * 24))
    rows = []
    for dd in range(days, 0, -1):
        day = DATA_END - _dt.timedelta(days=dd - 1)
        for h in range(24):
            peak = 2.6 if h in (7, 8, 17, 18) else (0.25 if h < 6 else 1.0)
            for pid, road, direction in points:
                flow = int(f.r.gauss(900, 150) * peak)
                speed = max(8.0, round(55 - flow / 60 + f.r.uniform(-4, 4), 1))
                idx = round(min(10.0, max(0.5, flow / 420 + f.r.uniform(-0.3, 0.3))), 1)
                rows.append([day.isoformat(), f"{h:02d}:00-{h:02d}:59", pid, road, direction,
                             max(0, flow), speed, idx])
    return cols, rows


@generator("parking_lots")
def parking_lots(f, n):
    cols = ["停车场编号", "停车场名称", "地址", "区县", "行政区划代码", "经度", "纬度", "泊位数",
            "充电桩数", "收费标准", "开放时间", "管理单位联系电话"]
    rows = []
    for i in range(n):
        d = f.district()
        lon, lat = f.lonlat(d)
        kind = f.pick(("公共停车场", "地下停车库", "立体停车楼", "路内停车泊位", "P+R换乘停车场"))
        rows.append([f"P{d[0]}{i + 1:04d}", f"{f.pick(STREETS)}{kind}", f.address(d), d[1], d[0],
                     lon, lat, f.r.randint(30, 900), f.r.randint(0, 60),
                     f.pick(("首小时5元，之后每小时2元", "白天3元/小时，夜间1元/小时", "30分钟内免费，之后每小时4元",
                             "按次收费10元")), f.pick(("00:00-24:00", "07:00-22:00", "06:30-23:30")),
                     f.landline()])
    return cols, rows


@generator("metro_ridership")
def metro_ridership(f, n):
    cols = ["统计月份", "线路", "站点名称", "进站量(人次)", "出站量(人次)", "换乘量(人次)"]
    lines = ["1号线", "2号线", "3号线", "4号线", "5号线", "6号线", "9号线", "10号线", "环线", "国博线"]
    stations = {ln: [f"{f.pick(STREETS)}站" for _ in range(12)] for ln in lines}
    rows = []
    months = max(1, n // 120)
    for m in range(months, 0, -1):
        y, mo = DATA_END.year, DATA_END.month - m - 3  # published with a lag
        while mo <= 0:
            y, mo = y - 1, mo + 12
        for ln in lines:
            for st in stations[ln]:
                base = f.r.randint(60000, 900000)
                rows.append([f"{y}-{mo:02d}", ln, st, base, int(base * f.r.uniform(0.9, 1.1)),
                             int(base * f.r.uniform(0, 0.4))])
    return cols, rows


@generator("taxi_companies")
def taxi_companies(f, n):
    cols = ["企业名称", "统一社会信用代码", "法定代表人", "经营类别", "核定车辆数", "注册地址",
            "服务监督电话", "经营许可证号", "许可有效期至"]
    rows = []
    for i in range(n):
        d = f.district()
        rows.append([f"重庆{f.pick(BRANDS)}{f.pick(('出租汽车', '汽车运输', '客运', '出行服务'))}有限公司",
                     f.uscc(region=d[0]), f.name(), f.pick(("巡游出租汽车", "网络预约出租汽车", "巡游出租汽车")),
                     f.r.randint(20, 1200), f.address(d), f.landline(),
                     f"渝交运管许可字{500100 + i:06d}号",
                     f.date_between(_dt.date(2027, 1, 1), _dt.date(2031, 12, 31)).isoformat()])
    return cols, rows


@generator("ride_hailing_drivers")
def ride_hailing_drivers(f, n):
    cols = ["姓名", "性别", "公民身份号码", "手机号码", "网络预约出租汽车驾驶员证号", "初次领证日期",
            "有效期至", "服务平台", "车牌号码", "住址"]
    rows = []
    for _ in range(n):
        g, b = f.gender(), f.birth(23, 60)
        rid = f.resident_id(b, g)
        first = f.date_between(_dt.date(2017, 1, 1), _dt.date(2025, 12, 31))
        rows.append([f.name(), g, rid, f.mobile(), rid,  # the licence number is the holder's ID number
                     first.isoformat(), _add_years(first, 6).isoformat(),
                     f.pick(("某约车平台", "某出行平台", "某打车平台", "某聚合出行平台")), f.plate(), f.address()])
    return cols, rows


@generator("transit_card_trips")
def transit_card_trips(f, n):
    cols = ["交通卡号", "持卡人姓名", "公民身份号码", "手机号码", "卡类型", "乘车日期", "上车时间",
            "乘车线路", "上车站点", "下车站点", "交易金额(元)"]
    holders = []
    for _ in range(max(5, n // 8)):
        g = f.gender()
        holders.append((f"3100{f.r.randint(0, 10 ** 12 - 1):012d}", f.name(), f.resident_id(f.birth(8, 80), g),
                        f.mobile(), f.pick(("普通卡", "学生卡", "老年卡", "普通卡", "普通卡"))))
    lines = _lines(f)
    rows = []
    for _ in range(n):
        h = f.pick(holders)
        day = f.date_between(DATA_END - _dt.timedelta(days=30), DATA_END)
        rows.append([h[0], h[1], h[2], h[3], h[4], day.isoformat(),
                     f"{f.r.randint(6, 22):02d}:{f.r.randint(0, 59):02d}:{f.r.randint(0, 59):02d}",
                     f.pick(lines), f"{f.pick(STREETS)}站", f"{f.pick(STREETS)}站",
                     "0.00" if h[4] == "老年卡" else f.pick(("2.00", "1.80", "1.60", "3.00"))])
    return cols, rows


@generator("transport_projects")
def transport_projects(f, n):
    out = []
    for i in range(n):
        d = f.district()
        start = f.date_between(_dt.date(2021, 1, 1), _dt.date(2025, 6, 30))
        out.append({"project_code": f"2021-500000-48-01-{100000 + i:06d}",
                    "project_name": f"{f.pick(ROADS)}{f.pick(('改扩建工程', '快速化改造工程', '立交工程', '公交枢纽站工程', '人行天桥工程', '隧道工程'))}",
                    "district": d[1], "district_code": d[0],
                    "owner": f"重庆市{d[1]}{f.pick(('城市建设投资（集团）有限公司', '交通建设开发有限公司'))}",
                    "investment_10k_yuan": f.r.randint(800, 560000),
                    "start_date": start.isoformat(),
                    "planned_completion": _add_years(start, f.r.randint(1, 4)).isoformat(),
                    "status": f.pick(("前期工作", "在建", "在建", "已完工"))})
    return {"source": "市交通局", "year": DATA_END.year, "projects": out}


@generator("hospitals")
def hospitals(f, n):
    cols = ["机构名称", "统一社会信用代码", "机构类别", "医院等级", "经营性质", "地址", "区县", "行政区划代码",
            "联系电话", "经度", "纬度", "编制床位数", "诊疗科目"]
    rows = []
    for i in range(n):
        d = f.district()
        kind = f.pick(("综合医院", "中医医院", "妇幼保健院", "社区卫生服务中心", "专科医院", "乡镇卫生院"))
        level = {"社区卫生服务中心": "一级", "乡镇卫生院": "一级"}.get(kind, f.pick(("三级甲等", "三级乙等", "二级甲等", "二级乙等")))
        name = (f"重庆市{d[1]}{f.pick(STREETS)}{kind}" if kind in ("社区卫生服务中心", "乡镇卫生院")
                else f"重庆{f.pick(BRANDS)}{kind}")
        lon, lat = f.lonlat(d)
        rows.append([name, f.uscc("1", "2", d[0]), kind, level, f.pick(("非营利性", "非营利性", "营利性")),
                     f.address(d), d[1], d[0], f.landline(), lon, lat,
                     {"一": f.r.randint(0, 60), "二": f.r.randint(100, 600)}.get(level[0], f.r.randint(500, 3000)),
                     "；".join(f.r.sample(["内科", "外科", "妇产科", "儿科", "眼科", "口腔科", "中医科", "急诊医学科",
                                          "医学检验科", "医学影像科", "预防保健科", "康复医学科"], 4))])
    return cols, rows


@generator("vaccination_points")
def vaccination_points(f, n):
    cols = ["接种单位名称", "门诊类别", "地址", "区县", "行政区划代码", "咨询电话", "服务时间", "经度", "纬度",
            "提供疫苗"]
    rows = []
    for _ in range(n):
        d = f.district()
        lon, lat = f.lonlat(d)
        rows.append([f"{d[1]}{f.pick(STREETS)}社区卫生服务中心预防接种门诊",
                     f.pick(("儿童预防接种门诊", "成人预防接种门诊", "狂犬病暴露预防处置门诊", "产科接种室")),
                     f.address(d), d[1], d[0], f.landline(),
                     f.pick(("周一至周五 08:30-11:30，14:00-16:30", "周二、周四、周六 08:30-11:30")),
                     lon, lat, "；".join(f.r.sample(["乙肝疫苗", "卡介苗", "脊灰疫苗", "百白破疫苗", "麻腮风疫苗",
                                                    "流感疫苗", "狂犬病疫苗", "HPV疫苗", "肺炎球菌疫苗"], 3))])
    return cols, rows


@generator("vaccination_points_json")
def vaccination_points_json(f, n):
    cols, rows = vaccination_points(f, n)
    return {"source": "市卫生健康委", "updated": DATA_END.isoformat(),
            "points": [dict(zip(["name", "category", "address", "district", "district_code", "phone",
                                 "hours", "lon", "lat", "vaccines"], r)) for r in rows]}


@generator("physicians")
def physicians(f, n):
    cols = ["姓名", "性别", "公民身份号码", "手机号码", "医师资格证书编码", "执业证书编码", "执业类别",
            "执业范围", "主要执业机构", "注册日期"]
    rows = []
    for _ in range(n):
        g, b = f.gender(), f.birth(26, 65)
        rows.append([f.name(), g, f.resident_id(b, g), f.mobile(),
                     f"{b.year + 24}{f.r.randint(1, 3)}50{f.r.randint(0, 10 ** 9):09d}",
                     f"1{f.r.randint(0, 10 ** 14 - 1):014d}",
                     f.pick(("临床", "中医", "口腔", "公共卫生")),
                     f.pick(("内科专业", "外科专业", "妇产科专业", "儿科专业", "眼耳鼻咽喉科专业", "中医专业",
                             "口腔专业", "全科医学专业")),
                     f"重庆{f.pick(BRANDS)}{f.pick(('综合医院', '中医医院', '妇幼保健院'))}",
                     f.date_between(_dt.date(2005, 1, 1), _dt.date(2026, 6, 30)).isoformat()])
    return cols, rows


@generator("infectious_stats")
def infectious_stats(f, n):
    cols = ["统计月份", "病种", "类别", "发病数", "死亡数", "发病率(1/10万)"]
    diseases = [("病毒性肝炎", "乙类"), ("肺结核", "乙类"), ("梅毒", "乙类"), ("细菌性和阿米巴性痢疾", "乙类"),
                ("猩红热", "乙类"), ("手足口病", "丙类"), ("流行性感冒", "丙类"), ("其它感染性腹泻病", "丙类"),
                ("流行性腮腺炎", "丙类"), ("登革热", "乙类")]
    rows = []
    for m in range(max(1, n // len(diseases)), 0, -1):
        y, mo = DATA_END.year, DATA_END.month - m - 4
        while mo <= 0:
            y, mo = y - 1, mo + 12
        for dz, cat in diseases:
            c = f.r.randint(0, 3200)
            rows.append([f"{y}-{mo:02d}", dz, cat, c, f.r.randint(0, 3) if c > 1500 else 0,
                         round(c / 3213.34, 2)])
    return cols, rows


ICD = [("I10.x00", "原发性高血压"), ("E11.900", "2型糖尿病"), ("J18.900", "肺炎"), ("K35.800", "急性阑尾炎"),
       ("I63.900", "脑梗死"), ("I25.103", "冠状动脉粥样硬化性心脏病"), ("O80.000", "单胎顺产"),
       ("N20.000", "肾结石"), ("S72.000", "股骨颈骨折"), ("C34.900", "肺恶性肿瘤"), ("K80.200", "胆囊结石"),
       ("J44.100", "慢性阻塞性肺病伴急性加重")]


@generator("inpatient_records")
def inpatient_records(f, n):
    cols = ["病案号", "姓名", "性别", "出生日期", "公民身份号码", "联系电话", "现住址", "入院日期", "出院日期",
            "主要诊断编码", "主要诊断名称", "医疗机构名称", "住院总费用(元)", "医保类型"]
    rows = []
    hospitals_ = [f"重庆{f.pick(BRANDS)}{f.pick(('综合医院', '中医医院', '人民医院'))}" for _ in range(12)]
    for i in range(n):
        code, dx = f.pick(ICD)
        g, b = (("女", f.birth(20, 42)) if code.startswith("O") else (f.gender(), f.birth(1, 95)))
        adm = f.date_between(_dt.date(2025, 1, 1), DATA_END - _dt.timedelta(days=20))
        rows.append([f"BA{2025000000 + i:010d}", f.name(), g, b.isoformat(), f.resident_id(b, g), f.mobile(),
                     f.address(), adm.isoformat(), (adm + _dt.timedelta(days=f.r.randint(2, 19))).isoformat(),
                     code, dx, f.pick(hospitals_), f"{f.r.uniform(1800, 98000):.2f}",
                     f.pick(("职工基本医疗保险", "城乡居民基本医疗保险", "自费"))])
    return cols, rows


@generator("birth_certificates")
def birth_certificates(f, n):
    cols = ["出生医学证明编号", "新生儿姓名", "性别", "出生日期", "出生体重(克)", "出生地点", "母亲姓名",
            "母亲公民身份号码", "父亲姓名", "父亲公民身份号码", "联系电话", "接生机构"]
    rows = []
    for i in range(n):
        born = f.date_between(_dt.date(2025, 1, 1), DATA_END)
        mother_b, father_b = f.birth(22, 40), f.birth(23, 45)
        surname = f.pick(SURNAMES)
        rows.append([f"Z50{2025000000 + i:010d}", surname + f.pick(GIVEN) + f.pick(GIVEN), f.gender(),
                     born.isoformat(), f.r.randint(2400, 4300), f"重庆市{f.district()[1]}",
                     f.name(), f.resident_id(mother_b, "女"), surname + f.pick(GIVEN) + f.pick(GIVEN),
                     f.resident_id(father_b, "男"), f.mobile(),
                     f"重庆{f.pick(BRANDS)}{f.pick(('妇幼保健院', '综合医院'))}"])
    return cols, rows


def _penalties(f, n, authority, basis, facts):
    cols = ["行政处罚决定书文号", "当事人名称", "统一社会信用代码", "违法行为类型", "违法事实", "处罚依据",
            "处罚类别", "罚款金额(万元)", "处罚决定日期", "处罚机关"]
    rows = []
    for i in range(n):
        name, _ = f.company()
        d = f.date_between(DATA_END - _dt.timedelta(days=365), DATA_END)
        kind, fact = f.pick(facts)
        rows.append([f"{authority[1]}〔{d.year}〕{i + 1:04d}号", name, f.uscc(), kind, fact, f.pick(basis),
                     f.pick(("警告", "罚款", "警告；罚款", "没收违法所得；罚款")), round(f.r.uniform(0.2, 30), 2),
                     d.isoformat(), authority[0]])
    return cols, rows


@generator("health_penalties")
def health_penalties(f, n):
    return _penalties(f, n, ("重庆市卫生健康委员会", "渝卫罚"),
                      ["《中华人民共和国基本医疗卫生法》第九十九条", "《公共场所卫生管理条例》第十四条",
                       "《医疗机构管理条例》第四十四条"],
                      [("公共场所卫生", "未按规定对顾客用品用具进行清洗、消毒"),
                       ("医疗机构管理", "使用非卫生技术人员从事医疗卫生技术工作"),
                       ("生活饮用水卫生", "供水单位未取得卫生许可证供水")])


@generator("market_penalties")
def market_penalties(f, n):
    cols, rows = _penalties(f, n, ("重庆市市场监督管理局", "渝市监处罚"),
                            ["《中华人民共和国食品安全法》第一百二十四条", "《中华人民共和国广告法》第五十五条",
                             "《中华人民共和国价格法》第四十条", "《中华人民共和国产品质量法》第五十条"],
                            [("食品安全", "经营超过保质期的食品"), ("虚假广告", "发布虚假广告，欺骗、误导消费者"),
                             ("价格违法", "不明码标价"), ("产品质量", "销售掺杂、掺假的产品")])
    keys = ["decision_no", "party", "uscc", "violation_type", "facts", "legal_basis", "penalty_type",
            "fine_10k_yuan", "decision_date", "authority"]
    return {"source": "市市场监管局", "updated": DATA_END.isoformat(),
            "records": [dict(zip(keys, r)) for r in rows]}


@generator("market_entities")
def market_entities(f, n):
    cols = ["统一社会信用代码", "企业名称", "市场主体类型", "法定代表人", "注册资本(万元)", "成立日期",
            "登记机关", "住所", "经营范围", "登记状态"]
    rows = []
    for _ in range(n):
        d = f.district()
        name, scope = f.company(d)
        rows.append([f.uscc(region=d[0]), name,
                     f.pick(("有限责任公司(自然人投资或控股)", "有限责任公司(自然人独资)", "股份有限公司(非上市)",
                             "有限责任公司(法人独资)")),
                     f.name(), f.pick((10, 50, 100, 200, 500, 1000, 3000)),
                     f.date_between(_dt.date(2000, 1, 1), DATA_END).isoformat(),
                     f"重庆市{d[1]}市场监督管理局", f.address(d), scope,
                     f.pick(("存续", "存续", "存续", "存续", "注销", "吊销"))])
    return cols, rows


@generator("food_inspections")
def food_inspections(f, n):
    cols = ["抽样编号", "食品名称", "食品大类", "规格型号", "生产日期/批号", "被抽样单位名称", "被抽样单位地址",
            "标称生产企业名称", "检验项目", "检验结果", "不合格项目‖检验结果‖标准值", "检验机构", "公告日期"]
    foods = [("挂面", "粮食加工品"), ("火锅底料", "调味品"), ("酸辣粉", "方便食品"), ("腊肉", "肉制品"),
             ("花椒", "调味品"), ("豆瓣酱", "调味品"), ("纯牛奶", "乳制品"), ("白酒", "酒类"),
             ("鸡蛋", "食用农产品"), ("大米", "粮食加工品"), ("榨菜", "蔬菜制品"), ("豆腐", "豆制品")]
    fails = ["菌落总数‖1.2×10⁵CFU/g‖≤10⁵CFU/g", "苯甲酸及其钠盐‖0.62g/kg‖不得使用",
             "过氧化值‖0.41g/100g‖≤0.25g/100g", "二氧化硫残留量‖0.12g/kg‖≤0.1g/kg"]
    rows = []
    for i in range(n):
        food, cat = f.pick(foods)
        ok = f.r.random() > 0.06
        d = f.district()
        rows.append([f"DC{DATA_END.year}50{i + 100000:07d}", food, cat,
                     f.pick(("500克/袋", "250克/袋", "1千克/袋", "散装称重", "250mL/盒", "500mL/瓶")),
                     f.date_between(_dt.date(2026, 1, 1), DATA_END).isoformat(),
                     f"{d[1]}{f.pick(BRANDS)}{f.pick(('超市', '农贸市场', '食品店', '便利店'))}", f.address(d),
                     f"重庆{f.pick(BRANDS)}食品有限公司", f.pick(("微生物指标", "食品添加剂", "理化指标", "农药残留")),
                     "合格" if ok else "不合格", "" if ok else f.pick(fails),
                     f.pick(("重庆市食品药品检验检测研究院", "重庆市计量质量检测研究院")),
                     f.date_between(_dt.date(2026, 1, 1), DATA_END).isoformat()])
    return cols, rows


@generator("food_licenses")
def food_licenses(f, n):
    cols = ["许可证编号", "经营者名称", "统一社会信用代码", "经营场所", "主体业态", "经营项目",
            "发证机关", "发证日期", "有效期至"]
    rows = []
    for _ in range(n):
        d = f.district()
        issued = f.date_between(_dt.date(2021, 1, 1), DATA_END)
        rows.append([f"JY{f.r.choice('123')}{d[0]}{f.r.randint(0, 10 ** 7 - 1):07d}",
                     f.company(d)[0].replace("有限公司", "餐饮店") if f.r.random() < 0.4 else f.company(d)[0],
                     f.uscc(region=d[0]), f.address(d), f.pick(("餐饮服务经营者", "食品销售经营者", "单位食堂")),
                     f.pick(("预包装食品销售（含冷藏冷冻食品）", "热食类食品制售", "冷食类食品制售；热食类食品制售")),
                     f"重庆市{d[1]}市场监督管理局", issued.isoformat(), _add_years(issued, 5).isoformat()])
    return cols, rows


@generator("sole_proprietors")
def sole_proprietors(f, n):
    cols = ["字号名称", "统一社会信用代码", "经营者姓名", "经营者公民身份号码", "经营者手机号码", "经营场所",
            "组成形式", "经营范围", "登记日期", "登记机关"]
    rows = []
    for _ in range(n):
        d = f.district()
        g, b = f.gender(), f.birth(20, 68)
        name = f.name()
        rows.append([f"{d[1]}{name[:1]}记{f.pick(('小面馆', '水果店', '五金店', '理发店', '便利店', '火锅店', '裁缝铺'))}",
                     f.uscc("9", "2", d[0]), name, f.resident_id(b, g), f.mobile(), f.address(d),
                     f.pick(("个人经营", "个人经营", "家庭经营")), f.pick(TRADES)[1],
                     f.date_between(_dt.date(2012, 1, 1), DATA_END).isoformat(), f"重庆市{d[1]}市场监督管理局"])
    return cols, rows


@generator("air_quality")
def air_quality(f, n):
    cols = ["日期", "监测站点", "区县", "行政区划代码", "AQI", "空气质量级别", "首要污染物", "PM2.5(μg/m³)",
            "PM10(μg/m³)", "SO2(μg/m³)", "NO2(μg/m³)", "CO(mg/m³)", "O3_8h(μg/m³)"]
    stations = [(f"{d[1]}{f.pick(STREETS)}站", d) for d in DISTRICTS for _ in range(2)]
    rows = []
    for dd in range(max(1, n // len(stations)), 0, -1):
        day = DATA_END - _dt.timedelta(days=dd - 1)
        winter = day.month in (12, 1, 2)
        for st, d in stations:
            pm25 = max(5, int(f.r.gauss(62 if winter else 32, 14)))
            pm10 = int(pm25 * f.r.uniform(1.3, 1.8))
            o3 = max(10, int(f.r.gauss(70 if winter else 120, 25)))
            aqi = max(int(pm25 * 1.35), int(o3 * 0.65))
            level = ("优" if aqi <= 50 else "良" if aqi <= 100 else "轻度污染" if aqi <= 150 else "中度污染")
            first = "—" if aqi <= 50 else ("PM2.5" if pm25 * 1.35 >= o3 * 0.65 else "O3_8h")
            rows.append([day.isoformat(), st, d[1], d[0], aqi, level, first, pm25, pm10, f.r.randint(4, 15),
                         f.r.randint(15, 60), round(f.r.uniform(0.4, 1.4), 1), o3])
    return cols, rows


@generator("water_quality")
def water_quality(f, n):
    cols = ["监测月份", "断面名称", "所在水体", "水质类别", "pH", "溶解氧(mg/L)", "高锰酸盐指数(mg/L)",
            "氨氮(mg/L)", "总磷(mg/L)", "是否达标"]
    sections = [("朱沱", "长江"), ("寸滩", "长江"), ("清溪场", "长江"), ("北温泉", "嘉陵江"), ("大溪沟", "嘉陵江"),
                ("金子", "乌江"), ("万木", "乌江"), ("高洞", "綦江"), ("江津大桥", "长江"), ("两河口", "涪江")]
    rows = []
    for m in range(max(1, n // len(sections)), 0, -1):
        y, mo = DATA_END.year, DATA_END.month - m - 4
        while mo <= 0:
            y, mo = y - 1, mo + 12
        for s, river in sections:
            cls = f.pick(("Ⅱ类", "Ⅱ类", "Ⅱ类", "Ⅲ类"))
            rows.append([f"{y}-{mo:02d}", s, river, cls, round(f.r.uniform(7.2, 8.4), 2),
                         round(f.r.uniform(6.5, 9.5), 1), round(f.r.uniform(1.2, 3.4), 1),
                         round(f.r.uniform(0.05, 0.45), 3), round(f.r.uniform(0.03, 0.12), 3), "是"])
    return cols, rows


@generator("discharge_permits")
def discharge_permits(f, n):
    out = []
    for _ in range(n):
        d = f.district()
        name, _ = f.company(d)
        issued = f.date_between(_dt.date(2021, 1, 1), DATA_END)
        out.append({"permit_no": f"{f.uscc(region=d[0])}001{f.pick('PVUWQ')}", "company": name,
                    "district": d[1], "district_code": d[0],
                    "industry": f.pick(("汽车制造业", "电子器件制造", "食品制造业", "污水处理及其再生利用", "火力发电",
                                        "医药制造业")),
                    "management_class": f.pick(("重点管理", "简化管理")),
                    "pollutants": f.r.sample(["化学需氧量", "氨氮", "二氧化硫", "氮氧化物", "颗粒物",
                                              "挥发性有机物", "总磷"], 3),
                    "issued": issued.isoformat(), "valid_until": _add_years(issued, 5).isoformat()})
    return {"source": "市生态环境局", "updated": DATA_END.isoformat(), "permits": out}


@generator("radiation_sources")
def radiation_sources(f, n):
    cols = ["使用单位名称", "统一社会信用代码", "放射源编码", "核素名称", "出厂活度(Bq)", "放射源类别",
            "用途", "使用场所地址", "经度", "纬度", "辐射安全许可证号", "辐射安全负责人", "负责人手机号码"]
    rows = []
    for i in range(n):
        d = f.district()
        lon, lat = f.lonlat(d)
        nuc = f.pick(("Co-60", "Cs-137", "Ir-192", "Am-241", "Se-75"))
        rows.append([f.company(d)[0], f.uscc(region=d[0]), f"0{f.r.randint(1, 9)}CQ{f.r.randint(0, 10 ** 6):06d}",
                     nuc, f"{f.r.uniform(1, 9.9):.2f}E+{f.r.randint(9, 14)}", f.pick(("Ⅱ类", "Ⅲ类", "Ⅳ类", "Ⅴ类")),
                     f.pick(("工业探伤", "料位计", "医疗放疗", "测井", "核子秤")), f.address(d), lon, lat,
                     f"渝环辐证[{f.r.randint(10000, 99999)}]", f.name(), f.mobile()])
    return cols, rows


@generator("job_postings")
def job_postings(f, n):
    cols = ["岗位编号", "招聘单位", "统一社会信用代码", "岗位名称", "招聘人数", "学历要求", "薪资范围(元/月)",
            "工作地点", "发布日期", "截止日期", "单位联系电话"]
    jobs = ["软件开发工程师", "数据分析师", "护士", "公交驾驶员", "会计", "销售代表", "仓库管理员", "焊工",
            "电工", "厨师", "幼儿教师", "客服专员", "物业管理员", "快递员", "机械操作工"]
    rows = []
    for i in range(n):
        d = f.district()
        pub = f.date_between(DATA_END - _dt.timedelta(days=60), DATA_END)
        low = f.r.randint(30, 120) * 100
        rows.append([f"GW{pub:%Y%m%d}{i:05d}", f.company(d)[0], f.uscc(region=d[0]), f.pick(jobs),
                     f.r.randint(1, 20), f.pick(("不限", "高中及以上", "大专及以上", "本科及以上", "硕士及以上")),
                     f"{low}-{low + f.r.randint(10, 60) * 100}", f"重庆市{d[1]}", pub.isoformat(),
                     (pub + _dt.timedelta(days=30)).isoformat(), f.landline()])
    return cols, rows


@generator("training_institutions")
def training_institutions(f, n):
    cols = ["机构名称", "统一社会信用代码", "办学许可证号", "培训职业(工种)", "地址", "区县", "联系电话", "评价等级"]
    rows = []
    for i in range(n):
        d = f.district()
        rows.append([f"重庆市{d[1]}{f.pick(BRANDS)}职业培训学校", f.uscc("5", "2", d[0]),
                     f"{d[0]}{i + 1:07d}", "；".join(f.r.sample(["电工", "焊工", "中式烹调师", "保育师", "育婴员",
                                                               "养老护理员", "美发师", "网约配送员", "电子商务师"], 3)),
                     f.address(d), d[1], f.landline(), f.pick(("A级", "B级", "B级", "C级"))])
    return cols, rows


@generator("insurance_stats")
def insurance_stats(f, n):
    cols = ["统计季度", "区县", "行政区划代码", "企业职工基本养老保险参保人数", "城乡居民基本养老保险参保人数",
            "失业保险参保人数", "工伤保险参保人数", "基金收入(亿元)"]
    rows = []
    for q in range(max(1, n // len(DISTRICTS)), 0, -1):
        y, qq = DATA_END.year, 3 - q  # last published quarter: 2026 Q2 → overdue duty on the dashboard
        while qq <= 0:
            y, qq = y - 1, qq + 4
        for d in DISTRICTS:
            base = f.r.randint(180000, 1200000)
            rows.append([f"{y}年第{qq}季度", d[1], d[0], base, int(base * f.r.uniform(0.3, 0.7)),
                         int(base * f.r.uniform(0.4, 0.6)), int(base * f.r.uniform(0.5, 0.8)),
                         round(base / 100000 * f.r.uniform(0.8, 1.2), 2)])
    return cols, rows


@generator("insurance_contributions")
def insurance_contributions(f, n):
    cols = ["个人社保编号", "姓名", "性别", "公民身份号码", "手机号码", "参保单位名称", "单位统一社会信用代码",
            "险种", "缴费月份", "缴费基数(元)", "个人缴费(元)", "单位缴费(元)"]
    people = []
    for _ in range(max(5, n // 6)):
        g, b = f.gender(), f.birth(20, 60)
        d = f.district()
        people.append((f"50{f.r.randint(0, 10 ** 10):010d}", f.name(), g, f.resident_id(b, g, d[0]), f.mobile(),
                       f.company(d)[0], f.uscc(region=d[0])))
    rows = []
    for i in range(n):
        p = people[i % len(people)]
        base = f.r.randint(4300, 25000)
        month = DATA_END.month - (i // len(people)) % 6
        rows.append([*p, f.pick(("企业职工基本养老保险", "失业保险", "职工基本医疗保险")),
                     f"{DATA_END.year}-{max(1, month):02d}", base, round(base * 0.08, 2), round(base * 0.16, 2)])
    return cols, rows


@generator("unemployment_benefits")
def unemployment_benefits(f, n):
    cols = ["姓名", "性别", "公民身份号码", "手机号码", "户籍地址", "原工作单位", "失业登记日期",
            "领取起始月份", "核定领取期限(月)", "月发放金额(元)", "经办机构"]
    rows = []
    for _ in range(n):
        g, b = f.gender(), f.birth(20, 59)
        d = f.district()
        reg = f.date_between(DATA_END - _dt.timedelta(days=400), DATA_END)
        rows.append([f.name(), g, f.resident_id(b, g, d[0]), f.mobile(), f.address(d), f.company()[0],
                     reg.isoformat(), f"{reg:%Y-%m}", f.pick((3, 6, 12, 18, 24)), f.pick((1953, 1953, 2025)),
                     f"重庆市{d[1]}就业和人才服务局"])
    return cols, rows


@generator("wage_survey")
def wage_survey(f, n):
    cols = ["调查年度", "企业名称", "统一社会信用代码", "行业门类", "职业", "从业人数", "年平均工资(元)",
            "工资中位数(元)", "企业规模"]
    rows = []
    for _ in range(n):
        d = f.district()
        avg = f.r.randint(48000, 260000)
        rows.append([DATA_END.year - 1, f.company(d)[0], f.uscc(region=d[0]),
                     f.pick(("制造业", "信息传输、软件和信息技术服务业", "批发和零售业", "建筑业", "住宿和餐饮业",
                             "交通运输、仓储和邮政业")),
                     f.pick(("专业技术人员", "办事人员", "社会生产服务和生活服务人员", "生产制造及有关人员")),
                     f.r.randint(5, 3000), avg, int(avg * f.r.uniform(0.75, 0.95)),
                     f.pick(("大型", "中型", "小型", "微型"))])
    return cols, rows


@generator("annual_report_finance")
def annual_report_finance(f, n):
    cols = ["统一社会信用代码", "企业名称", "年报年度", "资产总额(万元)", "负债总额(万元)", "营业总收入(万元)",
            "利润总额(万元)", "净利润(万元)", "纳税总额(万元)", "是否公示"]
    rows = []
    for _ in range(n):
        d = f.district()
        assets = round(f.r.uniform(50, 90000), 2)
        revenue = round(assets * f.r.uniform(0.2, 1.6), 2)
        profit = round(revenue * f.r.uniform(-0.1, 0.18), 2)
        rows.append([f.uscc(region=d[0]), f.company(d)[0], DATA_END.year - 1, assets,
                     round(assets * f.r.uniform(0.1, 0.8), 2), revenue, profit, round(profit * 0.75, 2),
                     round(revenue * f.r.uniform(0.01, 0.06), 2), "否"])
    return cols, rows


@generator("employment_stations")
def employment_stations(f, n):
    cols = ["站点名称", "所属街道", "地址", "服务内容", "服务时间", "联系电话", "经度", "纬度"]
    d = DISTRICTS[0]
    streets = ["解放碑", "朝天门", "七星岗", "上清寺", "大溪沟", "菜园坝", "南纪门", "两路口", "大坪", "化龙桥", "石油路"]
    rows = []
    for i in range(n):
        st = streets[i % len(streets)]
        lon, lat = f.lonlat(d, 0.02)
        rows.append([f"{st}街道{f.pick(('社区', '就业'))}服务站{i // len(streets) + 1}号", f"{st}街道",
                     f.address(d), f.pick(("求职登记；职业指导；政策咨询", "失业登记；就业困难人员认定", "创业担保贷款受理；技能培训报名")),
                     "周一至周五 09:00-12:00，14:00-17:30", f.landline(), lon, lat])
    return cols, rows


# ------------------------------------------------------------------ documents
DOCUMENTS = {
    "transport_plan_pdf": ("重庆市交通建设项目年度计划说明", [
        "一、编制依据",
        "本计划依据市政府年度交通基础设施建设目标编制。",
        "二、主要内容",
        "计划安排城市道路、公交枢纽、轨道交通接驳等项目。",
        "三、数据说明",
        "本文件为扫描版说明，不属于机器可读格式。",
        "结构化项目清单请下载同一目录下的 JSON 资源。",
        "市交通局  2026年11月",
    ]),
}


def make_pdf(title: str, lines: List[str]) -> bytes:
    """A small valid PDF (one A4 page) with Chinese text in the Adobe-GB1 base font
    STSong-Light (no embedding needed). Hand-written objects, exact xref offsets."""
    def hx(s):
        return "<" + s.encode("utf-16-be").hex().upper() + ">"
    ops = ["BT", "/F1 18 Tf", "72 770 Td", f"{hx(title)} Tj", "/F1 12 Tf", "0 -20 TL"]
    ops += ["T*"] + [f"{hx(line)} '" for line in lines] + ["ET"]
    content = "\n".join(ops).encode("ascii")
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length " + str(len(content)).encode() + b" >>\nstream\n" + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H "
        b"/DescendantFonts [6 0 R] >>",
        b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light "
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> "
        b"/FontDescriptor 7 0 R >>",
        b"<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880] "
        b"/ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objs) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


# ------------------------------------------------------------------ rendering
def rng_for(key: str, seed: int = SEED) -> random.Random:
    return random.Random(seed * 1_000_003 + zlib.crc32(key.encode("utf-8")))


def rows_for(key: str, n: int, seed: int = SEED):
    return GENERATORS[key](Faker(rng_for(key, seed)), n)


def to_csv(cols, rows) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(cols)
    w.writerows(rows)
    return buf.getvalue().encode("utf-8")


def to_xlsx(cols, rows, sheet="数据") -> bytes:
    import openpyxl
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append(cols)
    for r in rows:
        ws.append(r)
    wb.properties.creator = "GovOpen demo"
    wb.properties.created = XLSX_TIMESTAMP
    wb.properties.modified = XLSX_TIMESTAMP
    raw = io.BytesIO()
    wb.save(raw)
    # Pin the zip entries' timestamps, and core.xml's, so the bytes are reproducible.
    import re
    src = zipfile.ZipFile(io.BytesIO(raw.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*",
                              rb"\g<1>" + XLSX_TIMESTAMP.strftime("%Y-%m-%dT%H:%M:%SZ").encode(), data)
            info = zipfile.ZipInfo(item.filename, date_time=XLSX_TIMESTAMP.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            dst.writestr(info, data)
    return out.getvalue()


def render(key: str, fmt: str, n: int = 0, seed: int = SEED) -> bytes:
    """The bytes of one demo file: generator ``key`` rendered as ``fmt``."""
    fmt = fmt.upper()
    if fmt == "PDF":
        title, lines = DOCUMENTS[key]
        return make_pdf(title, lines)
    data = rows_for(key, n, seed)
    if fmt == "JSON":
        if isinstance(data, tuple):
            cols, rows = data
            data = [dict(zip(cols, r)) for r in rows]
        return json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")
    cols, rows = data
    if fmt == "CSV":
        return to_csv(cols, rows)
    if fmt == "XLSX":
        return to_xlsx(cols, rows)
    raise ValueError(f"unsupported demo format {fmt}")


EXTENSIONS = {"CSV": "csv", "XLSX": "xlsx", "JSON": "json", "PDF": "pdf"}


def scaled(rows: int, scale: float) -> int:
    return max(5, int(round(rows * scale)))
