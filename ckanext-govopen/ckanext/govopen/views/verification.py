"""Account verification pages (issue 12 finding 8): the status and the button that
sends the e-mail link (or runs the jurisdiction's real-name check), and the page the
link opens. Views call logic/verification.py; no rule is decided here."""
from __future__ import annotations

from flask import Blueprint, request

import ckan.plugins.toolkit as tk
from ckan.common import current_user

from ..logic import verification

blueprint = Blueprint("govopen_verification", __name__)


def _context():
    return {"user": current_user.name if current_user and not current_user.is_anonymous else "",
            "auth_user_obj": current_user}


def _message(e: tk.ValidationError) -> str:
    return "; ".join("; ".join(v) if isinstance(v, list) else str(v)
                     for v in (e.error_dict or {}).values())


@blueprint.route("/user/verify", methods=["GET", "POST"])
def page():
    if not current_user or current_user.is_anonymous:
        return tk.redirect_to(tk.url_for("user.login", came_from=request.full_path))
    if request.method == "POST":
        try:
            out = tk.get_action("govopen_verification_send")(_context(), {})
        except tk.ValidationError as e:
            tk.h.flash_error(_message(e))
        else:
            if out.get("sent_to"):
                tk.h.flash_success(tk._("A confirmation link was sent to %(email)s.")
                                   % {"email": out["sent_to"]})
            else:
                tk.h.flash_success(tk._("Your account is verified."))
        return tk.redirect_to("govopen_verification.page")
    status = tk.get_action("govopen_verification_status")(_context(), {})
    return tk.render("govopen/verify.html", extra_vars={"status": status})


@blueprint.route("/user/verify/email/<token>")
def confirm_email(token):
    try:
        user = verification.confirm_email_token(token)
    except tk.ValidationError as e:
        tk.h.flash_error(_message(e))
    else:
        verification.mark_verified(user, "email", "link sent to %s" % user.email)
        tk.h.flash_success(tk._("Your e-mail address is confirmed: your demands now count "
                                "towards the high-demand threshold."))
    if current_user and not current_user.is_anonymous:
        return tk.redirect_to("govopen_verification.page")
    return tk.redirect_to("user.login")


def flash_if_unverified():
    """After a demand is filed or seconded: tell an unverified requester why it does
    not count yet, and where to verify."""
    if current_user and not current_user.is_anonymous and not verification.is_verified(current_user):
        tk.h.flash_notice(tk._("Your demand is recorded, but it counts towards the "
                               "high-demand threshold only once your account is verified: "
                               "see %(url)s") % {"url": tk.url_for("govopen_verification.page")})
