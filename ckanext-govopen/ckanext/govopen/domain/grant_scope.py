"""What a grant covers (issue 17): dataset × columns × row filter × period.

An application may name the columns it needs (``columns``: names from the entry's field
dictionary, i.e. the DataStore table's columns) and a row filter on those columns
(``row_filter``: ``{column: value}`` for equality or ``{column: {"from": v, "to": v}}``
for an inclusive range, either bound optional). Absent = the whole file, as before.

The scope is stored with the application and carried into its grant; the access policy
(``open_types.decide``) hands it out with a ``grant`` decision, and every path that serves
data under the grant applies it with the functions here — one rule, one place:

* :func:`parse`            validate an application's columns and filter (Chinese errors)
* :func:`row_matches`,
  :func:`file_columns`     the scoped download (rows of the desensitized file)
* :func:`search_request`,
  :func:`sql_where`        the DataStore (datastore_search, its dump, the previews)
* :func:`describe`         the scope in words (application page, agreement)

Comparison: a value and a cell are equal when they are equal as numbers (both parse as
decimals: ``12.50`` = ``12.5``) or else as trimmed text; a range compares numbers as
numbers and anything else as text (ISO dates order correctly as text; a date-time's ``T``
is read as a space, as PostgreSQL prints timestamps). The DataStore does the same in SQL.

Plain Python: no CKAN import.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

#: the most columns / filter conditions one application may name
MAX_COLUMNS = 200
MAX_FILTERS = 10
VALUE_MAX = 200
#: DataStore types compared as numbers
NUMERIC_TYPES = ("int", "int4", "int8", "bigint", "integer", "numeric", "float", "float4",
                 "float8", "double precision", "real", "smallint")
#: columns every DataStore answer keeps (the row id)
SYSTEM_COLUMNS = ("_id",)


class ScopeError(ValueError):
    """Invalid scope input: ``errors`` maps the parameter to Chinese messages,
    ``errors_en`` to English ones."""

    def __init__(self, errors: Dict[str, List[str]], errors_en: Dict[str, List[str]]):
        super().__init__("; ".join(m for ms in errors.values() for m in ms))
        self.errors = errors
        self.errors_en = errors_en

    def for_lang(self, lang: str) -> Dict[str, List[str]]:
        return self.errors_en if (lang or "").startswith("en") else self.errors


@dataclass(frozen=True)
class Range:
    start: Optional[str] = None
    end: Optional[str] = None


@dataclass(frozen=True)
class Scope:
    """``columns`` None = every column; ``row_filter`` () = every row."""
    columns: Optional[Tuple[str, ...]] = None
    row_filter: Tuple[Tuple[str, Any], ...] = field(default_factory=tuple)  # (column, str | Range)
    #: filter columns compared as numbers (numeric in the field dictionary when applied for)
    numeric: Tuple[str, ...] = ()

    @property
    def whole(self) -> bool:
        return self.columns is None and not self.row_filter

    def as_dict(self) -> dict:
        rf = {}
        for col, cond in self.row_filter:
            if isinstance(cond, Range):
                rf[col] = {k: v for k, v in (("from", cond.start), ("to", cond.end)) if v is not None}
            else:
                rf[col] = cond
        return {"columns": list(self.columns) if self.columns is not None else None,
                "row_filter": rf or None, "numeric_columns": list(self.numeric) or None}

    @classmethod
    def from_dict(cls, d: Optional[Mapping]) -> "Scope":
        """From stored values (trusted: validated by :func:`parse` when applied for)."""
        if not d:
            return WHOLE
        cols = d.get("columns")
        rf = []
        for col, cond in (d.get("row_filter") or {}).items():
            if isinstance(cond, Mapping):
                rf.append((col, Range(_s(cond.get("from")), _s(cond.get("to")))))
            else:
                rf.append((col, _s(cond)))
        return cls(tuple(cols) if cols is not None else None, tuple(rf),
                   tuple(d.get("numeric_columns") or ()))


WHOLE = Scope()


def _s(v) -> Optional[str]:
    if v is None:
        return None
    return str(v).strip()


# ------------------------------------------------------------------ parsing (applications)
def _err(errors, errors_en, key, zh, en):
    errors.setdefault(key, []).append(zh)
    errors_en.setdefault(key, []).append(en)


def _as_list(value) -> Optional[list]:
    if value is None or value == "" or value == []:
        return None
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            try:
                value = json.loads(text)
            except ValueError:
                return [object()]  # reported as not a list of names
        else:
            value = [v for v in re.split(r"[,，\n]", text)]
    if isinstance(value, (list, tuple)):
        return list(value)
    return [object()]


def _as_filter(value):
    if value is None or value == "" or value == {}:
        return None
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return object()
    return value


def _scalar(v) -> Optional[str]:
    if isinstance(v, bool) or v is None:
        return None
    if isinstance(v, (int, float, Decimal)):
        return str(v)
    if isinstance(v, str) and v.strip() and len(v.strip()) <= VALUE_MAX and "\x00" not in v:
        return v.strip()
    return None


def parse(columns: Any, row_filter: Any, available: Mapping[str, str]) -> Scope:
    """Validate an application's ``columns`` and ``row_filter`` against ``available``
    (column name → DataStore type, in table order). → Scope; raises ScopeError.
    Rules: columns are names of ``available`` (no repeats); the filter names columns of
    ``available`` that are also among the chosen ones (a filter on a column one does not
    receive could not be checked by the applicant); each condition is one value or a
    ``{"from", "to"}`` range with at least one bound, ``from`` ≤ ``to``."""
    errors: Dict[str, List[str]] = {}
    errors_en: Dict[str, List[str]] = {}
    cols = _as_list(columns)
    chosen: Optional[List[str]] = None
    if cols is not None and not available:
        _err(errors, errors_en, "columns", "该数据集还没有字段目录（数据接口表），暂不能按字段申请；请不填“所需字段”以申请整个文件。",
             "This dataset has no field dictionary (DataStore table) yet; leave the columns empty "
             "to apply for the whole file.")
    elif cols is not None:
        chosen = []
        for c in cols:
            name = c.strip() if isinstance(c, str) else None
            if not name:
                _err(errors, errors_en, "columns", "“所需字段”应为字段名称的列表。",
                     "Columns must be a list of column names.")
                break
            if name in SYSTEM_COLUMNS or name not in available:
                _err(errors, errors_en, "columns", "字段“%s”不在该数据集的字段目录中。" % name[:50],
                     "Column '%s' is not in the dataset's field dictionary." % name[:50])
            elif name in chosen:
                _err(errors, errors_en, "columns", "字段“%s”重复。" % name[:50],
                     "Column '%s' is named twice." % name[:50])
            else:
                chosen.append(name)
        if len(cols) > MAX_COLUMNS:
            _err(errors, errors_en, "columns", "“所需字段”最多 %d 项。" % MAX_COLUMNS,
                 "At most %d columns." % MAX_COLUMNS)
        if not chosen and "columns" not in errors:
            _err(errors, errors_en, "columns", "请至少选择一个字段。", "Choose at least one column.")
    rf = _as_filter(row_filter)
    conditions: List[Tuple[str, Any]] = []
    if rf is not None and not isinstance(rf, Mapping):
        _err(errors, errors_en, "row_filter",
             "“行筛选条件”应为 {字段: 值} 或 {字段: {\"from\": 起, \"to\": 止}} 形式。",
             'The row filter must be {column: value} or {column: {"from": v, "to": v}}.')
    elif rf is not None:
        if not available:
            _err(errors, errors_en, "row_filter", "该数据集还没有字段目录（数据接口表），暂不能按行筛选申请。",
                 "This dataset has no field dictionary (DataStore table) yet; no row filter is possible.")
        if len(rf) > MAX_FILTERS:
            _err(errors, errors_en, "row_filter", "“行筛选条件”最多 %d 个字段。" % MAX_FILTERS,
                 "At most %d filter columns." % MAX_FILTERS)
        for col, cond in rf.items() if available else ():
            if col not in available or col in SYSTEM_COLUMNS:
                _err(errors, errors_en, "row_filter", "筛选字段“%s”不在该数据集的字段目录中。" % str(col)[:50],
                     "Filter column '%s' is not in the dataset's field dictionary." % str(col)[:50])
                continue
            if chosen is not None and col not in chosen:
                _err(errors, errors_en, "row_filter", "筛选字段“%s”必须是所选字段之一。" % col,
                     "Filter column '%s' must be one of the chosen columns." % col)
                continue
            if isinstance(cond, Mapping):
                extra = set(cond) - {"from", "to"}
                start = _scalar(cond.get("from")) if cond.get("from") not in (None, "") else None
                end = _scalar(cond.get("to")) if cond.get("to") not in (None, "") else None
                bad = (extra or (cond.get("from") not in (None, "") and start is None)
                       or (cond.get("to") not in (None, "") and end is None))
                if bad or (start is None and end is None):
                    _err(errors, errors_en, "row_filter",
                         "字段“%s”的范围应为 {\"from\": 起, \"to\": 止}，至少给出一端。" % col,
                         "The range of '%s' must be {\"from\": v, \"to\": v} with at least one bound." % col)
                    continue
                numeric = available.get(col) in NUMERIC_TYPES
                if numeric and any(v is not None and _num(v) is None for v in (start, end)):
                    _err(errors, errors_en, "row_filter", "字段“%s”是数值字段，范围的两端应为数字。" % col,
                         "Column '%s' is numeric: the bounds must be numbers." % col)
                    continue
                if start is not None and end is not None and _lt(end, start, numeric):
                    _err(errors, errors_en, "row_filter", "字段“%s”的范围起点不得晚于终点。" % col,
                         "The range of '%s' must not start after it ends." % col)
                    continue
                conditions.append((col, Range(start, end)))
            else:
                value = _scalar(cond)
                if value is None:
                    _err(errors, errors_en, "row_filter",
                         "字段“%s”的筛选值应为一个值（不超过 %d 个字符）或范围。" % (col, VALUE_MAX),
                         "The filter value of '%s' must be one value (at most %d characters) or a range."
                         % (col, VALUE_MAX))
                    continue
                if available.get(col) in NUMERIC_TYPES and _num(value) is None:
                    _err(errors, errors_en, "row_filter", "字段“%s”是数值字段，筛选值应为数字。" % col,
                         "Column '%s' is numeric: the value must be a number." % col)
                    continue
                conditions.append((col, value))
    if errors:
        raise ScopeError(errors, errors_en)
    if chosen is not None:  # in table order
        chosen = [c for c in available if c in chosen]
    numeric = tuple(c for c, _ in conditions if available.get(c) in NUMERIC_TYPES)
    return Scope(tuple(chosen) if chosen is not None else None, tuple(conditions), numeric)


# ------------------------------------------------------------------ comparing cells
def _num(v) -> Optional[Decimal]:
    try:
        d = Decimal(str(v).strip())
    except (InvalidOperation, ValueError):
        return None
    return d if d.is_finite() else None


def _text(v) -> str:
    s = str(v).strip()
    if re.match(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}", s):
        s = s.replace("T", " ", 1)
    return s


def _lt(a, b, numeric: bool = False) -> bool:
    if numeric:
        na, nb = _num(a), _num(b)
        if na is None or nb is None:
            return False
        return na < nb
    return _text(a) < _text(b)


def _eq(a, b, numeric: bool = False) -> bool:
    if numeric:
        na, nb = _num(a), _num(b)
        return na is not None and na == nb
    return _text(a) == _text(b)


def condition_holds(cell: Any, cond: Any, numeric: bool = False) -> bool:
    """One cell against one condition; ``numeric``: the column is numeric (a cell that
    is not a number is then never within)."""
    if cell is None or str(cell).strip() == "":
        return False
    if numeric and _num(cell) is None:
        return False
    if isinstance(cond, Range):
        if cond.start is not None and _lt(cell, cond.start, numeric):
            return False
        if cond.end is not None and _lt(cond.end, cell, numeric):
            return False
        return True
    return _eq(cell, cond, numeric)


def row_matches(scope: Scope, row: Mapping[str, Any]) -> bool:
    """Whether one row (column → cell) is within the scope's row filter. A row without a
    filter column (a resource of the entry that lacks it) is never within."""
    return all(col in row and condition_holds(row[col], cond, col in scope.numeric)
               for col, cond in scope.row_filter)


def file_columns(scope: Scope, header: Sequence[str]) -> List[int]:
    """Indexes of the header's columns the scope serves (all when it names none)."""
    if scope.columns is None:
        return list(range(len(header)))
    allowed = set(scope.columns)
    return [i for i, h in enumerate(header) if str(h).strip() in allowed]


