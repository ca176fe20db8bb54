"""Benchmark of desensitize against Presidio's default analyzer and bare pandas I/O.

    python benchmarks/desensitize.py [--rows 200000] [--presidio-cells 300] [--presidio-rows 50]
                                     [--workers 2] [--repeat 3] [--memory-mb 0]
    python benchmarks/desensitize.py --memory [--size-mb 2048] [--workers 2] [--keep-big]

Uses the labelled data of benchmarks/desensitize_data.py (generated with its fixed
seed into benchmarks/data/ if missing) and prints Markdown tables:

1. free text (>= 3,000 labelled cells with hard negatives): per-type precision and
   recall; a predicted span counts when it overlaps a gold span of the same type.
   Presidio's default analyzer (AnalyzerEngine with its default English recognizers,
   built offline on a blank spaCy "en" pipeline) runs on a subsample only, and its
   time is extrapolated; its types are mapped to ours (PHONE_NUMBER → phone, etc.).
2. the 200,000-row x 19-column table end to end (read, classify, transform,
   residual scan, write) vs a bare pandas read (pyarrow engine) + to_csv of the same
   file, vs Presidio's BatchAnalyzerEngine on a subsample of rows (extrapolated);
   per-column precision (non-PII columns left byte-identical) and recall (no
   original value left in PII columns).
3. optionally (--memory-mb N) peak memory of the CLI on a CSV of about N MB made by
   repeating the table.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
sys.path.insert(0, str(HERE.parent / "desensitize"))

import logging

import pandas as pd  # noqa: E402

# Presidio's e-mail recognizer asks tldextract for the public suffix list; offline it
# logs a long traceback and falls back to its bundled snapshot.
logging.getLogger("tldextract").setLevel(logging.CRITICAL)

PRESIDIO_TO_OURS = {
    "PHONE_NUMBER": ("CN_MOBILE_PHONE", "CN_LANDLINE"), "CREDIT_CARD": ("CN_BANK_CARD",),
    "EMAIL_ADDRESS": ("EMAIL_ADDRESS",), "IP_ADDRESS": ("IP_ADDRESS",), "PERSON": ("CN_PERSON_NAME",),
    "LOCATION": ("CN_ADDRESS",), "US_PASSPORT": ("CN_PASSPORT",),
}


def ensure_data(rows: int) -> None:
    if not (DATA / "table.csv").exists() or not (DATA / "free_text.jsonl").exists():
        subprocess.run([sys.executable, str(HERE / "desensitize_data.py"), "--rows", str(rows)], check=True)


def load_cells():
    cells = [json.loads(line) for line in (DATA / "free_text.jsonl").read_text(encoding="utf-8").splitlines()]
    return [c["text"] for c in cells], [[tuple(s) for s in c["spans"]] for c in cells]


def score(gold, predicted, types=None):
    """Per type: (gold count, recall, predicted count, precision); overlap matching."""
    stats = {}
    gold_n, gold_hit, pred_n, pred_hit = Counter(), Counter(), Counter(), Counter()
    for gold_spans, pred_spans in zip(gold, predicted):
        for gs, ge, gt in gold_spans:
            gold_n[gt] += 1
            if any(ps < ge and gs < pe and gt in pts for ps, pe, pts in pred_spans):
                gold_hit[gt] += 1
        for ps, pe, pts in pred_spans:
            for t in pts[:1]:
                pred_n[t] += 1
            if any(ps < ge and gs < pe and gt in pts for gs, ge, gt in gold_spans):
                pred_hit[pts[0]] += 1
    for t in sorted(set(gold_n) | set(pred_n)):
        if types and t not in types:
            continue
        stats[t] = (gold_n[t], gold_hit[t] / gold_n[t] if gold_n[t] else None,
                    pred_n[t], pred_hit[t] / pred_n[t] if pred_n[t] else None)
    return stats


def pct(x):
    return "–" if x is None else f"{100 * x:.2f}%"


def presidio_default_analyzer():
    """Presidio's AnalyzerEngine with default recognizers, offline: blank spaCy 'en' saved to disk."""
    import spacy
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    model_dir = Path(tempfile.mkdtemp(prefix="blank_en_"))
    spacy.blank("en").to_disk(model_dir)
    provider = NlpEngineProvider(nlp_configuration={
        "nlp_engine_name": "spacy", "models": [{"lang_code": "en", "model_name": str(model_dir)}]})
    return AnalyzerEngine(nlp_engine=provider.create_engine(), supported_languages=["en"])


