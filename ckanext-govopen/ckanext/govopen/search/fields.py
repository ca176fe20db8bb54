"""How each index field behaves, following CKAN's Solr schema (ckan/config/solr/schema.xml).

- *text* fields are tokenized (searched through ``tsv`` plus a per-field recheck);
- *date* fields compare as timestamps (ranges, date math);
- *ngram* fields (``name_ngram``/``title_ngram``, used by package_autocomplete) match
  substrings of their source field;
- *stored-only* fields are returned by ``fl`` but not searchable;
- every other field is a *string* field (Solr's ``string`` type and its ``*`` catch-all):
  exact, case-sensitive matching, facetable, stored in ``terms``.
"""
from __future__ import annotations

import hashlib

from .schema import SEP  # noqa: F401 - re-exported

TEXT_FIELDS = {
    "title", "notes", "author", "author_email", "maintainer", "maintainer_email",
    "res_name", "res_description", "text", "urls", "depends_on", "dependency_of",
    "derives_from", "has_derivation", "links_to", "linked_from", "child_of", "parent_of",
}
TEXT_PREFIXES = ("extras_", "res_extras_")
DATE_FIELDS = {"metadata_created", "metadata_modified", "indexed_ts"}
NGRAM_FIELDS = {"name_ngram": "name", "title_ngram": "title"}
STORED_ONLY = {"data_dict", "validated_data_dict"}
# Solr stores these with stored="false": never returned by fl.
NOT_STORED = {"text", "urls", "title_string", "permission_labels"}

# Solr's copyFields into ``text`` with the weight each gets in ``tsv``
# (QUERY_FIELDS = "name^4 title^4 tags^2 groups^2 text").
WEIGHT_A = ("name", "title")
WEIGHT_B = ("tags", "groups", "organization")
WEIGHT_C = ("notes", "res_name", "res_description")
WEIGHT_D = ("text", "license", "url", "ckan_url", "download_url", "res_url",
            "maintainer", "author")
WEIGHT_D_PREFIXES = ("extras_", "res_extras_", "vocab_")

MAX_TERM_CHARS = 256

# Unique-per-dataset or structural string fields: kept in ``terms`` (exact fq, facets
# still work) but left out of ``facet_terms``, the compact copy facet counting unnests.
NOT_IN_FACET_TERMS = {
    "id", "index_id", "name", "site_id", "entity_type", "url", "ckan_url", "download_url",
    "res_url", "creator_user_id", "title_string", "permission_labels", "capacity", "state",
    "license_title", "version", "owner_org", "type", "dataset_type", "isopen", "private",
    "num_resources", "num_tags",
}

# exact matches on these fields use their own column instead of ``terms``
COLUMN_FIELDS = {"state": "state", "capacity": "capacity", "site_id": "site_id",
                 "permission_labels": "permission_labels"}
ARRAY_COLUMNS = {"permission_labels"}


def is_text(field: str) -> bool:
    return field in TEXT_FIELDS or field.startswith(TEXT_PREFIXES)


def is_date(field: str) -> bool:
    return field in DATE_FIELDS or field.endswith("_date")


def is_string(field: str) -> bool:
    return not (is_text(field) or is_date(field) or field in NGRAM_FIELDS
                or field in STORED_ONLY)


def scalar_str(value) -> str | None:
    """How a scalar is written in ``terms`` (and how a query value is compared)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, str)):
        return str(value)
    return None


def term_key(field: str, value: str) -> str:
    """``field<US>value``; long values are shortened with a digest so GIN accepts them."""
    if len(value) > MAX_TERM_CHARS:
        digest = hashlib.sha1(value.encode("utf-8")).hexdigest()
        value = value[:MAX_TERM_CHARS - 50] + "\x1e" + digest
    return field + SEP + value


def term_prefix(field: str) -> str:
    return field + SEP
