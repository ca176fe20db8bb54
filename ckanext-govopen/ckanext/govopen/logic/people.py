"""How a person who acted is named on pages and in logs (issue 14): the display name of
the account; CKAN's site user (named after ``ckan.site_id``, e.g. ``govopen``, which the
publication worker, timers and jobs act as) and an empty actor are 系统 / System, never
the internal account name."""
from __future__ import annotations

from typing import Optional

import ckan.model as model
import ckan.plugins.toolkit as tk


def system_label() -> str:
    from .requests_glue import is_en
    return "System" if is_en() else "系统"


def is_site_user(user) -> bool:
    site = tk.config.get("ckan.site_id")
    return bool(user is not None and site and user.name == site)


def user_label(user_id: Optional[str]) -> dict:
    """{id, name, display_name} of the account that acted (name None for the system)."""
    u = model.User.get(user_id) if user_id else None
    if u is None or is_site_user(u):
        return {"id": u.id if u else (user_id or None), "name": None, "display_name": system_label()}
    return {"id": u.id, "name": u.name, "display_name": u.display_name}
