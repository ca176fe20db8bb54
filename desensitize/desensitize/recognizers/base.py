"""Shared machinery of the Chinese recognizers.

Every recognizer is a real Presidio ``PatternRecognizer`` (so it can sit in a
``RecognizerRegistry`` and serve ``AnalyzerEngine``), and adds a fast path that the
table code uses directly:

* ``find(text)``: spans in one string, using the same compiled patterns and the same
  ``validate_result`` as Presidio, without building ``RecognizerResult`` objects;
* ``prefilter``: an RE2-compatible regex (no lookarounds) that every string holding a
  match also matches, so pandas/pyarrow can pick candidate cells vectorized;
* ``cell_regex`` + ``valid_mask(series)``: whole-cell matching and validation of a
  column at once (vectorized checksums where the type has one).
"""
from __future__ import annotations

from typing import Iterable, List, Optional, Tuple

import numpy as np
import pandas as pd
import regex
from presidio_analyzer import Pattern, PatternRecognizer

# Regex \b treats a Chinese character as a word character, so "号110105..." has no
# boundary before the digits. These lookarounds only refuse ASCII letters/digits.
LEFT = r"(?<![0-9A-Za-z])"
RIGHT = r"(?![0-9A-Za-z])"

Span = Tuple[int, int, str, float]  # start, end, entity type, score

CASE_INSENSITIVE = regex.DOTALL | regex.MULTILINE | regex.IGNORECASE
CASE_SENSITIVE = regex.DOTALL | regex.MULTILINE


class ChineseRecognizer(PatternRecognizer):
    """A PatternRecognizer with a fast path for whole columns and candidate cells."""

    ENTITY: str = ""
    #: header words that make a column of this type more likely (姓名, 身份证号…)
    HEADER_HINTS: Tuple[str, ...] = ()
    #: RE2-compatible superset regex used by pandas to pick candidate cells
    prefilter: str = ""
    #: RE2-compatible regex a whole (stripped) cell of this type matches
    cell_regex: str = ""
    #: score of a validated match (Presidio raises validated ones to 1.0)
    score: float = 0.6
    flags: int = CASE_SENSITIVE

    def __init__(self, patterns: List[Pattern], context: Optional[List[str]] = None):
        super().__init__(
            supported_entity=self.ENTITY,
            name=type(self).__name__,
            supported_language="zh",
            patterns=patterns,
            context=context or list(self.HEADER_HINTS),
            global_regex_flags=self.flags,
        )
        self._compiled = [regex.compile(p.regex, self.flags) for p in self.patterns]
        boundary = self.boundary_prefilter()
        if boundary:
            self.prefilter = boundary

    def boundary_prefilter(self) -> Optional[str]:
        """The patterns rewritten for RE2: LEFT/RIGHT become consumed non-alnum chars.

        Tighter than a hand-written prefilter (a 20-digit order number holds no
        18-digit candidate with boundaries), so fewer cells reach Python. None when a
        pattern uses other lookarounds, which RE2 cannot run.
        """
        rewritten = []
        for pattern in self.patterns:
            text = pattern.regex.replace(LEFT, "(?:^|[^0-9A-Za-z])").replace(RIGHT, "(?:$|[^0-9A-Za-z])")
            if "(?<" in text or "(?=" in text or "(?!" in text:
                return None
            rewritten.append(text)
        return "|".join(f"(?:{r})" for r in rewritten)

    # ---- scalar fast path -------------------------------------------------------
    def find(self, text: str) -> List[Span]:
        """All validated spans of this type in ``text`` (same rules as ``analyze``)."""
        spans: List[Span] = []
        for compiled, pattern in zip(self._compiled, self.patterns):
            for match in compiled.finditer(text):
                start, end = match.span()
                if start == end:
                    continue
                found = text[start:end]
                valid = self.validate_result(found)
                if valid is False or self.invalidate_result(found):
                    continue
                spans.append((start, end, self.ENTITY, 1.0 if valid else pattern.score))
        return spans

    def is_valid(self, value: str) -> bool:
        """Whether the whole string is one identifier of this type."""
        value = value.strip()
        return any(s == 0 and e == len(value) for s, e, _, _ in self.find(value))

    # ---- vectorized path --------------------------------------------------------
    def valid_mask(self, values: pd.Series) -> pd.Series:
        """Boolean Series: the stripped cell is one valid identifier of this type.

        The default validates the regex matches one by one; types with a checksum
        override this with a numpy version.
        """
        stripped = values.astype("str").str.strip()
        shaped = stripped.str.fullmatch(self.cell_regex).fillna(False).astype(bool)
        if not shaped.any():
            return shaped
        checked = stripped[shaped].map(self._cell_valid)
        result = pd.Series(False, index=values.index)
        result[checked.index] = checked.astype(bool)
        return result

    def _cell_valid(self, value: str) -> bool:
        valid = self.validate_result(value)
        return valid is not False and not self.invalidate_result(value)


def digits_matrix(values: Iterable[str], width: int) -> np.ndarray:
    """Fixed-width ASCII strings → (n, width) uint8 array of their characters."""
    joined = "".join(values).encode("ascii")
    return np.frombuffer(joined, dtype=np.uint8).reshape(-1, width)
