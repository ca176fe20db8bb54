"""Compile the query AST (:mod:`.parser`) to a SQL boolean expression.

Every value that comes from a request -- field names included -- becomes a bound
parameter (``:p0``, ``:p1``...); the SQL text only ever contains fixed fragments written
here.  The table is aliased ``i``.
"""
from __future__ import annotations

import datetime
import re
from typing import Any, Optional

from dateutil.parser import parse as parse_date

from . import fields as F
from .parser import Bool, MUST, MUST_NOT, Node, Range, SHOULD, Term, min_should_match
from .tokenizer import MIN_PREFIX_LEN, term_tsquery, units

TRUE, FALSE = "TRUE", "FALSE"


class QueryCompileError(ValueError):
    pass


class Compiler:
    def __init__(self, params: Optional[dict[str, Any]] = None, prefix: str = "p"):
        self.params: dict[str, Any] = params if params is not None else {}
        self.prefix = prefix
        self.rank_queries: list[str] = []   # positive full-text tsqueries, for ts_rank

    # ------------------------------------------------------------ helpers
    def bind(self, value: Any) -> str:
        name = "%s%d" % (self.prefix, len(self.params))
        while name in self.params:
            name += "_"
        self.params[name] = value
        return ":" + name

    def _values_sql(self, fld: str) -> str:
        """A set-returning expression over the values of a doc field (scalar or list)."""
        f = self.bind(fld)
        return ("jsonb_array_elements_text(CASE WHEN jsonb_typeof(i.doc -> %s) = 'array' "
                "THEN i.doc -> %s ELSE jsonb_build_array(i.doc -> %s) END)" % (f, f, f))

    def _ts_sql(self, fld: str) -> str:
        if fld in ("metadata_modified", "metadata_created"):
            return "i." + fld
        f = self.bind(fld)
        return ("(CASE WHEN (i.doc ->> %s) ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}' "
                "THEN CAST(i.doc ->> %s AS timestamptz) END)" % (f, f))

    # ------------------------------------------------------------ entry points
    def compile(self, node: Node, top: bool = True, negated: bool = False) -> Optional[str]:
        if isinstance(node, Bool):
            return self._bool(node, top, negated)
        if isinstance(node, Range):
            return self._range(node)
        return self._term(node, negated)

    # ------------------------------------------------------------ boolean
    def _bool(self, node: Bool, top: bool, negated: bool) -> Optional[str]:
        musts: list[str] = []
        shoulds: list[str] = []
        nots: list[str] = []
        must_keys: list[str] = []
        should_keys: list[str] = []
        not_keys: list[str] = []
        col_values: dict[tuple[str, str], list[str]] = {}
        for occur, child in node.clauses:
            if (isinstance(child, Term) and child.field in F.COLUMN_FIELDS
                    and not child.wildcard):
                col_values.setdefault((occur, child.field), []).append(child.text)
                continue
            key = self._exact_key(child)
            if key is not None:
                {MUST: must_keys, SHOULD: should_keys, MUST_NOT: not_keys}[occur].append(key)
                continue
            sql = self.compile(child, top=False,
                               negated=negated ^ (occur == MUST_NOT))
            if sql is None:
                continue
            {MUST: musts, SHOULD: shoulds, MUST_NOT: nots}[occur].append(sql)
        for (occur, fld), values in col_values.items():
            col = "i." + F.COLUMN_FIELDS[fld]
            if fld in F.ARRAY_COLUMNS:
                op = "@>" if occur == MUST else "&&"
                sql = "%s %s CAST(%s AS text[])" % (col, op, self.bind(values))
                {MUST: musts, SHOULD: shoulds, MUST_NOT: nots}[occur].append(sql)
            elif occur == MUST:
                musts.extend("%s = %s" % (col, self.bind(v)) for v in values)
            else:
                sql = "%s = ANY(CAST(%s AS text[]))" % (col, self.bind(values))
                {SHOULD: shoulds, MUST_NOT: nots}[occur].append(sql)
        if must_keys:
            musts.insert(0, "i.terms @> CAST(%s AS text[])" % self.bind(must_keys))
        if not_keys:
            nots.insert(0, "i.terms && CAST(%s AS text[])" % self.bind(not_keys))

        n_should = len(shoulds) + len(should_keys)
        parts = list(musts)
        if n_should:
            k = min_should_match(node.mm, n_should) if node.mm is not None else 1
            if node.mm is None and musts:
                k = 0          # Lucene: SHOULD clauses next to MUST ones only score
            if k > 0:
                any_sql = list(shoulds)
                if should_keys:
                    any_sql.insert(0, "i.terms && CAST(%s AS text[])"
                                   % self.bind(should_keys))
                anyone = "(" + " OR ".join(any_sql) + ")"
                if k <= 1:
                    parts.append(anyone)
                else:
                    each = list(shoulds) + [
                        "i.terms @> CAST(%s AS text[])" % self.bind([key])
                        for key in should_keys]
                    count = " + ".join("(CASE WHEN %s THEN 1 ELSE 0 END)" % s
                                       for s in each)
                    parts.append(anyone)
                    parts.append("(%s) >= %d" % (count, k))
        for s in nots:
            parts.append("NOT (%s)" % s)
        if not parts:
            return FALSE
        if not musts and not n_should:
            # a purely negative query matches everything but the excluded (as Solr does)
            parts.insert(0, TRUE)
        return "(" + " AND ".join(parts) + ")"

    def _exact_key(self, node: Node) -> Optional[str]:
        """terms-array key for an exact match on a string field, else None."""
        if not isinstance(node, Term) or node.field is None or node.wildcard:
            return None
        if not F.is_string(node.field) or node.field == "*":
            return None
        return F.term_key(node.field, node.text)

    # ------------------------------------------------------------ leaves
    def _term(self, node: Term, negated: bool) -> Optional[str]:
        fld = node.field
        text = node.text
        if fld == "*" and text == "*":
            return TRUE
        if fld is None or fld == "*":
            return self._fulltext(node, None, negated)
        if fld in F.NGRAM_FIELDS:
            needle = text.replace("*", "").replace("?", "").lower()
            if not needle:
                return TRUE
            src = self.bind(F.NGRAM_FIELDS[fld])
            return ("strpos(lower(coalesce(i.doc ->> %s, '')), %s) > 0"
                    % (src, self.bind(needle)))
        if F.is_text(fld):
            if node.wildcard and text.strip("*?") == "":
                return self._exists(fld)
            return self._fulltext(node, fld, negated)
        if F.is_date(fld):
            if node.wildcard and text.strip("*") == "":
                return self._exists(fld)
            when = parse_solr_date(text)
            if when is None:
                return self._exists(fld)
            return "%s = %s" % (self._ts_sql(fld), self.bind(when))
        if fld in F.STORED_ONLY:
            return FALSE
        # string field
        if node.wildcard:
            if node.raw in ("*", "**"):
                return ("EXISTS (SELECT 1 FROM unnest(i.terms) AS u(t) "
                        "WHERE t LIKE %s)" % self.bind(_like_escape(F.term_prefix(fld)) + "%"))
            pattern = _like_escape(F.term_prefix(fld)) + _wildcard_to_like(node.raw)
            return ("EXISTS (SELECT 1 FROM unnest(i.terms) AS u(t) WHERE t LIKE %s)"
                    % self.bind(pattern))
        return "i.terms @> CAST(%s AS text[])" % self.bind([F.term_key(fld, text)])

    def _exists(self, fld: str) -> str:
        f = self.bind(fld)
        return ("(jsonb_typeof(i.doc -> %s) IS NOT NULL AND jsonb_typeof(i.doc -> %s) "
                "<> 'null')" % (f, f))

    def _fulltext(self, node: Term, fld: Optional[str], negated: bool) -> Optional[str]:
        text = node.text
        force_prefix = False
        if node.wildcard:
            stripped = text.rstrip("*")
            if stripped.strip("*?") == "":
                return TRUE if fld is None else self._exists(fld)
            force_prefix = text.endswith("*")
            text = stripped.replace("*", " ").replace("?", " ")
        prefix = not node.phrase
        tsq = term_tsquery(text, prefix=prefix, force_prefix=force_prefix)
        if tsq is None:
            return None
        if not negated:
            self.rank_queries.append(tsq)
        sql = "i.tsv @@ CAST(%s AS tsquery)" % self.bind(tsq)
        if fld is not None:
            regex = _recheck_regex(text, prefix, force_prefix)
            if regex:
                sql = "(%s AND EXISTS (SELECT 1 FROM %s AS v(x) WHERE x ~* %s))" % (
                    sql, self._values_sql(fld), self.bind(regex))
        return sql

    def _range(self, node: Range) -> str:
        fld = node.field or "text"
        if fld == "*":
            return TRUE
        lo, hi = node.lo, node.hi
        if lo is None and hi is None:
            return self._exists(fld)
        if F.is_date(fld):
            expr = self._ts_sql(fld)
            conds = []
            if lo is not None:
                conds.append("%s %s %s" % (expr, ">=" if node.lo_incl else ">",
                                           self.bind(_require_date(lo))))
            if hi is not None:
                conds.append("%s %s %s" % (expr, "<=" if node.hi_incl else "<",
                                           self.bind(_require_date(hi))))
            return "(" + " AND ".join(conds) + ")"
        numeric = all(v is None or _is_number(v) for v in (lo, hi))
        if numeric:
            x = "(CASE WHEN x ~ '^-?[0-9]+([.][0-9]+)?$' THEN CAST(x AS numeric) END)"
            conv = lambda v: float(v)  # noqa: E731
        else:
            x = 'x COLLATE "C"'
            conv = str
        conds = []
        if lo is not None:
            conds.append("%s %s %s" % (x, ">=" if node.lo_incl else ">", self.bind(conv(lo))))
        if hi is not None:
            conds.append("%s %s %s" % (x, "<=" if node.hi_incl else "<", self.bind(conv(hi))))
        return "EXISTS (SELECT 1 FROM %s AS v(x) WHERE %s)" % (
            self._values_sql(fld), " AND ".join(conds))


