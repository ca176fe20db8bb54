"""Text analysis for the PostgreSQL search: one tokenizer for indexing and querying.

Why character n-grams and not jieba
-----------------------------------
The portal's first search requirement is that Chinese text matches *inside* words:
``q=交通`` must find ``城市交通运行数据``.  A dictionary segmenter such as jieba decides
where the words are, and a query only matches when the query is cut into the same pieces
as the document.  ``城市交通运行数据`` happens to contain ``交通`` as a jieba word, but
``通运``, ``运行数`` or a new proper name (an agency or a place that is not in jieba's
dictionary) is cut differently on the two sides and silently finds nothing.  jieba also
costs ~1 s and ~50 MB per process to load its dictionary and its cuts change between
versions, which would require a full reindex on every upgrade.

We index every run of CJK characters as overlapping **bigrams plus unigrams**, each at
the character's position: ``城市交通`` gives 城市@0 市交@1 交通@2 and 城@0 市@1 交@2 通@3.
A query run of n >= 2 characters becomes the phrase of its bigrams (``交通运行`` ->
``交通 <-> 通运 <-> 运行``), a single character becomes its unigram.  Because PostgreSQL's
phrase operator checks positions, a CJK query matches exactly when it occurs as a
substring of the indexed text: no dictionary, deterministic, version-proof, and it is the
same "contains" semantics users know from every Chinese search box.  The price is a
larger index (about 2 lexemes per CJK character) and a ranking that knows nothing of word
boundaries; for dataset titles and descriptions that is a good trade.

Non-CJK text is split on anything that is not a letter or digit (``resource_abc`` ->
``resource``, ``abc``), NFKC-normalised (full-width ``ＣＳＶ`` -> ``csv``) and lower-cased.
At query time ASCII words of three or more characters match as prefixes (``transp``
finds ``transport``) and a simple plural ``s`` is dropped first (``rivers`` finds
``River``), which approximates Solr's stemming without a language dictionary.  An
explicit ``*`` also asks for a prefix.

Everything here produces *values* (tsvector/tsquery literals) that are sent to
PostgreSQL as bound parameters and cast there; nothing is spliced into SQL.
"""
from __future__ import annotations

import re
import unicodedata
from typing import Iterable, Optional

# Han (incl. extensions and compatibility), kana, hangul, bopomofo.
_CJK = (
    "\u2e80-\u2fdf\u3040-\u30ff\u3100-\u312f\u3190-\u31ff\u3400-\u4dbf\u4e00-\u9fff"
    "\uac00-\ud7af\uf900-\ufaff\U00020000-\U0003134f"
)
_CJK_RUN = re.compile("([%s]+)" % _CJK)
_WORD = re.compile(r"[^\W_]+")

MAX_POSITION = 16383          # PostgreSQL clamps larger positions
MAX_LEXEME_BYTES = 200        # longer "words" (hashes, base64 blobs) are not useful tokens
MAX_CHARS_PER_VALUE = 20000   # keep tsvectors well below PostgreSQL's 1 MB limit
MIN_PREFIX_LEN = 3


