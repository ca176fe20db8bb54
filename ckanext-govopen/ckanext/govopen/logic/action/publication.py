"""Publication gate actions (issue 7) and the chained core actions that enforce it.

  govopen_publication_show    {id: resource id} → {state, rows_done, rows_total, report,
                              review, public, …}             department members + authority
  govopen_publication_review  {id, checklist: {no_state_secret, no_trade_secret,
                              personal_data_within_policy, open_type_correct}, note}
                                                             department admin + authority
  govopen_publication_rerun   {id}                           department editors/admins + authority
  govopen_publication_list    {id: dataset}                  department members + authority
  govopen_publication_events  {id: resource id | package_id} department members + authority
  govopen_publication_policy_show    {package_id | organization}
  govopen_publication_policy_update  {package_id | organization, yaml}   admins + authority
  govopen_publication_policy_preview {package_id | organization, yaml, resource_id?, rows?}

Chained: package_create (new entries of department members start private; an entry
with unreviewed resources cannot be created public), package_update (private → public
only when every resource passed; package_patch/revise and resource_* go through it)
and bulk_update_public (the organization page's "make public").
"""
from __future__ import annotations

import datetime as dt
import json

import ckan.model as model
import ckan.plugins.toolkit as tk

from ...domain import open_types as ot
from ...publication import state
from .. import access, people


def _resource_and_pkg(data_dict):
    res = model.Resource.get(tk.get_or_bust(data_dict, "id"))
    if res is None or res.state != "active":
        raise tk.ObjectNotFound(tk._("Resource not found"))
    pkg = model.Package.get(res.package_id)
    if pkg is None:
        raise tk.ObjectNotFound(tk._("Resource not found"))
    return res, pkg


def _iso(v):
    return v.isoformat() if v else None


def _show_dict(row, res, pkg, actor) -> dict:
    value = state.value_of(row, res)
    status = ot.publication_status(value)
    passed = status.allowed
    report = row.report if row is not None else None
    review = dict(row.review) if row is not None and row.review else None
    if review is not None and review.get("token") != (row.token if row else None):
        review = None
    if review is not None and review.get("signed_at"):
        # issue 14: pages show local time (Asia/Shanghai), never the stored UTC
        from ...domain.catalog import to_shanghai
        local = to_shanghai(review["signed_at"])
        review["signed_at_local"] = local.strftime("%Y-%m-%d %H:%M") if local else ""
    cap = (actor.org_capacities or {}).get(pkg.owner_org or "")
    current = row is not None and value.current
    return {
        "id": res.id, "resource_id": res.id, "package_id": pkg.id,
        "state": row.state if current else (ot.PUB_QUEUED if row is not None else None),
        "kind": row.kind if row is not None else state.kind_for(res),
        "needs_attestation": value.needs_attestation if row is not None
        else state.kind_for(res) != state.KIND_TABULAR,
        "rows_done": int(row.rows_done or 0) if current else 0,
        "rows_total": (int(row.rows_total) if row.rows_total is not None else None) if current else None,
        "report": report if current else None,
        "report_hash": row.report_hash if current else None,
        "error": row.error if current else None,
        "review": review if current else None,
        "passed": passed,
        "public": bool(passed and not pkg.private and pkg.state == "active"),
        "status": status.as_dict(),
        "original_name": row.original_name if row is not None else None,
        "original_available": bool(row is not None and row.original_path),
        "policy_version": row.policy_version if row is not None else None,
        "queued_at": _iso(row.queued_at) if row else None,
        "started_at": _iso(row.started_at) if row else None,
        "heartbeat_at": _iso(row.heartbeat_at) if row else None,
        "finished_at": _iso(row.finished_at) if row else None,
        "checklist": list(ot.REVIEW_CHECKLIST),
        # could sign with every answer given (a statement too, where k is too low)
        "can_review": ot.may_sign_review(actor, access.dataset_value(pkg), value,
                                         {k: True for k in ot.REVIEW_CHECKLIST},
                                         k_anonymity_statement="-").allowed,
        "k_anonymity_statement_required": not value.k_anonymity_met,
        "can_rerun": actor.sysadmin or cap in ("editor", "admin"),
    }


@tk.side_effect_free
def govopen_publication_show(context, data_dict):
    res, pkg = _resource_and_pkg(data_dict)
    tk.check_access("govopen_publication_show", context, {"id": res.id})
    row = state.get_row(res.id)
    if state.check_stale(row):
        model.repo.commit()
    return _show_dict(row, res, pkg, access.actor_from_context(context))


