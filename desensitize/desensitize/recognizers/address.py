"""Chinese street addresses: a road, street, village or estate with a house number,
building, unit or room, extended to the left over the province / city / district
names that precede it (names from the table of administrative divisions).

A place name alone (北京市朝阳区) is not the address of a person and is what the
``generalize`` operator keeps; the street-and-number part is what identifies a home.

Speed: a regex alternation of ~3,500 division names tried at every position costs
close to a millisecond per cell, so the regex only finds the street part (whose
name may not contain 省/市/区/县, so it starts right after the last division name)
and the division names are then matched backwards from a set.
"""
from __future__ import annotations

import csv
import re
import functools
from importlib import resources
from typing import List

from presidio_analyzer import Pattern

from .base import ChineseRecognizer, Span

# characters that open a clause rather than a place name ("家住在…", "位于…"),
# plus the suffixes of division names, which end the street-name part
_NOT_IN_STREET_NAME = "在住于是的为与到从址我他她您请将已及或至往向由省市区县旗州：:"
_STREET_NAME_CHAR = f"(?:(?![{_NOT_IN_STREET_NAME}])[\\u4e00-\\u9fa5]|\\d)"
_NUM = r"(?:\d{1,5}|[一二三四五六七八九十百]{1,4})"
STREET_REGEX = (
    f"(?:{_STREET_NAME_CHAR}{{1,6}}?(?:街道|镇|乡))?"
    f"{_STREET_NAME_CHAR}{{1,8}}?(?:大道|大街|路|街|巷|胡同|弄|村|小区|社区|花园|公寓|新村)"
    f"(?:{_NUM}(?:段|巷|弄|组))?"
    f"(?:{_NUM}(?:号院|号|弄|栋|幢|座|组))"
    f"(?:[-之]\\d{{1,4}})?"
    f"(?:(?:\\d{{1,4}}|[A-Za-z])(?:号楼|栋|幢|座|单元|室|层|楼|号)){{0,4}}"
)
# what a whole cell of an address column looks like (RE2-compatible, no lookarounds)
ADDRESS_CELL_REGEX = (
    r"[\u4e00-\u9fa5]{2,30}?(?:大道|大街|路|街|巷|胡同|弄|村|小区|社区|花园|公寓|新村)"
    r"[\u4e00-\u9fa5\dA-Za-z\-]{0,30}"
)


@functools.lru_cache(maxsize=1)
def division_names() -> dict:
    """{'province': [...], 'city': [...], 'district': [...]} from data/admin_divisions.csv.

    The table is cpca's (MIT); it is shipped as data because importing cpca itself
    needs pkg_resources, which current setuptools no longer provides.
    """
    names = {"province": set(), "city": set(), "district": set()}
    text = resources.files("desensitize").joinpath("data/admin_divisions.csv").read_text(
        encoding="utf-8"
    )
    lines = [line for line in text.splitlines() if not line.startswith("#")]
    for row in csv.DictReader(lines):
        code, name = row["adcode"], row["name"]
        if name in ("市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"):
            continue
        level = "province" if code.endswith("0000") else "city" if code.endswith("00") else "district"
        names[level].add(name)
    return {level: frozenset(v) for level, v in names.items()}


@functools.lru_cache(maxsize=1)
def _all_division_names() -> tuple:
    names = division_names()
    every = names["province"] | names["city"] | names["district"]
    return every, max(len(n) for n in every)


def division_prefix(text: str) -> str:
    """The run of division names an address starts with: "北京市朝阳区建国路" → "北京市朝阳区"."""
    every, longest = _all_division_names()
    end = 0
    while end < len(text):
        for length in range(min(longest, len(text) - end), 1, -1):
            if text[end:end + length] in every:
                end += length
                break
        else:
            break
    return text[:end]


@functools.lru_cache(maxsize=1)
def _division_lengths_by_last_char() -> dict:
    """{last character: lengths of the division names ending with it, longest first}."""
    every, _ = _all_division_names()
    lengths: dict = {}
    for name in every:
        lengths.setdefault(name[-1], set()).add(len(name))
    return {char: sorted(found, reverse=True) for char, found in lengths.items()}


