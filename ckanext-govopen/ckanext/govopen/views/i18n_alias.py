"""``/api/i18n/<locale>`` under the name CKAN's own page script asks for.

CKAN 2.11 writes ``<html lang="zh-Hans-CN">`` (``h.unix_locale_to_bcp47``) and its
``client.getLocaleData`` turns that back into a locale with ``locale.replace('-', '_')``,
which in JavaScript replaces only the FIRST hyphen: it asks ``/api/i18n/zh_Hans-CN``,
which the core view refuses (400, unknown locale), and ``main.js`` then never starts its
modules (language switch, upload widget, URL slug). Every offered locale with more
than one part gets a static alias route for that half-converted name; werkzeug ranks a
static rule above the core ``/api/i18n/<lang>`` rule, so the core view answers it with
the real locale. The lang attribute stays correct BCP-47.
"""
from __future__ import annotations

from flask import Blueprint

blueprint = Blueprint("govopen_i18n", __name__)


def js_locale_name(locale: str) -> str:
    """The name CKAN's client.js asks for, given the POSIX locale: BCP-47 form
    (``_`` → ``-``) with only the first ``-`` turned back into ``_``."""
    return locale.replace("_", "-").replace("-", "_", 1)


def aliases(locales) -> dict:
    """{alias: locale} for the locales whose JS-asked name differs from their own."""
    return {js_locale_name(str(l)): str(l) for l in locales
            if js_locale_name(str(l)) != str(l)}


def _register():
    from ckan.lib.i18n import get_locales_from_config
    from ckan.views.api import i18n_js_translations

    for alias, locale in aliases(get_locales_from_config()).items():
        def view(_locale=locale):
            return i18n_js_translations(_locale)
        blueprint.add_url_rule("/api/i18n/" + alias, "i18n_" + alias.replace("-", "_"),
                               view_func=view)


_register()
