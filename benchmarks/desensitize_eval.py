"""Score ``desensitize`` on the frozen outsider evaluation set (benchmarks/eval/prose-v1).

    python benchmarks/desensitize_eval.py [--set benchmarks/eval/prose-v1] [--json OUT.json]
                                          [--limit N] [--table-rows N] [--no-table] [--cli]

Runs the library as the publication job does: ``desensitize.apply(input_csv, output_csv)``
with the default policy (``--cli``: the ``desensitize apply`` command in a subprocess, the same
code path plus process start-up), on

* the prose cells, written as a one-column CSV (header ``备注``), and
* the table (``table.csv``),

then compares the output with the gold. Prints markdown to stdout, the same figures as JSON to
``--json``. This script reads only the set, the library's output and its report (whose
``policy`` section says which characters each operator keeps); it knows nothing of the
detector's rules.

When is a gold span "removed"? The input cell and the output cell are aligned
(``difflib.SequenceMatcher``, no junk heuristic); a character of the input "survives" when it
lies in an equal block, i.e. it is still there, at its place. Then:

* numbers (MOBILE, LANDLINE, RESIDENT_ID, BANK_CARD, PASSPORT, USCC, PLATE): of the span's
  letters and digits (a leading +86 / 0086 not counted) none survives except the first
  ``keep_first`` and the last ``keep_last`` that the policy's ``mask`` for that type keeps
  (``redact`` / ``hash`` / ``drop`` / no entry: nothing may survive);
* EMAIL: of the local part nothing survives beyond its first ``keep_first`` characters (the
  domain may stay);
* PERSON: no character of the given name survives (the surname may stay: the default
  pseudonymizer keeps it; of names without a Han surname — 扎西多吉, 阿卜杜拉·买买提 — and
  given-name-first Latin names only the leading character may stay);
* ADDRESS: no part (road, number, village, group, building, unit, room) survives whole; the
  province / city / district / county / town may stay (the default generalizes to the district).

A span is "untouched" when every character of it survives (the detector did not see it).

Residual scan: if the report's ``residual.findings`` carry cell locations (a ``rows`` / ``row``
/ ``cells`` key with 0-based data-row indices), the missed spans in flagged cells are counted;
otherwise that figure is n/a and the findings' keys are printed. If the residual scan blocks the
file (exit 3 / ``ResidualPIIError``), the publication would not happen: that is reported, and
the recall figures come from a second run whose policy only adds every type to
``residual.allow``.
"""
from __future__ import annotations

import argparse
import csv
import difflib
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# benchmarks/desensitize.py (the project's own benchmark) would shadow the package: drop this
# folder from the import path and put the package's source root first.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
if str(ROOT / "desensitize") not in sys.path:
    sys.path.insert(0, str(ROOT / "desensitize"))
DEFAULT_SET = ROOT / "benchmarks" / "eval" / "prose-v1"
TYPES = ["PERSON", "MOBILE", "LANDLINE", "EMAIL", "RESIDENT_ID", "BANK_CARD", "PASSPORT", "USCC", "PLATE", "ADDRESS"]
# gold type -> the library's type names (from its README); the most lenient allowance counts
LIB_TYPES = {
    "PERSON": ["CN_PERSON_NAME"], "MOBILE": ["CN_MOBILE_PHONE"], "LANDLINE": ["CN_LANDLINE"],
    "EMAIL": ["EMAIL_ADDRESS"], "RESIDENT_ID": ["CN_RESIDENT_ID"], "BANK_CARD": ["CN_BANK_CARD"],
    "PASSPORT": ["CN_PASSPORT", "CN_HK_MACAU_PERMIT"], "USCC": ["CN_USCC"],
    "PLATE": ["CN_LICENSE_PLATE"], "ADDRESS": ["CN_ADDRESS"],
}
PART_CODES = {"r": "road", "n": "number", "v": "village", "g": "group", "b": "building", "u": "unit", "m": "room"}
ROAD_SUFFIXES = sorted(["路", "街", "大街", "大道", "巷", "南路", "北路", "中路", "东路", "西路", "街道", "胡同", "条"],
                       key=len, reverse=True)
FREE_TEXT_HEADER = "备注"


