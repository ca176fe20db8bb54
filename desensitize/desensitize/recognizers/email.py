"""E-mail addresses (ASCII local part and domain; Chinese text may touch either side)."""
from __future__ import annotations

from presidio_analyzer import Pattern

from .base import ChineseRecognizer, CASE_INSENSITIVE

EMAIL_REGEX = r"[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"


class EmailRecognizer(ChineseRecognizer):
    ENTITY = "EMAIL_ADDRESS"
    HEADER_HINTS = ("邮箱", "电子邮件", "email", "e-mail")
    prefilter = r"@[A-Za-z0-9-]+\."
    cell_regex = EMAIL_REGEX
    score = 0.9
    flags = CASE_INSENSITIVE

    def __init__(self):
        super().__init__(
            [Pattern("email", r"(?<![A-Za-z0-9._%+-])" + EMAIL_REGEX + r"(?![A-Za-z])", 0.9)]
        )

    def validate_result(self, pattern_text: str) -> bool:
        local, _, domain = pattern_text.rpartition("@")
        return ".." not in pattern_text and not domain.startswith("-")
