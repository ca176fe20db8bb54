"""A parser for the Solr/Lucene query syntax CKAN and its users send.

Supports: ``field:value``, ``field:"quoted value"``, ``field:(a OR b)``, ``+``/``-``/``!``
prefixes, ``AND``/``OR``/``NOT``/``&&``/``||``, parentheses, ranges ``[a TO b]``,
``{a TO b}`` (mixed brackets too) with ``*`` and Solr date math, wildcards ``*``/``?``
in terms, ``*:*``, backslash escapes; boosts (``^2``) and fuzziness (``~2``) are accepted
and ignored.  Clause occurrence follows Lucene's ``QueryParserBase.addClause`` so that
``a OR b``, ``+a -b``, ``a AND b`` and the default operator behave as in Solr.

The result is a small AST; :mod:`.compiler` turns it into SQL with bound parameters.
"""
from __future__ import annotations

from dataclasses import dataclass, field as dc_field
from typing import Optional, Union

MUST, SHOULD, MUST_NOT = "MUST", "SHOULD", "MUST_NOT"

# Limits of one query string (q or one fq): a deeper or longer query is refused with
# a QueryParseError (→ pysolr.SolrError → CKAN's SearchError: the API answers 409,
# the search page shows a search error) instead of exhausting the stack or the
# database. MAX_CLAUSES is Solr's default maxBooleanClauses.
MAX_QUERY_LENGTH = 10_000
MAX_DEPTH = 32
MAX_CLAUSES = 1024


# The user's own query (``q``) is bounded much tighter: each term is a text search over
# every dataset, and an outside tester held a server process 59 s with
# q=title:(a0 OR … a999), under MAX_CLAUSES. ``govopen.search.max_terms`` (default 64);
# CKAN's own filters (``fq``, e.g. a user's permission labels) keep MAX_CLAUSES.
DEFAULT_MAX_QUERY_TERMS = 64


class QueryParseError(ValueError):
    pass


def count_terms(node) -> int:
    """Terms and ranges of a parsed query (depth is bounded by MAX_DEPTH)."""
    if isinstance(node, Bool):
        return sum(count_terms(n) for _, n in node.clauses)
    return 1 if node is not None else 0


def check_terms(node, limit: int) -> None:
    if limit > 0 and count_terms(node) > limit:
        raise QueryParseError("搜索词过多（最多 %d 个），请减少搜索词 / Too many search terms "
                              "(at most %d)" % (limit, limit))


@dataclass
class Term:
    field: Optional[str]          # None: the default field(s)
    text: str                     # unescaped text
    raw: str = ""                 # as written (escapes kept): wildcards are unescaped * ?
    phrase: bool = False

    @property
    def wildcard(self) -> bool:
        return not self.phrase and _has_wildcard(self.raw)


@dataclass
class Range:
    field: Optional[str]
    lo: Optional[str]             # None: open ('*')
    hi: Optional[str]
    lo_incl: bool = True
    hi_incl: bool = True


@dataclass
class Bool:
    clauses: list[tuple[str, "Node"]] = dc_field(default_factory=list)
    mm: Optional[str] = None      # dismax minimum-should-match spec


Node = Union[Term, Range, Bool]


def _has_wildcard(raw: str) -> bool:
    esc = False
    for ch in raw:
        if esc:
            esc = False
        elif ch == "\\":
            esc = True
        elif ch in "*?":
            return True
    return False


def unescape(raw: str) -> str:
    out, esc = [], False
    for ch in raw:
        if esc:
            out.append(ch)
            esc = False
        elif ch == "\\":
            esc = True
        else:
            out.append(ch)
    return "".join(out)


# ---------------------------------------------------------------- lexer
_TERM_STOP = set(' \t\r\n\u3000()[]{}"^:~')


@dataclass
class Tok:
    kind: str      # TERM PHRASE RANGE LP RP COLON AND OR NOT PLUS MINUS BOOST
    value: object = None