def extend_left_over_divisions(text: str, start: int, max_names: int = 4) -> int:
    """Move ``start`` left over up to ``max_names`` division names that end there, the
    longest name first (only the lengths of names ending with that character are tried)."""
    every, _ = _all_division_names()
    by_last = _division_lengths_by_last_char()
    for _ in range(max_names):
        if start < 2:
            break
        for length in by_last.get(text[start - 1], ()):
            if 2 <= length <= start and text[start - length:start] in every:
                start -= length
                break
        else:
            break
    return start


# what may follow a house number: 号院 / -12, an estate name, then building, unit,
# floor and room in any combination, and a bare room number (3–4 digits, not a year,
# amount or count) after a unit, building, house number or estate
_TAIL = (
    r"(?:[-之]\d{1,4}|附\d{1,3}号|\d{1,3}-\d{1,2}-\d{3,4}(?!\d))?"
    r"(?:[\u4e00-\u9fa5]{2,6}?(?:小区|花园|家园|苑|公寓|大厦|广场|港湾|新村|公馆|名都|华庭|雅居|山庄|府|城|园))?"
    r"(?:(?:\d{1,4}|[A-Za-z一二三四五六七八九十])(?:号楼|栋|幢|座|单元|室|层|楼|号|房|户|排)){0,5}"
    r"(?:(?<=[单元栋幢座楼号区园苑寓厦场湾府城])[-—]?\d{3,4}(?![\d年月日时元万号个件人次岁天%]))?"
)
_SUFFIX_AND_NUMBER = re.compile(
    r"(?:大道|大街|路|街|巷|胡同|弄|小区|花园|公寓|新村|家园)"
    f"(?:{_NUM}(?:段|巷|弄|组))?"
    f"(?:{_NUM}(?:号院|号|弄|栋|幢|座|组))"
    + _TAIL
)
# rural: a village or community (after its town, 镇/乡/街道), then group / 社 / 队 and number
_VILLAGE = re.compile(
    r"(?:村|社区|屯|寨|嘎查)(?:村委会|村民委员会|委会|民委员会|居委会)?"
    f"(?:第?{_NUM}(?:组|社|队|排|村民小组|小组)|[\u4e00-\u9fa5]{{2,3}}(?:组|屯)(?=\d|$|[^\u4e00-\u9fa5])"
    f"|[前后东西南北中上下][屯寨])?"
    f"(?:{_NUM}(?:号院|号|户))?"
    + _TAIL
)
# an estate or tower with no road before it, followed by a building, a tower floor or the
# building-unit-room triple: 书香苑28栋2单元1602, 国贸大厦37楼1501, 金色港湾16-2-701, 时代广场B座1018室
_ESTATE_SUFFIX = "小区|花园|家园|苑|园|城|湾|庭|府|大厦|广场|中心|公寓|新村|山庄|公馆|名都|华庭|雅居|大楼"
_ESTATE = re.compile(
    r"(?:" + _ESTATE_SUFFIX + r")"
    r"(?=\d{1,3}(?:栋|幢|号楼|座|楼\d)|[A-Za-z]座|\d{1,3}-\d{1,2}-\d{3,4}(?!\d))"
    r"(?:\d{1,3}-\d{1,2}-\d{3,4}(?!\d)|\d{1,3}楼\d{3,4}(?![\d年月日时元万号个件人次岁天%])(?:室|房)?)?"
    + _TAIL
)
_TOWN_SUFFIXES = ("镇", "乡", "街道", "苏木")
_COMMITTEE = re.compile(r"^(?:村委会|村民委员会|委会|民委员会|居委会)")
_STREET_NAME_CHARS = frozenset()  # filled lazily: any Han character or digit not in _NOT_IN_STREET_NAME
MAX_STREET_NAME = 10


def _street_name_char(ch: str) -> bool:
    return ("\u4e00" <= ch <= "\u9fa5" or ch.isdigit()) and ch not in _NOT_IN_STREET_NAME


