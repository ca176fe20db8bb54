"""Travel permits: 往来港澳通行证 (C + 8 digits, or C + letter + 7 digits) and
港澳居民来往内地通行证 (H/M + 8 or 10 digits)."""
from __future__ import annotations

from presidio_analyzer import Pattern

from .base import LEFT, RIGHT, ChineseRecognizer

PERMIT_REGEX = r"(?:C[0-9A-HJ-NP-Z]\d{7}|[HM]\d{8}(?:\d{2})?)"


class TravelPermitRecognizer(ChineseRecognizer):
    ENTITY = "CN_HK_MACAU_PERMIT"
    DIGIT_REQUIRED = True
    HEADER_HINTS = ("通行证", "回乡证", "港澳")
    prefilter = r"[CHM][0-9A-Z]\d{7}"
    cell_regex = PERMIT_REGEX
    score = 0.5

    def __init__(self):
        super().__init__([Pattern("hk_macau_permit", LEFT + PERMIT_REGEX + RIGHT, 0.5)])

    def validate_result(self, pattern_text: str) -> bool:
        return len(set(pattern_text[2:])) > 1
