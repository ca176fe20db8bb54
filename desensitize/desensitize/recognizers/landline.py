"""Fixed-line numbers with an area code: 010/02x + 8 digits, 0[3-9]xx + 7-8 digits.

With a separator or brackets after the area code the number is taken by shape. A
bare run of 11–12 digits (02887654321) is taken when Google's libphonenumber
(``phonenumbers``, a dependency of Presidio) calls it a valid Chinese fixed-line
number: a real area code with a local number of the length that area uses. Order and
account numbers rarely start with 0 and even more rarely pass that table.
"""
from __future__ import annotations

import functools
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
# the country code before the area code without its trunk 0 (+86 571 8765 4321,
# 0086-10-58095781), and a local number split in two (0571-8765-4321, 025 3421 9949)
INTL_REGEX = r"(?:\+|00)86[- ]?(?:\(0\)|0)?[- ]?(?:10|2\d|[3-9]\d{2})[- ]?[2-9]\d{2,3}[- ]?\d{4}"
SPLIT_REGEX = r"(?:\(" + _AREA + r"\)|（" + _AREA + r"）|" + _AREA + r"[- ]?)[2-9]\d{2,3}[- ]\d{4}"
# a label written in ASCII letters right before the digits (Tel02887654321, FAX:…)
_LABEL_LEFT = r"(?:(?<![0-9A-Za-z])|(?<=[Tt]el)|(?<=TEL)|(?<=[Ff]ax)|(?<=FAX)|(?<=[Pp]hone)|(?<=PHONE))"


class LandlineRecognizer(ChineseRecognizer):
    ENTITY = "CN_LANDLINE"
    DIGIT_REQUIRED = True
    HEADER_HINTS = ("固定电话", "座机", "固话", "办公电话", "landline", "tel")
    prefilter = r"0\d{2,3}[)）\- ]?[2-9]\d{6,7}"  # also the bare form
    cell_regex = CELL_REGEX
    score = 0.5

    def __init__(self):
        super().__init__([Pattern("cn_landline", _LABEL_LEFT + TEXT_REGEX + RIGHT, 0.5),
                          Pattern("cn_landline_bare", _LABEL_LEFT + BARE_REGEX + RIGHT, 0.5),
                          Pattern("cn_landline_international", LEFT.replace("A-Za-z", "A-Za-z+") + INTL_REGEX + RIGHT, 0.5),
                          Pattern("cn_landline_split", _LABEL_LEFT + SPLIT_REGEX + RIGHT, 0.5)])

    def boundary_prefilter(self):
        # the digits themselves (a label may touch them); RE2 has no lookbehind
        return r"0[0-9]{2,3}[)）\- ]?[2-9][0-9]{2,3}[- ]?[0-9]{3,4}|(?:\+|00)86"

    def validate_result(self, pattern_text: str) -> bool:
        if pattern_text.isdigit() and pattern_text.isascii():
            return valid_bare(pattern_text)
        if pattern_text.startswith(("+86", "0086")) or _SPLIT.search(pattern_text):
            digits = re.sub(r"\D", "", pattern_text)
            if digits.startswith(("0086", "86")):
                digits = digits[4:] if digits.startswith("0086") else digits[2:]
                digits = digits if digits.startswith("0") else "0" + digits
            return valid_bare(digits)
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


_SPLIT = re.compile(r"[2-9]\d{2,3}[- ]\d{4}$")


def valid_bare(digits: str) -> bool:
    """A run of digits that libphonenumber knows as a Chinese fixed line, or a real area
    code followed by a local number of 7 or 8 digits (not starting with 0 or 1) when
    the area's own length differs (a 4-digit area uses 7 or 8 digits; which one is
    often not known to whoever writes the number down; 010/02x always 8)."""
    if _fixed_line(digits):
        return True
    for length in (3, 4):
        area, local = digits[:length], digits[length:]
        if _real_area_code(area) and local[:1] in "23456789" and (
                len(local) == 8 or (length == 4 and len(local) == 7)):
            return True
    return False


def _fixed_line(digits: str) -> bool:
    import phonenumbers

    try:
        number = phonenumbers.parse(digits, "CN")
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.is_valid_number(number) and phonenumbers.number_type(number) in (
        phonenumbers.PhoneNumberType.FIXED_LINE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE)


@functools.lru_cache(maxsize=2048)
def _real_area_code(area: str) -> bool:
    """libphonenumber accepts some local number after it (its table of area codes)."""
    if not (area.startswith("0") and area[1:2] != "0" and area[1:2] != "1" or area == "010"):
        return False
    if len(area) == 3 and not (area == "010" or area.startswith("02")):
        return False
    return any(_fixed_line(area + first + "234567"[:length - 1]) for length in (7, 8) for first in "2568")