_ESTATE_HINT = re.compile(r"(?:" + _ESTATE_SUFFIX + r")(?:\d|[A-Za-z]座)")


class AddressRecognizer(ChineseRecognizer):
    ENTITY = "CN_ADDRESS"
    HEADER_HINTS = ("地址", "住址", "住所", "户籍地", "居住地", "联系地址", "address")
    # every suffix of _SUFFIX_AND_NUMBER (大道 included: its 道 is no suffix on its own)
    prefilter = (r"(?:大道|大街|路|街|巷|胡同|弄|村|小区|社区|花园|公寓|新村|家园|屯|寨|嘎查).{0,8}?(?:\d|[一二三四五六七八九十百])"
                 r"|(?:镇|乡|街道|苏木).{1,12}?(?:村|社区|屯|寨|嘎查)"
                 r"|(?:" + _ESTATE_SUFFIX + r")(?:[0-9]|[A-Za-z]座)")
    cell_regex = ADDRESS_CELL_REGEX
    score = 0.6

    def __init__(self):
        # STREET_REGEX states the rule for Presidio's serialization; ``find`` runs the
        # same rule faster: find "road suffix + number", then walk back over the road
        # name (a regex scanning every start position cost ~150 µs per cell).
        super().__init__([Pattern("cn_street_address", STREET_REGEX, 0.6)])

    def validate_result(self, pattern_text: str) -> bool:
        return len(pattern_text) >= 4

    def find(self, text: str) -> List[Span]:
        spans = self._street_spans(text)
        if _ESTATE_HINT.search(text):
            spans = self._merge_spans(spans, self._street_spans(text, _ESTATE))
        if "村" in text or "社区" in text or "屯" in text or "寨" in text or "嘎查" in text:
            spans = self._merge_spans(spans, self._village_spans(text))
        return spans

    @staticmethod
    def _merge_spans(a: List[Span], b: List[Span]) -> List[Span]:
        out: List[Span] = []
        for span in sorted(a + b, key=lambda s: (s[0], -s[1])):
            if out and span[0] < out[-1][1]:
                if span[1] > out[-1][1]:
                    out[-1] = (out[-1][0], span[1], out[-1][2], out[-1][3])
                continue
            out.append(span)
        return out

    def _village_spans(self, text: str) -> List[Span]:
        """Town → village → group → number: taken when the village follows a town
        (镇/乡/街道) or has a group or house number after it."""
        spans: List[Span] = []
        floor = 0
        for match in _VILLAGE.finditer(text):
            start = match.start()
            while start > floor and match.start() - start < MAX_STREET_NAME + 4 and _street_name_char(text[start - 1]):
                start -= 1
            name = text[start:match.start()]
            if len(name) < 1:
                continue
            town = max((name.rfind(t) + len(t) for t in _TOWN_SUFFIXES if t in name[:-1]), default=-1)
            rest = _COMMITTEE.sub("", match.group()[2 if text.startswith(("社区", "嘎查"), match.start()) else 1:], 1)
            numbered = bool(rest)  # a group, number or building after the village (its committee is none)
            if town <= 0 and not numbered:
                continue
            if town <= 0 and len(name) > 4:  # no town: only the village name itself
                start = match.start() - 4
            start = extend_left_over_divisions(text, start)
            if start < floor:
                start = floor
            if self.validate_result(text[start:match.end()]):
                spans.append((start, match.end(), self.ENTITY, 1.0))
                floor = match.end()
        return spans

    def _street_spans(self, text: str, pattern=None) -> List[Span]:
        spans: List[Span] = []
        floor = 0
        for match in (pattern or _SUFFIX_AND_NUMBER).finditer(text):
            start = match.start()
            while start > floor and match.start() - start < MAX_STREET_NAME and _street_name_char(text[start - 1]):
                start -= 1
            if start == match.start():  # a suffix with no road name: "路3号" alone
                continue
            start = extend_left_over_divisions(text, start)
            if start < floor:
                start = floor
            if self.validate_result(text[start:match.end()]):
                spans.append((start, match.end(), self.ENTITY, 1.0))
                floor = match.end()
        return spans
