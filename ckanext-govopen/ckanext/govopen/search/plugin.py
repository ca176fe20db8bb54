import ckan.plugins as p


class GovOpenSearchPlugin(p.SingletonPlugin):
    """PostgreSQL stand-in for CKAN's Solr search (filled in by the search work)."""
