"""Column-wise processing of one chunk of a table.

Structured columns (every cell one identifier) are transformed whole by a vectorized
operator; free-text columns get span detection on candidate cells only, and only the
spans are replaced, the rest of the text kept; plain columns pass through untouched
unless the policy names them.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, Optional, Tuple

import pandas as pd

from .detect import ColumnClass, classify_column, detect_spans_in_series
from .operators import apply_operator
from .policy import Policy


@dataclass
class ColumnPlan:
    column: str
    kind: str
    entity_type: Optional[str]
    operator: Optional[dict]
    classification: ColumnClass
    generalize_level: int = 0  # extra k-anonymity generalization, see kanon.py

    def to_dict(self) -> dict:
        return {**self.classification.to_dict(), "kind": self.kind, "entity_type": self.entity_type,
                "operator": self.operator, "k_generalization_level": self.generalize_level}


@dataclass
class ColumnStats:
    cells_changed: int = 0
    spans: Dict[str, int] = field(default_factory=dict)

    def add(self, other: "ColumnStats") -> None:
        self.cells_changed += other.cells_changed
        for k, v in other.spans.items():
            self.spans[k] = self.spans.get(k, 0) + v


def plan_columns(sample: pd.DataFrame, policy: Policy, sample_rows: int = 2000) -> List[ColumnPlan]:
    """Decide per column what it holds and which operator applies."""
    plans = []
    for column in sample.columns:
        classification = classify_column(column, sample[column], sample_rows)
        kind, entity = classification.kind, classification.entity_type
        forced = policy.forced_type(column)
        if forced in ("free_text", "plain"):
            kind, entity = forced, None
        elif forced:
            kind, entity = "structured", forced
        # free-text and plain columns get an operator only from their own column rule
        operator = policy.operator_for(column, entity if kind == "structured" else None)
        plans.append(ColumnPlan(column, kind, entity, operator, classification))
    return plans


def _free_text(values: pd.Series, column: str, policy: Policy, secret: bytes) -> Tuple[pd.Series, ColumnStats]:
    stats = ColumnStats()
    found = detect_spans_in_series(values)
    if not found:
        return values, stats
    column_rule = policy.columns.get(column, {})
    # gather span texts per type, transform each type's spans in one vectorized call
    cells = values.tolist()
    by_type: Dict[str, List[Tuple[int, int, int, str]]] = {}
    for position, spans in found.items():
        cell = cells[position]
        for start, end, entity, _ in spans:
            by_type.setdefault(entity, []).append((position, start, end, cell[start:end]))
    replacements: Dict[int, List[Tuple[int, int, str]]] = {}
    for entity, items in by_type.items():
        spec = {k: v for k, v in column_rule.items() if k != "type"} if "operator" in column_rule else policy.types.get(entity)
        stats.spans[entity] = len(items)
        if not spec or spec["operator"] == "keep":
            continue
        if spec["operator"] == "drop":
            spec = {"operator": "redact"}
        new = apply_operator(pd.Series([i[3] for i in items], dtype="str"), spec, secret).tolist()
        for (position, start, end, _), text in zip(items, new):
            replacements.setdefault(position, []).append((start, end, text))
    if not replacements:
        return values, stats
    positions = list(replacements)
    rebuilt = []
    for position in positions:
        cell = cells[position]
        pieces, cursor = [], 0
        for start, end, text in sorted(replacements[position]):
            pieces.append(cell[cursor:start])
            pieces.append(text)
            cursor = end
        pieces.append(cell[cursor:])
        rebuilt.append("".join(pieces))
    stats.cells_changed = sum(cells[p] != new for p, new in zip(positions, rebuilt))
    for position, new in zip(positions, rebuilt):
        cells[position] = new
    return pd.Series(cells, index=values.index, dtype="str"), stats


def transform_chunk(frame: pd.DataFrame, plans: List[ColumnPlan], policy: Policy, secret: bytes = b"",
                    k_levels: Optional[Dict[str, int]] = None) -> Tuple[pd.DataFrame, Dict[str, ColumnStats]]:
    """Apply the plans to one chunk. Returns the new chunk (dropped columns removed) and stats."""
    from .kanon import generalize_level

    columns: Dict[str, pd.Series] = {}
    stats: Dict[str, ColumnStats] = {}
    for plan in plans:
        values = frame[plan.column].astype("str")
        column_stats = ColumnStats()
        spec = plan.operator
        if spec and spec.get("operator") == "drop":
            stats[plan.column] = ColumnStats(cells_changed=len(values))
            continue
        if plan.kind == "free_text" and not (spec and spec.get("operator") == "keep"):
            out, column_stats = _free_text(values, plan.column, policy, secret)
        elif spec and spec.get("operator") != "keep":
            nonempty = values.str.strip() != ""
            out = values.copy()
            if nonempty.any():
                out[nonempty] = apply_operator(values[nonempty], spec, secret)
            column_stats.cells_changed = int((out != values).sum())
            if plan.entity_type:
                column_stats.spans[plan.entity_type] = int(nonempty.sum())
        else:
            out = values
        level = (k_levels or {}).get(plan.column, 0)
        if level:
            generalized = generalize_level(out, level)
            column_stats.cells_changed += int(((generalized != out) & (out == values)).sum())
            out = generalized
        columns[plan.column] = out
        stats[plan.column] = column_stats
    return pd.DataFrame(columns, index=frame.index), stats
