"""The one CSV writer of the portal: every CSV export (/negative-list.csv,
/catalog.csv, /stats/requests.csv) is written here, so that each gets the same
three properties (issue 12 finding 7, issue 14):

* **No formula injection** (OWASP "CSV Injection"): a text cell that begins with
  ``=``, ``+``, ``-``, ``@``, a tab or a carriage return (or a line feed) is
  prefixed with a single quote, so a spreadsheet shows it as text instead of
  evaluating it; the csv module quotes cells with separators, quotes or line
  breaks. Numbers (int, float) are written as numbers: they cannot be formulas.
* **UTF-8 with a byte-order mark**, so Excel on Chinese Windows reads the Chinese
  text (without the BOM it guesses GBK).
* Optional **header labels** (``headers``: column → label) for files meant for
  people; the caller reads them from where they live (the scheming schema, gettext).

Plain Python (no CKAN): unit-tested in tests/domain/test_csv_export.py.
"""
from __future__ import annotations

import csv
import io
from typing import Iterable, Mapping, Optional, Sequence

BOM = "\ufeff"
#: OWASP's list of characters that start a formula (plus LF, which some spreadsheet
#: programs treat like CR at the start of a cell)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def neutralise(value) -> object:
    """One cell: text that a spreadsheet would read as a formula gets a leading ``'``;
    lists are joined with "; " first; None is empty; numbers stay numbers."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, (list, tuple, set)):
        value = "; ".join("" if v is None else str(v) for v in value)
    text = str(value)
    # spreadsheets skip leading white space (U+3000 too) before they look for a formula
    if text.lstrip(" \u3000\u00a0\u2000\u2001\u2002\u2003\u200b\ufeff").startswith(FORMULA_START):
        return "'" + text
    return text


def write_csv(rows: Iterable[Mapping], columns: Sequence[str],
              headers: Optional[Mapping[str, str]] = None) -> str:
    """The whole file as text, BOM first. ``columns``: the keys of each row written, in
    order (others ignored); ``headers``: the label shown for a column (default: its key)."""
    buf = io.StringIO()
    buf.write(BOM)
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow([neutralise((headers or {}).get(c, c)) for c in columns])
    for row in rows:
        w.writerow([neutralise(row.get(c)) for c in columns])
    return buf.getvalue()


def csv_response(rows: Iterable[Mapping], columns: Sequence[str], filename: str,
                 headers: Optional[Mapping[str, str]] = None):
    """A Flask download response of :func:`write_csv` (UTF-8 with BOM, as an attachment)."""
    import flask
    resp = flask.Response(write_csv(rows, columns, headers).encode("utf-8"),
                          mimetype="text/csv")
    resp.headers["Content-Type"] = "text/csv; charset=utf-8"
    resp.headers["Content-Disposition"] = "attachment; filename=%s" % filename
    return resp
