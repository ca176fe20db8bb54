"""Auth of the audit-trail actions (issue 18): the competent authority only.
Sysadmins (the authority) pass every auth function before it is called, so these
answer "no" to everyone else, with the reason."""
import ckan.plugins.toolkit as tk


def _authority_only(context, data_dict):
    from .. import requests_glue as glue
    return {"success": False,
            "msg": "Only the competent authority may read the audit trail" if glue.is_en()
            else "仅主管部门可查看审计记录"}


@tk.auth_allow_anonymous_access  # so a visitor gets the policy's reason, not CKAN's
def govopen_scorecard(context, data_dict):
    """The authority, or a department's admin for its own department (the policy:
    ``open_types.may_see_scorecard``)."""
    from ...domain import open_types as ot
    from .. import access
    decision = ot.may_see_scorecard(access.actor_from_context(context), (data_dict or {}).get("organization"))
    return {"success": decision.allowed, "msg": access.lang_message(decision)}


def _report_edit(context, data_dict):
    """Generate, edit, publish: a department's admin its own, the authority any
    (``open_types.may_edit_report``)."""
    from ...domain import open_types as ot
    from .. import access
    decision = ot.may_edit_report(access.actor_from_context(context), (data_dict or {}).get("organization"))
    return {"success": decision.allowed, "msg": access.lang_message(decision)}


@tk.auth_allow_anonymous_access  # a published report is public
def govopen_annual_report_show(context, data_dict):
    from ...domain import open_types as ot
    from .. import access
    d = data_dict or {}
    decision = ot.may_see_report(access.actor_from_context(context), d.get("organization"),
                                 bool(d.get("published")))
    return {"success": decision.allowed, "msg": access.lang_message(decision)}


@tk.auth_allow_anonymous_access
def govopen_public_stats(context, data_dict):
    """Public statistics: everyone (they count public entries only)."""
    return {"success": True}


def get_auth_functions():
    out = {name: _authority_only for name in (
        "govopen_audit_list", "govopen_audit_anchor_list", "govopen_audit_verify")}
    out["govopen_scorecard"] = govopen_scorecard
    out["govopen_annual_report_show"] = govopen_annual_report_show
    out["govopen_public_stats"] = govopen_public_stats
    for name in ("govopen_annual_report_generate", "govopen_annual_report_update",
                 "govopen_annual_report_publish"):
        out[name] = _report_edit
    return out
