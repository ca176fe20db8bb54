"""What a run changed, the residual scan of the output, and the report object."""
from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field
from typing import Dict, Iterable, List, Optional

import pandas as pd

from .detect import _find_batched, default_recognizers
from .recognizers import STRUCTURED_TYPES
from .recognizers.base import contains


@functools.lru_cache(maxsize=8)
def _combined_prefilter(types: tuple) -> str:
    return "|".join(f"(?:{r.prefilter})" for r in default_recognizers() if r.ENTITY in types)


def mask_sample(text: str) -> str:
    """A sample fit for a report: the first and last characters, the rest starred."""
    if len(text) <= 4:
        return "*" * len(text)
    keep = max(1, len(text) // 6)
    return text[:keep] + "*" * (len(text) - 2 * keep) + text[-keep:]


def residual_scan(frame: pd.DataFrame, allow: Iterable[str] = ()) -> List[dict]:
    """Identifiers of the checksum/shape types still present in ``frame``.

    One vectorized RE2 pass per column with all prefilters combined; candidate cells
    are validated whole-cell vectorized first and span by span only if needed.
    Names and addresses are not part of it: without a checksum they cannot be told
    apart reliably from ordinary words in arbitrary columns.
    """
    types = tuple(t for t in STRUCTURED_TYPES if t not in set(allow))
    if not types:
        return []
    combined = _combined_prefilter(types)
    findings: List[dict] = []
    for column in frame.columns:
        values = frame[column].astype("str")
        candidate = contains(values, combined)
        if not candidate.any():
            continue
        cells = values[candidate]
        for recognizer in default_recognizers():
            if recognizer.ENTITY not in types:
                continue
            own = cells[contains(cells, recognizer.prefilter)]
            if own.empty:
                continue
            whole = recognizer.valid_mask(own).to_numpy()
            hits = list(own[whole])
            rest = own[~whole].tolist()
            for position, spans in _find_batched(recognizer, rest, list(range(len(rest)))):
                hits.append(rest[position][spans[0][0]:spans[0][1]])
            if hits:
                findings.append({
                    "column": str(column), "entity_type": recognizer.ENTITY, "count": len(hits),
                    "samples": [mask_sample(h.strip()) for h in hits[:3]],
                })
    return findings


@dataclass
class Report:
    """Outcome of ``apply``: per-column changes, residual scan, k-anonymity."""

    status: str  # "ok" or "failed"
    input: Optional[str]
    output: Optional[str]
    rows: int
    encoding: Optional[str]
    columns: List[dict]
    residual: dict
    k_anonymity: Optional[dict]
    policy: dict
    seconds: float
    error: Optional[str] = None
    frame: Optional[pd.DataFrame] = field(default=None, repr=False)

    def to_dict(self) -> dict:
        return {
            "status": self.status, "input": self.input, "output": self.output, "rows": self.rows,
            "encoding": self.encoding, "columns": self.columns, "residual": self.residual,
            "k_anonymity": self.k_anonymity, "policy": self.policy, "seconds": round(self.seconds, 3),
            "error": self.error,
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2, default=str)
