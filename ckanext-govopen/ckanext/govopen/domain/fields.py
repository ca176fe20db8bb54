"""Input fields, declared once: type, label (Chinese and English) and limits.

Every parameter of every ``govopen_*`` action is declared here or in its request
kind (``domain/kinds``: ``FieldSpec`` with ``max_length`` and labels), and
``logic/schema.py`` builds the actions' navl schemas from these declarations; the
request engine checks the kinds' fields with :func:`problem` too, and the forms
read the limits (``maxlength``). Catalog-entry fields declare theirs in the
scheming schema (``schemas/dataset.yaml``: ``max_length``), where their labels are.

Plain Python, no CKAN: :func:`problem` says what is wrong with one value (or
None), :func:`message` says it in Chinese or English, naming the field by its label.
"""
from __future__ import annotations

import datetime as _dt
import json
import math
from dataclasses import dataclass
from typing import Any, Dict, Mapping, Optional, Tuple

# ------------------------------------------------------------------ limits (characters)
ID = 128        # an id or a name (UUIDs have 36 characters, CKAN names at most 100)
CODE = 32       # a short code: a state, a kind, an open type, a date
SHORT = 200     # a name, a title, a contact, a place
TEXT = 2000     # a reason, a purpose, a description, conditions, a note
DOCUMENT = 65536  # a policy (YAML), a CSV sample
MAX_ITEMS = 50  # ids in one list (package_ids)

# types of action parameters; request kinds' fields use text | int | date | user
TYPES = frozenset({"text", "id", "int", "bool", "date", "datetime", "user", "ids", "object",
                   "file", "any"})
_DEFAULT_LENGTH = {"text": TEXT, "id": ID, "user": ID, "date": CODE, "datetime": CODE,
                   "object": DOCUMENT}
_TRUE = {"true", "1", "yes", "y", "on", "t"}
_FALSE = {"false", "0", "no", "n", "off", "f", ""}


@dataclass(frozen=True)
class Param:
    """One input field. ``max_length``: characters for text-like types (default by
    type), items for ``ids``; ``minimum``/``maximum``: the range of an ``int``."""
    name: str
    type: str
    label_zh: str
    label_en: str
    max_length: Optional[int] = None
    minimum: Optional[int] = None
    maximum: Optional[int] = None

    def __post_init__(self):
        if self.type not in TYPES:
            raise ValueError("field %s: unknown type %r" % (self.name, self.type))

    @property
    def limit(self) -> Optional[int]:
        if self.max_length is not None:
            return self.max_length
        return MAX_ITEMS if self.type == "ids" else _DEFAULT_LENGTH.get(self.type)

    def label(self, lang: str = "zh") -> str:
        return self.label_en if is_en(lang) else self.label_zh


def is_en(lang: Optional[str]) -> bool:
    return (lang or "").startswith("en")


# ------------------------------------------------------------------ messages
MESSAGES: Dict[str, Tuple[str, str]] = {
    "too_long": ("「{label}」不能超过 {max} 个字符（现为 {n} 个）",
                 "{label}: at most {max} characters ({n} given)"),
    "too_many": ("「{label}」最多 {max} 项（现为 {n} 项）", "{label}: at most {max} items ({n} given)"),
    "not_text": ("「{label}」应为文本", "{label} must be text"),
    "bad_text": ("「{label}」含有不允许的字符", "{label} contains characters that are not allowed"),
    "not_int": ("「{label}」应为整数", "{label} must be a whole number"),
    "out_of_range": ("「{label}」应在 {min} 到 {max} 之间", "{label} must be between {min} and {max}"),
    "not_bool": ("「{label}」应为 true 或 false", "{label} must be true or false"),
    "not_date": ("「{label}」应为日期（YYYY-MM-DD）", "{label} must be a date (YYYY-MM-DD)"),
    "not_datetime": ("「{label}」应为日期时间（YYYY-MM-DDTHH:MM:SS）",
                     "{label} must be a date and time (YYYY-MM-DDTHH:MM:SS)"),
    "not_ids": ("「{label}」应为标识列表", "{label} must be a list of ids"),
    "not_object": ("「{label}」应为对象（JSON）", "{label} must be an object (JSON)"),
    "not_file": ("「{label}」应为上传的文件", "{label} must be an uploaded file"),
    "not_scalar": ("「{label}」应为单个值，不能是列表或对象", "{label} must be a single value, not a list or object"),
}


