"""Detection: the recognizer registry, an offline Presidio AnalyzerEngine, span
detection in free text and column classification from a sample.

Presidio is the framework: every recognizer is registered in a
``RecognizerRegistry`` and ``build_analyzer()`` gives a working ``AnalyzerEngine``
for Chinese text. The table path does not go through ``AnalyzerEngine.analyze``
(whose per-call overhead is what makes Presidio take hours on a table); it calls the
same recognizers' ``find`` / ``valid_mask`` directly, on candidate cells picked by
vectorized prefilters.
"""
from __future__ import annotations

import bisect
import functools
from dataclasses import dataclass, field
from typing import Dict, Iterable, List, Optional, Sequence

import numpy as np
import pandas as pd
from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
from presidio_analyzer.nlp_engine import NlpArtifacts, NlpEngine

from .recognizers import ChineseRecognizer, all_recognizers
from .recognizers.base import Span, contains

LANGUAGE = "zh"
FREE_TEXT_HINTS = ("备注", "描述", "说明", "情况", "内容", "摘要", "意见", "事由", "详情", "remark", "note", "comment", "description")


class BlankChineseNlpEngine(NlpEngine):
    """Presidio NLP engine over a blank spaCy Chinese pipeline (character tokens).

    Nothing is downloaded: spaCy's blank "zh" language ships in the spacy wheel, and
    no statistical model is needed because every recognizer here is pattern-based.
    """

    def __init__(self):
        self._nlp = None

    def load(self) -> None:
        import spacy

        self._nlp = spacy.blank(LANGUAGE)

    def is_loaded(self) -> bool:
        return self._nlp is not None

    def process_text(self, text: str, language: str) -> NlpArtifacts:
        doc = self._nlp(text)
        return NlpArtifacts(
            entities=[],
            tokens=doc,
            tokens_indices=[token.idx for token in doc],
            lemmas=[token.text for token in doc],
            nlp_engine=self,
            language=language,
        )

    def process_batch(self, texts: Iterable[str], language: str, batch_size: int = 1, n_process: int = 1, **kwargs):
        for text in texts:
            yield text, self.process_text(text, language)

    def is_stopword(self, word: str, language: str) -> bool:
        return self._nlp.vocab[word].is_stop

    def is_punct(self, word: str, language: str) -> bool:
        return len(word) == 1 and not word.isalnum()

    def get_supported_entities(self) -> List[str]:
        return []

    def get_supported_languages(self) -> List[str]:
        return [LANGUAGE]


def build_registry(recognizers: Optional[Sequence[ChineseRecognizer]] = None) -> RecognizerRegistry:
    registry = RecognizerRegistry(supported_languages=[LANGUAGE])
    for recognizer in recognizers or all_recognizers():
        registry.add_recognizer(recognizer)
    return registry


def build_analyzer() -> AnalyzerEngine:
    """A Presidio AnalyzerEngine for Chinese with our recognizers; starts offline."""
    return AnalyzerEngine(
        registry=build_registry(), nlp_engine=BlankChineseNlpEngine(), supported_languages=[LANGUAGE]
    )


@functools.lru_cache(maxsize=1)
def default_recognizers() -> tuple:
    """Shared recognizer instances (stateless after construction)."""
    return tuple(all_recognizers())


def recognizer_for(entity_type: str) -> ChineseRecognizer:
    for recognizer in default_recognizers():
        if recognizer.ENTITY == entity_type:
            return recognizer
    raise KeyError(entity_type)


def resolve_overlaps(spans: List[Span], priority: Dict[str, int]) -> List[Span]:
    """Non-overlapping spans: higher score first, then type priority, then longer."""
    ranked = sorted(spans, key=lambda s: (-s[3], priority.get(s[2], 99), -(s[1] - s[0]), s[0]))
    kept: List[Span] = []
    for span in ranked:
        if all(span[1] <= k[0] or span[0] >= k[1] for k in kept):
            kept.append(span)
    return sorted(kept)


@functools.lru_cache(maxsize=1)
def _priority() -> Dict[str, int]:
    return {r.ENTITY: i for i, r in enumerate(default_recognizers())}


def detect_spans(text: str, entity_types: Optional[Iterable[str]] = None) -> List[Span]:
    """Non-overlapping PII spans (start, end, type, score) in one string."""
    wanted = set(entity_types) if entity_types is not None else None
    spans: List[Span] = []
    for recognizer in default_recognizers():
        if wanted is None or recognizer.ENTITY in wanted:
            spans.extend(recognizer.find(text))
    return resolve_overlaps(spans, _priority())


