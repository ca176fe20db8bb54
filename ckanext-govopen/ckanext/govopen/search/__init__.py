"""PostgreSQL stand-in for CKAN's Solr search (plugin ``govopen_search``).

Importing this package routes ``ckan.lib.search`` to PostgreSQL process-wide (see
:mod:`.backend`); the plugin only adds start-up and CLI conveniences.
"""
from .backend import install as _install

_install()