def bench_free_text(args, out):
    from desensitize.detect import default_recognizers, detect_spans_in_series

    texts, gold = load_cells()
    default_recognizers()
    # load what the recognizers load once per process (the name detector's dictionary
    # and statistics, ~0.7 s) before the clock starts, as apply() does before its workers fork
    detect_spans_in_series(pd.Series(texts[:64], dtype="str"))
    started = time.perf_counter()
    # the path apply() takes for a free-text column: RE2 prefilters, then recognizers
    found = detect_spans_in_series(pd.Series(texts, dtype="str"))
    ours = [[(s, e, (t,)) for s, e, t, _ in found.get(i, [])] for i in range(len(texts))]
    ours_seconds = time.perf_counter() - started
    ours_stats = score(gold, ours)

    analyzer = presidio_default_analyzer()
    n = min(args.presidio_cells, len(texts))
    started = time.perf_counter()
    theirs = []
    for text in texts[:n]:
        spans = []
        for r in analyzer.analyze(text, language="en"):
            spans.append((r.start, r.end, PRESIDIO_TO_OURS.get(r.entity_type, ("OTHER:" + r.entity_type,))))
        theirs.append(spans)
    presidio_seconds = time.perf_counter() - started
    presidio_stats = score(gold[:n], theirs)
    presidio_other = Counter(p[2][0] for spans in theirs for p in spans if p[2][0].startswith("OTHER:"))

    print(f"\n### Free text: {len(texts)} labelled cells "
          f"({sum(len(g) for g in gold)} PII spans, hard negatives in {sum(1 for t in texts if any(k in t for k in ('订单', '区划', '金额', '校验不通过', '无效')))} cells)\n")
    print("| type | gold spans | desensitize recall | desensitize precision | Presidio default recall* |")
    print("|---|---:|---:|---:|---:|")
    for t, (g, recall, p, precision) in ours_stats.items():
        their = presidio_stats.get(t)
        print(f"| {t} | {g} | {pct(recall)} | {pct(precision)} | {pct(their[1]) if their else '0.00%'} |")
    total_gold = sum(v[0] for v in ours_stats.values())
    total_pred = sum(v[2] for v in ours_stats.values())
    hit_gold = sum(v[0] * (v[1] or 0) for v in ours_stats.values())
    hit_pred = sum(v[2] * (v[3] or 0) for v in ours_stats.values())
    print(f"| **all** | {total_gold} | {pct(hit_gold / total_gold)} | {pct(hit_pred / total_pred)} | |")
    print(f"\n\\* Presidio on the first {n} cells only. Its other findings there (false positives on this data): "
          + (", ".join(f"{k[6:]}×{v}" for k, v in presidio_other.most_common()) or "none"))
    ours_rate, their_rate = len(texts) / ours_seconds, n / presidio_seconds
    print(f"\nThroughput: desensitize {ours_rate:,.0f} cells/s ({ours_seconds:.2f} s for {len(texts)}); "
          f"Presidio default {their_rate:,.1f} cells/s (measured on {n}, extrapolated "
          f"{len(texts) / their_rate:.1f} s for {len(texts)}); ratio {ours_rate / their_rate:,.0f}×")
    out["free_text"] = {"ours": ours_stats, "presidio": presidio_stats, "ours_cells_per_s": ours_rate,
                        "presidio_cells_per_s": their_rate, "presidio_cells": n}