# ---------------------------------------------------------------- running the library
def run_apply(src: Path, dst: Path, report_path: Path, use_cli: bool, policy=None):
    """Run desensitize on src -> dst. Returns (ok, report dict, seconds, error text)."""
    if use_cli:
        cmd = [sys.executable, "-m", "desensitize", "apply", str(src), "-o", str(dst),
               "--report", str(report_path), "--no-progress"]
        pol_file = None
        if policy is not None:
            import yaml
            pol_file = report_path.with_suffix(".policy.yaml")
            pol_file.write_text(yaml.safe_dump(policy, allow_unicode=True), encoding="utf-8")
            cmd += ["--policy", str(pol_file)]
        env = dict(os.environ)
        env["PYTHONPATH"] = str(ROOT / "desensitize") + os.pathsep + env.get("PYTHONPATH", "")
        t0 = time.perf_counter()
        p = subprocess.run(cmd, capture_output=True, text=True, env=env)
        sec = time.perf_counter() - t0
        rep = json.loads(report_path.read_text(encoding="utf-8")) if report_path.exists() else {}
        return p.returncode == 0, rep, sec, (p.stderr.strip()[-500:] if p.returncode else "")
    import desensitize
    t0 = time.perf_counter()
    try:
        rep = desensitize.apply(str(src), str(dst), policy=policy)
        sec = time.perf_counter() - t0
        return True, rep.to_dict(), sec, ""
    except desensitize.DesensitizeError as e:
        sec = time.perf_counter() - t0
        rep = getattr(e, "report", None)
        rep = rep.to_dict() if hasattr(rep, "to_dict") else (rep or {})
        return False, rep, sec, f"{type(e).__name__}: {e}"[:500]


def run_with_fallback(src, dst, tmp, use_cli):
    """Default policy first. If the residual scan blocks the file, the publication would not
    happen; to still measure the detector, run again with every type allowed in the residual
    scan (nothing else changed) and say so."""
    ok, rep, sec, err = run_apply(src, dst, tmp / (src.stem + ".report.json"), use_cli)
    info = {"default_policy_ok": ok, "error": err, "seconds": sec, "report": rep, "rerun_with_residual_allow_all": False}
    if ok:
        return info
    types = sorted((rep.get("policy") or {}).get("types", {}) or sum(LIB_TYPES.values(), []))
    ok2, rep2, sec2, err2 = run_apply(src, dst, tmp / (src.stem + ".report2.json"), use_cli,
                                      policy={"residual": {"allow": types}})
    if not ok2:
        raise SystemExit(f"desensitize failed on {src}: {err} / {err2}")
    info.update(rerun_with_residual_allow_all=True, rerun_report=rep2, seconds_rerun=sec2)
    return info


# ---------------------------------------------------------------- scoring one span
def _local(ra: str, rb: str) -> list[bool]:
    """Which characters of ra are still in rb at their place: position by position when the
    lengths agree (a mask keeps the length), else by difflib (no junk heuristic)."""
    if len(ra) == len(rb):
        return [x == y for x, y in zip(ra, rb)]
    return _local_difflib(ra, rb)


def survived_mask(a: str, b: str, spans=()) -> list[bool]:
    """For each character of the input cell a: is it still there, at its place, in the output b?

    The text between the gold spans is looked up in order in the output; each span is then
    compared with the stretch of output between its neighbours (position by position when the
    tool kept the length). This keeps e.g. the last four digits of 193****5215 from being matched
    to an earlier occurrence of the same digits in 19345215215, as a global alignment would.
    When the text between the spans was itself changed (a false alarm, a span grown into its
    context) the whole cell is aligned with difflib instead."""
    if a == b:
        return [True] * len(a)
    regions = []  # merged spans: [s, e]
    for s, e, *_ in sorted(spans):
        if regions and s <= regions[-1][1]:
            regions[-1][1] = max(regions[-1][1], e)
        else:
            regions.append([s, e])
    if regions:
        keep = [True] * len(a)
        pos_a, pos_b, ok = 0, 0, True
        for k, (s, e) in enumerate(regions):
            ctx = a[pos_a:s]
            if not b.startswith(ctx, pos_b):
                ok = False
                break
            pos_b += len(ctx)
            nxt = a[e:regions[k + 1][0]] if k + 1 < len(regions) else a[e:]
            if k + 1 == len(regions):
                j = len(b) - len(nxt)
                if j < pos_b or not b.endswith(nxt):
                    ok = False
                    break
            elif not nxt:
                ok = False
                break
            else:
                j = b.find(nxt, pos_b)
                if j < 0:
                    ok = False
                    break
            keep[s:e] = _local(a[s:e], b[pos_b:j])
            pos_a, pos_b = e, j
        if ok:
            return keep
    return _local_difflib(a, b)


