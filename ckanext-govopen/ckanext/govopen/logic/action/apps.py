"""Applications (应用) with API keys, API usage, and rows counting (issue 16).

Public names (``/api/3/action/<name>``):
  govopen_app_create {title, description?} → {id, title, description, created, token}
                     the token (a CKAN API token) is returned here only, once
  govopen_app_list   {}   → the caller's applications, with today's quota use
  govopen_app_delete {id} → revokes the token (api_token_revoke) and removes the application
  govopen_api_usage  {organization?, package_id?, days?} → calls and rows per dataset
                     (department: its datasets; competent authority: all + totals)
Who may do what: ``logic/auth/apps.py``. Chained ``datastore_search`` /
``datastore_search_sql`` count the rows they return against the caller's rows
quota (``quota.py``); a search is cut to the rows left for the day.
"""
from __future__ import annotations

import datetime as dt
import logging

import ckan.model as model
import ckan.plugins.toolkit as tk
from werkzeug.exceptions import TooManyRequests

log = logging.getLogger(__name__)

MAX_APPS_PER_USER = 20
TITLE_MAX = 100
DESCRIPTION_MAX = 500


def _user(context):
    u = model.User.get(context.get("user") or "")
    if u is None:
        raise tk.NotAuthorized(tk._("Please log in"))
    return u


def govopen_app_create(context, data_dict):
    from ...model import App
    from ...model.apps import new_app_id
    tk.check_access("govopen_app_create", context, data_dict)
    user = _user(context)
    title = data_dict.get("title")
    title = title.strip() if isinstance(title, str) else ""
    description = data_dict.get("description")
    description = description.strip() if isinstance(description, str) else ""
    errors = {}
    if not title:
        errors["title"] = [tk._("Please give the application a name")]
    elif len(title) > TITLE_MAX:
        errors["title"] = [tk._("The application name may have at most %d characters") % TITLE_MAX]
    if len(description) > DESCRIPTION_MAX:
        errors["description"] = [tk._("The description may have at most %d characters") % DESCRIPTION_MAX]
    if errors:
        raise tk.ValidationError(errors)
    count = model.Session.query(App).filter(App.user_id == user.id).count()
    if count >= MAX_APPS_PER_USER:
        raise tk.ValidationError({"title": [
            tk._("You may hold at most %d applications; delete one first") % MAX_APPS_PER_USER]})
    app_id = new_app_id()
    token = tk.get_action("api_token_create")(
        {"user": user.name, "model": model},
        {"user": user.name, "name": ("应用 %s %s" % (app_id, title))[:200]})["token"]
    from ckan.lib import api_token
    jti = (api_token.decode(token) or {}).get("jti")
    try:
        if not jti:
            raise RuntimeError("token without jti")
        app = App(id=app_id, user_id=user.id, title=title, description=description or None,
                  token_id=jti)
        model.Session.add(app)
        model.Session.commit()
    except Exception:
        model.Session.rollback()
        if jti:  # nothing half-written: the token goes with the failed application
            model.ApiToken.revoke(jti)
        raise
    out = app.as_dict(token_active=True)
    out["token"] = token
    return out


def _quota_use(app, user_id):
    try:
        from ... import quota
        from ...domain import quotas as dq
        settings = quota.settings()
        now = dt.datetime.now(dt.timezone.utc)
        day = dq.local_day(now, quota.timezone()).isoformat()
        out = {}
        for measure in dq.MEASURES:
            cs = [c for c in dq.counters(dq.Caller(user_id=user_id, app_id=app.id), measure,
                                         settings, day) if c.scope == "application"]
            out.update(quota.usage_today(cs))
        return out
    except Exception:
        return {}


@tk.side_effect_free
def govopen_app_list(context, data_dict):
    from ...model import App
    tk.check_access("govopen_app_list", context, data_dict)
    user = _user(context)
    apps = (model.Session.query(App).filter(App.user_id == user.id)
            .order_by(App.created.desc()).all())
    out = []
    for a in apps:
        tok = model.Session.query(model.ApiToken).get(a.token_id)
        d = a.as_dict(token_active=tok is not None)
        d["last_access"] = tok.last_access.isoformat() if tok is not None and tok.last_access else None
        d["quota"] = _quota_use(a, user.id)
        out.append(d)
    return out


def govopen_app_delete(context, data_dict):
    from ...model import App
    app_id = tk.get_or_bust(data_dict, "id")
    app = model.Session.query(App).get(app_id) if isinstance(app_id, str) else None
    if app is None:
        raise tk.ObjectNotFound(tk._("Application not found"))
    tk.check_access("govopen_app_delete", context, {"id": app.id})
    model.ApiToken.revoke(app.token_id)   # the key dies with the application
    model.Session.delete(app)
    model.Session.commit()
    return {"id": app_id, "deleted": True}


