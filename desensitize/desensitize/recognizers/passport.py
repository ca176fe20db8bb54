"""PRC passports: E + 8 digits, E + letter + 7 digits (2012+), G/D/S/P + 8 digits.

There is no check digit in the number itself; all-same digits are refused.
"""
from __future__ import annotations

from presidio_analyzer import Pattern

from .base import LEFT, RIGHT, ChineseRecognizer

PASSPORT_REGEX = r"(?:E[0-9A-HJ-NP-Z]\d{7}|[GDSP]\d{8})"


class PassportRecognizer(ChineseRecognizer):
    ENTITY = "CN_PASSPORT"
    DIGIT_REQUIRED = True
    HEADER_HINTS = ("护照", "passport")
    prefilter = r"[EGDSP][0-9A-Z]\d{7}"
    cell_regex = PASSPORT_REGEX
    score = 0.5

    def __init__(self):
        super().__init__([Pattern("cn_passport", LEFT + PASSPORT_REGEX + RIGHT, 0.5)])

    def validate_result(self, pattern_text: str) -> bool:
        return len(set(pattern_text[2:])) > 1
