"""End to end through the CLI and the API: encodings, formats, fail-closed behaviour."""
import csv
import io
import json

import pandas as pd
import pytest

import desensitize
from desensitize.cli import EXIT_INPUT, EXIT_OK, EXIT_RESIDUAL, main

PEOPLE = [
    # 姓名, 身份证号, 联系电话, 区划代码, 金额, 备注
    ("张伟", "11010519491231002X", "13800138000", "110105", "1,234.50", "联系人张伟电话13800138000，住北京市朝阳区建国路88号"),
    ("欧阳娜娜", "440308199901010012", "13912345678", "440308", "88.00", "无"),
    ("李强", "110105194912310021", "18612345678", "310101", "0.50", "卡号6222021234567890128已挂失"),
]
HEADER = ["姓名", "身份证号", "联系电话", "行政区划代码", "金额", "备注"]
IDENTIFIERS = ["11010519491231002X", "440308199901010012", "13800138000", "13912345678", "18612345678",
               "6222021234567890128", "张伟", "欧阳娜娜", "李强", "建国路88号"]


def write_csv(path, rows, encoding="utf-8", header=HEADER, newline="\n"):
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator=newline).writerows([header, *rows])
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def read_csv(path, encoding):
    return list(csv.reader(io.StringIO(path.read_bytes().decode(encoding))))


def test_apply_gbk_csv_strips_identifiers_and_keeps_other_columns(tmp_path):
    source = write_csv(tmp_path / "people.csv", PEOPLE, encoding="gbk")
    original = source.read_bytes()
    out, report = tmp_path / "public.csv", tmp_path / "report.json"
    assert main(["apply", str(source), "-o", str(out), "--report", str(report)]) == EXIT_OK
    assert source.read_bytes() == original  # the input is never modified
    text = out.read_bytes().decode("gbk")  # the output keeps the input's encoding
    for value in IDENTIFIERS:
        assert value not in text
    before, after = read_csv(source, "gbk"), read_csv(out, "gbk")
    assert after[0] == HEADER and len(after) == len(before)
    for column in ("行政区划代码", "金额"):  # untouched columns are byte-identical
        index = HEADER.index(column)
        assert [row[index] for row in after] == [row[index] for row in before]
    assert after[2][5] == "无"  # free text without PII is kept
    assert after[1][5].startswith("联系人张*电话138****8000，住北京市朝阳区")
    document = json.loads(report.read_text(encoding="utf-8"))
    assert document["status"] == "ok" and document["residual"]["passed"]
    by_column = {c["column"]: c for c in document["columns"]}
    assert by_column["身份证号"]["entity_type"] == "CN_RESIDENT_ID"
    assert by_column["身份证号"]["cells_changed"] == 3
    assert by_column["金额"]["cells_changed"] == 0
    assert by_column["备注"]["kind"] == "free_text"


def test_residual_identifier_left_by_policy_fails_and_writes_nothing(tmp_path):
    source = write_csv(tmp_path / "people.csv", PEOPLE, encoding="gbk")
    policy = tmp_path / "policy.yaml"
    policy.write_text("columns:\n  身份证号: {operator: keep}\n", encoding="utf-8")
    out, report = tmp_path / "public.csv", tmp_path / "report.json"
    code = main(["apply", str(source), "-o", str(out), "--policy", str(policy), "--report", str(report)])
    assert code == EXIT_RESIDUAL
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".public")] == []  # no temp left
    document = json.loads(report.read_text(encoding="utf-8"))
    assert document["status"] == "failed"
    assert document["residual"]["findings"][0]["column"] == "身份证号"


def test_residual_error_from_api(tmp_path):
    frame = pd.DataFrame({"编号": ["11010519491231002X"] * 3})
    with pytest.raises(desensitize.ResidualPIIError) as error:
        desensitize.apply(frame, tmp_path / "o.csv", policy={"columns": {"编号": {"operator": "keep"}}})
    assert "输出中仍含有个人身份信息" in str(error.value) and "residual" in str(error.value)
    assert not (tmp_path / "o.csv").exists()


