"""A catalog edit is indexed once per commit. Indexing runs inside CKAN's before_commit
hook; a savepoint opened while indexing (the popularity sort key once read its counter
in one) dispatches before_commit again, which indexed again, until Python's recursion
limit: an outside test's server log showed a RecursionError on every package_patch,
/dataset/new and /resource/new, each edit indexed hundreds of times."""
from __future__ import annotations

import logging

from govopen_world import api


def test_a_catalog_edit_is_indexed_once_without_recursion(world, caplog, monkeypatch):
    from ckanext.govopen.model import usage
    calls = []
    real = usage.sort_key
    monkeypatch.setattr(usage, "sort_key", lambda pid: calls.append(pid) or real(pid))
    pkg = world["datasets"]["unconditional"]["pkg"]
    caplog.set_level(logging.ERROR)
    status, body = api(world, "dept_editor", "package_patch", id=pkg["id"], notes="更新说明：按月更新")
    assert status == 200, body
    assert not [r for r in caplog.records if "recursion" in r.getMessage()]
    assert 1 <= calls.count(pkg["id"]) <= 2, len(calls)
    # and the index has the edit
    status, body = api(world, "anonymous", "package_search", q="按月更新")
    assert status == 200 and pkg["id"] in [p["id"] for p in body["result"]["results"]]
