"""Travel permits of Hong Kong, Macau and Taiwan:

* 往来港澳通行证 (mainland residents to HK/Macau): C + 8 digits, or C + letter + 7;
* 港澳居民来往内地通行证 (回乡证): H / M + 8 or 10 digits;
* 大陆居民往来台湾通行证: L + 8 digits (with the permit's name or 台湾 nearby);
* 台湾居民来往大陆通行证 (台胞证): 8 digits (10 on the old ones), only with its name
  (台胞证, 台湾居民来往大陆通行证) shortly before it.
"""
from __future__ import annotations

import re

from presidio_analyzer import Pattern

from .base import LEFT, RIGHT, ChineseRecognizer

PERMIT_REGEX = r"(?:C[0-9A-HJ-NP-Z]\d{7}|[HM]\d{8}(?:\d{2})?)"
TAIWAN_REGEX = r"(?:L\d{8}|\d{8}(?:\d{2})?)"
_TAIWAN_CONTEXT = re.compile("台胞证|台湾居民来往大陆通行证|往来台湾通行证|台湾通行证|赴台|来往大陆|大陆通行证|入台")
# L + 8 digits (大陆居民往来台湾通行证) also after any permit word: 通行证号码L12345678
_L_CONTEXT = re.compile("通行证|证件号|证件号码|证号|签注|台湾")
CONTEXT_CHARS = 20


class TravelPermitRecognizer(ChineseRecognizer):
    ENTITY = "CN_HK_MACAU_PERMIT"
    DIGIT_REQUIRED = True
    HEADER_HINTS = ("通行证", "回乡证", "港澳", "台胞证")
    prefilter = r"[CHM][0-9A-Z]\d{7}"
    cell_regex = PERMIT_REGEX
    score = 0.5

    def __init__(self):
        super().__init__([Pattern("hk_macau_permit", LEFT + PERMIT_REGEX + RIGHT, 0.5),
                          Pattern("taiwan_permit", LEFT + TAIWAN_REGEX + RIGHT, 0.4)])

    def boundary_prefilter(self):
        # the Taiwan forms only where the permit's name is (not every 8-digit number)
        return (r"(?:^|[^0-9A-Za-z])[CHM][0-9A-Z][0-9]{7}"
                r"|(?:台胞证|台湾|来往大陆|大陆通行证|赴台|入台)[^\x00]{0,20}?[0-9]{8}"
                r"|(?:通行证|证件号|证号|签注)[^\x00]{0,20}?L[0-9]{8}")

    def validate_result(self, pattern_text: str) -> bool:
        return len(set(pattern_text[2:])) > 1

    def find(self, text: str):
        spans = []
        for index, compiled in enumerate(self._compiled):
            for match in compiled.finditer(text):
                if not self.validate_result(match.group()):
                    continue
                if index == 1:
                    before = text[max(0, match.start() - CONTEXT_CHARS):match.start()].rsplit("\x00", 1)[-1]
                    if not _TAIWAN_CONTEXT.search(before) and not (
                            match.group().startswith("L") and _L_CONTEXT.search(before)):
                        continue
                spans.append((match.start(), match.end(), self.ENTITY, 1.0))
        return spans

    def _cell_valid(self, value: str) -> bool:
        return self.validate_result(value)
