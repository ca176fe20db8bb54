"""Column-wise processing of one chunk of a table.

Structured columns (every cell one identifier) are transformed whole by a vectorized
operator; free-text columns get span detection on candidate cells only, and only the
spans are replaced, the rest of the text kept; plain columns pass through untouched
unless the policy names them.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Dict, List, Optional, Tuple

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .detect import ColumnClass, classify_column, default_recognizers, find_spans_flat
from .operators import apply_operator_array, as_array, as_series
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
    flat = find_spans_flat(values)
    if not len(flat):
        return values, stats
    column_rule = policy.columns.get(column, {})
    cells = values.tolist()
    pos, start, end, kind = flat.pos.tolist(), flat.start.tolist(), flat.end.tolist(), flat.type_index
    # each type's span texts transformed in one vectorized operator call
    new_text: List[Optional[str]] = [None] * len(pos)
    names = [r.ENTITY for r in default_recognizers()]
    for index in np.unique(kind).tolist():
        entity = names[index]
        rows = np.flatnonzero(kind == index).tolist()
        stats.spans[entity] = len(rows)
        spec = {k: v for k, v in column_rule.items() if k != "type"} if "operator" in column_rule else policy.types.get(entity)
        if not spec or spec["operator"] == "keep":
            continue
        if spec["operator"] == "drop":
            spec = {"operator": "redact"}
        texts = pa.array([cells[pos[i]][start[i]:end[i]] for i in rows], type=pa.large_string())
        for i, text in zip(rows, apply_operator_array(texts, spec, secret).to_pylist()):
            new_text[i] = text
    # rebuild the changed cells in one pass over the spans (sorted by cell, start)
    changed = 0
    i, n = 0, len(pos)
    while i < n:
        position = pos[i]
        cell = cells[position]
        pieces, cursor = [], 0
        while i < n and pos[i] == position:
            if new_text[i] is not None:
                pieces.append(cell[cursor:start[i]])
                pieces.append(new_text[i])
                cursor = end[i]
            i += 1
        if pieces:
            pieces.append(cell[cursor:])
            rebuilt = "".join(pieces)
            if rebuilt != cell:
                cells[position] = rebuilt
                changed += 1
    stats.cells_changed = changed
    if not changed:
        return values, stats
    return pd.Series(cells, index=values.index, dtype="str"), stats


def transform_chunk(frame: pd.DataFrame, plans: List[ColumnPlan], policy: Policy, secret: bytes = b"",
                    k_levels: Optional[Dict[str, int]] = None,
                    on_column: Optional[Callable[[str], None]] = None) -> Tuple[pd.DataFrame, Dict[str, ColumnStats]]:
    """Apply the plans to one chunk. Returns the new chunk (dropped columns removed) and
    stats. ``on_column(name)`` is called after each column (progress)."""
    from .kanon import generalize_level

    columns: Dict[str, pd.Series] = {}
    stats: Dict[str, ColumnStats] = {}
    for plan in plans:
        column_stats = ColumnStats()
        spec = plan.operator
        if spec and spec.get("operator") == "drop":
            stats[plan.column] = ColumnStats(cells_changed=len(frame))
            if on_column is not None:
                on_column(plan.column)
            continue
        if plan.kind == "free_text" and not (spec and spec.get("operator") == "keep"):
            out, column_stats = _free_text(frame[plan.column].astype("str"), plan.column, policy, secret)
        elif spec and spec.get("operator") != "keep":
            # on pyarrow arrays: every operator works cell by cell, so it runs on the
            # whole column and blank cells then get their input back
            values = as_array(frame[plan.column])
            nonempty = pc.not_equal(pc.utf8_trim_whitespace(values), "")
            changed = pc.if_else(nonempty, apply_operator_array(values, spec, secret), values)
            column_stats.cells_changed = int(pc.sum(pc.not_equal(changed, values)).as_py() or 0)
            if plan.entity_type:
                column_stats.spans[plan.entity_type] = int(pc.sum(nonempty).as_py() or 0)
            out = as_series(changed, frame.index)
        else:
            out = frame[plan.column].astype("str")
        level = (k_levels or {}).get(plan.column, 0)
        if level:
            values = frame[plan.column].astype("str")
            generalized = generalize_level(out, level)
            column_stats.cells_changed += int(((generalized != out) & (out == values)).sum())
            out = generalized
        columns[plan.column] = out
        stats[plan.column] = column_stats
        if on_column is not None:
            on_column(plan.column)
    return pd.DataFrame(columns, index=frame.index), stats
