"""Command line: ``desensitize scan FILE [--json]`` and
``desensitize apply FILE -o OUT [--policy POLICY.yaml] [--report REPORT.json]``.

Exit codes: 0 done; 2 bad input, policy or arguments; 3 residual personal data found
(no output written).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import List, Optional

from .errors import DesensitizeError, ResidualPIIError

EXIT_OK, EXIT_INPUT, EXIT_RESIDUAL = 0, 2, 3


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="desensitize", description="中文个人信息脱敏 (Chinese PII desensitizer)")
    commands = parser.add_subparsers(dest="command", required=True)
    scan = commands.add_parser("scan", help="列出各列检测到的类型 (show detected types per column)")
    scan.add_argument("file")
    scan.add_argument("--json", action="store_true", help="JSON output")
    scan.add_argument("--encoding", help="override the detected encoding (utf-8, gbk, gb18030…)")
    apply = commands.add_parser("apply", help="按策略脱敏并写出 (desensitize and write)")
    apply.add_argument("file")
    apply.add_argument("-o", "--output", required=True)
    apply.add_argument("--policy", help="policy YAML (default: the built-in policy)")
    apply.add_argument("--report", help="write the JSON report here (also on failure)")
    apply.add_argument("--encoding", help="override the detected encoding")
    apply.add_argument("--no-progress", action="store_true")
    return parser


def _write_json_atomically(path: str, document: dict) -> None:
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        json.dump(document, out, ensure_ascii=False, indent=2, default=str)
    os.replace(temp, target)


def _print_scan(result: dict) -> None:
    print(f"文件 file: {result['input']}  编码 encoding: {result['encoding']}  抽样行数 rows sampled: {result['rows_sampled']}")
    for column in result["columns"]:
        kind = column["entity_type"] or column["kind"]
        counts = ", ".join(f"{k}={v}" for k, v in column["counts"].items())
        samples = " | ".join(column.get("samples", []))
        print(f"  {column['column']}: {kind} (confidence {column['confidence']:.2f}) {counts} {samples}".rstrip())


def main(argv: Optional[List[str]] = None) -> int:
    args = _parser().parse_args(argv)
    from . import api  # imported after argument errors, which need no Presidio

    try:
        if args.command == "scan":
            result = api.scan(args.file, encoding=args.encoding)
            if args.json:
                print(json.dumps(result, ensure_ascii=False, indent=2))
            else:
                _print_scan(result)
            return EXIT_OK
        progress = bar = None
        if not args.no_progress and sys.stderr.isatty():
            from tqdm import tqdm

            bar = tqdm(unit="rows", desc="desensitize", file=sys.stderr)

            def progress(done, total):
                bar.total = total
                bar.update(done - bar.n)
        try:
            report = api.apply(args.file, args.output, args.policy, encoding=args.encoding, progress=progress)
        finally:
            if bar is not None:
                bar.close()
        if args.report:
            _write_json_atomically(args.report, report.to_dict())
        changed = sum(c["cells_changed"] for c in report.columns)
        print(f"完成 done: {report.rows} 行 rows, {changed} 个单元格已脱敏 cells changed → {args.output}")
        return EXIT_OK
    except ResidualPIIError as error:
        if getattr(args, "report", None) and error.report:
            _write_json_atomically(args.report, error.report)
        print(f"错误 error: {error}", file=sys.stderr)
        return EXIT_RESIDUAL
    except DesensitizeError as error:
        print(f"错误 error: {error}", file=sys.stderr)
        return EXIT_INPUT


if __name__ == "__main__":
    sys.exit(main())
