"""The demo data: a deterministic generator, a catalog that obeys the portal's rules,
and a loader that can run twice without duplicating anything.

The generator and catalog tests need no database; the loader tests use CKAN's
fixtures (test-govopen.ini) and load the REAL catalog at a small file scale.
"""
from __future__ import annotations

import datetime as _dt
import io
import json
import os
import re

import pytest

from ckanext.govopen.demo import accounts, catalog, generate, load as loader
from ckanext.govopen.domain import catalog as rules

SMALL = 0.02  # file scale for tests: every resource still gets ≥5 rows

ID_COLUMNS = ("公民身份号码", "母亲公民身份号码", "父亲公民身份号码", "经营者公民身份号码")
MOBILE_COLUMNS = ("手机号码", "经营者手机号码", "负责人手机号码")
MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")


def _generated():
    for entry in catalog.DATASETS:
        for res in entry["resources"]:
            if res.get("gen"):
                yield entry, res


def _table(res, data):
    import pandas as pd
    if res["format"] == "CSV":
        return pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False)
    return pd.read_excel(io.BytesIO(data), dtype=str, keep_default_na=False)


# ------------------------------------------------------------------ generator
def test_generator_is_deterministic():
    for entry, res in _generated():
        n = generate.scaled(res["rows"], SMALL) if res["rows"] else 0
        a = generate.render(res["gen"], res["format"], n)
        b = generate.render(res["gen"], res["format"], n)
        assert a == b, f"{entry['name']}/{res['gen']} {res['format']} is not reproducible"
    # a full-size file too (XLSX timestamps and zip dates must be pinned)
    assert generate.render("food_inspections", "XLSX", 200) == generate.render("food_inspections", "XLSX", 200)
    # the seed matters
    assert generate.render("market_entities", "CSV", 50) != generate.render("market_entities", "CSV", 50, seed=1)


def test_files_written_to_disk_are_the_same_bytes(tmp_path):
    entry = next(e for e in catalog.DATASETS if e["name"] == "zhuyuan-bingan-shouye")
    res = entry["resources"][0]
    p1 = loader.write_file(entry, res, tmp_path / "a", SMALL)
    p2 = loader.write_file(entry, res, tmp_path / "b", SMALL)
    assert p1.read_bytes() == p2.read_bytes()
    assert p1.name == "zhuyuan-bingan-shouye-inpatient-records.csv"


def test_every_generated_file_parses():
    for entry, res in _generated():
        n = generate.scaled(res["rows"], SMALL) if res["rows"] else 0
        data = generate.render(res["gen"], res["format"], n)
        fmt = res["format"]
        if fmt in ("CSV", "XLSX"):
            df = _table(res, data)
            assert len(df) >= 5 and len(df.columns) >= 5, (entry["name"], df.shape)
            assert not any(c.startswith("Unnamed") for c in df.columns)
        elif fmt == "JSON":
            obj = json.loads(data.decode("utf-8"))
            assert obj, entry["name"]
        elif fmt == "PDF":
            assert data.startswith(b"%PDF-1.4") and data.rstrip().endswith(b"%%EOF")
            xref = int(data.rsplit(b"startxref", 1)[1].split()[0])
            assert data[xref:xref + 4] == b"xref"
            # each xref offset points at its "n 0 obj"
            entries = data[xref:].split(b"\n")[3:]
            for i, line in enumerate(entries[:7], 1):
                off = int(line[:10])
                assert data[off:].startswith(f"{i} 0 obj".encode())
        else:
            pytest.fail(f"unexpected generated format {fmt}")


def test_full_size_files_total_a_few_megabytes():
    total = sum(len(generate.render(r["gen"], r["format"], r["rows"])) for _e, r in _generated())
    assert 2_000_000 <= total <= 6_500_000, total


