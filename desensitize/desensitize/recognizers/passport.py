"""PRC passports in every current format: E + 8 digits (ordinary, 2012+), E + letter +
7 digits (ordinary, once the digits ran out), G + 8 digits (ordinary, before 2012),
and the official ones: P / S / D + 7 or 8 digits, G + 7 digits (older books).

The 8-digit forms (and E + letter + 7) are taken by shape. A letter + 7 digits is
also the shape of many codes, so it is taken only with a passport word shortly before
it (护照, passport, 证件号码…). There is no check digit; all-same digits are refused.
"""
from __future__ import annotations

import re

from presidio_analyzer import Pattern

from .base import LEFT, RIGHT, ChineseRecognizer

# DE / SE / PE + 7 digits: the electronic diplomatic, service and official passports
PASSPORT_REGEX = r"(?:E[0-9A-HJ-NP-Z]\d{7}|[GDSP]\d{8}|[DSP]E\d{7})"
SHORT_REGEX = r"[GDSP]\d{7}"
CONTEXT_WORDS = ("护照", "passport", "Passport", "PASSPORT", "证件号码", "证件号", "证照号码")
_CONTEXT = re.compile("(?:" + "|".join(CONTEXT_WORDS) + ")")
CONTEXT_CHARS = 24  # a passport word within this many characters before the number


class PassportRecognizer(ChineseRecognizer):
    ENTITY = "CN_PASSPORT"
    DIGIT_REQUIRED = True
    HEADER_HINTS = ("护照", "passport")
    prefilter = r"[EGDSP][0-9A-Z][0-9]{6}"
    cell_regex = f"(?:{PASSPORT_REGEX}|{SHORT_REGEX})"
    score = 0.5

    def __init__(self):
        super().__init__([Pattern("cn_passport", LEFT + PASSPORT_REGEX + RIGHT, 0.5),
                          Pattern("cn_passport_short", LEFT + SHORT_REGEX + RIGHT, 0.4)])

    def validate_result(self, pattern_text: str) -> bool:
        return len(set(pattern_text[2:])) > 1

    def find(self, text: str):
        spans = []
        for index, compiled in enumerate(self._compiled):
            for match in compiled.finditer(text):
                if not self.validate_result(match.group()):
                    continue
                if index == 1:
                    before = text[max(0, match.start() - CONTEXT_CHARS):match.start()]
                    before = before.rsplit("\x00", 1)[-1]  # not from the previous cell
                    if not _CONTEXT.search(before) and not _alone(text, match.start(), match.end()):
                        continue
                spans.append((match.start(), match.end(), self.ENTITY, 1.0))
        return spans

    def _cell_valid(self, value: str) -> bool:  # noqa: D102
        return self.validate_result(value)


def _alone(text: str, start: int, end: int) -> bool:
    """The number is the whole cell (spaces around it allowed), as in a passport column
    that the classifier did not recognise: the same as a column of this type."""
    head = text[:start].rsplit("\x00", 1)[-1].rsplit("\n", 1)[-1]
    tail = text[end:].split("\x00", 1)[0].split("\n", 1)[0]
    return not head.strip() and not tail.strip()
