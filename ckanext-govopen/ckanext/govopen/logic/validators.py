"""Validators of the catalog entry: CKAN/navl glue over ``domain.catalog``.

Messages come from ``domain.catalog.MESSAGES`` in the request's language
(zh_Hans_CN by default, English when the locale is ``en``).
"""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan.lib.navl.dictization_functions import Invalid, missing, StopOnError

from ..domain import catalog
from ..domain import fields as input_fields
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

    def _label(choice):
        label = choice.get("label") or choice["value"]
        if isinstance(label, dict):
            en = current_lang().startswith("en")
            return (label.get("en") if en else label.get("zh_Hans_CN")) or label.get("en") or choice["value"]
        return str(label)

    def validator(value):
        if _blank(value):
            return value
        if value not in values:
            # the allowed choices by their labels, never their internal values (issue 14)
            sep = ", " if current_lang().startswith("en") else "、"
            raise Invalid(msg("unknown_choice") + "（%s）" % sep.join(
                _label(c) for c in field.get("choices", [])))
        return value
    return validator


@_scheming
def govopen_max_length(field, schema):
    """A text field of the catalog schema within its ``max_length`` (declared beside
    its label in schemas/dataset.yaml; ``domain/fields.TEXT`` when absent), refused
    with the label in the user's language."""
    label = field.get("label") or field["field_name"]
    zh = label.get("zh_Hans_CN") or label.get("en") if isinstance(label, dict) else str(label)
    en = label.get("en") or zh if isinstance(label, dict) else str(label)
    param = input_fields.Param(field["field_name"], "text", zh, en,
                               int(field.get("max_length") or input_fields.TEXT))

    def validator(key, data, errors, context):
        value = data.get(key)
        if not isinstance(value, str):
            return
        problem, _ = input_fields.check(param, value)
        if problem is not None:
            errors[key].append(input_fields.message(problem[0], param, current_lang(), **problem[1]))
            raise StopOnError
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


def _type_change_reason(field: str):
    """The validator of ``<field>_change_reason`` (field: open_type or share_type):
    required when an update changes the field (``catalog.type_change_problem``). Never
    stored on the dataset: the change (who, when, old → new, reason) goes to the change
    log, written by the plugin's after_dataset_update from the stash on the package
    object. Open type and share type follow the same rules (issue 12, finding 5)."""
    def validator(key, data, errors, context):
        reason = data.get(key)
        reason = None if _blank(reason) else str(reason).strip()
        pkg = context.get("package")
        old = None
        if pkg is not None and getattr(pkg, "id", None):
            old = (pkg.extras or {}).get(field)
        new = _get(data, field)
        problem = catalog.type_change_problem(field, old, new, reason)
        if problem:
            errors[key].append(msg(problem))
            raise StopOnError
        if pkg is not None:
            # navl validates with a copy of the context: stash the change on the package
            # object (same object in after_dataset_update via the session identity map)
            changes = dict(getattr(pkg, "_govopen_type_changes", None) or {})
            changes[field] = ({"field": field, "old": old, "new": new, "reason": reason}
                              if old and new and old != new else None)
            pkg._govopen_type_changes = changes
        data.pop(key, None)
        raise StopOnError
    validator.__name__ = "govopen_%s_change_reason" % field
    return validator


govopen_open_type_change_reason = _type_change_reason("open_type")
govopen_share_type_change_reason = _type_change_reason("share_type")


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


#: the licence of an entry created without one (issue 14): CC BY 4.0 unless the
#: deployment names its jurisdiction's open-data licence (a CKAN licence id)
LICENSE_DEFAULT = "cc-by"


def license_default() -> str:
    import ckan.plugins.toolkit as tk
    key = "govopen.license_default"
    return (tk.config[key] if key in tk.config else None) or LICENSE_DEFAULT


def govopen_license_default(value):
    """An empty or unspecified licence becomes the default open-data licence."""
    if _blank(value) or value == "notspecified":
        return license_default()
    return value


def name_from_title(title: str, taken=lambda name: False) -> str:
    """A URL name for a new entry from its title: the title's letters and the pinyin of
    its Chinese (python-slugify over text-unidecode: 公交站点 → gong-jiao-zhan-dian);
    a title with nothing to spell gives ``dataset-<6 hex>``; a name already ``taken``
    gets ``-<6 hex>`` appended."""
    import uuid
    from slugify import slugify
    base = slugify(title or "", max_length=80, word_boundary=True, lowercase=True)
    if len(base) < 2:
        return "dataset-" + uuid.uuid4().hex[:6]
    name = base
    while taken(name):
        name = "%s-%s" % (base, uuid.uuid4().hex[:6])
    return name


def govopen_name_from_title(key, data, errors, context):
    """walk 2026-12-06: a clerk who types a Chinese-only title got an empty URL name
    (CKAN's slug script keeps Latin letters only) and "标识（URL）: 缺失值". A new entry
    left without a name is named after its title, on the server, so it works without
    JavaScript too. An update keeps the rule that the name is required."""
    if not _blank(data.get(key)) or context.get("package") is not None:
        return
    title = _get(data, "title")
    if _blank(title):
        return
    import ckan.model as model
    data[key] = name_from_title(str(title), lambda n: model.Package.get(n) is not None)


def get_validators() -> dict:
    return {f.__name__: f for f in (
        govopen_name_from_title, govopen_license_default, govopen_choice, govopen_max_length, govopen_open_type, govopen_legal_basis, govopen_open_conditions,
        govopen_share_legal_basis, govopen_share_conditions,
        govopen_open_type_change_reason, govopen_share_type_change_reason, govopen_spatial_code, govopen_date,
        govopen_temporal_end, govopen_record_count)}
