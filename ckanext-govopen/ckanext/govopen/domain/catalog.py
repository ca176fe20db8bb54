"""Rules of the catalog entry (目录) that are not about access: what a valid entry
needs, when an entry is overdue for update, which formats are machine-readable,
and what a 6-digit administrative division code (行政区划代码) must look like.

Plain Python, no CKAN: validators and views in ``logic/`` translate.
"""
from __future__ import annotations

import datetime as _dt
import re
from typing import Iterable, Mapping, Optional

from . import open_types as ot

try:  # Python ≥3.9
    from zoneinfo import ZoneInfo
    SHANGHAI = ZoneInfo("Asia/Shanghai")
except Exception:  # pragma: no cover
    SHANGHAI = _dt.timezone(_dt.timedelta(hours=8))

# ---------------------------------------------------------------- messages
#: code → (zh, en). Validators show the one matching the request's language.
MESSAGES = {
    "legal_basis_required": (
        "有条件开放和不予开放的目录必须填写开放依据（法律、法规或政策及其条款）。",
        "A conditional or not-open entry needs a legal basis (the law, regulation or "
        "policy and its article)."),
    "open_conditions_required": (
        "有条件开放的目录必须填写开放条件。",
        "A conditional entry needs its open conditions."),
    "open_type_required": (
        "请选择开放类型（无条件开放、有条件开放或不予开放）。",
        "Choose an open type (unconditional, conditional or not_open)."),
    "unknown_open_type": (
        "未知的开放类型，应为：无条件开放、有条件开放或不予开放。",
        "Unknown open type: use unconditional, conditional or not_open."),
    "unknown_share_type": (
        "未知的共享类型，应为：无条件共享、有条件共享或不予共享。",
        "Unknown share type: use unconditional, conditional or not_shared."),
    "share_legal_basis_required": (
        "有条件共享和不予共享的目录必须填写共享依据。",
        "A conditional or not-shared entry needs a legal basis for sharing."),
    "share_conditions_required": (
        "有条件共享的目录必须填写共享条件。",
        "A conditionally shared entry needs its sharing conditions."),
    "spatial_code_format": (
        "行政区划代码应为6位数字。",
        "The administrative division code must be 6 digits."),
    "spatial_code_province": (
        "行政区划代码的前两位不是有效的省级代码。",
        "The first two digits of the administrative division code are not a valid "
        "province code."),
    "record_count": (
        "数据量应为不小于0的整数。", "The record count must be an integer ≥ 0."),
    "date_format": (
        "日期格式应为 YYYY-MM-DD。", "Dates must be written YYYY-MM-DD."),
    "temporal_order": (
        "时间范围的结束日期不能早于开始日期。",
        "The end of the temporal coverage cannot be before its start."),
    "open_type_change_reason_required": (
        "变更开放类型时必须填写变更原因。",
        "Changing the open type needs a reason."),
    "share_type_change_reason_required": (
        "变更共享类型时必须填写变更原因。",
        "Changing the share type needs a reason."),
    "unknown_choice": ("不是允许的选项。", "Not an allowed choice."),
}


def message(code: str, lang: str = "zh_Hans_CN") -> str:
    zh, en = MESSAGES[code]
    return en if (lang or "").startswith("en") else zh


def _blank(v) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def entry_problems(entry: Mapping) -> dict:
    """Cross-field rules of a catalog entry. Returns {field: [code, ...]}."""
    problems: dict = {}

    def add(f, c):
        problems.setdefault(f, []).append(c)

    open_type = entry.get("open_type")
    if open_type not in ot.OPEN_TYPES:
        add("open_type", "unknown_open_type")
    if open_type in (ot.CONDITIONAL, ot.NOT_OPEN) and _blank(entry.get("legal_basis")):
        add("legal_basis", "legal_basis_required")
    if open_type == ot.CONDITIONAL and _blank(entry.get("open_conditions")):
        add("open_conditions", "open_conditions_required")

    share_type = entry.get("share_type")
    if not _blank(share_type):
        if share_type not in ot.SHARE_TYPES:
            add("share_type", "unknown_share_type")
        if share_type in ("conditional", "not_shared") and _blank(entry.get("share_legal_basis")):
            add("share_legal_basis", "share_legal_basis_required")
        if share_type == "conditional" and _blank(entry.get("share_conditions")):
            add("share_conditions", "share_conditions_required")

    start, end = entry.get("temporal_start"), entry.get("temporal_end")
    if not _blank(start) and not _blank(end):
        try:
            if parse_date(end) < parse_date(start):
                add("temporal_end", "temporal_order")
        except ValueError:
            pass
    return problems


#: the fields whose change needs a reason and is recorded (who, when, old → new, why):
#: the open type (开放类型) and the share type (共享类型) follow the same rules
TYPE_CHANGE_FIELDS = ("open_type", "share_type")