@tk.side_effect_free
def govopen_publication_list(context, data_dict):
    pkg = model.Package.get(tk.get_or_bust(data_dict, "id"))
    if pkg is None:
        raise tk.ObjectNotFound()
    tk.check_access("govopen_publication_show", context, {"package_id": pkg.id})
    actor = access.actor_from_context(context)
    out = []
    for res in pkg.resources:
        if res.state != "active":
            continue
        row = state.get_row(res.id)
        if state.check_stale(row):
            model.repo.commit()
        d = _show_dict(row, res, pkg, actor)
        d["name"] = res.name
        d.pop("report", None)
        out.append(d)
    return out


def _checklist(value) -> dict:
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            raise tk.ValidationError({"checklist": [tk._("Must be an object of booleans")]})
    if not isinstance(value, dict):
        raise tk.ValidationError({"checklist": [tk._("Must be an object of booleans")]})
    errors = {k: [tk._("Must be true or false")] for k in ot.REVIEW_CHECKLIST
              if not isinstance(value.get(k), bool)}
    if errors:
        raise tk.ValidationError({"checklist": [errors]})
    return {k: value[k] for k in ot.REVIEW_CHECKLIST}


def govopen_publication_review(context, data_dict):
    res, pkg = _resource_and_pkg(data_dict)
    tk.check_access("govopen_publication_review", context, {"id": res.id})
    checklist = _checklist(data_dict.get("checklist"))
    row = state.get_row(res.id)
    state.check_stale(row)
    actor = access.actor_from_context(context)
    value = state.value_of(row, res)
    statement = (data_dict.get("k_anonymity_statement") or "").strip() or None
    d = ot.may_sign_review(actor, access.dataset_value(pkg), value, checklist, statement)
    if not d.allowed:
        if d.reason_code == "review_not_reviewer":
            raise tk.NotAuthorized(access.lang_message(d))
        key = {"review_checklist": "checklist",
               "review_k_anonymity": "k_anonymity_statement"}.get(d.reason_code, "state")
        model.repo.commit()
        raise tk.ValidationError({key: [access.lang_message(d)]})
    user = model.User.get(context.get("user"))
    note = (data_dict.get("note") or "").strip() or None
    row.review = {"user_id": user.id, "user_name": user.name,
                  "user_display_name": user.display_name,
                  "signed_at": dt.datetime.utcnow().isoformat(), "checklist": checklist,
                  "note": note, "token": row.token, "report_hash": row.report_hash,
                  "k_anonymity_statement": statement if not value.k_anonymity_met else None,
                  "attestation": value.needs_attestation, "open_type": value.open_type,
                  "share_type": value.share_type}
    state.record("reviewed", res.id, pkg.id, user.id, checklist=checklist, note=note,
                 k_anonymity_statement=statement if not value.k_anonymity_met else None,
                 report_hash=row.report_hash, attestation=value.needs_attestation,
                 token=row.token, open_type=value.open_type, share_type=value.share_type)
    model.repo.commit()
    _reindex(pkg.id)  # the index shows a resource's URL only once it passed (issue 12)
    out = _show_dict(row, res, pkg, actor)
    from ...publication import datastore  # issue 16: a passed table goes into the DataStore
    datastore.enqueue_load(row)
    return out


def _reindex(package_id) -> None:
    """Index the dataset again after its resources' gate answer changed outside a
    dataset update (the index keeps only the URLs the public may have)."""
    import logging
    from ckan.lib import search
    try:
        search.rebuild(package_id)
        model.repo.commit()
    except Exception:  # the review stands; the index catches up on the next update
        logging.getLogger(__name__).exception("could not index %s again", package_id)
        model.Session.rollback()


def govopen_publication_rerun(context, data_dict):
    res, pkg = _resource_and_pkg(data_dict)
    tk.check_access("govopen_publication_rerun", context, {"id": res.id})
    row = state.get_row(res.id)
    state.check_stale(row)
    if row is None or row.fingerprint != state.fingerprint(res):
        ready = state.sync_package(pkg.id, context, files_ready=True)
    elif row.kind == state.KIND_LINK:
        ready = []
    elif row.state in (ot.PUB_QUEUED, ot.PUB_RUNNING) and row.rq_job_id and row.state == ot.PUB_RUNNING:
        raise tk.ValidationError({"state": [tk._("The job is running; wait for it to finish")]})
    else:
        state.reset(row, res, pkg, state.user_id_of(context), "rerun")
        ready = [row] if row.original_path or state.take_file(row) else []
        if not ready:
            row.state = ot.PUB_FAILED
            row.error = state.failure("missing")
    model.repo.commit()
    state.enqueue(ready)
    model.repo.commit()
    return _show_dict(state.get_row(res.id), res, pkg, access.actor_from_context(context))


