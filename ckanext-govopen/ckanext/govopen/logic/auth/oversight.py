"""Auth of the audit-trail actions (issue 18): the competent authority only.
Sysadmins (the authority) pass every auth function before it is called, so these
answer "no" to everyone else, with the reason."""
import ckan.plugins.toolkit as tk


def _authority_only(context, data_dict):
    from .. import requests_glue as glue
    return {"success": False,
            "msg": "Only the competent authority may read the audit trail" if glue.is_en()
            else "仅主管部门可查看审计记录"}


def get_auth_functions():
    return {name: _authority_only for name in (
        "govopen_audit_list", "govopen_audit_anchor_list", "govopen_audit_verify")}
