"""Template helpers of the portal's home page, header and footer.

They fetch and format answers (facet counts, department list, which routes exist,
the jurisdiction's regulation); they decide no rule.  Search goes through
``package_search`` as the current user, so the counts are what that user may list.
"""
from __future__ import annotations

import logging

import ckan.plugins.toolkit as tk

from .domain import open_types as ot

log = logging.getLogger(__name__)

DEFAULT_AUTHORITY_ZH = "本级公共数据主管部门"
DEFAULT_AUTHORITY_EN = "the competent public-data authority"


def _en():
    from .logic.validators import current_lang
    return current_lang().startswith("en")


def govopen_home_open_type_counts():
    """[{value, label, count, url}] for the three open types, in the regulations' order,
    plus the total, from one ``package_search`` facet query."""
    counts, total = {}, 0
    try:
        res = tk.get_action("package_search")({}, {
            "q": "", "rows": 0, "facet.field": '["open_type"]', "facet.limit": -1})
        total = res.get("count") or 0
        for item in (res.get("search_facets") or {}).get("open_type", {}).get("items", []):
            counts[item["name"]] = item["count"]
    except Exception:  # the home page must render even when search is down
        log.exception("home page: open-type counts unavailable")
    rows = []
    for value in ot.OPEN_TYPES:
        zh, en = ot.OPEN_TYPE_LABELS[value]
        rows.append({"value": value, "label": en if _en() else zh,
                     "count": counts.get(value, 0),
                     "url": tk.h.url_for("dataset.search", open_type=value)})
    return {"total": total, "types": rows}


def govopen_home_departments(limit=12):
    """Departments (CKAN organizations) with their dataset counts, most datasets first."""
    try:
        orgs = tk.get_action("organization_list")({}, {
            "all_fields": True, "include_dataset_count": True, "sort": "package_count"})
    except Exception:
        log.exception("home page: department list unavailable")
        return []
    return orgs[:limit] if limit else orgs


def govopen_route_if_exists(path):
    """``path`` if a GET route answers it in this running app, else None.

    For links to features that may or may not be installed (e.g. /demand): the link
    appears only when the route exists at render time."""
    from flask import current_app
    try:
        current_app.url_map.bind("localhost").match(path, method="GET")
    except Exception:
        return None
    return tk.h.url_for(path) if path.startswith("/") else path


def govopen_regulation():
    """The jurisdiction's name and regulation (config/jurisdictions/<code>.yaml)."""
    try:
        from .logic.requests_glue import jurisdiction
        j = jurisdiction()
        return {"name": j.name or "", "regulation": j.regulation or ""}
    except Exception:
        return {"name": "", "regulation": ""}


def govopen_competent_authority():
    """Name of the competent authority shown in the footer (``govopen.competent_authority``
    / ``govopen.competent_authority_en`` in the ini)."""
    key, default = (("govopen.competent_authority_en", DEFAULT_AUTHORITY_EN) if _en()
                    else ("govopen.competent_authority", DEFAULT_AUTHORITY_ZH))
    # undeclared option: read it only when present (config.get would warn on every page)
    return (tk.config[key] if key in tk.config else None) or default


def get_helpers():
    return {f.__name__: f for f in (
        govopen_home_open_type_counts, govopen_home_departments, govopen_route_if_exists,
        govopen_regulation, govopen_competent_authority)}