def lex(s: str) -> list[Tok]:
    toks: list[Tok] = []
    i, n = 0, len(s)
    while i < n:
        c = s[i]
        if c.isspace():
            i += 1
            continue
        at_start = not toks or toks[-1].kind in ("LP", "AND", "OR", "NOT", "PLUS",
                                                  "MINUS") or s[i - 1].isspace()
        if c == "(":
            toks.append(Tok("LP")); i += 1; continue
        if c == ")":
            toks.append(Tok("RP")); i += 1; continue
        if c == ":":
            toks.append(Tok("COLON")); i += 1; continue
        if c in "+-!" and at_start and i + 1 < n and not s[i + 1].isspace():
            toks.append(Tok({"+": "PLUS", "-": "MINUS", "!": "NOT"}[c])); i += 1
            continue
        if s.startswith("&&", i):
            toks.append(Tok("AND")); i += 2; continue
        if s.startswith("||", i):
            toks.append(Tok("OR")); i += 2; continue
        if c in "^~":
            j = i + 1
            while j < n and (s[j].isdigit() or s[j] == "."):
                j += 1
            i = j
            continue
        if c == '"':
            j, buf = i + 1, []
            while j < n and s[j] != '"':
                if s[j] == "\\" and j + 1 < n:
                    buf.append(s[j + 1]); j += 2; continue
                buf.append(s[j]); j += 1
            if j >= n:
                raise QueryParseError("Unterminated quoted string")
            toks.append(Tok("PHRASE", "".join(buf)))
            i = j + 1
            continue
        if c in "[{":
            j, depth_quote = i + 1, False
            while j < n and (depth_quote or s[j] not in "]}"):
                if s[j] == '"':
                    depth_quote = not depth_quote
                elif s[j] == "\\":
                    j += 1
                j += 1
            if j >= n:
                raise QueryParseError("Unterminated range")
            toks.append(Tok("RANGE", _parse_range(c, s[i + 1:j], s[j])))
            i = j + 1
            continue
        j, buf = i, []
        while j < n and s[j] not in _TERM_STOP:
            if s[j] == "\\" and j + 1 < n:
                buf.append(s[j:j + 2]); j += 2; continue
            buf.append(s[j]); j += 1
        raw = "".join(buf)
        if raw in ("AND", "OR", "NOT"):
            toks.append(Tok(raw))
        else:
            toks.append(Tok("TERM", raw))
        i = j
    return toks


def _range_value(v: str) -> Optional[str]:
    v = v.strip()
    if len(v) >= 2 and v[0] == '"' and v[-1] == '"':
        return unescape(v[1:-1])
    if v == "*":
        return None
    return unescape(v)


def _parse_range(open_: str, body: str, close: str) -> tuple:
    # split on a TO that is not inside quotes
    parts, buf, inq, k = [], [], False, 0
    words = body.strip()
    i = 0
    while i < len(words):
        ch = words[i]
        if ch == '"':
            inq = not inq
        if not inq and words.startswith(" TO ", i):
            parts.append("".join(buf)); buf = []; i += 4; k += 1; continue
        buf.append(ch); i += 1
    parts.append("".join(buf))
    if len(parts) != 2:
        raise QueryParseError("Invalid range: %s" % body)
    return (_range_value(parts[0]), _range_value(parts[1]), open_ == "[", close == "]")