def test_personal_data_is_realistic_and_checksums_are_valid():
    seen_ids = seen_mobiles = seen_uscc = 0
    for entry, res in _generated():
        if res["format"] not in ("CSV", "XLSX"):
            continue
        df = _table(res, generate.render(res["gen"], res["format"], generate.scaled(res["rows"], 0.2)))
        for col in df.columns:
            values = [v for v in df[col] if v]
            if col in ID_COLUMNS:
                bad = [v for v in values if not generate.valid_resident_id(v)]
                assert not bad, (entry["name"], col, bad[:3])
                seen_ids += len(values)
            elif col in MOBILE_COLUMNS:
                assert all(MOBILE_RE.match(v) for v in values), (entry["name"], col)
                seen_mobiles += len(values)
            elif col == "车牌号码":
                assert all(re.match(r"^渝[A-H](?:[DF][A-HJ-NP-Z0-9]\d{4}|[A-HJ-NP-Z0-9]{5})$", v) for v in values)
            elif "统一社会信用代码" in col:
                bad = [v for v in values if not generate.valid_uscc(v)]
                assert not bad, (entry["name"], col, bad[:3])
                seen_uscc += len(values)
    assert seen_ids > 500 and seen_mobiles > 300 and seen_uscc > 500


def test_personal_data_sits_in_restricted_entries_only():
    for entry, res in _generated():
        if res["format"] not in ("CSV", "XLSX"):
            continue
        cols = set(_table(res, generate.render(res["gen"], res["format"], 5)).columns)
        if cols & set(ID_COLUMNS):
            assert entry["open_type"] in ("conditional", "not_open"), entry["name"]


def test_checksum_helpers_against_known_values():
    # GB 11643 example ID and a published USCC (国家市场监督管理总局's pattern checked by hand)
    assert generate.valid_resident_id("11010519491231002X")
    assert not generate.valid_resident_id("110105194912310021")
    assert generate.uscc_check("91350100M000100Y4") == "3"
    assert generate.valid_uscc("91350100M000100Y43")


