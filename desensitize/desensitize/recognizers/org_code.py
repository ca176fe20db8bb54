"""Organization codes (GB 11714-1997): 8 characters, '-', a MOD 11 check character."""
from __future__ import annotations

from presidio_analyzer import Pattern

from .base import LEFT, RIGHT, ChineseRecognizer

_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
ORG_TEXT_REGEX = r"[0-9A-Z]{8}-[0-9X]"


def org_check_char(body: str) -> str:
    total = sum(
        (int(ch) if ch.isdigit() else ord(ch) - 55) * w for ch, w in zip(body, _WEIGHTS)
    )
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


class OrgCodeRecognizer(ChineseRecognizer):
    ENTITY = "CN_ORG_CODE"
    HEADER_HINTS = ("组织机构代码", "机构代码")
    prefilter = r"[0-9A-Z]{8}-[0-9X]"
    cell_regex = r"[0-9A-Z]{8}-?[0-9X]"
    score = 0.3

    def __init__(self):
        super().__init__([Pattern("org_code", LEFT + ORG_TEXT_REGEX + RIGHT, 0.3)])

    def validate_result(self, pattern_text: str) -> bool:
        code = pattern_text.replace("-", "").strip()
        if len(code) != 9:
            return False
        return org_check_char(code[:8]) == code[8]