# ---------------------------------------------------------------- utilities
def _is_number(v: str) -> bool:
    return bool(re.fullmatch(r"-?\d+(\.\d+)?", v.strip()))


def _like_escape(s: str) -> str:
    return s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _wildcard_to_like(raw: str) -> str:
    out, esc = [], False
    for ch in raw:
        if esc:
            out.append(_like_escape(ch))
            esc = False
        elif ch == "\\":
            esc = True
        elif ch == "*":
            out.append("%")
        elif ch == "?":
            out.append("_")
        else:
            out.append(_like_escape(ch))
    return "".join(out)


def _recheck_regex(text: str, prefix: bool, force_prefix: bool) -> Optional[str]:
    """A regex (ARE) that checks one field's value contains the query's tokens in order.

    Tokens are letters/digits only, so they need no escaping."""
    us = units(text)
    if not us:
        return None
    parts = []
    for idx, (kind, unit) in enumerate(us):
        last = idx == len(us) - 1
        if kind == "cjk":
            parts.append(unit)
            continue
        word = unit
        is_prefix = (last and force_prefix) or (
            prefix and len(word) >= MIN_PREFIX_LEN and not word.isdigit())
        if prefix and len(word) >= 5 and word.endswith("s") and not word.endswith(
                ("ss", "us", "is")):
            word = word[:-1]
        parts.append("\\m" + word + ("" if is_prefix else "\\M"))
    return "[^[:alnum:]]*".join(parts)


