"""Sending stored files (resource downloads, originals, request attachments) from the
portal's origin: the one place that sets their type and disposition, by
``domain.open_types.serving_for`` (issue 12, finding 2)."""
from __future__ import annotations

import flask

from ..domain import open_types as ot


def send_stored(path: str, checked_name: str, download_name: str | None = None,
                force_attachment: bool = False) -> flask.Response:
    """``flask.send_file`` with the type worked out from ``checked_name`` (the name the
    gate checked, never one a client chose), attachment unless the type is safe, and
    ``X-Content-Type-Options: nosniff``. Raises FileNotFoundError."""
    how = ot.serving_for(checked_name, force_attachment)
    name = (download_name or checked_name or "download").rsplit("/", 1)[-1] or "download"
    resp = flask.send_file(path, mimetype=how.mimetype, as_attachment=how.as_attachment,
                           download_name=name)
    resp.headers["X-Content-Type-Options"] = "nosniff"
    return resp