def serves_nothing(scope: Scope, columns: Sequence[str]) -> bool:
    """A resource whose columns lack a filter column, or hold none of the chosen ones,
    serves nothing under the scope."""
    cols = set(columns)
    if any(col not in cols for col, _ in scope.row_filter):
        return True
    return scope.columns is not None and not (set(scope.columns) & cols)


# ------------------------------------------------------------------ DataStore
_REFUSALS = {
    "column": ("授权范围不包括字段“%s”：只能查询、筛选和排序授权的字段。",
               "Column '%s' is outside your grant: only the granted columns may be read, "
               "filtered or sorted."),
    "full_text": ("按字段授权的数据不支持 full_text 参数，请使用 q。",
                  "full_text is not available under a column-scoped grant; use q."),
    "unavailable": ("平台当前不能按您的授权范围筛选该数据的行，暂不提供。",
                    "The portal cannot hold this query to your grant's rows at the moment; "
                    "nothing is served."),
    "sql": ("您对该数据的授权限定了字段或行范围，不能使用 SQL 查询（datastore_search_sql）；"
            "请使用 datastore_search，它只返回授权范围内的字段和行。",
            "Your grant for this data is limited to some columns or rows: SQL queries "
            "(datastore_search_sql) are not available; use datastore_search, which returns "
            "exactly the granted columns and rows."),
}


