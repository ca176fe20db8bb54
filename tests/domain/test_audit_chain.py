"""The audit trail's hash chain (domain/audit_chain.py), without a database."""
import datetime as dt
import hashlib
import json

from ckanext.govopen.domain import audit_chain as c

T0 = dt.datetime(2026, 12, 5, 9, 0, 0, 123456)


def make_chain(n, base_id=0, base_hash=c.GENESIS):
    rows, prev = [], base_hash
    for i in range(base_id + 1, base_id + n + 1):
        row = {"id": i, "at": T0 + dt.timedelta(seconds=i), "actor": "user-%d" % (i % 3),
               "event": "request.submit" if i % 2 else "grant.created", "subject": "s%d" % i,
               "data": {"n": i, "中文": "申请", "nested": {"b": [1, 2], "a": None}}, "prev_hash": prev}
        row["hash"] = c.row_hash(row)
        rows.append(row)
        prev = row["hash"]
    return rows


def test_hash_is_sha256_of_sorted_key_json():
    row = {"id": 1, "at": T0, "actor": "u", "event": "e", "subject": None, "data": {"z": 1, "a": "é"},
           "prev_hash": c.GENESIS}
    expected = json.dumps({"actor": "u", "at": "2026-12-05T09:00:00.123456", "data": {"a": "é", "z": 1},
                           "event": "e", "id": 1, "prev_hash": c.GENESIS, "subject": None},
                          ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    assert c.canonical(row) == expected
    assert c.row_hash(row) == hashlib.sha256(expected).hexdigest()
    # key order of data, and a timestamp given as text or with a timezone, do not change it
    same = dict(row, data={"a": "é", "z": 1}, at="2026-12-05T17:00:00.123456+08:00")
    assert c.row_hash(same) == c.row_hash(row)


def test_every_field_is_hashed():
    row = make_chain(1)[0]
    for key, value in (("id", 2), ("at", T0), ("actor", "x"), ("event", "x"), ("subject", "x"),
                       ("data", {"n": 2}), ("prev_hash", "f" * 64)):
        assert c.row_hash(dict(row, **{key: value})) != row["hash"], key


def test_intact_chain_verifies():
    rows = make_chain(6)
    r = c.verify(rows, head={"last_id": 6, "hash": rows[-1]["hash"]})
    assert r.ok and r.rows == 6 and r.head_id == 6 and r.head_hash == rows[-1]["hash"]
    assert c.verify([]).ok


def test_edited_row_is_named():
    rows = make_chain(6)
    rows[3] = dict(rows[3], data={"n": 999})
    r = c.verify(rows)
    assert not r.ok and r.broken.id == 4 and r.broken.reason == "tampered"


def test_edited_row_with_recomputed_hash_breaks_the_next_link():
    rows = make_chain(6)
    rows[2] = dict(rows[2], actor="someone-else")
    rows[2]["hash"] = c.row_hash(rows[2])
    r = c.verify(rows)
    assert not r.ok and r.broken.id == 4 and r.broken.reason == "unlinked"


def test_deleted_row_is_named():
    rows = make_chain(6)
    del rows[2]  # id 3
    r = c.verify(rows)
    assert not r.ok and r.broken.id == 3 and r.broken.reason == "missing"


def test_deleted_last_row_is_caught_by_the_head():
    rows = make_chain(6)
    head = {"last_id": 6, "hash": rows[-1]["hash"]}
    r = c.verify(rows[:-1], head=head)
    assert not r.ok and r.broken.id == 6


def test_appended_row_outside_record_is_caught_by_the_head():
    rows = make_chain(6)
    head = {"last_id": 5, "hash": rows[4]["hash"]}
    r = c.verify(rows, head=head)
    assert not r.ok and r.broken.id == 6


def test_inserted_row_is_named():
    rows = make_chain(6)
    forged = {"id": 7, "at": T0, "actor": "x", "event": "grant.created", "subject": "s",
              "data": {}, "prev_hash": rows[1]["hash"]}
    forged["hash"] = c.row_hash(forged)
    r = c.verify(rows + [forged])
    assert not r.ok and r.broken.id == 7 and r.broken.reason == "unlinked"


def test_rewritten_chain_differs_from_an_anchor():
    rows = make_chain(6)
    anchor = {"last_id": 4, "hash": rows[3]["hash"]}
    # rewrite from row 2 on, hashes recomputed: internally consistent, but not the published anchor
    prev = rows[0]["hash"]
    for row in rows[1:]:
        row["prev_hash"] = prev
        if row["id"] == 2:
            row["data"] = {"n": "rewritten"}
        row["hash"] = c.row_hash(row)
        prev = row["hash"]
    assert c.verify(rows).ok
    r = c.verify(rows, anchors=[anchor])
    assert not r.ok and r.broken.id == 4 and r.broken.reason == "anchor_mismatch"


def test_chain_goes_on_from_an_archived_base():
    older = make_chain(4)
    rest = make_chain(3, base_id=4, base_hash=older[-1]["hash"])
    assert c.verify(rest, base_id=4, base_hash=older[-1]["hash"]).ok
    assert not c.verify(rest).ok
    bad = c.verify(rest, base_id=4, base_hash="e" * 64)
    assert not bad.ok and bad.broken.id == 5


def test_plain_makes_values_json_like_the_database_returns_them():
    assert c.plain({"d": dt.date(2026, 1, 2), "t": (1, 2), "s": {"b", "a"}}) == \
        {"d": "2026-01-02", "t": [1, 2], "s": ["a", "b"]}
