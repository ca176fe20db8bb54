"""API quotas on Redis (issue 16): CKAN/Flask glue around flask-limiter.

flask-limiter (with its ``limits`` strategies) does the counting: a
``flask_limiter.Limiter`` is initialised on CKAN's Flask app with the portal's
Redis (``ckan.redis.url``) and the fixed-window strategy; each daily counter is a
``RateLimitItemPerDay`` whose identifiers include the local date
(``domain/quotas.Counter.key``), so a day's counters start anew at local midnight.
We do not use flask-limiter's route decorators: a call is under up to four limits
at once (application, user, anonymous address, dataset), and the headers must
report the tightest of them, while flask-limiter's own headers report the first
limit in its sort order. Which counters a call hits is ``domain/quotas.py``.

Under a quota: every ``/api/action/<name>`` and ``/api/3/action/<name>`` call and
``/datastore/dump/<id>`` (if the DataStore is enabled). Each response carries
``X-RateLimit-Limit`` / ``X-RateLimit-Remaining`` (requests/day, tightest
counter); when rows were counted also ``X-RateLimit-Rows-Limit`` /
``X-RateLimit-Rows-Remaining``. Over a limit: HTTP 429, ``Retry-After`` (seconds
to local midnight) and a message in Chinese, English under /en or when
Accept-Language prefers English. Rows are counted by the chained
``datastore_search`` / ``datastore_search_sql`` (``logic/action/apps.py``) through
:func:`current`. The user is alerted (a notification) when a counter of theirs
crosses 80% and 100%, once per counter and day.

Settings: the jurisdiction's ``api_quotas`` (config/jurisdictions/*.yaml); each
value may be overridden in the ini as ``govopen.api_quota.<scope>.<measure>``
(e.g. ``govopen.api_quota.anonymous.requests = 3``). If Redis cannot be reached
the call is let through (logged): quotas protect the service, not the data (the
access policy does that).
"""
from __future__ import annotations

import contextvars
import datetime as dt
import json
import logging
import time
from typing import Dict, List, Optional, Tuple

import flask
import ckan.model as model
import ckan.plugins.toolkit as tk
from werkzeug.exceptions import TooManyRequests

from .domain import quotas as dq

log = logging.getLogger(__name__)

EXT_KEY = "govopen_quota"
USAGE_TTL = 400 * 86400           # usage statistics kept about 13 months


#: actions that return DataStore rows (counted against rows/day)
ROWS_ACTIONS = ("datastore_search", "datastore_search_sql")


class QuotaExceeded(TooManyRequests):
    """Raised by the chained DataStore actions when a rows counter is used up."""

    def __init__(self, counter: dq.Counter):
        super().__init__()
        self.counter = counter
        q = current()
        if q is not None:
            q.exceeded = counter


# ------------------------------------------------------------------ settings
def settings() -> Dict[str, dq.ScopeQuota]:
    """The jurisdiction's quotas with the ini's overrides."""
    from .logic import requests_glue as glue
    base = dict(glue.jurisdiction().api_quotas)
    for scope in dq.SCOPES:
        q = base[scope]
        values = {}
        for measure in dq.MEASURES:
            raw = tk.config.get("govopen.api_quota.%s.%s" % (scope, measure))
            values[measure] = int(raw) if raw not in (None, "") else q.limit(measure)
        base[scope] = dq.ScopeQuota(values["requests"], values["rows"])
    return base


def timezone() -> str:
    from .logic import requests_glue as glue
    return glue.jurisdiction().timezone


# ------------------------------------------------------------------ install
def install(app) -> None:
    """Initialise flask-limiter on CKAN's app and hook the quota in (IMiddleware)."""
    from flask_limiter import Limiter
    storage = tk.config.get("ckan.redis.url") or "redis://localhost:6379/0"
    limiter = Limiter(lambda: "", storage_uri=storage, strategy="fixed-window",
                      key_prefix="govopen-quota", headers_enabled=False)
    limiter.init_app(app)
    app.extensions[EXT_KEY] = limiter
    app.before_request(before_request)
    app.after_request(after_request)
    app.register_error_handler(QuotaExceeded, _exceeded_handler)


def limiter():
    try:
        return flask.current_app.extensions.get(EXT_KEY)
    except RuntimeError:
        return None