# ------------------------------------------------------------------ usage
@tk.side_effect_free
def govopen_api_usage(context, data_dict):
    """Calls and rows per dataset over the last ``days`` (1–366, default 30) local
    days including today. The competent authority sees every dataset and the
    totals; a department member the datasets of their departments."""
    from ... import quota
    from ...domain import quotas as dq
    tk.check_access("govopen_api_usage", context, data_dict)
    try:
        days = int(data_dict.get("days") or 30)
    except (TypeError, ValueError):
        raise tk.ValidationError({"days": [tk._("Please give a whole number of days")]})
    if not 1 <= days <= 366:
        raise tk.ValidationError({"days": [tk._("Please give between 1 and 366 days")]})
    user = _user(context)
    today = dq.local_day(dt.datetime.now(dt.timezone.utc), quota.timezone())
    dates = [(today - dt.timedelta(days=i)).isoformat() for i in range(days)]
    counts = quota.usage(dates)
    org = data_dict.get("organization")
    org_obj = model.Group.get(org) if org else None
    if org and org_obj is None:
        raise tk.ObjectNotFound(tk._("Department not found"))
    pkg_filter = model.Package.get(data_dict["package_id"]) if data_dict.get("package_id") else None
    if data_dict.get("package_id") and pkg_filter is None:
        raise tk.ObjectNotFound(tk._("Dataset not found"))
    if user.sysadmin:
        allowed_orgs = None
    else:
        from ..access import actor_for
        allowed_orgs = set((actor_for(user).org_capacities or {}).keys())
    rows = []
    for pid, c in counts.items():
        if pid == "total":
            continue
        pkg = model.Package.get(pid)
        if pkg is None:
            continue
        if allowed_orgs is not None and pkg.owner_org not in allowed_orgs:
            continue
        if org_obj is not None and pkg.owner_org != org_obj.id:
            continue
        if pkg_filter is not None and pkg.id != pkg_filter.id:
            continue
        owner = model.Group.get(pkg.owner_org) if pkg.owner_org else None
        rows.append({"package_id": pkg.id, "name": pkg.name, "title": pkg.title,
                     "organization": owner.name if owner else None,
                     "organization_title": owner.title if owner else None,
                     "requests": c.get("requests", 0), "rows": c.get("rows", 0)})
    rows.sort(key=lambda r: (-r["requests"], -r["rows"], r["name"]))
    out = {"from": dates[-1], "to": dates[0], "datasets": rows}
    if user.sysadmin:
        out["total"] = counts["total"]      # every API call, with or without a dataset
        per_org = {}
        for r in rows:
            o = per_org.setdefault(r["organization"] or "", {
                "organization": r["organization"], "organization_title": r["organization_title"],
                "requests": 0, "rows": 0})
            o["requests"] += r["requests"]
            o["rows"] += r["rows"]
        out["organizations"] = sorted(per_org.values(), key=lambda o: -o["requests"])
    return out


# ------------------------------------------------------------------ rows counting
def _package_of_resource(data_dict):
    rid = (data_dict or {}).get("resource_id") or (data_dict or {}).get("id")
    r = model.Resource.get(rid) if isinstance(rid, str) and rid else None
    return r.package_id if r is not None else None


def _rows_default():
    try:
        return int(tk.config.get("ckan.datastore.search.rows_default") or 100)
    except (TypeError, ValueError):
        return 100


def count_search_rows(up, context, data_dict):
    """datastore_search under the caller's rows quota: refused (429) when no rows are
    left today, cut to the rows left otherwise, and the rows returned counted."""
    from ... import quota
    from ...domain import quotas as dq
    q = quota.current()
    _bounded(context)
    if q is None:
        return _search_bounded(up, context, data_dict)
    pkg_id = _package_of_resource(data_dict)
    left, counter = q.rows_left(pkg_id)
    if counter is not None:
        if left <= 0:
            raise quota.QuotaExceeded(counter)
        if q.kind in ("api", "datatables"):
            limit = data_dict.get("limit")
            try:
                limit = None if limit in (None, "") else int(limit)
            except (TypeError, ValueError):
                limit = None   # datastore_search's own validation answers
            if limit is not None or left < _rows_default():
                data_dict = {**data_dict, "limit": dq.clamp_rows(limit, left, _rows_default())}
    result = _search_bounded(up, context, data_dict)
    q.count_rows(_records_count((result or {}).get("records")), pkg_id)
    return result


def _search_bounded(up, context, data_dict):
    try:
        return up(context, data_dict)
    except tk.ValidationError as err:
        if _took_too_long(err) and not authz_is_sysadmin(context):
            raise _too_long_error()
        raise


