"""The independent residual scan: a second detector for names and addresses, built
differently from the recognizers, run on the OUTPUT of a run.

The recognizers find a name by its context (a role word, a title, a list, a cell of
its own) and an address by parsing it from its divisions down to the room. Whatever
context they do not know, they miss, and re-running them on their own output can never
show it. This scan does not look at context words at all:

* names: every surname (common, compound) followed by one or two characters that
  jieba's HMM statistics know as given-name characters is a candidate (found by one
  RE2 pass over the column); each candidate is then judged by jieba's part-of-speech
  tagger (``jieba.posseg``, HMM on) on a window of text around it: it is a finding when
  the tagger calls it a person name (nr / nrfg / nrt) and it is no ordinary word, place
  or thing. The tagger is slow (a few thousand cells a second), so it runs only on the
  candidates' windows, and each distinct window is tagged once per process;
* addresses: remnants a desensitized address must not have (a road, village or estate
  with a house number, a group / 社 number, a building, unit or room number), by
  patterns of their own, not the address recognizer's parse.

Findings carry the row, the column and a masked snippet; ``apply`` treats them like
every residual finding: nothing is written and the publication gate shows the cells.
Measured on the development set (see the README): share of the recognizers' missed
names it catches, and its false alarms on clean text.
"""
from __future__ import annotations

import functools
import logging
import re
from typing import Dict, Iterable, List, Optional, Tuple

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .recognizers.name_data import (
    EXTRA_NOT_NAMES, PERSON_TAGS, SURNAMES_COMMON, SURNAMES_COMPOUND, dictionary, given_char_logp, not_a_name, ordinary_words,
    plausible_name, surname_of,
)

NAME_ENTITY = "CN_PERSON_NAME"
ADDRESS_ENTITY = "CN_ADDRESS"
GIVEN_FLOOR = -9.0   # log-probability a given-name character needs in jieba's HMM
WINDOW = 4           # characters of context on each side given to the tagger
PLACE_CHARS = set("省市县区旗镇乡村路街号")
#: a name candidate directly followed by one of these is a station, a bridge, a place:
#: 杨家坪站, 陈家桥站, 冉家坝 … (found by an outside test on the demo's station columns)
PLACE_SUFFIX = set("站桥湾坪坝沱场馆园寺庙湖港门楼厂店铺堡沟塘岭庄营屯隧")
#: … and a town, village or shrine: 李庄镇, 高家庄村, 陈家祠
PLACE_SUFFIX |= set("镇乡村祠")
#: … unless the character is a verb or a title there: 张伟站在门口, 王芳镇长, 李强村民
VERB_AFTER = {"站": set("在着起了住到"), "门": set("口前外"), "镇": set("长"), "乡": set("长亲"), "村": set("长民医")}
RARE_WORD = 30       # dictionary words seen fewer times are no evidence against a name


@functools.lru_cache(maxsize=1)
def _name_candidate() -> Tuple[str, "re.Pattern"]:
    logp = given_char_logp()
    given = "".join(sorted(ch for ch, p in logp.items() if p > GIVEN_FLOOR and "\u4e00" <= ch <= "\u9fa5"))
    surnames = "(?:" + "|".join(SURNAMES_COMPOUND) + f"|[{SURNAMES_COMMON}])"
    pattern = f"{surnames}[{given}]{{1,2}}"
    return pattern, re.compile(pattern)


_ADDRESS_REMNANT = (
    r"(?:路|街|巷|弄|大道|胡同|村|社区|小区|花园|家园|苑)[0-9]{1,5}(?:号|组|社|弄|栋|幢|巷)"
    # a building with what follows it (3栋2单元, 5幢1203, 12号楼); "3栋房屋" alone is a count
    r"|[0-9]{1,4}号楼|[0-9]{1,4}(?:栋|幢)(?:[0-9]{1,2}单元|[0-9]{3,4})|[0-9]{1,2}单元[0-9]{3,4}"
    r"|[0-9]{1,3}(?:组|社)[0-9]{1,4}号"
    r"|[0-9]{3,4}(?:室|房)"
)
_ADDRESS_RE = re.compile(_ADDRESS_REMNANT)


@functools.lru_cache(maxsize=1)
def _tagger():
    import jieba
    import jieba.posseg

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    _cache_viterbi(jieba.posseg)
    return jieba.posseg.cut