def reset() -> None:
    """Forget every counter (tests; the authority after changing quotas)."""
    lim = limiter()
    if lim is not None:
        lim.reset()


def _item(limit: int):
    from limits import RateLimitItemPerDay
    return RateLimitItemPerDay(limit)


# ------------------------------------------------------------------ the request
class RequestQuota:
    """The quota state of one request (``flask.g.govopen_quota``)."""

    def __init__(self, lim, caller: dq.Caller, package_id: Optional[str], kind: str,
                 quotas: Dict[str, dq.ScopeQuota], tz: str):
        self.lim, self.caller, self.package_id, self.kind = lim, caller, package_id, kind
        self.quotas, self.tz = quotas, tz
        now = dt.datetime.now(dt.timezone.utc)
        self.day = dq.local_day(now, tz).isoformat()
        self.retry_after = dq.seconds_to_midnight(now, tz)
        self.header: Optional[Tuple[dq.Counter, int]] = None
        self.rows_header: Optional[Tuple[dq.Counter, int]] = None
        self.alerts: List[Tuple[dq.Counter, int]] = []
        #: a rows counter found used up inside an action (CKAN's API turns any exception
        #: of an action into a 500; after_request answers 429 instead)
        self.exceeded: Optional[dq.Counter] = None

    def counters(self, measure: str, package_id: Optional[str] = None) -> List[dq.Counter]:
        return dq.counters(self.caller, measure, self.quotas, self.day,
                           package_id if package_id is not None else self.package_id)

    def remaining(self, counters: List[dq.Counter]) -> List[Tuple[dq.Counter, int]]:
        out = []
        for c in counters:
            stats = self.lim.limiter.get_window_stats(_item(c.limit), *c.key)
            out.append((c, max(0, int(stats.remaining))))
        return out

    def hit(self, states: List[Tuple[dq.Counter, int]], cost: int) -> List[Tuple[dq.Counter, int]]:
        """Count ``cost`` on every counter; → (counter, remaining after)."""
        out = []
        for c, before in states:
            if cost > 0:
                self.lim.limiter.hit(_item(c.limit), *c.key, cost=cost)
            after = max(0, before - cost)
            level = dq.alert_level(c.limit - before, c.limit - before + cost, c.limit)
            if level and self.caller.user_id:
                self.alerts.append((c, level))
            out.append((c, after))
        return out

    # rows (called by the chained DataStore actions)
    def rows_left(self, package_id: Optional[str]) -> Tuple[Optional[int], Optional[dq.Counter]]:
        """(rows left today on the tightest rows counter, that counter); (None, None)
        when no rows counter applies."""
        states = self.remaining(self.counters("rows", package_id))
        t = dq.tightest(states)
        return (t[1], t[0]) if t else (None, None)

    def count_rows(self, n: int, package_id: Optional[str]) -> None:
        states = self.remaining(self.counters("rows", package_id))
        after = self.hit(states, n)
        self.rows_header = dq.tightest(after)
        _usage_incr(package_id, "rows", n)


#: the quota state of a response body being streamed (the dump's later pages run after
#: the request context is gone: see :func:`counted_stream`)
_STREAMING: "contextvars.ContextVar[Optional[RequestQuota]]" = contextvars.ContextVar(
    "govopen_quota_streaming", default=None)


def current() -> Optional[RequestQuota]:
    """The running request's quota state (or that of the response body being
    streamed); None outside a request under quota."""
    streaming = _STREAMING.get()
    if streaming is not None:
        return streaming
    if not flask.has_request_context():
        return None
    return getattr(flask.g, "govopen_quota", None)


def counted_stream(q: RequestQuota, body):
    """Wrap a streamed response body (CKAN's ``/datastore/dump``: it fetches its second
    and later pages of 32,000 rows while the body is sent, after the request and its
    ``flask.g`` have ended) so that the DataStore searches it makes count their rows
    against ``q`` too. The dump's limit was cut to the rows left beforehand
    (``views/resource_views.guard_dump``); if another call used them up meanwhile, the
    body ends early (the status line has been sent: a 429 is no longer possible)."""
    it = iter(body)
    try:
        while True:
            token = _STREAMING.set(q)
            try:
                chunk = next(it)
            except StopIteration:
                return
            except QuotaExceeded:
                log.warning("dump cut: rows quota used up while streaming")
                return
            finally:
                _STREAMING.reset(token)
            yield chunk
    finally:
        if hasattr(it, "close"):
            it.close()
        if q.alerts:  # crossed while streaming: after_request has run already
            try:
                alert(q.caller, q.alerts, q.day)
            except Exception:
                log.exception("quota alerts not stored")
            q.alerts = []