def detect_spans_in_series(values: pd.Series, entity_types: Optional[Iterable[str]] = None) -> Dict[int, List[Span]]:
    """{row position: spans} for the cells of a string Series that hold any PII.

    Each recognizer runs only on the cells its RE2 prefilter selects (vectorized by
    pyarrow), so clean cells cost nothing in Python.
    """
    wanted = set(entity_types) if entity_types is not None else None
    text = values.astype("str")
    cells = None
    found: Dict[int, List[Span]] = {}
    for recognizer in default_recognizers():
        if wanted is not None and recognizer.ENTITY not in wanted:
            continue
        candidates = contains(text, recognizer.prefilter)
        if not candidates.any():
            continue
        if cells is None:
            cells = text.tolist()
        positions = np.flatnonzero(candidates).tolist()
        for position, spans in _find_batched(recognizer, cells, positions):
            found.setdefault(position, []).extend(spans)
    priority = _priority()
    return {pos: resolve_overlaps(spans, priority) for pos, spans in found.items()}


_CELL_SEPARATOR = "\x00"


def _find_batched(recognizer: ChineseRecognizer, cells: List[str], positions: List[int]):
    """(position, spans) for the given cells, from one ``find`` over the cells joined
    by NUL.

    A call per cell costs more in Python overhead than the matching itself. NUL is
    neither a digit, a letter, a Han character nor whitespace, so no pattern matches
    across it and every boundary lookaround sees it as the edge of the text. Cells
    that contain NUL themselves are searched one by one.
    """
    joined_cells, starts, offset = [], [], 0
    for position in positions:
        cell = cells[position]
        if _CELL_SEPARATOR in cell:
            spans = recognizer.find(cell)
            if spans:
                yield position, spans
            continue
        joined_cells.append(position)
        starts.append(offset)
        offset += len(cell) + 1
    if not joined_cells:
        return
    text = _CELL_SEPARATOR.join(cells[p] for p in joined_cells)
    by_cell: Dict[int, List[Span]] = {}
    for start, end, entity, score in recognizer.find(text):
        index = bisect.bisect_right(starts, start) - 1
        base = starts[index]
        by_cell.setdefault(joined_cells[index], []).append((start - base, end - base, entity, score))
    yield from by_cell.items()


@dataclass
class ColumnClass:
    """What a column holds, decided from a sample."""

    column: str
    kind: str  # "structured" (whole cells of one type), "free_text", or "plain"
    entity_type: Optional[str] = None
    confidence: float = 0.0
    counts: Dict[str, int] = field(default_factory=dict)  # type → cells with it, in the sample
    sample_size: int = 0

    def to_dict(self) -> dict:
        return {
            "column": self.column, "kind": self.kind, "entity_type": self.entity_type,
            "confidence": round(self.confidence, 4), "counts": self.counts, "sample_size": self.sample_size,
        }


def _hinted(header: str, hints: Iterable[str]) -> bool:
    lowered = str(header).lower()
    return any(h.lower() in lowered for h in hints)


def classify_column(header: str, values: pd.Series, sample_size: int = 2000) -> ColumnClass:
    """Classify one column from the header and a sample of non-empty cells.

    structured: ≥ 60 % of the sampled cells are whole valid identifiers of one type
    (≥ 30 % if the header names that type; names and addresses, which have no
    checksum, need the header hint too). free_text: long cells, a 备注-like header or
    PII spans inside cells. plain: nothing found.
    """
    text = values.astype("str").str.strip()
    sample = text[text != ""].head(sample_size)
    n = len(sample)
    if n == 0:
        return ColumnClass(str(header), "plain", sample_size=0)
    best, best_share = None, 0.0
    counts: Dict[str, int] = {}
    for recognizer in default_recognizers():
        hinted = _hinted(header, recognizer.HEADER_HINTS)
        if recognizer.ENTITY in ("CN_PERSON_NAME", "CN_ADDRESS") and not hinted:
            continue
        hits = int(recognizer.valid_mask(sample).sum())
        if hits:
            counts[recognizer.ENTITY] = hits
        share = hits / n
        needed = 0.3 if hinted else 0.6
        if share >= needed and share > best_share:
            best, best_share = recognizer.ENTITY, share
    if best:
        return ColumnClass(str(header), "structured", best, best_share, counts, n)
    # prose: long cells with Chinese text (an order number is long but not prose)
    long_cells = sample.str.len().mean() > 30 and sample.str.contains("[\u4e00-\u9fa5]").mean() > 0.5
    found = detect_spans_in_series(sample.reset_index(drop=True))
    span_counts: Dict[str, int] = {}
    for spans in found.values():
        for entity in {s[2] for s in spans}:
            span_counts[entity] = span_counts.get(entity, 0) + 1
    if found or long_cells or _hinted(header, FREE_TEXT_HINTS):
        return ColumnClass(str(header), "free_text", None, len(found) / n, span_counts, n)
    return ColumnClass(str(header), "plain", None, 1.0, counts, n)