def message(code: str, param: Param, lang: str = "zh", **kw) -> str:
    zh, en = MESSAGES[code]
    return (en if is_en(lang) else zh).format(label=param.label(lang), **kw)


Problem = Tuple[str, Dict[str, Any]]   # (message code, format arguments)


def _text_problem(value: str, limit: Optional[int]) -> Optional[Problem]:
    if "\x00" in value:
        return "bad_text", {}
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:   # lone surrogates (JSON "\ud800")
        return "bad_text", {}
    if limit is not None and len(value) > limit:
        return "too_long", {"max": limit, "n": len(value)}
    return None


def _as_int(value) -> Optional[int]:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if math.isfinite(value) and value.is_integer() and abs(value) < 2 ** 63 else None
    if isinstance(value, str):
        s = value.strip()
        if s[1:].isdigit() if s[:1] in "+-" else s.isdigit():
            if len(s) > 20:
                return None
            try:
                return int(s)
            except ValueError:  # non-ASCII digits
                return None
    return None


def check(param: Param, value: Any) -> Tuple[Optional[Problem], Any]:
    """→ (problem or None, the value converted to the declared type). ``None`` is
    always accepted (an absent value; whether it is required is the action's rule)."""
    if value is None:
        return None, None
    t = param.type
    if t == "any":
        return None, value
    if t == "file":
        if hasattr(value, "filename") or value == "":
            return None, value
        return ("not_file", {}), value
    if t in ("date", "datetime") and isinstance(value, _dt.date):
        return None, value   # a Python caller's date or datetime
    if t in ("text", "id", "user", "date", "datetime"):
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            return ("not_text", {}), value
        if isinstance(value, float) and not math.isfinite(value):
            return ("not_text", {}), value
        s = value if isinstance(value, str) else str(value)
        p = _text_problem(s, param.limit)
        if p:
            return p, value
        if t == "date" and s.strip():
            try:
                _dt.date.fromisoformat(s.strip()[:10])
            except ValueError:
                return ("not_date", {}), value
        if t == "datetime" and s.strip():
            try:
                _dt.datetime.fromisoformat(s.strip().replace("Z", "+00:00"))
            except ValueError:
                return ("not_datetime", {}), value
        return None, s
    if t == "int":
        n = _as_int(value)
        if n is None:
            return ("not_int", {}), value
        lo = param.minimum if param.minimum is not None else -(2 ** 31)
        hi = param.maximum if param.maximum is not None else 2 ** 31 - 1
        if not lo <= n <= hi:
            return ("out_of_range", {"min": lo, "max": hi}), value
        return None, n
    if t == "bool":
        if isinstance(value, bool):
            return None, value
        if isinstance(value, int) and value in (0, 1):
            return None, bool(value)
        if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
            return None, value.strip().lower() in _TRUE
        return ("not_bool", {}), value
    if t == "ids":
        items = value
        if isinstance(value, str):
            p = _text_problem(value, param.limit * (ID + 1))
            if p:
                return p, value
            items = [i for i in value.replace(",", " ").split() if i]
        if isinstance(items, tuple):
            items = list(items)
        if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
            return ("not_ids", {}), value
        if len(items) > param.limit:
            return ("too_many", {"max": param.limit, "n": len(items)}), value
        for i in items:
            p = _text_problem(i, ID)
            if p:
                return p, value
        return None, items
    if t == "object":
        if isinstance(value, str):
            p = _text_problem(value, param.limit)
            if p:
                return p, value
            try:
                value = json.loads(value)
            except (ValueError, RecursionError):
                return ("not_object", {}), value
        if not isinstance(value, dict):
            return ("not_object", {}), value
        if len(json.dumps(value, ensure_ascii=False, default=str)) > param.limit:
            return ("too_long", {"max": param.limit, "n": len(json.dumps(value, default=str))}), value
        return None, value
    raise AssertionError(t)  # pragma: no cover


