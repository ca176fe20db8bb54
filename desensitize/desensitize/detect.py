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
from .recognizers.base import Span, contains, fullmatch

LANGUAGE = "zh"
#: headers of columns that hold codes of things, not of people: order, waybill,
#: contract, batch, serial and work-order numbers, versions, amounts, division codes
NOT_PII_HEADERS = ("订单号", "订单编号", "单号", "工单号", "工单编号", "流水号", "批次号", "合同编号", "合同号", "交易号",
                   "交易编号", "发票号", "发票代码", "运单号", "快递单号", "序列号", "编号", "序号", "版本", "版本号",
                   "version", "order", "serial", "金额", "区划代码", "行政区划", "批号")
#: types a code can match by checksum or shape luck (a 16–19-digit number passes Luhn
#: one time in ten; a four-part version has valid IPv4 octets)
LUCK_TYPES = ("CN_BANK_CARD", "IP_ADDRESS", "CN_ORG_CODE", "CN_PASSPORT", "CN_HK_MACAU_PERMIT", "CN_LANDLINE")
_CODE_CELL = r"[A-Za-z0-9][A-Za-z0-9.\-_/#:]*"
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
    flat = find_spans_flat(values, entity_types)
    found: Dict[int, List[Span]] = {}
    for pos, start, end, entity, score in zip(flat.pos.tolist(), flat.start.tolist(), flat.end.tolist(),
                                              flat.entities(), flat.score.tolist()):
        found.setdefault(pos, []).append((start, end, entity, score))
    return found


@dataclass
class FlatSpans:
    """Non-overlapping spans of a column as parallel arrays, sorted by (cell, start)."""

    pos: np.ndarray
    start: np.ndarray
    end: np.ndarray
    type_index: np.ndarray  # index into default_recognizers()
    score: np.ndarray

    def entities(self) -> List[str]:
        names = [r.ENTITY for r in default_recognizers()]
        return [names[i] for i in self.type_index.tolist()]

    def __len__(self) -> int:
        return len(self.pos)


#: a column is searched once per distinct value when at most this share of its cells
#: are distinct (tables repeat values: a 备注 column of 200,000 rows had 45% distinct)
DEDUPE_SHARE = 0.8


def find_spans_flat(values: pd.Series, entity_types: Optional[Iterable[str]] = None) -> FlatSpans:
    """The spans of every recognizer in the candidate cells of a column, overlaps
    resolved as ``resolve_overlaps`` does; cells whose spans do not overlap (nearly
    all) never go through Python one by one.

    Detection is a function of the cell's text alone (no pattern reaches over a cell's
    edge), so a column that repeats values is searched once per distinct value and the
    spans are copied to every cell holding it (vectorized)."""
    from .operators import as_array

    text = as_array(values)
    if len(text) >= 64 and not text.null_count:
        import pyarrow.compute as pc

        encoded = pc.dictionary_encode(text)
        distinct = encoded.dictionary
        if len(distinct) <= DEDUPE_SHARE * len(text):
            flat = _find_spans_flat(distinct, entity_types)
            return _expand(flat, encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64), len(distinct))
    return _find_spans_flat(text, entity_types)


def _expand(flat: FlatSpans, codes: np.ndarray, distinct: int) -> FlatSpans:
    """Spans found per distinct value (``flat.pos`` = index of the value) → spans per
    cell (``codes[i]`` = the value of cell i), sorted by (cell, start)."""
    if not len(flat):
        return flat
    per_value = np.bincount(flat.pos, minlength=distinct)
    first = np.concatenate([[0], np.cumsum(per_value)[:-1]])  # flat is sorted by value
    counts = per_value[codes]
    total = int(counts.sum())
    cells = np.repeat(np.arange(len(codes), dtype=np.int64), counts)
    cell_first = np.concatenate([[0], np.cumsum(counts)[:-1]])
    index = first[codes][cells] + (np.arange(total, dtype=np.int64) - cell_first[cells])
    return FlatSpans(cells, flat.start[index], flat.end[index], flat.type_index[index], flat.score[index])


