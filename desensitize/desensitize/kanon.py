"""k-anonymity over declared quasi-identifiers, and generalization ladders that raise it.

k is the size of the smallest group of output rows sharing the same values of all
quasi-identifiers. Counting merges per-chunk group sizes, so it works on files read
in chunks.
"""
from __future__ import annotations

from typing import Dict, List, Optional

import pandas as pd

from .operators import generalize

MAX_LEVEL = 4


def column_shape(values: pd.Series) -> str:
    return _column_shape(values.astype("str"))


def _column_shape(values: pd.Series) -> str:
    sample = values[values.str.strip() != ""].head(500)
    if sample.empty:
        return "other"
    if sample.str.match(r"^(?:18|19|20)\d{2}").mean() > 0.8:
        return "date"
    if pd.to_numeric(sample, errors="coerce").notna().mean() > 0.8:
        return "number"
    if sample.str.contains("省|市|区|县|旗|自治").mean() > 0.5:
        return "address"
    return "other"


def generalize_level(values: pd.Series, level: int, shape: Optional[str] = None) -> pd.Series:
    """One more step up a column's ladder per level; the top of every ladder is '*'."""
    values = values.astype("str")
    shape = shape or _column_shape(values)
    empty = values.str.strip() == ""
    star = pd.Series("*", index=values.index, dtype="str").where(~empty, "")
    if shape == "date":
        year = generalize(values, "year")
        if level == 1:
            return year
        if level == 2:
            decade = year.str.slice(0, 3)
            return (decade + "0-" + decade + "9").where(year.str.fullmatch(r"\d{4}"), year)
        return star
    if shape == "number":
        widths = {1: 10, 2: 20, 3: 50}
        return generalize(values, "band", widths[level]) if level in widths else star
    if shape == "address":
        targets = {1: "district", 2: "city", 3: "province"}
        return generalize(values, targets[level]) if level in targets else star
    return star


def group_sizes(frame: pd.DataFrame, quasi_identifiers: List[str]) -> pd.Series:
    return frame.groupby(list(quasi_identifiers), dropna=False, sort=False).size()


KEY_SEPARATOR = "\x1f"


def group_counts(frame: pd.DataFrame, quasi_identifiers: List[str]) -> pd.Series:
    """Rows per combination of the quasi-identifiers, keyed by the values joined with
    U+001F (one string index: merging the chunks' counts is then a cheap alignment,
    where a MultiIndex cost more than the counting). pyarrow's group_by counts."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from .operators import as_array

    arrays = [as_array(frame[q]) for q in quasi_identifiers]
    keys = arrays[0] if len(arrays) == 1 else pc.binary_join_element_wise(
        *arrays, pa.scalar(KEY_SEPARATOR, type=arrays[0].type))
    counted = pa.table({"k": keys}).group_by("k").aggregate([([], "count_all")])
    sizes = pd.Series(counted.column("count_all").to_numpy(), index=counted.column("k").to_pylist(), dtype="int64")
    sizes.attrs["columns"] = list(quasi_identifiers)
    return sizes


class KAnonymityCounter:
    def __init__(self, quasi_identifiers: List[str], min_k: int):
        self.quasi_identifiers = list(quasi_identifiers)
        self.min_k = min_k
        self.sizes: Optional[pd.Series] = None

    def present(self, columns) -> List[str]:
        return [q for q in self.quasi_identifiers if q in columns]

    def add(self, frame: pd.DataFrame) -> None:
        present = self.present(frame.columns)
        if present:
            self.add_sizes(group_sizes(frame, present))

    def add_sizes(self, sizes: Optional[pd.Series]) -> None:
        """Merge one chunk's group sizes (computed where the chunk was transformed):
        memory grows with the number of distinct groups, never with the rows."""
        if sizes is None:
            return
        if self.sizes is None:
            self.sizes = sizes
        else:
            columns = self.sizes.attrs.get("columns")
            self.sizes = self.sizes.add(sizes, fill_value=0).astype("int64")
            self.sizes.attrs["columns"] = columns

    def result(self) -> Optional[dict]:
        if not self.quasi_identifiers:
            return None
        if self.sizes is None or self.sizes.empty:
            return {"quasi_identifiers": self.quasi_identifiers, "k": None, "min_k": self.min_k,
                    "passed": False, "note": "quasi-identifier columns not found / 未找到准标识符列"}
        k = int(self.sizes.min())
        small = self.sizes[self.sizes < self.min_k]
        smallest = self.sizes.sort_values(kind="stable").head(5)
        present = self.sizes.attrs.get("columns") or self.quasi_identifiers

        def values(key):
            parts = key.split(KEY_SEPARATOR) if isinstance(key, str) else key if isinstance(key, tuple) else (key,)
            return dict(zip([str(p) for p in present], [str(v) for v in parts]))

        smallest_groups = [{"values": values(key), "size": int(size)} for key, size in smallest.items()]
        return {
            "quasi_identifiers": self.quasi_identifiers, "k": k, "min_k": self.min_k,
            "passed": k >= self.min_k, "groups": int(len(self.sizes)),
            "groups_below_min_k": int(len(small)), "rows_in_groups_below_min_k": int(small.sum()),
            "smallest_groups": smallest_groups,
        }


def choose_levels(qi_frame: pd.DataFrame, min_k: int, weights=None,
                  shapes: Optional[Dict[str, str]] = None) -> Dict[str, int]:
    """Greedy: raise the level of the quasi-identifier with most distinct values until k ≥ min_k.

    ``weights``: rows per line of ``qi_frame`` when it holds distinct value
    combinations with their counts (the streaming first pass) instead of rows.
    """
    levels = {c: 0 for c in qi_frame.columns}
    current = qi_frame.astype("str").reset_index(drop=True)
    qi_frame = qi_frame.reset_index(drop=True)
    shapes = shapes or {}
    weight = pd.Series(1 if weights is None else weights, index=current.index, dtype="int64")

    def smallest_group() -> int:
        return int(weight.groupby([current[c] for c in current.columns], dropna=False, sort=False).sum().min())

    while True:
        if smallest_group() >= min_k:
            return levels
        candidates = [c for c in current.columns if levels[c] < MAX_LEVEL]
        if not candidates:
            return levels
        column = max(candidates, key=lambda c: current[c].nunique())
        levels[column] += 1
        current[column] = generalize_level(qi_frame[column].astype("str"), levels[column], shapes.get(column))