def problem_message(param: Param, value: Any, lang: str = "zh") -> Optional[str]:
    """The message for what is wrong with ``value``, or None."""
    p, _ = check(param, value)
    return message(p[0], param, lang, **p[1]) if p else None


# ------------------------------------------------------------------ shared parameters
def P(name, type_, zh, en, **kw) -> Param:
    return Param(name, type_, zh, en, **kw)


ID_DATASET = P("id", "id", "数据集", "Dataset")
ID_RESOURCE = P("id", "id", "资源", "Resource")
ID_REQUEST = P("id", "id", "申请", "Request")
ID_DEMAND = P("id", "id", "数据需求", "Demand")
ID_GRANT = P("id", "id", "授权", "Grant")
PACKAGE_ID = P("package_id", "id", "数据集", "Dataset")
RESOURCE_ID = P("resource_id", "id", "资源", "Resource")
ORGANIZATION = P("organization", "id", "部门", "Department")
USER_ID = P("user_id", "id", "用户", "User")
KIND = P("kind", "id", "申请类型", "Request kind", max_length=CODE * 2)
STATE = P("state", "id", "状态", "State", max_length=CODE * 2)
JURISDICTION = P("jurisdiction", "id", "适用地区", "Jurisdiction", max_length=CODE * 2)
YEAR = P("year", "int", "年份", "Year", minimum=1900, maximum=2200)

