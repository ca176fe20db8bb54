"""Validators of the catalog entry: CKAN/navl glue over ``domain.catalog``.

Messages come from ``domain.catalog.MESSAGES`` in the request's language
(zh_Hans_CN by default, English when the locale is ``en``).
"""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan.lib.navl.dictization_functions import Invalid, missing, StopOnError

from ..domain import catalog
from ..domain import open_types as ot


def current_lang() -> str:
    """The request's locale, or the configured default outside a request."""
    try:
        from ckan.lib.i18n import get_lang
        return get_lang() or "zh_Hans_CN"
    except Exception:  # no request context (CLI, jobs, some tests)
        return tk.config.get("ckan.locale_default") or "zh_Hans_CN"


def msg(code: str) -> str:
    return catalog.message(code, current_lang())


def _blank(v: Any) -> bool:
    return v is missing or v is None or (isinstance(v, str) and not v.strip())


def _get(data, name):
    v = data.get((name,))
    return None if v is missing else v


def _scheming(fn):
    fn.is_a_scheming_validator = True
    return fn


@_scheming
def govopen_choice(field, schema):
    """Like scheming_choices, with a bilingual message for unknown values."""
    values = [c["value"] for c in field.get("choices", [])]

    def validator(value):
        if _blank(value):
            return value
        if value not in values:
            raise Invalid(msg("unknown_choice") + " (%s)" % ", ".join(values))
        return value
    return validator


def govopen_open_type(key, data, errors, context):
    value = data.get(key)
    if _blank(value):
        errors[key].append(msg("open_type_required"))
        raise StopOnError
    if value not in ot.OPEN_TYPES:
        errors[key].append(msg("unknown_open_type"))
        raise StopOnError


def _required_when(field_key: str, types, code: str, type_field: str = "open_type"):
    def validator(key, data, errors, context):
        if _get(data, type_field) in types and _blank(data.get(key)):
            errors[key].append(msg(code))
            raise StopOnError
    validator.__name__ = "govopen_" + field_key
    return validator


govopen_legal_basis = _required_when(
    "legal_basis", (ot.CONDITIONAL, ot.NOT_OPEN), "legal_basis_required")
govopen_open_conditions = _required_when(
    "open_conditions", (ot.CONDITIONAL,), "open_conditions_required")
govopen_share_legal_basis = _required_when(
    "share_legal_basis", ("conditional", "not_shared"), "share_legal_basis_required",
    "share_type")
govopen_share_conditions = _required_when(
    "share_conditions", ("conditional",), "share_conditions_required", "share_type")


def govopen_open_type_change_reason(key, data, errors, context):
    """Required when an update changes the open type. Never stored on the dataset:
    the change (who, when, old → new, reason) goes to the change log, written by
    the plugin's after_dataset_update from the stash on the package object."""
    reason = data.get(key)
    reason = None if _blank(reason) else str(reason).strip()
    pkg = context.get("package")
    old = None
    if pkg is not None and getattr(pkg, "id", None):
        old = (pkg.extras or {}).get("open_type")
    new = _get(data, "open_type")
    problem = catalog.open_type_change_problem(old, new, reason)
    if problem:
        errors[key].append(msg(problem))
        raise StopOnError
    if pkg is not None:
        # navl validates with a copy of the context: stash the change on the package
        # object (same object in after_dataset_update via the session identity map)
        pkg._govopen_open_type_change = (
            {"old": old, "new": new, "reason": reason} if old and new and old != new else None)
    data.pop(key, None)
    raise StopOnError


def govopen_spatial_code(value):
    if _blank(value):
        return value
    problem = catalog.spatial_code_problem(value)
    if problem:
        raise Invalid(msg(problem))
    return str(value).strip()


def govopen_date(value):
    if _blank(value):
        return value
    try:
        return catalog.parse_date(value).isoformat()
    except ValueError:
        raise Invalid(msg("date_format"))


def govopen_temporal_end(key, data, errors, context):
    start, end = _get(data, "temporal_start"), data.get(key)
    if _blank(start) or _blank(end):
        return
    try:
        if catalog.parse_date(end) < catalog.parse_date(start):
            errors[key].append(msg("temporal_order"))
    except ValueError:
        pass


def govopen_record_count(value):
    if _blank(value):
        return value
    try:
        n = int(str(value).strip())
    except ValueError:
        raise Invalid(msg("record_count"))
    if n < 0:
        raise Invalid(msg("record_count"))
    return str(n)


def get_validators() -> dict:
    return {f.__name__: f for f in (
        govopen_choice, govopen_open_type, govopen_legal_basis, govopen_open_conditions,
        govopen_share_legal_basis, govopen_share_conditions,
        govopen_open_type_change_reason, govopen_spatial_code, govopen_date,
        govopen_temporal_end, govopen_record_count)}
