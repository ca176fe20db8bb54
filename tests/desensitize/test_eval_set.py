"""Integrity of the frozen outsider evaluation set (benchmarks/eval/prose-v1) and the shape of
its scorer's report. No accuracy threshold here: the figures belong in the benchmark
(benchmarks/desensitize_eval.py, desensitize/README.md)."""
import csv
import hashlib
import importlib.util
import json
import re
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SET = ROOT / "benchmarks" / "eval" / "prose-v1"
TYPES = ["PERSON", "MOBILE", "LANDLINE", "EMAIL", "RESIDENT_ID", "BANK_CARD", "PASSPORT", "USCC", "PLATE", "ADDRESS"]
PARTS = {"road", "number", "village", "group", "building", "unit", "room"}
MIN_PER_TYPE = 150

PASSPORT_SHAPES = {
    "E8": r"E\d{8}", "EL7": r"E[A-HJ-NP-Z]\d{7}", "G8": r"G\d{8}", "P7": r"P\d{7}", "S7": r"S\d{7,8}",
    "D8": r"D\d{8}", "DE7": r"DE\d{7}", "C8": r"C\d{8}", "CL7": r"C[A-HJ-NP-Z]\d{7}", "H8": r"H\d{8}",
    "H10": r"H\d{10}", "M8": r"M\d{8}", "TW8": r"\d{8}", "L8": r"L\d{8}",
}
USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def luhn_ok(d):
    total = 0
    for i, ch in enumerate(reversed(d)):
        v = int(ch) * (2 if i % 2 else 1)
        total += v - 9 if v > 9 else v
    return total % 10 == 0


def id_ok(v):
    v = v.upper()
    w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return len(v) == 18 and "10X98765432"[sum(int(c) * x for c, x in zip(v[:17], w)) % 11] == v[17]


def uscc_ok(v):
    w = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
    s = sum(USCC_CHARS.index(c) * x for c, x in zip(v[:17], w))
    return len(v) == 18 and USCC_CHARS[(31 - s % 31) % 31] == v[17]


def check_value(text, typ, extra):
    """The gold span's text has the shape its type says (an independent check of the gold)."""
    digits = re.sub(r"\D", "", text)
    if typ == "RESIDENT_ID":
        assert id_ok(text), text
    elif typ == "BANK_CARD":
        assert 16 <= len(digits) <= 19 and luhn_ok(digits) and set(text) <= set("0123456789 "), text
    elif typ == "USCC":
        assert uscc_ok(text), text
    elif typ == "MOBILE":
        assert re.fullmatch(r"1[3-9]\d{9}", digits.removeprefix("86") if text.startswith("+86") else digits), text
    elif typ == "LANDLINE":
        assert digits.startswith("0") and 10 <= len(digits) <= 12, text
    elif typ == "PASSPORT":
        assert re.fullmatch(PASSPORT_SHAPES[extra["fmt"]], text), text
    elif typ == "EMAIL":
        assert re.fullmatch(r"[A-Za-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,}", text), text
    elif typ == "PLATE":
        assert re.fullmatch(r"[\u4e00-\u9fff][A-Z][· ]?[A-Z0-9]{5,6}", text), text
    elif typ == "PERSON":
        assert 2 <= len(text) <= 14 and text.strip() == text, text
        assert 0 <= extra["surname"] < len(text)
    elif typ == "ADDRESS":
        assert extra["kind"] in ("urban", "rural") and extra["parts"], text


@pytest.fixture(scope="module")
def cells():
    return [json.loads(line) for line in open(SET / "cells.jsonl", encoding="utf-8")]


@pytest.fixture(scope="module")
def manifest():
    return json.loads((SET / "manifest.json").read_text(encoding="utf-8"))


def test_files_match_the_hashes_in_the_manifest_and_the_readme(manifest):
    readme = (SET / "README.md").read_text(encoding="utf-8")
    assert set(manifest["sha256"]) == {"cells.jsonl", "table.csv", "table_gold.jsonl"}
    for name, digest in manifest["sha256"].items():
        assert hashlib.sha256((SET / name).read_bytes()).hexdigest() == digest, f"{name} changed: the set is frozen"
        assert digest in readme, f"README does not record the hash of {name}"
    assert sum((SET / n).stat().st_size for n in manifest["sha256"]) < 8_000_000


def test_prose_gold_spans_point_at_real_substrings(cells):
    ids, counts = set(), Counter()
    for c in cells:
        text = c["text"]
        assert c["id"] not in ids
        ids.add(c["id"])
        ends = []
        for s, e, typ, extra in c["spans"]:
            assert typ in TYPES and 0 <= s < e <= len(text)
            check_value(text[s:e], typ, extra)
            if typ == "ADDRESS":
                for ps, pe, part in extra["parts"]:
                    assert part in PARTS and s <= ps < pe <= e, (text, part)
            ends.append((s, e))
            counts[typ] += 1
        ends.sort()
        assert all(a[1] <= b[0] for a, b in zip(ends, ends[1:])), f"overlapping gold spans in {c['id']}"
        for ks, ke, _kind in c["keep"]:
            assert 0 <= ks < ke <= len(text)
            assert all(ke <= s or ks >= e for s, e in ends), f"a keep token overlaps PII in {c['id']}"
        assert bool(c["spans"]) != (c["genre"] == "negative")
    for typ in TYPES:
        assert counts[typ] >= MIN_PER_TYPE, (typ, counts[typ])
    assert sum(1 for c in cells if not c["spans"]) >= 1000


