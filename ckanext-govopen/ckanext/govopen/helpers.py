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
    }
    return labels.get(action, action or "")


def govopen_publication_failure_label(code):
    from .publication.state import FAILURES
    labels = FAILURES.get(code)
    if not labels:
        return code or ""
    return labels[1] if _lang().startswith("en") else labels[0]


def get_helpers():
    helpers = {f.__name__: f for f in (
        govopen_open_type_label, govopen_share_type_label, govopen_update_cycle_label,
        govopen_update_status, govopen_format_readability, govopen_choice_label,
        govopen_open_type_changes, govopen_access_message, govopen_to_shanghai,
        govopen_publication_event_label, govopen_publication_failure_label)}
    helpers.update(_home_helpers())  # home page / header / footer (home_helpers.py)
    return helpers


def _home_helpers():
    from .home_helpers import get_helpers as home
    return home()