# The parameters of each action that is not a request kind's generic create/act
# (those read the kind's FieldSpecs: see logic/schema.py). Parameters a kind also
# declares name the kind's field in ``KIND_FIELDS`` instead of repeating its limit.
ACTIONS: Mapping[str, Tuple[Param, ...]] = {
    # catalog and access
    "govopen_grant_create": (USER_ID, PACKAGE_ID, P("expires", "datetime", "有效期至", "Expires"),
                             P("request_id", "id", "申请", "Request")),
    "govopen_grant_revoke": (ID_GRANT,),
    "govopen_grant_list": (PACKAGE_ID, USER_ID),
    "govopen_access_check": (ID_DATASET, RESOURCE_ID),
    "govopen_negative_list": (ORGANIZATION,),
    "govopen_catalog": (ORGANIZATION,),
    "govopen_open_type_changes": (ID_DATASET,),
    "govopen_overdue_list": (ORGANIZATION,),
    # requests
    "govopen_application_create": (
        PACKAGE_ID, P("package_ids", "ids", "数据集", "Datasets"),
        P("applicant_type", "id", "申请人类型", "Applicant type", max_length=CODE),
        P("real_name", "text", "姓名", "Full name", max_length=SHORT),
        P("id_number", "text", "居民身份证号码", "Resident ID number", max_length=CODE),
        P("enterprise_name", "text", "企业名称", "Enterprise name", max_length=SHORT),
        P("uscc", "text", "统一社会信用代码", "Unified social credit code", max_length=CODE),
        P("attachment_url", "text", "附件", "Attachment", max_length=SHORT),
        P("upload", "file", "附件", "Attachment"),
        # issue 17: checked against the field dictionary by domain/grant_scope.parse
        P("columns", "any", "所需字段", "Columns"),
        P("row_filter", "object", "行筛选条件", "Row filter", max_length=TEXT)),
    "govopen_share_request_create": (
        PACKAGE_ID, P("requester_org_id", "id", "申请部门", "Requesting department"),
        P("requesting_org", "id", "申请部门", "Requesting department")),
    "govopen_share_request_options": (PACKAGE_ID,),
    "govopen_request_show": (ID_REQUEST,),
    "govopen_request_act": (ID_REQUEST, P("action", "id", "操作", "Action", max_length=CODE * 2)),
    "govopen_agreement_show": (ID_REQUEST,),
    "govopen_agreement_accept": (ID_REQUEST, P("sha256", "text", "协议摘要（SHA-256）", "Agreement SHA-256",
                                               max_length=CODE * 2)),
    "govopen_request_list": (P("scope", "id", "范围", "Scope", max_length=CODE), KIND, STATE,
                             ORGANIZATION, P("open_only", "bool", "仅看未办结", "Open only")),
    "govopen_my_grants": (),
    "govopen_department_grant_list": (ORGANIZATION,),
    "govopen_grant_download_list": (P("grant_id", "id", "授权", "Grant"),),
    "govopen_notification_list": (P("unread_only", "bool", "仅看未读", "Unread only"),),
    "govopen_notification_mark_read": (P("id", "id", "通知", "Notification"),
                                       P("all", "bool", "全部", "All")),
    "govopen_stats": (KIND, ORGANIZATION),
    "govopen_calendar_day_set": (P("day", "date", "日期", "Day"),
                                 P("workday", "bool", "是否工作日", "Working day"),
                                 P("name", "text", "名称", "Name", max_length=SHORT),
                                 P("source", "text", "依据（通知文号）", "Source (notice)", max_length=SHORT),
                                 JURISDICTION, P("delete", "bool", "删除", "Delete")),
    "govopen_calendar_year_set": (YEAR, P("official", "bool", "已录入官方安排", "Official schedule"),
                                  P("source", "text", "依据（通知文号）", "Source (notice)", max_length=SHORT),
                                  JURISDICTION),
    "govopen_calendar_list": (YEAR,),
    # demand board, reconsideration, objections, directions
    "govopen_demand_create": (PACKAGE_ID, P("title", "text", "需求名称", "Title", max_length=SHORT),
                              P("description", "text", "需求说明", "Description", max_length=TEXT),
                              P("suggested_org", "id", "建议提供部门", "Suggested department")),
    "govopen_demand_second": (ID_DEMAND, USER_ID, P("user", "id", "用户", "User")),
    "govopen_demand_show": (ID_DEMAND,),
    "govopen_demand_list": (ORGANIZATION, STATE, P("q", "text", "关键词", "Search words", max_length=SHORT),
                            PACKAGE_ID, P("limit", "int", "条数", "Limit", minimum=0, maximum=10000),
                            P("open_only", "bool", "仅看征集中", "Open only"),
                            P("mine", "bool", "仅看我提出或附议的", "Only mine")),
    "govopen_demand_route": (ID_DEMAND, P("org_id", "id", "部门", "Department")),
    "govopen_reconsideration_create": (P("request_id", "id", "原答复", "Original request"),),
    "govopen_objection_create": (PACKAGE_ID, RESOURCE_ID),
    "govopen_objection_list": (PACKAGE_ID,),
    "govopen_direction_list": (ORGANIZATION,),
    "govopen_direction_fulfil": (P("id", "id", "复核申请", "Reconsideration"),
                                 P("open_type", "id", "开放类型", "Open type", max_length=CODE),
                                 P("open_conditions", "text", "开放条件", "Open conditions", max_length=TEXT),
                                 P("reason", "text", "变更原因", "Reason for the change", max_length=TEXT)),
    # publication gate
    "govopen_publication_show": (ID_RESOURCE,),
    "govopen_publication_review": (ID_RESOURCE, P("checklist", "object", "保密审查清单", "Review checklist",
                                                  max_length=SHORT * 5),
                                   P("note", "text", "审查意见", "Review note", max_length=TEXT),
                                   P("k_anonymity_statement", "text", "k-匿名说明",
                                     "k-anonymity statement", max_length=TEXT)),
    "govopen_publication_rerun": (ID_RESOURCE,),
    "govopen_publication_list": (ID_DATASET,),
    "govopen_publication_events": (ID_RESOURCE, PACKAGE_ID),
    "govopen_publication_policy_show": (PACKAGE_ID, ORGANIZATION),
    "govopen_publication_policy_update": (PACKAGE_ID, ORGANIZATION,
                                          P("yaml", "text", "脱敏策略（YAML）", "Policy (YAML)",
                                            max_length=DOCUMENT)),
    "govopen_publication_policy_preview": (PACKAGE_ID, ORGANIZATION, RESOURCE_ID,
                                           P("yaml", "text", "脱敏策略（YAML）", "Policy (YAML)",
                                             max_length=DOCUMENT),
                                           P("rows", "int", "预览行数", "Rows", minimum=1, maximum=200),
                                           P("sample_csv", "text", "样例数据（CSV）", "Sample (CSV)",
                                             max_length=DOCUMENT)),
    "govopen_share_type_changes": (ID_DATASET,),
    "govopen_publication_queue": (ORGANIZATION,),
    # verified requesters (the high-demand threshold)
    "govopen_verification_status": (),
    "govopen_verification_send": (),
    "govopen_verification_mark": (USER_ID, P("method", "id", "核验方式", "Method", max_length=CODE),
                                  P("reference", "text", "核验凭据", "Reference", max_length=SHORT)),
    # the audit trail
    "govopen_audit_list": (P("event", "id", "事件", "Event", max_length=CODE * 2),
                           P("subject", "id", "对象", "Subject"),
                           # the action checks the range with its own message
                           P("limit", "text", "条数", "Limit", max_length=CODE)),
    "govopen_audit_verify": (),
    "govopen_audit_anchor_list": (),
    # issue 18: scorecards
    "govopen_scorecard": (ORGANIZATION, P("period_start", "date", "统计期起", "Period start"),
                          P("period_end", "date", "统计期止", "Period end")),
    "govopen_public_stats": (P("period_start", "date", "统计期起", "Period start"),
                             P("period_end", "date", "统计期止", "Period end")),
    "govopen_annual_report_generate": (P("year", "int", "年度", "Year", minimum=1900, maximum=2200), ORGANIZATION),
    "govopen_annual_report_show": (P("year", "int", "年度", "Year", minimum=1900, maximum=2200), ORGANIZATION),
    "govopen_annual_report_publish": (P("year", "int", "年度", "Year", minimum=1900, maximum=2200), ORGANIZATION),
    "govopen_annual_report_update": (P("year", "int", "年度", "Year", minimum=1900, maximum=2200), ORGANIZATION,
                                     P("narrative", "text", "情况说明", "Narrative", max_length=20000)),
    # application keys and API usage
    "govopen_app_create": (P("title", "text", "应用名称", "Title", max_length=SHORT),
                           P("description", "text", "应用说明", "Description")),
    "govopen_app_list": (),
    "govopen_app_delete": (P("id", "id", "应用", "App"),),
    "govopen_api_usage": (ORGANIZATION, PACKAGE_ID,
                          P("days", "int", "天数", "Days", minimum=1, maximum=366)),
}

