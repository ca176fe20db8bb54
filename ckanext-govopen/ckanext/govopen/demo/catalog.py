"""The demo catalog as data: departments, accounts, 32 catalog entries and the
demand board's demo demands and objection.

The story: a municipal open-data portal (Chongqing-like, 行政区划代码 50xxxx) where
five departments publish their catalogs under the competent authority 市大数据发展局.
Every open type appears; conditional and not-open entries cite the article of law
that restricts them; several entries hold (invented) personal data for the
desensitization pipeline; a few are overdue for their update cycle so the
update-duty dashboard has work to show.

Field names are those of ``schemas/dataset.yaml``. Keys the loader consumes and
does not send to CKAN: ``updated_days_ago`` (→ ``last_data_update`` relative to the
load day, so "overdue" stays overdue whatever day the demo is loaded) and
``resources`` (``gen`` = generator in ``generate.py``, ``rows`` = rows at scale 1;
or ``url`` for an external API).
"""

# ------------------------------------------------------------------ departments
ORGANIZATIONS = [
    {"name": "jiaotong", "title": "市交通局",
     "description": "负责全市道路、水路、轨道交通运输行业管理，公共交通、出租汽车和交通基础设施建设的数据提供部门。",
     "contact": ("市交通局数据管理科", "023-89181234", "data@jiaotong.demo.govopen.example")},
    {"name": "weijian", "title": "市卫生健康委",
     "description": "负责全市医疗机构、疾病预防控制、妇幼健康和卫生监督的数据提供部门。",
     "contact": ("市卫生健康委信息中心", "023-67706123", "data@weijian.demo.govopen.example")},
    {"name": "shichang", "title": "市市场监管局",
     "description": "负责市场主体登记、食品安全监管、行政执法等市场监督管理数据的提供部门。",
     "contact": ("市市场监管局信息化处", "023-63721456", "data@shichang.demo.govopen.example")},
    {"name": "huanjing", "title": "市生态环境局",
     "description": "负责环境质量监测、排污许可和辐射安全监管数据的提供部门。",
     "contact": ("市生态环境局监测处", "023-89181789", "data@huanjing.demo.govopen.example")},
    {"name": "renshe", "title": "市人力社保局",
     "description": "负责就业服务、职业技能培训和社会保险经办数据的提供部门。",
     "contact": ("市人力社保局信息中心", "023-86879345", "data@renshe.demo.govopen.example")},
]

# ------------------------------------------------------------------ accounts
#: DEMO-ONLY passwords, printed by `ckan govopen demo accounts`. Never reuse them.
AUTHORITY_TITLE = "市大数据发展局"
USERS = [
    {"name": "authority", "fullname": "市大数据发展局（主管部门）", "password": "Demo-2026-authority",
     "sysadmin": True, "kind": "authority", "role": ("主管部门", "competent authority"),
     "can": ("系统管理员：管理全部部门、目录、申请与审核、负面清单和更新督办",
             "sysadmin: every department, catalog entry, request, review, negative list and update duty")},
    {"name": "citizen", "fullname": "张三", "password": "Demo-2026-citizen", "kind": "citizen",
     "role": ("公民", "citizen"),
     "can": ("浏览和下载无条件开放数据；申请有条件开放数据；提出疑义",
             "browse and download unconditional data; apply for conditional data; raise objections")},
    {"name": "enterprise", "fullname": "某某科技有限公司", "password": "Demo-2026-enterprise", "kind": "enterprise",
     "role": ("企业", "enterprise"),
     "can": ("以企业身份申请有条件开放数据并使用已获批数据",
             "apply for conditional data as an enterprise and use approved grants")},
]
for _org in ORGANIZATIONS:
    _o, _t = _org["name"], _org["title"]
    USERS.append({"name": f"{_o}_editor", "fullname": f"{_t}数据编辑", "password": f"Demo-2026-{_o}-editor",
                  "kind": "department", "org": _o, "capacity": "editor",
                  "role": (f"{_t}编辑", f"{_o} department editor"),
                  "can": (f"编制和更新{_t}的数据目录、上传数据资源",
                          f"create and update {_o}'s catalog entries and upload resources")})
    USERS.append({"name": f"{_o}_admin", "fullname": f"{_t}审核管理员", "password": f"Demo-2026-{_o}-admin",
                  "kind": "department", "org": _o, "capacity": "admin",
                  "role": (f"{_t}审核员/管理员", f"{_o} department reviewer/admin"),
                  "can": (f"审核{_t}的开放申请、管理本部门成员和目录",
                          f"review {_o}'s applications, manage its members and catalog")})