@pytest.mark.parametrize("encoding,bom", [("utf-8", False), ("utf-8", True), ("gb18030", False), ("gbk", False)])
def test_encodings_round_trip(tmp_path, encoding, bom):
    # U+20000 exists in GB18030 but not in GBK: it makes the file GB18030-only
    rows = PEOPLE + [("王芳", "", "", "", "", "𠀀字")] if encoding == "gb18030" else PEOPLE
    source = write_csv(tmp_path / "in.csv", rows, encoding=encoding, newline="\r\n")
    if bom:
        source.write_bytes(b"\xef\xbb\xbf" + source.read_bytes())
    out = tmp_path / "out.csv"
    report = desensitize.apply(source, out)
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") == bom
    assert b"\r\n" in data  # line endings kept
    body = data[3:] if bom else data
    rows = list(csv.reader(io.StringIO(body.decode(encoding), newline="")))
    assert rows[0] == HEADER and rows[1][4] == "1,234.50"
    assert report.encoding == encoding
    if encoding == "gb18030":
        assert rows[-1][5] == "𠀀字"


def test_scan_json(tmp_path, capsys):
    source = write_csv(tmp_path / "people.csv", PEOPLE, encoding="gbk")
    assert main(["scan", str(source), "--json"]) == EXIT_OK
    result = json.loads(capsys.readouterr().out)
    kinds = {c["column"]: c["entity_type"] or c["kind"] for c in result["columns"]}
    assert kinds["身份证号"] == "CN_RESIDENT_ID" and kinds["联系电话"] == "CN_MOBILE_PHONE"
    assert kinds["姓名"] == "CN_PERSON_NAME" and kinds["备注"] == "free_text"
    assert kinds["行政区划代码"] == "plain" and kinds["金额"] == "plain"
    assert result["encoding"] == "gbk"
    assert "11010519491231002X" not in json.dumps(result)  # samples are masked


@pytest.mark.parametrize("content,message", [
    (b"", "文件为空"),
    (HEADER_LINE := ",".join(HEADER).encode("utf-8") + b"\n", "没有数据行"),
    (",".join(HEADER).encode("utf-8") + b"\n1,2\n3,4,5,6,7,8,9\n", "列数"),
    ("姓名,备注\n张三,好\n".encode("utf-8") + b"\xff\xfe\xfa\xfb\xfc,x\n", "编码"),
])
def test_bad_input_gives_clear_error_and_no_output(tmp_path, capsys, content, message):
    source = tmp_path / "bad.csv"
    source.write_bytes(content)
    out = tmp_path / "out.csv"
    assert main(["apply", str(source), "-o", str(out)]) == EXIT_INPUT
    error = capsys.readouterr().err
    assert message in error
    assert error.index(message) < error.index("(")  # Chinese first, English in brackets
    assert not out.exists()


def test_output_may_not_overwrite_input(tmp_path):
    source = write_csv(tmp_path / "in.csv", PEOPLE)
    with pytest.raises(desensitize.InputError):
        desensitize.apply(source, source)


def test_xlsx_and_jsonl(tmp_path):
    frame = pd.DataFrame(PEOPLE, columns=HEADER)
    frame.to_excel(tmp_path / "in.xlsx", index=False)
    desensitize.apply(tmp_path / "in.xlsx", tmp_path / "out.xlsx")
    back = pd.read_excel(tmp_path / "out.xlsx", dtype=str, keep_default_na=False)
    assert list(back.columns) == HEADER and back["行政区划代码"].tolist() == ["110105", "440308", "310101"]
    assert not back["身份证号"].isin([p[1] for p in PEOPLE]).any()
    frame.to_json(tmp_path / "in.jsonl", orient="records", lines=True, force_ascii=False)
    desensitize.apply(tmp_path / "in.jsonl", tmp_path / "out.jsonl")
    text = (tmp_path / "out.jsonl").read_text(encoding="utf-8")
    assert all(value not in text for value in IDENTIFIERS)
    assert len(text.strip().splitlines()) == 3


def test_chunks_keep_row_order_and_report_progress(tmp_path):
    rows = [(f"用户{i}", "", f"1390000{i:04d}", "110105", str(i), "") for i in range(2500)]
    source = write_csv(tmp_path / "many.csv", rows)
    seen = []
    report = desensitize.apply(source, tmp_path / "out.csv", progress=lambda done, total: seen.append((done, total)),
                               chunk_rows=1000, workers=1)
    assert seen[-1] == (2500, 2500)
    back = pd.read_csv(tmp_path / "out.csv", dtype=str, keep_default_na=False)
    assert back["金额"].tolist() == [str(i) for i in range(2500)]
    assert back["联系电话"].iloc[7] == "139****0007"
    assert report.rows == 2500


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_parallel_workers_give_the_same_output(tmp_path, encoding):
    """Workers read their blocks from the file by offset (after a BOM, in any encoding)."""
    rows = [(f"张{i}", "11010519491231002X", f"1390000{i:04d}", "110105", str(i), f"电话1390000{i:04d}") for i in range(3000)]
    source = write_csv(tmp_path / "many.csv", rows, encoding=encoding)
    from desensitize import io as dio

    original = dio.CSV_BLOCK_BYTES
    dio.CSV_BLOCK_BYTES = 32 << 10  # force several chunks
    try:
        desensitize.apply(source, tmp_path / "one.csv", workers=1)
        desensitize.apply(source, tmp_path / "two.csv", workers=2)
    finally:
        dio.CSV_BLOCK_BYTES = original
    assert (tmp_path / "one.csv").read_bytes() == (tmp_path / "two.csv").read_bytes()


