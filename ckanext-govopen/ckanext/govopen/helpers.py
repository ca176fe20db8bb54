"""Template helpers: they format answers computed elsewhere; they decide nothing."""
from __future__ import annotations

import ckan.plugins.toolkit as tk

from .domain import catalog
from .domain import open_types as ot


def _lang():
    from .logic.validators import current_lang
    return current_lang()


def govopen_open_type_label(value):
    labels = ot.OPEN_TYPE_LABELS.get(value)
    if not labels:
        return value or ""
    return labels[1] if _lang().startswith("en") else labels[0]


def govopen_share_type_label(value):
    labels = ot.SHARE_TYPE_LABELS.get(value)
    if not labels:
        return value or ""
    return labels[1] if _lang().startswith("en") else labels[0]


def govopen_update_cycle_label(value):
    labels = catalog.UPDATE_CYCLE_LABELS.get(value)
    if not labels:
        return value or ""
    return labels[1] if _lang().startswith("en") else labels[0]


def govopen_update_status(pkg_dict):
    return catalog.update_status(pkg_dict)


def govopen_format_readability(fmt):
    return catalog.format_readability(fmt)


def govopen_choice_label(field_name, value):
    """Label of a scheming choice field's value in the current language."""
    try:
        schema = tk.h.scheming_get_dataset_schema("dataset")
        field = tk.h.scheming_field_by_name(schema["dataset_fields"], field_name)
        for c in field.get("choices", []):
            if c["value"] == value:
                return tk.h.scheming_language_text(c["label"])
    except Exception:
        pass
    return value


def govopen_open_type_changes(pkg_id):
    try:
        return tk.get_action("govopen_open_type_changes")({}, {"id": pkg_id})
    except (tk.NotAuthorized, tk.ObjectNotFound):
        return []


def govopen_share_type_changes(pkg_id):
    try:
        return tk.get_action("govopen_share_type_changes")({}, {"id": pkg_id})
    except (tk.NotAuthorized, tk.ObjectNotFound):
        return []


def govopen_access_message(info):
    """Message of an access answer dict (``govopen_access``) in the current language."""
    if not info:
        return ""
    return info.get("message_en") if _lang().startswith("en") else info.get("message_zh")


def govopen_to_shanghai(value, fmt="%Y-%m-%d %H:%M"):
    d = catalog.to_shanghai(value)
    return d.strftime(fmt) if d else ""


def govopen_publication_event_label(action):
    """The dataset history's wording of a publication-gate event (publication/state.py
    HISTORY_ACTIONS)."""
    _ = tk._
    labels = {
        "uploaded": _("File uploaded, queued for desensitization"),
        "requeued": _("Queued again for desensitization"),
        "succeeded": _("Desensitization finished"),
        "failed": _("Desensitization failed, not published"),
        "reviewed": _("Confidentiality review signed"),
        "withdrawn": _("Withdrawn from the public until it passes again"),
        "published": _("Dataset made public"),
        "policy_changed": _("Desensitization policy changed"),
        "started": _("Desensitization started"),
    }
    return labels.get(action, action or "")


def govopen_publication_failure_label(code):
    from .publication.state import FAILURES
    labels = FAILURES.get(code)
    if not labels:
        return code or ""
    return labels[1] if _lang().startswith("en") else labels[0]


def govopen_maxlength(action: str, field: str):
    """A form field's declared length limit (domain/fields.py or the request kind):
    ``maxlength="{{ h.govopen_maxlength('govopen_demand_create', 'title') }}"``."""
    from .logic.schema import max_length
    return max_length(action, field) or ""


def govopen_may_see_publication(resource_id):
    """Whether the current user may see a resource's publication-gate panel: the answer
    of the ``govopen_publication_show`` auth function (open_types.may_see_publication),
    so the page never asks the API for what it would refuse."""
    if not resource_id:
        return False
    try:
        return bool(tk.check_access("govopen_publication_show", {}, {"id": resource_id}))
    except (tk.NotAuthorized, tk.ObjectNotFound):
        return False


def govopen_publication_state_label(state):
    """queued/running/succeeded/failed in the UI language (None → 未处理)."""
    _ = tk._
    return {"queued": _("Queued"), "running": _("Running"), "succeeded": _("Succeeded"),
            "failed": _("Failed")}.get(state or "", _("Not processed"))