# ------------------------------------------------------------------ legal bases
PIPL_13_25 = "《中华人民共和国个人信息保护法》第十三条、第二十五条"
PIPL_28 = "《中华人民共和国个人信息保护法》第二十八条"
DSL_21 = "《中华人民共和国数据安全法》第二十一条"
CQ_320 = "《重庆市公共数据开放管理暂行办法》（渝府令320号）第二十二条"
STATS_25 = "《中华人民共和国统计法》第二十五条"
MED_RECORDS = "《医疗机构病历管理规定》第六条"
SOCIAL_INS_81 = "《中华人民共和国社会保险法》第八十一条"
OGI_15 = "《中华人民共和国政府信息公开条例》第十五条"
EPIDEMIC_12 = "《中华人民共和国传染病防治法》第十二条"

SHARE_DUTY = "仅向因履行法定职责需要的政务部门共享，使用部门应明确用途并落实安全保护措施。"


def _r(name, fmt, gen, rows=0, description=""):
    return {"name": name, "format": fmt, "gen": gen, "rows": rows, "description": description}


# ------------------------------------------------------------------ datasets
DATASETS = [
    # ---------------------------------------------------------------- 市交通局
    {"name": "gongjiao-xianlu-zhandian", "title": "公共交通线路信息", "owner_org": "jiaotong",
     "notes": "全市常规公交线路及其上下行站点、站序、经纬度坐标、首末班时间和票价。",
     "resource_category": "basic", "theme": "transport", "tag_string": "公交,线路,站点,交通出行",
     "open_type": "unconditional", "share_type": "unconditional", "update_cycle": "monthly",
     "open_method": "download_api", "spatial_code": "500000", "temporal_start": "2024-01-01",
     "updated_days_ago": 12,
     "resources": [_r("公交线路站点表", "CSV", "bus_stops", 3000, "每条线路上下行的站点及坐标（GCJ-02）"),
                   _r("公交线路概况", "JSON", "bus_lines", 3000, "线路长度、运营单位、首末班时间")]},
    {"name": "chengshi-jiaotong-yunxing", "title": "城市交通运行数据", "owner_org": "jiaotong",
     "notes": "主城区重点路段监测点按小时统计的车流量、平均车速和交通拥堵指数。",
     "resource_category": "theme", "theme": "transport", "tag_string": "车流量,拥堵指数,交通运行",
     "open_type": "unconditional", "share_type": "unconditional", "update_cycle": "daily",
     "open_method": "download", "spatial_code": "500000", "temporal_start": "2026-11-01",
     "updated_days_ago": 9,  # overdue: daily data 9 days old
     "resources": [_r("重点路段小时车流量", "CSV", "traffic_flow", 9600, "近20日20个监测点逐小时数据")]},
    {"name": "shishi-gongjiao-daozhan", "title": "实时公交到站信息接口", "owner_org": "jiaotong",
     "notes": "按线路和站点查询车辆实时位置与预计到站时间的数据接口（外部服务示例）。",
     "resource_category": "theme", "theme": "transport", "tag_string": "公交,实时,接口",
     "open_type": "unconditional", "share_type": "unconditional", "update_cycle": "realtime",
     "open_method": "api", "spatial_code": "500000", "temporal_start": "2025-01-01",
     "updated_days_ago": 0,
     "resources": [{"name": "实时到站查询API", "format": "API",
                    "url": "https://api.example.org/cq-transit/v1/arrivals?line={line_id}&stop={stop_id}",
                    "description": "RESTful 接口，返回 JSON；需在平台申请应用密钥：登录后在“我的应用”（/dashboard/apps）"
                                   "创建应用获得密钥，调用方法见本数据集的“接口说明”页。"}]},
    {"name": "gonggong-tingchechang", "title": "公共停车场信息", "owner_org": "jiaotong",
     "notes": "经备案的公共停车场名称、位置、泊位数、充电桩数量、收费标准和开放时间。",
     "resource_category": "basic", "theme": "transport", "tag_string": "停车场,泊位,充电桩",
     "open_type": "unconditional", "share_type": "unconditional", "update_cycle": "quarterly",
     "open_method": "download", "spatial_code": "500000", "temporal_start": "2023-01-01",
     "updated_days_ago": 40,
     "resources": [_r("公共停车场名录", "CSV", "parking_lots", 800),
                   _r("公共停车场名录（Excel）", "XLSX", "parking_lots", 800)]},
    {"name": "guidao-jiaotong-keliu", "title": "轨道交通客流统计", "owner_org": "jiaotong",
     "notes": "各轨道交通线路、站点月度进出站量和换乘量。",
     "resource_category": "theme", "theme": "transport", "tag_string": "轨道交通,客流,地铁",
     "open_type": "unconditional", "share_type": "unconditional", "update_cycle": "monthly",
     "open_method": "download", "spatial_code": "500000", "temporal_start": "2025-07-01",
     "updated_days_ago": 125,  # overdue: monthly, last updated about 4 months ago
     "resources": [_r("轨道交通站点月客流", "XLSX", "metro_ridership", 720)]},
    {"name": "chuzu-qiche-qiye", "title": "出租汽车经营企业名录", "owner_org": "jiaotong",
     "notes": "取得经营许可的巡游出租汽车和网络预约出租汽车经营企业。",
     "resource_category": "department", "theme": "transport", "tag_string": "出租汽车,网约车,经营许可",
     "open_type": "unconditional", "share_type": "unconditional", "update_cycle": "monthly",
     "open_method": "download", "spatial_code": "500000", "temporal_start": "2020-01-01",
     "updated_days_ago": 20,
     "resources": [_r("出租汽车经营企业", "CSV", "taxi_companies", 160)]},
    {"name": "wangyueche-jiashiyuan", "title": "网络预约出租汽车驾驶员证信息", "owner_org": "jiaotong",
     "notes": "取得网络预约出租汽车驾驶员证的人员及其服务车辆信息，含个人身份信息，脱敏后按条件开放。",
     "resource_category": "department", "theme": "transport", "tag_string": "网约车,驾驶员,从业资格,个人信息",
     "open_type": "conditional",
     "open_conditions": "面向保险机构、科研机构和出行平台企业；须说明用途（如运营安全研究、保险精算），签署数据使用协议，"
                        "仅获得去标识化数据，不得重新识别个人身份，使用期限不超过一年。",
     "legal_basis": f"{PIPL_13_25}；{CQ_320}",
     "share_type": "conditional", "share_conditions": "向公安、应急管理部门共享用于执法和事故处置。",
     "share_legal_basis": "《网络预约出租汽车经营服务管理暂行办法》第二十六条",
     "update_cycle": "weekly", "open_method": "download", "spatial_code": "500000",
     "temporal_start": "2017-01-01", "updated_days_ago": 5,
     "resources": [_r("网约车驾驶员证信息", "CSV", "ride_hailing_drivers", 600)]},
    {"name": "gongjiao-ka-chuxing-jilu", "title": "公共交通卡刷卡出行记录", "owner_org": "jiaotong",
     "notes": "实名交通卡的乘车刷卡记录，属于个人行踪轨迹等敏感个人信息，不予开放。",
     "resource_category": "department", "theme": "transport", "tag_string": "交通卡,出行记录,敏感个人信息",
     "open_type": "not_open", "legal_basis": f"{PIPL_28}；{DSL_21}",
     "share_type": "not_shared", "share_legal_basis": PIPL_28,
     "update_cycle": "daily", "open_method": "download", "spatial_code": "500000",
     "temporal_start": "2026-10-21", "updated_days_ago": 1,
     "resources": [_r("刷卡出行记录（样本）", "CSV", "transit_card_trips", 1500)]},
    {"name": "jiaotong-jianshe-xiangmu", "title": "交通建设项目信息", "owner_org": "jiaotong",
     "notes": "年度城市道路、立交、公交枢纽等交通基础设施建设项目清单及说明文件。",
     "resource_category": "department", "theme": "urban_rural", "tag_string": "建设项目,基础设施,交通",
     "open_type": "unconditional", "share_type": "unconditional", "update_cycle": "yearly",
     "open_method": "download", "spatial_code": "500000", "temporal_start": "2021-01-01",
     "updated_days_ago": 500,  # overdue: yearly, last updated well over a year ago
     "resources": [_r("交通建设项目清单", "JSON", "transport_projects", 120),
                   _r("年度计划说明（扫描件）", "PDF", "transport_plan_pdf", 0, "非机器可读格式示例")]},
    # ---------------------------------------------------------------- 市卫生健康委
    {"name": "yiliao-jigou-minglu", "title": "医疗机构名录", "owner_org": "weijian",
     "notes": "全市医疗机构名称、类别、等级、地址、联系电话、床位数和诊疗科目。",
     "resource_category": "basic", "theme": "health", "tag_string": "医院,医疗机构,诊疗科目",
     "open_type": "unconditional", "share_type": "unconditional", "update_cycle": "monthly",
     "open_method": "download_api", "spatial_code": "500000", "temporal_start": "2020-01-01",
     "updated_days_ago": 15,
     "resources": [_r("医疗机构名录", "CSV", "hospitals", 900)]},
    {"name": "yufang-jiezhong-menzhen", "title": "预防接种门诊信息", "owner_org": "weijian",
     "notes": "预防接种门诊的地址、服务时间、咨询电话和可提供的疫苗品种。",
     "resource_category": "theme", "theme": "health", "tag_string": "疫苗,预防接种,门诊",
     "open_type": "unconditional", "share_type": "unconditional", "update_cycle": "monthly",
     "open_method": "download", "spatial_code": "500000", "temporal_start": "2024-01-01",
     "updated_days_ago": 8,
     "resources": [_r("预防接种门诊", "CSV", "vaccination_points", 300),
                   _r("预防接种门诊（JSON）", "JSON", "vaccination_points_json", 300)]},
    {"name": "zhiye-yishi-zhuce", "title": "执业医师注册信息", "owner_org": "weijian",
     "notes": "医师执业注册信息，含身份证号和手机号等个人信息；公众可在注册查询系统逐条核验，批量数据按条件开放。",
     "resource_category": "department", "theme": "health", "tag_string": "医师,执业注册,个人信息",
     "open_type": "conditional",
     "open_conditions": "面向医疗保障经办机构、商业保险公司和经伦理审查的医学科研机构；用于执业资格核验或卫生人力资源研究，"
                        "身份证号、手机号脱敏后提供。",
     "legal_basis": f"{PIPL_13_25}；{CQ_320}",
     "share_type": "unconditional", "update_cycle": "monthly", "open_method": "download",
     "spatial_code": "500000", "temporal_start": "2005-01-01", "updated_days_ago": 25,
     "resources": [_r("执业医师注册信息", "CSV", "physicians", 800)]},
    {"name": "fading-chuanranbing-tongji", "title": "法定传染病疫情月度统计", "owner_org": "weijian",
     "notes": "按病种统计的法定传染病月度发病数、死亡数和发病率（汇总数据，不含个人信息）。",
     "resource_category": "theme", "theme": "health", "tag_string": "传染病,疫情,统计",
     "open_type": "unconditional", "share_type": "unconditional", "update_cycle": "monthly",
     "open_method": "download", "spatial_code": "500000", "temporal_start": "2025-01-01",
     "updated_days_ago": 130,  # overdue
     "resources": [_r("法定传染病月度统计", "XLSX", "infectious_stats", 180)]},
    {"name": "zhuyuan-bingan-shouye", "title": "住院病案首页数据", "owner_org": "weijian",
     "notes": "医疗机构上报的住院病案首页，含患者身份、诊断和费用等医疗健康信息，不予开放。",
     "resource_category": "department", "theme": "health", "tag_string": "病案,诊断,医疗健康,敏感个人信息",
     "open_type": "not_open", "legal_basis": f"{MED_RECORDS}；{PIPL_28}",
     "share_type": "conditional",
     "share_conditions": "向医疗保障部门共享用于医保基金监管，向疾病预防控制机构共享用于疾病监测。",
     "share_legal_basis": f"{MED_RECORDS}；{EPIDEMIC_12}",
     "update_cycle": "monthly", "open_method": "download", "spatial_code": "500000",
     "temporal_start": "2025-01-01", "updated_days_ago": 18,
     "resources": [_r("住院病案首页（样本）", "CSV", "inpatient_records", 1200)]},
    {"name": "chusheng-yixue-zhengming", "title": "出生医学证明签发信息", "owner_org": "weijian",
     "notes": "出生医学证明签发记录，含新生儿及父母身份信息，去标识化后按条件开放用于出生缺陷防治研究。",
     "resource_category": "department", "theme": "health", "tag_string": "出生医学证明,妇幼健康,个人信息",
     "open_type": "conditional",
     "open_conditions": "仅面向经伦理委员会审查批准的医学科研机构，用于出生缺陷防治和妇幼健康研究；"
                        "在平台安全环境内使用去标识化数据，成果不得包含可识别个人的信息。",
     "legal_basis": f"{PIPL_28}；《中华人民共和国母婴保健法》第三十四条",
     "share_type": "conditional", "share_conditions": "向公安机关户政部门共享用于出生登记。",
     "share_legal_basis": "《中华人民共和国母婴保健法》第二十三条",
     "update_cycle": "monthly", "open_method": "download", "spatial_code": "500000",
     "temporal_start": "2025-01-01", "updated_days_ago": 10,
     "resources": [_r("出生医学证明签发记录", "CSV", "birth_certificates", 500)]},
    {"name": "weisheng-xingzheng-chufa", "title": "卫生健康行政处罚信息", "owner_org": "weijian",
     "notes": "卫生健康行政处罚决定书文号、当事人、违法事实、处罚依据和处罚结果。",
     "resource_category": "department", "theme": "health", "tag_string": "行政处罚,卫生监督,信用",
     "open_type": "unconditional", "share_type": "unconditional", "update_cycle": "weekly",
     "open_method": "download", "spatial_code": "500000", "temporal_start": "2025-11-01",
     "updated_days_ago": 3,
     "resources": [_r("卫生健康行政处罚", "CSV", "health_penalties", 300)]},
    # ---------------------------------------------------------------- 市市场监管局
    {"name": "shichang-zhuti-dengji", "title": "市场主体登记信息", "owner_org": "shichang",
     "notes": "企业统一社会信用代码、名称、类型、法定代表人、注册资本、成立日期、住所、经营范围和登记状态。",
     "resource_category": "basic", "theme": "market", "tag_string": "企业,统一社会信用代码,登记注册",
     "open_type": "unconditional", "share_type": "unconditional", "update_cycle": "daily",
     "open_method": "download_api", "spatial_code": "500000", "temporal_start": "2000-01-01",
     "updated_days_ago": 0,
     "resources": [_r("市场主体登记信息", "CSV", "market_entities", 3500)]},
    {"name": "shipin-anquan-choujian", "title": "食品安全监督抽检结果", "owner_org": "shichang",
     "notes": "食品安全监督抽检的样品、被抽样单位、检验项目和检验结论（含不合格项目及检测值）。",
     "resource_category": "theme", "theme": "market", "tag_string": "食品安全,抽检,不合格",
     "open_type": "unconditional", "share_type": "unconditional", "update_cycle": "monthly",
     "open_method": "download", "spatial_code": "500000", "temporal_start": "2026-01-01",
     "updated_days_ago": 14,
     "resources": [_r("食品安全监督抽检结果", "XLSX", "food_inspections", 1500)]},
    {"name": "shipin-jingying-xuke", "title": "食品经营许可证信息", "owner_org": "shichang",
     "notes": "食品经营许可证编号、经营者、经营场所、主体业态、经营项目和有效期。",
     "resource_category": "department", "theme": "market", "tag_string": "食品经营,许可证",
     "open_type": "unconditional", "share_type": "unconditional", "update_cycle": "weekly",
     "open_method": "download", "spatial_code": "500000", "temporal_start": "2021-01-01",
     "updated_days_ago": 30,  # overdue: weekly, a month old
     "resources": [_r("食品经营许可证", "CSV", "food_licenses", 1500)]},
    {"name": "shichang-jianguan-chufa", "title": "市场监管行政处罚信息", "owner_org": "shichang",
     "notes": "市场监管领域行政处罚决定信息，依《企业信息公示暂行条例》公示。",
     "resource_category": "department", "theme": "market", "tag_string": "行政处罚,信用监管",
     "open_type": "unconditional", "share_type": "unconditional", "update_cycle": "weekly",
     "open_method": "api", "spatial_code": "500000", "temporal_start": "2025-11-01",
     "updated_days_ago": 2,
     "resources": [_r("市场监管行政处罚", "JSON", "market_penalties", 300)]},
    {"name": "geti-gongshanghu-jingyingzhe", "title": "个体工商户经营者信息", "owner_org": "shichang",
     "notes": "个体工商户登记中的经营者姓名、身份证号和联系电话。字号、经营场所等已在登记信息中公示，经营者身份信息按条件开放。",
     "resource_category": "department", "theme": "market", "tag_string": "个体工商户,经营者,个人信息",
     "open_type": "conditional",
     "open_conditions": "面向金融机构和征信机构，用于小微经营主体信贷服务；须取得经营者授权，签署数据使用协议，"
                        "经平台接口逐条核验，不得批量留存。",
     "legal_basis": f"{PIPL_13_25}；{OGI_15}",
     "share_type": "unconditional", "update_cycle": "monthly", "open_method": "api",
     "spatial_code": "500000", "temporal_start": "2012-01-01", "updated_days_ago": 6,
     "resources": [_r("个体工商户经营者", "CSV", "sole_proprietors", 1000)]},
    {"name": "qiye-nianbao-caiwu", "title": "企业年度报告未公示财务数据", "owner_org": "shichang",
     "notes": "企业年度报告中企业选择不公示的资产总额、营业收入、纳税总额等财务数据，属于商业秘密，不予开放。",
     "resource_category": "department", "theme": "economy", "tag_string": "企业年报,商业秘密",
     "open_type": "not_open",
     "legal_basis": f"《企业信息公示暂行条例》第九条；{OGI_15}；《中华人民共和国反不正当竞争法》第九条",
     "share_type": "conditional", "share_conditions": "向税务、统计部门共享用于依法履职。",
     "share_legal_basis": "《企业信息公示暂行条例》第九条",
     "update_cycle": "yearly", "open_method": "download", "spatial_code": "500000",
     "temporal_start": "2014-01-01", "updated_days_ago": 150,
     "resources": [_r("企业年报未公示财务数据（样本）", "CSV", "annual_report_finance", 800)]},
    # ---------------------------------------------------------------- 市生态环境局
    {"name": "kongqi-zhiliang-ribao", "title": "空气质量日报", "owner_org": "huanjing",
     "notes": "各国控和市控监测站点每日AQI、空气质量级别、首要污染物及六项污染物浓度。",
     "resource_category": "theme", "theme": "environment", "tag_string": "空气质量,AQI,PM2.5",
     "open_type": "unconditional", "share_type": "unconditional", "update_cycle": "daily",
     "open_method": "download_api", "spatial_code": "500000", "temporal_start": "2025-11-21",
     "updated_days_ago": 0,
     "resources": [_r("空气质量日报", "CSV", "air_quality", 6570)]},
    {"name": "dibiaoshui-shuizhi-yuebao", "title": "地表水水质监测月报", "owner_org": "huanjing",
     "notes": "长江、嘉陵江、乌江等主要河流监测断面月度水质类别和主要指标。",
     "resource_category": "theme", "theme": "environment", "tag_string": "水质,断面,长江",
     "open_type": "unconditional", "share_type": "unconditional", "update_cycle": "monthly",
     "open_method": "download", "spatial_code": "500000", "temporal_start": "2025-07-01",
     "updated_days_ago": 22,
     "resources": [_r("地表水水质月报", "XLSX", "water_quality", 120)]},
    {"name": "paiwu-xukezheng", "title": "排污许可证信息", "owner_org": "huanjing",
     "notes": "排污单位的排污许可证编号、行业类别、管理类别、主要污染物和有效期。",
     "resource_category": "department", "theme": "environment", "tag_string": "排污许可,污染物",
     "open_type": "unconditional", "share_type": "unconditional", "update_cycle": "quarterly",
     "open_method": "download", "spatial_code": "500000", "temporal_start": "2021-01-01",
     "updated_days_ago": 200,  # overdue: quarterly, last updated about 7 months ago
     "resources": [_r("排污许可证", "JSON", "discharge_permits", 300)]},
    {"name": "fangsheyuan-anquan-jianguan", "title": "放射源安全监管信息", "owner_org": "huanjing",
     "notes": "放射源编码、核素、活度、使用场所位置和辐射安全负责人，公开可能危害公共安全，不予开放。",
     "resource_category": "department", "theme": "public_safety", "tag_string": "放射源,辐射安全",
     "open_type": "not_open",
     "legal_basis": f"{DSL_21}；《放射性同位素与射线装置安全和防护条例》；{OGI_15}",
     "share_type": "conditional", "share_conditions": "向公安、应急管理和卫生健康部门共享用于安全监管和应急处置。",
     "share_legal_basis": DSL_21,
     "update_cycle": "quarterly", "open_method": "download", "spatial_code": "500000",
     "temporal_start": "2020-01-01", "updated_days_ago": 45,
     "resources": [_r("放射源台账", "CSV", "radiation_sources", 150)]},
    # ---------------------------------------------------------------- 市人力社保局
    {"name": "gonggong-jiuye-zhaopin", "title": "公共就业招聘岗位信息", "owner_org": "renshe",
     "notes": "公共就业服务机构发布的招聘岗位、人数、学历要求、薪资范围和工作地点。",
     "resource_category": "theme", "theme": "social_security", "tag_string": "招聘,就业,岗位",
     "open_type": "unconditional", "share_type": "unconditional", "update_cycle": "daily",
     "open_method": "download_api", "spatial_code": "500000", "temporal_start": "2026-09-21",
     "updated_days_ago": 1,
     "resources": [_r("招聘岗位", "CSV", "job_postings", 2000)]},
    {"name": "zhiye-jineng-peixun-jigou", "title": "职业技能培训机构名录", "owner_org": "renshe",
     "notes": "经备案的民办职业技能培训机构、培训职业（工种）和评价等级。",
     "resource_category": "department", "theme": "education", "tag_string": "职业培训,技能,培训机构",
     "open_type": "unconditional", "share_type": "unconditional", "update_cycle": "irregular",
     "open_method": "download", "spatial_code": "500000", "temporal_start": "2019-01-01",
     "updated_days_ago": 300,
     "resources": [_r("职业技能培训机构", "CSV", "training_institutions", 200)]},
    {"name": "shehui-baoxian-canbao-tongji", "title": "社会保险参保情况统计", "owner_org": "renshe",
     "notes": "按区县统计的养老、失业、工伤保险参保人数和基金收入（汇总数据）。",
     "resource_category": "theme", "theme": "social_security", "tag_string": "社会保险,参保,统计",
     "open_type": "unconditional", "share_type": "unconditional", "update_cycle": "quarterly",
     "open_method": "download", "spatial_code": "500000", "temporal_start": "2024-01-01",
     "updated_days_ago": 150,  # overdue: quarterly, ~5 months
     "resources": [_r("社会保险参保统计", "XLSX", "insurance_stats", 90)]},
    {"name": "shebao-jiaofei-mingxi", "title": "社会保险个人缴费明细", "owner_org": "renshe",
     "notes": "参保人员个人缴费基数和缴费记录，涉及个人信息和单位经营信息，不予开放。",
     "resource_category": "department", "theme": "social_security", "tag_string": "社保缴费,个人信息",
     "open_type": "not_open", "legal_basis": f"{SOCIAL_INS_81}；{PIPL_13_25}",
     "share_type": "conditional", "share_conditions": SHARE_DUTY,
     "share_legal_basis": SOCIAL_INS_81,
     "update_cycle": "monthly", "open_method": "download", "spatial_code": "500000",
     "temporal_start": "2026-06-01", "updated_days_ago": 20,
     "resources": [_r("个人缴费明细（样本）", "CSV", "insurance_contributions", 1200)]},
    {"name": "shiye-baoxianjin-lingqu", "title": "失业保险金领取人员信息", "owner_org": "renshe",
     "notes": "失业保险金领取人员、领取期限和发放金额，用于就业帮扶；含个人信息，按条件开放。",
     "resource_category": "department", "theme": "social_security", "tag_string": "失业保险,就业帮扶,个人信息",
     "open_type": "conditional",
     "open_conditions": "面向承担就业援助任务的公益性就业服务机构和高校科研团队；用于就业帮扶和政策评估，"
                        "仅提供去标识化数据，应用成果报送市人力社保局。",
     "legal_basis": f"{PIPL_13_25}；{CQ_320}",
     "share_type": "conditional", "share_conditions": SHARE_DUTY, "share_legal_basis": SOCIAL_INS_81,
     "update_cycle": "monthly", "open_method": "download", "spatial_code": "500000",
     "temporal_start": "2025-10-01", "updated_days_ago": 11,
     "resources": [_r("失业保险金领取人员", "CSV", "unemployment_benefits", 700)]},
    {"name": "qiye-xinchou-diaocha", "title": "企业薪酬调查数据", "owner_org": "renshe",
     "notes": "企业薪酬调查的企业级数据，可识别调查对象，按条件向研究机构开放。",
     "resource_category": "theme", "theme": "economy", "tag_string": "薪酬,工资,统计调查",
     "open_type": "conditional",
     "open_conditions": "面向高校和科研机构，用于劳动力市场研究；签署保密承诺，企业名称和统一社会信用代码替换为匿名编号后提供。",
     "legal_basis": STATS_25,
     "share_type": "conditional", "share_conditions": "向统计部门共享汇总结果。", "share_legal_basis": STATS_25,
     "update_cycle": "yearly", "open_method": "download", "spatial_code": "500000",
     "temporal_start": "2025-01-01", "updated_days_ago": 60,
     "resources": [_r("企业薪酬调查", "XLSX", "wage_survey", 1200)]},
    {"name": "yuzhong-jiuye-fuwu-zhandian", "title": "渝中区就业服务站点", "owner_org": "renshe",
     "notes": "渝中区各街道、社区就业服务站点的地址、服务内容、服务时间和联系电话（区县级目录示例）。",
     "resource_category": "department", "theme": "social_security", "tag_string": "就业服务,渝中区",
     "open_type": "unconditional", "share_type": "unconditional", "update_cycle": "yearly",
     "open_method": "download", "spatial_code": "500103", "temporal_start": "2025-01-01",
     "updated_days_ago": 90,
     "resources": [_r("就业服务站点", "CSV", "employment_stations", 44)]},
]

