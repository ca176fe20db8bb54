"""数据开放利用协议 (the data-use agreement of a conditional-data grant, issue 17).

On approval the portal writes the agreement from the application — parties, dataset,
columns and row filter, purpose, the system or project the data is used in, validity,
security measures, destruction on expiry, attribution — in Chinese. The text is kept with
the grant with its SHA-256; the applicant accepts exactly that text (the hash they send
must be the hash of the text they were shown), and until then the grant serves nothing
(``open_types.Grant.agreement_pending``).

Plain Python: no CKAN import.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Optional

from . import grant_scope

TITLE = "数据开放利用协议"


@dataclass(frozen=True)
class Terms:
    request_id: str
    applicant_name: str               # declared name (citizen) or enterprise name
    applicant_type: str               # citizen | enterprise
    applicant_account: str            # the portal account that filed it
    provider: str                     # the providing department
    portal: str                       # the platform (site title)
    dataset_title: str
    dataset_name: str
    scope: grant_scope.Scope
    purpose: str
    use_scope: Optional[str]          # 使用范围: the named system or project
    period_start: Optional[str]       # local days, YYYY-MM-DD
    period_end: Optional[str]
    security_measures: Optional[str]
    conditions: Optional[str]         # the department's conditions of use on approval
    approved_on: str                  # local day of approval
    licence: Optional[str] = None


def _or(value: Optional[str], default: str = "（未填写）") -> str:
    value = (value or "").strip()
    return value if value else default


def generate(t: Terms) -> str:
    """The agreement's text (the same terms always give the same text)."""
    words = grant_scope.describe(t.scope)
    kind = "企业" if t.applicant_type == "enterprise" else "个人"
    lines = [
        TITLE,
        "",
        "协议编号：%s" % t.request_id,
        "",
        "甲方（数据提供方）：%s" % t.provider,
        "乙方（数据利用方）：%s（%s，平台账号 %s）" % (_or(t.applicant_name), kind, t.applicant_account),
        "平台：%s" % t.portal,
        "",
        "根据有关公共数据开放的规定，甲方同意乙方按本协议约定的范围、期限和条件利用下列有条件开放数据，"
        "双方达成如下协议。",
        "",
        "第一条 数据范围",
        "数据集：%s（%s）" % (t.dataset_title, t.dataset_name),
        "字段：%s" % words["columns"],
        "行范围：%s" % words["rows"],
        "平台仅向乙方提供上述范围内、经脱敏处理后的数据；下载、数据接口和预览均以此为限。",
        "",
        "第二条 利用目的和范围",
        "用途：%s" % _or(t.purpose),
        "使用范围（应用系统或项目）：%s" % _or(t.use_scope),
        "乙方只能在上述用途和使用范围内利用数据，不得超出范围使用，不得向第三方提供、转让或公开原始数据。",
        "",
        "第三条 有效期",
        "本协议自乙方在平台确认之日起生效，数据利用期限为 %s 至 %s（以北京时间自然日计）。"
        % (_or(t.period_start, "批准之日"), _or(t.period_end, "另行通知之日")),
        "",
        "第四条 安全保障措施",
        "乙方承诺采取以下安全保障措施：%s" % _or(t.security_measures),
        "乙方不得尝试对数据进行重新识别，发现数据中含有个人信息或其他不应开放的内容时，应立即停止使用并告知甲方。",
        "",
        "第五条 使用条件",
        "甲方提出的使用条件：%s" % _or(t.conditions, "无"),
        "",
        "第六条 到期销毁",
        "有效期届满、协议终止或授权被撤销时，乙方应在 5 个工作日内删除或销毁所获取的数据及其副本，"
        "并在平台确认销毁；依法需要保存的除外。",
        "",
        "第七条 成果署名",
        "乙方利用数据形成的产品、服务或研究成果应注明数据来源：“%s，%s”。" % (t.provider, t.portal),
        "",
        "第八条 违约处理",
        "乙方违反本协议的，甲方可以暂停或撤销数据使用授权；平台保留授权下每一次下载和接口调用的记录。",
        "",
        "第九条 其他",
        "本协议由平台根据乙方的申请和甲方的批准（%s）自动生成，乙方在平台在线确认即表示同意本协议全部条款。"
        "平台记录确认的账号、时间和本协议文本的 SHA-256 摘要。" % t.approved_on,
    ]
    if t.licence:
        lines += ["", "许可：%s" % t.licence]
    return "\n".join(lines) + "\n"


def digest(text: str) -> str:
    """SHA-256 (hex) of the text's UTF-8 bytes: what the applicant accepts."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def matches(text: str, sha256: object) -> bool:
    """Whether ``sha256`` (as sent by the applicant) is the digest of ``text``."""
    return isinstance(sha256, str) and sha256.strip().lower() == digest(text)


# ------------------------------------------------------------------ who may do what
REASONS = {
    "not_applicant": ("只有申请人本人可以签署数据开放利用协议。",
                      "Only the applicant may accept the data-use agreement."),
    "no_agreement": ("该申请没有需要签署的数据开放利用协议（尚未获批准，或授权无需协议）。",
                     "This request has no data-use agreement to accept (not approved, or its "
                     "grant needs none)."),
    "already": ("协议已于 %s 签署。", "The agreement was accepted on %s."),
    "hash_mismatch": ("协议摘要（SHA-256）与平台显示的协议文本不符：请重新打开协议页面，阅读当前文本后再签署。",
                      "The SHA-256 does not match the agreement text shown: open the agreement "
                      "again, read the current text and accept that."),
    "grant_ended": ("该授权已被撤销或已到期，不能再签署协议。",
                    "The grant was revoked or has expired: the agreement can no longer be accepted."),
}


def acceptance_refusal(user_id: str, requester_id: str, text: Optional[str], sha256: object,
                       accepted_at: Optional[str], ended: bool) -> Optional[str]:
    """Why the acceptance is refused (a REASONS code), or None: the applicant alone,
    once, while the grant lives, and only with the digest of the stored text."""
    if user_id != requester_id:
        return "not_applicant"
    if text is None:
        return "no_agreement"
    if accepted_at:
        return "already"
    if ended:
        return "grant_ended"
    if not matches(text, sha256):
        return "hash_mismatch"
    return None
