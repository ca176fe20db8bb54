"""Shared by the input tests of tests/security: the registry's govopen_* actions,
the parameters each accepts, and wrong values to send."""
from __future__ import annotations

import inspect
import re

PARAM_RE = re.compile(r"""(?:data_dict\.get\(|data_dict\[|get_or_bust\(data_dict,\s*|_text\(data_dict,\s*)"""
                      r"""["'](\w+)["']""")
COMMON = ("id", "package_id", "resource_id", "organization")


def nested(depth, leaf="x"):
    v = leaf
    for _ in range(depth):
        v = {"a": v}
    return v


HUGE = "数" * 100_001
# wrong values: strings where ints/bools are wanted, lists and objects where ids,
# huge strings, nested structures, null, out-of-range numbers, control characters
WRONG = [None, ["a", "b"], {"a": {"b": 1}}, [{"a": 1}], nested(60), HUGE, "abc", "maybe",
         1e20, 10 ** 30, -1, True, "(" * 3000, "bad\x00nul", "\ud800", "2027-13-45"]


def govopen_actions():
    """Names of CKAN's action registry that start with govopen_ (plugins loaded)."""
    import ckan.logic as logic
    logic.get_action("package_show")  # builds the registry
    return sorted(n for n in logic._actions if n.startswith("govopen_"))


def raw_functions():
    """The plugins' own action functions (the registry keeps wrappers only)."""
    import ckan.plugins as p
    out = {}
    for plugin in p.PluginImplementations(p.IActions):
        for name, fn in plugin.get_actions().items():
            if name.startswith("govopen_"):
                out[name] = inspect.unwrap(fn)
    return out


def accepted_params(name, raw):
    """What an action accepts: the keys its code reads, its declared parameters and,
    for govopen_request_act, every field a request kind's action takes."""
    names = set(COMMON)
    fn = raw.get(name)
    if fn is not None:
        names |= set(PARAM_RE.findall(inspect.getsource(fn)))
    try:
        from ckanext.govopen.logic import schema
        names |= {p.name for p in schema.params_of(name)}
    except ImportError:  # before the schemas existed
        pass
    if name == "govopen_request_act":
        from ckanext.govopen.domain import kinds
        names |= {f.name for k in kinds.KINDS.values() for a in k.actions.values() for f in a.fields}
        names.add("action")
    return sorted(names)
