"""Mainland mobile numbers: 11 digits in an allocated 1[3-9]x segment, optional +86."""
from __future__ import annotations

import re

from presidio_analyzer import Pattern

from .base import LEFT, RIGHT, ChineseRecognizer

# Segments allocated by MIIT (13x, 145-149, 15x but 154, 162/165-167, 170-178, 18x, 19x but 194)
_SEGMENT = re.compile(r"1(?:3\d|4[5-9]|5[0-35-9]|6[2567]|7[0-8]|8\d|9[0-35-9])")
MOBILE_REGEX = r"(?:(?:\+|00)86[- ]?)?1[3-9]\d(?:[- ]?\d{4}){2}"


def digits_only(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


class MobilePhoneRecognizer(ChineseRecognizer):
    ENTITY = "CN_MOBILE_PHONE"
    DIGIT_REQUIRED = True
    HEADER_HINTS = ("手机", "电话", "联系方式", "联系电话", "mobile", "phone")
    prefilter = r"1[3-9]\d[- ]?\d{4}[- ]?\d{4}"
    cell_regex = MOBILE_REGEX
    score = 0.6

    def __init__(self):
        super().__init__([Pattern("cn_mobile", LEFT + MOBILE_REGEX + RIGHT, 0.6)])

    def validate_result(self, pattern_text: str) -> bool:
        digits = digits_only(pattern_text)
        if len(digits) == 13 and digits.startswith("86"):
            digits = digits[2:]
        elif len(digits) == 15 and digits.startswith("0086"):
            digits = digits[4:]
        return len(digits) == 11 and bool(_SEGMENT.match(digits))