_DATE_MATH = re.compile(r"([+-])(\d+)([A-Z]+)|/([A-Z]+)")
_UNITS = {"YEAR": "years", "MONTH": "months", "DAY": "days", "DATE": "days",
          "HOUR": "hours", "MINUTE": "minutes", "SECOND": "seconds",
          "MILLI": "microseconds", "MILLISECOND": "microseconds"}


def parse_solr_date(value: str) -> Optional[datetime.datetime]:
    """Solr date syntax incl. date math (NOW, NOW-1DAY, 2020-01-01T00:00:00Z/DAY...)."""
    from dateutil.relativedelta import relativedelta

    v = value.strip()
    if v in ("", "*"):
        return None
    m = re.match(r"^(NOW|\d{4}-\d{2}-\d{2}(?:T[0-9:.]+Z?)?)", v)
    if not m:
        raise QueryCompileError("Invalid Date String: %r" % value)
    base, rest = m.group(1), v[m.end():]
    if base == "NOW":
        dt = datetime.datetime.now(datetime.timezone.utc)
    else:
        try:
            dt = parse_date(base)
        except (ValueError, OverflowError):
            raise QueryCompileError("Invalid Date String: %r" % value)
        if dt.tzinfo is None:
            dt = dt.replace(tzinfo=datetime.timezone.utc)
    pos = 0
    while pos < len(rest):
        mm = _DATE_MATH.match(rest, pos)
        if not mm:
            raise QueryCompileError("Invalid Date Math String: %r" % value)
        if mm.group(4):
            unit = mm.group(4).rstrip("S") if mm.group(4) not in ("DAYS",) else "DAY"
            unit = unit if unit in _UNITS else mm.group(4)
            if unit not in _UNITS:
                raise QueryCompileError("Invalid Date Math String: %r" % value)
            order = ["YEAR", "MONTH", "DAY", "HOUR", "MINUTE", "SECOND"]
            unit = "DAY" if unit == "DATE" else unit
            if unit in order:
                idx = order.index(unit)
                repl = {"month": 1, "day": 1, "hour": 0, "minute": 0, "second": 0,
                        "microsecond": 0}
                keys = ["month", "day", "hour", "minute", "second"][idx:]
                dt = dt.replace(**{k: repl[k] for k in keys}, microsecond=0)
        else:
            sign, num, unit = mm.group(1), int(mm.group(2)), mm.group(3)
            unit = unit[:-1] if unit.endswith("S") and unit[:-1] in _UNITS else unit
            if unit not in _UNITS:
                raise QueryCompileError("Invalid Date Math String: %r" % value)
            amount = num * (1000 if unit in ("MILLI", "MILLISECOND") else 1)
            delta = relativedelta(**{_UNITS[unit]: amount})
            dt = dt + delta if sign == "+" else dt - delta
        pos = mm.end()
    return dt


def _require_date(v: str) -> datetime.datetime:
    dt = parse_solr_date(v)
    if dt is None:
        raise QueryCompileError("Invalid Date String: %r" % v)
    return dt
