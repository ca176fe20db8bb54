"""Motor-vehicle plates (GA 36): province character + issuing-office letter + 5
characters, or 6 for new-energy plates (D/F + 5, or 5 digits + D/F)."""
from __future__ import annotations

from presidio_analyzer import Pattern

from .base import RIGHT, ChineseRecognizer

PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
_LETTER = "A-HJ-NP-Z"
PLATE_REGEX = (
    f"[{PROVINCES}][{_LETTER}][·• ]?"
    f"(?:[DF][{_LETTER}0-9]\\d{{4}}|\\d{{5}}[DF]|[{_LETTER}0-9]{{4}}[{_LETTER}0-9挂学警])"
)


class LicencePlateRecognizer(ChineseRecognizer):
    ENTITY = "CN_LICENSE_PLATE"
    HEADER_HINTS = ("车牌", "号牌", "plate")
    prefilter = f"[{PROVINCES}][A-Z][·• ]?[0-9A-Z]{{4}}"
    cell_regex = PLATE_REGEX
    score = 0.6

    def __init__(self):
        super().__init__([Pattern("cn_plate", PLATE_REGEX + RIGHT, 0.6)])

    def validate_result(self, pattern_text: str) -> bool:
        tail = pattern_text[2:].lstrip("·• ")
        if len(tail) == 6:
            return True
        # ordinary plates have at most two letters among the last five characters
        return sum(ch.isalpha() and ch.isascii() for ch in tail) <= 2
