"""E-mail addresses (ASCII local part and domain; Chinese text may touch either side)."""
from __future__ import annotations

from presidio_analyzer import Pattern

from .base import ChineseRecognizer, CASE_INSENSITIVE

EMAIL_REGEX = r"[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"


class CnEmailRecognizer(ChineseRecognizer):
    ENTITY = "EMAIL_ADDRESS"
    HEADER_HINTS = ("邮箱", "电子邮件", "email", "e-mail")
    # a local-part character right before "@": a masked "z*****@qq.com" is no candidate
    prefilter = r"[A-Za-z0-9._%+-]@[A-Za-z0-9-]+\.[A-Za-z]"
    cell_regex = EMAIL_REGEX
    score = 0.9
    flags = CASE_INSENSITIVE

    def __init__(self):
        super().__init__(
            [Pattern("email", r"(?<![A-Za-z0-9._%+-])" + EMAIL_REGEX + r"(?![A-Za-z])", 0.9)]
        )

    def find(self, text: str):
        # Scanning every letter as a possible start of a 64-character local part is
        # slow; start the same regex shortly before each "@" instead.
        spans, floor, compiled = [], 0, self._compiled[0]
        at = text.find("@")
        while at != -1:
            match = compiled.search(text, max(floor, at - 64), min(len(text), at + 256))
            if match and match.start() <= at < match.end():
                found = match.group()
                if self.validate_result(found):
                    spans.append((match.start(), match.end(), self.ENTITY, 1.0))
                floor = match.end()
            at = text.find("@", max(at + 1, floor))
        return spans

    def validate_result(self, pattern_text: str) -> bool:
        local, _, domain = pattern_text.rpartition("@")
        return ".." not in pattern_text and not domain.startswith("-")