def _local_difflib(a, b):
    keep = [False] * len(a)
    for tag, i1, i2, _j1, _j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            for i in range(i1, i2):
                keep[i] = True
    return keep


class Allowance:
    """What the policy in the report says may remain of each type."""

    def __init__(self, policy_types: dict):
        self.pt = policy_types or {}

    def _ops(self, typ):
        return [self.pt.get(t) for t in LIB_TYPES[typ] if self.pt.get(t)]

    def kept_ends(self, typ) -> tuple[int, int]:
        """(first, last): how many leading / trailing characters the type's operator keeps."""
        kf = kl = 0
        for op in self._ops(typ):
            if op.get("operator") == "mask":
                kf = max(kf, int(op.get("keep_first", 0) or 0))
                kl = max(kl, int(op.get("keep_last", 0) or 0))
            elif op.get("operator") == "keep":
                return 10 ** 6, 10 ** 6
        return kf, kl

    def email(self) -> tuple[int, bool]:
        for op in self._ops("EMAIL"):
            if op.get("operator") == "mask":
                return int(op.get("keep_first", 0) or 0), bool(op.get("keep_domain"))
            if op.get("operator") == "keep":
                return 10 ** 6, True
        return 0, False

    def describe(self) -> dict:
        return {t: [self.pt.get(x) for x in LIB_TYPES[t]] for t in TYPES}


def core_indices(text: str, s: int, e: int, part: str) -> list[int]:
    """Positions of a part's identifying characters (the name of a road/village, the number)."""
    seg = text[s:e]
    if part == "road":
        for suf in ROAD_SUFFIXES:
            if seg.endswith(suf) and len(seg) > len(suf):
                seg = seg[: -len(suf)]
                break
        return list(range(s, s + len(seg)))
    if part == "village":
        for suf in ("社区", "村"):
            if seg.endswith(suf):
                return list(range(s, e - len(suf)))
        return list(range(s, e))
    # numbers: digits, letters and Chinese numerals
    return [i for i in range(s, e) if text[i].isalnum() and text[i] not in "号楼栋幢座单元室组社第村民小"]


def score_span(text: str, keep: list[bool], span: list, allow: Allowance) -> dict:
    s, e, typ = span[0], span[1], span[2]
    extra = span[3] if len(span) > 3 and isinstance(span[3], dict) else {}
    untouched = all(keep[s:e])
    res = {"type": typ, "untouched": untouched}
    if typ == "PERSON":
        sn = extra.get("surname", 0)
        # a name without a Han surname (扎西多吉, 阿卜杜拉·买买提, "Jing Lin"): the pseudonymizer's
        # shape keeps the leading character, tolerated as it would be a surname
        ident = [i for i in range(s + (sn or 1), e) if text[i] not in " ·."]
        res["removed"] = not any(keep[i] for i in ident)
    elif typ == "EMAIL":
        at = text.find("@", s, e)
        local = list(range(s, at if at > 0 else e))
        n_keep, _dom = allow.email()
        res["removed"] = not any(keep[i] for i in local[n_keep:])
    elif typ == "ADDRESS":
        leaked = []
        for ps, pe, part in extra.get("parts", []):
            idx = core_indices(text, ps, pe, part)
            if idx and all(keep[i] for i in idx):
                leaked.append(part)
        res["parts"] = [p[2] for p in extra.get("parts", [])]
        res["leaked_parts"] = leaked
        res["removed"] = not leaked
    else:
        start = s
        seg = text[s:e]
        for cc in ("+86", "0086", "+ 86"):
            if seg.startswith(cc):
                start = s + len(cc)
        ident = [i for i in range(start, e) if text[i].isalnum()]
        kf, kl = allow.kept_ends(typ)
        middle = ident[kf:len(ident) - kl] if kf + kl < len(ident) else []
        res["removed"] = not any(keep[i] for i in middle)
    return res


