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


def _candidate_rows(frame: pd.DataFrame, combined: str) -> pd.DataFrame:
    """The rows in which any cell may hold an identifier: one RE2 pass over each row's
    cells joined by NUL (NUL is a boundary to every pattern and part of none, so a
    cell that matches alone also matches in its row). RE2's cost is mostly per
    value, so this is one call over n rows instead of one per column over n x
    columns cells; the column-by-column scan then runs on these rows only."""
    if frame.shape[1] < 2 or len(frame) == 0:
        return frame
    import pyarrow as pa
    import pyarrow.compute as pc

    arrays = []
    for column in frame.columns:
        array = pa.array(frame[column].astype("str"))
        if isinstance(array, pa.ChunkedArray):
            array = array.combine_chunks()
        arrays.append(array.cast(pa.large_string()))
    rows = pc.binary_join_element_wise(*arrays, pa.scalar("\x00", pa.large_string()))
    candidate = pc.match_substring_regex(rows, combined).fill_null(False).to_numpy(zero_copy_only=False)
    return frame[candidate]


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
    frame = _candidate_rows(frame, combined)
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
