"""The input schemas of the ``govopen_*`` actions (CKAN's ``logic/schema.py`` style).

Each action's navl schema is built from the field declarations, so a limit or a
label is written once: ``domain/fields.ACTIONS`` (parameters of each action) and
``domain/fields.KIND_FIELDS`` (parameters that are a request kind's field, whose
type, labels and limit are the kind's ``FieldSpec`` in ``domain/kinds``).

:func:`validate_actions` wraps every registered ``govopen_*`` action (called by
``logic/action.get_actions``): before the action runs, its declared parameters
are validated and converted (``ids`` → list, ``int`` → int, ``bool`` → bool) with
``toolkit.navl_validate``; the other keys (e.g. the action fields of
``govopen_request_act``, which the request engine checks against the kind) must
be single values (no lists or objects), without NUL characters and no longer
than the longest declared field of that name (``TEXT`` when undeclared). A
refusal is a ``ValidationError`` (HTTP 409) whose message names the field by its
label in the user's language; nothing is written. An action without a declared
schema still gets the single-value check (and ``tests/security`` fails until it
is declared).
"""
from __future__ import annotations

import datetime as dt
import functools
import logging
from typing import Any, Callable, Dict, Tuple

import ckan.plugins.toolkit as tk
from ckan.lib.navl.dictization_functions import missing, StopOnError

from ..domain import fields as F
from ..domain import kinds
from .validators import current_lang

log = logging.getLogger(__name__)

PREFIX = "govopen_"


def params_of(action: str) -> Tuple[F.Param, ...]:
    """The declared parameters of ``action`` (its own and its kind fields)."""
    out = list(F.ACTIONS.get(action, ()))
    for (name, param), (kind, field) in F.KIND_FIELDS.items():
        if name == action:
            spec = next(f for f in kinds.KINDS[kind].submit_fields if f.name == field)
            out.append(spec.param(param))
    return tuple(out)


def is_declared(action: str) -> bool:
    return action in F.ACTIONS


def param_validator(param: F.Param) -> Callable:
    """navl validator for one declared parameter: an absent or null value is
    dropped (whether it is required is the action's rule); a present one must
    have the declared type and fit the declared limit."""
    def validator(key, data, errors, context):
        value = data.get(key)
        if value is missing or value is None:
            data.pop(key, None)
            raise StopOnError
        problem, converted = F.check(param, value)
        if problem is not None:
            errors[key].append(F.message(problem[0], param, current_lang(), **problem[1]))
            raise StopOnError
        data[key] = converted
    validator.__name__ = "govopen_%s_%s" % (param.type, param.name)
    return validator


@functools.lru_cache(maxsize=None)
def action_schema(action: str) -> Dict[str, list]:
    return {p.name: [param_validator(p)] for p in params_of(action)}


def _extra_fields() -> Dict[str, F.Param]:
    """Fields the request kinds' actions take (``govopen_request_act``), by name:
    the longest limit of that name (the engine then applies the kind's own)."""
    out: Dict[str, F.Param] = {}
    for kind in kinds.KINDS.values():
        for spec in list(kind.submit_fields) + [f for a in kind.actions.values() for f in a.fields]:
            p = spec.param()
            if spec.name not in out or (p.limit or 0) > (out[spec.name].limit or 0):
                out[spec.name] = p
    return out


_EXTRA_FIELDS = _extra_fields()


def _extra_problem(name: str, value: Any, lang: str):
    """An undeclared key: a single value; text without NUL, within the limit."""
    param = _EXTRA_FIELDS.get(name) or F.Param(name, "text", name, name, F.TEXT)
    if value is None or isinstance(value, (bool, int, float, dt.date)) or hasattr(value, "filename"):
        return None
    if not isinstance(value, str):
        return F.message("not_scalar", param, lang)
    limit = max(param.limit or 0, F.TEXT) if param.type in ("text", "user") else F.TEXT
    p, _ = F.check(F.Param(name, "text", param.label_zh, param.label_en, limit), value)
    return F.message(p[0], param, lang, **p[1]) if p else None


def validate_input(action: str, context: dict, data_dict: Any) -> dict:
    """The action's input, validated and converted; raises ValidationError."""
    lang = current_lang()
    if not isinstance(data_dict, dict):
        raise tk.ValidationError({"message": [
            "Request data must be an object" if F.is_en(lang) else "请求数据应为对象（JSON）"]})
    schema = action_schema(action)
    declared = {k: v for k, v in data_dict.items() if k in schema}
    errors: Dict[str, list] = {}
    # navl flattens lists of objects into sub-keys (they would vanish as "missing"):
    # a declared parameter never takes one
    for p in params_of(action):
        v = declared.get(p.name)
        if isinstance(v, list) and v and isinstance(v[0], dict):
            errors[p.name] = [F.message("not_scalar", p, lang)]
            declared.pop(p.name)
    for k, v in data_dict.items():
        if k not in schema:
            msg = _extra_problem(k, v, lang)
            if msg:
                errors[k] = [msg]
    converted, navl_errors = tk.navl_validate(declared, schema, context)
    errors.update({k: v for k, v in navl_errors.items() if v})
    if errors:
        raise tk.ValidationError(errors)
    out = {k: v for k, v in data_dict.items() if k not in schema}
    out.update({k: v for k, v in converted.items() if k in schema})
    return out


def validated(action: str, fn: Callable) -> Callable:
    @functools.wraps(fn)  # keeps side_effect_free, auth_audit_exempt, the docstring
    def wrapper(context, data_dict=None):
        return fn(context, validate_input(action, context, data_dict or {}))
    wrapper.govopen_validated = True
    return wrapper


def validate_actions(acts: Dict[str, Callable]) -> Dict[str, Callable]:
    """Every ``govopen_*`` action of ``acts`` behind its input schema."""
    out = dict(acts)
    for name, fn in acts.items():
        if name.startswith(PREFIX) and not getattr(fn, "govopen_validated", False):
            if not is_declared(name):
                log.warning("action %s has no declared input schema (domain/fields.ACTIONS)", name)
            out[name] = validated(name, fn)
    return out


def max_length(action: str, name: str):
    """The declared limit of ``name`` for ``action`` (forms: ``maxlength``); for
    ``govopen_request_act``, the longest of the kinds' fields of that name."""
    for p in params_of(action):
        if p.name == name:
            return p.limit
    p = _EXTRA_FIELDS.get(name) if action == "govopen_request_act" else None
    return p.limit if p is not None else None
