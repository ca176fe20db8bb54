"""E-mail addresses (ASCII local part and domain; Chinese text may touch either side)."""
from __future__ import annotations

import re

from presidio_analyzer import Pattern

from .base import ChineseRecognizer, CASE_INSENSITIVE

EMAIL_REGEX = r"[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"


_LOCAL_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._%+-")
_DOMAIN = re.compile(r"[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?![A-Za-z])")


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
        # A regex scanning every letter as a possible start of a 64-character local
        # part is slow; walk back from each "@" instead and match the domain after it.
        spans, floor = [], 0
        at = text.find("@")
        while at != -1:
            start = at
            while start > floor and at - start < 64 and text[start - 1] in _LOCAL_CHARS:
                start -= 1
            while start < at and not text[start].isalnum():  # the local part starts alnum
                start += 1
            domain = _DOMAIN.match(text, at + 1)
            if start < at and domain:
                found = text[start:domain.end()]
                if self.validate_result(found):
                    spans.append((start, domain.end(), self.ENTITY, 1.0))
                    floor = domain.end()
            at = text.find("@", at + 1)
        return spans

    def validate_result(self, pattern_text: str) -> bool:
        local, _, domain = pattern_text.rpartition("@")
        return ".." not in pattern_text and not domain.startswith("-")