def _cache_viterbi(posseg) -> None:
    """The tagger's HMM step (``viterbi`` over a run of characters the dictionary does
    not know, pure Python over ~250 states) is most of its time, and windows around
    candidates share their runs (a name is in every window that reaches it). Its result
    depends on the run alone when it uses jieba's own tables, so it is cached per run:
    the same tags, computed once (the route it returns is only read)."""
    original = posseg.viterbi
    if getattr(original, "_desensitize_cached", False):
        return
    tables = (posseg.char_state_tab_P, posseg.start_P, posseg.trans_P, posseg.emit_P)

    @functools.lru_cache(maxsize=100_000)
    def by_run(obs):
        return original(obs, *tables)

    def viterbi(obs, states, start_p, trans_p, emit_p):
        if (states, start_p, trans_p, emit_p) == tables and all(
                a is b for a, b in zip((states, start_p, trans_p, emit_p), tables)):
            return by_run(obs)
        return original(obs, states, start_p, trans_p, emit_p)

    viterbi._desensitize_cached = True
    viterbi.cache_clear = by_run.cache_clear
    posseg.viterbi = viterbi


@functools.lru_cache(maxsize=200_000)
def _window_verdict(window: str, start: int, end: int) -> Optional[Tuple[int, int]]:
    """(start, end) of a person name the tagger finds over [start, end) of the window."""
    cut = _tagger()
    position = 0
    tokens = []
    for token in cut(window):
        tokens.append((position, position + len(token.word), token.word, token.flag))
        position += len(token.word)
    for i, (s, e, word, flag) in enumerate(tokens):
        if e <= start or s >= end:
            continue
        if flag in PERSON_TAGS:
            name_start, name_end = s, e
        elif len(word) <= 2 and surname_of(word) == word and i + 1 < len(tokens) and tokens[i + 1][3] in PERSON_TAGS:
            name_start, name_end = s, tokens[i + 1][1]  # 王 + 秀英
        else:
            continue
        name = window[name_start:name_end]
        if not 2 <= len(name) <= 4 or not surname_of(name):
            continue
        if not_a_name(name) or "某" in name or any(ch in PLACE_CHARS for ch in name):
            continue
        given = name[len(surname_of(name)):]
        logp = given_char_logp()
        if not 1 <= len(given) <= 2 or any(logp.get(ch, -99.0) <= -11.5 for ch in given):
            continue
        return name_start, name_end
    return _unknown_word(window, start, end)


def _unknown_word(window: str, start: int, end: int) -> Optional[Tuple[int, int]]:
    """Second route: the candidate's characters are not part of any dictionary word
    (each is a token of its own when jieba cuts the window by its dictionary alone, the
    way an unknown name falls apart), it is no longer run of such characters, and its
    given characters are strongly name-like."""
    import jieba

    position, singles = 0, []
    words = dictionary()
    for word in jieba.lcut(window, HMM=False):
        # a rare dictionary word (金程, 许天: jieba's dictionary holds many such
        # fragments of names) counts as single characters
        if len(word) == 1 or (len(word) <= 3 and words.get(word, (0, ""))[0] < RARE_WORD):
            singles.extend(range(position, position + len(word)))
        position += len(word)
    single = set(singles)
    compound = window[start:start + 2] in SURNAMES_COMPOUND
    first_given = start + (2 if compound else 1)
    if not compound and start not in single:
        return None
    for stop in (min(end, first_given + 2), first_given + 1):
        if stop > end or any(p not in single for p in range(first_given, stop)):
            continue
        # a run of single characters longer than the name is not a name
        if stop in single and "\u4e00" <= window[stop:stop + 1] <= "\u9fa5" and stop + 1 in single:
            continue
        name = window[start:stop]
        if plausible_name(name, strict=True) and not any(ch in PLACE_CHARS for ch in name):
            return start, stop
    return None


COMMON_WORD = 100    # a dictionary word seen this often is a word, whatever its tag (齐全, 孙子, 杨树 are tagged nr)


@functools.lru_cache(maxsize=100_000)
def _quick_reject(candidate: str) -> bool:
    """No reading of the candidate (surname + one or two characters) can be a name:
    each of its prefixes of two or more characters is a common word, place or thing."""
    words = dictionary()
    for length in range(len(candidate), 1, -1):
        name = candidate[:length]
        if len(name) - len(surname_of(name)) < 1:
            continue
        if any(ch in PLACE_CHARS for ch in name) or not_a_name(name) or words.get(name, (0, ""))[0] >= COMMON_WORD:
            continue
        return False
    return True


def preload() -> None:
    """Load the tagger, the dictionary and the statistics now (before forking)."""
    _tagger()
    _name_candidate()
    dictionary()
    from .recognizers.address import _all_division_names

    _all_division_names()


_CLAUSE_CHARS = set("和向于与同及对被把由给让请经代随将")


@functools.lru_cache(maxsize=1)
def _role_set() -> frozenset:
    from .recognizers.person_name import ROLE_WORDS

    return frozenset(ROLE_WORDS)


class _Roles:
    def __contains__(self, word) -> bool:
        return word in _role_set()


_ROLE_SET = _Roles()