def _caller() -> dq.Caller:
    from ckan.common import current_user
    address = flask.request.remote_addr or ""
    try:
        authenticated = bool(current_user) and not current_user.is_anonymous
    except Exception:
        authenticated = False
    if not authenticated:
        return dq.Caller(address=address)
    user = model.User.get(current_user.id)
    if user is None:
        return dq.Caller(address=address)
    if user.sysadmin:
        return dq.Caller(user_id=user.id, address=address, exempt=True)
    return dq.Caller(user_id=user.id, app_id=_app_of_request(user.id), address=address)


def _app_of_request(user_id: str) -> Optional[str]:
    """The application whose key authenticated this request, if any."""
    from .app_keys import app_of_header
    app = app_of_header(user_id)
    return app.id if app is not None else None


def _params() -> dict:
    req = flask.request
    try:
        if req.args:
            out = {k: v for k, v in req.args.items()}
        else:
            out = {}
        if req.method == "POST":
            body = req.get_json(silent=True) if req.is_json or (req.data and not req.form) else None
            if isinstance(body, dict):
                out.update(body)
            elif req.form:
                out.update({k: v for k, v in req.form.items()})
        return out
    except Exception:
        return {}


def dataset_of(action: str, params: dict) -> Optional[str]:
    """The dataset an API call is about (for per-dataset quotas and usage), or None."""
    def pkg(ref):
        p = model.Package.get(ref) if isinstance(ref, str) and ref else None
        return p.id if p is not None else None

    def res(ref):
        r = model.Resource.get(ref) if isinstance(ref, str) and ref else None
        return r.package_id if r is not None else None
    if action.startswith("datastore_") or action.startswith("resource_"):
        found = res(params.get("resource_id")) or res(params.get("id"))
        if found:
            return found
    if action.startswith("package_") or action in ("govopen_access_check", "govopen_open_type_changes"):
        found = pkg(params.get("id")) or pkg(params.get("name_or_id"))
        if found:
            return found
    return pkg(params.get("package_id"))


def before_request():
    endpoint = flask.request.endpoint or ""
    if endpoint == "api.action":
        kind = "api"
        action = (flask.request.view_args or {}).get("logic_function") or ""
    elif endpoint == "datastore.dump":
        kind, action = "dump", "datastore_dump"
    elif endpoint == "datatablesview.ajax":
        # the table preview's rows are DataStore rows too: without this an outside tester
        # read whole tables anonymously (length=100000), uncounted; its rows are counted
        # by the chained datastore_search it calls, its length cut in resource_views
        kind, action = "datatables", "datastore_search"
    else:
        return None
    lim = limiter()
    if lim is None:
        return None
    try:
        if kind in ("dump", "datatables"):
            rid = (flask.request.view_args or {}).get("resource_id") or ""
            if kind == "datatables":
                rv = model.ResourceView.get(
                    (flask.request.view_args or {}).get("resource_view_id") or "")
                rid = rv.resource_id if rv is not None else ""
            r = model.Resource.get(rid) if rid else None
            package_id = r.package_id if r is not None else None
        else:
            package_id = dataset_of(action, _params())
        q = RequestQuota(lim, _caller(), package_id, kind, settings(), timezone())
        flask.g.govopen_quota = q
        states = q.remaining(q.counters("requests"))
        for c, left in states:
            if left <= 0:
                return _exceeded_response(q, c, left)
        if kind == "dump" or action in ROWS_ACTIONS:   # no rows left: refused before it runs
            left, c = q.rows_left(package_id if action != "datastore_search_sql" else None)
            if c is not None and left <= 0:
                return _exceeded_response(q, c, 0)
        q.header = dq.tightest(q.hit(states, 1))
        _usage_incr(package_id, "requests", 1)
    except Exception:
        log.exception("API quota not checked (limiter storage unreachable?)")
        flask.g.govopen_quota = None
    return None


