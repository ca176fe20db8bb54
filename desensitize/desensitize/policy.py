"""The YAML policy: operator per type, per-column rules, k-anonymity, residual scan.

A user's policy is merged over ``default_policy.yaml`` and validated; mistakes raise
``PolicyError`` naming the key, in Chinese then English.
"""
from __future__ import annotations

import copy
import os
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Dict, List, Optional, Union

import yaml

from .errors import PolicyError
from .operators import GENERALIZE_TARGETS, OPERATOR_OPTIONS, PSEUDONYM_STYLES
from .recognizers import ENTITY_TYPES

#: header words of quasi-identifier columns (k_anonymity.quasi_identifiers: auto)
QI_HINTS = {
    "birth_date": ("出生日期", "出生年月", "出生时间", "生日", "birth", "dob"),
    "age": ("年龄", "岁数", "age"),
    "gender": ("性别", "gender", "sex"),
    "district": ("区县", "所在区", "所属区", "行政区", "区域", "地区", "街道", "乡镇", "住址", "地址", "户籍地",
                 "居住地", "籍贯", "district", "address"),
}
#: operators for auto quasi-identifier columns the policy names no rule for
QI_OPERATORS = {"birth_date": {"operator": "generalize", "to": "year"},
                "age": {"operator": "generalize", "to": "band", "width": 10}}
COLUMN_TYPES = ENTITY_TYPES + ("free_text", "plain")
TOP_KEYS = {"version", "secret_env", "secret", "types", "columns", "k_anonymity", "residual"}


@dataclass
class Policy:
    types: Dict[str, dict]
    columns: Dict[str, dict] = field(default_factory=dict)
    quasi_identifiers: List[str] = field(default_factory=list)
    min_k: int = 5
    enforce_k: bool = False
    residual_allow: List[str] = field(default_factory=list)
    residual_independent: bool = True   # the second detector (names, addresses) on the output
    secret_env: str = "DESENSITIZE_SECRET"
    secret_value: Optional[str] = None
    source: str = "default"
    auto_quasi_identifiers: bool = False
    min_k_explicit: Optional[int] = None   # min_k as the user's policy set it

    def resolve_columns(self, columns) -> "Policy":
        """The policy for a table with these headers: ``quasi_identifiers: auto``
        replaced by the columns whose header names a quasi-identifier, and birth-date /
        age columns given their default generalization when no rule names them."""
        if not self.auto_quasi_identifiers:
            return self
        import dataclasses

        chosen, rules = [], dict(self.columns)
        for column in columns:
            lowered = str(column).lower()
            for kind, hints in QI_HINTS.items():
                if any(h.lower() in lowered for h in hints):
                    chosen.append(str(column))
                    if kind in QI_OPERATORS and str(column) not in rules:
                        rules[str(column)] = dict(QI_OPERATORS[kind])
                    break
        return dataclasses.replace(self, quasi_identifiers=chosen, columns=rules, auto_quasi_identifiers=False)

    def with_min_k(self, minimum: Optional[int]) -> "Policy":
        """The jurisdiction's minimum k: it replaces the default; a policy that set a
        higher one keeps it."""
        if minimum is None:
            return self
        import dataclasses

        return dataclasses.replace(self, min_k=max(int(minimum), self.min_k_explicit or 0))

    def operator_for(self, column: str, entity_type: Optional[str]) -> Optional[dict]:
        """The operator spec for a column: its own rule, else its type's, else None."""
        rule = self.columns.get(column, {})
        if "operator" in rule:
            return {k: v for k, v in rule.items() if k != "type"}
        if entity_type in self.types:
            return self.types[entity_type]
        return None

    def forced_type(self, column: str) -> Optional[str]:
        return self.columns.get(column, {}).get("type")

    def needs_secret(self) -> bool:
        specs = list(self.types.values()) + list(self.columns.values())
        return any(
            s.get("operator") == "hash"
            or (s.get("operator") == "pseudonymize" and s.get("style") == "consistent")
            for s in specs
        )

    def secret(self) -> bytes:
        value = self.secret_value or os.environ.get(self.secret_env)
        if not value:
            raise PolicyError(
                f"策略使用了 hash/一致化假名，但环境变量 {self.secret_env} 未设置密钥",
                f"the policy uses hash or consistent pseudonyms but no secret is set in ${self.secret_env}",
            )
        return value.encode("utf-8")

    def to_dict(self) -> dict:
        return {
            "source": self.source, "types": self.types, "columns": self.columns,
            "k_anonymity": {"quasi_identifiers": self.quasi_identifiers, "min_k": self.min_k, "enforce": self.enforce_k},
            "residual": {"allow": self.residual_allow, "independent": self.residual_independent},
        }


