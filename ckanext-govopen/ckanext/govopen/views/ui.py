"""Work pages added for the portal's navigation (issue 14): the confidentiality-review
queue of the department (保密审查待办). The view asks ``govopen_publication_queue`` and
renders; no rule is decided here."""
from __future__ import annotations

from flask import Blueprint, request

import ckan.plugins.toolkit as tk
from ckan.common import current_user

blueprint = Blueprint("govopen_ui", __name__)


# ------------------------------------------------------------------ favicon
@blueprint.route("/favicon.ico")
def favicon():
    """Browsers ask /favicon.ico wherever the page has no <link rel=icon> (a JSON or CSV
    shown inline): send them to the site's icon instead of a 404 (walk item 26)."""
    import flask
    return flask.redirect(tk.config.get("ckan.favicon") or "/base/images/ckan.ico", code=301)


# ------------------------------------------------------------------ view and download counts
@blueprint.after_app_request
def _count_dataset_view(response):
    """A dataset page shown (200, GET) counts one view of that dataset."""
    try:
        if request.method == "GET" and response.status_code == 200 and \
                request.endpoint in ("dataset.read", "dataset_read") and request.view_args:
            import ckan.model as model
            pkg = model.Package.get(request.view_args.get("id") or "")
            if pkg is not None:
                from ..model import usage
                usage.count(pkg.id, "views")
    except Exception:  # counting must never break a page
        import logging
        logging.getLogger(__name__).exception("view count failed")
    return response


#: the endpoints that hand out a resource's data: the file or link (download, the
#: policy's replacement of CKAN's), and the DataStore's dump (CSV/TSV/JSON/XML/XLSX)
def _is_download(endpoint: str, rule: str) -> bool:
    return (endpoint.endswith(".download") and "/resource/" in rule) or endpoint == "datastore.dump"


@blueprint.after_app_request
def _count_download(response):
    """A download counts once, when the data was handed out: a GET answered 200 (the
    file, the dump) or 302 (a linked resource's address). Refusals, HEAD, a browser's
    partial (206) or revalidated (304) requests are not downloads."""
    try:
        if request.method == "GET" and response.status_code in (200, 302) and request.endpoint \
                and request.url_rule is not None and request.view_args \
                and _is_download(request.endpoint, request.url_rule.rule) \
                and not request.headers.get("Range"):
            import ckan.model as model
            res = model.Resource.get(request.view_args.get("resource_id") or "")
            if res is not None:
                from ..model import usage
                usage.count(res.package_id, "downloads")
    except Exception:  # counting must never break a download
        import logging
        logging.getLogger(__name__).exception("download count failed")
    return response


def _context():
    return {"user": current_user.name if current_user and not current_user.is_anonymous else "",
            "auth_user_obj": current_user}


@blueprint.route("/dashboard/publication-reviews")
def publication_queue():
    if not current_user or current_user.is_anonymous:
        return tk.redirect_to(tk.url_for("user.login", came_from=request.full_path))
    rows = tk.get_action("govopen_publication_queue")(_context(), {})
    return tk.render("govopen/publication/queue.html", extra_vars={"rows": rows})
