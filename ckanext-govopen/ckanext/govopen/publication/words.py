"""The desensitization report in people's words (issue 14): what was found, what was
done to it, k-anonymity, and the gate's record, in Chinese (English second). Plain
functions of the report dicts; no CKAN import, no rule (the job decided everything)."""
from __future__ import annotations

import csv
from typing import Iterable, Mapping, Optional

ENTITY_LABELS = {
    "CN_PERSON_NAME": ("姓名", "Person name"),
    "CN_RESIDENT_ID": ("居民身份证号码", "Resident ID number"),
    "CN_MOBILE_PHONE": ("手机号码", "Mobile phone number"),
    "CN_LANDLINE": ("固定电话号码", "Landline number"),
    "CN_BANK_CARD": ("银行卡号", "Bank card number"),
    "CN_ADDRESS": ("地址", "Address"),
    "CN_PASSPORT": ("护照号码", "Passport number"),
    "CN_HK_MACAU_PERMIT": ("港澳通行证号码", "HK/Macao travel permit"),
    "CN_LICENSE_PLATE": ("机动车号牌", "Licence plate"),
    "CN_ORG_CODE": ("组织机构代码", "Organization code"),
    "CN_USCC": ("统一社会信用代码", "Unified social credit code"),
    "EMAIL_ADDRESS": ("电子邮箱", "E-mail address"),
    "IP_ADDRESS": ("IP 地址", "IP address"),
}

KIND_LABELS = {
    "structured": ("整列为个人信息", "whole column is personal data"),
    "free_text": ("文本中夹带个人信息", "personal data inside free text"),
    "plain": ("未发现个人信息", "no personal data found"),
}

GENERALIZE_TO = {"year": ("年份", "year"), "band": ("区间", "band"),
                 "division": ("行政区划", "division"), "subnet": ("网段", "subnet")}


def _pick(pair, zh: bool) -> str:
    return pair[0] if zh else pair[1]


def entity_label(entity: Optional[str], zh: bool = True) -> str:
    if not entity:
        return ""
    pair = ENTITY_LABELS.get(entity)
    return _pick(pair, zh) if pair else entity


def entity_counts(counts: Optional[Mapping], zh: bool = True) -> str:
    """{'CN_BANK_CARD': 193} → 银行卡号 193 处"""
    parts = []
    for entity, n in (counts or {}).items():
        parts.append(("%s %s 处" if zh else "%s ×%s") % (entity_label(entity, zh), n))
    return "、".join(parts) if zh else ", ".join(parts)


def column_finding(col: Mapping, zh: bool = True) -> str:
    """What was found in one column."""
    if col.get("entity_type"):
        return entity_label(col["entity_type"], zh)
    counts = entity_counts(col.get("counts") or col.get("spans"), zh)
    if counts:
        return counts
    pair = KIND_LABELS.get(col.get("kind") or "plain")
    return _pick(pair, zh) if pair else ""


def operator_label(spec, dropped: bool = False, zh: bool = True) -> str:
    """An operator spec ({'operator': 'mask', 'keep_first': 6, 'keep_last': 4}) in words."""
    if dropped:
        return "整列删除" if zh else "column dropped"
    if not spec:
        return ""
    if spec == "free_text":
        return "遮盖文本中的个人信息" if zh else "personal data in the text masked"
    if isinstance(spec, str):
        spec = {"operator": spec}
    op = spec.get("operator")
    if op == "mask":
        first, last = int(spec.get("keep_first") or 0), int(spec.get("keep_last") or 0)
        if zh:
            kept = "、".join(x for x in (("保留前 %d 位" % first) if first else "",
                                         ("保留后 %d 位" % last) if last else "") if x)
            return "遮盖" + ("（%s）" % kept if kept else "")
        kept = ", ".join(x for x in (("first %d kept" % first) if first else "",
                                     ("last %d kept" % last) if last else "") if x)
        return "masked" + (" (%s)" % kept if kept else "")
    if op == "pseudonymize":
        if spec.get("style") == "surname":
            return "化名（只保留姓氏）" if zh else "pseudonym (surname kept)"
        return "化名" if zh else "pseudonym"
    if op == "generalize":
        to = GENERALIZE_TO.get(spec.get("to") or "year", (spec.get("to"), spec.get("to")))
        return ("泛化到%s" % to[0]) if zh else ("generalized to %s" % to[1])
    simple = {"keep": ("保留原值", "kept"), "drop": ("整列删除", "column dropped"),
              "redact": ("替换为 ***", "replaced by ***"), "hash": ("加密散列", "keyed hash")}
    pair = simple.get(op)
    return _pick(pair, zh) if pair else (op or "")


