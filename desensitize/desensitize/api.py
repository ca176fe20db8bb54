"""The public Python API: ``scan`` and ``apply`` on a path or a DataFrame."""
from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Dict, Iterator, List, Optional, Union

import pandas as pd

from .errors import InputError, ResidualPIIError
from .io import AtomicTableWriter, BodyEncoder, CsvBlockParser, FileRange, TableSource, body_encoder
from .kanon import KAnonymityCounter, choose_levels, column_shape, group_counts, group_sizes
from .policy import Policy, load_policy
from .report import Report, mask_sample, residual_scan
from .table import ColumnStats, plan_columns, transform_chunk

Source = Union[str, os.PathLike, pd.DataFrame]
PolicyLike = Union[None, str, os.PathLike, dict, Policy]
ProgressCallback = Callable[[int, Optional[int]], None]

DEFAULT_CHUNK_ROWS = 100_000
SAMPLE_ROWS = 2000


def _frame_chunks(frame: pd.DataFrame, chunk_rows: int) -> Iterator[pd.DataFrame]:
    if frame.empty or frame.shape[1] == 0:
        raise InputError("表格为空", "the table is empty")
    if frame.columns.duplicated().any():
        raise InputError("表头中有重复的列名", "duplicate column names in the header")
    text = frame.copy()
    text.columns = [str(c) for c in text.columns]
    for column in text.columns:
        text[column] = text[column].map(lambda v: "" if v is None or (isinstance(v, float) and v != v) else str(v)).astype("str")
    for start in range(0, len(text), chunk_rows):
        yield text.iloc[start:start + chunk_rows]


def _open(source: Source, encoding: Optional[str], chunk_rows: int):
    """(chunk iterator, TableSource or None, estimated rows)."""
    if isinstance(source, pd.DataFrame):
        return _frame_chunks(source, chunk_rows), None, len(source)
    table = TableSource(source, encoding=encoding)
    return table.chunks(chunk_rows), table, None


def scan(source: Source, *, encoding: Optional[str] = None, sample_rows: int = SAMPLE_ROWS) -> dict:
    """Classify the columns of a table from a sample of its first rows.

    Returns ``{"columns": [{column, kind, entity_type, confidence, counts,
    sample_size, samples}], "encoding": ..., "rows_sampled": n}``; samples are
    masked. Raises ``InputError`` for unreadable input.
    """
    chunks, table, _ = _open(source, encoding, max(sample_rows, 1))
    sample = next(iter(chunks)).head(sample_rows)
    plans = plan_columns(sample, load_policy(None), sample_rows)
    columns = []
    for plan in plans:
        values = sample[plan.column].astype("str").str.strip()
        values = values[values != ""]
        entry = plan.classification.to_dict()
        if plan.kind == "structured":
            entry["samples"] = [mask_sample(v) for v in values.head(3)]
        elif plan.kind == "free_text":
            from .detect import detect_spans_in_series

            found = detect_spans_in_series(values.head(200).reset_index(drop=True))
            entry["samples"] = [
                f"{s[2]}:{mask_sample(values.iat[pos][s[0]:s[1]])}" for pos, spans in list(found.items())[:3] for s in spans[:1]
            ]
        else:
            entry["samples"] = []
        columns.append(entry)
    return {
        "input": None if table is None else str(table.path),
        "encoding": None if table is None or table.dialect is None else table.dialect.encoding,
        "rows_sampled": int(len(sample)), "columns": columns,
    }


@dataclass
class _Context:
    """What every chunk job needs besides its rows (small; pickled per job)."""

    plans: list
    policy: Policy
    secret: bytes
    k_levels: Dict[str, int]
    parser: Optional[CsvBlockParser]   # for raw CSV blocks
    encoder: Optional[BodyEncoder]     # serialize the output chunk; None: return the frame
    quasi_identifiers: List[str]


# Rows done, counted while chunks are being processed: set (by ``_counting``) only when
# apply() has a progress callback. In a worker process it is a shared
# multiprocessing.Value that the main process polls; in this process, a
# ``_LocalCounter`` that calls the callback directly.
_ROWS_COUNTER = None


class _LocalCounter:
    def __init__(self, report: Callable[[float], None]):
        self.value = 0.0
        self._report = report

    def add(self, rows: float) -> None:
        self.value += rows
        self._report(self.value)


def _count_rows(rows: float) -> None:
    counter = _ROWS_COUNTER
    if counter is None:
        return
    if isinstance(counter, _LocalCounter):
        counter.add(rows)
    else:
        with counter.get_lock():
            counter.value += rows


def _counting(counter) -> None:
    """Pool initializer (and in-process switch): where ``_count_rows`` adds up."""
    global _ROWS_COUNTER
    _ROWS_COUNTER = counter