def type_change_problem(field: str, old: Optional[str], new: Optional[str],
                        reason: Optional[str]) -> Optional[str]:
    """A change of open or share type on update needs a reason; creation does not."""
    if field not in TYPE_CHANGE_FIELDS:
        raise ValueError(field)
    if old and new and old != new and _blank(reason):
        return "%s_change_reason_required" % field
    return None


def open_type_change_problem(old: Optional[str], new: Optional[str],
                             reason: Optional[str]) -> Optional[str]:
    return type_change_problem("open_type", old, new, reason)


# ---------------------------------------------------------------- dates
def parse_date(value) -> _dt.date:
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    s = str(value).strip()
    if not re.match(r"^\d{4}-\d{2}-\d{2}", s):
        raise ValueError(value)
    return _dt.date.fromisoformat(s[:10])


def to_shanghai(value) -> Optional[_dt.datetime]:
    """A CKAN timestamp (naive UTC ISO string or datetime) in Asia/Shanghai."""
    if value in (None, ""):
        return None
    if isinstance(value, str):
        value = _dt.datetime.fromisoformat(value)
    if isinstance(value, _dt.date) and not isinstance(value, _dt.datetime):
        value = _dt.datetime.combine(value, _dt.time())
        return value.replace(tzinfo=SHANGHAI)
    if value.tzinfo is None:
        value = value.replace(tzinfo=_dt.timezone.utc)
    return value.astimezone(SHANGHAI)


def today_shanghai(now: Optional[_dt.datetime] = None) -> _dt.date:
    now = now or _dt.datetime.now(_dt.timezone.utc)
    return to_shanghai(now).date()


# ---------------------------------------------------------------- update duty
UPDATE_CYCLES = ("realtime", "daily", "weekly", "monthly", "quarterly", "yearly", "irregular")
UPDATE_CYCLE_LABELS = {
    "realtime": ("实时", "Real time"), "daily": ("每日", "Daily"),
    "weekly": ("每周", "Weekly"), "monthly": ("每月", "Monthly"),
    "quarterly": ("每季度", "Quarterly"), "yearly": ("每年", "Yearly"),
    "irregular": ("不定期", "Irregular"),
}
#: Longest allowed age, in days, of the last data update. A one-day grace for
#: realtime/daily; calendar months/quarters/years rounded up (31/92/366).
MAX_AGE_DAYS = {"realtime": 1, "daily": 1, "weekly": 7, "monthly": 31,
                "quarterly": 92, "yearly": 366, "irregular": None}


def last_data_update(entry: Mapping) -> Optional[_dt.date]:
    """The entry's ``last_data_update`` or, if absent, the newest resource change
    (``last_modified`` or ``created``), as a date in Asia/Shanghai."""
    v = entry.get("last_data_update")
    if not _blank(v):
        try:
            return parse_date(v)
        except ValueError:
            pass
    newest = None
    for res in entry.get("resources") or []:
        for key in ("last_modified", "created"):
            ts = res.get(key)
            if ts:
                d = to_shanghai(ts).date()
                newest = d if newest is None or d > newest else newest
                break
    return newest


def due_date(entry: Mapping) -> Optional[_dt.date]:
    days = MAX_AGE_DAYS.get(entry.get("update_cycle") or "")
    last = last_data_update(entry)
    if days is None or last is None:
        return None
    return last + _dt.timedelta(days=days)


def is_overdue(entry: Mapping, today: Optional[_dt.date] = None) -> bool:
    """Overdue: the last data update is older than the update cycle allows. An
    entry with a cycle but no data at all is overdue too; irregular never is."""
    days = MAX_AGE_DAYS.get(entry.get("update_cycle") or "")
    if days is None:
        return False
    today = today or today_shanghai()
    last = last_data_update(entry)
    if last is None:
        return True
    return (today - last).days > days


def update_status(entry: Mapping, today: Optional[_dt.date] = None) -> dict:
    today = today or today_shanghai()
    last = last_data_update(entry)
    due = due_date(entry)
    return {"last_data_update": last.isoformat() if last else None,
            "due_date": due.isoformat() if due else None,
            "overdue": is_overdue(entry, today),
            "update_cycle": entry.get("update_cycle")}


# ---------------------------------------------------------------- formats
MACHINE_READABLE = {"CSV", "JSON", "XML", "XLSX", "XLS", "RDF", "TTL", "JSONLD",
                    "GEOJSON", "TSV", "ODS", "PARQUET"}
NOT_MACHINE_READABLE = {"PDF", "DOC", "DOCX", "JPG", "JPEG", "PNG", "GIF", "BMP",
                        "TIF", "TIFF", "PPT", "PPTX", "WPS", "OFD", "HTML", "TXT"}


def normalize_format(fmt) -> str:
    s = (fmt or "").strip().upper().lstrip(".")
    aliases = {"JSON-LD": "JSONLD", "RDF/XML": "RDF", "TURTLE": "TTL",
               "TEXT/CSV": "CSV", "APPLICATION/JSON": "JSON", "IMAGE/PNG": "PNG",
               "IMAGE/JPEG": "JPEG", "APPLICATION/PDF": "PDF"}
    return aliases.get(s, s)