@tk.side_effect_free
def govopen_publication_events(context, data_dict):
    from ...model import PublicationEvent
    rid, pid = data_dict.get("id"), data_dict.get("package_id")
    if rid:
        res, pkg = _resource_and_pkg(data_dict)
    else:
        pkg = model.Package.get(tk.get_or_bust(data_dict, "package_id"))
        if pkg is None:
            raise tk.ObjectNotFound()
    tk.check_access("govopen_publication_show", context, {"package_id": pkg.id})
    q = model.Session.query(PublicationEvent)
    q = q.filter(PublicationEvent.resource_id == rid) if rid else \
        q.filter(PublicationEvent.package_id == pkg.id)
    out = []
    for e in q.order_by(PublicationEvent.created).all():
        d = e.as_dict()
        who = people.user_label(e.user_id)
        d["user_name"], d["user_display_name"] = who["name"], who["display_name"]
        out.append(d)
    return out


# ------------------------------------------------------------------ policies
def _scope(data_dict):
    if data_dict.get("package_id"):
        pkg = model.Package.get(data_dict["package_id"])
        if pkg is None:
            raise tk.ObjectNotFound()
        return pkg.owner_org, pkg
    org = model.Group.get(tk.get_or_bust(data_dict, "organization"))
    if org is None or not org.is_organization:
        raise tk.ObjectNotFound()
    return org.id, None


def _policy_row(org_id, pkg):
    from ...model import PublicationPolicy
    q = model.Session.query(PublicationPolicy).filter(PublicationPolicy.org_id == org_id)
    q = q.filter(PublicationPolicy.package_id == pkg.id) if pkg is not None else \
        q.filter(PublicationPolicy.package_id.is_(None))
    return q.first()


def default_policy_yaml() -> str:
    import os
    import desensitize
    path = os.path.join(os.path.dirname(desensitize.__file__), "default_policy.yaml")
    with open(path, encoding="utf-8") as f:
        return f.read()


def _validate_yaml(text):
    import yaml
    import desensitize
    try:
        data = yaml.safe_load(text or "") or {}
    except (yaml.YAMLError, ValueError, RecursionError) as e:  # e.g. a date 2027-13-45, deep nesting
        raise tk.ValidationError({"yaml": ["YAML 格式错误 (invalid YAML): %s" % e]})
    if not isinstance(data, dict):
        raise tk.ValidationError({"yaml": ["策略必须是 YAML 映射 (the policy must be a YAML mapping)"]})
    try:
        desensitize.load_policy(data)
    except desensitize.PolicyError as e:
        raise tk.ValidationError({"yaml": [str(e)]})
    return data


@tk.side_effect_free
def govopen_publication_policy_show(context, data_dict):
    org_id, pkg = _scope(data_dict)
    tk.check_access("govopen_publication_policy_show", context,
                    {"package_id": pkg.id} if pkg else {"organization": org_id})
    own = _policy_row(org_id, pkg)
    effective = own or (_policy_row(org_id, None) if pkg is not None else None)
    return {"scope": "dataset" if pkg is not None else "organization",
            "own": own.as_dict() if own else None,
            "effective": effective.as_dict() if effective else None,
            "inherited": own is None and effective is not None,
            "yaml": effective.yaml if effective else "",
            "default_yaml": default_policy_yaml()}