def refusal(code: str, *args) -> Tuple[str, str]:
    zh, en = _REFUSALS[code]
    return (zh % args if args else zh), (en % args if args else en)


class OutOfScope(ValueError):
    def __init__(self, zh: str, en: str):
        super().__init__(zh)
        self.message_zh, self.message_en = zh, en

    def message(self, lang: str) -> str:
        return self.message_en if (lang or "").startswith("en") else self.message_zh


def _names(value) -> List[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    if isinstance(value, (list, tuple)):
        return [v.strip() if isinstance(v, str) else v for v in value]
    return [value]


def _sort_column(item: str) -> str:
    s = item.strip()
    s = re.sub(r"\s+(asc|desc)(\s+nulls\s+(first|last))?$", "", s, flags=re.I).strip()
    if len(s) >= 2 and s[0] == s[-1] == '"':
        s = s[1:-1].replace('""', '"')
    return s


def search_request(scope: Scope, data_dict: Mapping, columns: Sequence[str]) -> Tuple[dict, Optional[str]]:
    """A ``datastore_search`` request narrowed to the scope, for a table with
    ``columns``. → (the request to run, the ``q`` text to match within the granted
    columns or None). Raises OutOfScope for a filter, sort or dict-``q`` on a column
    outside the grant (it would tell what the hidden column holds). Requested
    ``fields`` outside the grant are left out (the previews ask for every column)."""
    out = dict(data_dict)
    if scope.columns is None:
        return out, None
    allowed = [c for c in columns if c in scope.columns or c in SYSTEM_COLUMNS]
    allowed_set = set(allowed)
    for key in (data_dict.get("filters") or {}) if isinstance(data_dict.get("filters"), Mapping) else ():
        if key not in allowed_set:
            raise OutOfScope(*refusal("column", key))
    for item in _names(data_dict.get("sort")):
        if not isinstance(item, str) or _sort_column(item) not in allowed_set:
            raise OutOfScope(*refusal("column", _sort_column(str(item))))
    if data_dict.get("full_text"):
        raise OutOfScope(*refusal("full_text"))
    q = data_dict.get("q")
    q_text = None
    if isinstance(q, Mapping):
        for key in q:
            if key not in allowed_set:
                raise OutOfScope(*refusal("column", key))
    elif isinstance(q, str) and q.strip():
        q_text = q.strip()
        out.pop("q", None)   # _full_text covers every column: matched within the grant instead
        out.pop("plain", None)
        out.pop("language", None)
    requested = _names(data_dict.get("fields"))
    fields = [c for c in (requested or allowed) if c in allowed_set]
    if requested and not fields:
        raise OutOfScope(*refusal("column", ",".join(str(r) for r in requested)[:100]))
    out["fields"] = fields
    return out, q_text


def quote_ident(name: str) -> str:
    """A quoted SQL identifier, its colons escaped for SQLAlchemy's text() (where CKAN
    runs these clauses) so that a column named ``a :b`` is no bind parameter."""
    return '"' + str(name).replace('"', '""').replace(":", "\\:") + '"'


def sql_where(scope: Scope, fields_types: Mapping[str, str], q_text: Optional[str] = None,
              prefix: str = "govopen_scope") -> List[Tuple[str, dict]]:
    """Where clauses (CKAN's IDatastore form: ``(sql, params)``) that keep the scope's
    rows of a table whose columns are ``fields_types`` (name → type), and, for ``q_text``,
    the rows where some granted column contains it."""
    out: List[Tuple[str, dict]] = []
    for i, (col, cond) in enumerate(scope.row_filter):
        if col not in fields_types:
            out.append(("FALSE", {}))
            continue
        ident = quote_ident(col)
        numeric = col in scope.numeric
        if numeric and fields_types[col] in NUMERIC_TYPES:
            expr, cast = ident, True
        elif numeric:  # typed as text in this table: the cells that read as numbers
            expr = ("(CASE WHEN trim(%s::text) ~ '^-?[0-9]+(\\.[0-9]+)?$' THEN CAST(trim(%s::text) AS numeric) END)"
                    % (ident, ident))
            cast = True
        else:  # as _text(): trimmed, a date-time's T read as a space
            expr = ("regexp_replace(trim(%s::text), '^([0-9]{4}-[0-9]{2}-[0-9]{2})T([0-9]{2}:[0-9]{2})', "
                    "'\\1 \\2')" % ident)
            cast = False

        def bound(v):
            return _num(v) if numeric else _text(v)

        def param(name):
            return ("CAST(:%s AS numeric)" if cast else ":%s") % name
        if isinstance(cond, Range):
            parts, params = [], {}
            if cond.start is not None:
                parts.append("%s >= %s" % (expr, param("%s_%d_from" % (prefix, i))))
                params["%s_%d_from" % (prefix, i)] = bound(cond.start)
            if cond.end is not None:
                parts.append("%s <= %s" % (expr, param("%s_%d_to" % (prefix, i))))
                params["%s_%d_to" % (prefix, i)] = bound(cond.end)
            out.append((" AND ".join(parts), params))
        else:
            if numeric and _num(cond) is None:
                out.append(("FALSE", {}))
                continue
            out.append(("%s = %s" % (expr, param("%s_%d" % (prefix, i))), {"%s_%d" % (prefix, i): bound(cond)}))
    if q_text:
        cols = [c for c in fields_types if c not in SYSTEM_COLUMNS and not c.startswith("_")
                and (scope.columns is None or c in scope.columns)]
        like = "%" + q_text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        if cols:
            out.append(("(" + " OR ".join("%s::text ILIKE :%s_q" % (quote_ident(c), prefix)
                                          for c in cols) + ")", {prefix + "_q": like}))
        else:
            out.append(("FALSE", {}))
    return out


# ------------------------------------------------------------------ words
def describe(scope: Scope, lang: str = "zh") -> Dict[str, str]:
    """The scope in words: {columns, rows}."""
    en = (lang or "").startswith("en")
    if scope.columns is None:
        cols = "all columns" if en else "全部字段"
    else:
        cols = (", " if en else "、").join(scope.columns)
    if not scope.row_filter:
        rows = "all rows" if en else "全部行"
    else:
        parts = []
        for col, cond in scope.row_filter:
            if isinstance(cond, Range):
                if cond.start is not None and cond.end is not None:
                    parts.append("%s from %s to %s" % (col, cond.start, cond.end)
                                 if en else "%s在 %s 至 %s 之间（含）" % (col, cond.start, cond.end))
                elif cond.start is not None:
                    parts.append("%s ≥ %s" % (col, cond.start) if en else "%s不早于（不小于）%s" % (col, cond.start))
                else:
                    parts.append("%s ≤ %s" % (col, cond.end) if en else "%s不晚于（不大于）%s" % (col, cond.end))
            else:
                parts.append("%s = %s" % (col, cond) if en else "%s为“%s”" % (col, cond))
        rows = (" and " if en else "，且").join(parts)
    return {"columns": cols, "rows": rows}