def _find_spans_flat(text, entity_types: Optional[Iterable[str]] = None) -> FlatSpans:
    wanted = set(entity_types) if entity_types is not None else None
    import pyarrow as pa

    cells = None
    digit_cells = digit_positions = None  # the cells with an ASCII digit, for DIGIT_REQUIRED types
    pos_parts, start_parts, end_parts, type_parts, score_parts = [], [], [], [], []
    for index, recognizer in enumerate(default_recognizers()):
        if wanted is not None and recognizer.ENTITY not in wanted:
            continue
        if recognizer.DIGIT_REQUIRED:
            if digit_cells is None:
                has_digit = contains(text, "[0-9]")
                digit_cells, digit_positions = text.filter(pa.array(has_digit)), np.flatnonzero(has_digit)
            positions = digit_positions[contains(digit_cells, recognizer.prefilter)]
        else:
            positions = np.flatnonzero(contains(text, recognizer.prefilter))
        if not len(positions):
            continue
        if cells is None:
            cells = text.to_pylist()
            any_nul = bool(contains(text, _CELL_SEPARATOR).any())
        positions = positions.tolist()
        pos, start, end, score = _find_flat(recognizer, cells, positions, any_nul)
        if len(pos):
            pos_parts.append(pos)
            start_parts.append(start)
            end_parts.append(end)
            score_parts.append(score)
            type_parts.append(np.full(len(pos), index, dtype=np.int64))
    if not pos_parts:
        empty = np.zeros(0, dtype=np.int64)
        return FlatSpans(empty, empty, empty, empty, np.zeros(0))
    pos, start, end = np.concatenate(pos_parts), np.concatenate(start_parts), np.concatenate(end_parts)
    kind, score = np.concatenate(type_parts), np.concatenate(score_parts)
    order = np.lexsort((end, start, pos))
    pos, start, end, kind, score = pos[order], start[order], end[order], kind[order], score[order]
    # sorted by start, any overlap in a cell shows between neighbours
    overlap = (pos[1:] == pos[:-1]) & (start[1:] < end[:-1])
    if overlap.any():
        bad_cells = np.unique(pos[1:][overlap])
        bad = np.isin(pos, bad_cells)
        names = [r.ENTITY for r in default_recognizers()]
        type_of = {name: i for i, name in enumerate(names)}
        priority = _priority()
        keep_pos, keep_start, keep_end, keep_kind, keep_score = [], [], [], [], []
        rows = np.flatnonzero(bad)
        groups = np.split(rows, np.flatnonzero(np.diff(pos[rows])) + 1)
        for group in groups:
            spans = [(int(start[i]), int(end[i]), names[kind[i]], float(score[i])) for i in group]
            for s, e, entity, sc in resolve_overlaps(spans, priority):
                keep_pos.append(int(pos[group[0]]))
                keep_start.append(s)
                keep_end.append(e)
                keep_kind.append(type_of[entity])
                keep_score.append(sc)
        good = ~bad
        pos = np.concatenate([pos[good], np.array(keep_pos, dtype=np.int64)])
        start = np.concatenate([start[good], np.array(keep_start, dtype=np.int64)])
        end = np.concatenate([end[good], np.array(keep_end, dtype=np.int64)])
        kind = np.concatenate([kind[good], np.array(keep_kind, dtype=np.int64)])
        score = np.concatenate([score[good], np.array(keep_score, dtype=float)])
        order = np.lexsort((start, pos))
        pos, start, end, kind, score = pos[order], start[order], end[order], kind[order], score[order]
    return FlatSpans(pos, start, end, kind, score)


_CELL_SEPARATOR = "\x00"


def _find_flat(recognizer: ChineseRecognizer, cells: List[str], positions: List[int], any_nul: bool = True):
    """(positions, starts, ends, scores) arrays of one recognizer's spans in the given
    cells, from one ``find`` over the cells joined by NUL (see ``_find_batched``).
    ``any_nul=False``: the caller knows that no cell holds a NUL."""
    pos_list, start_list, end_list, score_list = [], [], [], []
    joined, clean = [], []
    if not any_nul:
        clean, joined = positions, [cells[p] for p in positions]
    for position in positions if any_nul else ():
        cell = cells[position]
        if _CELL_SEPARATOR in cell:
            for s, e, _, sc in recognizer.find(cell):
                pos_list.append(position)
                start_list.append(s)
                end_list.append(e)
                score_list.append(sc)
        else:
            clean.append(position)
            joined.append(cell)
    pos = np.array(pos_list, dtype=np.int64)
    start = np.array(start_list, dtype=np.int64)
    end = np.array(end_list, dtype=np.int64)
    score = np.array(score_list, dtype=float)
    if clean:
        lengths = np.fromiter((len(c) + 1 for c in joined), dtype=np.int64, count=len(joined))
        offsets = np.concatenate([[0], np.cumsum(lengths)[:-1]])
        spans = recognizer.find_joined(_CELL_SEPARATOR.join(joined))
        if spans:
            found = np.array([(s, e) for s, e, _, _ in spans], dtype=np.int64)
            cell = np.searchsorted(offsets, found[:, 0], side="right") - 1
            base = offsets[cell]
            pos = np.concatenate([pos, np.asarray(clean, dtype=np.int64)[cell]])
            start = np.concatenate([start, found[:, 0] - base])
            end = np.concatenate([end, found[:, 1] - base])
            score = np.concatenate([score, np.array([sp[3] for sp in spans], dtype=float)])
    return pos, start, end, score


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
    for start, end, entity, score in recognizer.find_joined(text):
        index = bisect.bisect_right(starts, start) - 1
        base = starts[index]
        by_cell.setdefault(joined_cells[index], []).append((start - base, end - base, entity, score))
    yield from by_cell.items()