def govopen_publication_policy_update(context, data_dict):
    from ...model import PublicationPolicy
    org_id, pkg = _scope(data_dict)
    tk.check_access("govopen_publication_policy_update", context,
                    {"package_id": pkg.id} if pkg else {"organization": org_id})
    text = data_dict.get("yaml") or ""
    _validate_yaml(text)
    uid = state.user_id_of(context)
    row = _policy_row(org_id, pkg)
    if row is None:
        row = PublicationPolicy(org_id=org_id, package_id=pkg.id if pkg else None, yaml=text,
                                version=1, updated_by=uid)
        model.Session.add(row)
    else:
        if row.yaml == text:
            return row.as_dict() | {"requeued": []}
        row.yaml, row.version, row.updated_by = text, row.version + 1, uid
        row.updated = dt.datetime.utcnow()
    model.Session.flush()
    # re-queue and withdraw the resources the policy governs
    if pkg is not None:
        pkgs = [pkg]
    else:
        overridden = {p for (p,) in model.Session.query(PublicationPolicy.package_id)
                      .filter(PublicationPolicy.org_id == org_id)
                      .filter(PublicationPolicy.package_id.isnot(None)).all()}
        pkgs = [p for p in model.Session.query(model.Package)
                .filter(model.Package.owner_org == org_id)
                .filter(model.Package.state == "active").all() if p.id not in overridden]
    ready = []
    for p in pkgs:
        state.record("policy_changed", None, p.id, uid, policy_id=row.id, version=row.version,
                     scope="dataset" if pkg is not None else "organization")
        for res in p.resources:
            r = state.get_row(res.id)
            if res.state != "active" or r is None or r.kind != state.KIND_TABULAR:
                continue
            was_passed = ot.publication_passed(state.value_of(r, res))
            state.reset(r, res, p, uid, "policy")
            if was_passed:
                state.record("withdrawn", res.id, p.id, uid, reason="policy_changed")
            if r.original_path or state.take_file(r):
                ready.append(r)
            else:
                r.state, r.error = ot.PUB_FAILED, state.failure("missing")
    model.repo.commit()
    state.enqueue(ready)
    model.repo.commit()
    return row.as_dict() | {"requeued": [r.resource_id for r in ready]}


def _previewable_row(context, resource_id, org_id, pkg):
    """The gate row of ``resource_id`` for a preview, only if the resource belongs to
    the scope whose policy the caller was allowed to read (the organization, or the
    dataset) AND the caller may read its original like the original-file download
    (issue 12, finding 1: the scope check alone let a department name another's file)."""
    res = model.Resource.get(resource_id) if isinstance(resource_id, str) else None
    owner = model.Package.get(res.package_id) if res is not None else None
    if res is None or owner is None or res.state != "active" or owner.owner_org != org_id \
            or (pkg is not None and owner.id != pkg.id):
        raise tk.ObjectNotFound(tk._("Resource not found"))
    tk.check_access("govopen_publication_original", context, {"id": res.id})
    return state.get_row(res.id)


def govopen_publication_policy_preview(context, data_dict):
    """What the policy would change on the first rows of a resource's original (or of
    ``sample_csv`` text). Nothing is stored."""
    import io
    import pandas as pd
    import desensitize
    org_id, pkg = _scope(data_dict)
    tk.check_access("govopen_publication_policy_show", context,
                    {"package_id": pkg.id} if pkg else {"organization": org_id})
    policy = _validate_yaml(data_dict.get("yaml") or "")
    n = min(int(data_dict.get("rows") or 20), 200)
    frame = None
    source = None
    if data_dict.get("sample_csv"):
        frame = pd.read_csv(io.StringIO(data_dict["sample_csv"]), dtype=str, keep_default_na=False,
                            nrows=n)
        source = "sample_csv"
    else:
        rid = data_dict.get("resource_id")
        rows = []
        if rid:
            rows = [_previewable_row(context, rid, org_id, pkg)]
        elif pkg is not None:
            rows = [state.get_row(r.id) for r in pkg.resources if r.state == "active"]
        for r in rows:
            if r is not None and r.kind == state.KIND_TABULAR and r.original_path:
                from desensitize.io import TableSource
                try:
                    frame = next(iter(TableSource(r.original_path).chunks(n))).head(n)
                except desensitize.DesensitizeError as e:
                    raise tk.ValidationError({"resource_id": [str(e)]})
                source = r.resource_id
                break
    if frame is None:
        raise tk.ValidationError({"resource_id": [
            "没有可预览的表格文件：请指定已上传的 CSV/XLSX 资源或提供样例 (no tabular file to preview)"]})
    from ...publication.job import _secret_env
    _secret_env()
    try:
        from ...publication.job import _k_anonymity_min
        report = desensitize.apply(frame.reset_index(drop=True), None, policy, workers=1, min_k=_k_anonymity_min())
    except desensitize.ResidualPIIError as e:
        return {"source": source, "passed": False, "error": str(e), "columns": list(frame.columns),
                "rows": [], "report": e.report}
    except desensitize.DesensitizeError as e:
        raise tk.ValidationError({"yaml": [str(e)]})
    out = report.frame.reset_index(drop=True)
    before = frame.reset_index(drop=True)
    rows = [{c: {"before": str(before.at[i, c]), "after": str(out.at[i, c]) if c in out.columns else None,
                 "changed": c not in out.columns or str(before.at[i, c]) != str(out.at[i, c])}
             for c in before.columns} for i in range(len(before))]
    return {"source": source, "passed": True, "columns": list(before.columns), "rows": rows,
            "report": {k: v for k, v in report.to_dict().items() if k in ("columns", "residual", "k_anonymity", "rows")}}