def bench_table(args, out):
    import desensitize
    from desensitize.detect import default_recognizers

    source = DATA / "table.csv"
    columns = json.loads((DATA / "table_columns.json").read_text(encoding="utf-8"))
    size_mb = source.stat().st_size / 1e6

    import resource

    def cpu():
        own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime

    def bare_run():
        cpu_started, started = cpu(), time.perf_counter()
        frame = pd.read_csv(source, engine="pyarrow", dtype=str, keep_default_na=False)
        read_seconds = time.perf_counter() - started
        with tempfile.TemporaryDirectory(dir=DATA) as tmp:
            started = time.perf_counter()
            frame.to_csv(Path(tmp) / "bare.csv", index=False)
            bare_write = time.perf_counter() - started
        return frame, read_seconds, bare_write, cpu() - cpu_started

    # repeated runs, alternating bare pandas and desensitize, each with the load
    # average (the machine is shared: the fastest run is the least disturbed one)
    output = DATA / "table.desensitized.csv"
    started = time.perf_counter()
    default_recognizers()
    startup = time.perf_counter() - started
    runs = {"bare": [], 1: [], args.workers: []}
    for _ in range(args.repeat):
        frame, read_seconds, bare_write, bare_cpu = bare_run()
        runs["bare"].append((read_seconds + bare_write, bare_cpu, os.getloadavg()[0], read_seconds, bare_write))
        for workers in dict.fromkeys([args.workers, 1]):
            cpu_started, started = cpu(), time.perf_counter()
            report = desensitize.apply(source, output, workers=workers)
            runs[workers].append((time.perf_counter() - started, cpu() - cpu_started, os.getloadavg()[0]))
    print(f"\nRepeated runs (wall s / CPU s / load average after the run), {args.repeat} rounds:\n")
    for name, values in runs.items():
        label = "bare pandas read + to_csv" if name == "bare" else f"desensitize apply, workers={name}"
        print(f"* {label}: " + "; ".join(f"{w:.2f} / {c:.2f} / {l:.1f}" for w, c, l, *_ in values))
    best = {name: min(values) for name, values in runs.items()}
    bare, bare_cpu, _, read_seconds, bare_write = best["bare"]
    rows = len(frame)
    # pyarrow.csv read + write of the same file, for reference (quotes every string)
    import pyarrow as pa
    import pyarrow.csv as pacsv

    cpu_started, started = cpu(), time.perf_counter()
    names = list(frame.columns)
    arrow_table = pacsv.read_csv(source, convert_options=pacsv.ConvertOptions(column_types={n: pa.string() for n in names}))
    with tempfile.TemporaryDirectory(dir=DATA) as tmp:
        pacsv.write_csv(arrow_table, Path(tmp) / "bare_arrow.csv")
    arrow_seconds, arrow_cpu = time.perf_counter() - started, cpu() - cpu_started
    del arrow_table

    ours, ours_cpu, load_after = best[args.workers]
    load_before = min(run[2] for run in runs[args.workers])
    ours1 = ours1_cpu = None
    if args.workers != 1:
        ours1, ours1_cpu, _ = best[1]

    result = pd.read_csv(output, engine="pyarrow", dtype=str, keep_default_na=False)
    print(f"\n### Table: {rows:,} rows × {frame.shape[1]} columns, {size_mb:.0f} MB UTF-8 CSV\n")
    print("| column | holds | classified as | cells changed | original values left | verdict |")
    print("|---|---|---|---:|---:|---|")
    plan = {c["column"]: c for c in report.columns}
    for column, kind in columns.items():
        changed = (result[column] != frame[column]).sum()
        if kind is None:
            left, verdict = "–", "precision " + pct(1 - changed / rows)
        elif kind == "free_text":
            left, verdict = "–", "spans: " + ", ".join(f"{k}={v}" for k, v in sorted(plan[column]["spans"].items()))
        else:
            original = frame[column][frame[column] != ""]
            left_n = int(result[column].isin(set(original)).sum())
            left, verdict = str(left_n), "recall " + pct(1 - left_n / len(original))
        got = plan[column]["entity_type"] or plan[column]["kind"]
        print(f"| {column} | {kind or 'not PII'} | {got} | {changed:,} | {left} | {verdict} |")

    print(f"\nResidual scan passed: {report.residual['passed']}")
    print("\n| run | wall seconds | CPU seconds (user+sys, incl. workers) | rows/s (wall) | rows per CPU-second |")
    print("|---|---:|---:|---:|---:|")
    print(f"| bare pandas read (pyarrow engine) + to_csv | {bare:.2f} (read {read_seconds:.2f} + write {bare_write:.2f}) | {bare_cpu:.2f} | {rows / bare:,.0f} | {rows / bare_cpu:,.0f} |")
    print(f"| bare pyarrow.csv read + write_csv (reference) | {arrow_seconds:.2f} | {arrow_cpu:.2f} | {rows / arrow_seconds:,.0f} | {rows / arrow_cpu:,.0f} |")
    print(f"| desensitize apply, end to end, workers={args.workers} | {ours:.2f} | {ours_cpu:.2f} | {rows / ours:,.0f} | {rows / ours_cpu:,.0f} |")
    if ours1 is not None:
        print(f"| desensitize apply, end to end, workers=1 | {ours1:.2f} | {ours1_cpu:.2f} | {rows / ours1:,.0f} | {rows / ours1_cpu:,.0f} |")
    presidio_rows = min(args.presidio_rows, rows)
    from presidio_analyzer import BatchAnalyzerEngine

    batch = BatchAnalyzerEngine(presidio_default_analyzer())
    sample = frame.head(presidio_rows)
    started = time.perf_counter()
    list(batch.analyze_dict({c: sample[c].tolist() for c in sample.columns}, language="en"))
    presidio_seconds = time.perf_counter() - started
    presidio_rate = presidio_rows / presidio_seconds
    print(f"| Presidio BatchAnalyzerEngine (default, detection only) | {rows / presidio_rate:,.0f} (extrapolated from {presidio_rows} rows in {presidio_seconds:.1f} s) | | {presidio_rate:,.1f} | |")
    print(f"\ndesensitize / bare pandas: wall {ours / bare:.2f}×, CPU {ours_cpu / bare_cpu:.2f}×; desensitize vs Presidio "
          f"(wall): {(rows / ours) / presidio_rate:,.0f}× faster. Recognizer start-up (not in the figures): {startup:.1f} s. "
          f"Fastest of {args.repeat} runs each; load average after the runs {load_before:.1f}–{max(r[2] for r in runs[args.workers]):.1f} on {os.cpu_count()} cores.")
    out["table"] = {"rows": rows, "bare_seconds": bare, "bare_read": read_seconds, "bare_write": bare_write,
                    "bare_cpu": bare_cpu, "arrow_seconds": arrow_seconds, "arrow_cpu": arrow_cpu,
                    "ours_cpu": ours_cpu, "ours1_seconds": ours1, "ours1_cpu": ours1_cpu,
                    "load": [load_before, load_after], "ours_seconds": ours, "ours_rows_per_s": rows / ours, "presidio_rows_per_s": presidio_rate,
                    "residual_passed": report.residual["passed"]}
    output.unlink(missing_ok=True)


