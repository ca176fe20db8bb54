"""Resident identity card numbers (GB 11643-1999): 18-digit and the old 15-digit form.

Validation: the 6-digit region code must be a known administrative division code
(current or historical, from python-stdnum's table), the birth date must be a real
date not in the future, and for 18 digits the ISO 7064 MOD 11-2 check character
(0-9 or X) must match.
"""
from __future__ import annotations

import datetime
import functools
from importlib import resources

import numpy as np
import pandas as pd
from presidio_analyzer import Pattern
from stdnum.cn import ric

from .base import LEFT, RIGHT, ChineseRecognizer, digits_matrix, fullmatch, re2_compatible

_WEIGHTS = np.array([pow(2, 17 - i, 11) for i in range(17)], dtype=np.int64)
_CHECK_CHARS = np.frombuffer(b"10X98765432", dtype=np.uint8)  # index = sum % 11

_DATE = r"(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"
ID18_REGEX = r"[1-9]\d{5}(?:18|19|20)\d{2}" + _DATE + r"\d{3}[\dXx]"
ID15_REGEX = r"[1-9]\d{5}\d{2}" + _DATE + r"\d{3}"


@functools.lru_cache(maxsize=1)
def region_codes() -> frozenset:
    """Every 6-digit division code known to python-stdnum (incl. abolished ones)."""
    text = resources.files("stdnum").joinpath("cn/loc.dat").read_text(encoding="utf-8")
    codes, province = set(), None
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        if not line.startswith(" "):
            province = line.split()[0]
        elif province:
            codes.add(province + line.split()[0])
    # a city's 市辖区 code (xxxx01) where the city is known: numbers issued in its
    # districts before they had codes of their own carry it (嘉峪关 620201, which has no
    # districts and is missing from the table)
    codes.update(code[:4] + "01" for code in list(codes) if code.endswith("00") and not code.endswith("0000"))
    # 港澳台居民居住证 (since 2018): the same number with 810000 / 820000 / 830000
    codes.update(("810000", "820000", "830000"))
    return frozenset(codes)


@functools.lru_cache(maxsize=1)
def region_table() -> np.ndarray:
    """Boolean lookup table indexed by the 6-digit code as an integer (a set lookup
    per value through pandas' isin rebuilt the set on every call)."""
    table = np.zeros(1_000_000, dtype=bool)
    table[[int(c) for c in region_codes() if c.isdigit() and len(c) == 6]] = True
    return table


def regions_known(digits: np.ndarray) -> np.ndarray:
    """Rows of an (n, 6) int array of digits that form a known division code."""
    code = digits @ np.array([100000, 10000, 1000, 100, 10, 1], dtype=np.int64)
    return region_table()[code]


_DAYS_IN_MONTH = (0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _real_date(year: int, month: int, day: int) -> bool:
    """A real calendar date, not in the future (no datetime object: this runs per match)."""
    if not (1 <= month <= 12 and 1 <= day <= _DAYS_IN_MONTH[month]):
        return False
    if month == 2 and day == 29 and not (year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)):
        return False
    return (year, month, day) <= _today()


def _today() -> tuple:
    today = datetime.date.today()
    return today.year, today.month, today.day


def is_valid_resident_id(value: str) -> bool:
    """Scalar check of an 18- or 15-digit resident ID (region, date, check digit)."""
    value = value.strip().upper()
    if len(value) == 18:
        if not value[:17].isdigit() or value[17] not in "0123456789X":
            return False
        if ric.calc_check_digit(value) != value[17]:
            return False  # cheapest test first: 10 of 11 random numbers fail here
        if value[:6] not in region_codes():
            return False
        return _real_date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    if len(value) == 15 and value.isdigit():
        return value[:6] in region_codes() and _real_date(
            1900 + int(value[6:8]), int(value[8:10]), int(value[10:12])
        )
    return False


def looks_like_resident_id(value: str) -> bool:
    """Region code and birth date of an 18-digit ID, whatever the check digit says:
    such a number is a mistyped ID, not some other identifier."""
    value = value.strip()
    return (len(value) == 18 and value[:17].isdigit() and value[:6] in region_codes()
            and _real_date(int(value[6:10]), int(value[10:12]), int(value[12:14])))


class ResidentIdRecognizer(ChineseRecognizer):
    ENTITY = "CN_RESIDENT_ID"
    DIGIT_REQUIRED = True
    HEADER_HINTS = ("身份证", "证件号", "公民身份号码", "身份号码", "idcard", "id_card")
    prefilter = r"\d{14}"
    cell_regex = f"(?:{ID18_REGEX}|{ID15_REGEX})"
    score = 0.5

    def __init__(self):
        super().__init__(
            [
                Pattern("resident_id_18", LEFT + ID18_REGEX + RIGHT, 0.5),
                Pattern("resident_id_15", LEFT + ID15_REGEX + RIGHT, 0.3),
            ]
        )

    def validate_result(self, pattern_text: str) -> bool:
        return is_valid_resident_id(pattern_text)

    def valid_many(self, texts):
        def vectorized(values):
            values = [v.upper() for v in values]
            result = np.zeros(len(values), dtype=bool)
            long_ids = [i for i, v in enumerate(values) if len(v) == 18]
            if long_ids:  # the pattern makes them 17 digits + digit or X
                result[long_ids] = _valid_18([values[i] for i in long_ids])
            for i, value in enumerate(values):
                if len(value) != 18:
                    result[i] = is_valid_resident_id(value)
            return result
        return self._valid_many_ascii(texts, vectorized)

    def valid_mask(self, values: pd.Series) -> pd.Series:
        """Vectorized: regex shape, region set, birth date and check digit in numpy."""
        stripped = values.astype("str").str.strip().str.upper()
        result = pd.Series(False, index=values.index)
        long_ids = stripped[fullmatch(stripped, re2_compatible(ID18_REGEX))]
        if len(long_ids):
            result[long_ids.index] = _valid_18(long_ids.tolist())
        short_ids = stripped[fullmatch(stripped, re2_compatible(ID15_REGEX))]
        if len(short_ids):
            result[short_ids.index] = [is_valid_resident_id(v) for v in short_ids]
        return result


def _valid_18(ids: list) -> np.ndarray:
    chars = digits_matrix(ids, 18)
    digits = (chars[:, :17] - ord("0")).astype(np.int64)
    check = _CHECK_CHARS[(digits @ _WEIGHTS) % 11]
    ok = check == chars[:, 17]
    ok &= regions_known(digits[:, :6])
    year = digits[:, 6] * 1000 + digits[:, 7] * 100 + digits[:, 8] * 10 + digits[:, 9]
    month = digits[:, 10] * 10 + digits[:, 11]
    day = digits[:, 12] * 10 + digits[:, 13]
    ok &= real_dates(year, month, day)
    return ok


def real_dates(year: np.ndarray, month: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Vectorized ``_real_date`` (pd.to_datetime on a frame of parts was ~100x slower)."""
    days_in_month = np.array(_DAYS_IN_MONTH)[np.clip(month, 0, 12)]
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    valid = (month >= 1) & (month <= 12) & (day >= 1) & (day <= days_in_month)
    valid &= ~((month == 2) & (day == 29) & ~leap)
    today_year, today_month, today_day = _today()
    not_future = (year * 10000 + month * 100 + day) <= today_year * 10000 + today_month * 100 + today_day
    return valid & not_future
