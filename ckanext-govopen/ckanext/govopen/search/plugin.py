"""The ``govopen_search`` plugin: CKAN's dataset search on PostgreSQL instead of Solr.

The routing itself is installed when this module is imported (``ckanext.govopen.search``
``__init__``), so it survives CKAN's test fixtures unloading plugins; the plugin hooks
re-install it (idempotent) and make sure the index table exists at start-up.
"""
import logging

import ckan.plugins as p

from . import backend
from .schema import ensure_table_committed

log = logging.getLogger(__name__)

backend.install()


class GovOpenSearchPlugin(p.SingletonPlugin):
    """PostgreSQL stand-in for CKAN's Solr package index and query."""

    p.implements(p.IConfigurable)

    def configure(self, config):
        backend.install()
        import ckan.model as model
        if getattr(model.meta, "engine", None) is None:
            return
        try:
            ensure_table_committed()
        except Exception as e:  # noqa: BLE001 - e.g. `ckan db init` on an empty database
            log.warning("govopen_search: index table not created yet (%s); "
                        "it will be created on first use", e)