def make_big_csv(size_mb: float) -> Path:
    """benchmarks/data/table_<N>mb.csv (git-ignored): the table's rows repeated to about N MB."""
    source = DATA / "table.csv"
    big = DATA / f"table_{int(size_mb)}mb.csv"
    if big.exists() and abs(big.stat().st_size / 1e6 - size_mb) < 0.1 * size_mb + 64:
        return big
    with open(source, "rb") as handle:
        header, body = handle.readline(), handle.read()
    target = int(size_mb * 1e6)
    with open(big, "wb") as handle:
        handle.write(header)
        written = len(header)
        while written < target:
            piece = body if written + len(body) <= target else body[:body.rfind(b"\n", 0, target - written) + 1]
            if not piece:
                break
            handle.write(piece)
            written += len(piece)
    return big


def _tree(pid: int) -> list:
    """pid and all its descendants (from /proc/<pid>/task/*/children)."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*/children") if Path(f"/proc/{current}").exists() else []:
            try:
                todo.extend(int(c) for c in task.read_text().split())
            except OSError:
                pass
    return found


def _memory_kb(pid: int) -> tuple:
    """(RSS, PSS) of one process in kB; PSS splits pages shared with forked workers."""
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return 0, 0
    values = {line.split(":")[0]: int(line.split()[1]) for line in text.splitlines()[1:] if line.split()[-1] == "kB"}
    return values.get("Rss", 0), values.get("Pss", 0)


def bench_memory(args, out):
    """Peak memory of the whole process tree of one ``apply`` on a big CSV on disk.

    The run is a child process; its tree (main + forked workers) is sampled every
    0.2 s: the peak of the summed RSS (counts pages shared by the forked workers
    once per process, an upper bound) and of the summed PSS (shares them out).
    CPU time is the child's user + sys including its workers (RUSAGE_CHILDREN).
    """
    import resource

    size = args.size_mb or args.memory_mb
    big = make_big_csv(size)
    output = DATA / "table_big.out.csv"
    code = (
        "import sys, resource, time; sys.path.insert(0, %r); import desensitize; "
        "from desensitize.detect import default_recognizers; default_recognizers(); "
        "print('ready', flush=True); t = time.time(); "
        "r = desensitize.apply(%r, %r, workers=%s); el = time.time() - t; "
        "s, c = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN); "
        "print(r.rows, el, s.ru_utime + s.ru_stime + c.ru_utime + c.ru_stime, flush=True)"
        % (str(HERE.parent / "desensitize"), str(big), str(output), args.workers))
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    process = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    peak_rss = peak_pss = 0
    ready_rss = None
    load = []
    import threading

    lines = []
    reader = threading.Thread(target=lambda: lines.extend(process.stdout), daemon=True)
    reader.start()
    while process.poll() is None:
        rss = pss = 0
        for pid in _tree(process.pid):
            r, p = _memory_kb(pid)
            rss, pss = rss + r, pss + p
        peak_rss, peak_pss = max(peak_rss, rss), max(peak_pss, pss)
        if ready_rss is None and lines:
            ready_rss = rss
        load.append(os.getloadavg()[0])
        time.sleep(0.2)
    reader.join()
    if process.returncode:
        raise SystemExit(f"apply failed with exit code {process.returncode}")
    rows, seconds, cpu = [x for x in lines if not x.startswith("ready")][0].split()
    rows, seconds, cpu = int(rows), float(seconds), float(cpu)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    size_real = big.stat().st_size / 1e6
    print(f"\n### Memory: {size_real:,.0f} MB CSV ({rows:,} rows), workers={args.workers}\n")
    print(f"apply in {seconds:.0f} s wall ({rows / seconds:,.0f} rows/s), {cpu:.0f} s CPU incl. workers "
          f"({rows / cpu:,.0f} rows per CPU-second); peak of the process tree: RSS {peak_rss / 1024:,.0f} MB "
          f"(summed over processes), PSS {peak_pss / 1024:,.0f} MB; after imports {0 if ready_rss is None else ready_rss / 1024:,.0f} MB RSS. "
          f"Load average during the run {min(load):.1f}–{max(load):.1f} on {os.cpu_count()} cores.")
    out["memory"] = {"mb": size_real, "rows": rows, "seconds": seconds, "cpu_seconds": cpu, "workers": args.workers,
                     "peak_tree_rss_mb": peak_rss / 1024, "peak_tree_pss_mb": peak_pss / 1024,
                     "load": [min(load), max(load)]}
    output.unlink(missing_ok=True)
    if not args.keep_big:
        big.unlink()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--presidio-cells", type=int, default=300)
    parser.add_argument("--presidio-rows", type=int, default=50)
    parser.add_argument("--memory-mb", type=int, default=0, help="also run the memory benchmark at this size")
    parser.add_argument("--memory", action="store_true", help="only the memory benchmark (--size-mb)")
    parser.add_argument("--size-mb", type=int, default=0, help="size of the generated CSV for --memory (default 2048)")
    parser.add_argument("--workers", type=int, default=2, help="workers for the table and memory runs")
    parser.add_argument("--repeat", type=int, default=3, help="rounds of the timed table runs (fastest reported)")
    parser.add_argument("--keep-big", action="store_true", help="keep the generated big CSV in benchmarks/data/")
    parser.add_argument("--skip", nargs="*", default=[], choices=["free_text", "table"])
    args = parser.parse_args(argv)
    ensure_data(args.rows)
    out = {}
    if args.memory:
        args.size_mb = args.size_mb or 2048
        bench_memory(args, out)
        (DATA / f"desensitize_memory_{args.size_mb}mb.json").write_text(json.dumps(out, indent=1), encoding="utf-8")
        return
    if "free_text" not in args.skip:
        bench_free_text(args, out)
    if "table" not in args.skip:
        bench_table(args, out)
    if args.memory_mb:
        bench_memory(args, out)
    (DATA / "desensitize_results.json").write_text(json.dumps(out, indent=1, default=str), encoding="utf-8")


if __name__ == "__main__":
    main()