# ------------------------------------------------------------------ catalog
def _schema():
    import yaml
    import ckanext.govopen
    path = os.path.join(os.path.dirname(ckanext.govopen.__file__), "schemas", "dataset.yaml")
    with open(path, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def test_catalog_follows_the_schema_and_the_rules():
    schema = _schema()
    fields = {f["field_name"]: f for f in schema["dataset_fields"]}
    today = _dt.date(2026, 11, 28)
    for entry in catalog.DATASETS:
        d = loader.dataset_dict(entry, today)
        unknown = set(d) - set(fields)
        assert not unknown, (entry["name"], unknown)
        for name, f in fields.items():
            if f.get("required") and name not in ("name",):
                assert d.get(name), (entry["name"], name)
            if f.get("choices") and d.get(name):
                assert d[name] in {c["value"] for c in f["choices"]}, (entry["name"], name, d[name])
        assert rules.entry_problems(d) == {}, entry["name"]
        assert rules.spatial_code_problem(d["spatial_code"]) is None
        assert re.search(r"[\u4e00-\u9fff]", d["title"]) and re.search(r"[\u4e00-\u9fff]", d["notes"])
    names = [e["name"] for e in catalog.DATASETS]
    assert len(names) == len(set(names)) >= 30


def test_catalog_tells_the_story():
    ds = catalog.DATASETS
    assert {o["name"] for o in catalog.ORGANIZATIONS} >= {"jiaotong", "weijian", "shichang"}
    assert {e["open_type"] for e in ds} == {"unconditional", "conditional", "not_open"}
    assert {e["share_type"] for e in ds} == {"unconditional", "conditional", "not_shared"}
    for org in ("jiaotong", "weijian", "shichang"):
        assert sum(e["owner_org"] == org for e in ds) >= 5
    # 交通 inside longer words, so a search for 交通 must segment Chinese
    jt = [e["title"] for e in ds if "交通" in e["title"] and e["title"] != "交通"]
    assert len(jt) >= 3
    # restricted entries cite an article of law (…法/条例/办法/规定 + 第…条 or a named regulation)
    for e in ds:
        if e["open_type"] != "unconditional":
            assert "《" in e["legal_basis"] and "》" in e["legal_basis"], e["name"]
    # the update-duty dashboard has work: several entries overdue, several not
    today = _dt.date(2026, 11, 28)
    overdue = [e["name"] for e in ds if rules.is_overdue(loader.dataset_dict(e, today), today)]
    assert 3 <= len(overdue) <= 10, overdue
    assert "guidao-jiaotong-keliu" in overdue
    # formats: machine-readable files and one non-machine-readable PDF, one external API
    fmts = [r["format"] for e in ds for r in e["resources"]]
    assert {"CSV", "XLSX", "JSON", "PDF", "API"} <= set(fmts)


def test_accounts_table_lists_every_role():
    text = accounts.table()
    for u in catalog.USERS:
        assert u["name"] in text and u["password"] in text
        assert len(u["password"]) >= 8
    assert "DEMO-ONLY" in text and "仅用于演示" in text
    kinds = {u["kind"] for u in catalog.USERS}
    assert kinds == {"authority", "citizen", "enterprise", "department"}
    caps = {(u.get("org"), u.get("capacity")) for u in catalog.USERS}
    assert ("jiaotong", "editor") in caps and ("jiaotong", "admin") in caps


# ------------------------------------------------------------------ loader
def _counts():
    import ckan.model as model
    return {
        "packages": model.Session.query(model.Package).filter_by(state="active").count(),
        "resources": model.Session.query(model.Resource).filter_by(state="active").count(),
        "orgs": model.Session.query(model.Group).filter_by(is_organization=True, state="active").count(),
        "users": model.Session.query(model.User).filter_by(state="active").count(),
        "members": model.Session.query(model.Member).filter_by(state="active").count(),
    }


def _demo_demands():
    """What the demand board holds for the demo: the review demand, the not-in-catalog
    demand and the parking-lot flag, as the public sees them."""
    from ckan.tests import helpers
    pkg = helpers.call_action("package_show", id=catalog.DEMAND_REVIEW["package"])
    review = helpers.call_action("govopen_demand_list", {"user": ""}, package_id=pkg["id"])
    outside = [d for d in helpers.call_action("govopen_demand_list", {"user": ""})
               if not d["package_id"]]
    flags = helpers.call_action("govopen_objection_list", {"user": ""},
                                package_id=catalog.OBJECTION["package"])
    return review, outside, flags


def _check_demo_demands(app):
    from ckan.tests import helpers
    from ckanext.govopen.logic import requests_glue as glue
    review, outside, flags = _demo_demands()
    threshold = glue.jurisdiction().demand_board.threshold
    # the not_open entry: one demand, enough distinct requesters, its high-demand review open
    assert len(review) == 1, review
    d = helpers.call_action("govopen_demand_show", {"user": "citizen"}, id=review[0]["id"])
    assert d["state"] == "under_review" and d["review_request_id"], d["state"]
    assert d["requester_count"] == threshold >= 2 and d["viewer"]["is_requester"]
    assert d["due_date"] and d["department"]["name"] == "jiaotong"
    assert [e["action"] for e in d["history"]].count("second") == threshold - 1
    # ... on the department's dashboard with its due date
    rows = helpers.call_action("govopen_request_list", {"user": "jiaotong_admin"},
                               scope="department", kind="high_demand_review")
    row = next(r for r in rows if r["id"] == d["review_request_id"])
    assert row["due_date"] == d["due_date"]
    tok = helpers.call_action("api_token_create", {"user": "jiaotong_admin"}, user="jiaotong_admin",
                              name="demo-test")["token"]
    dash = app.get("/dashboard/oversight", headers={"Authorization": tok}).body
    assert 'data-request="%s"' % d["review_request_id"] in dash and d["due_date"] in dash
    # data not in the catalog, filed by the enterprise, waiting for routing
    spec = catalog.DEMAND_NOT_IN_CATALOG
    assert [x["title"] for x in outside] == [spec["title"]], outside
    assert outside[0]["state"] == "awaiting_routing"
    assert outside[0]["requester_count"] == 1 + len(spec["seconded_by"])
    assert outside[0]["suggested_org"]["name"] == spec["suggested_org"]
    # one flag on the parking-lot list's resource
    assert len(flags) == 1 and flags[0]["what"] == catalog.OBJECTION["what"], flags
    assert flags[0]["resource"]["name"] == catalog.OBJECTION["resource"] and flags[0]["due_date"]
    # the public board lists both demands
    board = app.get("/demand").body
    assert review[0]["id"] in board and outside[0]["id"] in board


@pytest.mark.usefixtures("clean_db", "with_plugins")
def test_load_twice_gives_the_same_searchable_portal(tmp_path, app):
    import ckanapi
    first = loader.load(files_dir=tmp_path, scale=SMALL)
    assert first["errors"] == []
    assert first["datasets"]["created"] == len(catalog.DATASETS) >= 30
    assert first["demands"]["demands_created"] == 2 and first["demands"]["objections_created"] == 1
    assert first["demands"]["review_request_id"]
    _check_demo_demands(app)
    before = _counts()
    second = loader.load(files_dir=tmp_path, scale=SMALL)
    assert second["errors"] == []
    for kind in ("organizations", "users", "memberships", "datasets", "resources"):
        assert second[kind]["created"] == 0 and second[kind]["updated"] == 0, (kind, second[kind])
    for k in ("accounts_created", "demands_created", "requesters_added", "objections_created"):
        assert second["demands"][k] == 0, second["demands"]
    assert "demand board" in loader.format_summary(second)
    assert _counts() == before
    _check_demo_demands(app)
    t = second["totals"]
    assert t["datasets"] == len(catalog.DATASETS) and t["organizations"] == len(catalog.ORGANIZATIONS) >= 3
    assert t["users"] == len(catalog.USERS)
    assert t["resources"] == sum(len(e["resources"]) for e in catalog.DATASETS)

    ck = ckanapi.LocalCKAN()
    # accounts: kinds in plugin_extras, authority is sysadmin, department roles
    def extras(name):
        u = ck.call_action("user_show", {"id": name, "include_plugin_extras": True})
        return u, (u.get("plugin_extras") or {}).get("govopen", {})
    assert extras("citizen")[1]["kind"] == "citizen"
    assert extras("enterprise")[1]["kind"] == "enterprise"
    assert extras("authority")[0]["sysadmin"] is True
    roles = {u["name"]: u["capacity"] for u in ck.action.organization_show(id="jiaotong", include_users=True)["users"]}
    assert roles.get("jiaotong_editor") == "editor" and roles.get("jiaotong_admin") == "admin"

    # a dataset: schema fields stored, files uploaded (not linked), the API one linked
    pkg = ck.action.package_show(id="wangyueche-jiashiyuan")
    assert pkg["open_type"] == "conditional" and "第二十五条" in pkg["legal_basis"]
    assert pkg["organization"]["title"] == "市交通局"
    res = pkg["resources"][0]
    assert res["url_type"] == "upload" and res["url"].endswith(".csv")
    api = ck.action.package_show(id="shishi-gongjiao-daozhan")["resources"][0]
    assert api["url_type"] in (None, "") and api["url"].startswith("https://")

    # an edit made while presenting survives a plain re-run; --update restores the catalog
    ck.action.package_patch(id="gonggong-tingchechang", title="旧标题")
    third = loader.load(files_dir=tmp_path, scale=SMALL)
    assert third["datasets"]["updated"] == 0
    assert ck.action.package_show(id="gonggong-tingchechang")["title"] == "旧标题"
    fourth = loader.load(files_dir=tmp_path, scale=SMALL, update=True)
    assert fourth["datasets"]["updated"] == 1 and fourth["datasets"]["created"] == 0
    assert ck.action.package_show(id="gonggong-tingchechang")["title"] == "公共停车场信息"
    assert _counts()["packages"] == before["packages"]
    assert fourth["demands"]["demands_created"] == fourth["demands"]["objections_created"] == 0
    _check_demo_demands(app)

    # the PostgreSQL search finds 交通 inside words (one load serves both checks: loading is the slow part)
    found = ck.action.package_search(q="交通", rows=100)
    titles = {r["title"] for r in found["results"]}
    assert {"城市交通运行数据", "公共交通线路信息", "轨道交通客流统计"} <= titles, titles
    assert ck.action.package_search(rows=0)["count"] == len(catalog.DATASETS)


def test_accounts_command_prints_the_table():
    from click.testing import CliRunner
    from ckanext.govopen.cli import govopen
    result = CliRunner().invoke(govopen, ["demo", "accounts"])
    assert result.exit_code == 0, result.output
    assert "jiaotong_admin" in result.output and "Demo-2026-citizen" in result.output