# Action parameters that are a request kind's field: (action, parameter) →
# (kind, field). Their limit and label are the kind's (one declaration).
KIND_FIELDS: Mapping[Tuple[str, str], Tuple[str, str]] = {
    ("govopen_application_create", "purpose"): ("application", "purpose"),
    ("govopen_application_create", "scope"): ("application", "scope"),
    ("govopen_application_create", "period_start"): ("application", "period_start"),
    ("govopen_application_create", "period_end"): ("application", "period_end"),
    ("govopen_application_create", "security_measures"): ("application", "security_measures"),
    ("govopen_application_create", "contact"): ("application", "contact"),
    ("govopen_share_request_create", "purpose"): ("share_request", "purpose"),
    ("govopen_share_request_create", "scope"): ("share_request", "scope"),
    ("govopen_share_request_create", "legal_basis"): ("share_request", "legal_basis"),
    ("govopen_reconsideration_create", "reasons"): ("reconsideration", "reasons"),
    ("govopen_objection_create", "what"): ("objection", "description"),
    ("govopen_objection_create", "where"): ("objection", "where"),
    ("govopen_objection_create", "evidence"): ("objection", "evidence"),
}

MAX_INT_FIELD = 2 ** 31 - 1   # an int field of a request kind: 1 … this (a database integer);
# the kind's own rules bound it further (e.g. extension days by the jurisdiction)