def format_readability(fmt) -> str:
    """'machine' | 'not_machine' | 'unknown'."""
    f = normalize_format(fmt)
    if f in MACHINE_READABLE:
        return "machine"
    if f in NOT_MACHINE_READABLE:
        return "not_machine"
    return "unknown"


# ---------------------------------------------------------------- divisions
#: Province-level codes of GB/T 2260 (incl. HK 81, Macao 82, Taiwan 71).
PROVINCE_CODES = {
    "11": "北京市", "12": "天津市", "13": "河北省", "14": "山西省", "15": "内蒙古自治区",
    "21": "辽宁省", "22": "吉林省", "23": "黑龙江省",
    "31": "上海市", "32": "江苏省", "33": "浙江省", "34": "安徽省", "35": "福建省",
    "36": "江西省", "37": "山东省",
    "41": "河南省", "42": "湖北省", "43": "湖南省", "44": "广东省", "45": "广西壮族自治区",
    "46": "海南省",
    "50": "重庆市", "51": "四川省", "52": "贵州省", "53": "云南省", "54": "西藏自治区",
    "61": "陕西省", "62": "甘肃省", "63": "青海省", "64": "宁夏回族自治区",
    "65": "新疆维吾尔自治区",
    "71": "台湾省", "81": "香港特别行政区", "82": "澳门特别行政区",
}


def spatial_code_problem(code) -> Optional[str]:
    s = "" if code is None else str(code).strip()
    if not re.fullmatch(r"\d{6}", s):
        return "spatial_code_format"
    if s[:2] not in PROVINCE_CODES:
        return "spatial_code_province"
    return None


#: CKAN licence ids → their names (zh, en): CKAN's own zh catalog leaves them in English
LICENSE_TITLES = {
    "cc-by": ("知识共享署名 4.0（CC BY 4.0）", "Creative Commons Attribution 4.0 (CC BY 4.0)"),
    "cc-by-sa": ("知识共享署名-相同方式共享（CC BY-SA）", "Creative Commons Attribution Share-Alike"),
    "cc-zero": ("知识共享零权利声明（CC0）", "Creative Commons CCZero"),
    "cc-nc": ("知识共享署名-非商业性使用（CC BY-NC）", "Creative Commons Non-Commercial"),
    "odc-by": ("开放数据共享署名许可（ODC-BY）", "Open Data Commons Attribution License"),
    "odc-odbl": ("开放数据库许可（ODbL）", "Open Data Commons Open Database License (ODbL)"),
    "odc-pddl": ("开放数据共享公有领域贡献及许可（PDDL）", "Open Data Commons Public Domain Dedication and License"),
    "other-open": ("其他（开放）", "Other (Open)"),
    "other-pd": ("其他（公有领域）", "Other (Public Domain)"),
    "other-at": ("其他（署名）", "Other (Attribution)"),
    "other-nc": ("其他（非商业性）", "Other (Non-Commercial)"),
    "other-closed": ("其他（不开放）", "Other (Not Open)"),
    "notspecified": ("未指定许可协议", "License not specified"),
}


def license_title(license_id, zh: bool = True) -> Optional[str]:
    pair = LICENSE_TITLES.get(license_id or "")
    return (pair[0] if zh else pair[1]) if pair else None


def division_label(code) -> str:
    """A division code in people's words: 500000 → 重庆市; a code below the province
    level keeps its digits after the province's name (500103 → 重庆市 500103), since
    only province names are known here; anything else is returned as given."""
    s = "" if code is None else str(code).strip()
    if spatial_code_problem(s):
        return s
    province = PROVINCE_CODES[s[:2]]
    return province if s[2:] == "0000" else "%s %s" % (province, s)


def themes_and_categories() -> dict:  # for docs/tests; the YAML holds labels
    return {"resource_category": ("basic", "theme", "department")}


def negative_list_rows(entries: Iterable[Mapping]) -> list:
    """Rows of the negative list (负面清单) from catalog entries (already visible)."""
    rows = []
    for e in entries:
        if not ot.on_negative_list(e.get("open_type")):
            continue
        org = e.get("organization") or {}
        rows.append({
            "id": e.get("id"), "name": e.get("name"), "title": e.get("title"),
            "organization": org.get("name") if isinstance(org, Mapping) else org,
            "organization_title": org.get("title") if isinstance(org, Mapping) else None,
            "open_type": e.get("open_type"),
            "open_type_label": ot.OPEN_TYPE_LABELS[e["open_type"]][0],
            "open_conditions": e.get("open_conditions") or "",
            "legal_basis": e.get("legal_basis") or "",
            "notes": e.get("notes") or "",
        })
    rows.sort(key=lambda r: (r["organization"] or "", r["open_type"], r["title"] or ""))
    return rows