# ---------------------------------------------------------------- parser
class _Parser:
    def __init__(self, toks: list[Tok], default_and: bool):
        self.toks = toks
        self.i = 0
        self.default_and = default_and
        self.depth = 0

    def peek(self, k: int = 0) -> Optional[Tok]:
        j = self.i + k
        return self.toks[j] if j < len(self.toks) else None

    def next(self) -> Tok:
        t = self.toks[self.i]
        self.i += 1
        return t

    def query(self, fld: Optional[str], top: bool) -> Bool:
        clauses: list[list] = []   # [occur, node]
        while True:
            t = self.peek()
            if t is None:
                break
            if t.kind == "RP":
                if top:
                    raise QueryParseError("Unbalanced parenthesis")
                break
            conj = None
            while t is not None and t.kind in ("AND", "OR"):
                conj = t.kind
                self.next()
                t = self.peek()
            mods = None
            while t is not None and t.kind in ("PLUS", "MINUS", "NOT"):
                mods = "REQ" if t.kind == "PLUS" else "NOT"
                self.next()
                t = self.peek()
            if t is None or t.kind == "RP":
                break
            node = self.clause(fld)
            self._add(clauses, conj, mods, node)
        return Bool([(o, n) for o, n in clauses])

    def _add(self, clauses, conj, mods, node):
        if clauses and conj == "AND":
            if clauses[-1][0] != MUST_NOT:
                clauses[-1][0] = MUST
        if clauses and self.default_and and conj == "OR":
            if clauses[-1][0] != MUST_NOT:
                clauses[-1][0] = SHOULD
        if not self.default_and:
            required = mods == "REQ"
            prohibited = mods == "NOT"
            if conj == "AND" and not prohibited:
                required = True
        else:
            prohibited = mods == "NOT"
            required = not prohibited and conj != "OR"
        if prohibited:
            occur = MUST_NOT
        elif required:
            occur = MUST
        else:
            occur = SHOULD
        if node is not None:
            clauses.append([occur, node])

    def clause(self, fld: Optional[str]) -> Optional[Node]:
        t = self.peek()
        nxt = self.peek(1)
        if t.kind == "TERM" and nxt is not None and nxt.kind == "COLON":
            fld = unescape(str(t.value))
            self.next(); self.next()
            t = self.peek()
            if t is None:
                raise QueryParseError("Missing value for field %s" % fld)
        t = self.next()
        if t.kind == "LP":
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise QueryParseError("查询嵌套过深（最多 %d 层括号） / Query nested too deeply "
                                      "(at most %d levels of parentheses)" % (MAX_DEPTH, MAX_DEPTH))
            sub = self.query(fld, top=False)
            self.depth -= 1
            if self.peek() is None or self.peek().kind != "RP":
                raise QueryParseError("Unbalanced parenthesis")
            self.next()
            return sub
        if t.kind == "PHRASE":
            return Term(fld, str(t.value), raw=str(t.value), phrase=True)
        if t.kind == "RANGE":
            lo, hi, li, hi_i = t.value
            return Range(fld, lo, hi, li, hi_i)
        if t.kind == "TERM":
            raw = str(t.value)
            return Term(fld, unescape(raw), raw=raw)
        if t.kind == "COLON":
            raise QueryParseError("Unexpected ':'")
        raise QueryParseError("Unexpected token %s" % t.kind)


def parse(q: str, default_and: bool = True) -> Bool:
    if len(q) > MAX_QUERY_LENGTH:
        raise QueryParseError("查询过长（最多 %d 个字符） / Query too long (at most %d characters)"
                              % (MAX_QUERY_LENGTH, MAX_QUERY_LENGTH))
    toks = lex(q)
    if sum(1 for t in toks if t.kind in ("TERM", "PHRASE", "RANGE")) > MAX_CLAUSES:
        raise QueryParseError("查询条件过多（最多 %d 个） / Too many clauses (at most %d)"
                              % (MAX_CLAUSES, MAX_CLAUSES))
    p = _Parser(toks, default_and)
    result = p.query(None, top=True)
    if p.peek() is not None:
        raise QueryParseError("Unexpected trailing input")
    return result


def parse_dismax(q: str, mm: Optional[str]) -> Bool:
    """dismax/edismax: default operator OR with minimum-should-match; lenient."""
    try:
        result = parse(q, default_and=False)
    except QueryParseError:
        cleaned = "".join(" " if ch in '()[]{}"^~:' else ch for ch in q)
        result = parse(cleaned, default_and=False)
    result.mm = mm
    return result


def min_should_match(spec: Optional[str], n: int) -> int:
    """Solr's mm: '2<-1 5<80%' etc. Returns how many optional clauses must match."""
    if n <= 0:
        return 0
    spec = (spec or "").strip()
    if not spec:
        return 1

    def one(expr: str) -> int:
        expr = expr.strip()
        if expr.endswith("%"):
            pct = int(expr[:-1])
            k = int(n * abs(pct) / 100)
            return n - k if pct < 0 else k
        v = int(expr)
        return n + v if v < 0 else v

    try:
        if "<" not in spec:
            k = one(spec)
        else:
            k = n
            for cond in spec.split():
                limit, expr = cond.split("<", 1)
                if n > int(limit):
                    k = one(expr)
    except ValueError:
        k = 1
    return max(1, min(n, k))
