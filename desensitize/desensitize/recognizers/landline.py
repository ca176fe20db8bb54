"""Fixed-line numbers with an area code: 010/02x + 8 digits, 0[3-9]xx + 7-8 digits.

A separator or brackets after the area code is required in free text (a bare run of
11-12 digits is more often an order or account number); whole cells of a column
may omit it.
"""
from __future__ import annotations

import re

from presidio_analyzer import Pattern

from .base import LEFT, RIGHT, ChineseRecognizer

_AREA = r"0(?:10|2\d|[3-9]\d{2})"
TEXT_REGEX = (
    r"(?:\(" + _AREA + r"\)|（" + _AREA + r"）|" + _AREA + r"[- ])"
    r"[2-9]\d{6,7}(?:(?:-|转)\d{1,6})?"
)
CELL_REGEX = r"(?:\(0\d{2,3}\)|（0\d{2,3}）|0\d{2,3}[- ]?)[2-9]\d{6,7}(?:(?:-|转)\d{1,6})?"
_PARTS = re.compile(r"^[(（]?(0\d{2,3})[)）\- ]?([2-9]\d{6,7})")


class LandlineRecognizer(ChineseRecognizer):
    ENTITY = "CN_LANDLINE"
    DIGIT_REQUIRED = True
    HEADER_HINTS = ("固定电话", "座机", "固话", "办公电话", "landline", "tel")
    prefilter = r"0\d{2,3}[)）\- ]?[2-9]\d{6,7}"
    cell_regex = CELL_REGEX
    score = 0.5

    def __init__(self):
        super().__init__([Pattern("cn_landline", LEFT + TEXT_REGEX + RIGHT, 0.5)])

    def validate_result(self, pattern_text: str) -> bool:
        match = _PARTS.match(pattern_text.strip())
        if not match:
            return False
        area, local = match.groups()
        if len(area) == 3:  # 010 and 020-029 are the only 3-digit area codes
            return (area == "010" or area.startswith("02")) and len(local) == 8
        return area[1] in "3456789"