def after_request(response):
    q = current()
    if q is None:
        return response
    if q.exceeded is not None:
        response = _exceeded_response(q, q.exceeded, 0)
    if q.header is not None:
        c, left = q.header
        response.headers["X-RateLimit-Limit"] = str(c.limit)
        response.headers["X-RateLimit-Remaining"] = str(left)
        response.headers["X-RateLimit-Reset"] = str(int(time.time()) + q.retry_after)  # epoch
    if q.rows_header is not None:
        c, left = q.rows_header
        response.headers["X-RateLimit-Rows-Limit"] = str(c.limit)
        response.headers["X-RateLimit-Rows-Remaining"] = str(left)
    if q.alerts:
        try:
            alert(q.caller, q.alerts, q.day)
        except Exception:
            log.exception("quota alerts not stored")
        q.alerts = []
    return response


# ------------------------------------------------------------------ 429
def _lang() -> str:
    env = flask.request.environ
    if env.get("CKAN_LANG") and not env.get("CKAN_LANG_IS_DEFAULT", True):
        return "en" if str(env["CKAN_LANG"]).startswith("en") else "zh_Hans_CN"
    best = flask.request.accept_languages.best_match(["zh", "zh-CN", "zh-Hans", "en"])
    return "en" if best == "en" else "zh_Hans_CN"


def _scope_label(scope: str) -> str:
    return {"application": tk._("application key"), "user": tk._("user account"),
            "anonymous": tk._("anonymous address"), "dataset": tk._("this dataset")}[scope]


def exceeded_message(counter: dq.Counter, retry_after: int) -> str:
    if counter.measure == "rows":
        msg = tk._("The daily API quota of rows for your %(scope)s (%(limit)s rows a day) "
                   "is used up; it renews in %(seconds)s seconds (at midnight).")
    else:
        msg = tk._("The daily API quota of calls for your %(scope)s (%(limit)s calls a day) "
                   "is used up; it renews in %(seconds)s seconds (at midnight).")
    msg = msg % {"scope": _scope_label(counter.scope), "limit": counter.limit, "seconds": retry_after}
    if counter.scope == "anonymous":
        msg += " " + tk._("Log in and create an application key (My apps) for a larger quota.")
    return msg


def _exceeded_response(q: RequestQuota, counter: dq.Counter, left: int):
    from flask_babel import force_locale
    with force_locale(_lang()):
        message = exceeded_message(counter, q.retry_after)
    body = {"help": flask.request.url, "success": False,
            "error": {"__type": "Quota Exceeded", "message": message, "scope": counter.scope,
                      "measure": counter.measure, "limit": counter.limit,
                      "retry_after": q.retry_after}}
    resp = flask.Response(json.dumps(body, ensure_ascii=False), status=429,
                          content_type="application/json;charset=utf-8")
    resp.headers["Retry-After"] = str(q.retry_after)
    if counter.measure == "requests":
        q.header = (counter, left)
    else:
        q.rows_header = (counter, left)
    return resp


def _exceeded_handler(exc: QuotaExceeded):
    q = current()
    if q is None:  # cannot happen: only raised under a quota
        q = RequestQuota(limiter(), dq.Caller(), None, "api", settings(), timezone())
    return _exceeded_response(q, exc.counter, 0)


# ------------------------------------------------------------------ alerts (80% / 100%)
def alert_message(counter: dq.Counter, level: int) -> str:
    what = tk._("calls") if counter.measure == "requests" else tk._("rows")
    zh_scope = {"application": "应用密钥", "user": "账号", "anonymous": "匿名地址",
                "dataset": "对单个数据集的调用"}[counter.scope]
    zh_what = "调用次数" if counter.measure == "requests" else "返回行数"
    if level >= 100:
        zh = "您的%s今日接口%s已用完（每日 %d），次日零时恢复。" % (zh_scope, zh_what, counter.limit)
        en = "Your daily API quota of %s (%d) is used up; it renews at midnight." % (what, counter.limit)
    else:
        zh = "您的%s今日接口%s已用 %d%%（每日 %d）。" % (zh_scope, zh_what, level, counter.limit)
        en = "You have used %d%% of your daily API quota of %s (%d)." % (level, what, counter.limit)
    if counter.scope == "dataset" and counter.ident.rsplit("|ds:", 1)[-1]:
        pkg = model.Package.get(counter.ident.rsplit("|ds:", 1)[-1])
        if pkg is not None:
            zh = "数据集「%s」：%s" % (pkg.title or pkg.name, zh)
    return zh + "\n" + en


