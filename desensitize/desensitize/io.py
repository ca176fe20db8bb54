"""Reading and writing tables: encoding detection, chunked CSV, XLSX, JSON lines,
and atomic output (a temporary file in the target folder, renamed into place only
when the whole run succeeded).

CSV is read with pyarrow's streaming reader, every column as text (leading zeros,
"0571-…" and 18-digit IDs must never become numbers), and written by a vectorized
serializer that quotes only the cells that need it, so unchanged columns come out
byte-identical and the output keeps the input's encoding, BOM and line endings.
"""
from __future__ import annotations

import codecs
import csv
import io as _io
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, List, Optional

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from .errors import InputError

SAMPLE_BYTES = 1 << 20
CSV_BLOCK_BYTES = 4 << 20  # per chunk; a few are in flight at once
FORMATS = ("csv", "xlsx", "jsonl")


def detect_format(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return "xlsx"
    if suffix in (".jsonl", ".ndjson"):
        return "jsonl"
    return "csv"


def _decodes(sample: bytes, encoding: str, complete: bool) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        decoder.decode(sample, final=complete)  # a cut multi-byte tail is not an error
        return True
    except UnicodeDecodeError:
        return False


def detect_encoding(path: Path) -> tuple[str, bool]:
    """(encoding, has_bom) of a text file: UTF-8 (±BOM), GBK, GB18030, else charset-normalizer's guess."""
    with open(path, "rb") as handle:
        sample = handle.read(SAMPLE_BYTES)
        complete = len(sample) < SAMPLE_BYTES
    if not sample.strip():
        raise InputError("文件为空", "the file is empty", str(path))
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8", True
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise InputError("不支持 UTF-16 编码，请另存为 UTF-8 或 GBK", "UTF-16 is not supported; save as UTF-8 or GBK", str(path))
    for encoding in ("utf-8", "gbk", "gb18030"):
        if _decodes(sample, encoding, complete):
            return encoding, False
    # Mostly valid UTF-8 with a few broken sequences is a damaged UTF-8 file, not a
    # file in some other encoding: guessing would turn it into mojibake silently.
    as_utf8 = sample.decode("utf-8", errors="replace")
    if any(ord(ch) > 127 for ch in as_utf8) and as_utf8.count("\ufffd") <= max(8, len(as_utf8) // 100):
        raise InputError("文件编码错误：含有无效的 UTF-8 字节", "mis-encoded file: invalid UTF-8 byte sequences", str(path))
    from charset_normalizer import from_bytes

    best = from_bytes(sample).best()
    if best is None or best.encoding in ("utf_16", "utf_32"):
        raise InputError("文件编码无法识别", "could not detect the file encoding", str(path))
    return best.encoding, False


@dataclass
class CsvDialect:
    encoding: str
    bom: bool
    newline: str
    delimiter: str = ","


@dataclass(frozen=True)
class FileRange:
    """Where a block of whole rows lies in the input: sent to a worker process instead
    of the bytes themselves, which it reads again (from the page cache) — cheaper
    than pickling megabytes through a pipe."""

    path: str
    offset: int
    length: int
    tail: bytes  # the block's last bytes, checked after reading

    def read(self) -> bytes:
        with open(self.path, "rb") as handle:
            handle.seek(self.offset)
            data = handle.read(self.length)
        if len(data) != self.length or not data.endswith(self.tail):
            raise InputError("输入文件在处理期间被修改", "the input file changed while it was being read", self.path)
        return data


@dataclass
class CsvBlockParser:
    """Parses a block of whole CSV rows (bytes in the file's encoding) into a frame of
    strings: every column as text, so leading zeros, "0571-…" and 18-digit IDs never
    become numbers. Picklable: worker processes parse their own blocks."""

    columns: List[str]
    encoding: str
    path: str = ""

    def __call__(self, data, first: bool = False) -> pd.DataFrame:
        if isinstance(data, FileRange):
            data = data.read()
        names = [f"c{i}" for i in range(len(self.columns))]
        read_options = pacsv.ReadOptions(
            encoding=self.encoding if self.encoding != "utf-8" else "utf8",
            column_names=names, skip_rows=1 if first else 0,
            # one thread: a block is small, and the workers already use every core
            # (pyarrow's thread pool doubled the CPU time of the parse)
            use_threads=False,
        )
        convert_options = pacsv.ConvertOptions(
            column_types={n: pa.string() for n in names},
            strings_can_be_null=False, quoted_strings_can_be_null=False,
        )
        parse_options = pacsv.ParseOptions(newlines_in_values=True)
        try:
            table = pacsv.read_csv(pa.py_buffer(data), read_options=read_options, parse_options=parse_options,
                                   convert_options=convert_options)
        except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
            message = str(exc)
            if "Expected" in message and "columns" in message:
                raise InputError("行的列数与表头不一致", "a row has a different number of columns than the header", message) from None
            if "UTF8" in message or "decode" in message.lower():
                raise InputError("文件编码错误，部分内容无法按检测到的编码解码",
                                 f"mis-encoded file: content is not valid {self.encoding}", message) from None
            raise InputError("无法解析 CSV 文件", "could not parse the CSV file", message) from None
        frame = table.to_pandas()
        frame.columns = self.columns
        return frame


def _last_row_end(data: bytes, needed: int = 1) -> int:
    """Position after the last line break outside quotes (an even number of '"' before
    it), provided ``needed`` such breaks exist; -1 otherwise. Walks back from the end
    with rfind/count (memchr speed) instead of indexing every break of the block."""
    end = data.rfind(b"\n")
    if end < 0:
        return -1
    quotes = data.count(b'"', 0, end)
    cut, found = -1, 0
    while end >= 0:
        if quotes % 2 == 0:
            if cut < 0:
                cut = end + 1
            found += 1
            if found >= needed:
                return cut
        previous = data.rfind(b"\n", 0, end)
        quotes -= data.count(b'"', previous + 1, end)
        end = previous
    return -1


class TableSource:
    """A table file read in chunks of DataFrames whose cells are all strings."""

    def __init__(self, path: os.PathLike | str, encoding: Optional[str] = None, fmt: Optional[str] = None):
        self.path = Path(path)
        if not self.path.is_file():
            raise InputError("找不到输入文件或无法读取", "input file not found or unreadable", str(self.path))
        if self.path.stat().st_size == 0:
            raise InputError("文件为空", "the file is empty", str(self.path))
        self.format = fmt or detect_format(self.path)
        if self.format not in FORMATS:
            raise InputError("不支持的文件格式", f"unsupported format; use one of {', '.join(FORMATS)}", self.format)
        self.dialect: Optional[CsvDialect] = None
        self.columns: List[str] = []
        self.json_types: Optional[dict] = None  # JSONL: column → "int" / "float" / "bool"
        if self.format == "csv":
            self._open_csv(encoding)

    # ---- CSV --------------------------------------------------------------------
    def _open_csv(self, encoding: Optional[str]) -> None:
        if encoding:
            try:
                codecs.lookup(encoding)
            except LookupError:
                raise InputError("未知的编码名称", "unknown encoding name", encoding) from None
            bom = encoding.lower().replace("_", "-") in ("utf-8-sig",)
            with open(self.path, "rb") as handle:
                bom = bom or handle.read(3) == codecs.BOM_UTF8
            encoding = "utf-8" if encoding.lower().replace("_", "-") in ("utf-8-sig", "utf8") else encoding
        else:
            encoding, bom = detect_encoding(self.path)
        with open(self.path, "rb") as handle:
            head = handle.read(SAMPLE_BYTES)
        if bom:
            head = head[len(codecs.BOM_UTF8):]
        text = codecs.getincrementaldecoder(encoding)(errors="replace").decode(head)
        newline = "\r\n" if "\r\n" in text.split("\n", 1)[0] + "\n" else "\n"
        first_line = next(csv.reader(_io.StringIO(text)), None)
        if not first_line or not any(cell.strip() for cell in first_line):
            raise InputError("文件为空或缺少表头", "the file is empty or has no header row", str(self.path))
        if len(set(first_line)) != len(first_line):
            duplicates = sorted({c for c in first_line if first_line.count(c) > 1})
            raise InputError("表头中有重复的列名", "duplicate column names in the header", ", ".join(duplicates))
        self.columns = first_line
        self.dialect = CsvDialect(encoding=encoding, bom=bom, newline=newline)

    def parser(self) -> "CsvBlockParser":
        return CsvBlockParser(list(self.columns), self.dialect.encoding, str(self.path))

    def raw_blocks(self, ranges: bool = False) -> Iterator[tuple]:
        """(bytes, first) blocks of whole rows, about CSV_BLOCK_BYTES each; with
        ``ranges``, every block after the first as a ``FileRange`` instead of bytes.

        The file is read block by block and cut after the last line break outside
        quotes (an even number of '"' before it: row boundaries of RFC 4180 CSV; in
        GBK/GB18030 neither '"' nor a line break is ever a trailing byte), so memory
        stays bounded by a few blocks whatever the file size. (pyarrow's streaming
        reader reads the whole file ahead, which made memory grow with the file.)
        Parsing is left to ``CsvBlockParser`` so worker processes can do it.
        """
        def block(data: bytes, start: int, length: int, first: bool):
            if ranges and not first:
                return FileRange(str(self.path), start, length, data[max(0, length - 16):length])
            return data[:length] if length < len(data) else data

        with open(self.path, "rb") as handle:
            start = len(codecs.BOM_UTF8) if self.dialect.bom else 0  # of ``data`` in the file
            handle.seek(start)
            pending = b""
            first = True
            while True:
                chunk = handle.read(CSV_BLOCK_BYTES)
                data = pending + chunk if pending else chunk
                if not chunk:
                    if data.strip():
                        yield block(data, start, len(data), first), first
                    return
                # the first block: header + at least one row
                cut = _last_row_end(data, 2 if first else 1)
                if cut <= 0:  # one row longer than a block: read on
                    pending = data
                    continue
                pending = data[cut:]
                yield block(data, start, cut, first), first
                start += cut
                first = False

    def _iter_csv(self) -> Iterator[pd.DataFrame]:
        parse = self.parser()
        rows = 0
        for data, first in self.raw_blocks():
            frame = parse(data, first)
            rows += len(frame)
            yield frame
        if rows == 0:
            raise InputError("文件只有表头，没有数据行", "the file has a header but no data rows", str(self.path))

    # ---- other formats ----------------------------------------------------------
    def _iter_xlsx(self, chunk_rows: int) -> Iterator[pd.DataFrame]:
        try:
            frame = pd.read_excel(self.path, dtype=str, keep_default_na=False, engine="openpyxl")
        except Exception as exc:  # openpyxl raises many kinds for a broken file
            raise InputError("无法读取 Excel 文件", "could not read the XLSX file", str(exc)) from None
        if frame.empty:
            raise InputError("工作表没有数据行", "the sheet has no data rows", str(self.path))
        frame.columns = [str(c) for c in frame.columns]
        self.columns = list(frame.columns)
        for start in range(0, len(frame), chunk_rows):
            yield frame.iloc[start:start + chunk_rows].reset_index(drop=True)

    def _iter_jsonl(self, chunk_rows: int) -> Iterator[pd.DataFrame]:
        rows = 0
        try:
            reader = pd.read_json(self.path, lines=True, chunksize=chunk_rows, dtype=False,
                                  convert_dates=False, encoding="utf-8")
            for frame in reader:
                if not self.columns:
                    self.columns = [str(c) for c in frame.columns]
                frame.columns = [str(c) for c in frame.columns]
                frame = frame.reindex(columns=self.columns)
                if self.json_types is None:  # JSON types of the first chunk, restored on output
                    self.json_types = _json_types(frame)
                for column, kind in self.json_types.items():
                    if kind == "int" and frame[column].dtype.kind == "f":  # ints with nulls: no "3.0"
                        frame[column] = frame[column].astype("Int64").astype(object)
                frame = frame.map(lambda v: "" if v is None or v is pd.NA or (isinstance(v, float) and v != v) else str(v))
                rows += len(frame)
                yield frame.astype("str")
        except ValueError as exc:
            raise InputError("无法读取 JSON Lines 文件", "could not read the JSON lines file", str(exc)) from None
        if rows == 0:
            raise InputError("文件没有数据行", "the file has no data rows", str(self.path))

    def chunks(self, chunk_rows: int = 100_000) -> Iterator[pd.DataFrame]:
        if self.format == "csv":
            return self._iter_csv()
        if self.format == "xlsx":
            return self._iter_xlsx(chunk_rows)
        return self._iter_jsonl(chunk_rows)

    def estimate_rows(self) -> Optional[int]:
        """Data rows, counted from line breaks (exact unless cells hold line breaks)."""
        if self.format == "xlsx":
            return None
        count, last = 0, b"\n"
        with open(self.path, "rb") as handle:
            while block := handle.read(8 << 20):
                count += block.count(b"\n")
                last = block[-1:]
        count += last != b"\n"
        return max(count - (1 if self.format == "csv" else 0), 0)


# ---- writing ---------------------------------------------------------------------
def _needs_quotes(array: pa.Array):
    """Boolean array of the cells holding '"', ',', CR or LF, or None when none does.

    Read from the string buffer with numpy (an RE2 pass per column cost more than the
    rest of the serialization)."""
    import numpy as np

    if array.null_count:
        array = pc.fill_null(array, "")
    offsets_buffer, data_buffer = array.buffers()[1], array.buffers()[2]
    if data_buffer is None or not len(array):
        return None
    offset_type = np.int64 if pa.types.is_large_string(array.type) else np.int32
    offsets = np.frombuffer(offsets_buffer, dtype=offset_type)[array.offset:array.offset + len(array) + 1]
    raw = np.frombuffer(data_buffer, dtype=np.uint8)[offsets[0]:offsets[-1]]
    special = raw == 44
    for byte in (34, 13, 10):
        special |= raw == byte
    if not special.any():
        return None
    needs = np.zeros(len(array), dtype=bool)
    needs[np.searchsorted(offsets, np.flatnonzero(special) + offsets[0], side="right") - 1] = True
    return pa.array(needs)


_LARGE = pa.large_string()


def as_array(values) -> pa.Array:
    """A pandas Series / pyarrow (chunked) array of strings as one large_string array
    (zero-copy for pandas' pyarrow-backed str columns)."""
    if isinstance(values, pd.Series):
        values = pa.array(values.astype("str"), type=_LARGE) if len(values) else pa.array([], type=_LARGE)
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks() if values.num_chunks != 1 else values.chunk(0)
    if values.type != _LARGE:
        values = values.cast(_LARGE)
    return values


def _quote_minimal(array: pa.Array) -> pa.Array:
    """CSV-quote the cells that need it (like csv.QUOTE_MINIMAL), vectorized."""
    array = as_array(array)
    needs = _needs_quotes(array)
    if needs is None:
        return array
    mark = pa.scalar('"', type=_LARGE)
    quoted = pc.binary_join_element_wise(mark, pc.replace_substring(array, '"', '""'), mark, pa.scalar("", type=_LARGE))
    return pc.if_else(needs, quoted, array)


def csv_bytes(frame: pd.DataFrame, newline: str = "\n", header: bool = False) -> bytes:
    """UTF-8 CSV text of a frame of strings, built column-wise with pyarrow compute."""
    columns = [_quote_minimal(frame.iloc[:, i]) for i in range(frame.shape[1])]
    lines = pc.binary_join_element_wise(*columns, pa.scalar(",", type=_LARGE)) if len(columns) > 1 else columns[0]
    # append the line break
    lines = pc.binary_join_element_wise(lines, pa.scalar("", type=_LARGE), pa.scalar(newline, type=_LARGE))
    body = "".join(lines.to_pylist()) if len(lines) < 64 else _string_buffer(lines)
    if header:
        out = _io.StringIO()
        csv.writer(out, lineterminator=newline).writerow([str(c) for c in frame.columns])
        return out.getvalue().encode("utf-8") + (body.encode("utf-8") if isinstance(body, str) else body)
    return body.encode("utf-8") if isinstance(body, str) else body


def _string_buffer(array: pa.Array) -> bytes:
    """The concatenated bytes of a string array without building Python strings."""
    array = array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array
    if array.null_count:
        array = pc.fill_null(array, "")
    offsets = array.buffers()[1]
    data = array.buffers()[2]
    import numpy as np

    offset_type = np.int64 if pa.types.is_large_string(array.type) else np.int32
    offs = np.frombuffer(offsets, dtype=offset_type)[array.offset:array.offset + len(array) + 1]
    return bytes(memoryview(data)[offs[0]:offs[-1]])


def _json_types(frame: pd.DataFrame) -> dict:
    """Columns of a JSONL chunk whose values are all JSON numbers or booleans."""
    import numpy as np

    types = {}
    for column in frame.columns:
        values = frame[column]
        kind = values.dtype.kind
        if kind == "b":
            types[column] = "bool"
        elif kind in "iu":
            types[column] = "int"
        elif kind == "f":
            present = values.dropna().to_numpy()
            types[column] = "int" if len(present) and np.all(np.mod(present, 1) == 0) and np.all(np.abs(present) < 2 ** 53) else "float"
    return types


def _restore_json_types(frame: pd.DataFrame, types: dict) -> pd.DataFrame:
    """Give columns that were JSON numbers/booleans in the input their type back, where
    every non-empty output value still reads as one (masked values stay strings)."""
    if not types:
        return frame
    frame = frame.copy()
    for column, kind in types.items():
        if column not in frame.columns:
            continue
        values = frame[column].astype("str")
        empty = values == ""
        if kind == "bool":
            if values.isin(["True", "False", ""]).all():
                frame[column] = values.map({"True": True, "False": False, "": None}).astype(object)
            continue
        numbers = pd.to_numeric(values.where(~empty), errors="coerce")
        if (numbers.isna() == empty).all():
            if kind == "int" and (numbers.dropna() % 1 == 0).all():
                numbers = numbers.astype("Int64")
            frame[column] = numbers
    return frame


@dataclass
class BodyEncoder:
    """Turns a transformed chunk into the bytes of the output file (no header), in
    the output's format and encoding. Picklable, so worker processes serialize their
    own chunks and the main process only writes bytes. XLSX gives None: the frames
    are written whole at the end."""

    format: str
    newline: str = "\n"
    encoding: str = "utf-8"
    json_types: Optional[dict] = None

    def __call__(self, frame: pd.DataFrame) -> Optional[bytes]:
        if self.format == "xlsx":
            return None
        if self.format == "jsonl":
            if frame.empty:
                return b""
            frame = _restore_json_types(frame, self.json_types)
            text = frame.to_json(orient="records", lines=True, force_ascii=False)
            return text.encode("utf-8") if text.endswith("\n") else (text + "\n").encode("utf-8")
        if frame.empty:
            return b""
        data = csv_bytes(frame, self.newline)
        if self.encoding != "utf-8":
            data = data.decode("utf-8").encode(self.encoding)
        return data


def output_format(path: os.PathLike | str, source) -> str:
    path = Path(path)
    return detect_format(path) if path.suffix else source.format


def body_encoder(path: os.PathLike | str, source) -> BodyEncoder:
    dialect = source.dialect or CsvDialect("utf-8", False, "\n")
    return BodyEncoder(output_format(path, source), dialect.newline, dialect.encoding,
                       getattr(source, "json_types", None))


class AtomicTableWriter:
    """Writes chunks to a hidden temporary file next to the output; ``commit()``
    renames it into place (os.replace), ``abort()`` removes it. Nothing half-written
    is ever left under the output name."""

    def __init__(self, path: os.PathLike | str, source: TableSource, columns: List[str]):
        self.path = Path(path)
        self.format = output_format(self.path, source)
        self.dialect = source.dialect or CsvDialect("utf-8", False, "\n")
        self.encoder = BodyEncoder(self.format, self.dialect.newline, self.dialect.encoding,
                                   getattr(source, "json_types", None))
        self.columns = columns
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".part", dir=self.path.parent)
        os.close(handle)
        self.temp = Path(temp)
        self._frames: List[pd.DataFrame] = []  # xlsx is written at the end
        self._handle = open(self.temp, "wb") if self.format != "xlsx" else None
        self._started = False

    def _header(self) -> bytes:
        if self.format != "csv":
            return b""
        out = _io.StringIO()
        csv.writer(out, lineterminator=self.dialect.newline).writerow([str(c) for c in self.columns])
        data = out.getvalue().encode(self.dialect.encoding)
        return codecs.BOM_UTF8 + data if self.dialect.bom else data

    def write(self, frame: pd.DataFrame) -> None:
        if self.format == "xlsx":
            self._frames.append(frame)
            return
        self.write_encoded(self.encoder(frame))

    def write_encoded(self, body: bytes) -> None:
        """Write a chunk already serialized by ``self.encoder`` (in a worker)."""
        if not self._started:
            self._handle.write(self._header())
            self._started = True
        self._handle.write(body)

    def commit(self) -> None:
        if self.format == "xlsx":
            frame = pd.concat(self._frames, ignore_index=True) if self._frames else pd.DataFrame(columns=self.columns)
            frame.to_excel(self.temp, index=False, engine="openpyxl")
        else:
            if not self._started:
                self._handle.write(self._header())
            self._handle.close()
        os.replace(self.temp, self.path)

    def abort(self) -> None:
        if self._handle and not self._handle.closed:
            self._handle.close()
        self.temp.unlink(missing_ok=True)
