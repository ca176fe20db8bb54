"""Fixed-line numbers with an area code: 010/02x + 8 digits, 0[3-9]xx + 7-8 digits.

With a separator or brackets after the area code the number is taken by shape. A
bare run of 11–12 digits (02887654321) is taken when Google's libphonenumber
(``phonenumbers``, a dependency of Presidio) calls it a valid Chinese fixed-line
number: a real area code with a local number of the length that area uses. Order and
account numbers rarely start with 0 and even more rarely pass that table.
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
BARE_REGEX = r"0[1-9]\d{9,10}"
CELL_REGEX = r"(?:\(0\d{2,3}\)|（0\d{2,3}）|0\d{2,3}[- ]?)[2-9]\d{6,7}(?:(?:-|转)\d{1,6})?"
_PARTS = re.compile(r"^[(（]?(0\d{2,3})[)）\- ]?([2-9]\d{6,7})")


class LandlineRecognizer(ChineseRecognizer):
    ENTITY = "CN_LANDLINE"
    DIGIT_REQUIRED = True
    HEADER_HINTS = ("固定电话", "座机", "固话", "办公电话", "landline", "tel")
    prefilter = r"0\d{2,3}[)）\- ]?[2-9]\d{6,7}"  # also the bare form
    cell_regex = CELL_REGEX
    score = 0.5

    def __init__(self):
        super().__init__([Pattern("cn_landline", LEFT + TEXT_REGEX + RIGHT, 0.5),
                          Pattern("cn_landline_bare", LEFT + BARE_REGEX + RIGHT, 0.5)])

    def validate_result(self, pattern_text: str) -> bool:
        if pattern_text.isdigit() and pattern_text.isascii():
            return valid_bare(pattern_text)
        return self._shape_valid(pattern_text)

    def _cell_valid(self, value: str) -> bool:
        # a whole cell of a landline column: the shape rule, with or without separator
        return self._shape_valid(value) or valid_bare(value.strip())

    @staticmethod
    def _shape_valid(pattern_text: str) -> bool:
        match = _PARTS.match(pattern_text.strip())
        if not match:
            return False
        area, local = match.groups()
        if len(area) == 3:  # 010 and 020-029 are the only 3-digit area codes
            return (area == "010" or area.startswith("02")) and len(local) == 8
        return area[1] in "3456789"


def valid_bare(digits: str) -> bool:
    """A run of digits that libphonenumber knows as a Chinese fixed line."""
    import phonenumbers

    try:
        number = phonenumbers.parse(digits, "CN")
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.is_valid_number(number) and phonenumbers.number_type(number) in (
        phonenumbers.PhoneNumberType.FIXED_LINE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE)
