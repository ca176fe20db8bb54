"""Requester verification (issue 12, finding 8): CKAN glue of domain/verification.py.

* ``verified_user_ids``: which of some accounts count for the high-demand threshold
  under the configured method (logic/action/demand.py asks it).
* E-mail: a signed link (itsdangerous, keyed by SECRET_KEY, valid
  ``govopen.verification.email_max_age_days`` = 7 days, bound to the address it was
  sent to) by CKAN's mailer; following it marks the account verified.
* Real name: the configured :class:`domain.verification.RealNameCheck` (none by default).
* Actions: ``govopen_verification_status`` {} → {method, verified, email};
  ``govopen_verification_send`` {} (the caller; e-mail method) → {sent_to};
  ``govopen_verification_mark`` {user_id, method: email|real_name, reference}
  (sysadmin: the integration point of an identity provider).
A new verification re-checks the caller's open demands (a demand may reach the
threshold by it).
"""
from __future__ import annotations

import datetime as dt
import logging
from typing import Iterable, Optional, Set

import ckan.model as model
import ckan.plugins.toolkit as tk

from ..domain import verification as vf

log = logging.getLogger(__name__)

SALT = "govopen-email-verification"


def _t(zh: str, en: str) -> str:
    from .requests_glue import is_en
    return en if is_en() else zh


def current_method() -> str:
    return vf.method(tk.config.get("govopen.demand.requester_verification"))


def _extras(user) -> dict:
    return ((getattr(user, "plugin_extras", None) or {}).get("govopen") or {})


def is_verified(user, how: Optional[str] = None) -> bool:
    return vf.is_verified(_extras(user), how or current_method())


def verified_user_ids(user_ids: Iterable[str]) -> Set[str]:
    ids = {u for u in user_ids if u}
    how = current_method()
    if how == "none" or not ids:
        return ids
    users = model.Session.query(model.User).filter(model.User.id.in_(list(ids))).all()
    return {u.id for u in users if u.state == "active" and vf.is_verified(_extras(u), how)}


def mark_verified(user, how: str, reference: str) -> None:
    """Record a verification in the account's plugin_extras and re-check its demands."""
    extras = dict(user.plugin_extras or {})
    gov = dict(extras.get("govopen") or {})
    done = dict(gov.get("verified") or {})
    done[how] = {"at": dt.datetime.now(dt.timezone.utc).isoformat(), "reference": reference}
    gov["verified"] = done
    extras["govopen"] = gov
    user.plugin_extras = extras
    model.Session.add(user)
    model.Session.commit()
    _recheck_demands(user.id)


def _recheck_demands(user_id: str) -> None:
    from ..model import Demand, DemandRequester
    from .action import demand as demand_actions
    ids = [r.demand_id for r in model.Session.query(DemandRequester)
           .filter(DemandRequester.user_id == user_id)]
    demands = model.Session.query(Demand).filter(Demand.id.in_(ids)).all() if ids else []
    for demand in demands:
        review = demand_actions._maybe_open_review(demand)
        model.Session.commit()
        if review is not None:
            demand_actions._after_review_opened(demand, review)


# ------------------------------------------------------------------ e-mail
def _serializer():
    from itsdangerous import URLSafeTimedSerializer
    return URLSafeTimedSerializer(tk.config.get("SECRET_KEY"), salt=SALT)


def email_token(user) -> str:
    return _serializer().dumps({"u": user.id, "e": (user.email or "").lower()})


def confirm_email_token(token: str):
    """The account the token verifies, or a ValidationError saying why not."""
    from itsdangerous import BadSignature, SignatureExpired
    days = int(tk.config.get("govopen.verification.email_max_age_days") or 7)
    try:
        data = _serializer().loads(token, max_age=days * 86400)
    except SignatureExpired:
        raise tk.ValidationError({"token": [_t("验证链接已过期，请重新发送验证邮件",
                                               "The link has expired; send a new one")]})
    except BadSignature:
        raise tk.ValidationError({"token": [_t("验证链接无效", "The link is not valid")]})
    user = model.User.get(data.get("u")) if isinstance(data, dict) else None
    if user is None or user.state != "active" or (user.email or "").lower() != data.get("e"):
        raise tk.ValidationError({"token": [_t("验证链接与账号当前的邮箱不符，请重新发送",
                                               "The link does not match the account's e-mail; "
                                               "send a new one")]})
    return user