def normalize(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def units(text: str) -> list[tuple[str, str]]:
    """Split text into ('cjk', run) and ('word', word) units, in order."""
    out: list[tuple[str, str]] = []
    if not text:
        return out
    for i, part in enumerate(_CJK_RUN.split(normalize(text))):
        if not part:
            continue
        if i % 2 == 1:
            out.append(("cjk", part))
        else:
            out.extend(("word", w) for w in _WORD.findall(part))
    return out


def _ok(lexeme: str) -> bool:
    return 0 < len(lexeme.encode("utf-8")) <= MAX_LEXEME_BYTES


class VectorBuilder:
    """Accumulates weighted, positioned lexemes and renders a tsvector literal."""

    def __init__(self) -> None:
        self.lexemes: dict[str, dict[int, str]] = {}
        self.pos = 1

    def _add(self, lexeme: str, pos: int, weight: str) -> None:
        if not _ok(lexeme):
            return
        pos = min(pos, MAX_POSITION)
        slots = self.lexemes.setdefault(lexeme, {})
        old = slots.get(pos)
        if old is None or weight < old:       # 'A' < 'B' < 'C' < 'D': keep the strongest
            slots[pos] = weight

    def add_text(self, text: Optional[str], weight: str = "D") -> None:
        if not text:
            return
        if len(text) > MAX_CHARS_PER_VALUE:
            text = text[:MAX_CHARS_PER_VALUE]
        pos = self.pos
        for kind, unit in units(text):
            if kind == "word":
                self._add(unit, pos, weight)
                pos += 1
            else:
                for i, ch in enumerate(unit):
                    self._add(ch, pos + i, weight)
                    if i + 1 < len(unit):
                        self._add(unit[i:i + 2], pos + i, weight)
                pos += len(unit)
        # a gap so that a phrase never matches across two values
        self.pos = pos + 2

    def add_values(self, value, weight: str = "D") -> None:
        if value is None:
            return
        if isinstance(value, (list, tuple)):
            for v in value:
                self.add_values(v, weight)
        elif isinstance(value, str):
            self.add_text(value, weight)
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            self.add_text(str(value), weight)

    def literal(self) -> str:
        parts = []
        for lexeme, slots in self.lexemes.items():
            positions = ",".join(
                "%d%s" % (p, w) for p, w in sorted(slots.items())[:256])
            parts.append("%s:%s" % (quote_lexeme(lexeme), positions))
        return " ".join(parts)


def quote_lexeme(lexeme: str) -> str:
    """Quote a lexeme for tsvector/tsquery input syntax."""
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


def _word_variants(word: str, prefix: bool) -> str:
    """tsquery for one ASCII/latin word."""
    if prefix and len(word) >= 5 and word.endswith("s") and not word.endswith(
            ("ss", "us", "is")):
        word = word[:-1]
    if prefix and len(word) >= MIN_PREFIX_LEN and not word.isdigit():
        return quote_lexeme(word) + ":*"
    return quote_lexeme(word)


def term_tsquery(text: str, prefix: bool = True, force_prefix: bool = False,
                 weights: str = "") -> Optional[str]:
    """tsquery literal matching ``text`` as a phrase, or None if it has no tokens.

    ``prefix``: let ASCII words (>= 3 chars) match as prefixes (the normal q behaviour).
    ``force_prefix``: the last word is a prefix whatever its length (``foo*``).
    ``weights``: restrict to lexemes of these weights (e.g. 'A' for name/title).
    """
    us = units(text)
    if not us:
        return None
    pieces: list[tuple[str, int]] = []   # (tsquery operand, width in positions)
    for idx, (kind, unit) in enumerate(us):
        last = idx == len(us) - 1
        if kind == "word":
            if not _ok(unit):
                continue
            if last and force_prefix:
                op = quote_lexeme(unit) + ":*"
            else:
                op = _word_variants(unit, prefix)
            pieces.append((op, 1))
        else:
            if len(unit) == 1:
                pieces.append((quote_lexeme(unit), 1))
            else:
                grams = [unit[i:i + 2] for i in range(len(unit) - 1)]
                chain = " <-> ".join(quote_lexeme(g) for g in grams)
                pieces.append(("( %s )" % chain if len(grams) > 1 else chain,
                               len(unit) - 1 + 1))
    if not pieces:
        return None
    if weights:
        pieces = [(_with_weights(op, weights), w) for op, w in pieces]
    out = pieces[0][0]
    for (op, _), (prev_op, prev_width) in zip(pieces[1:], pieces[:-1]):
        # distance from the start of the previous piece's last operand to this one
        dist = 1 if prev_width == 1 else 2
        out = "%s <%d> %s" % (out, dist, op)
    return "( %s )" % out if len(pieces) > 1 else out


_OPERAND = re.compile(r"('(?:[^']|'')*')(:\*)?")


def _with_weights(op: str, weights: str) -> str:
    def repl(m: re.Match) -> str:
        if m.group(2):
            return "%s:*%s" % (m.group(1), weights)
        return "%s:%s" % (m.group(1), weights)
    return _OPERAND.sub(repl, op)


def searchable_text(values: Iterable) -> str:
    return " ".join(str(v) for v in values if v)
