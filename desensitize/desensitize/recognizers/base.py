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

import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import regex
from presidio_analyzer import AnalysisExplanation, Pattern, PatternRecognizer, RecognizerResult

# Regex \b treats a Chinese character as a word character, so "号110105..." has no
# boundary before the digits. These lookarounds only refuse ASCII letters/digits.
LEFT = r"(?<![0-9A-Za-z])"
RIGHT = r"(?![0-9A-Za-z])"

Span = Tuple[int, int, str, float]  # start, end, entity type, score

CASE_INSENSITIVE = regex.DOTALL | regex.MULTILINE | regex.IGNORECASE
CASE_SENSITIVE = regex.DOTALL | regex.MULTILINE


def re2_compatible(pattern: str) -> str:
    """Rewrite a pattern so pandas runs it in pyarrow's RE2 instead of Python's re.

    pandas falls back to a per-cell Python loop when a pattern has ``\\d`` (Unicode-
    aware in Python, ASCII-only in RE2) or ``\\uXXXX`` escapes and the data is not
    ASCII; ``[0-9]`` and literal characters mean the same here and stay in RE2.
    """
    out, in_class, i = [], False, 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern):
            nxt = pattern[i + 1]
            if nxt == "d":
                out.append("0-9" if in_class else "[0-9]")
                i += 2
                continue
            if nxt == "u" and i + 5 < len(pattern):
                out.append(chr(int(pattern[i + 2:i + 6], 16)))
                i += 6
                continue
            out.append(pattern[i:i + 2])
            i += 2
            continue
        if ch == "[" and not in_class:
            in_class = True
        elif ch == "]" and in_class:
            in_class = False
        out.append(ch)
        i += 1
    return "".join(out)