@pytest.mark.parametrize("workers", [1, 2])
def test_progress_moves_many_times_per_block(tmp_path, monkeypatch, workers):
    """The publication job's progress bar must keep moving on a loaded machine: rows are
    counted from inside each block (after its parse, each column and the residual scan;
    worker processes through a shared counter), not once per block. rows_done always
    increases and ends at the row count; the output is the same as without a callback."""
    rows = [(f"张{i}", "11010519491231002X", f"1390000{i:04d}", "110105", str(i), f"电话1390000{i:04d}") for i in range(3000)]
    source = write_csv(tmp_path / "many.csv", rows)
    from desensitize import io as dio

    monkeypatch.setattr(dio, "CSV_BLOCK_BYTES", 32 << 10)
    blocks = len(list(dio.TableSource(source).raw_blocks()))
    assert blocks >= 5
    seen = []
    desensitize.apply(source, tmp_path / "with.csv", progress=lambda done, total: seen.append((done, total)),
                      workers=workers)
    desensitize.apply(source, tmp_path / "without.csv", workers=workers)
    done = [d for d, _ in seen]
    assert done == sorted(set(done)) and done[0] > 0
    assert seen[-1] == (3000, 3000) and {t for _, t in seen} == {3000}
    if workers == 1:  # in this process every step is reported: a block gives len(HEADER) + 3 calls
        assert len(seen) >= blocks * len(HEADER)
    assert (tmp_path / "with.csv").read_bytes() == (tmp_path / "without.csv").read_bytes()


def test_jsonl_keeps_numbers_and_booleans(tmp_path):
    lines = [
        {"姓名": "张伟", "手机": "13800138000", "金额": 12, "比例": 0.5, "有效": True, "次数": None},
        {"姓名": "李娜", "手机": "13912345678", "金额": 7, "比例": 1.25, "有效": False, "次数": 3},
    ]
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), encoding="utf-8")
    desensitize.apply(source, tmp_path / "out.jsonl", workers=1)
    back = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [b["金额"] for b in back] == [12, 7]
    assert [b["比例"] for b in back] == [0.5, 1.25]
    assert [b["有效"] for b in back] == [True, False]
    assert [b["次数"] for b in back] == [None, 3]
    assert back[0]["手机"] == "138****8000"  # changed values stay strings


@pytest.mark.parametrize("encoding", ["utf-8", "gbk"])
def test_blocks_cut_only_between_rows(tmp_path, encoding):
    """Tiny blocks force cuts everywhere: quoted line breaks, quotes and commas inside
    cells must never be split between chunks, and the output must not depend on them."""
    rows = [(f"用户{i}", "", f"1390000{i:04d}", "110105", f"{i},5",
             f'第{i}行"引号"\n第二行，电话1390000{i:04d}\r\n第三行') for i in range(300)]
    source = write_csv(tmp_path / "quoted.csv", rows, encoding=encoding, newline="\r\n")
    from desensitize import io as dio

    desensitize.apply(source, tmp_path / "big_blocks.csv", workers=1)
    original = dio.CSV_BLOCK_BYTES
    dio.CSV_BLOCK_BYTES = 97  # smaller than one row
    try:
        report = desensitize.apply(source, tmp_path / "tiny_blocks.csv", workers=1)
    finally:
        dio.CSV_BLOCK_BYTES = original
    assert report.rows == 300
    assert (tmp_path / "tiny_blocks.csv").read_bytes() == (tmp_path / "big_blocks.csv").read_bytes()
    back = read_csv(tmp_path / "tiny_blocks.csv", encoding)
    assert [r[4] for r in back[1:]] == [f"{i},5" for i in range(300)]
    assert back[1][5] == '第0行"引号"\n第二行，电话139****0000\r\n第三行'