def alert(caller: dq.Caller, alerts: List[Tuple[dq.Counter, int]], day: str) -> int:
    """One notification per (counter, level, day) for the caller's user
    (notifications.quota_alert: once per day, e-mailed by a background job)."""
    from .notifications import quota_alert
    made = 0
    for c, level in alerts:
        key = "quota:%s:%s:%s:%s:%d" % (c.scope, c.measure, c.ident, day, level)
        if quota_alert(caller.user_id, "quota_%d" % level, alert_message(c, level), key):
            made += 1
    return made


# ------------------------------------------------------------------ usage statistics
def _redis():
    from ckan.lib.redis import connect_to_redis
    return connect_to_redis()


def _usage_key(day: str) -> str:
    return "govopen:api-usage:%s:%s" % (tk.config.get("ckan.site_id") or "default", day)


def _usage_incr(package_id: Optional[str], measure: str, n: int) -> None:
    q = current()
    if q is None or n <= 0:
        return
    try:
        r = _redis()
        key = _usage_key(q.day)
        pipe = r.pipeline()
        pipe.hincrby(key, "total:" + measure, n)
        if package_id:
            pipe.hincrby(key, "ds:%s:%s" % (package_id, measure), n)
        pipe.expire(key, USAGE_TTL)
        pipe.execute()
    except Exception:
        log.exception("API usage not recorded")


def usage(days: List[str]) -> Dict[str, Dict[str, int]]:
    """{"total": {requests, rows}, "<package id>": {requests, rows}} summed over ``days``."""
    out: Dict[str, Dict[str, int]] = {"total": {"requests": 0, "rows": 0}}
    r = _redis()
    for day in days:
        for field, value in (r.hgetall(_usage_key(day)) or {}).items():
            field = field.decode() if isinstance(field, bytes) else field
            parts = field.split(":")
            if parts[0] == "total":
                out["total"][parts[1]] += int(value)
            elif parts[0] == "ds" and len(parts) == 3:
                out.setdefault(parts[1], {"requests": 0, "rows": 0})[parts[2]] += int(value)
    return out


def calls_per_day(days: List[str]) -> Dict[str, Dict[str, int]]:
    """{day: {package id | "": API calls}} for the scorecards (issue 18): calls per
    dataset, and under "" the calls that named no dataset. One pipeline for all days;
    Redis keeps a day about 13 months (``USAGE_TTL``); unreachable Redis → {}."""
    try:
        r = _redis()
        pipe = r.pipeline()
        for day in days:
            pipe.hgetall(_usage_key(day))
        answers = pipe.execute()
    except Exception:
        log.exception("API usage not readable")
        return {}
    out: Dict[str, Dict[str, int]] = {}
    for day, fields in zip(days, answers):
        per: Dict[str, int] = {}
        total = named = 0
        for f, value in (fields or {}).items():
            f = f.decode() if isinstance(f, bytes) else f
            parts = f.split(":")
            if parts == ["total", "requests"]:
                total = int(value)
            elif parts[0] == "ds" and len(parts) == 3 and parts[2] == "requests":
                per[parts[1]] = int(value)
                named += int(value)
        if total > named:
            per[""] = total - named
        if per:
            out[day] = per
    return out


def usage_today(counters: List[dq.Counter]) -> Dict[str, dict]:
    """For a page: {measure: {"limit", "used"}} of the tightest counter per measure."""
    lim = limiter()
    out = {}
    if lim is None:
        return out
    for c in counters:
        stats = lim.limiter.get_window_stats(_item(c.limit), *c.key)
        used = c.limit - max(0, int(stats.remaining))
        prev = out.get(c.measure)
        if prev is None or c.limit - used < prev["limit"] - prev["used"]:
            out[c.measure] = {"limit": c.limit, "used": used}
    return out