def _masked_or_place(cell: str, start: int, end: int) -> bool:
    """A pseudonym's surname with a clause character ("和扈**": the name is masked
    already), or the start of a division name (石林彝族自治县) or of a known
    product or place (王老吉)."""
    if cell[end:end + 1] == "*" or cell[start:end].endswith("*"):
        return True
    if start > 0 and cell[start - 1:start + 1] in ordinary_words() and cell[start - 1] not in _CLAUSE_CHARS:
        return True  # its surname ends a word with the character before it: 承包|地
    if any(cell[start:end + extra] in _ROLE_SET for extra in (0, 1, 2)):
        return True  # the start of a role word: 楼栋长
    after = cell[end:end + 1]
    if after in PLACE_SUFFIX and cell[end + 1:end + 2] not in VERB_AFTER.get(after, ()):
        return True
    from .recognizers.address import _all_division_names

    if dictionary().get(cell[start:end], (0, ""))[0] >= COMMON_WORD:
        return True
    every, longest = _all_division_names()
    for begin in range(max(0, start - longest + 2), start + 1):  # inside a division name (清江浦区)
        for length in range(end - begin, min(longest, len(cell) - begin) + 1):
            if cell[begin:begin + length] in every:
                return True
    return any(cell[start:start + length] in EXTRA_NOT_NAMES for length in range(end - start + 1, end - start + 4))


def scan_cells(cells: List[str], names: bool = True, addresses: bool = True) -> List[Tuple[int, int, int, str]]:
    """(cell position, start, end, type) of every finding in a list of strings."""
    if not cells:
        return []
    array = pa.array(cells, type=pa.large_string())
    found: List[Tuple[int, int, int, str]] = []
    if names:
        pattern, compiled = _name_candidate()
        positions = np.flatnonzero(pc.match_substring_regex(array, pattern).fill_null(False).to_numpy(zero_copy_only=False))
        for position in positions.tolist():
            cell = cells[position]
            floor = 0
            for match in compiled.finditer(cell):
                if match.start() < floor or _quick_reject(match.group()):
                    continue
                lo = max(0, match.start() - WINDOW)
                hi = min(len(cell), match.end() + WINDOW)
                verdict = _window_verdict(cell[lo:hi], match.start() - lo, match.end() - lo)
                if verdict and not _masked_or_place(cell, lo + verdict[0], lo + verdict[1]):
                    found.append((position, lo + verdict[0], lo + verdict[1], NAME_ENTITY))
                    floor = lo + verdict[1]
    if addresses:
        positions = np.flatnonzero(pc.match_substring_regex(array, _ADDRESS_REMNANT).fill_null(False).to_numpy(zero_copy_only=False))
        for position in positions.tolist():
            for match in _ADDRESS_RE.finditer(cells[position]):
                found.append((position, match.start(), match.end(), ADDRESS_ENTITY))
    found.sort()
    return found


def residual_name_scan(frame, columns: Iterable[str], row_offset: int = 0, max_cells: int = 50) -> List[dict]:
    """Findings of the independent scan in the given text columns of an output frame:
    one entry per (column, type) with the count and up to ``max_cells`` cells
    (row number counted from 1 over the data rows, masked snippet)."""
    from .operators import as_array
    from .report import mask_sample

    out: Dict[tuple, dict] = {}
    for column in columns:
        if column not in frame.columns:
            continue
        # each distinct value scanned once (a finding is a function of the cell's text),
        # its findings then reported for every cell holding it, in row order
        encoded = pc.dictionary_encode(pc.fill_null(as_array(frame[column]), ""))
        values = encoded.dictionary.to_pylist()
        by_value: Dict[int, list] = {}
        for value, start, end, kind in scan_cells(values):
            by_value.setdefault(value, []).append((start, end, kind))
        if not by_value:
            continue
        codes = encoded.indices.to_numpy(zero_copy_only=False)
        hits = np.flatnonzero(np.isin(codes, np.fromiter(by_value, dtype=np.int64)))
        for position, value in zip(hits.tolist(), codes[hits].tolist()):
            cell = values[value]
            for start, end, kind in by_value[value]:
                key = (str(column), kind)
                entry = out.setdefault(key, {"column": str(column), "entity_type": kind, "count": 0, "samples": [],
                                             "cells": [], "detector": "independent"})
                entry["count"] += 1
                snippet = cell[start:end]
                if len(entry["samples"]) < 3:
                    entry["samples"].append(mask_sample(snippet))
                if len(entry["cells"]) < max_cells:
                    context = cell[max(0, start - 6):start] + mask_sample(snippet) + cell[end:end + 6]
                    entry["cells"].append({"row": row_offset + position + 1, "column": str(column),
                                           "snippet": context, "entity_type": kind})
    return list(out.values())
