"""Unified social credit codes (GB 32100-2015): 18 characters, MOD 31 check character."""
from __future__ import annotations

import numpy as np
import pandas as pd
from presidio_analyzer import Pattern

from .resident_id import region_codes, regions_known
from .base import LEFT, RIGHT, ChineseRecognizer, digits_matrix, fullmatch, re2_compatible

_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_WEIGHTS = np.array([1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28])
USCC_REGEX = r"[1-9A-HY][1-59]\d{6}[0-9A-HJ-NPQRTUWXY]{10}"
_INDEX = {c: i for i, c in enumerate(_ALPHABET)}
_WEIGHT_TUPLE = tuple(int(w) for w in _WEIGHTS)
_LOOKUP = np.full(256, -1, dtype=np.int64)
for _i, _c in enumerate(_ALPHABET):
    _LOOKUP[ord(_c)] = _i


class UsccRecognizer(ChineseRecognizer):
    ENTITY = "CN_USCC"
    DIGIT_REQUIRED = True
    HEADER_HINTS = ("统一社会信用代码", "信用代码", "社会信用", "uscc")
    prefilter = r"[0-9A-Z]{2}\d{6}[0-9A-Z]{10}"
    cell_regex = USCC_REGEX
    score = 0.3

    def __init__(self):
        super().__init__([Pattern("uscc", LEFT + USCC_REGEX + RIGHT, 0.3)])

    def validate_result(self, pattern_text: str) -> bool:
        # same rule as stdnum.cn.uscc.is_valid (tested against it), without its
        # string cleaning, which dominated the cost per match
        code = pattern_text.upper()
        # characters 3-8 are the registering authority's division code (GB 32100 4.2)
        if len(code) != 18 or code[2:8] not in region_codes():
            return False
        try:
            values = [_INDEX[c] for c in code]
        except KeyError:
            return False
        total = sum(v * w for v, w in zip(values, _WEIGHT_TUPLE))
        return (31 - total % 31) % 31 == values[17]

    def valid_many(self, texts):
        # the pattern makes every ASCII match 18 characters of the alphabet
        return self._valid_many_ascii(texts, _valid_codes)

    def valid_mask(self, values: pd.Series) -> pd.Series:
        stripped = values.astype("str").str.strip()
        result = pd.Series(False, index=values.index)
        shaped = stripped[fullmatch(stripped, re2_compatible(USCC_REGEX))]
        if len(shaped):
            result[shaped.index] = _valid_codes(shaped.tolist())
        return result


def _valid_codes(codes: list) -> np.ndarray:
    """MOD 31 check and division code of 18-character codes of the USCC alphabet."""
    values = _LOOKUP[digits_matrix(codes, 18)]
    expected = (31 - (values[:, :17] @ _WEIGHTS) % 31) % 31
    regions = regions_known(values[:, 2:8])  # the regex makes them digits: value = digit
    return (expected == values[:, 17]) & regions