@functools.lru_cache(maxsize=1)
def _any_cell_shape() -> str:
    return "|".join(f"(?:{r.cell_shape})" for r in default_recognizers())


@functools.lru_cache(maxsize=1)
def _any_prefilter() -> str:
    return "|".join(f"(?:{r.prefilter})" for r in default_recognizers())


@dataclass
class ColumnClass:
    """What a column holds, decided from a sample."""

    column: str
    kind: str  # "structured" (whole cells of one type), "free_text", or "plain"
    entity_type: Optional[str] = None
    confidence: float = 0.0
    counts: Dict[str, int] = field(default_factory=dict)  # type → cells with it, in the sample
    sample_size: int = 0
    #: why a column is plain although some cells match a type by checksum luck
    #: ({"reason_zh", "reason_en", "ignored_types"}); the residual scan skips those types there
    note: Optional[dict] = None

    @property
    def ignored_types(self) -> tuple:
        return tuple(self.note["ignored_types"]) if self.note else ()

    def to_dict(self) -> dict:
        out = {
            "column": self.column, "kind": self.kind, "entity_type": self.entity_type,
            "confidence": round(self.confidence, 4), "counts": self.counts, "sample_size": self.sample_size,
        }
        if self.note:
            out["note"] = self.note
        return out


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
    # one RE2 pass for all types first: most columns hold no cell of any type's shape
    # (and then one per type, far cheaper than its valid_mask, which only runs where
    # some cell has its shape)
    import pyarrow as pa

    cells = pa.array(sample, type=pa.large_string())
    # a column the header calls order / version / amount numbers and whose cells are
    # all codes: types that match such codes by luck are not taken
    code_column = _hinted(header, NOT_PII_HEADERS) and fullmatch(cells, _CODE_CELL).mean() >= 0.95
    ignored: Dict[str, int] = {}
    shaped = fullmatch(cells, _any_cell_shape()).any()
    for recognizer in default_recognizers() if shaped else ():
        hinted = _hinted(header, recognizer.HEADER_HINTS)
        if code_column and recognizer.ENTITY in LUCK_TYPES and not hinted:
            hits = int(recognizer.valid_mask(sample).sum()) if fullmatch(cells, recognizer.cell_shape).any() else 0
            if hits:
                ignored[recognizer.ENTITY] = hits
            continue
        if recognizer.ENTITY in ("CN_PERSON_NAME", "CN_ADDRESS") and not hinted:
            continue
        hits = int(recognizer.valid_mask(sample).sum()) if fullmatch(cells, recognizer.cell_shape).any() else 0
        if hits:
            counts[recognizer.ENTITY] = hits
        share = hits / n
        needed = 0.3 if hinted else 0.6
        if share >= needed and share > best_share:
            best, best_share = recognizer.ENTITY, share
    if best:
        return ColumnClass(str(header), "structured", best, best_share, counts, n)
    if code_column:
        note = {"reason_zh": f"表头“{header}”表明该列是编号/版本/金额等代码而非个人信息；"
                             f"其中偶然通过校验的值（{', '.join(f'{t}×{c}' for t, c in ignored.items()) or '无'}）不按个人信息处理",
                "reason_en": f"the header '{header}' says this column holds codes (order/version/amount numbers), "
                             "not personal data; values that pass a checksum by chance are not treated as such",
                "ignored_types": list(LUCK_TYPES), "ignored_in_sample": ignored}
        return ColumnClass(str(header), "plain", None, 1.0, counts, n, note=note)
    # prose: long cells with Chinese text (an order number is long but not prose)
    long_cells = sample.str.len().mean() > 30 and sample.str.contains("[\u4e00-\u9fa5]").mean() > 0.5
    found = detect_spans_in_series(sample.reset_index(drop=True)) if contains(sample, _any_prefilter()).any() else {}
    span_counts: Dict[str, int] = {}
    for spans in found.values():
        for entity in {s[2] for s in spans}:
            span_counts[entity] = span_counts.get(entity, 0) + 1
    if found or long_cells or _hinted(header, FREE_TEXT_HINTS):
        return ColumnClass(str(header), "free_text", None, len(found) / n, span_counts, n)
    return ColumnClass(str(header), "plain", None, 1.0, counts, n)
