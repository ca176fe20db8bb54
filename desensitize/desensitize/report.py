"""What a run changed, the residual scan of the output, and the report object."""
from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field
from typing import Dict, Iterable, List, Optional

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .detect import _find_batched, default_recognizers
from .recognizers import STRUCTURED_TYPES


@functools.lru_cache(maxsize=8)
def _combined_prefilter(types: tuple) -> str:
    return "|".join(f"(?:{r.prefilter})" for r in default_recognizers() if r.ENTITY in types)


def mask_sample(text: str) -> str:
    """A sample fit for a report: the first and last characters, the rest starred."""
    if len(text) <= 4:
        return "*" * len(text)
    keep = max(1, len(text) // 6)
    return text[:keep] + "*" * (len(text) - 2 * keep) + text[-keep:]


def _candidate_rows(arrays: List[pa.Array], combined: str) -> List[pa.Array]:
    """The rows (of a table given as string arrays) in which any cell may hold an
    identifier: one RE2 pass over each row's cells joined by NUL (NUL is a boundary to
    every pattern and part of none, so a cell that matches alone also matches in its
    row). RE2's cost is mostly per value, so this is one call over n rows instead of
    one per column over n x columns cells; the scan then runs on these rows only."""
    if len(arrays) < 2 or not len(arrays[0]):
        return arrays
    rows = pc.binary_join_element_wise(*arrays, pa.scalar("\x00", pa.large_string()))
    candidate = pc.match_substring_regex(rows, combined).fill_null(False)
    return [array.filter(candidate) for array in arrays]


def residual_scan(frame: pd.DataFrame, allow: Iterable[str] = (),
                  ignore: Optional[Dict[str, Iterable[str]]] = None) -> List[dict]:
    """Identifiers of the checksum/shape types still present in ``frame``.

    Rows are picked by one vectorized RE2 pass with all prefilters combined; the cells
    of those rows are then scanned as one array (every pyarrow regex call costs ~1 ms
    whatever its size, so one call per recognizer rather than per column and
    recognizer), validated whole-cell vectorized first and span by span only if
    needed. Names and addresses are not part of it: the independent scan
    (``residual_names``) looks for them. ``ignore``: {column: types} not to report
    there (a column of order numbers whose header says so: Luhn luck is no card).
    """
    import numpy as np

    from .operators import as_array

    types = tuple(t for t in STRUCTURED_TYPES if t not in set(allow))
    if not types:
        return []
    combined = _combined_prefilter(types)
    columns = list(frame.columns)
    if not columns or not len(frame):
        return []
    arrays = _candidate_rows([as_array(frame[column]) for column in columns], combined)
    # the candidate rows' cells column after column (row order kept within a column)
    cells = pa.concat_arrays(arrays)
    column_of = np.repeat(np.arange(len(columns)), len(arrays[0]))
    candidate = _matches(cells, combined)
    cells, column_of = cells.filter(pa.array(candidate)), column_of[candidate]
    hits: Dict[tuple, List[str]] = {}
    for index, recognizer in enumerate(default_recognizers()):
        if recognizer.ENTITY not in types or not len(cells):
            continue
        own = _matches(cells, recognizer.prefilter)
        if not own.any():
            continue
        own_cells, own_columns = cells.filter(pa.array(own)).to_pylist(), column_of[own]
        whole = recognizer.valid_mask(pd.Series(own_cells, dtype="str")).to_numpy()
        for position in np.flatnonzero(whole).tolist():
            hits.setdefault((int(own_columns[position]), index), []).append(own_cells[position])
        rest = np.flatnonzero(~whole).tolist()
        rest_cells = [own_cells[p] for p in rest]
        for position, spans in _find_batched(recognizer, rest_cells, list(range(len(rest_cells)))):
            key = (int(own_columns[rest[position]]), index)
            hits.setdefault(key, []).append(rest_cells[position][spans[0][0]:spans[0][1]])
    recognizers = default_recognizers()
    ignore = {str(k): set(v) for k, v in (ignore or {}).items()}
    return [{
        "column": str(columns[column]), "entity_type": recognizers[index].ENTITY, "count": len(found),
        "samples": [mask_sample(h.strip()) for h in found[:3]],
    } for (column, index), found in sorted(hits.items())
        if recognizers[index].ENTITY not in ignore.get(str(columns[column]), ())]


def _matches(cells: pa.Array, pattern: str):
    return pc.match_substring_regex(cells, pattern).fill_null(False).to_numpy(zero_copy_only=False)


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