def _records_count(records) -> int:
    """Rows in a result: a list of records, or CSV/TSV text (records_format csv/tsv:
    one line per record)."""
    if not records:
        return 0
    if isinstance(records, str):
        return records.count("\n")
    return len(records)


#: CKAN's DataStore lets a query run 60 s; a public API must not let one anonymous call
#: hold a server process that long (an outside test kept one busy for 62 s with a heavy
#: datastore_search_sql). Everyone but the competent authority gets this bound.
DEFAULT_QUERY_TIMEOUT_MS = 10000


def query_timeout_ms() -> int:
    """``govopen.datastore.query_timeout_ms`` (default 10 s; 0 or less: CKAN's own)."""
    try:
        return int(tk.config.get("govopen.datastore.query_timeout_ms")
                   or DEFAULT_QUERY_TIMEOUT_MS)
    except (TypeError, ValueError):
        return DEFAULT_QUERY_TIMEOUT_MS


def _bounded(context):
    """The context with the caller's statement timeout (CKAN reads ``query_timeout``)."""
    limit = query_timeout_ms()
    if limit > 0 and not authz_is_sysadmin(context):
        current = context.get("query_timeout")
        context["query_timeout"] = min(int(current), limit) if current else limit
    return context


def _took_too_long(err: tk.ValidationError) -> bool:
    messages = (err.error_dict or {}).get("query") or []
    return any("took too long" in str(m) for m in messages)


def _too_long_error() -> tk.ValidationError:
    return tk.ValidationError({"query": [tk._(
        "The query took longer than %(seconds)s seconds and was stopped. Ask for fewer "
        "rows or add conditions.") % {"seconds": max(1, query_timeout_ms() // 1000)}]})


def _sql_without_details(up, context, data_dict):
    """CKAN plans the SQL (EXPLAIN) before its auth function learns the tables, and a
    planning error carries PostgreSQL's message and the rewritten SQL: column counts and
    types of tables the caller may not read (an outside test, with UNION). Only the
    competent authority sees those details; everyone else a plain refusal."""
    try:
        return up(_bounded(context), data_dict)
    except tk.ValidationError as err:
        if authz_is_sysadmin(context):
            raise
        if _took_too_long(err):
            raise _too_long_error()
        raise tk.ValidationError({"sql": [tk._("The SQL query could not be run. Check its "
                                               "syntax and that you may read every table it names.")]})
    except (tk.NotAuthorized, tk.ObjectNotFound, TooManyRequests):
        raise
    except Exception:
        # CKAN cannot present every result (a column of a table's row type,
        # '("a")'::"<id>", failed while formatting it: a 500 for an outside tester)
        log.warning("datastore_search_sql failed", exc_info=True)
        raise tk.ValidationError({"sql": [tk._("The SQL query could not be run. Check its "
                                               "syntax and that you may read every table it names.")]})


def authz_is_sysadmin(context) -> bool:
    from ckan import authz
    return bool(authz.is_sysadmin(context.get("user")))


def count_sql_rows(up, context, data_dict):
    """datastore_search_sql: refused when no rows are left, rows returned counted."""
    from ... import quota
    from .datastore import check_input_types
    check_input_types("datastore_search_sql", data_dict)
    from .. import scoping
    # the auth function (on CKAN's copy of the context) adds the tables the SQL read
    tables = context.setdefault(scoping.SQL_TABLES_KEY, [])
    q = quota.current()
    if q is None:
        result = _sql_without_details(up, context, data_dict)
    else:
        left, counter = q.rows_left(None)
        if counter is not None and left <= 0:
            raise quota.QuotaExceeded(counter)
        result = _sql_without_details(up, context, data_dict)
        q.count_rows(_records_count((result or {}).get("records")), None)
    if not context.get("ignore_auth"):  # finding F3: conditional data read by SQL, audited
        scoping.record_read(context, sorted(set(tables)),
                            _records_count((result or {}).get("records")), "datastore_search_sql")
    return result


def get_actions() -> dict:
    acts = {f.__name__: f for f in (govopen_app_create, govopen_app_list, govopen_app_delete,
                                    govopen_api_usage)}
    import ckan.plugins as p
    if p.plugin_loaded("datastore"):
        def datastore_search(up, context, data_dict):
            return count_search_rows(up, context, data_dict)

        def datastore_search_sql(up, context, data_dict):
            return count_sql_rows(up, context, data_dict)
        acts["datastore_search"] = tk.chained_action(tk.side_effect_free(datastore_search))
        acts["datastore_search_sql"] = tk.chained_action(tk.side_effect_free(datastore_search_sql))
    return acts