class _ChunkSteps:
    """Sub-chunk progress: a chunk's rows handed out in equal steps (after the parse,
    after each column, after the residual scan), the rest when it is done, so a
    progress bar moves many times per chunk even on a loaded machine."""

    def __init__(self, rows: int, steps: int):
        self.rows, self.step_rows, self.counted = rows, rows / max(steps, 1), 0.0

    def step(self, *_) -> None:
        if self.counted + self.step_rows < self.rows:
            self.counted += self.step_rows
            _count_rows(self.step_rows)

    def finish(self) -> None:
        _count_rows(self.rows - self.counted)
        self.counted = self.rows


def _process_chunk(job):
    """Parse, transform, residual-scan and serialize one chunk; runs in a worker
    process (or in this one). Returns only what the caller needs: the output bytes
    (or the frame when there is nothing to serialize), stats, findings and the
    chunk's k-anonymity group sizes."""
    payload, first, ctx = job
    chunk = ctx.parser(payload, first) if isinstance(payload, (bytes, bytearray, memoryview, FileRange)) else payload
    steps = _ChunkSteps(len(chunk), len(ctx.plans) + 3) if _ROWS_COUNTER is not None else None
    if steps:
        steps.step()
    out, stats = transform_chunk(chunk, ctx.plans, ctx.policy, ctx.secret, ctx.k_levels,
                                 on_column=steps.step if steps else None)
    ignore = {plan.column: plan.classification.ignored_types for plan in ctx.plans if plan.classification.ignored_types}
    findings = residual_scan(out, ctx.policy.residual_allow, ignore)
    if ctx.policy.residual_independent:
        from .residual_names import residual_name_scan

        allowed = set(ctx.policy.residual_allow)
        text_columns = [plan.column for plan in ctx.plans if plan.kind != "structured"
                        and not (plan.operator and plan.operator.get("operator") == "drop")]
        findings += [f for f in residual_name_scan(out, text_columns) if f["entity_type"] not in allowed]
    if steps:
        steps.step()
    present = [q for q in ctx.quasi_identifiers if q in out.columns]
    sizes = group_counts(out, present) if present else None
    body = ctx.encoder(out) if ctx.encoder is not None else None
    if steps:
        steps.finish()
    return len(chunk), (out if body is None else None), body, stats, findings, sizes, list(out.columns)


def preload() -> None:
    """Load the dictionaries a run needs (jieba's, for the names and the independent
    residual scan: ~1.5 s and ~120 MB) now. A long-lived process that forks one child
    per file (CKAN's job worker) calls it once, so each job starts at once and its
    children share the pages instead of loading their own."""
    from .detect import default_recognizers
    from .recognizers.name_data import _char_commonness, given_char_logp, place_names
    from .residual_names import preload as load_names

    load_names()
    default_recognizers()  # compiling the patterns (Presidio validates each with `regex`) ~1 CPU s
    given_char_logp()
    _char_commonness()
    place_names()


def _pipeline(jobs: Iterator[tuple], workers: int, rows_seen: Optional[Callable[[float], None]] = None):
    """Yield results in input order; with workers > 1 (and more than one chunk), jobs
    run in forked worker processes, at most workers + 1 in flight so memory stays
    flat whatever the file size. ``rows_seen(rows)``, if given, is called with the
    rows done so far (chunks in progress counted in part), often, between results."""
    import multiprocessing

    jobs = iter(jobs)
    first = next(jobs, None)
    if first is None:
        return
    second = next(jobs, None)
    if second is None or workers <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        _counting(_LocalCounter(rows_seen) if rows_seen else None)
        try:
            yield _process_chunk(first)
            if second is not None:
                yield _process_chunk(second)
                for job in jobs:
                    yield _process_chunk(job)
        finally:
            _counting(None)
        return
    import gc

    # fork: workers inherit the compiled recognizers instead of rebuilding them.
    # gc.freeze(): the collector in a worker would otherwise touch every inherited
    # object and so copy the parent's ~170 MB of modules into each worker's memory.
    # (No gc.collect() first: it cost ~0.07 s before any worker could start; garbage
    # frozen with the rest is collected after gc.unfreeze().)
    gc.freeze()
    try:
        yield from _pool_pipeline(first, second, jobs, workers, rows_seen)
    finally:
        gc.unfreeze()


PROGRESS_POLL_SECONDS = 0.2


