"""Files of the publication gate.

* The public copy lives where CKAN keeps uploads (``<storage_path>/resources/…``,
  served only by the gated download route). It is always written to a temporary
  name in the same folder and renamed into place when complete.
* The original is moved (a rename, cheap even for large files) out of the upload
  path at upload time into ``govopen.publication.private_path`` (default
  ``<storage_path>/govopen_private``), which no route serves except the
  department-only original download.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path
from typing import Optional

import ckan.lib.uploader as uploader
import ckan.plugins.toolkit as tk


def public_path(resource_id: str) -> str:
    up = uploader.get_resource_uploader({"id": resource_id, "url_type": "upload", "url": ""})
    return up.get_path(resource_id)


def private_root() -> Path:
    explicit = tk.config.get("govopen.publication.private_path")
    if explicit:
        return Path(explicit)
    storage = tk.config.get("ckan.storage_path") or "var/storage"
    return Path(storage) / "govopen_private"


def original_path_for(resource_id: str, token: str, filename: Optional[str]) -> Path:
    suffix = Path(filename or "").suffix.lower()[:10]
    return private_root() / "originals" / resource_id[:3] / resource_id / (token + suffix)


def take_original(resource_id: str, token: str, filename: Optional[str]) -> Optional[Path]:
    """Move the freshly uploaded file out of the public upload path. None if there
    is no file there."""
    src = public_path(resource_id)
    if not os.path.exists(src):
        return None
    dst = original_path_for(resource_id, token, filename)
    dst.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.replace(src, dst)
    except OSError:  # another file system: copy then remove
        shutil.copyfile(src, str(dst) + ".part")
        os.replace(str(dst) + ".part", dst)
        os.remove(src)
    return dst


def discard_original(path: Optional[str]) -> None:
    if path and os.path.exists(path):
        os.remove(path)


def remove_public(resource_id: str) -> None:
    try:
        os.remove(public_path(resource_id))
    except FileNotFoundError:
        pass


def _partial_prefix(dst: str) -> str:
    """The temporary name's start of a copy on its way to ``dst``: desensitize's
    AtomicTableWriter names it ``.<name>.<random>.part`` in the same folder; so do we."""
    return ".%s." % os.path.basename(dst)


def discard_partial_copies(resource_id: str) -> int:
    """Remove the temporary copies a killed job left for this resource (issue 19: a
    worker killed mid-job leaves its ``.part`` file; never served, but a not yet
    scanned copy should not stay on disk). Called when an attempt starts. Returns how
    many were removed."""
    dst = public_path(resource_id)
    folder, prefix = os.path.dirname(dst), _partial_prefix(dst)
    removed = 0
    try:
        names = os.listdir(folder)
    except FileNotFoundError:
        return 0
    for name in names:
        if name.startswith(prefix) and name.endswith(".part"):
            try:
                os.remove(os.path.join(folder, name))
                removed += 1
            except FileNotFoundError:
                pass
    return removed


def publish_copy(src: str, resource_id: str) -> None:
    """Copy ``src`` to the public path atomically (temporary name, then rename)."""
    dst = public_path(resource_id)
    os.makedirs(os.path.dirname(dst), exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=_partial_prefix(dst), suffix=".part",
                               dir=os.path.dirname(dst))
    try:
        with os.fdopen(fd, "wb") as out, open(src, "rb") as inp:
            shutil.copyfileobj(inp, out, 1 << 20)
        os.replace(tmp, dst)
    except BaseException:
        try:
            os.remove(tmp)
        except OSError:
            pass
        raise


def sha256_file(path: str) -> tuple[str, int]:
    h = hashlib.sha256()
    size = 0
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
            size += len(block)
    return h.hexdigest(), size