#: Fields the loader does not send to CKAN as-is.
LOADER_KEYS = ("updated_days_ago", "resources")

# ------------------------------------------------------------------ demand board (数据需求) and objections
#: Invented members of the public who second the demo demand (“我也需要”) so that it
#: reaches the jurisdiction's high-demand threshold (10 distinct requesters in the demo
#: and Chongqing jurisdictions). They are not demo logins: the loader gives them random
#: passwords and `demo accounts` does not list them.
SECONDERS = [{"name": f"jumin{i:02d}", "fullname": n, "kind": "citizen"} for i, n in enumerate(
    ("李明", "王芳", "刘洋", "陈静", "杨帆", "赵磊", "黄丽", "周涛", "吴敏", "徐刚"), 1)]

#: A demand for a not_open entry, filed by ``by[0]`` and seconded by the others: with
#: the threshold reached a high-demand review opens, due on the department's dashboard.
#: The loader takes as many requesters as the threshold asks for (``by`` then SECONDERS).
DEMAND_REVIEW = {"package": "gongjiao-ka-chuxing-jilu", "by": ["citizen", "enterprise"]}

#: A demand for data not in the catalog, awaiting the competent authority's routing.
DEMAND_NOT_IN_CATALOG = {
    "title": "全市公共充电桩位置与实时空闲状态",
    "description": "希望开放全市公共充电站、充电桩的位置、功率、收费标准和实时空闲状态（接口或每日更新的文件），"
                   "用于新能源汽车出行导航和充电设施规划研究。",
    "suggested_org": "jiaotong", "by": "enterprise", "seconded_by": ["citizen", "jumin01", "jumin02"]}

#: A doubtful-data flag (疑义) on one resource of an unconditional entry.
OBJECTION = {
    "package": "gonggong-tingchechang", "resource": "公共停车场名录", "by": "citizen",
    "what": "部分停车场的收费标准与现场公示牌不一致（如解放碑片区地下停车库现场为首小时8元）",
    "where": "收费标准 列",
    "evidence": "2026年11月现场公示牌照片；市发展改革委停车收费备案价格"}