def _pool_pipeline(first, second, jobs, workers, rows_seen):
    import collections
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, wait

    context = multiprocessing.get_context("fork")
    counter = context.Value("d", 0.0) if rows_seen else None

    def result(future):
        if counter is not None:  # report the workers' running count while waiting
            while not wait([future], timeout=PROGRESS_POLL_SECONDS).done:
                rows_seen(counter.value)
            rows_seen(counter.value)
        return future.result()

    with ProcessPoolExecutor(workers, mp_context=context, initializer=_counting, initargs=(counter,)) as pool:
        pending = collections.deque([pool.submit(_process_chunk, first), pool.submit(_process_chunk, second)])
        for job in jobs:
            while len(pending) > workers:
                yield result(pending.popleft())
            pending.append(pool.submit(_process_chunk, job))
        while pending:
            yield result(pending.popleft())


def _default_workers() -> int:
    return max(1, min(2, os.cpu_count() or 1))


def apply(source: Source, output: Union[None, str, os.PathLike] = None, policy: PolicyLike = None, *,
          encoding: Optional[str] = None, progress: Optional[ProgressCallback] = None,
          chunk_rows: int = DEFAULT_CHUNK_ROWS, workers: Optional[int] = None,
          min_k: Optional[int] = None) -> Report:
    """Desensitize a table; fail closed.

    ``source``: path of a CSV (UTF-8, UTF-8 BOM, GBK, GB18030; ``encoding`` overrides
    detection), XLSX or JSONL file, or a DataFrame. ``output``: path to write (same
    format and encoding as the input unless its suffix says otherwise), or None to
    get the result in ``report.frame`` (in memory). ``policy``: YAML path, dict or
    Policy; None uses ``default_policy.yaml``. ``progress(rows_done, rows_total)`` is
    called many times per chunk (after its parse, each column, the residual scan: the
    workers count rows in a shared counter that is polled every 0.2 s), rows_done
    always increasing and ending at the number of rows; rows_total is an estimate
    from line breaks, or None.
    ``workers``: processes for the chunks (default: up to 2; 1 = in this process;
    tables of one chunk are always done in this process). ``min_k``: the minimum k of
    the k-anonymity check set by the deployment (jurisdiction); it replaces the
    default, a policy that sets a higher one keeps it.

    Raises ``InputError`` / ``PolicyError`` for bad input or policy and
    ``ResidualPIIError`` (with ``.findings`` and ``.report``) when the residual scan
    finds identifiers in the output; then no output file is written. The input is
    only read.
    """
    started = time.perf_counter()
    policy = load_policy(policy)
    secret = policy.secret() if policy.needs_secret() else b""
    if output is not None and not isinstance(source, pd.DataFrame):
        if Path(output).resolve() == Path(source).resolve():
            raise InputError("输出文件不能与输入文件相同", "the output must not be the input file", str(output))
    table: Optional[TableSource] = None
    if isinstance(source, pd.DataFrame):
        total = len(source)
    else:
        table = TableSource(source, encoding=encoding)
        total = table.estimate_rows() if progress is not None else None

    header = list(source.columns) if isinstance(source, pd.DataFrame) else list(table.columns)
    if not header and policy.auto_quasi_identifiers:  # XLSX / JSONL: headers known once read
        header = list(next(iter(_open(source, encoding, min(chunk_rows, 1000))[0])).columns)
    policy = policy.resolve_columns([str(c) for c in header]).with_min_k(min_k)
    k_levels: Dict[str, int] = {}
    if policy.enforce_k and policy.quasi_identifiers:
        k_levels = _choose_k_levels(_open(source, encoding, chunk_rows)[0], policy, secret)

    writer: Optional[AtomicTableWriter] = None
    kept_frames: List[pd.DataFrame] = []
    totals: Dict[str, ColumnStats] = {}
    findings: Dict[tuple, dict] = {}
    counter = KAnonymityCounter(policy.quasi_identifiers, policy.min_k)
    rows = 0
    if workers is None:
        workers = _default_workers()

    # the first chunk is parsed here: the column plans are made from it
    if table is not None and table.format == "csv":
        # worker processes read their blocks from the file themselves
        blocks = table.raw_blocks(ranges=workers > 1)
        first_block = next(blocks, None)
        parser = table.parser()
        first_chunk = parser(*first_block) if first_block is not None else pd.DataFrame(columns=table.columns)
        if first_chunk.empty:
            raise InputError("文件只有表头，没有数据行", "the file has a header but no data rows", str(table.path))
        rest = ((data, False) for data, _ in blocks)
        # the worker gets the block's bytes again: re-parsing them is cheaper than
        # pickling the parsed frame
        first_payload = first_block
    else:
        chunks = _frame_chunks(source, chunk_rows) if table is None else table.chunks(chunk_rows)
        first_chunk = next(iter(chunks))
        parser = None
        rest = ((chunk, False) for chunk in chunks)
        first_payload = (first_chunk, False)
    plans = plan_columns(first_chunk, policy, SAMPLE_ROWS)
    if policy.residual_independent:
        # load jieba's dictionary and tagger here, before the workers fork: shared pages
        # instead of a copy (~100 MB) in every worker
        from .residual_names import preload

        preload()
    for plan in plans:
        plan.generalize_level = k_levels.get(plan.column, 0)
    missing = [c for c in policy.columns if c not in first_chunk.columns]
    if missing:
        import warnings

        warnings.warn(f"policy names columns not in the table: {missing}")
    encoder = None if output is None else body_encoder(output, table or _frame_source())
    context = _Context(plans, policy, secret, k_levels, parser, encoder, list(policy.quasi_identifiers))

    def jobs():
        nonlocal first_chunk, first_payload
        (payload, first), first_payload, first_chunk = first_payload, None, None  # not held for the whole run
        yield payload, first, context
        del payload
        for payload, first in rest:
            yield payload, first, context

    reported = [0]

    def report_rows(done: float) -> None:
        """Progress: never backwards, never twice the same figure."""
        done = int(done)
        if done > reported[0]:
            reported[0] = done
            progress(done, max(total, done) if total is not None else None)

    try:
        for n, out, body, stats, chunk_findings, sizes, out_columns in _pipeline(
                jobs(), workers, report_rows if progress is not None else None):
            for column, column_stats in stats.items():
                totals.setdefault(column, ColumnStats()).add(column_stats)
            for finding in chunk_findings:
                for cell in finding.get("cells", ()):
                    cell["row"] += rows  # rows of the chunks before this one
                key = (finding["column"], finding["entity_type"])
                if key in findings:
                    findings[key]["count"] += finding["count"]
                    if "cells" in finding:
                        kept = findings[key].setdefault("cells", [])
                        kept.extend(finding["cells"][:max(0, 50 - len(kept))])
                else:
                    findings[key] = finding
            counter.add_sizes(sizes)
            if not findings:  # once anything is found nothing will be written: stop writing
                if output is not None:
                    if writer is None:
                        writer = AtomicTableWriter(output, table or _frame_source(), out_columns)
                    if body is not None:
                        writer.write_encoded(body)
                    else:
                        writer.write(out)
                else:
                    kept_frames.append(out)
            rows += n
            if progress is not None:
                report_rows(rows)
        k_result = counter.result()
        report = Report(
            status="ok", input=None if table is None else str(table.path),
            output=None if output is None else str(output), rows=rows,
            encoding=None if table is None or table.dialect is None else table.dialect.encoding,
            columns=[{**plan.to_dict(), "cells_changed": totals.get(plan.column, ColumnStats()).cells_changed,
                      "spans": totals.get(plan.column, ColumnStats()).spans,
                      "dropped": bool(plan.operator and plan.operator.get("operator") == "drop")}
                     for plan in plans or []],
            residual={"passed": not findings, "findings": list(findings.values()),
                      "allowed_types": policy.residual_allow},
            k_anonymity=k_result, policy=policy.to_dict(), seconds=time.perf_counter() - started,
        )
        if findings:
            report.status = "failed"
            report.output = None
            report.error = "residual personal data found / 输出中仍含有个人身份信息"
            raise ResidualPIIError(list(findings.values()), report.to_dict())
        if writer is not None:
            writer.commit()
        elif output is None:
            report.frame = pd.concat(kept_frames) if kept_frames else None
        report.seconds = time.perf_counter() - started
        return report
    except BaseException:
        if writer is not None:
            writer.abort()
        raise