def govopen_entity_label(entity):
    from .publication.words import entity_label
    return entity_label(entity, zh=not _lang().startswith("en"))


def govopen_license_title(pkg_dict):
    """The licence's title in the UI language: our own names of CKAN's licence ids
    (domain/catalog.LICENSE_TITLES; CKAN's zh catalog has them in English), else the
    register's title through gettext."""
    import ckan.model as model
    lid = (pkg_dict or {}).get("license_id")
    ours = catalog.license_title(lid, zh=not _lang().startswith("en"))
    if ours:
        return ours
    try:
        lic = model.Package.get_license_register().get(lid) if lid else None
    except Exception:
        lic = None
    title = (lic.title if lic is not None else None) or (pkg_dict or {}).get("license_title") or lid or ""
    return tk._(title) if title else ""


def govopen_state_label(state):
    """A dataset's state (active/draft/deleted) in the UI language."""
    _ = tk._
    return {"active": _("Published"), "draft": _("Draft"), "deleted": _("Deleted")}.get(state or "", state or "")


def govopen_resource_gate(resource_id):
    """{state, label} of a file's publication gate for the dataset page, for who may
    see it (the department and the authority); None for everybody else."""
    if not govopen_may_see_publication(resource_id):
        return None
    try:
        pub = tk.get_action("govopen_publication_show")({}, {"id": resource_id})
    except (tk.NotAuthorized, tk.ObjectNotFound):
        return None
    reason = (pub.get("status") or {}).get("reason_code")
    if pub.get("passed"):
        return {"state": "succeeded", "label": tk._("Passed the review")}
    if reason in ot.AWAITING_REVIEW:
        return {"state": "review", "label": tk._("Waiting for the confidentiality review")}
    return {"state": pub.get("state") or "none", "label": govopen_publication_state_label(pub.get("state"))}


def govopen_resource_name(resource_id):
    """A resource's name for pages that hold its id (objections), never the bare id."""
    import ckan.model as model
    res = model.Resource.get(resource_id) if resource_id else None
    return (res.name or tk._("Unnamed resource")) if res is not None else tk._("Unknown resource")


def govopen_division_label(code):
    return catalog.division_label(code)


def _has_cjk(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def govopen_error_text(code, content):
    """The text of an error page in the UI's language (outside attack F9): CKAN shows the
    exception's description, which is werkzeug's English sentence ("The requested URL was
    not found on the server…"), a parameter check's ("\"page\" parameter must be a positive
    integer") or a Python value ("None - {'message': …}"). On the Chinese interface a text
    without a Chinese word, or with a Python value, gives way to the code's own sentence;
    our own (Chinese) refusals are kept."""
    try:
        code = int(code[0] if isinstance(code, (list, tuple)) else code)
    except (TypeError, ValueError, IndexError):
        code = 500
    text = str(content or "").strip()
    internal = not text or "{'" in text or text.startswith("None") or " None" in text
    if not internal and (_has_cjk(text) or tk.h.lang().startswith("en")):
        return text
    _ = tk._
    return {400: _("The request could not be understood: please check the address and its parameters."),
            403: _("You are not allowed to see this page."),
            404: _("The page was not found: the address may be wrong, or the content was removed."),
            405: _("This page cannot be reached this way."),
            409: _("The request could not be completed: please check the address and its parameters."),
            }.get(code, _("Something went wrong on our side. Please try again later."))


def get_helpers():
    helpers = {f.__name__: f for f in (
        govopen_maxlength, govopen_open_type_label, govopen_share_type_label, govopen_update_cycle_label,
        govopen_update_status, govopen_format_readability, govopen_choice_label,
        govopen_open_type_changes, govopen_share_type_changes, govopen_access_message, govopen_to_shanghai,
        govopen_publication_event_label, govopen_publication_failure_label,
        govopen_may_see_publication, govopen_division_label, govopen_publication_state_label,
        govopen_entity_label, govopen_license_title, govopen_state_label, govopen_resource_gate,
        govopen_resource_name, govopen_error_text)}
    helpers.update(_home_helpers())  # home page / header / footer (home_helpers.py)
    from .ui_helpers import get_helpers as ui  # issue 14: the user menu
    helpers.update(ui())
    return helpers


def _home_helpers():
    from .home_helpers import get_helpers as home
    return home()
