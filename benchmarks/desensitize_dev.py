"""Figures on the development set (benchmarks/desensitize_devset.py): recall and
precision per type, whole-address removal, clean cells changed, plain columns
changed, the independent residual scan's catch rate and false alarms, speed.

Usage: python benchmarks/desensitize_dev.py [--cells 3000] [--json out.json]
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "desensitize"))
sys.path.append(str(HERE))  # after the package: benchmarks/desensitize.py must not shadow it
DATA = HERE / "data"


def load(cells: int, which: str = "main"):
    if which == "hard":  # the second development set (desensitize_devset_hard.py)
        path = DATA / "devset_hard.jsonl"
        if not path.exists() or sum(1 for _ in open(path, encoding="utf-8")) != cells:
            import desensitize_devset_hard

            desensitize_devset_hard.main(["--cells", str(cells)])
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    path = DATA / "devset.jsonl"
    if not path.exists() or sum(1 for _ in open(path, encoding="utf-8")) != cells:
        import desensitize_devset

        desensitize_devset.main(["--cells", str(cells)])
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def overlaps(a, b):
    return a[0] < b[1] and b[0] < a[1]


def end_to_end(texts):
    """CPU seconds of ``apply`` on the cells as a one-column CSV (header 备注), in this
    process, before any other detection ran (no warm caches): first the one-time load
    of the dictionaries (``desensitize.preload()``, which the portal's job worker does
    once before forking), then the run itself. CPU time, because the machine is shared."""
    import csv
    import resource
    import tempfile

    import desensitize

    def cpu():
        own = resource.getrusage(resource.RUSAGE_SELF)
        return own.ru_utime + own.ru_stime

    started = cpu()
    desensitize.preload()
    preload_cpu = cpu() - started
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "prose.csv"
        with open(source, "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["备注"])
            writer.writerows([t] for t in texts)
        started, wall = cpu(), time.perf_counter()
        try:
            desensitize.apply(source, Path(tmp) / "out.csv", workers=1)
        except desensitize.ResidualPIIError:
            pass  # the residual scan ran to the end; nothing written
        run_cpu, wall = cpu() - started, time.perf_counter() - wall
    print(f"End to end (`apply` on the {len(texts)} cells as a one-column CSV, workers=1, residual scans included): "
          f"{run_cpu:.2f} CPU s = {len(texts) / run_cpu:,.0f} cells per CPU-second ({wall:.2f} s wall, load average "
          f"{os.getloadavg()[0]:.1f}); plus {preload_cpu:.2f} CPU s once per process for `desensitize.preload()`; "
          f"with it: {len(texts) / (run_cpu + preload_cpu):,.0f} cells per CPU-second")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cells", type=int, default=None, help="default 3000 (main) / 2000 (hard)")
    parser.add_argument("--set", default="main", choices=("main", "hard"),
                        help="main: desensitize_devset.py; hard: desensitize_devset_hard.py")
    parser.add_argument("--no-speed", action="store_true", help="skip the end-to-end timing")
    parser.add_argument("--json", default=None)
    parser.add_argument("--misses", type=int, default=0, help="print this many missed spans per type")
    args = parser.parse_args(argv)

    import desensitize
    from desensitize.detect import default_recognizers, detect_spans_in_series

    cells = load(args.cells or (2000 if args.set == "hard" else 3000), args.set)
    texts = [c["text"] for c in cells]
    default_recognizers()
    if not args.no_speed:
        end_to_end(texts)
    detect_spans_in_series(pd.Series(texts[:50], dtype="str"))  # warm up
    started = time.perf_counter()
    found = detect_spans_in_series(pd.Series(texts, dtype="str"))
    seconds = time.perf_counter() - started
    load_after = os.getloadavg()[0]

    gold_n, gold_hit, pred_n, pred_hit = Counter(), Counter(), Counter(), Counter()
    address_whole = address_n = 0
    misses = defaultdict(list)
    false_pos = defaultdict(list)
    for i, cell in enumerate(cells):
        pred = found.get(i, [])
        for gs, ge, gt in cell["spans"]:
            gold_n[gt] += 1
            if any(overlaps((gs, ge), p) and p[2] == gt for p in pred):
                gold_hit[gt] += 1
            else:
                misses[gt].append((cell["text"], cell["text"][gs:ge]))
            if gt == "CN_ADDRESS":
                address_n += 1
                covered = set()
                for p in pred:
                    covered.update(range(max(p[0], gs), min(p[1], ge)))
                address_whole += len(covered) == ge - gs
        for p in pred:
            pred_n[p[2]] += 1
            if any(overlaps(p[:2], (gs, ge)) and gt == p[2] for gs, ge, gt in cell["spans"]):
                pred_hit[p[2]] += 1
            else:
                false_pos[p[2]].append((cell["text"], cell["text"][p[0]:p[1]]))
    clean = [i for i, c in enumerate(cells) if not c["spans"]]
    clean_changed = [i for i in clean if found.get(i)]

    print(f"\n#### Development set: {len(cells)} cells, {sum(gold_n.values())} PII spans, {len(clean)} cells without PII\n")
    print("| type | gold spans | recall | predicted | precision |")
    print("|---|---:|---:|---:|---:|")
    for t in sorted(set(gold_n) | set(pred_n)):
        recall = f"{100 * gold_hit[t] / gold_n[t]:.2f}%" if gold_n[t] else "–"
        precision = f"{100 * pred_hit[t] / pred_n[t]:.2f}%" if pred_n[t] else "–"
        print(f"| {t} | {gold_n[t]} | {recall} | {pred_n[t]} | {precision} |")
    total_gold, total_hit = sum(gold_n.values()), sum(gold_hit.values())
    print(f"| **all** | {total_gold} | {100 * total_hit / total_gold:.2f}% | {sum(pred_n.values())} | "
          f"{100 * sum(pred_hit.values()) / max(1, sum(pred_n.values())):.2f}% |")
    print(f"\nAddresses removed whole (street/town/village, group, number, building, unit, room all "
          f"inside found spans): {address_whole}/{address_n} = {100 * address_whole / max(1, address_n):.2f}%")
    print(f"Cells without PII changed: {len(clean_changed)}/{len(clean)} = {100 * len(clean_changed) / max(1, len(clean)):.2f}%")
    print(f"Speed (detection, the apply path): {len(cells) / seconds:,.0f} cells/s ({seconds:.2f} s, one process, "
          f"load average {load_after:.2f})")
    by_genre = defaultdict(lambda: [0, 0])
    for i, cell in enumerate(cells):
        for gs, ge, gt in cell["spans"]:
            if gt == "CN_PERSON_NAME":
                by_genre[cell["genre"]][0] += 1
                by_genre[cell["genre"]][1] += any(overlaps((gs, ge), p) and p[2] == gt for p in found.get(i, []))
    print("\nName recall by genre: " + ", ".join(f"{g} {100 * h / n:.1f}% ({n})" for g, (n, h) in sorted(by_genre.items())))
    if args.misses:
        for t, items in sorted(misses.items()):
            print(f"\nmissed {t} ({len(items)}):")
            for text, part in items[:args.misses]:
                print(f"  [{part}] {text}")
        for i in clean_changed[:args.misses]:
            print("  clean cell changed:", [cells[i]["text"][p[0]:p[1]] + "/" + p[2] for p in found[i]], cells[i]["text"])
        for t, items in sorted(false_pos.items()):
            print(f"\nfalse {t} ({len(items)}):")
            for text, part in items[:args.misses]:
                print(f"  [{part}] {text}")

    # plain columns of a table: must not change
    if args.set == "main":
        table = pd.read_csv(DATA / "devset_table.csv", dtype=str, keep_default_na=False)
        report = desensitize.apply(table, None, None, workers=1)
        out = report.frame
        print("\nPlain columns (devset_table.csv, %d rows): " % len(table) + ", ".join(
            f"{c} {int((out[c] != table[c]).sum())} changed" for c in table.columns))

    # the independent residual scan on the output of apply (free-text column)
    try:
        from desensitize.residual_names import scan_cells
    except ImportError:
        return
    frame = pd.DataFrame({"备注": texts})
    report = desensitize.apply(frame, None, {"columns": {"备注": {"type": "free_text"}}, "residual": {"independent": False}},
                               workers=1)
    output = report.frame["备注"].tolist()
    started = time.perf_counter()
    findings = scan_cells(output)
    scan_seconds = time.perf_counter() - started
    flagged = defaultdict(list)
    for position, start, end, kind in findings:
        flagged[position].append((start, end, kind))
    missed_total = caught = 0
    leaked_cells = set()
    for i, cell in enumerate(cells):
        for gs, ge, gt in cell["spans"]:
            if gt != "CN_PERSON_NAME":
                continue
            if any(overlaps((gs, ge), p) and p[2] == gt for p in found.get(i, [])):
                continue
            name = cell["text"][gs:ge]
            at = output[i].find(name)
            if at < 0:
                continue  # removed by another type's span
            missed_total += 1
            leaked_cells.add(i)
            caught += any(overlaps((at, at + len(name)), f[:2]) for f in flagged.get(i, []))
    quiet = [i for i in range(len(cells)) if i not in leaked_cells]
    false_alarms = [i for i in quiet if flagged.get(i)]
    clean_alarms = [i for i in clean if flagged.get(i)]
    print(f"\nIndependent residual scan on the output ({len(cells)} cells, {scan_seconds:.2f} s = "
          f"{len(cells) / scan_seconds:,.0f} cells/s): names the detector missed that it flags: "
          f"{caught}/{missed_total}; cells flagged without a leaked name: {len(false_alarms)}/{len(quiet)} = "
          f"{100 * len(false_alarms) / max(1, len(quiet)):.2f}% (of the cells without any PII: "
          f"{len(clean_alarms)}/{len(clean)} = {100 * len(clean_alarms) / max(1, len(clean)):.2f}%)")
    # the second detector alone on the raw input: how many of ALL names it would find
    raw = defaultdict(list)
    for position, start, end, kind in scan_cells(texts):
        raw[position].append((start, end, kind))
    names_n = names_hit = flagged_n = flagged_ok = 0
    for i, cell in enumerate(cells):
        gold_names = [(gs, ge) for gs, ge, gt in cell["spans"] if gt == "CN_PERSON_NAME"]
        names_n += len(gold_names)
        names_hit += sum(any(overlaps(g, f[:2]) for f in raw.get(i, []) if f[2] == "CN_PERSON_NAME") for g in gold_names)
        for f in raw.get(i, []):
            if f[2] == "CN_PERSON_NAME":
                flagged_n += 1
                flagged_ok += any(overlaps(g, f[:2]) for g in gold_names)
    print(f"The independent scan alone on the raw input: finds {names_hit}/{names_n} = {100 * names_hit / names_n:.2f}% "
          f"of all names, {flagged_ok}/{flagged_n} = {100 * flagged_ok / max(1, flagged_n):.2f}% of its name findings are names")
    if args.misses:
        for i in false_alarms[:args.misses]:
            print("  false alarm:", [output[i][s:e] for s, e, _ in flagged[i]], output[i])
        for i in sorted(leaked_cells)[:args.misses]:
            if not flagged.get(i):
                print("  not caught:", output[i])
    if args.json:
        Path(args.json).write_text(json.dumps({
            "gold": gold_n, "hit": gold_hit, "pred": pred_n, "pred_hit": pred_hit,
            "address_whole": [address_whole, address_n], "clean_changed": [len(clean_changed), len(clean)],
            "residual": {"caught": caught, "missed": missed_total, "false_alarms": len(false_alarms),
                         "quiet": len(quiet)}}, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