def k_anonymity_text(k: Optional[Mapping], zh: bool = True) -> str:
    """k-anonymity in a sentence (None: no quasi-identifiers configured)."""
    if not k:
        return "未配置准标识符，未计算 k-匿名" if zh else "no quasi-identifiers configured"
    qi = "、".join(k.get("quasi_identifiers") or []) if zh else ", ".join(k.get("quasi_identifiers") or [])
    if k.get("k") is None:
        return ("未在文件中找到准标识符列（%s）" % qi) if zh else ("quasi-identifier columns not found (%s)" % qi)
    passed = k.get("passed")
    if zh:
        return "按准标识符（%s）分组，最小组 %s 条记录（要求至少 %s 条）：%s" % (
            qi, k["k"], k.get("min_k"), "达到要求" if passed else "未达到要求")
    return "grouped by %s: smallest group %s rows (at least %s required): %s" % (
        qi, k["k"], k.get("min_k"), "met" if passed else "not met")


def event_detail(action: str, detail: Optional[Mapping], zh: bool = True) -> str:
    """The record's detail column in words (no JSON)."""
    detail = detail or {}
    parts = []
    reason = detail.get("reason")
    reasons = {"upload": ("上传新文件", "new file"), "policy": ("脱敏策略变更", "policy changed"),
               "rerun": ("重新处理", "re-run"), "open_type": ("开放类型变更", "open type changed")}
    if reason:
        parts.append(_pick(reasons.get(reason, (reason, reason)), zh))
    if detail.get("rows") is not None:
        parts.append(("%s 行" if zh else "%s rows") % detail["rows"])
    if detail.get("policy_version") is not None:
        parts.append(("策略版本 %s" if zh else "policy version %s") % detail["policy_version"])
    if detail.get("old") or detail.get("new"):
        parts.append("%s → %s" % (detail.get("old") or "-", detail.get("new") or "-"))
    if detail.get("note"):
        parts.append(str(detail["note"]))
    error = detail.get("error")
    if isinstance(error, Mapping):
        parts.append(error.get("message_zh" if zh else "message_en") or "")
    return "；".join(p for p in parts if p) if zh else "; ".join(p for p in parts if p)


def masked_samples(path: str, columns: Iterable[str], n: int = 3, scan_rows: int = 500) -> dict:
    """Up to ``n`` distinct non-empty values of each column in the published (already
    desensitized) CSV at ``path``: what the public actually gets. {} when unreadable."""
    wanted = [c for c in columns if c]
    out: dict = {c: [] for c in wanted}
    starred: dict = {c: [] for c in wanted}
    if not wanted:
        return {}
    try:
        with open(path, newline="", encoding="utf-8-sig") as f:
            reader = csv.DictReader(f)
            for i, row in enumerate(reader):
                if i >= scan_rows:
                    break
                for c in wanted:
                    v = (row.get(c) or "").strip()
                    # masked values first: a column changed only in some cells shows those
                    if v and "*" in v and v not in starred[c] and len(starred[c]) < n:
                        starred[c].append(v[:60])
                    elif v and "*" not in v and v not in out[c] and len(out[c]) < n:
                        out[c].append(v[:60])
                if all(len(v) >= n for v in starred.values()):
                    break
    except (OSError, UnicodeDecodeError, csv.Error):
        return {}
    return {c: (starred[c] + out[c])[:n] for c in wanted}