def send_email(user) -> str:
    from ckan.lib import mailer
    if not user.email:
        raise tk.ValidationError({"email": [_t("账号没有填写邮箱", "The account has no e-mail address")]})
    link = tk.url_for("govopen_verification.confirm_email", token=email_token(user), _external=True)
    subject = _t("请验证您的邮箱 - 政府数据开放平台", "Please confirm your e-mail - GovOpen")
    body = _t(
        "您好，%(name)s：\n\n请打开下面的链接确认本邮箱属于您。确认后，您提出或附议的数据需求"
        "将计入高需求人数。\n\n%(link)s\n\n如非本人操作，请忽略本邮件。\n",
        "Hello %(name)s,\n\nOpen the link below to confirm this address is yours. Once it is "
        "confirmed, the data demands you file or second count towards the high-demand "
        "threshold.\n\n%(link)s\n\nIf you did not ask for this, ignore this e-mail.\n") % {
        "name": user.fullname or user.name, "link": link}
    try:
        mailer.mail_user(user, subject, body)
    except mailer.MailerException:
        # the portal's mail server did not take it: say so, never a 500
        log.warning("verification mail to %s failed", user.name, exc_info=True)
        raise tk.ValidationError({"email": [_t(
            "验证邮件暂时无法发送，请稍后再试或联系主管部门",
            "The confirmation e-mail could not be sent now; try again later or contact the "
            "competent authority")]})
    return user.email


# ------------------------------------------------------------------ real name
def real_name_check():
    """The configured RealNameCheck callable, or None (see domain/verification.py)."""
    path = tk.config.get("govopen.demand.real_name_check")
    if not path:
        return None
    import importlib
    module, _, name = path.partition(":")
    return getattr(importlib.import_module(module), name)


# ------------------------------------------------------------------ actions
def _caller(context):
    user = model.User.get(context.get("user")) if context.get("user") else None
    if user is None:
        raise tk.NotAuthorized(_t("请先登录", "Please log in"))
    return user


@tk.side_effect_free
def govopen_verification_status(context, data_dict):
    user = _caller(context)
    how = current_method()
    return {"method": how, "verified": vf.is_verified(_extras(user), how),
            "email": user.email, "real_name_check_available": real_name_check() is not None}


def govopen_verification_send(context, data_dict):
    """E-mail method: send the caller a signed link. Real-name method: run the
    configured check for the caller (refused when none is configured)."""
    user = _caller(context)
    how = current_method()
    if how == "email":
        return {"method": how, "sent_to": send_email(user)}
    if how == "real_name":
        check = real_name_check()
        if check is None:
            raise tk.ValidationError({"method": [_t(
                "本辖区的实名核验尚未接入，请联系主管部门",
                "The jurisdiction's real-name check is not connected yet; contact the "
                "competent authority")]})
        user_dict = {"id": user.id, "name": user.name, "fullname": user.fullname,
                     "email": user.email, "plugin_extras": user.plugin_extras or {}}
        reference = check(user_dict)
        if not reference:
            raise tk.ValidationError({"method": [_t("实名核验未通过", "The real-name check failed")]})
        mark_verified(user, "real_name", str(reference))
        return {"method": how, "verified": True}
    return {"method": how, "verified": True}


def govopen_verification_mark(context, data_dict):
    """Sysadmin / platform only: record a verification done elsewhere (an identity
    provider's real-name check)."""
    caller = _caller(context)
    if not caller.sysadmin:
        raise tk.NotAuthorized(_t("只有主管部门可以登记核验结果",
                                  "Only the competent authority may record a verification"))
    errors = {}
    how = data_dict.get("method")
    if how not in ("email", "real_name"):
        errors["method"] = [_t("核验方式应为 email 或 real_name", "method must be email or real_name")]
    reference = data_dict.get("reference")
    if not isinstance(reference, str) or not reference.strip() or len(reference) > 200:
        errors["reference"] = [_t("请填写核验凭据（不超过200字）",
                                  "Give the check's reference (up to 200 characters)")]
    user_id = data_dict.get("user_id")
    user = model.User.get(user_id) if isinstance(user_id, str) and user_id else None
    if user is None:
        errors["user_id"] = [_t("账号不存在", "User not found")]
    if errors:
        raise tk.ValidationError(errors)
    mark_verified(user, how, reference.strip())
    return {"user_id": user.id, "method": how, "verified": True}


def get_actions() -> dict:
    return {f.__name__: f for f in (govopen_verification_status, govopen_verification_send,
                                    govopen_verification_mark)}
