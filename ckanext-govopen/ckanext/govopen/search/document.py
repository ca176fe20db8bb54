"""Turn the dict CKAN sends to Solr into one row of the index table."""
from __future__ import annotations

import datetime
import json
from typing import Any

from dateutil.parser import parse as parse_date

from . import fields as F
from .tokenizer import VectorBuilder


def _clean(value: Any) -> Any:
    """PostgreSQL text/jsonb cannot hold NUL characters; drop them."""
    if isinstance(value, str):
        return value.replace("\x00", "") if "\x00" in value else value
    if isinstance(value, list):
        return [_clean(v) for v in value]
    if isinstance(value, tuple):
        return [_clean(v) for v in value]
    if isinstance(value, dict):
        return {_clean(str(k)): _clean(v) for k, v in value.items()}
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return value


def _timestamp(value: Any):
    if not value or not isinstance(value, str):
        return None
    try:
        dt = parse_date(value)
    except (ValueError, OverflowError):
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=datetime.timezone.utc)
    return dt


def _solr_date(value: Any) -> Any:
    """Solr's stored form of a date: UTC, millisecond precision (ISO_INSTANT)."""
    dt = _timestamp(value)
    if dt is None:
        return value
    dt = dt.astimezone(datetime.timezone.utc)
    ms = dt.microsecond // 1000
    out = dt.strftime("%Y-%m-%dT%H:%M:%S")
    if ms:
        out += ".%03d" % ms
    return out + "Z"


def _terms(doc: dict[str, Any]) -> list[str]:
    terms: list[str] = []
    for field, value in doc.items():
        if not F.is_string(field):
            continue
        values = value if isinstance(value, list) else [value]
        for v in values:
            s = F.scalar_str(v)
            if s is not None:
                terms.append(F.term_key(field, s))
    # dict.fromkeys keeps order and removes duplicates
    return list(dict.fromkeys(terms))


def _tsvector(doc: dict[str, Any], head_only: bool = False) -> str:
    vb = VectorBuilder()
    groups = (("A", F.WEIGHT_A), ("B", F.WEIGHT_B))
    if not head_only:
        groups += (("C", F.WEIGHT_C), ("D", F.WEIGHT_D))
    for weight, names in groups:
        for name in names:
            vb.add_values(doc.get(name), weight)
    if not head_only:
        for field, value in doc.items():
            if field.startswith(F.WEIGHT_D_PREFIXES):
                vb.add_values(value, "D")
    return vb.literal()


def build_row(solr_doc: dict[str, Any]) -> dict[str, Any]:
    """Row values (all to be sent as bound parameters) for one Solr document."""
    # Solr keeps no null or empty values: neither do we (fl returns what Solr would)
    doc = _clean({k: v for k, v in solr_doc.items() if v is not None and v != []})
    data_dict = doc.pop("data_dict", None)
    validated = doc.pop("validated_data_dict", None)
    now = datetime.datetime.now(datetime.timezone.utc)
    doc.setdefault("indexed_ts", now.isoformat())
    for key in list(doc):
        if F.is_date(key) and isinstance(doc[key], str):
            doc[key] = _solr_date(doc[key])
    title_string = doc.get("title_string")
    terms = _terms(doc)
    return {
        "index_id": str(doc.get("index_id") or doc["id"]),
        "id": str(doc["id"]),
        "name": doc.get("name"),
        "site_id": str(doc.get("site_id") or ""),
        "state": F.scalar_str(doc.get("state")),
        "capacity": F.scalar_str(doc.get("capacity")),
        "permission_labels": [str(x) for x in (doc.get("permission_labels") or [])
                              if F.scalar_str(x) is not None],
        "metadata_modified": _timestamp(doc.get("metadata_modified")),
        "metadata_created": _timestamp(doc.get("metadata_created")),
        "title_string": title_string if isinstance(title_string, str) else None,
        "terms": terms,
        "facet_terms": [t for t in terms
                        if t[:t.index(F.SEP)] not in F.NOT_IN_FACET_TERMS],
        "tsv": _tsvector(doc),
        "doc": json.dumps(doc, ensure_ascii=False, default=str),
        "data_dict": data_dict if isinstance(data_dict, str) or data_dict is None
        else json.dumps(data_dict),
        "validated_data_dict": validated if isinstance(validated, str) or validated is None
        else json.dumps(validated),
    }
