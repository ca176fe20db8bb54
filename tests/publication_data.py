"""Test files for the publication gate: CSVs with resident IDs, phones and names."""
from __future__ import annotations

import random

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英"
AREAS = ["110105", "110108", "310104", "440106", "330106", "510107"]
STREETS = ["人民路", "解放路", "中山路", "建设路", "和平路"]


def resident_id(rng: random.Random) -> str:
    body = "%s%04d%02d%02d%03d" % (rng.choice(AREAS), rng.randint(1950, 2004), rng.randint(1, 12),
                                   rng.randint(1, 28), rng.randint(1, 999))
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    total = sum(int(c) * w for c, w in zip(body, weights))
    return body + "10X98765432"[total % 11]


def mobile(rng: random.Random) -> str:
    return rng.choice(["138", "139", "150", "186", "177"]) + "%08d" % rng.randint(0, 99999999)


def name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))


HEADER = ["序号", "姓名", "身份证号", "联系电话", "办理事项", "金额", "办理日期"]
ITEMS = ["居住证办理", "社保查询", "公积金提取", "户籍迁移", "营业执照"]


def rows(n: int, seed: int = 7):
    rng = random.Random(seed)
    for i in range(1, n + 1):
        yield [str(i), name(rng), resident_id(rng), mobile(rng), rng.choice(ITEMS),
               "%d.%02d" % (rng.randint(10, 9999), rng.randint(0, 99)),
               "2025-%02d-%02d" % (rng.randint(1, 12), rng.randint(1, 28))]


def pii_csv(n: int = 50, seed: int = 7, encoding: str = "utf-8") -> bytes:
    lines = [",".join(HEADER)] + [",".join(r) for r in rows(n, seed)]
    return ("\n".join(lines) + "\n").encode(encoding)


def write_pii_csv(path, n: int, seed: int = 7, block: int = 50_000) -> int:
    """Stream a large CSV to ``path``; returns its size in bytes."""
    size = 0
    with open(path, "wb") as f:
        head = (",".join(HEADER) + "\n").encode()
        f.write(head)
        size += len(head)
        buf = []
        for r in rows(n, seed):
            buf.append(",".join(r))
            if len(buf) >= block:
                data = ("\n".join(buf) + "\n").encode()
                f.write(data)
                size += len(data)
                buf = []
        if buf:
            data = ("\n".join(buf) + "\n").encode()
            f.write(data)
            size += len(data)
    return size


def write_big_pii_csv(path, size_bytes: int, seed: int = 7, block_rows: int = 100_000):
    """A CSV of at least ``size_bytes``, fast: one block of ``block_rows`` generated
    rows (~8 MB, ~2 s) written again and again, streaming (a row costs ~20 µs to
    make: the 13.7M rows of 1 GB would take ~5 min). Every row is still a valid PII row; the values repeat every
    ``block_rows`` rows. Returns ``(size in bytes, data rows, the block's rows)`` —
    the block holds every distinct original value the file contains."""
    block_list = list(rows(block_rows, seed))
    block = ("\n".join(",".join(r) for r in block_list) + "\n").encode()
    head = (",".join(HEADER) + "\n").encode()
    size, n = len(head), 0
    with open(path, "wb") as f:
        f.write(head)
        while size < size_bytes:
            f.write(block)
            size += len(block)
            n += block_rows
    return size, n, block_list


def column(data: bytes, name: str, encoding: str = "utf-8") -> list:
    import csv
    import io
    reader = csv.reader(io.StringIO(data.decode(encoding)))
    header = next(reader)
    i = header.index(name)
    return [r[i] for r in reader if r]