# ---------------------------------------------------------------- tallies
class Tally:
    def __init__(self):
        self.n = Counter()
        self.removed = Counter()
        self.untouched = Counter()
        self.sub = defaultdict(Counter)          # (type, facet, value) -> n / removed
        self.addr_parts = defaultdict(Counter)    # part -> total / leaked

    def add(self, r: dict, facets: dict):
        t = r["type"]
        self.n[t] += 1
        self.removed[t] += r["removed"]
        self.untouched[t] += r["untouched"]
        for k, v in facets.items():
            c = self.sub[(t, k, str(v))]
            c["n"] += 1
            c["removed"] += r["removed"]
        if t == "ADDRESS":
            for p in r["parts"]:
                self.addr_parts[p]["n"] += 1
            for p in r["leaked_parts"]:
                self.addr_parts[p]["leaked"] += 1

    def as_dict(self):
        per = {}
        for t in TYPES:
            if self.n[t]:
                per[t] = {"spans": self.n[t], "removed": self.removed[t], "recall": self.removed[t] / self.n[t],
                          "untouched": self.untouched[t]}
        subs = defaultdict(dict)
        for (t, k, v), c in sorted(self.sub.items()):
            subs[t].setdefault(k, {})[v] = {"n": c["n"], "recall": c["removed"] / c["n"]}
        parts = {p: {"n": c["n"], "leaked": c["leaked"], "left_share": c["leaked"] / c["n"]}
                 for p, c in sorted(self.addr_parts.items())}
        return {"per_type": per, "breakdown": subs, "address_parts": parts}


def pct(x):
    return "–" if x is None else f"{100 * x:.2f}%"


# ---------------------------------------------------------------- residual findings
def residual_summary(rep: dict) -> dict:
    res = (rep or {}).get("residual") or {}
    findings = res.get("findings") or []
    located = []
    for f in findings:
        if not isinstance(f, dict):
            continue
        rows = None
        for key in ("rows", "row", "row_index", "row_indices", "cells", "index"):
            if key in f:
                rows = f[key]
                break
        if rows is None:
            continue
        rows = rows if isinstance(rows, list) else [rows]
        for r in rows:
            if isinstance(r, dict):
                r = r.get("row", r.get("index"))
            if isinstance(r, int):
                located.append((f.get("column"), r))
    return {"passed": res.get("passed"), "findings": len(findings), "located_cells": located,
            "keys": sorted({k for f in findings if isinstance(f, dict) for k in f})}