def _default_document() -> dict:
    text = resources.files("desensitize").joinpath("default_policy.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def _fail(where: str, zh: str, en: str):
    raise PolicyError(f"策略错误 {where}：{zh}", f"policy error at {where}: {en}")


def _check_operator(where: str, spec: Any, allow_type: bool) -> dict:
    if not isinstance(spec, dict):
        _fail(where, "应为映射（如 {operator: mask}）", "expected a mapping such as {operator: mask}")
    spec = dict(spec)
    if allow_type and "type" in spec and spec["type"] not in COLUMN_TYPES:
        _fail(where, f"未知类型 {spec['type']!r}", f"unknown type {spec['type']!r}; known: {', '.join(COLUMN_TYPES)}")
    if "operator" not in spec:
        if allow_type and "type" in spec:
            return spec
        _fail(where, "缺少 operator", "missing 'operator'")
    name = spec["operator"]
    if name not in OPERATOR_OPTIONS:
        _fail(where, f"未知操作 {name!r}", f"unknown operator {name!r}; known: {', '.join(OPERATOR_OPTIONS)}")
    if name == "drop" and not allow_type:
        _fail(where, "drop 只能用于列", "'drop' applies to whole columns only")
    allowed = OPERATOR_OPTIONS[name]
    for key, value in spec.items():
        if key in ("operator", "type"):
            continue
        if key not in allowed:
            _fail(where, f"操作 {name} 不支持选项 {key!r}", f"operator {name} has no option {key!r}")
        expected = allowed[key]
        if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
            _fail(where, f"选项 {key} 应为 {expected.__name__}", f"option {key} must be {expected.__name__}")
        if expected is int and value < 0:
            _fail(where, f"选项 {key} 不能为负数", f"option {key} must not be negative")
    if name == "generalize" and spec.get("to", "year") not in GENERALIZE_TARGETS:
        _fail(where, f"generalize 的 to 不支持 {spec.get('to')!r}", f"generalize 'to' must be one of {', '.join(GENERALIZE_TARGETS)}")
    if name == "pseudonymize" and spec.get("style", "surname") not in PSEUDONYM_STYLES:
        _fail(where, f"pseudonymize 的 style 不支持 {spec.get('style')!r}", f"pseudonymize 'style' must be one of {', '.join(PSEUDONYM_STYLES)}")
    if name == "generalize" and spec.get("to") == "band" and spec.get("width", 10) < 1:
        _fail(where, "width 须大于 0", "width must be > 0")
    return spec


def load_policy(source: Union[None, str, os.PathLike, dict, Policy] = None) -> Policy:
    """Policy from a YAML path, a dict, an existing Policy or None (the default)."""
    if isinstance(source, Policy):
        return source
    document = _default_document()
    label = "default"
    user: dict = {}
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        label = str(path)
        try:
            user = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except FileNotFoundError:
            raise PolicyError("找不到策略文件", "policy file not found", str(path)) from None
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            raise PolicyError("策略文件不是有效的 YAML", "the policy file is not valid YAML", str(exc)) from None
    elif isinstance(source, dict):
        user, label = copy.deepcopy(source), "dict"
    elif source is not None:
        raise PolicyError("无法识别的策略", "unsupported policy object", type(source).__name__)
    if not isinstance(user, dict):
        _fail("<top>", "顶层应为映射", "the top level must be a mapping")
    unknown = set(user) - TOP_KEYS
    if unknown:
        _fail("<top>", f"未知键 {sorted(unknown)}", f"unknown keys {sorted(unknown)}; known: {sorted(TOP_KEYS)}")
    if user.get("version", 1) != 1:
        _fail("version", "仅支持 version: 1", "only version 1 is supported")

    types = dict(document["types"])
    for entity, spec in (user.get("types") or {}).items():
        if entity not in ENTITY_TYPES:
            _fail(f"types.{entity}", "未知类型", f"unknown type; known: {', '.join(ENTITY_TYPES)}")
        types[entity] = spec
    types = {entity: _check_operator(f"types.{entity}", spec, False) for entity, spec in types.items()}

    columns_raw = user.get("columns") or {}
    if not isinstance(columns_raw, dict):
        _fail("columns", "应为“列名: 规则”映射", "expected a mapping of column name to rule")
    columns = {str(c): _check_operator(f"columns.{c}", spec, True) for c, spec in columns_raw.items()}

    k_doc = {**document.get("k_anonymity", {}), **(user.get("k_anonymity") or {})}
    qis = k_doc.get("quasi_identifiers") or []
    auto = qis == "auto"
    if auto:
        qis = []
    if not isinstance(qis, list) or not all(isinstance(q, str) for q in qis):
        _fail("k_anonymity.quasi_identifiers", "应为列名列表", "expected a list of column names")
    min_k = k_doc.get("min_k", 5)
    if not isinstance(min_k, int) or isinstance(min_k, bool) or min_k < 1:
        _fail("k_anonymity.min_k", "应为正整数", "expected a positive integer")
    enforce = k_doc.get("enforce", False)
    if not isinstance(enforce, bool):
        _fail("k_anonymity.enforce", "应为 true/false", "expected true or false")

    residual = {**document.get("residual", {}), **(user.get("residual") or {})}
    allow = residual.get("allow") or []
    for entity in allow:
        if entity not in ENTITY_TYPES:
            _fail("residual.allow", f"未知类型 {entity!r}", f"unknown type {entity!r}")

    unknown_residual = set(residual) - {"allow", "independent"}
    if unknown_residual:
        _fail("residual", f"未知键 {sorted(unknown_residual)}", f"unknown keys {sorted(unknown_residual)}; known: allow, independent")
    independent = residual.get("independent", True)
    if not isinstance(independent, bool):
        _fail("residual.independent", "应为 true/false", "expected true or false")

    secret_env = user.get("secret_env", document.get("secret_env", "DESENSITIZE_SECRET"))
    return Policy(
        types=types, columns=columns, quasi_identifiers=list(qis), min_k=min_k, enforce_k=enforce,
        auto_quasi_identifiers=auto, min_k_explicit=(user.get("k_anonymity") or {}).get("min_k"),
        residual_allow=list(allow), residual_independent=independent, secret_env=secret_env, secret_value=user.get("secret"), source=label,
    )