class ChineseRecognizer(PatternRecognizer):
    """A PatternRecognizer with a fast path for whole columns and candidate cells."""

    ENTITY: str = ""
    #: header words that make a column of this type more likely (姓名, 身份证号…)
    HEADER_HINTS: Tuple[str, ...] = ()
    #: RE2-compatible superset regex used by pandas to pick candidate cells
    prefilter: str = ""
    #: every string the prefilter matches holds an ASCII digit (the table path then
    #: runs it only on the cells that have one)
    DIGIT_REQUIRED: bool = False
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
        self._compiled = [self._compile(p.regex) for p in self.patterns]
        boundary = self.boundary_prefilter()
        self.prefilter = re2_compatible(boundary or self.prefilter)
        self.cell_regex = re2_compatible(self.cell_regex)

    def boundary_prefilter(self) -> Optional[str]:
        """The patterns rewritten for RE2: LEFT/RIGHT become consumed non-alnum chars.

        Tighter than a hand-written prefilter (a 20-digit order number holds no
        18-digit candidate with boundaries), so fewer cells reach Python. None when a
        pattern uses other lookarounds, which RE2 cannot run.
        """
        rewritten = []
        for pattern in self.patterns:
            text = pattern.regex.replace(LEFT, "(?:^|[^0-9A-Za-z])").replace(RIGHT, "(?:$|[^0-9A-Za-z])")
            text = text.replace("(?P<pii>", "(?:")
            if "(?<" in text or "(?=" in text or "(?!" in text:
                return None
            rewritten.append(text)
        return "|".join(f"(?:{r})" for r in rewritten)

    def _compile(self, pattern: str):
        """Python's re where it can (about 4x faster here than the regex module
        Presidio uses); regex for what re cannot (variable-width lookbehind)."""
        flags = re.DOTALL | re.MULTILINE | (re.IGNORECASE if self.flags & regex.IGNORECASE else 0)
        try:
            return re.compile(pattern, flags)
        except re.error:
            return regex.compile(pattern, self.flags)

    # ---- Presidio entry point ---------------------------------------------------
    def analyze(self, text, entities, nlp_artifacts=None, regex_flags=None) -> List[RecognizerResult]:
        """Presidio's entry point, answered by ``find`` so that AnalyzerEngine and the
        table fast path can never disagree."""
        if entities and self.ENTITY not in entities:
            return []
        results = []
        for start, end, entity, score in self.find(text):
            explanation = AnalysisExplanation(
                recognizer=self.name, original_score=score, textual_explanation=f"Detected by `{self.name}`",
                validation_result=True,
            )
            results.append(RecognizerResult(
                entity_type=entity, start=start, end=end, score=score, analysis_explanation=explanation,
                recognition_metadata={RecognizerResult.RECOGNIZER_NAME_KEY: self.name,
                                      RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id},
            ))
        return results

    # ---- scalar fast path -------------------------------------------------------
    def find(self, text: str) -> List[Span]:
        """All validated spans of this type in ``text``.

        A pattern may mark the identifier with a group named ``pii`` when it has to
        consume context around it (e.g. the role word before a name).
        """
        spans: List[Span] = []
        for compiled, pattern in zip(self._compiled, self.patterns):
            has_group = "pii" in compiled.groupindex
            for match in compiled.finditer(text):
                start, end = match.span("pii") if has_group else match.span()
                if start == end:
                    continue
                found = text[start:end]
                valid = self.validate_result(found)
                if valid is False or self.invalidate_result(found):
                    continue
                spans.append((start, end, self.ENTITY, 1.0 if valid else pattern.score))
        return spans

    def find_joined(self, text: str) -> List[Span]:
        """``find`` over many cells joined by NUL (the table path): with the shared
        ``find``, each pattern's matches are collected first and validated together
        by ``valid_many`` (vectorized where a type overrides it); the same spans."""
        if type(self).find is not ChineseRecognizer.find:
            return self.find(text)
        return self._joined_spans(text)

    def _joined_spans(self, text: str) -> List[Span]:
        spans: List[Span] = []
        for compiled, pattern in zip(self._compiled, self.patterns):
            has_group = "pii" in compiled.groupindex
            found = [m.span("pii") if has_group else m.span() for m in compiled.finditer(text)]
            found = [(s, e) for s, e in found if s != e]
            if not found:
                continue
            texts = [text[s:e] for s, e in found]
            keep = self.valid_many(texts)
            if keep is None:  # no vectorized form: exactly what ``find`` does per match
                for (start, end), value in zip(found, texts):
                    valid = self.validate_result(value)
                    if valid is not False and not self.invalidate_result(value):
                        spans.append((start, end, self.ENTITY, 1.0 if valid else pattern.score))
            else:
                spans.extend((s, e, self.ENTITY, 1.0) for (s, e), ok in zip(found, keep.tolist()) if ok)
        return spans

    def valid_many(self, texts: List[str]) -> Optional[np.ndarray]:
        """Vectorized ``validate_result and not invalidate_result`` for the matched
        texts, for types whose ``validate_result`` answers True for every match it
        keeps (score 1.0); None: validate one by one."""
        return None

    def _valid_many_ascii(self, texts: List[str], vectorized) -> np.ndarray:
        """``vectorized(ascii_texts, positions) -> bool array`` on the ASCII texts; the
        others (``\\d`` in Python's re also matches non-ASCII digits) one by one."""
        result = np.zeros(len(texts), dtype=bool)
        ascii_positions = [i for i, t in enumerate(texts) if t.isascii()]
        if ascii_positions:
            result[ascii_positions] = vectorized([texts[i] for i in ascii_positions])
        if len(ascii_positions) < len(texts):
            for i, value in enumerate(texts):
                if not value.isascii():
                    result[i] = self.validate_result(value) is not False and not self.invalidate_result(value)
        return result

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
        shaped = fullmatch(stripped, self.cell_regex)
        result = np.zeros(len(values), dtype=bool)
        if shaped.any():
            positions = np.flatnonzero(shaped)
            cells = stripped.tolist()
            result[positions] = [self._cell_valid(cells[p]) for p in positions]
        return pd.Series(result, index=values.index)

    @property
    def cell_shape(self) -> str:
        """RE2 regex every stripped cell that ``valid_mask`` accepts matches whole."""
        return self.cell_regex

    def _cell_valid(self, value: str) -> bool:
        valid = self.validate_result(value)
        return valid is not False and not self.invalidate_result(value)


def contains(values, pattern: str) -> np.ndarray:
    """Boolean array: which cells (a string Series or pyarrow array) contain a match
    of an RE2 pattern.

    Calls pyarrow directly: pandas' str.contains re-parses the pattern with Python's
    sre_parser on every call to decide whether RE2 can run it, which costs more than
    the match itself for our long patterns.
    """
    array = values if isinstance(values, (pa.Array, pa.ChunkedArray)) else pa.array(values.astype("str"), type=pa.string())
    return pc.match_substring_regex(array, pattern).fill_null(False).to_numpy(zero_copy_only=False)


def fullmatch(values: pd.Series, pattern: str) -> np.ndarray:
    return contains(values, f"^(?:{pattern})$")


def digits_matrix(values: Iterable[str], width: int) -> np.ndarray:
    """Fixed-width ASCII strings → (n, width) uint8 array of their characters."""
    joined = "".join(values).encode("ascii")
    return np.frombuffer(joined, dtype=np.uint8).reshape(-1, width)