def test_table_gold_matches_the_table(manifest):
    with open(SET / "table.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    header, rows = rows[0], rows[1:]
    gold = [json.loads(line) for line in open(SET / "table_gold.jsonl", encoding="utf-8")]
    assert header == list(manifest["table_columns"]) and len(rows) == len(gold) == 18_000
    kinds = list(manifest["table_columns"].values())
    counts = Counter()
    for row, g in zip(rows, gold):
        for ci, kind in enumerate(kinds):
            cell = row[ci]
            if kind == "free_text":
                for s, e, typ, *extra in g.get(str(ci), []):
                    assert 0 <= s < e <= len(cell)
                    check_value(cell[s:e], typ, extra[0] if extra else {"fmt": _guess_fmt(cell[s:e]), "surname": 0,
                                                                          "kind": "urban", "parts": [1]})
                    counts[typ] += 1
            elif kind.startswith("plain:"):
                assert cell and str(ci) not in g
            elif cell:
                extra = {"fmt": _guess_fmt(cell), "surname": g.get(str(ci), 0), "kind": "urban", "parts": [1]}
                check_value(cell, kind, extra)
                if kind == "ADDRESS":
                    for p in g[str(ci)].split():
                        a, b, code = p.split(":")
                        assert 0 <= int(a) < int(b) <= len(cell) and code in "rnvgbum"
                counts[kind] += 1
    for typ in TYPES:
        assert counts[typ] >= MIN_PER_TYPE, (typ, counts[typ])
    orders = [r[header.index("订单号")] for r in rows]
    assert sum(1 for o in orders if 16 <= len(o) <= 19 and o.isdigit() and luhn_ok(o)) > 1000


def _guess_fmt(v):
    return next((k for k, rx in PASSPORT_SHAPES.items() if re.fullmatch(rx, v)), "E8")


# ---------------------------------------------------------------- the scorer
@pytest.fixture(scope="module")
def scorer():
    spec = importlib.util.spec_from_file_location("desensitize_eval", ROOT / "benchmarks" / "desensitize_eval.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_span_criteria(scorer):
    allow = scorer.Allowance({"CN_MOBILE_PHONE": {"operator": "mask", "keep_first": 3, "keep_last": 4},
                              "CN_PERSON_NAME": {"operator": "pseudonymize", "style": "surname"}})

    def removed(text, out, span):
        return scorer.score_span(text, scorer.survived_mask(text, out, [span]), span, allow)["removed"]

    name = [3, 6, "PERSON", {"surname": 2}]
    assert removed("联系人欧阳娜娜", "联系人欧阳**", [3, 7, "PERSON", {"surname": 2}])
    assert not removed("联系人欧阳娜娜", "联系人欧阳*娜", [3, 7, "PERSON", {"surname": 2}])
    assert not removed("联系人张三丰", "联系人张三丰", name)
    mob = [2, 13, "MOBILE", {}]
    assert removed("电话13812345678", "电话138****5678", mob)
    assert not removed("电话13812345678", "电话1381234****", mob)  # more than the policy keeps
    assert not removed("电话13812345678。", "电话13812345678。", mob)
    # the kept last four digits are not taken for the same digits earlier in the number
    assert removed("19345215215", "193****5215", [0, 11, "MOBILE", {}])
    text, out = "住A区，电话19345215215", "住*，电话193****5215"
    spans = [[1, 3, "ADDRESS", {"parts": []}], [6, 17, "MOBILE", {}]]
    assert scorer.score_span(text, scorer.survived_mask(text, out, spans), spans[1], allow)["removed"]
    # no allowance for a type the policy does not mask: any surviving digit beyond 0 is a leak
    assert not removed("座机02367891234", "座机0**********", [2, 13, "LANDLINE", {}])
    assert removed("座机02367891234", "座机***", [2, 13, "LANDLINE", {}])
    addr = "住重庆市渝中区人民路12号3单元8-3"
    parts = [[7, 10, "road"], [10, 13, "number"], [13, 16, "unit"], [16, 19, "room"]]
    span = [1, 19, "ADDRESS", {"parts": parts}]
    assert removed(addr, "住重庆市渝中区", span)
    assert not removed(addr, "住重庆市渝中区3单元8-3", span)          # unit and room left behind
    assert not removed(addr, addr, span)


def test_scorer_reports_on_a_slice(scorer, tmp_path):
    out = tmp_path / "eval.json"
    res = scorer.main(["--limit", "200", "--table-rows", "200", "--json", str(out)])
    saved = json.loads(out.read_text(encoding="utf-8"))
    assert saved["prose"]["cells"] == 200 and saved["table"]["rows"] == 200
    p = res["prose"]
    assert p["positive_cells"] + p["negative_cells"] == 200
    assert 0 <= p["negative_changed_share"] <= 1 and p["cells_per_s"] > 0
    assert set(p["per_type"]) <= set(TYPES) and len(p["per_type"]) >= 6
    for d in p["per_type"].values():
        assert 0 <= d["recall"] <= 1 and d["removed"] <= d["spans"] and d["untouched"] <= d["spans"]
    assert {"passed", "findings", "missed_cells", "missed_spans", "missed_cells_flagged", "missed_spans_flagged"} <= set(p["residual"])
    assert "PERSON" in p["breakdown"] and "ctx" in p["breakdown"]["PERSON"]
    cols = res["table"]["columns"]
    assert list(cols) == list(json.loads((SET / "manifest.json").read_text(encoding="utf-8"))["table_columns"])
    for c in cols.values():
        if c["holds"].startswith("plain:"):
            assert 0 <= c["changed"] <= c["cells"] == 200
        elif c["holds"] != "free_text":
            assert 0 <= c["recall"] <= 1
    md = scorer.markdown(res)
    assert "| PERSON |" in md and "free-text cells/s" in md and "| 订单号 |" in md
