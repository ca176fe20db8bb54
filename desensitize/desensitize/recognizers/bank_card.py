"""Bank card numbers: 16-19 digits, issuer prefix 3-6 (UnionPay 62, Visa 4, MC 5, JCB 3), Luhn.

One random number in ten passes Luhn, so in free text a number that the text calls
an order, waybill, contract, batch or serial number (订单号, 运单号, 合同编号, 批次号,
流水号…, a few characters before it, with no card word closer) is not a card.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import re

from presidio_analyzer import Pattern

from .base import LEFT, RIGHT, ChineseRecognizer, digits_matrix, fullmatch
from .resident_id import looks_like_resident_id

CARD_REGEX = r"[3-6]\d{3}(?:[ -]?\d{4}){2}[ -]?\d{4}(?:[ -]?\d{1,3})?"  # 16-19 digits, 4-4-4-4-3 groups


NOT_CARD_WORDS = ("订单", "单号", "编号", "批次", "流水号", "合同", "工单", "运单", "发票", "序列号", "交易号",
                  "order", "Order", "No.", "SF", "JD", "YT", "HT")
CARD_WORDS = ("卡号", "银行卡", "账号", "帐号", "账户", "尾号", "信用卡", "借记卡", "card", "Card")
_NOT_CARD = re.compile("(?:" + "|".join(re.escape(w) for w in NOT_CARD_WORDS) + ")")
_CARD = re.compile("(?:" + "|".join(re.escape(w) for w in CARD_WORDS) + ")")


def called_not_a_card(text: str, start: int) -> bool:
    before = text[max(0, start - 10):start].rsplit("\x00", 1)[-1]
    last_not = max((m.end() for m in _NOT_CARD.finditer(before)), default=-1)
    last_card = max((m.end() for m in _CARD.finditer(before)), default=-1)
    return last_not > last_card


class BankCardRecognizer(ChineseRecognizer):
    ENTITY = "CN_BANK_CARD"
    DIGIT_REQUIRED = True
    HEADER_HINTS = ("银行卡", "卡号", "账号", "银行账户", "card")
    prefilter = r"[3-6]\d{3}[ -]?\d{4}[ -]?\d{4}[ -]?\d{4}"
    cell_regex = CARD_REGEX
    score = 0.4

    def __init__(self):
        super().__init__([Pattern("bank_card", LEFT + CARD_REGEX + RIGHT, 0.4)])

    def validate_result(self, pattern_text: str) -> bool:
        digits = pattern_text.replace(" ", "").replace("-", "")
        return 16 <= len(digits) <= 19 and luhn_ok(digits)

    def invalidate_result(self, pattern_text: str) -> bool:
        # An 18-digit resident ID (even one with a wrong check digit) passes Luhn one
        # time in ten: it is an ID, not a card.
        return len(pattern_text) == 18 and looks_like_resident_id(pattern_text)

    def find(self, text: str):
        return [s for s in ChineseRecognizer.find(self, text) if not called_not_a_card(text, s[0])]

    def find_joined(self, text: str):
        return [s for s in self._joined_spans(text) if not called_not_a_card(text, s[0])]

    # valid_mask drops spaces and dashes anywhere before its check
    cell_shape = r"[ -]*[3-6](?:[ -]*[0-9]){15,18}[ -]*"

    def valid_many(self, texts):
        def vectorized(values):
            digits = [v.replace(" ", "").replace("-", "") for v in values]
            lengths = np.fromiter((len(d) for d in digits), dtype=np.int64, count=len(digits))
            result = np.zeros(len(values), dtype=bool)
            for length in range(16, 20):
                group = np.flatnonzero(lengths == length)
                if len(group):
                    result[group] = luhn_valid([digits[i] for i in group], length)
            for i in np.flatnonzero(result).tolist():
                if self.invalidate_result(values[i]):
                    result[i] = False
            return result
        return self._valid_many_ascii(texts, vectorized)

    def valid_mask(self, values: pd.Series) -> pd.Series:
        stripped = values.astype("str").str.strip().str.replace(r"[ -]", "", regex=True)
        result = pd.Series(False, index=values.index)
        shaped = fullmatch(stripped, r"[3-6][0-9]{15,18}")
        lengths = stripped.str.len().to_numpy()
        for length in range(16, 20):
            group = stripped[shaped & (lengths == length)]
            if len(group):
                result[group.index] = luhn_valid(group.tolist(), length)
        if result.any():  # IDs that happen to pass Luhn are IDs
            candidates = stripped[result.to_numpy() & (lengths == 18)]
            for index, value in candidates.items():
                if looks_like_resident_id(value):
                    result[index] = False
        return result


_DOUBLED = (0, 2, 4, 6, 8, 1, 3, 5, 7, 9)


def luhn_ok(digits: str) -> bool:
    """Scalar Luhn (same answers as stdnum.luhn.is_valid, tested; several times faster)."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        total += _DOUBLED[ord(ch) - 48] if i & 1 else ord(ch) - 48
    return total % 10 == 0


def luhn_valid(numbers: list, length: int) -> np.ndarray:
    """Vectorized Luhn over equal-length digit strings."""
    digits = (digits_matrix(numbers, length) - ord("0")).astype(np.int64)
    from_right = digits[:, ::-1]
    doubled = from_right[:, 1::2] * 2
    doubled = np.where(doubled > 9, doubled - 9, doubled)
    return ((from_right[:, 0::2].sum(axis=1) + doubled.sum(axis=1)) % 10) == 0