def _frame_source():
    """A stand-in TableSource for DataFrame input written to a path (UTF-8 CSV defaults)."""
    class _Source:
        format = "csv"
        dialect = None
    return _Source()


def _choose_k_levels(chunks: Iterator[pd.DataFrame], policy: Policy, secret: bytes) -> Dict[str, int]:
    """First pass for k-anonymity enforcement: policy-transform the quasi-identifier
    columns chunk by chunk, keep only the counts of their distinct value
    combinations (memory bounded by the distinct groups, not the rows), then choose
    the generalization levels on those weighted combinations."""
    counts: Optional[pd.Series] = None
    plans = None
    shapes: Dict[str, str] = {}
    for chunk in chunks:
        if plans is None:
            plans = [p for p in plan_columns(chunk, policy, SAMPLE_ROWS) if p.column in policy.quasi_identifiers]
        if not plans:
            return {}
        out, _ = transform_chunk(chunk[[p.column for p in plans]], plans, policy, secret)
        if not shapes:
            shapes = {c: column_shape(out[c]) for c in out.columns}
        sizes = group_sizes(out, list(out.columns))
        counts = sizes if counts is None else counts.add(sizes, fill_value=0)
    if counts is None or counts.empty:
        return {}
    qi_frame = counts.index.to_frame(index=False)
    qi_frame.columns = [str(c) for c in qi_frame.columns]
    return choose_levels(qi_frame, policy.min_k, counts.to_numpy().astype("int64"), shapes)