# ------------------------------------------------------------------ the gate on datasets
def _blocked(resources) -> list:
    """Resources (dicts) that have not passed the gate."""
    out = []
    for r in resources:
        if not isinstance(r, dict) or r.get("state", "active") != "active":
            continue
        if r.get("upload") is not None and not isinstance(r.get("upload"), str):
            out.append(r)  # a new file in this very call
            continue
        row = state.get_row(r.get("id")) if r.get("id") else None
        probe = r
        stored = model.Resource.get(r["id"]) if row is not None else None
        if stored is not None:  # the stored resource with this call's new values over it
            probe = {"id": stored.id, "url": stored.url, "url_type": stored.url_type,
                     "last_modified": stored.last_modified, "mimetype": stored.mimetype,
                     "format": stored.format, **r}
        if row is None or not ot.publication_passed(state.value_of(row, probe)):
            out.append(r)
    return out


def _refuse(blocked) -> None:
    d = ot.may_make_public([ot.Resource(id=r.get("id") or "", publication_passed=False)
                            for r in blocked])
    names = "、".join((r.get("name") or r.get("id") or "?") for r in blocked[:10])
    raise tk.ValidationError({"private": ["%s (%s)" % (access.lang_message(d), names)]})


def _wants_public(data_dict) -> bool:
    return "private" in data_dict and not tk.asbool(data_dict.get("private"))


@tk.chained_action
def package_create(up, context, data_dict):
    if state.gate_enabled():
        actor = access.actor_from_context(context)
        if "private" not in data_dict and ot.new_dataset_private(actor):
            data_dict["private"] = True
        if not tk.asbool(data_dict.get("private", False)):
            blocked = [r for r in data_dict.get("resources") or [] if isinstance(r, dict)]
            if blocked:
                _refuse(blocked)
    return up(context, data_dict)


@tk.chained_action
def package_update(up, context, data_dict):
    if state.gate_enabled() and _wants_public(data_dict):
        pkg = model.Package.get(data_dict.get("id") or data_dict.get("name") or "")
        if pkg is not None and pkg.private:
            if "resources" in data_dict:
                resources = data_dict.get("resources") or []
            else:
                resources = [{"id": r.id, "name": r.name, "url": r.url, "url_type": r.url_type,
                              "last_modified": r.last_modified}
                             for r in pkg.resources if r.state == "active"]
            blocked = _blocked(resources)
            if blocked:
                _refuse(blocked)
            result = up(context, data_dict)
            state.record("published", None, pkg.id, state.user_id_of(context))
            if not context.get("defer_commit"):
                model.repo.commit()
            return result
    return up(context, data_dict)


@tk.chained_action
def bulk_update_public(up, context, data_dict):
    if state.gate_enabled():
        blocked, publishing = [], []
        for pid in data_dict.get("datasets") or []:
            pkg = model.Package.get(pid)
            if pkg is None or not pkg.private:
                continue
            publishing.append(pkg.id)
            blocked += _blocked([{"id": r.id, "name": "%s / %s" % (pkg.title or pkg.name, r.name),
                                  "url": r.url, "url_type": r.url_type,
                                  "last_modified": r.last_modified}
                                 for r in pkg.resources if r.state == "active"])
        if blocked:
            _refuse(blocked)
        result = up(context, data_dict)
        uid = state.user_id_of(context)
        for pid in publishing:
            state.record("published", None, pid, uid, bulk=True)
        model.repo.commit()
        return result
    return up(context, data_dict)


def get_actions() -> dict:
    acts = {f.__name__: f for f in (
        govopen_publication_show, govopen_publication_review, govopen_publication_rerun,
        govopen_publication_list, govopen_publication_events, govopen_publication_policy_show,
        govopen_publication_policy_update, govopen_publication_policy_preview)}
    acts.update({"package_create": package_create, "package_update": package_update,
                 "bulk_update_public": bulk_update_public})
    return acts