# ---------------------------------------------------------------- prose
def score_prose(set_dir: Path, tmp: Path, limit, use_cli):
    cells = [json.loads(line) for line in open(set_dir / "cells.jsonl", encoding="utf-8")]
    if limit:
        cells = cells[:limit]
    src, dst = tmp / "prose_in.csv", tmp / "prose_out.csv"
    with open(src, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow([FREE_TEXT_HEADER])
        for c in cells:
            w.writerow([c["text"]])
    run = run_with_fallback(src, dst, tmp, use_cli)
    with open(dst, encoding="utf-8", newline="") as f:
        out = [row[0] if row else "" for row in list(csv.reader(f))[1:]]
    if len(out) != len(cells):
        raise SystemExit(f"output has {len(out)} rows, input {len(cells)}")
    rep = run["report"] if not run["rerun_with_residual_allow_all"] else run["rerun_report"]
    allow = Allowance((rep.get("policy") or {}).get("types", {}))
    tally = Tally()
    neg_total, neg_changed = 0, 0
    neg_kind = defaultdict(Counter)
    keep_kind = defaultdict(Counter)
    missed_cells = Counter()  # cell index -> missed spans
    for i, (c, o) in enumerate(zip(cells, out)):
        text = c["text"]
        keep = survived_mask(text, o, c["spans"])
        for k in c.get("keep", []):
            kk = keep_kind[k[2]]
            kk["n"] += 1
            kk["altered"] += not all(keep[k[0]:k[1]])
        if not c["spans"]:
            neg_total += 1
            changed = o != text
            neg_changed += changed
            for kind in {k[2] for k in c.get("keep", [])} or {"text_only"}:
                neg_kind[kind]["n"] += 1
                neg_kind[kind]["changed"] += changed
            continue
        for sp in c["spans"]:
            r = score_span(text, keep, sp, allow)
            extra = sp[3] if len(sp) > 3 else {}
            facets = {"genre": c["genre"]}
            for key in ("ctx", "fmt", "kind", "script"):
                if key in extra:
                    facets[key] = extra[key]
            if sp[2] == "PERSON":
                facets["surname"] = "latin" if extra.get("script") else {0: "none", 1: "single", 2: "compound"}.get(
                    extra.get("surname"), "other")
                facets["given_len"] = (sp[1] - sp[0] - extra.get("surname", 0)) if not extra.get("script") else "latin"
            tally.add(r, facets)
            if not r["removed"]:
                missed_cells[i] += 1
    # residual scan vs missed spans
    res = residual_summary(run["report"])
    located = {r for _col, r in res["located_cells"]}
    flagged = [i for i in missed_cells if i in located]
    res_out = {"passed": res["passed"], "findings": res["findings"], "finding_keys": res["keys"],
               "missed_cells": len(missed_cells), "missed_spans": sum(missed_cells.values()),
               "missed_cells_flagged": len(flagged) if res["located_cells"] else None,
               "missed_spans_flagged": sum(missed_cells[i] for i in flagged) if res["located_cells"] else None}
    col = next((c for c in rep.get("columns", []) if c.get("column") == FREE_TEXT_HEADER), {})
    return {
        "cells": len(cells), "positive_cells": len(cells) - neg_total, "negative_cells": neg_total,
        "negative_cells_changed": neg_changed,
        "negative_changed_share": neg_changed / neg_total if neg_total else None,
        "negative_by_kind": {k: {"n": v["n"], "changed": v["changed"]} for k, v in sorted(neg_kind.items())},
        "keep_tokens": {k: {"n": v["n"], "altered": v["altered"]} for k, v in sorted(keep_kind.items())},
        "column_kind": col.get("kind"), "column_entity_type": col.get("entity_type"),
        "seconds": run["seconds"], "cells_per_s": len(cells) / run["seconds"] if run["seconds"] else None,
        "default_policy_ok": run["default_policy_ok"], "error": run["error"],
        "rerun_with_residual_allow_all": run["rerun_with_residual_allow_all"],
        "residual": res_out, "allowance": allow.describe(), **tally.as_dict(),
    }


# ---------------------------------------------------------------- table
def score_table(set_dir: Path, tmp: Path, max_rows, use_cli):
    manifest = json.loads((set_dir / "manifest.json").read_text(encoding="utf-8"))
    colkinds = manifest["table_columns"]
    src = set_dir / "table.csv"
    with open(src, encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    header, rows = rows[0], rows[1:]
    gold = [json.loads(line) for line in open(set_dir / "table_gold.jsonl", encoding="utf-8")]
    if max_rows:
        rows, gold = rows[:max_rows], gold[:max_rows]
        src = tmp / "table_in.csv"
        with open(src, "w", encoding="utf-8", newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(header)
            w.writerows(rows)
    dst = tmp / "table_out.csv"
    run = run_with_fallback(src, dst, tmp, use_cli)
    with open(dst, encoding="utf-8", newline="") as f:
        out = list(csv.reader(f))
    if out[0] != header or len(out) - 1 != len(rows):
        raise SystemExit(f"table output shape differs: header {out[0] == header}, rows {len(out) - 1} vs {len(rows)}")
    out = out[1:]
    rep = run["report"] if not run["rerun_with_residual_allow_all"] else run["rerun_report"]
    allow = Allowance((rep.get("policy") or {}).get("types", {}))
    cols_rep = {c.get("column"): c for c in rep.get("columns", [])}
    per_col = {}
    for ci, h in enumerate(header):
        kind = colkinds[h]
        crep = cols_rep.get(h, {})
        entry = {"holds": kind, "classified_kind": crep.get("kind"), "classified_type": crep.get("entity_type"),
                 "operator": crep.get("operator")}
        if kind.startswith("plain:"):
            changed = sum(1 for r, o in zip(rows, out) if r[ci] != o[ci])
            entry.update(cells=len(rows), changed=changed)
        elif kind == "free_text":
            t = Tally()
            neg_n = neg_changed = 0
            for r, o, g in zip(rows, out, gold):
                text, otext = r[ci], o[ci]
                spans = g.get(str(ci))
                if not spans:
                    neg_n += 1
                    neg_changed += text != otext
                    continue
                keep = survived_mask(text, otext, spans)
                for sp in spans:
                    t.add(score_span(text, keep, sp, allow), {})
            entry.update(t.as_dict()["per_type"] and {"per_type": t.as_dict()["per_type"]})
            entry.update(negative_cells=neg_n, negative_changed=neg_changed)
        else:
            t = Tally()
            for r, o, g in zip(rows, out, gold):
                text = r[ci]
                if not text:
                    continue
                extra = {}
                if kind == "PERSON":
                    extra = {"surname": g.get(str(ci), 0)}
                elif kind == "ADDRESS":
                    extra = {"parts": [[int(a), int(b), PART_CODES[c]] for a, b, c in
                                       (p.split(":") for p in g.get(str(ci), "").split())]}
                keep = survived_mask(text, o[ci], [[0, len(text)]])
                t.add(score_span(text, keep, [0, len(text), kind, extra], allow), {})
            d = t.as_dict()
            entry.update(d["per_type"].get(kind, {}))
            if kind == "ADDRESS":
                entry["address_parts"] = d["address_parts"]
        per_col[h] = entry
    return {"rows": len(rows), "seconds": run["seconds"], "rows_per_s": len(rows) / run["seconds"],
            "default_policy_ok": run["default_policy_ok"], "error": run["error"],
            "rerun_with_residual_allow_all": run["rerun_with_residual_allow_all"],
            "residual": {k: v for k, v in residual_summary(run["report"]).items() if k != "located_cells"},
            "columns": per_col}


# ---------------------------------------------------------------- report
def markdown(res: dict) -> str:
    L = []
    p = res["prose"]
    L.append(f"### Outsider evaluation set `{res['set']}` — commit {res['commit']}, {res['date']}, load {res['load']}")
    L.append("")
    if not any(v for vals in p["allowance"].values() for v in vals):
        L.append("**Warning: the report carries no policy section; every surviving character counts as a leak.**")
        L.append("")
    L.append(f"Prose: {p['cells']} cells ({p['positive_cells']} with PII, {p['negative_cells']} without), "
             f"column classified as `{p['column_kind']}`; default policy run ok: {p['default_policy_ok']}"
             + (f" (blocked: {p['error']}; figures from a re-run with the residual scan allowing every type)"
                if p["rerun_with_residual_allow_all"] else ""))
    L.append("")
    L.append("| type | gold spans | removed (recall) | untouched by the tool |")
    L.append("|---|---:|---:|---:|")
    tot_n = tot_r = 0
    for t, d in p["per_type"].items():
        L.append(f"| {t} | {d['spans']} | {pct(d['recall'])} | {d['untouched']} |")
        tot_n += d["spans"]
        tot_r += d["removed"]
    L.append(f"| **all** | {tot_n} | {pct(tot_r / tot_n if tot_n else None)} | |")
    L.append("")
    if p.get("address_parts"):
        L.append("Address parts left whole (share of addresses holding that part): " + ", ".join(
            f"{k} {pct(v['left_share'])} ({v['leaked']}/{v['n']})" for k, v in p["address_parts"].items()))
        L.append("")
    bd = p["breakdown"]
    for t, facet in (("PERSON", "ctx"), ("PERSON", "surname"), ("PERSON", "given_len"), ("LANDLINE", "fmt"),
                     ("PASSPORT", "fmt"), ("ADDRESS", "kind"), ("MOBILE", "fmt"), ("PLATE", "fmt")):
        if t in bd and facet in bd[t]:
            L.append(f"- {t} by {facet}: " + ", ".join(f"{k} {pct(v['recall'])} (n={v['n']})" for k, v in bd[t][facet].items()))
    if "PERSON" in bd and "genre" in bd["PERSON"]:
        L.append("- PERSON by genre: " + ", ".join(f"{k} {pct(v['recall'])} (n={v['n']})" for k, v in bd["PERSON"]["genre"].items()))
    L.append("")
    L.append(f"Precision proxies: negative cells changed {p['negative_cells_changed']}/{p['negative_cells']} "
             f"({pct(p['negative_changed_share'])}); by what they hold: " + ", ".join(
                 f"{k} {v['changed']}/{v['n']}" for k, v in p["negative_by_kind"].items()))
    L.append("")
    L.append("Non-PII tokens altered in any cell (must stay): " + ", ".join(
        f"{k} {v['altered']}/{v['n']}" for k, v in p["keep_tokens"].items()))
    L.append("")
    r = p["residual"]
    L.append(f"Residual scan (default policy run): passed={r['passed']}, findings={r['findings']}; missed spans "
             f"{r['missed_spans']} in {r['missed_cells']} cells; flagged by the residual scan: "
             + (f"{r['missed_spans_flagged']} spans in {r['missed_cells_flagged']} cells" if r["missed_cells_flagged"] is not None
                else "n/a (the report's findings carry no cell locations"
                + (f"; finding keys: {', '.join(r['finding_keys'])}" if r['finding_keys'] else "") + ")"))
    L.append("")
    L.append(f"Throughput: {p['cells']} cells in {p['seconds']:.2f} s = **{p['cells_per_s']:,.0f} free-text cells/s** "
             f"(wall, `apply` end to end incl. reading/writing the CSV)")
    if res.get("table"):
        tb = res["table"]
        L.append("")
        L.append(f"Table: {tb['rows']} rows in {tb['seconds']:.2f} s ({tb['rows_per_s']:,.0f} rows/s); default policy run ok: "
                 f"{tb['default_policy_ok']}" + (f" ({tb['error']})" if tb["error"] else "")
                 + f"; residual passed={tb['residual']['passed']}, findings={tb['residual']['findings']}")
        L.append("")
        L.append("| column | holds | classified as | result |")
        L.append("|---|---|---|---|")
        for h, c in tb["columns"].items():
            cls = c["classified_type"] or c["classified_kind"]
            if c["holds"].startswith("plain:"):
                resu = f"{c['changed']} of {c['cells']} cells changed"
            elif c["holds"] == "free_text":
                parts = ", ".join(f"{t} {pct(d['recall'])} ({d['spans']})" for t, d in (c.get("per_type") or {}).items())
                resu = f"recall {parts}; cells without PII changed {c['negative_changed']}/{c['negative_cells']}"
            else:
                resu = f"recall {pct(c.get('recall'))} ({c.get('removed')}/{c.get('spans')}), untouched {c.get('untouched')}"
                if c.get("address_parts"):
                    resu += "; parts left: " + ", ".join(f"{k} {v['leaked']}" for k, v in c["address_parts"].items() if v["leaked"])
            L.append(f"| {h} | {c['holds']} | {cls} | {resu} |")
    return "\n".join(L)


def git_commit():
    try:
        return subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True).stdout.strip() or "?"
    except OSError:
        return "?"


def main(argv=None):
    ap = argparse.ArgumentParser(description="Score desensitize on the frozen outsider evaluation set.")
    ap.add_argument("--set", default=str(DEFAULT_SET))
    ap.add_argument("--json", help="write the figures as JSON to this path")
    ap.add_argument("--limit", type=int, help="only the first N prose cells")
    ap.add_argument("--table-rows", type=int, help="only the first N table rows")
    ap.add_argument("--no-table", action="store_true")
    ap.add_argument("--cli", action="store_true", help="run the `desensitize apply` command instead of the API")
    a = ap.parse_args(argv)
    set_dir = Path(a.set)
    with tempfile.TemporaryDirectory(prefix="desens-eval-") as td:
        tmp = Path(td)
        res = {"set": set_dir.name, "commit": git_commit(), "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
               "load": " ".join(f"{x:.1f}" for x in os.getloadavg()), "runner": "cli" if a.cli else "api"}
        res["prose"] = score_prose(set_dir, tmp, a.limit, a.cli)
        res["table"] = None if a.no_table else score_table(set_dir, tmp, a.table_rows, a.cli)
    if a.json:
        Path(a.json).write_text(json.dumps(res, ensure_ascii=False, indent=1), encoding="utf-8")
    print(markdown(res))
    return res


if __name__ == "__main__":
    main()
